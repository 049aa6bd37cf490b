"""Highlighting for the embedded engine: the fragment of a text with the most query words, as a
plain :class:`~indices.search.result.Passage` with the offsets of those words.

A token matches when its stem (or, in exact mode, the token itself) is one the query asked for, so
``pendaftaran`` is marked for the query ``mendaftarkan``, as the engines' highlighters do.
Candidates are found with one regular-expression pass over the text (each stem minus its first
letter is a substring of every word it came from: the stemmer only strips affixes, and at most
rewrites the first letter as in ``menyapu`` → ``sapu``), so long regulations stay fast.
"""

from __future__ import annotations

import re

from .analysis import INDEX_KEYS, TOKEN_RE, index_key
from .result import Passage, squash_spaces

FRAGMENT_CHARS = 200
_REACH = 64  # longest stretch of a token looked at on each side of a candidate
_JOINERS = "_.,;:'’"


def _needle(key: str) -> str:
    return re.escape(key[1:] if len(key) > 2 else key)


_RIGHT = re.compile(r"[\w.,;:'’]*")


class Highlighter:
    """Finds the tokens of a text that match a query's keys; built once per query."""

    def __init__(self, keys: set[str], *, exact: bool = False):
        self.keys, self.exact = keys, exact
        self._needles = (re.compile("|".join(sorted({_needle(k) for k in keys}, key=len,
                                                    reverse=True)), re.I) if keys else None)

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every token of ``text`` whose index key is in ``keys``."""
        if self._needles is None or not text:
            return []
        keys, exact = self.keys, self.exact
        get, fill = INDEX_KEYS.get, index_key
        out: list[tuple[int, int, str]] = []
        last_end = -1
        n = len(text)
        for hit in self._needles.finditer(text):
            start = hit.start()
            if start < last_end:
                continue
            a, lo = start, max(0, start - _REACH)
            while a > lo and (text[a - 1].isalnum() or text[a - 1] in _JOINERS):
                a -= 1
            b = _RIGHT.match(text, hit.end(), min(n, hit.end() + _REACH)).end()
            for m in TOKEN_RE.finditer(text, a, b):
                token = m.group().lower()
                key = token if exact else (get(token) or fill(token))
                if key in keys:
                    out.append((m.start(), m.end(), key))
            last_end = b
        return out

    def candidates(self, text: str) -> int:
        """How many distinct candidate words ``text`` has (cheap; an upper bound of matches)."""
        if self._needles is None:
            return 0
        return len({m.group().lower() for m in self._needles.finditer(text)})


def matches(text: str, keys: set[str], *, exact: bool = False) -> list[tuple[int, int, str]]:
    return Highlighter(keys, exact=exact).matches(text)


def best_fragment(text: str, found: list[tuple[int, int, str]],
                  size: int = FRAGMENT_CHARS) -> Passage | None:
    """The window of ``size`` characters of ``text`` with the most distinct matched keys
    (``found``: ``Highlighter.matches``), cut at spaces; None when nothing matched."""
    if not found:
        return None
    best = (0, 0, 0)  # (distinct keys, matches, index of first match)
    j = 0
    for i in range(len(found)):
        while j < len(found) and found[j][1] - found[i][0] <= size:
            j += 1
        window = found[i:j]
        score = (len({k for _, _, k in window}), len(window), -i)
        if score > best:
            best = score
    first = -best[2]
    start = found[first][0]
    lo = max(0, start - size // 5)
    if lo:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    hi = min(len(text), lo + size)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > start else hi
    return _fragment(text, lo, hi, [(s, e) for s, e, _ in found if s >= lo and e <= hi])


def leading_fragment(text: str, size: int = FRAGMENT_CHARS) -> Passage:
    """The start of ``text`` (for a hit that matched on its identity or title only)."""
    hi = min(len(text), size)
    if hi < len(text):
        space = text.rfind(" ", 0, hi)
        hi = space if space > 0 else hi
    return _fragment(text, 0, hi, [])


def _fragment(text: str, lo: int, hi: int, marks: list[tuple[int, int]]) -> Passage:
    # not stripped, unlike a whole passage: "…" stands against the text where it was cut
    shown, spans = squash_spaces(text[lo:hi], [(s - lo, e - lo) for s, e in marks], strip=False)
    return Passage("body", shown, spans, clipped_start=lo > 0, clipped_end=hi < len(text))


def whole(text: str, found: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """A whole passage with its matches (engines use ``number_of_fragments: 0`` for it)."""
    return squash_spaces(text, [(s, e) for s, e, _ in found])
