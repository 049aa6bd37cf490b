"""Shared fixtures for the nlp tests: the real JDIH Batang PDFs, extracted once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.text import extract_text

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


@pytest.fixture(scope="session")
def extracted():
    """Name -> ExtractedText of each real PDF; pdfplumber is slow, so each file is read once."""
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract_text(real_bytes(name), filename=name)
        return cache[name]

    return get
