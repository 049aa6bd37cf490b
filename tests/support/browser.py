"""Headless Debian Chromium driven through Playwright, for browser tests.

Uses the system browser at /usr/bin/chromium (installed by
scripts/system-deps.sh), never a Playwright-downloaded one, and turns off the
background traffic Chromium would otherwise send, so tests only touch loopback.

    with chromium_page() as page:
        page.goto(f"http://127.0.0.1:{port}/")
        screenshot(page, None, "home")
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from playwright.sync_api import Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
MISSING_MESSAGE = f"Chromium not found at {CHROMIUM}: run scripts/system-deps.sh"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Debian's /usr/bin/chromium wrapper exports Google API keys and adds
    # --enable-remote-extensions, which makes Chromium look up
    # update.googleapis.com and accounts.google.com despite the flags above.
    # Resolve nothing but loopback names so tests never leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "screenshot"


def screenshot(page: Page, artifacts_dir: Path | None, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of ``page`` as ``<artifacts_dir>/<name>.png``; return its path.

    ``artifacts_dir`` defaults to ``test-artifacts/screenshots`` at the repo root.
    """
    directory = Path(artifacts_dir) if artifacts_dir is not None else DEFAULT_ARTIFACTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{_slug(name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@contextmanager
def chromium_page(artifacts_dir: Path | None = None, *, javascript: bool = True) -> Iterator[Page]:
    """Launch headless /usr/bin/chromium via Playwright and yield a fresh Page.

    If the body raises and ``artifacts_dir`` is given, a ``failure.png``
    screenshot is saved there before the browser is closed. ``javascript=False``
    browses as a reader without JavaScript.
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        raise RuntimeError(MISSING_MESSAGE)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            # Never route test traffic through an inherited proxy.
            env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800},
                                          java_script_enabled=javascript, accept_downloads=True)
            try:
                page = context.new_page()
                try:
                    yield page
                except BaseException:
                    if artifacts_dir is not None and not page.is_closed():
                        try:
                            screenshot(page, artifacts_dir, "failure")
                        except Exception:
                            pass
                    raise
            finally:
                context.close()
        finally:
            browser.close()


BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """The accessibility violations axe-core (bundled with axe-playwright-python, run inside the
    page) finds on the current page, those of ``impacts`` only: ``[{id, impact, help, targets}]``."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    out = []
    for v in results.response["violations"]:
        if v.get("impact") in impacts:
            out.append({"id": v["id"], "impact": v["impact"], "help": v["help"],
                        "targets": [n["target"] for n in v["nodes"]][:5]})
    return out
