"""The Indonesian stemmer of Lucene (``stemmer`` filter, ``language: indonesian``), in Python.

A line-by-line port of ``org.apache.lucene.analysis.id.IndonesianStemmer`` with
``stemDerivational=true`` (Tala 2003), so the embedded index stems exactly as Elasticsearch and
OpenSearch do and the two engines agree on what a word matches. ``tests/indices/search`` checks the port
against a real node's ``_analyze`` over the vocabulary of the real regulations.

It strips particles (-kah/-lah/-pun), possessives (-ku/-mu/-nya), first-order prefixes
(meng-/meny-/men-/mem-/me-/peng-/peny-/pen-/pem-/di-/ter-/ke-), second-order prefixes
(ber-/be-/per-/pe-) and suffixes (-kan/-an/-i), only while the word keeps more than two syllables.
"""

from __future__ import annotations

from functools import lru_cache

_KE, _PENG, _DI, _MENG, _TER, _BER, _PE = 1, 2, 4, 8, 16, 32, 64
_VOWELS = frozenset("aeiou")


class _State:
    __slots__ = ("flags", "syllables")

    def __init__(self, word: str):
        self.flags = 0
        self.syllables = sum(1 for ch in word if ch in _VOWELS)


def _remove_particle(w: str, st: _State) -> str:
    if w.endswith(("kah", "lah", "pun")):
        st.syllables -= 1
        return w[:-3]
    return w


def _remove_possessive(w: str, st: _State) -> str:
    if w.endswith(("ku", "mu")):
        st.syllables -= 1
        return w[:-2]
    if w.endswith("nya"):
        st.syllables -= 1
        return w[:-3]
    return w


def _remove_first_order_prefix(w: str, st: _State) -> str:
    def cut(n: int, flag: int, replace: str = "") -> str:
        st.flags |= flag
        st.syllables -= 1
        return replace + w[n:]

    if w.startswith("meng"):
        return cut(4, _MENG)
    if w.startswith("meny") and len(w) > 4 and w[4] in _VOWELS:
        return cut(4, _MENG, "s")
    if w.startswith("men"):
        return cut(3, _MENG)
    if w.startswith("mem"):
        return cut(3, _MENG)
    if w.startswith("me"):
        return cut(2, _MENG)
    if w.startswith("peng"):
        return cut(4, _PENG)
    if w.startswith("peny") and len(w) > 4 and w[4] in _VOWELS:
        return cut(4, _PENG, "s")
    if w.startswith("peny"):
        return cut(4, _PENG)
    if w.startswith("pen") and len(w) > 3 and w[3] in _VOWELS:
        return cut(3, _PENG, "t")
    if w.startswith("pen"):
        return cut(3, _PENG)
    if w.startswith("pem"):
        return cut(3, _PENG)
    if w.startswith("di"):
        return cut(2, _DI)
    if w.startswith("ter"):
        return cut(3, _TER)
    if w.startswith("ke"):
        return cut(2, _KE)
    return w


def _remove_second_order_prefix(w: str, st: _State) -> str:
    if w.startswith("ber"):
        st.flags |= _BER
        st.syllables -= 1
        return w[3:]
    if w == "belajar":
        st.flags |= _BER
        st.syllables -= 1
        return w[3:]
    if w.startswith("be") and len(w) > 4 and w[2] not in _VOWELS and w[3] == "e" and w[4] == "r":
        st.flags |= _BER
        st.syllables -= 1
        return w[2:]
    if w.startswith("per"):
        st.syllables -= 1
        return w[3:]
    if w == "pelajar":
        st.syllables -= 1
        return w[3:]
    if w.startswith("pe"):
        st.flags |= _PE
        st.syllables -= 1
        return w[2:]
    return w


def _remove_suffix(w: str, st: _State) -> str:
    if w.endswith("kan") and not st.flags & (_KE | _PENG | _PE):
        st.syllables -= 1
        return w[:-3]
    if w.endswith("an") and not st.flags & (_DI | _MENG | _TER):
        st.syllables -= 1
        return w[:-2]
    if w.endswith("i") and not w.endswith("si") and not st.flags & (_BER | _KE | _PENG):
        st.syllables -= 1
        return w[:-1]
    return w


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lowercased token, as Lucene's IndonesianStemFilter would give it."""
    st = _State(word)
    w = word
    if st.syllables > 2:
        w = _remove_particle(w, st)
    if st.syllables > 2:
        w = _remove_possessive(w, st)
    before = w
    if st.syllables > 2:
        w = _remove_first_order_prefix(w, st)
    if w != before:
        before = w
        if st.syllables > 2:
            w = _remove_suffix(w, st)
        if w != before and st.syllables > 2:
            w = _remove_second_order_prefix(w, st)
    else:
        if st.syllables > 2:
            w = _remove_second_order_prefix(w, st)
        if st.syllables > 2:
            w = _remove_suffix(w, st)
    return w
