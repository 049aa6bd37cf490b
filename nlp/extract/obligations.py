"""Find normative clauses: who must (may, must not, is asked to) do what, and where it is written.

A rule is a deontic cue of ``patterns/modality.yaml`` in the main predicate of a clause of the
batang tubuh (never in Menimbang, Mengingat, definitions or the Penjelasan). Its *bearer* is the
subject before the cue ("Setiap Pemberi Kerja wajib …"), the agent after "oleh" of a passive
("dapat didaftarkan … oleh Pemerintah Daerah"), or the addressee of a request ("diminta kepada
Saudara untuk …", "menginstruksikan seluruh kepala daerah untuk …").
"""

from __future__ import annotations

import re
from functools import lru_cache

from .patterns import load_patterns
from .pipeline import Cue
from .spans import PageMap, sentence_bounds, squash
from .structure import Structure

__all__ = ["extract_obligations"]

# Cues whose bearer is their object ("mewajibkan Peserta untuk …", "meminta semua OPD untuk …").
_ACTIVE_OBJECT_CUES = frozenset({"mewajibkan", "meminta", "menginstruksikan", "mengimbau",
                                 "menghimbau"})
# Request cues whose addressee may follow "kepada".
_REQUEST_CUES = frozenset({"diminta", "dimohon", "diharapkan", "dihimbau", "diimbau",
                           "diinstruksikan", "diperintahkan"})
_LIST_MARKER = re.compile(r"^\s*(?:\(\s?\d{1,2}\s?\)|[a-z][.)]|\d{1,2}[.)])\s+")
_DATELINE = re.compile(r"^[A-Z0-9][A-Z0-9 .,/]{2,60}\s+[–—-]\s+")
_QUOTES = "\"“”'‘’"


@lru_cache(maxsize=1)
def _conf():
    m = load_patterns()["modality"]
    subs = sorted(m["subordinators"], key=len, reverse=True)
    strip = sorted(m["bearer_strip"], key=len, reverse=True)
    return {
        "kinds": {k: frozenset(v) for k, v in m["kinds"].items()},
        "not_after": {k: frozenset(v) for k, v in m["not_after"].items()},
        "not_before": {k: frozenset(v) for k, v in m["not_before"].items()},
        "merge": int(m["merge_window"]),
        "agar_max": int(m["agar_max_subject_words"]),
        "verb_prefixes": tuple(m["verb_prefixes"]),
        "verb_min": int(m["verb_min_length"]),
        "sections": frozenset(m["normative_sections"]),
        "subordinator": re.compile(r"^(?:" + "|".join(re.escape(s) for s in subs) + r")\b", re.I),
        "strip": re.compile(r"^(?:(?:" + "|".join(re.escape(s) for s in strip) + r")\b[\s,]*)+", re.I),
        "stops": frozenset(m["bearer_stops"]),
        "object_stops": frozenset(m["object_stops"]),
        "adverbial": re.compile(r"^(?:" + "|".join(m["adverbial_openers"]) + r")\b", re.I),
    }


def _verb_like(word: str) -> bool:
    c = _conf()
    return (word.islower() and len(word) >= c["verb_min"]
            and word.startswith(c["verb_prefixes"]))


def _clean_np(words: list[str]) -> str | None:
    """Cut a noun phrase at the first stop word ("yang", "sebagaimana", "dalam" …)."""
    stops = _conf()["stops"]
    out = []
    for w in words:
        if w.lower().strip(",.;:") in stops and out:
            break
        out.append(w)
    np = " ".join(out).strip(" ,.;:" + _QUOTES)
    return np or None


def _subject_before(sentence: str) -> str | None:
    """The bearer as the subject at the start of a clause: "Setiap Pemberi Kerja yang …" ->
    "Setiap Pemberi Kerja"; "Dalam hal …, Dinas" -> "Dinas"; "Untuk dapat …" -> None."""
    c = _conf()
    s = _LIST_MARKER.sub("", sentence)
    s = _DATELINE.sub("", s).strip().strip(_QUOTES).strip()
    s = c["strip"].sub("", s).strip()
    # A subordinate or reporting clause before a comma or "maka" is not the subject.
    parts = re.split(r",\s*|\s+maka\s+", s)
    if len(parts) > 1:
        head = parts[0].strip()
        first = head.split()[0] if head.split() else ""
        if c["subordinator"].match(head) or c["adverbial"].match(head) or _verb_like(first) \
                or _verb_like(first.lower()) \
                or re.match(r"(?i)^(?:di\s*mana|dalam\s+hal|menurut|kata|ujar|jelas)", head):
            s = parts[-1].strip()
    s = c["strip"].sub("", s).strip()
    if not s or c["subordinator"].match(s):
        return None
    return _clean_np(s.split())


def _np_after(text: str) -> str | None:
    """The noun phrase at the start of ``text``, up to "untuk", "agar", a comma or a verb."""
    stops = _conf()["object_stops"]
    words = []
    for w in text.split():
        lw = w.lower().strip(_QUOTES)
        if words and lw in stops:
            break
        if lw in ("untuk", "agar", "supaya", "guna", "demi") or re.search(r"[,;:.]$", w):
            if re.search(r"[,;:.]$", w) and lw.strip(",;:.") not in ("untuk", "agar"):
                words.append(w.rstrip(",;:."))
            break
        if words and _verb_like(lw):
            break
        words.append(w)
        if len(words) >= 10:
            break
    if words and words[0].lower() == "kepada":
        words = words[1:]
    return _clean_np(words)


_KEPADA_LIST = re.compile(r"^\s*:?\s*\n?\s*Kepada\s*(?:Yth\.?)?\s*:\s*(?P<list>.+?)(?=\n\s*Untuk\s*:|\n\s*\n|$)",
                          re.IGNORECASE | re.DOTALL)


def _kepada_list(text: str, pos: int) -> str | None:
    """Addressees of an instruction: "menginstruksikan: / Kepada : 1. Camat; 2. Kepala Desa."."""
    m = _KEPADA_LIST.match(text[pos:pos + 600])
    if not m:
        return None
    items = [re.sub(r"^\s*(?:\d+[.)]|[a-z][.)])\s*", "", it).strip(" .;\n")
             for it in re.split(r";\s*\n?|\n(?=\s*\d+[.)])", m.group("list"))]
    items = [squash(it) for it in items if it.strip(" .;\n")]
    return "; ".join(items) or None


def _bearer(text: str, s_start: int, cue: Cue, s_end: int, cue_word: str) -> str | None:
    before = text[s_start:cue.start]
    after = squash(text[cue.end:s_end])
    if cue_word in _ACTIVE_OBJECT_CUES | _REQUEST_CUES and (
            not after.strip(" :") or re.match(r"(?i)^[\s:]*kepada\s*(?:yth\.?)?\s*:", after)):
        listed = _kepada_list(text, cue.end)
        if listed:
            return listed
    if cue_word in _ACTIVE_OBJECT_CUES:
        return _np_after(after)
    nxt = after.split()[0].lower() if after.split() else ""
    if cue_word in _REQUEST_CUES and nxt == "kepada":
        return _np_after(after)
    # A passive after the cue ("dapat didaftarkan … oleh Pemerintah Daerah"): the agent acts.
    if nxt.startswith("di") and len(nxt) >= 6:
        m = re.search(r"\boleh\s+(.+)", after)
        if m:
            np = _np_after(m.group(1))
            if np:
                return np
    return _subject_before(squash(before))


def _agar_is_request(text: str, s_start: int, cue: Cue) -> bool:
    """"Kepala Perangkat Daerah agar …" asks; "… mendorong agar …", "Agar setiap orang …" do not."""
    c = _conf()
    subject = squash(text[s_start:cue.start])
    if subject.endswith(","):
        return False  # "Tujuannya, agar …": a purpose clause
    subject = _LIST_MARKER.sub("", subject).strip(" ,:" + _QUOTES)
    parts = re.split(r",\s*", subject)
    subject = parts[-1] if len(parts) > 1 and c["subordinator"].match(parts[0]) else subject
    words = subject.split()
    if not words or len(words) > c["agar_max"]:
        return False
    return not any(_verb_like(w.strip(",.")) for w in words)


def extract_obligations(text: str, cues: list[Cue], structure: Structure, pages: PageMap,
                        *, kind: str = "regulation", skip=None) -> list[dict]:
    """One record per normative clause. ``skip(offset)`` says an offset is page furniture."""
    c = _conf()
    allowed = c["kinds"].get(kind, c["kinds"]["regulation"])
    news = kind == "news"
    out: list[dict] = []
    last_sentence = None
    last_token = -100
    for cue in cues:
        if cue.modality not in allowed:
            continue
        first, prev, nxt = cue.first, cue.prev, cue.next
        if prev in c["not_after"].get("*", ()) or prev in c["not_after"].get(first, ()):
            continue
        if nxt in c["not_before"].get(first, ()):
            continue
        if skip is not None and skip(cue.start):
            continue
        loc = structure.locate(cue.start)
        if loc.section not in c["sections"] or loc.in_definitions:
            continue
        node = loc.node
        lo = node.body_start if node.body_start is not None and node.body_start <= cue.start else node.start
        hi = node.own_end() if node.own_end() > cue.start else node.end
        s_start, s_end = sentence_bounds(text, lo, hi, cue.start, news=news)
        sentence = text[s_start:s_end]
        if news and len(sentence.split()) < 8:
            continue  # a headline or caption, not a report of a rule
        if re.search(r"\badalah\b", text[s_start:cue.start]):
            continue  # a definition: "X adalah …"
        if first in ("agar", "supaya") and not _agar_is_request(text, s_start, cue):
            continue
        if last_sentence == (s_start, s_end) and cue.token_start - last_token <= c["merge"]:
            last_token = cue.token_end
            continue  # "wajib bertanggung jawab", "diminta … agar": one rule
        last_sentence, last_token = (s_start, s_end), cue.token_end
        end = s_end
        if sentence.rstrip().endswith(":"):
            # "Setiap peserta wajib:" - the rule goes on in the list that follows
            for ch in node.children:
                if ch.start < s_end:
                    continue
                if text[end:ch.start].strip():
                    break
                end = ch.end
            while end > s_end and text[end - 1].isspace():
                end -= 1
        bearer = _bearer(text, s_start, cue, s_end, first)
        action = squash(text[cue.end:end]).lstrip(":").strip()
        if first in _REQUEST_CUES | _ACTIVE_OBJECT_CUES and bearer:
            action = re.sub(r"^(?:kepada\s+)?" + re.escape(bearer) + r"\s*", "", action)
        action = re.sub(r"^(?:untuk|agar|supaya)\s+", "", action)
        out.append({
            "modality": cue.modality,
            "cue": squash(cue.text),
            "bearer": bearer,
            "action": action[:300] or None,
            "text": squash(text[s_start:end]),
            "pasal": loc.pasal,
            "ayat": loc.ayat,
            "huruf": loc.huruf,
            "page": pages.page(s_start),
            "start": s_start,
            "end": end,
        })
    return out
