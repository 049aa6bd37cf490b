"""The one spaCy pipeline of the extractor: ``spacy.blank("id")`` plus rule matchers, built once.

spaCy has no trained Indonesian model; the blank pipeline gives the Indonesian tokenizer (it
keeps "16.800,00" and "Undang-Undang" whole and splits "(1)" and "51,64%"), and the matchers find
the deontic cues and the domain terms of ``nlp/patterns``. Matching is on the lowercased form
(LOWER) or the exact form (ORTH, for acronyms); never on lemmas, and stop words are never
removed: "harus", "dapat" and "tidak" are on spaCy's Indonesian stop list.

Building the pipeline compiles 16,000 tokenizer exceptions (about 2 s), so it is cached for the
life of the process; a worker process should call :func:`nlp.extract.document.warm_up` once.

:func:`analyse` tokenises a document clause by clause (chunks ending at ".", ";" or ":" and a line
break), not as one Doc: spaCy's tokenizer stops caching for the rest of a Doc once it meets a
special case ("No.", "a.n."), which made whole-document tokenisation 5-10x slower on regulations.
No cue or term crosses a clause end, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import re

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from .patterns import load_patterns

__all__ = ["Cue", "Term", "Analysis", "blank_id", "make_doc", "find_cues", "find_terms", "analyse",
           "warm_matchers"]

# Line breaks and page breaks become spaces of the same length: offsets stay those of the
# original text, and a phrase broken over two lines ("bertanggung\njawab") still matches.
_WS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " "})


@dataclass(frozen=True)
class Cue:
    """A deontic cue: ``modality`` is the normalised class, ``text`` the words as written."""

    modality: str
    start: int  # character offsets
    end: int
    token_start: int
    token_end: int
    text: str
    first: str = ""  # the cue's first word, lowercased
    prev: str = ""  # the nearest word before and after the cue, lowercased
    next: str = ""


@dataclass(frozen=True)
class Term:
    """A domain term. ``category`` is jamsostek | program | group | funding, or a concept of the
    indicators' rules (health | contribution | actor | licence | membership | coverage)."""

    category: str
    code: str  # JKK, pekerja_rentan, APBD … ("jamsostek" for the jamsostek category)
    start: int
    end: int
    text: str
    concept: bool = False  # a concept: matched in a layer of its own


@lru_cache(maxsize=1)
def blank_id():
    nlp = spacy.blank("id")
    nlp.max_length = 50_000_000  # no parser or model: memory grows only with the tokens
    return nlp


@lru_cache(maxsize=1)
def _matchers():
    nlp = blank_id()
    p = load_patterns()
    # Cues are fixed word sequences, so a PhraseMatcher (hash lookups) finds them faster than a
    # token Matcher would; they share one matcher with the terms, told apart by their label.
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    for modality, seqs in p["modality"]["cues"].items():
        lower.add(f"cue|{modality}", [Doc(nlp.vocab, words=list(seq)) for seq in seqs])
    orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    t = p["terms"]

    def add(matcher, key, phrases):
        matcher.add(key, [nlp.make_doc(ph) for ph in phrases])

    add(lower, "jamsostek|jamsostek", t["jamsostek"])
    for code, phrases in t["programs"].items():
        add(lower, f"program|{code}", phrases)
    for code, phrases in t["acronyms"].items():
        add(orth, f"program|{code}", phrases)
    for code, phrases in t["groups"].items():
        add(lower, f"group|{code}", phrases)
    for code, phrases in t["group_acronyms"].items():
        add(orth, f"group|{code}", phrases)
    for code, phrases in t["funding"].items():
        add(lower, f"funding|{code}", phrases)
    # Concepts of the indicators' rules: a layer of their own (see find_terms).
    for category, codes in (t.get("concepts") or {}).items():
        for code, phrases in codes.items():
            add(lower, f"concept|{category}|{code}", phrases)
    for category, codes in (t.get("concept_acronyms") or {}).items():
        for code, phrases in codes.items():
            add(orth, f"concept|{category}|{code}", phrases)
    return lower, orth


def warm_matchers() -> None:
    """Build the blank pipeline and the matchers now rather than on the first document."""
    _matchers()


def make_doc(text: str) -> Doc:
    """Tokenise ``text`` with offsets into ``text`` itself (whitespace mapped to spaces)."""
    return blank_id().make_doc(text.translate(_WS))


def _neighbour(doc: Doc, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(doc):
        if not doc[j].is_space:
            return doc[j].lower_
        j += step
    return ""


def find_cues(doc: Doc, *, char_offset: int = 0, token_offset: int = 0, matches=None) -> list[Cue]:
    """Deontic cues in ``doc``; ``matches`` are the LOWER phrase matches if already computed."""
    lower, _ = _matchers()
    vocab = doc.vocab.strings
    if matches is None:
        matches = lower(doc)
    matches = [(vocab[m], s, e) for m, s, e in matches if vocab[m].startswith("cue|")]
    spans = [doc[s:e] for _, s, e in matches]
    labels = {(s, e): key.split("|", 1)[1] for key, s, e in matches}
    out = []
    for span in filter_spans(spans):
        out.append(Cue(labels[(span.start, span.end)], span.start_char + char_offset,
                       span.end_char + char_offset, span.start + token_offset,
                       span.end + token_offset, span.text, doc[span.start].lower_,
                       _neighbour(doc, span.start, -1), _neighbour(doc, span.end - 1, +1)))
    return out


@dataclass
class Analysis:
    cues: list[Cue]
    terms: list[Term]
    tokens: int


# A clause ends at ".", ";", ":", "!" or "?" before a line break, or at a blank line.
_CHUNK_END = re.compile(r"(?<=[.;:!?])[ \t]*\n|\n[ \t\f]*\n")


def analyse(text: str) -> Analysis:
    """Cues and terms of a whole document, tokenised clause by clause (see the module doc)."""
    nlp = blank_id()
    lower, _ = _matchers()
    cues: list[Cue] = []
    terms: list[Term] = []
    pos = tokens = 0
    bounds = [m.end() for m in _CHUNK_END.finditer(text)] + [len(text)]
    for end in bounds:
        if end <= pos:
            continue
        doc = nlp.make_doc(text[pos:end].translate(_WS))
        matches = lower(doc)
        if matches:
            cues += find_cues(doc, char_offset=pos, token_offset=tokens, matches=matches)
        terms += find_terms(doc, char_offset=pos, matches=matches)
        tokens += len(doc)
        pos = end
    return Analysis(cues, terms, tokens)


def find_terms(doc: Doc, *, char_offset: int = 0, matches=None) -> list[Term]:
    """Domain terms in ``doc``; ``matches`` are the LOWER phrase matches if already computed."""
    lower, orth = _matchers()
    strings = doc.vocab.strings
    if matches is None:
        matches = lower(doc)
    matches = [(strings[m], doc[s:e]) for m, s, e in matches if not strings[m].startswith("cue|")]
    matches += [(strings[m], doc[s:e]) for m, s, e in orth(doc)]
    out = []
    # Terms are exclusive (the longest span wins: "pekerja bukan penerima upah" is one group, not
    # two). Concepts are features of a clause, kept apart from terms and from each other: an
    # overlap never hides one ("mengalokasikan anggaran" is a payment and a budget).
    terms = [(key, sp) for key, sp in matches if not key.startswith("concept|")]
    keep = {(sp.start, sp.end) for sp in filter_spans([sp for _, sp in terms])}
    seen = set()
    for key, span in sorted(terms, key=lambda x: x[1].start):
        if (span.start, span.end) not in keep or (span.start, span.end) in seen:
            continue
        seen.add((span.start, span.end))
        category, code = key.split("|", 1)
        out.append(Term(category, code, span.start_char + char_offset, span.end_char + char_offset,
                        span.text))
    seen = set()
    for key, span in sorted(matches, key=lambda x: x[1].start):
        if not key.startswith("concept|") or (key, span.start, span.end) in seen:
            continue
        seen.add((key, span.start, span.end))
        _, category, code = key.split("|")
        out.append(Term(category, code, span.start_char + char_offset, span.end_char + char_offset,
                        span.text, concept=True))
    out.sort(key=lambda t: (t.start, t.concept))
    return out
