"""Test helpers: throwaway PostgreSQL server and headless Debian Chromium.

See ``tests/support/postgres.py`` and ``tests/support/browser.py``; the system
packages they need are installed by ``scripts/system-deps.sh``.
"""
