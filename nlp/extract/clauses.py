"""Terms in their place: every relevance term with the clause and section it sits in, and the
clauses that name any, each with what it cites, the defined terms it uses and its headings.

A *clause* is the unit a claim rests on: an ayat (with its lettered items), a Pasal without
ayat, a diktum (KESATU, KEDUA …) of a Keputusan or Instruksi, a numbered point or a paragraph of
a surat edaran, or a paragraph of a news article. A clause carries, besides its own terms:

- what it cites in its own document ("Iuran sebagaimana dimaksud dalam Pasal 13", "ayat (1)
  huruf a", "Diktum KESATU"), followed up to three steps;
- what the defined terms it uses denote (Pasal 1: "Peserta adalah … pekerja Rentan …"): only
  groups of workers and which programme (employment or health insurance) — a definition
  describes, it never funds or obliges;
- the terms of the BAB/Bagian/Paragraf headings it stands under ("BAB II JAMINAN KESEHATAN").

Menimbang, Mengingat, definitions, purpose and scope Pasal ("Maksud", "Tujuan", "Ruang
lingkup"), the Penjelasan, the Lampiran and the closing never make a clause *normative*; the
indicators' rules (``indices/indicators.yaml``) only count normative clauses.

A group named as the one who pays or registers others ("ASN maupun non-ASN mendaftarkan pekerja
rentan") is an *actor*, not a group covered; a group excluded ("yang telah terdaftar sebagai
peserta penerima upah") is marked so. In news, a paragraph says whether it reports an issued
instrument, a draft, or an official instruction, and each figure is a target, an achievement or
a plain figure (``patterns/claims.yaml``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .patterns import load_patterns
from .pipeline import Term
from .spans import PageMap, squash
from .structure import Node, Structure

__all__ = ["read_clauses", "RELEVANCE_CATEGORIES", "EMPLOYMENT_CATEGORIES"]

# Terms a clause is reported for (concepts alone do not make a clause worth reporting).
RELEVANCE_CATEGORIES = frozenset({"jamsostek", "program", "group", "funding", "health"})
# Terms that say a clause is about employment social security (BPJS Ketenagakerjaan).
EMPLOYMENT_CATEGORIES = frozenset({"jamsostek", "program"})
# What a defined term passes on to the clauses that use it.
DEFINITION_CATEGORIES = frozenset({"jamsostek", "program", "group", "health"})
NON_NORMATIVE_SECTIONS = frozenset({"judul", "menimbang", "mengingat", "memperhatikan",
                                    "menetapkan", "penjelasan", "lampiran", "penutup", "dasar",
                                    "pengantar", "abstrak"})
QUOTE_CHARS = 1200
REF_DEPTH = 3
NEWS_LEDE_LINES = 3


@lru_cache(maxsize=1)
def _conf():
    c = load_patterns()["claims"]
    n = c["news"]

    def any_of(patterns):
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)

    return {
        "purpose": re.compile(r"^\s*(?:\(\s?\d+\s?\)\s*)?(?:" + "|".join(c["purpose_openers"]) + ")",
                              re.IGNORECASE),
        "actor_verbs": frozenset(c["actor_verbs"]),
        "gap": frozenset(c["actor_gap_words"]),
        "addressee": frozenset(c["addressee_before"]),
        "own_workers": frozenset(c["own_workers"]),
        "payer_gap": re.compile(c["payer_gap"]),
        "exclusion": [re.compile(p, re.IGNORECASE) for p in c["exclusion_before"]],
        "ref": re.compile(c["internal_reference"], re.IGNORECASE),
        "other_instrument": re.compile(c["other_instrument_after"]),
        "instrument": any_of(n["instruments"]),
        "draft": any_of(n["drafts"]),
        "instruction": any_of(n["instruction_verbs"]),
        "issuer": any_of(n["issuers"]),
        "hedge": any_of(n["hedges"]),
        "target": any_of(c["figures"]["target"]),
        "achievement": any_of(c["figures"]["achievement"]),
    }


# --------------------------------------------------------------------------- units

@dataclass
class Unit:
    """One clause: where it is and what its label is in a citation."""

    id: str
    node: Node | None
    start: int
    end: int
    section: str
    pasal: str | None = None
    ayat: str | None = None
    diktum: str | None = None
    point: str | None = None  # numbered point of a surat edaran, or a news paragraph number
    headings: list[Node] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.diktum:
            return f"Diktum {self.diktum}"
        if self.pasal:
            return f"Pasal {self.pasal}" + (f" ayat ({self.ayat})" if self.ayat else "")
        if self.point and self.point.startswith("para"):
            return f"paragraf {self.point[4:]}"
        return f"angka {self.point}" if self.point else "teks"

    @property
    def cite(self) -> str:
        """The label users look up: the Pasal number, the diktum word, the point number."""
        return self.diktum or self.pasal or (self.point if self.point and not
                                             self.point.startswith("para") else None) or ""


def _units(text: str, structure: Structure, news: bool) -> list[Unit]:
    out: list[Unit] = []

    def walk(node: Node, section: str, headings: list[Node], owner: Node | None):
        for ch in node.children:
            if ch.kind in ("bab", "bagian", "paragraf"):
                walk(ch, section, headings + [ch], owner)
            elif ch.kind == "pasal":
                ayats = [c for c in ch.children if c.kind == "ayat"]
                if not ayats:
                    out.append(Unit(f"pasal:{ch.label}", ch, ch.start, ch.end, section,
                                    pasal=ch.label, headings=headings))
                else:
                    intro_end = ayats[0].start
                    if text[ch.body_start or ch.start:intro_end].strip():
                        out.append(Unit(f"pasal:{ch.label}/intro", ch, ch.start, intro_end,
                                        section, pasal=ch.label, headings=headings))
                    for a in ayats:
                        out.append(Unit(f"pasal:{ch.label}/ayat:{a.label}", a, a.start, a.end,
                                        section, pasal=ch.label, ayat=a.label, headings=headings))
                    # a quoted amendment nests whole Pasal inside one (Pasal I angka 1 …)
                    walk(ch, section, headings, ch)
            elif ch.kind == "diktum":
                out.append(Unit(f"diktum:{ch.label}", ch, ch.start, ch.end, section,
                                diktum=ch.label, headings=headings))
            elif ch.kind in ("angka", "huruf") and owner is None:
                out.append(Unit(f"{ch.kind}:{ch.label}@{ch.start}", ch, ch.start, ch.end, section,
                                point=ch.label, headings=headings))
            elif ch.kind == "ayat" and owner is None:
                out.append(Unit(f"ayat:{ch.label}@{ch.start}", ch, ch.start, ch.end, section,
                                ayat=ch.label, headings=headings))
            elif ch.kind in ("angka", "huruf", "ayat"):
                walk(ch, section, headings, owner)

    for sec in structure.sections:
        walk(sec, sec.kind, [], None)
    # Text of a surat edaran or a news article outside numbered points: paragraph by paragraph.
    covered = sorted((u.start, u.end) for u in out)
    para = 0
    for sec in structure.sections:
        if sec.kind != "body":
            continue
        splitter = r"[^\n]+" if news else r"(?:[^\n]+\n?)+"
        for m in re.finditer(splitter, text[sec.start:sec.end]):
            s, e = sec.start + m.start(), sec.start + m.end()
            while e > s and text[e - 1].isspace():
                e -= 1
            if e <= s or any(a <= s < b for a, b in covered):
                continue
            # a block of lines may run into a numbered point: stop it there
            nxt = [a for a, _ in covered if s < a < e]
            if nxt:
                e = nxt[0]
            para += 1
            out.append(Unit(f"para:{para}", None, s, e, "body", point=f"para{para}"))
    out.sort(key=lambda u: u.start)
    if not news:
        # a surat edaran's "… disampaikan hal-hal sebagai berikut:" introduces its points: the
        # points stand under it as under a heading
        intro = None
        for u in out:
            if u.point and u.point.startswith("para"):
                intro = u if text[u.start:u.end].rstrip().endswith(":") else None
            elif u.point and intro is not None and not u.headings:
                u.headings = [Node("pengantar", None, intro.start, intro.end)]
    return out


def _title_like(body: str) -> bool:
    """A line set in capitals (a letterhead, a title): it names, it does not rule."""
    letters = [ch for ch in body if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.9


class _UnitIndex:
    def __init__(self, units: list[Unit]):
        self.units = units
        self.starts = [u.start for u in units]

    def at(self, offset: int) -> Unit | None:
        """The innermost (last starting) unit holding ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 1
        while i >= 0:
            u = self.units[i]
            if u.start <= offset < u.end:
                return u
            i -= 1
        return None


# --------------------------------------------------------------------------- roles

_WORD = re.compile(r"[\w/-]+")


def _role(text: str, term: Term) -> str | None:
    """``actor`` for a group named as the one who acts (pays, registers others, is told to),
    ``excluded`` for a group named to be left out; None for a group covered."""
    c = _conf()
    before = text[max(0, term.start - 80):term.start]
    if any(rx.search(before) for rx in c["exclusion"]):
        return "excluded"
    words_before = [w.lower() for w in _WORD.findall(before)][-4:]
    after = [w.lower() for w in _WORD.findall(text[term.end:term.end + 160])]
    # "kepada ASN maupun non-ASN … agar …": the addressee of a request
    if any(w in c["addressee"] for w in words_before) and any(w in ("agar", "untuk", "supaya")
                                                             for w in after[:8]):
        return "actor"
    # "non-ASN mendaftarkan …", "ASN … diminta untuk membantu membayar …"; but "Pemberi Kerja
    # jasa konstruksi wajib mendaftarkan pekerjanya": the group's own workers are the ones covered
    for i, w in enumerate(after[:8]):
        if w in c["actor_verbs"]:
            return None if i + 1 < len(after) and after[i + 1] in c["own_workers"] else "actor"
        if w == "yang" or w not in c["gap"]:
            break
    return None


# --------------------------------------------------------------------------- definitions

_DEF_SPLIT = re.compile(r"\s+adalah\s+|\s+ialah\s+|\s+merupakan\s+", re.IGNORECASE)
_ALIAS = re.compile(r"\s*,?\s*yang\s+selanjutnya\s+(?:disebut|disingkat|dinamakan)\s+(?:dengan\s+)?",
                    re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:\d{1,3}|[a-z])[.)]\s*")


@dataclass
class Definition:
    names: list[str]
    terms: list[Term]
    start: int
    end: int


def _definitions(text: str, structure: Structure, terms: list[Term]) -> list[Definition]:
    out = []

    def items(node: Node):
        for ch in node.children:
            if ch.kind in ("angka", "huruf"):
                yield ch
            yield from items(ch)

    for pasal in structure.headings("pasal"):
        if not pasal.definitions:
            continue
        for it in items(pasal):
            body = text[it.start:it.own_end()]
            m = _DEF_SPLIT.search(body)
            if not m:
                continue
            head = _MARKER.sub("", body[:m.start()]).strip()
            names = [n.strip(" ,.;:\"“”") for n in _ALIAS.split(head) if n.strip()]
            names = [re.sub(r"\s+", " ", n) for n in names if len(n) >= 3]
            lo, hi = it.start + m.end(), it.start + len(body)
            denot = [t for t in terms if lo <= t.start < hi and t.category in DEFINITION_CATEGORIES]
            if names and denot:
                out.append(Definition(names, denot, it.start, it.own_end()))
    return out


# --------------------------------------------------------------------------- references

_REF_TOKEN = re.compile(r"(?P<kind>Pasal|ayat|huruf|angka|Diktum)\s*\(?\s*(?P<label>KE[A-Z]+(?:\s+BELAS)?|"
                        r"PERTAMA|\d{1,3}[A-Z]?|[a-z]\b)\s*\)?", re.IGNORECASE)


def _references(text: str, unit: Unit) -> list[dict]:
    """Internal references in ``unit``: ``{"pasal", "ayat", "huruf", "angka", "diktum", "text"}``."""
    c = _conf()
    out = []
    for m in c["ref"].finditer(text, unit.start, unit.end):
        if c["other_instrument"].match(text[m.end():m.end() + 40]):
            continue
        cur: dict = {}
        refs = []
        for t in _REF_TOKEN.finditer(m.group("ref")):
            kind, label = t.group("kind").lower(), t.group("label")
            if kind == "pasal":
                if cur:
                    refs.append(cur)
                cur = {"pasal": label}
            elif kind == "diktum":
                if cur:
                    refs.append(cur)
                cur = {"diktum": label.upper().replace(" ", "")}
            elif kind == "ayat":
                if "ayat" in cur:
                    refs.append(cur)
                    cur = {k: v for k, v in cur.items() if k == "pasal"}
                cur["ayat"] = label
            elif kind == "huruf":
                if "huruf" in cur:
                    refs.append(cur)
                    cur = {k: v for k, v in cur.items() if k in ("pasal", "ayat")}
                cur["huruf"] = label.lower()
            elif kind == "angka":
                if "angka" in cur:
                    refs.append(cur)
                    cur = {k: v for k, v in cur.items() if k in ("pasal", "ayat", "huruf")}
                cur["angka"] = label
        if cur:
            refs.append(cur)
        for r in refs:
            r["text"] = squash(m.group())
            out.append(r)
    return out


class _Resolver:
    """Finds the nodes a reference points at, and the terms they (and what they cite) hold."""

    def __init__(self, text: str, structure: Structure, units: list[Unit], terms: list[Term]):
        self.text = text
        self.structure = structure
        self.units = units
        self.terms = terms
        self.starts = [t.start for t in terms]
        self.pasal = {}
        for n in structure.headings("pasal"):
            self.pasal.setdefault(n.label, n)  # the first Pasal of that number (not a quoted one)
        self.diktum = {n.label: n for n in structure.headings("diktum")}
        self.points = {u.point: u.node for u in units if u.point and not u.point.startswith("para")
                       and u.node is not None}

    def terms_in(self, lo: int, hi: int) -> list[Term]:
        i = bisect.bisect_left(self.starts, lo)
        out = []
        while i < len(self.terms) and self.terms[i].start < hi:
            out.append(self.terms[i])
            i += 1
        return out

    def target(self, ref: dict, unit: Unit) -> tuple[Node | None, list[Node]]:
        """(the node cited, its ancestors whose own text introduces it)."""
        node = None
        if "diktum" in ref:
            node = self.diktum.get(ref["diktum"])
            return node, []
        if "pasal" in ref:
            node = self.pasal.get(ref["pasal"])
        elif unit.pasal:
            node = self.pasal.get(unit.pasal)
        intro: list[Node] = []
        if node is None:
            if "angka" in ref and not ("ayat" in ref or "huruf" in ref):
                return self.points.get(ref["angka"]), []
            return None, []
        for key, kinds in (("ayat", ("ayat",)), ("huruf", ("huruf",)), ("angka", ("angka",))):
            if key not in ref:
                continue
            child = _find_child(node, kinds, ref[key])
            if child is None:
                break
            intro.append(node)
            node = child
        return node, intro

    def cited_terms(self, unit: Unit, depth: int = REF_DEPTH, seen=None) -> list[tuple[Term, str]]:
        """(term, via) for every term the unit cites, following citations ``depth`` steps."""
        seen = seen if seen is not None else {unit.id}
        out: list[tuple[Term, str]] = []
        for ref in _references(self.text, unit):
            node, intro = self.target(ref, unit)
            if node is None or (unit.start <= node.start < unit.end):
                continue
            key = f"{node.kind}:{node.label}@{node.start}"
            if key in seen:
                continue
            seen.add(key)
            via = ref["text"]
            got = self.terms_in(node.start, node.end)
            for anc in intro:
                got += self.terms_in(anc.body_start or anc.start, anc.own_end())
            out += [(t, via) for t in got]
            if depth > 1:
                sub = Unit(key, node, node.start, node.end, unit.section, pasal=unit.pasal)
                out += [(t, via) for t, _ in self.cited_terms(sub, depth - 1, seen)]
        return out


def _find_child(node: Node, kinds: tuple[str, ...], label: str) -> Node | None:
    for ch in node.children:
        if ch.kind in kinds and ch.label == label:
            return ch
        if ch.kind in ("angka", "huruf", "ayat") and ch.kind not in kinds:
            continue
    for ch in node.children:  # a lettered item inside an ayat that was not named
        if ch.kind == "ayat":
            hit = _find_child(ch, kinds, label)
            if hit is not None:
                return hit
    return None


# --------------------------------------------------------------------------- news paragraphs

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def _sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(lo + m.start(), lo + m.end()) for m in _SENTENCE.finditer(text[lo:hi])
            if m.group().strip()]


_NUMBERED_YEAR = re.compile(r"(?:Nomor|No\.?)\s*[\w./-]+\s+Tahun\s+((?:19|20)\d{2})\b", re.IGNORECASE)


def _news_flags(text: str, unit: Unit) -> dict:
    """What a news paragraph reports, sentence by sentence: an issued instrument (and the years
    of those it numbers), a draft, an official instruction. ``anchors`` are the spans a claim's
    content must fall in: a sentence reporting an instrument or an instruction, with the
    sentence after it ("… terbitnya surat edaran … . Pemkab Kendal mendorong agar … mendaftarkan
    pekerja rentan … ke program BPJS Ketenagakerjaan.")."""
    c = _conf()
    issued = draft = instruction = False
    years: list[int] = []
    anchors: list[list[int]] = []
    has_issuer = bool(c["issuer"].search(text, unit.start, unit.end))
    sentences = _sentences(text, unit.start, unit.end)
    for i, (s, e) in enumerate(sentences):
        sent = text[s:e]
        anchored = False
        if c["instrument"].search(sent):
            if c["draft"].search(sent):
                draft = True
            else:
                issued = anchored = True
                years += [int(y) for y in _NUMBERED_YEAR.findall(sent)]
        if c["instruction"].search(sent) and has_issuer and not c["hedge"].search(sent):
            instruction = anchored = True
        if anchored:
            end = sentences[i + 1][1] if i + 1 < len(sentences) else e
            anchors.append([s, end])
    return {"instrument": issued, "draft": draft, "instruction": instruction,
            "instrument_years": sorted(set(years)), "anchors": anchors}


def _figure_claim(text: str, lo: int, hi: int, fig: dict) -> str:
    """``target``, ``achievement`` or ``figure`` (neither) for a figure, by the nearest cue in its
    sentence."""
    c = _conf()
    for s, e in _sentences(text, lo, hi):
        if s <= fig["start"] < e:
            best = None
            for kind in ("target", "achievement"):
                for m in c[kind].finditer(text, s, e):
                    dist = fig["start"] - m.end() if m.end() <= fig["start"] else \
                        (m.start() - fig["end"]) + 20  # a cue after the figure counts less
                    if dist < 0:
                        continue
                    if best is None or dist < best[0]:
                        best = (dist, kind)
            return best[1] if best else "figure"
    return "figure"


# --------------------------------------------------------------------------- main

def _term_dict(t: Term, pages: PageMap, **extra) -> dict:
    d = {"category": t.category, "code": t.code, "text": squash(t.text), "start": t.start,
         "end": t.end, "page": pages.page(t.start)}
    d.update({k: v for k, v in extra.items() if v is not None})
    return d


def _payers(text: str, terms: list[Term]) -> list[Term]:
    """A regional government that itself pays or budgets, as one concept ``payer``: the
    government named right before the payment ("Pemerintah Daerah mengalokasikan anggaran")."""
    c = _conf()
    actors = [t for t in terms if t.category == "actor"]
    payments = [t for t in terms if t.category == "payment"]
    out = []
    for a in actors:
        for p in payments:
            if p.start >= a.end and c["payer_gap"].match(text[a.end:p.start]):
                out.append(Term("payer", a.code, a.start, p.end, text[a.start:p.end], concept=True))
                break
    return out


def read_clauses(text: str, structure: Structure, terms: list[Term], pages: PageMap, *,
                 kind: str = "regulation", form: str | None = None,
                 targets: list[dict] | None = None, skip=None,
                 headlines=None) -> tuple[list[dict], list[dict]]:
    """``(mentions, clauses)`` of a document (see the module docstring).

    ``terms`` are the lexical terms and concepts of the whole text (``pipeline.analyse``),
    ``form`` the document's form (an ``abstrak`` sheet makes no clause normative), ``targets``
    the figures found by ``targets.extract_targets``; for news, ``skip(offset)`` is
    true on page furniture and ``headlines(offset)`` on headline-like lines (their terms give the
    article's subject, they never make a claim).
    """
    c = _conf()
    news = kind == "news"
    terms = [t for t in terms if skip is None or not skip(t.start)]
    terms = sorted(terms + _payers(text, terms), key=lambda t: t.start)
    units = _units(text, structure, news)
    index = _UnitIndex(units)
    resolver = _Resolver(text, structure, units, terms)
    definitions = [] if news else _definitions(text, structure, terms)
    roles = {id(t): _role(text, t) for t in terms if t.category == "group"}

    mentions = []
    for t in terms:
        if t.category not in RELEVANCE_CATEGORIES:
            continue
        loc = structure.locate(t.start)
        section = "definisi" if loc.in_definitions else loc.section
        unit = index.at(t.start)
        heading = next((h for h in reversed(loc.path) if h.kind in ("bab", "bagian", "paragraf")
                        and h.start <= t.start < h.own_end()), None) if unit is None else None
        mentions.append(_term_dict(t, pages, section=section, clause=unit.id if unit else None,
                                   heading=" ".join(x for x in (heading.kind.upper(), heading.label,
                                                                heading.title) if x)
                                   if heading is not None else None,
                                   pasal=loc.pasal if loc.node is not None and loc.node.kind != "diktum"
                                   and not (unit and unit.diktum) else None,
                                   ayat=loc.ayat, huruf=loc.huruf,
                                   diktum=unit.diktum if unit else None,
                                   role=roles.get(id(t))))

    # news: the article's subject (headline and lede) is the heading of every paragraph
    article_terms: list[Term] = []
    if news:
        body_units = [u for u in units if u.section == "body"]
        lede_end = body_units[min(NEWS_LEDE_LINES, len(body_units)) - 1].end if body_units else 0
        article_terms = [t for t in terms if t.start < lede_end
                         and t.category in ("jamsostek", "program", "health")]

    clauses = []
    for unit in units:
        own = resolver.terms_in(unit.start, unit.end)
        # (term, via, how): how is "ref" (cited), "definition", "heading" or "article"
        inherited = [(t, via, "ref") for t, via in resolver.cited_terms(unit)]
        body = text[unit.start:unit.end]
        for d in definitions:
            if any(re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", body) for name in d.names):
                inherited += [(t, f"definisi “{d.names[0]}”", "definition") for t in d.terms]
        for h in unit.headings:
            hterms = resolver.terms_in(h.start, h.own_end())
            name = " ".join(x for x in (h.kind.upper() if h.kind == "bab" else h.kind.capitalize(),
                                         h.label, h.title) if x)
            inherited += [(t, name, "heading") for t in hterms]
        if news:
            inherited += [(t, "judul dan teras berita", "article") for t in article_terms
                          if not unit.start <= t.start < unit.end]
        relevant = [t for t in own if t.category in RELEVANCE_CATEGORIES]
        if not news:  # a news paragraph must name something itself; a clause may inherit it
            relevant += [t for t, _, _ in inherited if t.category in RELEVANCE_CATEGORIES]
        if not relevant:
            continue
        if news and (skip is not None and skip(unit.start) or headlines is not None
                     and headlines(unit.start)):
            continue  # page furniture, or a headline: read for context, never a claim
        loc_section = structure.locate(unit.start).section if unit.node is not None else unit.section
        in_definitions = unit.node is not None and structure.locate(unit.start).in_definitions
        purpose = bool(c["purpose"].match(_MARKER.sub("", text[(unit.node.body_start if unit.node
                                                                 and unit.node.body_start else
                                                                 unit.start):unit.end])))
        if unit.point and unit.point.startswith("para") and not news:
            stripped = body.rstrip()
            if _title_like(stripped):
                loc_section = "judul"
            elif stripped.endswith(":"):
                loc_section = "pengantar"
        if form == "abstrak":
            loc_section = "abstrak"  # the JDIH catalogue's summary describes, it does not enact
        normative = (loc_section not in NON_NORMATIVE_SECTIONS and not in_definitions
                     and not purpose)
        figures = []
        for f in targets or []:
            if unit.start <= (f.get("start") or -1) < unit.end:
                figures.append({"kind": f.get("kind"), "value": f.get("value"), "unit": f.get("unit"),
                                "text": f.get("text"), "start": f.get("start"), "end": f.get("end"),
                                "claim": _figure_claim(text, unit.start, unit.end, f)})
        record = {
            "id": unit.id, "label": unit.label, "cite": unit.cite, "pasal": unit.pasal,
            "ayat": unit.ayat, "diktum": unit.diktum, "point": unit.point,
            "section": "definisi" if in_definitions else loc_section,
            "normative": normative, "purpose": purpose,
            "start": unit.start, "end": unit.end, "page": pages.page(unit.start),
            "text": squash(body)[:QUOTE_CHARS],
            "terms": [_term_dict(t, pages, role=roles.get(id(t))) for t in own],
            "inherited": [_term_dict(t, pages, via=via, how=how, role=roles.get(id(t)))
                          for t, via, how in _dedupe(inherited, own)],
            "figures": figures,
        }
        if news:
            record["news"] = _news_flags(text, unit)
        clauses.append(record)
    return mentions, clauses


def _dedupe(inherited: list[tuple[Term, str, str]], own: list[Term]) -> list[tuple[Term, str, str]]:
    own_ids = {(t.start, t.end, t.category, t.code) for t in own}
    seen, out = set(), []
    for t, via, how in inherited:
        key = (t.start, t.end, t.category, t.code)
        if key in own_ids or key in seen:
            continue
        seen.add(key)
        out.append((t, via, how))
    return out
