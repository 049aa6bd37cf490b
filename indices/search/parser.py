"""From request arguments to a search request: the query text parsed, the filters normalised.

Query syntax (Indonesian or English users alike):

- words must all match: ``iuran pekerja rentan``
- ``"exact phrases"`` match in order: ``"jaminan sosial ketenagakerjaan"``
- ``-word`` or ``-"a phrase"`` excludes documents that contain it
- a regulation's identity is recognised wherever it is written: ``nomor 30 tahun 2024``,
  ``Perbup 30/2024``, ``"perbup 30 2024"``, ``Peraturan Bupati Batang Nomor 30 Tahun 2024`` or the
  ``reg_key`` itself (``perbup/33.25/2024/30``). The matching document ranks first, followed by
  documents whose text cites that number and year.

Exact mode (``exact=True``) matches the words as written: no stemming, no stop words, no synonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Iterable, Mapping
from urllib.parse import urlencode

from pantau import wilayah
from pantau.legal import REG_KEY_PATTERN, normalise_jenis

from ..paging import clamp
from .records import PROGRAMS, STATUS_UNKNOWN

MAX_PER_PAGE = 100
MAX_PAGE = 1000  # deeper than anyone pages; the engines' result window is bounded too
MAX_QUERY_CHARS = 500

# Filter names and the aliases accepted for them (the old FTS5 filters used column names).
FILTER_NAMES = ("province", "region", "jenis", "tahun", "status", "program", "has_obligation",
                "kind")
_ALIASES = {"kode_provinsi": "province", "provinsi": "province", "region_code": "region",
            "wilayah": "region", "jenis_code": "jenis", "year": "tahun", "programs": "program",
            "obligation": "has_obligation", "kewajiban": "has_obligation"}
# A jenis written without its issuer stands for the family.
JENIS_FAMILY = {"se": ("se", "sebup", "sewal", "segub", "semen"),
                "perkada": ("perbup", "perwal", "pergub")}

_TRUE = {"1", "true", "ya", "yes", "y", "benar"}
_FALSE = {"0", "false", "tidak", "no", "n", "salah"}

_JENIS = (r"(?:peraturan|keputusan|instruksi|surat\s+edaran)"
          r"(?:\s+(?:daerah|bupati|wali\s*kota|gubernur|presiden|pemerintah|menteri|kepala\s+daerah))?"
          r"|perda|perbup|perwal|perwali|pergub|perkada|kepbup|kepwal|kepgub|insbup|inswal|ingub"
          r"|sebup|sewal|segub|se|inpres|perpres|keppres|permen|pp|uu")
_YEAR = r"(?:19|20)\d\d"
_IDENTIFIER = re.compile(
    r"(?<![\w/])(?:(?P<jenis>" + _JENIS + r")(?:\s+[a-z.]+){0,3}?\s+)?"
    r"(?:nomor|no\.?)\s*(?P<nomor>\d+[a-z]?(?:[./-]\d+)*)\s+(?:tahun|th\.?)\s*(?P<tahun>" + _YEAR + r")\b"
    r"|(?<![\w/])(?P<jenis2>" + _JENIS + r")\s+(?:(?:nomor|no\.?)\s*)?(?P<nomor2>\d+[a-z]?)"
    r"\s*(?:/\s*|\s+tahun\s+|\s+)(?P<tahun2>" + _YEAR + r")\b",
    re.I)
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Identifier:
    """A regulation named in the query: ``perbup 30/2024`` → jenis perbup, nomor 30, tahun 2024."""

    nomor: str
    tahun: int
    jenis_code: str | None = None
    reg_key: str | None = None
    text: str = ""

    @property
    def jenis_codes(self) -> tuple[str, ...]:
        if not self.jenis_code:
            return ()
        return JENIS_FAMILY.get(self.jenis_code, (self.jenis_code,))

    @property
    def citation(self) -> str:
        """How the text of another regulation cites it: ``nomor 30 tahun 2024``."""
        return f"nomor {self.nomor} tahun {self.tahun}"


@dataclass(frozen=True)
class ParsedQuery:
    """The query text split into what must match, what must not, and a regulation's identity."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    identifier: Identifier | None = None

    @property
    def text(self) -> str:
        """The free words as one string (synonyms such as "bpjs tk" span adjacent words)."""
        return " ".join(self.words)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.identifier)

    @property
    def highlight_text(self) -> str:
        return " ".join([*self.words, *self.phrases])


def _jenis_code(text: str | None) -> str | None:
    if not text:
        return None
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t in JENIS_FAMILY:
        return t
    found = normalise_jenis(t)
    return found[1] if found else None


def _nomor(text: str) -> str:
    n = text.lower().replace("/", "-")
    return str(int(n)) if n.isdigit() else n


def find_identifier(text: str) -> tuple[Identifier | None, str]:
    """The first regulation identity in ``text`` and the text without it."""
    m = REG_KEY_PATTERN.search(text)
    if m:
        ident = Identifier(nomor=m["nomor"].lower(), tahun=int(m["tahun"]),
                           jenis_code=m["jenis"].lower(), reg_key=m.group().lower(), text=m.group())
        return ident, (text[:m.start()] + " " + text[m.end():]).strip()
    m = _IDENTIFIER.search(text)
    if not m:
        return None, text
    jenis = m["jenis"] or m["jenis2"]
    ident = Identifier(nomor=_nomor(m["nomor"] or m["nomor2"]), tahun=int(m["tahun"] or m["tahun2"]),
                       jenis_code=_jenis_code(jenis), text=m.group())
    return ident, (text[:m.start()] + " " + text[m.end():]).strip()


def parse_query(q: str) -> ParsedQuery:
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    identifier = None
    plain: list[str] = []
    for m in _TERM.finditer((q or "")[:MAX_QUERY_CHARS]):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if phrase is not None:
            phrase = " ".join(phrase.split())
            if not phrase:
                continue
            if neg:
                excluded.append(phrase)
                continue
            if identifier is None:
                found, rest = find_identifier(phrase)
                if found and not rest:
                    identifier = found
                    continue
            phrases.append(phrase)
        elif word.startswith("-") and len(word) > 1:
            excluded.append(word[1:])
        else:
            plain.append(word)
    rest = " ".join(plain)
    if identifier is None:
        identifier, rest = find_identifier(rest)
    words = rest.split()
    return ParsedQuery(tuple(words), tuple(phrases), tuple(excluded), identifier)


@dataclass(frozen=True)
class SearchRequest:
    """One search: query text, normalised filters, mode and page.

    Filters: ``province`` and ``region`` (Kemendagri codes, or names), ``jenis`` (jenis_code such as
    ``perbup``, or a name), ``tahun`` (``2024``, ``2020..2024``, ``2020..``, ``..2022``),
    ``status`` (``berlaku``, ``dicabut``, ``diubah``, ``tidak_diketahui``), ``program`` (JKK, JKM,
    JHT, JP, JKP), ``has_obligation`` (true/false), ``kind`` (regulation/news). Several values
    of one filter are alternatives (OR); different filters must all hold (AND).
    """

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exact: bool = False
    page: int = 1
    per_page: int = 10
    facets: bool = True

    def __post_init__(self):
        # a huge page makes the engine allocate offset+limit slots (tantivy aborts the process)
        page, per_page = clamp(self.page, self.per_page, default_per_page=10,
                               max_per_page=MAX_PER_PAGE, max_page=MAX_PAGE)
        object.__setattr__(self, "page", page)
        object.__setattr__(self, "per_page", per_page)
        object.__setattr__(self, "q", (self.q or "").strip()[:MAX_QUERY_CHARS])

    @classmethod
    def build(cls, q: str = "", filters: Mapping[str, object] | Iterable[tuple[str, str]] | None = None,
              *, exact: bool = False, page: int = 1, per_page: int = 10, facets: bool = True,
              strict: bool = True) -> "SearchRequest":
        """A request from loose filter input (dict of value or list, or ``(name, value)`` pairs).

        ``strict`` raises ``ValueError`` on an unknown filter or a bad value; otherwise they are
        dropped (web requests).
        """
        pairs: list[tuple[str, str]] = []
        if isinstance(filters, Mapping):
            for k, v in filters.items():
                for x in (v if isinstance(v, (list, tuple, set)) else [v]):
                    pairs.append((k, x))
        elif filters:
            pairs = list(filters)
        out: dict[str, list[str]] = {}
        for name, value in pairs:
            try:
                key, norm = normalise_filter(name, value)
            except ValueError:
                if strict:
                    raise
                continue
            if norm is not None and norm not in out.setdefault(key, []):
                out[key].append(norm)
        return cls(q=q, filters={k: tuple(v) for k, v in out.items() if v}, exact=exact,
                   page=page, per_page=per_page, facets=facets)

    @classmethod
    def from_args(cls, args) -> "SearchRequest":
        """From web arguments (a werkzeug MultiDict or a plain mapping): ``q``, ``exact``, ``page``,
        ``per_page`` and any filter name, repeated for several values."""
        getlist = getattr(args, "getlist", lambda k: [args[k]] if k in args else [])
        filters = [(k, v) for k in args.keys() if _canonical(k) in FILTER_NAMES
                   for v in getlist(k) if str(v).strip()]
        return cls.build(args.get("q", "") or "", filters,
                         exact=str(args.get("exact", "")).lower() in _TRUE,
                         page=args.get("page"), per_page=args.get("per_page"), strict=False)

    @cached_property
    def query(self) -> ParsedQuery:
        return parse_query(self.q)

    @property
    def year_range(self) -> tuple[int | None, int | None] | None:
        values = self.filters.get("tahun")
        if not values:
            return None
        lo, _, hi = values[0].partition("..")
        return (int(lo) if lo else None, int(hi) if hi else None)

    def with_page(self, page: int) -> "SearchRequest":
        return replace(self, page=page)

    def to_args(self) -> list[tuple[str, str]]:
        args = [("q", self.q)] if self.q else []
        for name in FILTER_NAMES:
            args.extend((name, v) for v in self.filters.get(name, ()))
        if self.exact:
            args.append(("exact", "1"))
        if self.per_page != 10:
            args.append(("per_page", str(self.per_page)))
        return args

    def url(self, page: int | None = None) -> str:
        """Relative query string for this request at ``page`` (``?q=…&jenis=perbup&page=2``)."""
        args = self.to_args()
        if (page or self.page) != 1:
            args.append(("page", str(page or self.page)))
        return "?" + urlencode(args)


def _canonical(name: str) -> str:
    n = name.strip().lower()
    return _ALIASES.get(n, n)


def normalise_filter(name: str, value) -> tuple[str, str | None]:
    """(canonical filter name, canonical value); raises ValueError when either is not understood."""
    key = _canonical(name)
    v = str(value).strip()
    if key not in FILTER_NAMES:
        raise ValueError(f"unknown filter {name!r}; known: {', '.join(FILTER_NAMES)}")
    if not v:
        return key, None
    if key == "province":
        if re.fullmatch(r"\d{2}", v):
            return key, v
        code = wilayah.resolve(v, "provinsi")
        if not code:
            raise ValueError(f"unknown province {v!r}")
        return key, code
    if key == "region":
        if re.fullmatch(r"\d{2}(\.\d{2})?|id", v):
            return key, v
        code = wilayah.resolve(v)
        if not code:
            raise ValueError(f"unknown or ambiguous region {v!r} (give the Kemendagri code)")
        return key, code
    if key == "jenis":
        code = v.lower() if re.fullmatch(r"[a-z]+", v.lower()) else _jenis_code(v)
        if not code:
            raise ValueError(f"unknown jenis {v!r}")
        return key, code
    if key == "tahun":
        m = re.fullmatch(r"(\d{4})?\s*(?:\.\.|–|—)\s*(\d{4})?|(\d{4})", v)
        if not m or (m.group(3) is None and not (m.group(1) or m.group(2))):
            raise ValueError(f"tahun must be YYYY or YYYY..YYYY, not {v!r}")
        if m.group(3):
            return key, f"{m.group(3)}..{m.group(3)}"
        return key, f"{m.group(1) or ''}..{m.group(2) or ''}"
    if key == "status":
        s = v.lower().replace(" ", "_")
        if s not in ("berlaku", "dicabut", "diubah", STATUS_UNKNOWN):
            raise ValueError(f"status must be berlaku, dicabut, diubah or {STATUS_UNKNOWN}")
        return key, s
    if key == "program":
        p = v.upper()
        if p not in PROGRAMS:
            raise ValueError(f"program must be one of {', '.join(PROGRAMS)}")
        return key, p
    if key == "has_obligation":
        if v.lower() in _TRUE:
            return key, "true"
        if v.lower() in _FALSE:
            return key, "false"
        raise ValueError("has_obligation must be true or false")
    if key == "kind":
        if v.lower() not in ("regulation", "news"):
            raise ValueError("kind must be regulation or news")
        return key, v.lower()
    return key, v  # pragma: no cover
