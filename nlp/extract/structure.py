"""Parse the layout of an Indonesian regulation into a tree with character offsets.

Vocabulary (Lampiran II UU 12/2011):

- *judul*: the title block; *pembukaan*: "Menimbang" (considerations), "Mengingat" (legal
  basis), "Memperhatikan", and "MEMUTUSKAN: Menetapkan: …" (the enacting formula);
- *batang tubuh*: the body, in BAB (chapter) > Bagian (part) > Paragraf > Pasal (article) >
  ayat "(1)" (paragraph) > huruf "a." (point) > angka "1." (sub-point); a Keputusan or
  Instruksi uses *diktum* KESATU, KEDUA … instead of Pasal;
- *penutup*: "Ditetapkan di … pada tanggal …", signatures, promulgation;
- *Penjelasan*: the explanatory memorandum (not binding); *Lampiran*: annexes.

A surat edaran, an abstrak sheet or a news article has none of this: its text is one "body"
section, with numbered items where it has them, and a "dasar" section for a "Dasar Hukum" list.

Headings are read line by line. A line that starts with "Pasal 5" or "(2)" may be a wrapped
cross-reference ("sebagaimana dimaksud dalam\\nPasal 5 ayat (2)"), so a heading must stand on
its own line, the line before must not end with a linking word, and ayat and list numbers must
follow their sequence.

OCR misreads headings ("Pasai 5", "Pasa1 5", "KEDUAA :"). A line alone that is one edit
(rapidfuzz) away from "Pasal" and carries the next Pasal number, or one or two edits away from the
next diktum word, is read as that heading: the sequence makes the reading safe on any text. Words
of the section headings may be letter-spaced ("M E M U T U S K A N"): ``{WORD}`` in a section
pattern matches the word with or without a space between its letters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .patterns import load_patterns

__all__ = ["Node", "Location", "Structure", "parse_structure"]

# Depth of each kind of node; a heading closes every open node at its depth or deeper.
LEVEL = {"section": 0, "bab": 1, "bagian": 2, "paragraf": 3, "pasal": 4, "diktum": 4, "ayat": 5}
ITEM_LEVEL = 6  # first list level; nested lists go deeper


@dataclass
class Node:
    kind: str  # section kind (judul, menimbang, …, batang_tubuh, body), bab, bagian, pasal, ayat, huruf, angka…
    label: str | None
    start: int
    end: int
    title: str | None = None
    body_start: int | None = None  # where the node's own text starts (after its marker)
    definitions: bool = False  # a Pasal whose items are definitions ("yang dimaksud dengan:")
    children: list["Node"] = field(default_factory=list)
    level: int = 0

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "label": self.label, "start": self.start, "end": self.end}
        if self.title:
            d["title"] = self.title
        if self.children:
            d["children"] = [c.to_dict() for c in self.children]
        return d

    def own_end(self) -> int:
        """End of the node's own text: the start of its first child, or its end."""
        return self.children[0].start if self.children else self.end


@dataclass
class Location:
    """Where an offset sits: its section and the innermost Pasal, ayat and list items."""

    section: str
    bab: str | None = None
    pasal: str | None = None
    ayat: str | None = None
    huruf: str | None = None
    angka: str | None = None
    in_definitions: bool = False
    node: Node | None = None  # innermost node
    path: tuple[Node, ...] = ()


@dataclass
class Structure:
    text: str
    root: Node
    sections: list[Node]

    def locate(self, offset: int) -> Location:
        path = []
        node = self.root
        while True:
            starts = [c.start for c in node.children]
            i = bisect.bisect_right(starts, offset) - 1
            if i < 0 or offset >= node.children[i].end:
                break
            node = node.children[i]
            path.append(node)
        loc = Location(section=path[0].kind if path else "body", node=node, path=tuple(path))
        for n in path:
            if n.kind == "bab":
                loc.bab = n.label
            elif n.kind in ("pasal", "diktum"):
                loc.pasal = n.label
                loc.in_definitions = n.definitions
                loc.ayat = loc.huruf = loc.angka = None
            elif n.kind == "ayat":
                loc.ayat = n.label
                loc.huruf = loc.angka = None
            elif n.kind == "huruf":
                loc.huruf = n.label
            elif n.kind == "angka":
                loc.angka = n.label
        return loc

    def headings(self, kind: str) -> list[Node]:
        out: list[Node] = []

        def walk(n: Node):
            for c in n.children:
                if c.kind == kind:
                    out.append(c)
                walk(c)
        walk(self.root)
        return out


@lru_cache(maxsize=1)
def _compiled():
    s = load_patterns()["structure"]
    return {
        "sections": [(k, re.compile(_spaced(v), re.MULTILINE)) for k, v in s["sections"].items()],
        "headings": {k: re.compile(v) for k, v in s["headings"].items()},
        "ayat": re.compile(s["ayat"]),
        "item": re.compile(s["item"]),
        "huruf_heading": re.compile(r"^[ \t]*Huruf[ \t]+(?P<label>[a-z])[ \t]*$"),
        "pasal_inline": re.compile(r"^[ \t]*(?i:pasal)[ \t]+(?P<label>\d{1,3}[A-Z]?)[ \t]+(?=\S)"),
        "ref_before": frozenset(s["reference_before"]),
        "ref_after": frozenset(s["reference_after"]),
        "definitions": re.compile(s["definitions"]),
    }


def _spaced(pattern: str) -> str:
    """``{WORD}`` in a pattern -> WORD with an optional space between its letters."""
    return re.sub(r"\{([A-Z]+)\}", lambda m: " ?".join(m.group(1)), pattern)


# Diktum words in order; their index + 1 is the diktum's number.
_DIKTUM_WORDS = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN",
                 "KESEMBILAN", "KESEPULUH", "KESEBELAS", "KEDUABELAS", "KETIGABELAS",
                 "KEEMPATBELAS", "KELIMABELAS")
# OCR puts stamp or signature marks on a heading's line ("SA DENS Pasal 26"): a short prefix
# without a word of four small letters is allowed before a heading read in sequence.
_FUZZY_PASAL = re.compile(r"^[ \t]*(?P<junk>(?:\S{1,6}[ \t]+){1,3}?)?(?P<word>[A-Za-z1|]{4,6})[ \t]+"
                          r"(?P<label>[0-9lIO]{1,3}[A-Z]?)[ \t]*$")
# An ayat number with a bracket lost or misread: "4)", "| 4)", "(4 Setiap".
_FUZZY_AYAT = re.compile(r"^[ \t]*(?:[|(\[{][ \t]?)?(?P<label>\d{1,2})[ \t]?[)\]}|][ \t]*(?=\S)"
                         r"|^[ \t]*\([ \t]?(?P<label2>\d{1,2})[ \t]+(?=[A-Z])")
_FUZZY_DIKTUM = re.compile(r"^[ \t]*(?P<word>[A-Z0-9 ]{5,16}?)[ \t]*:")
_DIGITS_OF = str.maketrans({"l": "1", "I": "1", "O": "0"})
_EMPTY_AYAT = re.compile(r"^[ \t]*\([ \t]?\)[ \t]*(?=\S)")
# Digits OCR reads for others (read -> could be), for ayat numbers out of sequence.
_DIGIT_MISREAD = {"4": "1", "7": "1", "3": "8", "8": "36", "6": "58", "5": "6"}


def _next_ayat(lines: list[tuple[int, str]], i: int, ayat) -> str | None:
    """The number of the next line after ``lines[i]`` that opens an ayat, before any Pasal."""
    for _, line in lines[i + 1:i + 40]:
        if re.match(r"^[ \t]*(?i:pasal)[ \t]+\S+[ \t]*$", line):
            return None
        m = ayat.match(line)
        if m:
            return m.group("label")
    return None


class _Found:
    """A heading read through OCR damage, shaped like the regex match it stands for."""

    def __init__(self, label: str, end: int):
        self._label, self._end = label, end

    def group(self, name: str) -> str:
        return self._label

    def end(self) -> int:
        return self._end


def _fuzzy_pasal(line: str, last: int | None) -> _Found | None:
    """"Pasai 5" / "Pasa1 5" after Pasal 4: the next Pasal, one edit away from the word."""
    m = _FUZZY_PASAL.match(line)
    if not m or last is None:
        return None
    word = m.group("word").lower()
    junk = m.group("junk") or ""
    if re.search(r"[a-z]{4}", junk) or (word == "pasal" and not junk) \
            or Levenshtein.distance(word, "pasal", score_cutoff=1) > 1:
        return None
    label = m.group("label").translate(_DIGITS_OF)
    if not label[:1].isdigit() or int(re.match(r"\d+", label).group()) != last + 1:
        return None
    return _Found(label, len(line))


def _fuzzy_diktum(line: str, last: int) -> _Found | None:
    """"KEDUAA :" after KESATU: the next diktum word, within two edits (one for short words)."""
    m = _FUZZY_DIKTUM.match(line)
    if not m or last >= len(_DIKTUM_WORDS):
        return None
    word = re.sub(r"\s+", "", m.group("word")).upper()
    expected = _DIKTUM_WORDS[last]
    limit = 1 if len(expected) <= 6 else 2
    if word == expected or Levenshtein.distance(word, expected, score_cutoff=limit) > limit:
        return None
    return _Found(expected, m.end())


_LINE_RE = re.compile(r"[^\n]*\n?")
_DASAR_END = re.compile(r"\n[ \t]*(?:[-•][ \t]|[A-Z]\.[ \t]|[IVX]+\.[ \t]|\n)")
_LIST_ITEM = re.compile(r"^[ \t]*(?:\d{1,2}|[a-z])[.)][ \t]")


def _after_list(text: str, pos: int) -> int | None:
    """Start of the first line after a numbered list (from ``pos``) that is no item and follows
    an item's last line ending in "." or ";" after the list's last item: "3. Qanun … .\nSehubungan
    dengan hal tersebut, …"."""
    seen_item = False
    prev = ""
    for m in re.finditer(r"\n([^\n]*)", text[pos:pos + 4000]):
        line = m.group(1)
        if _LIST_ITEM.match(line):
            seen_item = True
        elif seen_item and line.strip() and prev.rstrip().endswith(".") and line.strip()[0].isupper():
            return pos + m.start() + 1
        if line.strip():
            prev = line
    return None


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    for m in _LINE_RE.finditer(text):
        if m.start() == len(text):
            break
        out.append((m.start(), m.group().rstrip("\n")))
    return out


def _last_word(line: str) -> str:
    """Last word of a line as written (case kept: "PASAL" in a heading is not "pasal" in prose)."""
    line = line.strip()
    if not line:
        return ""
    if line.endswith(","):
        return ","
    return line.split()[-1].strip("\"“”'")


def _first_word(line: str) -> str:
    parts = line.strip().split()
    return parts[0] if parts else ""


def _is_blank(line: str) -> bool:
    return not line.strip() or line.strip() == "\f"


def _section_spans(text: str) -> list[tuple[str, int]]:
    """(kind, start) of each top-level section, in order."""
    c = _compiled()
    found: dict[str, list[int]] = {}
    for kind, rx in c["sections"]:
        found[kind] = [m.start() for m in rx.finditer(text)]
    regulation = bool(found["menimbang"] or found["mengingat"])
    spans: list[tuple[str, int]] = []
    if regulation:
        first = min(found["menimbang"][:1] + found["mengingat"][:1])
        if first > 0:
            spans.append(("judul", 0))
        for kind in ("menimbang", "mengingat", "memperhatikan"):
            if found[kind]:
                spans.append((kind, found[kind][0]))
        after_pembukaan = max(s for _, s in spans)
        men = [p for p in found["menetapkan"] if p > after_pembukaan]
        if men:
            spans.append(("menetapkan", men[0]))
    else:
        spans.append(("body", 0))
        if found["dasar"]:
            start = found["dasar"][0]
            spans.append(("dasar", start))
            # the list ends at the next bullet, lettered or roman heading, or blank line, or (as
            # OCR loses blank lines) at the first line after a finished item that is no item
            line_end = text.find("\n", start)
            m = _DASAR_END.search(text, line_end if line_end >= 0 else len(text))
            end = m.start() + 1 if m else None
            after = _after_list(text, line_end if line_end >= 0 else len(text))
            if after is not None and (end is None or after < end):
                end = after
            if end is not None:
                spans.append(("body", end))
    last = max(s for _, s in spans)
    pen = [p for p in found["penjelasan"] if p > last]
    lam = [p for p in found["lampiran"] if p > last]
    tail_start = min(pen[:1] + lam[:1]) if (pen or lam) else len(text)
    put = [p for p in found["penutup"] if last < p < tail_start]
    if put:
        spans.append(("penutup", put[-1] if not regulation else put[0]))
    if pen:
        spans.append(("penjelasan", pen[0]))
    if lam:
        lam_after = [p for p in lam if not pen or p > pen[0]] or lam
        spans.append(("lampiran", lam_after[0] if pen and lam_after[0] > pen[0] else lam[0]))
    spans.sort(key=lambda s: s[1])
    return spans


def _body_start(text: str, spans: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Insert the batang tubuh: from the first BAB, Pasal or diktum after the enacting formula."""
    kinds = [k for k, _ in spans]
    if "menetapkan" not in kinds and "mengingat" not in kinds and "menimbang" not in kinds:
        return spans
    anchor_kind = "menetapkan" if "menetapkan" in kinds else ("mengingat" if "mengingat" in kinds else "menimbang")
    anchor = dict(spans)[anchor_kind]
    nxt = [s for _, s in spans if s > anchor]
    limit = min(nxt) if nxt else len(text)
    h = _compiled()["headings"]
    rx = re.compile("|".join("(?:" + re.sub(r"\(\?P<\w+>", "(", h[k].pattern) + ")"
                             for k in ("bab", "pasal", "diktum")), re.MULTILINE)
    # Skip the first line of the anchor: "Menetapkan : PERATURAN BUPATI …" cannot be a heading.
    first_nl = text.find("\n", anchor)
    m = rx.search(text, first_nl + 1 if first_nl >= 0 else anchor, limit)
    if m:
        spans = spans + [("batang_tubuh", m.start())]
        spans.sort(key=lambda s: s[1])
    return spans


class _Builder:
    def __init__(self, text: str):
        self.text = text
        self.root = Node("document", None, 0, len(text), level=-1)
        self.stack: list[Node] = [self.root]

    def close_to(self, level: int, at: int) -> None:
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            n = self.stack.pop()
            n.end = at

    def open(self, node: Node) -> Node:
        self.close_to(node.level, node.start)
        self.stack[-1].children.append(node)
        self.stack.append(node)
        return node

    def current(self, kinds: tuple[str, ...]) -> Node | None:
        for n in reversed(self.stack):
            if n.kind in kinds:
                return n
        return None

    def finish(self) -> Node:
        self.close_to(-0.5, len(self.text))
        return self.root


def _next_item_label(label: str) -> str:
    if label.isdigit():
        return str(int(label) + 1)
    return chr(ord(label) + 1)


def parse_structure(text: str) -> Structure:
    """The section / BAB / Pasal / ayat / huruf tree of ``text`` with character offsets."""
    c = _compiled()
    h = c["headings"]
    spans = _body_start(text, _section_spans(text))
    b = _Builder(text)
    lines = _lines(text)
    section_starts = [s for _, s in spans]
    section_kinds = [k for k, _ in spans]
    si = -1
    nonblank = [i for i, (_, ln) in enumerate(lines) if not _is_blank(ln)]
    prev_of = {}
    next_of = {}
    for j, i in enumerate(nonblank):
        prev_of[i] = lines[nonblank[j - 1]][1] if j > 0 else ""
        next_of[i] = lines[nonblank[j + 1]][1] if j + 1 < len(nonblank) else ""
    pending_title: Node | None = None
    last_pasal_num: int | None = None
    last_diktum = 0  # number of the last diktum read (KESATU = 1)
    # open lists under the current ayat/pasal: [(node, expected_next_label)]
    lists: list[list] = []

    for i, (off, line) in enumerate(lines):
        # section boundaries
        while si + 1 < len(section_starts) and section_starts[si + 1] <= off + len(line):
            si += 1
            start = section_starts[si]
            b.close_to(0, start)
            b.open(Node(section_kinds[si], None, start, len(text), level=0, body_start=start))
            lists = []
            pending_title = None
        if _is_blank(line):
            continue
        section = section_kinds[si] if si >= 0 else "body"
        if section in ("judul", "penutup"):
            continue
        stripped = line.strip()
        if pending_title is not None:
            # the title of a BAB / Bagian / Paragraf is the line after its heading
            if not (h["pasal"].match(line) or h["bagian"].match(line) or h["paragraf"].match(line)):
                pending_title.title = stripped
                pending_title = None
                continue
            pending_title = None
        prev, nxt = prev_of.get(i, ""), next_of.get(i, "")
        looks_ref = _last_word(prev) in c["ref_before"] or _first_word(nxt) in c["ref_after"]
        structured = section in ("batang_tubuh", "penjelasan", "lampiran", "body")

        m = h["bab"].match(line) if structured else None
        if m and not looks_ref:
            node = b.open(Node("bab", m.group("label"), off, len(text), level=LEVEL["bab"],
                               title=m.group("title").strip() or None))
            node.body_start = off + len(line)
            if not node.title:
                pending_title = node
            lists = []
            continue
        for kind in ("bagian", "paragraf"):
            m = h[kind].match(line) if structured else None
            if m and not looks_ref:
                node = b.open(Node(kind, m.group("label"), off, len(text), level=LEVEL[kind]))
                node.body_start = off + len(line)
                pending_title = node
                lists = []
                break
        else:
            m = None
        if m:
            continue

        m = h["pasal"].match(line) if section != "menetapkan" else None
        if not m and structured and not looks_ref:
            m = _fuzzy_pasal(line, last_pasal_num)
        inline = None
        if not m and structured:
            mi = c["pasal_inline"].match(line)
            if (mi and last_pasal_num is not None and mi.group("label").isdigit()
                    and int(mi.group("label")) == last_pasal_num + 1
                    and prev.rstrip().endswith((".", ";", ":"))
                    and _first_word(line[mi.end():]) not in c["ref_after"]):
                m, inline = mi, mi.end()
        if m and not looks_ref and section in ("batang_tubuh", "penjelasan", "lampiran", "body"):
            label = m.group("label")
            node = b.open(Node("pasal", label, off, len(text), level=LEVEL["pasal"]))
            node.body_start = off + (inline if inline else len(line))
            if label.isdigit():
                last_pasal_num = int(label)
            lists = []
            if inline is None:
                continue
            # "Pasal 5 (1) Pemerintah Daerah …" on one line: read the rest as a line of its own
            rest_off = off + inline
            line = text[rest_off:off + len(line)]
            off = rest_off
            prev = "."
        m = h["diktum"].match(line) if section in ("batang_tubuh", "body", "menetapkan") else None
        if not m and section in ("batang_tubuh", "body") and last_diktum:
            m = _fuzzy_diktum(line, last_diktum)
        if m and section != "menetapkan":
            label = m.group("label").replace(" ", "")
            if label in _DIKTUM_WORDS:
                last_diktum = _DIKTUM_WORDS.index(label) + 1
            node = b.open(Node("diktum", label, off, len(text),
                               level=LEVEL["diktum"]))
            node.body_start = off + m.end()
            lists = []
            continue
        if section == "penjelasan":
            m = h["ayat_heading"].match(line)
            if m:
                node = b.open(Node("ayat", m.group("label"), off, len(text), level=LEVEL["ayat"]))
                node.body_start = off + len(line)
                lists = []
                continue
            m = c["huruf_heading"].match(line)
            if m:
                parent_level = b.current(("ayat", "pasal"))
                lvl = (parent_level.level + 1) if parent_level else ITEM_LEVEL
                node = b.open(Node("huruf", m.group("label"), off, len(text), level=max(lvl, ITEM_LEVEL)))
                node.body_start = off + len(line)
                continue

        m = c["ayat"].match(line)
        if section in ("batang_tubuh", "lampiran", "body", "diktum"):
            owner = b.current(("pasal", "diktum"))
            last = b.current(("ayat",))
            expected = (str(int(last.label) + 1)
                        if last and owner and any(ch is last for ch in owner.children) else "1")
            if not m and expected != "1" and not any(nxt == expected for _, nxt in lists):
                # OCR lost or misread a bracket of the next ayat ("4)", "| 4)", "(4 Setiap")
                fm = _FUZZY_AYAT.match(line)
                if fm and (fm.group("label") or fm.group("label2")) == expected:
                    m = _Found(expected, fm.end())
            if not m:
                em = _EMPTY_AYAT.match(line)  # "() Bantuan …": the number lost, the next one read
                if em and _next_ayat(lines, i, c["ayat"]) == str(int(expected) + 1):
                    m = _Found(expected, em.end())
        if m and section in ("batang_tubuh", "lampiran", "body", "diktum"):
            label = m.group("label")
            if label != expected and expected in _DIGIT_MISREAD.get(label, "") \
                    and _next_ayat(lines, i, c["ayat"]) == str(int(expected) + 1):
                label = expected  # "(4)" read for "(1)", and "(2)" follows: OCR
            if label == expected and _last_word(prev) not in ("ayat", "pasal", "dan", "atau", ","):
                node = b.open(Node("ayat", label, off, len(text), level=LEVEL["ayat"]))
                node.body_start = off + m.end()
                lists = []
                continue

        m = c["item"].match(line)
        if m and section not in ("judul", "penutup"):
            label = m.group("label")
            prev_word = _last_word(prev)
            if prev_word.lower() in ("ayat", "pasal", "huruf", "angka", "nomor", "no.", "tahun") \
                    and not prev_word.isupper():
                continue
            # continue an open list, or open a nested one
            depth = None
            for d in range(len(lists) - 1, -1, -1):
                if lists[d][1] == label and (lists[d][0].label.isdigit() == label.isdigit()):
                    depth = d
                    break
            if depth is None and label in ("a", "1"):
                depth = len(lists)
            if depth is None:
                continue
            del lists[depth + 1:]
            base = b.current(("ayat", "pasal", "diktum"))
            base_level = base.level if base is not None else 0
            level = max(base_level + 1, ITEM_LEVEL) + depth
            kind = "angka" if label.isdigit() else "huruf"
            node = b.open(Node(kind, label, off, len(text), level=level))
            node.body_start = off + m.end()
            if depth < len(lists):
                lists[depth] = [node, _next_item_label(label)]
            else:
                lists.append([node, _next_item_label(label)])
            continue

    root = b.finish()
    # Mark definition lists: a Pasal whose own text ends with "yang dimaksud dengan:".
    for n in _iter(root):
        if n.kind == "pasal" and n.body_start is not None:
            own = text[n.body_start:n.own_end()]
            if c["definitions"].search(own.strip()):
                n.definitions = True
    sections = [n for n in root.children]
    return Structure(text=text, root=root, sections=sections)


def _iter(node: Node):
    for ch in node.children:
        yield ch
        yield from _iter(ch)
