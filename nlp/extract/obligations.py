"""Find normative clauses: who must (may, must not, is asked to) do what, and where it is written.

A rule is a deontic cue of ``patterns/modality.yaml`` in the main predicate of a clause of the
batang tubuh (never in Menimbang, Mengingat, definitions or the Penjelasan). Its *bearer* is the
subject before the cue ("Setiap Pemberi Kerja wajib …"), the agent after "oleh" of a passive
("dapat didaftarkan … oleh Pemerintah Daerah"), or the addressee of a request ("diminta kepada
Saudara untuk …", "menginstruksikan seluruh kepala daerah untuk …"). A cue inside a purpose
clause ("bertujuan agar … dapat …") is no rule.

Three drafting forms state rules without a cue word (``imperative`` in the patterns): the diktum of
an Instruksi (requests to its addressees or to the diktum's subject), the diktum of a Keputusan
that assigns a task to a named body (modality ``tugas``), and the points of a circular.

On pages read by OCR (:meth:`PageMap.ocr_spans`), a word one OCR-confusable letter away from a
one-word cue ("wajlb") is read as that cue: the rule would otherwise be lost.
"""

from __future__ import annotations

import bisect
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
        "purpose": re.compile(r"(?i)\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+")
                                                    for w in m["purpose_markers"]) + r")\b"),
        "imperative": _imperative_conf(m["imperative"]),
        "single_cues": frozenset(seq[0] for seqs in m["cues"].values() for seq in seqs
                                 if len(seq) == 1),
        "fuzzy": {seq[0]: modality for modality, seqs in m["cues"].items() for seq in seqs
                  if len(seq) == 1 and len(seq[0]) >= 5},
    }


def _imperative_conf(i: dict) -> dict:
    prefixes = "|".join(sorted(i["verb_prefixes"], key=len, reverse=True))
    return {
        "verb": re.compile(r"^(?:" + prefixes + r")[a-z]{3,}$"),
        "not_verbs": frozenset(i["not_verbs"]),
        "duty": re.compile(r"(?i)^(?:" + "|".join(i["duty_phrases"]) + r")\b"),
        "decision": frozenset(i["decision_verbs"]),
        "assigning": frozenset(i["assigning_verbs"]),
        "closing": re.compile(i["closing"], re.I),
        "instruction": re.compile(i["instruction"], re.I),
        "circular": re.compile(i["circular"]),
        "modality": dict(i["modality"]),
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
    return _listed(m.group("list")) if m else None


def _listed(raw: str) -> str | None:
    """"1. Camat;\n2. Kepala Desa." -> "Camat; Kepala Desa"."""
    items = [re.sub(r"^\s*(?:\d+[.)]|[a-z][.)])\s*", "", it).strip(" .;\n")
             for it in re.split(r";\s*\n?|\n(?=\s*\d+[.)])", raw)]
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
    # "Dinas dapat bekerja sama … agar …": the clause already has its predicate
    return not any(_verb_like(w.strip(",.")) or w.strip(",.").lower() in c["single_cues"]
                   for w in words)


def extract_obligations(text: str, cues: list[Cue], structure: Structure, pages: PageMap,
                        *, kind: str = "regulation", skip=None) -> list[dict]:
    """One record per normative clause. ``skip(offset)`` says an offset is page furniture."""
    c = _conf()
    allowed = c["kinds"].get(kind, c["kinds"]["regulation"])
    news = kind == "news"
    out: list[dict] = []
    last_sentence = None
    last_token = -100
    if not news:
        cues = sorted(cues + _fuzzy_cues(text, cues, pages), key=lambda q: q.start)
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
        if _in_purpose_clause(text, s_start, cue):
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
    if not news:
        out = _without_cue_words(text, out, structure, pages)
    return out


def _in_purpose_clause(text: str, s_start: int, cue: Cue) -> bool:
    """"… bertujuan agar seluruh pekerja … dapat memperoleh …": a purpose marker before the cue
    in the same clause (no comma or "maka" after it)."""
    before = text[s_start:cue.start]
    marks = list(_conf()["purpose"].finditer(before))
    if not marks:
        return False
    rest = before[marks[-1].end():]
    return not re.search(r",|\bmaka\b", rest)


# --------------------------------------------------------------------------- OCR'd cues

_WORD = re.compile(r"[A-Za-z]{5,14}")
# Letters OCR reads for one another; a cue misread any other way ("darat" for "dapat") is a word
# of its own.
_CONFUSABLE = [set(g) for g in ("il1|!jtf", "oaec", "un", "bh", "nh", "gq", "yv", "rn")]


def _ocr_confusion(a: str, b: str) -> bool:
    """Whether same-length words differ in one letter that OCR confuses."""
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return len(diff) == 1 and any(diff[0][0] in g and diff[0][1] in g for g in _CONFUSABLE)
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _fuzzy_cues(text: str, cues: list[Cue], pages: PageMap) -> list[Cue]:
    """One-word cues misread by OCR ("wajlb", "harns"), on OCR'd pages only: a word of the same
    length one confusable letter away from a cue of five letters or more."""
    spans = pages.ocr_spans()
    if not spans:
        return []
    vocab = _conf()["fuzzy"]
    by_length: dict[int, list[str]] = {}
    for w in vocab:
        by_length.setdefault(len(w), []).append(w)
    known = {(q.start, q.end) for q in cues}
    starts = sorted(q.start for q in cues)
    out = []
    for a, b in spans:
        for m in _WORD.finditer(text, a, b):
            word = m.group().lower()
            if word in vocab or (m.start(), m.end()) in known:
                continue
            hits = [w for w in by_length.get(len(word), ()) if _ocr_confusion(word, w)]
            if len(hits) != 1:
                continue
            # token positions continue those of the nearest real cue before (for the merge window)
            i = bisect.bisect_right(starts, m.start()) - 1
            prev_cue = next((q for q in cues if q.start == starts[i]), None) if i >= 0 else None
            base = prev_cue.token_end if prev_cue else 0
            tok = base + len(_TOKEN.findall(text[prev_cue.end if prev_cue else 0:m.start()]))
            prev_w = re.findall(r"\w+", text[max(0, m.start() - 40):m.start()])
            next_w = re.findall(r"\w+", text[m.end():m.end() + 40])
            out.append(Cue(vocab[hits[0]], m.start(), m.end(), tok, tok + 1, m.group(), hits[0],
                           prev_w[-1].lower() if prev_w else "", next_w[0].lower() if next_w else ""))
    return out


# --------------------------------------------------------------------------- rules without a cue

_YTH = re.compile(r"(?im)^[ \t]*(?:kepada[ \t]+)?yth\.?[ \t]*:?[ \t]*(?P<list>.+?)"
                  r"(?=\n[ \t]*di[ \t]*[-–]|\n[ \t]*di[ \t]+\S+[ \t]*$|\n[ \t]*\n|\n[ \t]*surat[ \t]+edaran\b)",
                  re.DOTALL)


def _form(text: str, structure: Structure) -> str | None:
    """"instruksi", "keputusan" or "edaran" when the document has rules without cue words."""
    imp = _conf()["imperative"]
    diktum = structure.headings("diktum")
    if diktum:
        if imp["instruction"].search(text, 0, diktum[0].start):
            return "instruksi"
        return "keputusan"
    if not structure.headings("pasal") and imp["circular"].search(text[:2500]):
        return "edaran"
    return None


def _addressees(text: str, form: str, structure: Structure) -> str | None:
    """Whom an instruction or circular speaks to: its "Kepada" list or its "Yth." line."""
    if form == "instruksi":
        diktum = structure.headings("diktum")
        m = _conf()["imperative"]["instruction"].search(text, 0, diktum[0].start if diktum else len(text))
        return _kepada_list(text, m.end()) if m else None
    if form == "edaran":
        m = _YTH.search(text[:2500])
        return _listed(m.group("list")) if m else None
    return None


def _clause_units(text: str, structure: Structure, form: str) -> list[tuple[object, int, int]]:
    """(node, start, end) of each diktum, or of each point of a circular's lists."""
    if form in ("instruksi", "keputusan"):
        out = []
        for n in structure.headings("diktum"):
            start = n.body_start if n.body_start is not None else n.start
            out.append((n, start, n.end))
        return out
    points = []
    for sec in structure.sections:
        if sec.kind != "body":
            continue
        for n in sec.children:
            if n.kind in ("angka", "huruf"):
                start = n.body_start if n.body_start is not None else n.start
                points.append((n, start, n.end))
    return points


def _without_cue_words(text: str, out: list[dict], structure: Structure, pages: PageMap) -> list[dict]:
    """Rules stated without a deontic word in Instruksi and Keputusan diktum and circular points;
    and an Instruksi's preamble ("dengan ini menginstruksikan: Kepada …") is no rule of its own."""
    form = _form(text, structure)
    if form is None:
        return out
    imp = _conf()["imperative"]
    units = _clause_units(text, structure, form)
    if form == "instruksi" and units:
        first = units[0][0].start
        out = [o for o in out if not (o["start"] < first and o["pasal"] is None
                                      and imp["instruction"].search(o["cue"]))]
    addressees = _addressees(text, form, structure)
    added = []
    for node, start, end in units:
        covered = [o for o in out if o["start"] < end and o["end"] > start]
        if form == "edaran" and any(o["start"] < start for o in covered):
            continue  # the point belongs to a request before it ("diminta … untuk: 1. …")
        if covered:
            for o in covered:  # "2. Menganggarkan …": the cue opens the point, the addressees bear it
                if o["bearer"] is None and addressees and o["start"] <= start + 1 \
                        and form != "keputusan":
                    o["bearer"] = addressees
            continue
        rec = _imperative(text, node, start, end, form, addressees, structure, pages)
        if rec:
            added.append(rec)
    return sorted(out + added, key=lambda o: o["start"])


def _imperative(text: str, node, start: int, end: int, form: str, addressees: str | None,
                structure: Structure, pages: PageMap) -> dict | None:
    """The rule of one diktum or point without a cue word, if it states one."""
    imp = _conf()["imperative"]
    s_start, s_end = sentence_bounds(text, start, node.own_end() if node.children else end, start)
    s_start = start + (len(text[start:s_end]) - len(text[start:s_end].lstrip(" \t\n:")))
    clause = text[s_start:s_end]
    if not clause.strip() or imp["closing"].search(clause):
        return None
    words = [(m.group(), m.start()) for m in re.finditer(r"[^\s]+", clause)]
    if not words:
        return None
    head = words[0][0].strip(",.;:").lower()
    bearer = verb = None
    if imp["verb"].match(head) and head not in imp["not_verbs"]:
        verb = words[0][0]
        if form == "keputusan":
            if head not in imp["assigning"]:
                return None  # the decision itself: "Membentuk Tim …"
            bearer = _np_after(clause[words[0][1] + len(words[0][0]):])
        else:
            bearer = addressees
    else:
        for w, pos in words[1:12]:
            lw = w.strip(",.;:")
            rest = clause[pos:]
            if not lw.islower():
                continue
            duty = imp["duty"].match(rest)
            if duty or (imp["verb"].match(lw) and lw not in imp["not_verbs"]):
                subject = _subject_before(squash(clause[:pos]))
                if subject and subject[0].isupper():
                    bearer, verb = subject, (duty.group() if duty else w)
                break
            if lw.startswith("di") or lw in ("ini", "yang", "tidak"):
                break  # a passive ("dibebankan pada …") or a relative clause: not an act assigned
    if verb is None or bearer is None:
        return None
    e = s_end
    if clause.rstrip().endswith(":"):
        for ch in node.children:  # "Tim Koordinasi mempunyai tugas:" and its list
            if ch.start >= s_end and not text[e:ch.start].strip():
                e = ch.end
        while e > s_end and text[e - 1].isspace():
            e -= 1
    loc = structure.locate(s_start)
    action = squash(text[s_start + clause.index(verb) + len(verb):e]).lstrip(":").strip()
    return {"modality": imp["modality"][form], "cue": squash(verb), "bearer": bearer,
            "action": action[:300] or None, "text": squash(text[s_start:e]), "pasal": loc.pasal,
            "ayat": loc.ayat, "huruf": loc.huruf, "page": pages.page(s_start), "start": s_start,
            "end": e}
