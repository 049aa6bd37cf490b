"""A claim's citation as plain text (feeds, CSV), the same words as the page's ready-to-copy box
(the ``citation_text`` macro of ``_kutipan.html``), in the reader's language."""

from __future__ import annotations

from flask import get_template_attribute


def citation_text(claim: dict, permalink: str | None) -> str:
    text = get_template_attribute("_kutipan.html", "citation_text")(claim, permalink or "")
    return (text.unescape() if hasattr(text, "unescape") else str(text)).strip()
