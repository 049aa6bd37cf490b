"""Indonesian text analysis in Python, mirroring the engine analysers of ``indices/mappings``.

The embedded index cannot run Lucene analysers, so it gets pre-analysed token streams from here;
the word lists (stop words, protected legal terms, synonyms) are read from the same
``analysis.json`` that Elasticsearch/OpenSearch receive, and the stemmer is a port of Lucene's,
so a word matches the same documents in either engine.

``tokens`` approximates the ``standard`` tokenizer (Unicode word boundaries): letters and digits
form words, ``50.000,00`` and ``U.S.A`` stay whole, ``30/2024`` and ``Undang-Undang`` split.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

from .stemmer import stem

MAPPINGS = resources.files("indices") / "mappings"

# A word, possibly joined by . ' ’ : between letters or . , ; ' ’ between digits (UAX#29
# MidLetter, MidNum, MidNumLet).
TOKEN_RE = re.compile(r"\w+(?:(?:(?<=[^\W\d_])[.'’:](?=[^\W\d_])|(?<=\d)[.,;'’](?=\d))\w+)*")
# Where a stop word stood in the stemmed stream: it keeps the position (as Lucene's stop filter
# leaves a position gap) so phrase queries line up, and no query ever asks for it.
GAP = "_"


@lru_cache(maxsize=1)
def analysis_settings() -> dict:
    """The ``analysis`` block of ``mappings/analysis.json`` (engine index settings)."""
    return json.loads((MAPPINGS / "analysis.json").read_text(encoding="utf-8"))["analysis"]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(analysis_settings()["filter"]["id_stop"]["stopwords"])


@lru_cache(maxsize=1)
def protected() -> frozenset[str]:
    return frozenset(analysis_settings()["filter"]["id_protect"]["keywords"])


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each rule as a tuple of alternatives, each alternative a tuple of lowercased tokens."""
    out = []
    for rule in analysis_settings()["filter"]["id_synonyms"]["synonyms"]:
        alts = tuple(tuple(words(a)) for a in rule.split(","))
        out.append(tuple(a for a in alts if a))
    return tuple(out)


@lru_cache(maxsize=1)
def _synonym_index() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in synonym_groups():
        for alt in group:
            index[alt] = group
    return index


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """(lowercased token, start, end) for each token of ``text``."""
    for m in TOKEN_RE.finditer(text):
        yield m.group().lower(), m.start(), m.end()


def words(text: str) -> list[str]:
    """The lowercased tokens of ``text``."""
    return TOKEN_RE.findall((text or "").lower())


def stem_token(token: str) -> str | None:
    """One lowercased token through stop → keyword_marker → stemmer; None for a stop word."""
    if token in stopwords():
        return None
    if token in protected():
        return token
    return stem(token)


INDEX_KEYS: dict[str, str] = {}  # token -> index_key(token), the hot path of indexing


def index_key(token: str) -> str:
    """What the stemmed field holds for one lowercased token: its stem, or ``GAP``."""
    key = stem_token(token)
    key = GAP if key is None else key
    if len(INDEX_KEYS) < 500_000:
        INDEX_KEYS[token] = key
    return key


def index_streams(text: str) -> tuple[str, str]:
    """(stemmed, exact) whitespace-joined token streams of ``text`` for the embedded index.

    In the stemmed stream a stop word becomes ``GAP``, which keeps token positions equal to the
    engines' (their stop filter leaves a position gap) so phrase queries match the same places.
    """
    toks = words(text)
    get = INDEX_KEYS.get
    stemmed = [get(t) or index_key(t) for t in toks]
    return " ".join(stemmed), " ".join(toks)


@dataclass(frozen=True)
class Alternative:
    """One way a query position group can match: consecutive stems, with gaps as None."""

    terms: tuple[str | None, ...]

    @property
    def is_empty(self) -> bool:
        return all(t is None for t in self.terms)


def query_groups(text: str, *, exact: bool = False) -> list[list[Alternative]]:
    """The query-time analysis of ``text``: a list of groups that must all match, each group a
    list of alternatives (synonyms), as ``id_legal_search`` / ``id_exact`` would produce them.

    Stop-word-only groups are dropped (as the stop filter drops them); in exact mode every token
    is its own group with one alternative and nothing is dropped, stemmed or expanded.
    """
    toks = words(text)
    if exact:
        return [[Alternative((t,))] for t in toks]
    syn = _synonym_index()
    longest = max((len(k) for k in syn), default=1)
    groups: list[list[Alternative]] = []
    i = 0
    while i < len(toks):
        for n in range(min(longest, len(toks) - i), 0, -1):
            group = syn.get(tuple(toks[i:i + n]))
            if group:
                alts = [Alternative(tuple(stem_token(t) for t in alt)) for alt in group]
                i += n
                break
        else:
            alts = [Alternative((stem_token(toks[i]),))]
            i += 1
        alts = [a for a in dict.fromkeys(alts) if not a.is_empty]
        if alts:
            groups.append(alts)
    return groups


def phrase_alternatives(text: str, *, exact: bool = False, limit: int = 16) -> list[Alternative]:
    """A quoted phrase as whole-phrase alternatives (synonyms expanded, at most ``limit``)."""
    if exact:
        toks = tuple(words(text))
        return [Alternative(toks)] if toks else []
    combos: list[tuple[str | None, ...]] = [()]
    for group in _phrase_groups(text):
        combos = [c + a.terms for c in combos for a in group][:limit]
    alts = [Alternative(_trim(c)) for c in combos]
    return [a for a in dict.fromkeys(alts) if not a.is_empty]


def _phrase_groups(text: str) -> list[list[Alternative]]:
    # like query_groups, but a stop word keeps its place as a gap (None)
    toks = words(text)
    syn = _synonym_index()
    longest = max((len(k) for k in syn), default=1)
    out: list[list[Alternative]] = []
    i = 0
    while i < len(toks):
        for n in range(min(longest, len(toks) - i), 0, -1):
            group = syn.get(tuple(toks[i:i + n]))
            if group:
                out.append([Alternative(tuple(stem_token(t) for t in alt)) for alt in group])
                i += n
                break
        else:
            out.append([Alternative((stem_token(toks[i]),))])
            i += 1
    return out


def _trim(terms: tuple[str | None, ...]) -> tuple[str | None, ...]:
    lo, hi = 0, len(terms)
    while lo < hi and terms[lo] is None:
        lo += 1
    while hi > lo and terms[hi - 1] is None:
        hi -= 1
    return terms[lo:hi]


def highlight_keys(text: str, *, exact: bool = False) -> set[str]:
    """Every stem (or exact token) a query text can match, for the highlighter."""
    if exact:
        return set(words(text))
    keys: set[str] = set()
    for group in query_groups(text):
        for alt in group:
            keys.update(t for t in alt.terms if t)
    return keys


def token_key(token: str, *, exact: bool = False) -> str | None:
    """What the index holds for one lowercased token of a document."""
    return token if exact else stem_token(token)
