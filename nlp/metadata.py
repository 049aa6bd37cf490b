"""Read a regulation's legal identity (jenis, nomor, tahun, issuing region, tentang) from its title or opening text.

Vocabulary (Indonesian drafting terms kept as they are):

- *jenis*: the kind of instrument, e.g. Peraturan Daerah (*perda*, a regional law passed with
  the DPRD), Peraturan Bupati / Wali Kota / Gubernur (*perbup*, *perwal*, *pergub*: rules of the
  regional head), Keputusan (a decree), Instruksi (an instruction), Surat Edaran (a circular).
- *nomor*: the number the instrument was given, "30" or, for circulars and decrees, an
  archival code such as "800/123/2023".
- *tahun*: the year of the number.
- *tentang*: "about", the title proper that follows the number.
- *kepala daerah*: the regional head (Gubernur of a provinsi, Bupati of a kabupaten, Wali Kota
  of a kota), whose title opens every regional instrument ("BUPATI BATANG").
- *abstrak*: the one-page catalogue abstract a JDIH publishes next to a regulation;
  *rancangan*: a draft.

A document's natural key is ``reg_key`` = ``jenis_code/region_code/tahun/nomor_slug``, e.g.
``perbup/33.25/2024/30``; national instruments use the region code ``id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pantau import wilayah

__all__ = [
    "JENIS",
    "JENIS_LEVEL",
    "DocumentMeta",
    "make_reg_key",
    "normalise_jenis",
    "parse_title",
    "extract_metadata",
    "Enactment",
    "extract_enactment",
    "parse_tanggal",
]

# Normalised jenis codes and their canonical names. Regional codes follow the JDIHN
# ``singkatanJenis`` habits (Perda, Perbup, Perwal, Pergub, Kepbup…); the instruction and circular
# codes (insbup, sebup…) are ours, as JDIH sites abbreviate those inconsistently.
JENIS: dict[str, str] = {
    # national
    "uud": "Undang-Undang Dasar",
    "uu": "Undang-Undang",
    "perppu": "Peraturan Pemerintah Pengganti Undang-Undang",
    "pp": "Peraturan Pemerintah",
    "perpres": "Peraturan Presiden",
    "keppres": "Keputusan Presiden",
    "inpres": "Instruksi Presiden",
    "permen": "Peraturan Menteri",
    "kepmen": "Keputusan Menteri",
    "semen": "Surat Edaran Menteri",
    "perban": "Peraturan Badan",  # e.g. Peraturan BPJS Ketenagakerjaan
    # regional
    "perda": "Peraturan Daerah",
    "pergub": "Peraturan Gubernur",
    "perbup": "Peraturan Bupati",
    "perwal": "Peraturan Wali Kota",
    "kepgub": "Keputusan Gubernur",
    "kepbup": "Keputusan Bupati",
    "kepwal": "Keputusan Wali Kota",
    "ingub": "Instruksi Gubernur",
    "insbup": "Instruksi Bupati",
    "inswal": "Instruksi Wali Kota",
    "segub": "Surat Edaran Gubernur",
    "sebup": "Surat Edaran Bupati",
    "sewal": "Surat Edaran Wali Kota",
    # a circular whose issuer is not a kepala daerah or minister (Sekretaris Daerah, a Dinas…)
    "se": "Surat Edaran",
    # JDIH catalogues list official translations as their own jenis; the translated
    # instrument's jenis is not in the title, so it cannot be mapped to one of the above.
    "terjemahan": "Terjemahan Resmi",
}

# Which kind of region issues each jenis: a pantau.wilayah kind, "id" (national), "daerah"
# (a provinsi or kabupaten/kota, told by the title) or None (depends on the issuer).
JENIS_LEVEL: dict[str, str | None] = {
    **{c: "id" for c in ("uud", "uu", "perppu", "pp", "perpres", "keppres", "inpres", "permen",
                         "kepmen", "semen", "perban")},
    "perda": "daerah",
    **{c: "provinsi" for c in ("pergub", "kepgub", "ingub", "segub")},
    **{c: "kabupaten" for c in ("perbup", "kepbup", "insbup", "sebup")},
    **{c: "kota" for c in ("perwal", "kepwal", "inswal", "sewal")},
    "se": None,
    "terjemahan": None,
}

# Kinds of document about an instrument. Only "naskah" (the instrument's own text) and
# "abstrak" (which describes the same instrument) get a reg_key; a draft has no legal identity.
FORMS = ("naskah", "abstrak", "rancangan")

_KEPALA_BY_KIND = {"provinsi": "gub", "kabupaten": "bup", "kota": "wal"}
_KIND_BY_KEPALA = {"gubernur": "provinsi", "bupati": "kabupaten", "wali kota": "kota"}
_PREFIX_BY_ACT = {"peraturan": "per", "keputusan": "kep", "instruksi": "in", "surat edaran": "se"}


def _kepala_code(act: str, kind: str | None) -> str | None:
    """("instruksi", "kabupaten") -> "insbup"."""
    if kind not in _KEPALA_BY_KIND:
        return None
    code = _PREFIX_BY_ACT[act] + _KEPALA_BY_KIND[kind]
    return {"inbup": "insbup", "inwal": "inswal"}.get(code, code)


@dataclass
class DocumentMeta:
    jenis: str | None = None  # canonical name, "Peraturan Bupati"
    jenis_code: str | None = None  # key of JENIS, "perbup"
    nomor: str | None = None  # as written: "30", "09", "800/123/2023"
    tahun: int | None = None
    region_code: str | None = None  # Kemendagri code of the issuing region, or "id"
    tentang: str | None = None
    form: str = "naskah"  # one of FORMS

    @property
    def reg_key(self) -> str | None:
        if self.form == "rancangan":
            return None
        return make_reg_key(self.jenis_code, self.region_code, self.tahun, self.nomor)


def make_reg_key(jenis_code: str | None, region_code: str | None, tahun: int | str | None,
                 nomor: str | None) -> str | None:
    """``perbup/33.25/2024/30``, or None unless all four parts are known.

    The nomor slug is lowercased, "/" becomes "-", spaces and characters outside
    ``[a-z0-9.-]`` go, and a purely numeric nomor loses leading zeros: catalogues write
    "Nomor 09" and "Nomor 9" for the same instrument.
    """
    if not (jenis_code and region_code and tahun and nomor):
        return None
    slug = re.sub(r"\s+", "", str(nomor).lower()).replace("/", "-")
    slug = re.sub(r"[^a-z0-9.\-]", "", slug).strip("-.")
    if slug.isdigit():
        slug = str(int(slug))
    if not slug:
        return None
    return f"{jenis_code}/{region_code}/{int(tahun)}/{slug}"


# --------------------------------------------------------------------------- jenis

_ABBREVIATIONS = {
    "perda": "perda", "perdakab": "perda", "perdakot": "perda", "perdakota": "perda",
    "perdaprov": "perda",
    "pergub": "pergub", "perbup": "perbup",
    "perwal": "perwal", "perwali": "perwal", "perwalkot": "perwal", "perwako": "perwal",
    "kepgub": "kepgub", "kepbup": "kepbup",
    "kepwal": "kepwal", "kepwali": "kepwal", "kepwalkot": "kepwal", "kepwako": "kepwal",
    "ingub": "ingub", "insgub": "ingub", "inbup": "insbup", "insbup": "insbup",
    "inwal": "inswal", "inswal": "inswal", "inwali": "inswal", "inswali": "inswal",
    "segub": "segub", "sebup": "sebup", "sewal": "sewal", "sewali": "sewal",
    "uud": "uud", "uu": "uu", "perppu": "perppu", "perpu": "perppu", "pp": "pp",
    "perpres": "perpres", "keppres": "keppres", "kepres": "keppres", "inpres": "inpres",
    "permen": "permen", "pmk": "permen", "kepmen": "kepmen", "kmk": "kepmen",
    "se": "se",
}
# Abbreviations that name the regional head's instrument without saying which head.
_KEPALA_ABBREVIATIONS = {"perkada": "peraturan", "kepkada": "keputusan"}


def _norm_words(text: str) -> str:
    t = text.lower().replace("walikota", "wali kota")
    t = re.sub(r"undang\s*-\s*undang|undang\s+undang", "undang-undang", t)
    return re.sub(r"\s+", " ", t).strip()


def normalise_jenis(text: str, region_kind: str | None = None) -> tuple[str, str] | None:
    """Canonical ``(name, code)`` for a jenis as written in a title, feed or abbreviation.

    ``"Peraturan Bupati"``, ``"PERBUP"`` and ``"Perbup"`` all give ``("Peraturan Bupati",
    "perbup")``; ``"Peraturan Walikota"`` gives ``("Peraturan Wali Kota", "perwal")``. Text after
    the jenis is ignored (``"Peraturan Bupati Batang"``). ``region_kind`` (provinsi, kabupaten,
    kota) settles jenis that do not name the issuer: "Surat Edaran", "Keputusan", "Perkada",
    "Peraturan Kepala Daerah". Drafts ("Rancangan …", "Raperda") and abstracts ("Abstrak …")
    are not an instrument's jenis and give None; :func:`parse_title` reads those prefixes.
    """
    if not text:
        return None
    t = _norm_words(text)
    if re.match(r"(rancangan|ranperda|raperda|ranperbup|ranperwal|rapergub|ranpergub|abstrak)\b", t):
        return None
    code = _jenis_code(t, region_kind)
    return (JENIS[code], code) if code else None


_ISSUER_WORDS = r"(gubernur|bupati|wali kota|kepala daerah)"


def _jenis_code(t: str, region_kind: str | None) -> str | None:
    """Code for normalised (lowercase, single-spaced) text that starts with a jenis."""
    if re.match(r"(peraturan )?terjemahan resmi\b", t):
        return "terjemahan"
    if t.startswith("undang-undang dasar"):
        return "uud"
    if re.match(r"peraturan pemerintah pengganti undang-undang\b", t):
        return "perppu"
    if t.startswith("undang-undang"):
        return "uu"
    if re.match(r"peraturan daerah\b", t):
        return "perda"
    m = re.match(r"(peraturan|keputusan|instruksi|surat edaran)( bersama)? " + _ISSUER_WORDS + r"\b", t)
    if m:
        act, issuer = m.group(1), m.group(3)
        kind = region_kind if issuer == "kepala daerah" else _KIND_BY_KEPALA[issuer]
        return _kepala_code(act, kind)
    national = [(r"peraturan pemerintah\b", "pp"), (r"peraturan presiden\b", "perpres"),
                (r"keputusan presiden\b", "keppres"), (r"instruksi presiden\b", "inpres"),
                (r"peraturan menteri\b", "permen"), (r"keputusan menteri\b", "kepmen"),
                (r"surat edaran( bersama)? menteri\b", "semen"),
                (r"peraturan (badan|lembaga|bpjs|kepala badan)\b", "perban")]
    for pattern, code in national:
        if re.match(pattern, t):
            return code
    m = re.match(r"(surat edaran|keputusan|instruksi)\b", t)
    if m:
        if region_kind:
            return _kepala_code(m.group(1), region_kind)
        return "se" if m.group(1) == "surat edaran" else None
    # An abbreviation, possibly dotted or followed by an issuer: "PERBUP", "Perwali", "S.E. Bupati".
    m = re.match(r"([a-z.]+)(?:\s+" + _ISSUER_WORDS + r"\b)?", t)
    if m:
        abbr = m.group(1).replace(".", "")
        if m.group(2) and abbr == "se":
            issuer = m.group(2)
            kind = region_kind if issuer == "kepala daerah" else _KIND_BY_KEPALA[issuer]
            return _kepala_code("surat edaran", kind)
        if abbr in _ABBREVIATIONS:
            code = _ABBREVIATIONS[abbr]
            if code == "se" and region_kind:
                return _kepala_code("surat edaran", region_kind)
            return code
        if abbr.startswith("permen"):  # Permenaker, Permendagri, Permenkeu…
            return "permen"
        if abbr.startswith("kepmen"):
            return "kepmen"
        if abbr in _KEPALA_ABBREVIATIONS and region_kind:
            return _kepala_code(_KEPALA_ABBREVIATIONS[abbr], region_kind)
    return None


# --------------------------------------------------------------------------- regions

# Province nicknames common in titles and feeds ("Pergub Jateng").
_PROVINCE_NICKNAMES = {
    "jateng": "Jawa Tengah", "jatim": "Jawa Timur", "jabar": "Jawa Barat",
    "sumut": "Sumatera Utara", "sumbar": "Sumatera Barat", "sumsel": "Sumatera Selatan",
    "sulut": "Sulawesi Utara", "sulteng": "Sulawesi Tengah", "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara", "sulbar": "Sulawesi Barat", "kalbar": "Kalimantan Barat",
    "kalteng": "Kalimantan Tengah", "kalsel": "Kalimantan Selatan", "kaltim": "Kalimantan Timur",
    "kaltara": "Kalimantan Utara", "ntb": "Nusa Tenggara Barat", "ntt": "Nusa Tenggara Timur",
    "babel": "Kepulauan Bangka Belitung", "kepri": "Kepulauan Riau", "malut": "Maluku Utara",
    "diy": "Daerah Istimewa Yogyakarta", "dki": "Daerah Khusus Ibukota Jakarta",
}
_REGION_ALIASES = [
    (re.compile(r"\bdki\b", re.I), "Daerah Khusus Ibukota"),
    (re.compile(r"\bd\.?\s?i\.?\s+(?=yogyakarta)|\bdiy\b", re.I), "Daerah Istimewa "),
    (re.compile(r"\badm\.?(?=\s)", re.I), "Administrasi"),
]


def _plain(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", name.lower())).strip()


def _resolve_region(name: str, kind: str | None = None) -> str | None:
    """pantau.wilayah.resolve, plus the common short forms it does not know (DKI, DIY, Adm.)."""
    name = re.sub(r"\s+", " ", name).strip(" ,.:;")
    if not name:
        return None
    nickname = _PROVINCE_NICKNAMES.get(_plain(re.sub(r"(?i)^(provinsi|prov\.?)\s+", "", name)))
    if nickname:
        return wilayah.resolve(nickname, "provinsi") if kind in (None, "provinsi") else None
    # Expand short forms first: resolve() reads a dotted name as "Province.Region" and would
    # take "D.I. Yogyakarta" for Kota Yogyakarta.
    expanded = name
    for pattern, repl in _REGION_ALIASES:
        expanded = pattern.sub(repl, expanded)
    expanded = re.sub(r"\s+", " ", expanded).strip()
    code = wilayah.resolve(expanded, kind)
    if code:
        return code
    # "Kota Administrasi Jakarta Selatan": resolve() drops "Administrasi" from the query but
    # not from its index, so look such names up by their full name without that word.
    wanted = _plain(expanded).replace("administrasi ", "")
    hit = _full_names().get(wanted)
    if hit and (kind is None or wilayah.by_code()[hit].kind == kind):
        return hit
    if kind:
        return _full_names().get(f"{kind} {wanted}")
    return None


@lru_cache(maxsize=1)
def _full_names() -> dict[str, str]:
    """Plain full region name without "administrasi" -> code ("kota jakarta selatan" -> 31.74)."""
    return {_plain(w.nama).replace("administrasi ", ""): w.kode for w in wilayah.all_regions()}


_KIND_WORD = re.compile(r"^(kabupaten|kab\.?|kota|kotamadya|provinsi|prov\.?|propinsi)\s", re.I)


def _region_from_words(words: str, kind: str | None) -> str | None:
    """Region named somewhere in the words between a jenis and its nomor.

    Tries every run of consecutive words, longest first, so extra words around the name
    ("Sekretaris Daerah Kabupaten Kendal", "Batang Provinsi Jawa Tengah") do not hide it.
    """
    tokens = [t for t in re.split(r"\s+", words.strip(" ,.:;")) if t]
    tokens = tokens[:8]
    for size in range(len(tokens), 0, -1):
        for start in range(0, len(tokens) - size + 1):
            span = " ".join(tokens[start:start + size])
            # Without a kind from the jenis, a part of the words must say its own kind
            # ("Kabupaten Kendal"); a bare word inside other words is too likely a false hit.
            if kind is None and size < len(tokens) and not _KIND_WORD.match(span + " "):
                continue
            code = _resolve_region(span, kind)
            if code:
                return code
    return None


def _region_for(code: str | None, region_words: str) -> str | None:
    level = JENIS_LEVEL.get(code) if code else None
    if level == "id":
        return "id"
    kind = level if level in ("provinsi", "kabupaten", "kota") else None
    if not region_words.strip():
        return None
    return _region_from_words(region_words, kind)


# --------------------------------------------------------------------------- titles

_FULL_JENIS = r"""
    peraturan\s+pemerintah\s+pengganti\s+undang\s*-?\s*undang
  | undang\s*-?\s*undang(?:\s+dasar)?
  | peraturan\s+daerah
  | (?:peraturan|keputusan|instruksi|surat\s+edaran(?:\s+bersama)?)\s+
      (?:gubernur|bupati|wali\s*kota|kepala\s+daerah|presiden|menteri)
  | peraturan\s+(?:pemerintah|badan|lembaga|bpjs)
  | (?:peraturan\s+)?terjemahan\s+resmi
  | surat\s+edaran
"""
_ABBR_JENIS = r"""
    (?:s\.?e\.?|se)\s+(?:gubernur|bupati|wali\s*kota)
  | (?:perda(?:kab|kot|kota|prov)?|pergub|perbup|perwal(?:i|kot)?|perwako|kepgub|kepbup
      |kepwal(?:i|kot)?|kepwako|ingub|insgub|inbup|insbup|inwal|inswal|inwali|segub|sebup
      |sewal|sewali|perppu|perpu|perpres|keppres|kepres|inpres|permen[a-z]*|kepmen[a-z]*
      |pmk|kmk|perkada|uud|uu|pp|se)\.?(?=[\s,:]|$)
"""
_NOMOR = r"""
    (?:nomor|nomer|no|nr)\b\.?\s*:?\s*
    (?P<nomor>(?=[^\s,;]*\d)[0-9A-Za-z]+(?:\s*[./-]\s*[0-9A-Za-z]+)*)?
    # a draft leaves the number blank or dotted: "NOMOR ... TAHUN 2025"
    (?:[\s.…_]*,?\s*(?:tahun|th\.?)\s*(?P<tahun>(?:19|20)\d{2})\b)?
"""
# Words between the jenis and the nomor: the region ("Kabupaten Batang", "Batang").
_REGION_WORDS = r"(?P<region>(?:\s+(?!(?:nomor|nomer|no|nr|tentang|tahun)\b)[^\W\d_][\w.'’()-]*){0,8}?)"

_TITLE_RE = re.compile(
    r"(?<!\w)(?P<jenis>" + _FULL_JENIS + r"|" + _ABBR_JENIS + r")" + _REGION_WORDS
    + r"(?:\s*" + _NOMOR + r"|(?=\s+tentang\b)|\s*$)",
    re.IGNORECASE | re.VERBOSE)
_FORM_PREFIX = re.compile(
    r"^\s*(?:(?P<abstrak>abstrak)|(?P<rancangan>rancangan|ranc\.))\s+", re.IGNORECASE)
_TENTANG_WORD = re.compile(r"\btentang\b\s*:?\s*", re.IGNORECASE)


def parse_title(title: str, *, region_hint: str | None = None) -> DocumentMeta:
    """Identity from a catalogue title.

    Reads "Peraturan Bupati Nomor 30 Tahun 2024 Tentang …", "Peraturan Daerah Kabupaten
    Batang Nomor 2 Tahun 2023 tentang …", "PERATURAN BUPATI BATANG NO. 20 TAHUN 2025 TENTANG
    PERUBAHAN ATAS …", "Perbup Kab. Sumedang No. 340 Tahun 2022", "Surat Edaran Bupati Kendal
    Nomor 800/123/2023 tentang …". Only the first instrument named is the document's own (later
    ones are those it amends). ``region_hint`` (a Kemendagri code) is used when the title names
    no region; national instruments get "id".
    """
    meta = DocumentMeta()
    text = re.sub(r"\s+", " ", title or "").strip()
    m = _FORM_PREFIX.match(text)
    if m:
        meta.form = "abstrak" if m.group("abstrak") else "rancangan"
        text = text[m.end():]
    elif re.match(r"(?i)\s*(raperda|ranperda)\b", text):
        meta.form = "rancangan"
        meta.jenis, meta.jenis_code = JENIS["perda"], "perda"
    # Only look before the first "tentang": later jenis belong to the amended instrument.
    first_tentang = _TENTANG_WORD.search(text)
    head = text[:first_tentang.start()] if first_tentang else text
    tm = _TITLE_RE.search(head + " ")
    if tm and tm.start() <= 12:  # allow a leading "Salinan" and the like, nothing more
        _fill_identity(meta, tm, region_kind=None)
    elif not meta.jenis_code:
        jenis = normalise_jenis(head)
        if jenis:
            meta.jenis, meta.jenis_code = jenis
    if first_tentang:
        meta.tentang = _clean_tentang(text[first_tentang.end():])
    if meta.region_code is None:
        meta.region_code = _from_hint(JENIS_LEVEL.get(meta.jenis_code or ""), region_hint)
    return meta


def _from_hint(level: str | None, hint: str | None) -> str | None:
    """The issuing region implied by a hint (the region whose site listed the document).

    A Pergub listed on a kabupaten's site is its province's; a Perbup cannot come from a
    province or a kota, so such a hint says nothing.
    """
    if level == "id":
        return "id"
    region = wilayah.by_code().get(hint or "")
    if region is None:
        return None
    if level == "provinsi":
        return region.kode if region.kind == "provinsi" else region.kode_provinsi
    if level in ("kabupaten", "kota"):
        return region.kode if region.kind == level else None
    return region.kode


def _fill_identity(meta: DocumentMeta, m: re.Match[str], region_kind: str | None) -> None:
    """Jenis, nomor, tahun and region from a title match."""
    jenis = normalise_jenis(m.group("jenis"), region_kind)
    if jenis:
        meta.jenis, meta.jenis_code = jenis
    nomor = m.group("nomor")
    tahun = m.group("tahun")
    if nomor:
        nomor = re.sub(r"\s*([./-])\s*", r"\1", nomor)
        if not tahun:
            # "Nomor 800/123/2023": a circular or decree number carries its year.
            ym = re.search(r"[/.-]((?:19|20)\d{2})$", nomor)
            if ym:
                tahun = ym.group(1)
                # "Nomor 12/2023" on a peraturan is shorthand for "Nomor 12 Tahun 2023".
                short = re.fullmatch(r"(\d+)/(?:19|20)\d{2}", nomor)
                if short and meta.jenis_code and meta.jenis_code.startswith("per"):
                    nomor = short.group(1)
        meta.nomor = nomor
    if tahun:
        meta.tahun = int(tahun)
    meta.region_code = _region_for(meta.jenis_code, m.group("region") or "") or meta.region_code


# Lowercase in a readable title: Indonesian conjunctions and prepositions.
_MINOR_WORDS = frozenset(
    "dan atau di ke dari yang untuk bagi pada dalam atas tentang dengan oleh serta terhadap "
    "kepada sebagai antara melalui tanpa sampai hingga akan ini itu se per dan/atau".split())
_ACRONYMS = frozenset(
    "BPJS APBD APBN APBDES ASN PNS PPPK JKK JKM JHT JKP JP UMKM DBH CHT DBHCHT BUMD BUMN BUMDES "
    "RT RW TNI POLRI NIK KTP KK NPWP PBI DPRD SKPD OPD UPT UPTD RSUD TKI PMI COVID KIS KIP PKH "
    "BLT HIV AIDS TBC PKK PAUD SD SMP SMA SMK CSR TJSP RPJMD RPJPD RKPD RTRW RDTR SPM KLA SOP "
    "BPBD BAZNAS LKS LPSE NKRI UUD".split())
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$")


def _readable_case(text: str) -> str:
    """"JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEKERJA RENTAN" ->
    "Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan"; acronyms and roman numerals stay."""
    out = []
    for i, word in enumerate(text.split(" ")):
        m = re.fullmatch(r"(\W*)(.*?)(\W*)", word)
        lead, core, trail = m.group(1), m.group(2), m.group(3)
        if not core or any(ch.isdigit() for ch in core):
            out.append(word)  # numbers and codes ("COVID-19", "2025-2029") stay as written
            continue
        parts = re.split(r"([-/])", core)
        fixed = []
        for part in parts:
            if part in ("-", "/", ""):
                fixed.append(part)
            elif part.upper() in _ACRONYMS or _ROMAN.match(part):
                fixed.append(part)
            elif (i > 0 or fixed) and part.lower() in _MINOR_WORDS:
                fixed.append(part.lower())
            else:
                fixed.append(part.capitalize())
        out.append(lead + "".join(fixed) + trail)
    return " ".join(out)


def _clean_tentang(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text).strip(" \t\n,;:.")
    if not text:
        return None
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) >= 0.9:
        text = _readable_case(text)
    return text


# --------------------------------------------------------------------------- document text

OPENING_CHARS = 3000

# The kepala daerah (or the government) heading the first page: "BUPATI BATANG",
# "WALI KOTA PEKALONGAN", "GUBERNUR JAWA TENGAH", "PEMERINTAH KABUPATEN KENDAL".
_ISSUER_LINE = re.compile(
    r"^[ \t]*(?P<issuer>BUPATI|GUBERNUR|WALI[ \t]*KOTA|WALIKOTA|PEMERINTAH[ \t]+"
    r"(?:KABUPATEN|KOTA|PROVINSI))[ \t]+(?P<name>[A-Z][A-Z .'’()-]*?)[ \t]*,?[ \t]*$",
    re.MULTILINE)
_DOC_TITLE_RE = re.compile(
    r"^[ \t]*(?:SALINAN[ \t]+)?(?P<draft>RANCANGAN\s+)?(?P<jenis>" + _FULL_JENIS + r")"
    + _REGION_WORDS + r"\s*(?:" + _NOMOR + r"|(?=tentang\b))",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE)
# Where the title proper ends in a regulation's opening.
_TENTANG_END = re.compile(
    r"""\n[ \t]*\n
      | \f
      | \bdengan\s+rahmat\s+tuhan
      | \b(?:menimbang|mengingat|memperhatikan|memutuskan|menetapkan)\b
      | \babstrak\b
      | \n[ \t]*(?:bupati|gubernur|wali[ \t]*kota|walikota)\b[^\n]*,[ \t]*(?=\n|$)
      | \n[ \t]*(?:kepada\b|yth\b|dalam\s+rangka\b)
      | \n[ \t]*(?:bab[ \t]+i|pasal[ \t]+1)\b
      | \n[ \t]*(?:1|I|A)\.[ \t]
    """,
    re.IGNORECASE | re.VERBOSE)
_BODY_START = re.compile(r"\b(?:Menimbang|Mengingat|MEMUTUSKAN)\b", re.IGNORECASE)


def extract_metadata(text: str, *, region_hint: str | None = None) -> DocumentMeta:
    """Identity from the opening of a regulation's text (its first ~3000 characters).

    Follows the drafting convention of the heading: the kepala daerah ("BUPATI BATANG"), the
    jenis with its region ("PERATURAN DAERAH KABUPATEN BATANG"), "NOMOR … TAHUN …", "TENTANG"
    and the title, ended by "DENGAN RAHMAT TUHAN YANG MAHA ESA", "Menimbang" or a blank line.
    Also reads JDIH abstrak sheets, whose first title at the start of a line is the
    document's own; catalogue lines such as "PERDAKAB. BATANG NO. 2, LD 2023/NO.2" are ignored.
    """
    meta = DocumentMeta()
    opening = (text or "")[:OPENING_CHARS].replace("\r\n", "\n")
    # Only the heading before "Menimbang" can hold the title: the considerations cite other
    # instruments, often at the start of a line.
    body = _BODY_START.search(opening)
    heading = opening[:body.start()] if body else opening

    tm = _DOC_TITLE_RE.search(heading)
    issuer_kind = None  # kind of region of a kepala daerah heading, which settles "SURAT EDARAN"
    issuer_region = None
    for im in _ISSUER_LINE.finditer(heading[:tm.start()] if tm else heading):
        issuer = re.sub(r"\s+", " ", im.group("issuer"))
        government = issuer.startswith("PEMERINTAH")
        issuer_region = _resolve_region(
            f"{issuer.removeprefix('PEMERINTAH').strip()} {im.group('name')}")
        if issuer_region:
            # A letterhead "PEMERINTAH KABUPATEN …" may head a Sekretaris Daerah's circular.
            issuer_kind = None if government else wilayah.by_code()[issuer_region].kind
            break

    if tm:
        if tm.group("draft"):
            meta.form = "rancangan"
        _fill_identity(meta, tm, region_kind=issuer_kind)
        after = heading[tm.end():]
        t = re.match(r"\s*,?\s*tentang\b\s*:?\s*", after, re.IGNORECASE)
        if t:
            rest = opening[tm.end() + t.end():]
            end = _TENTANG_END.search(rest)
            meta.tentang = _clean_tentang(rest[:end.start() if end else 600][:600])
    if re.search(r"^[ \t]*abstrak\b", opening, re.IGNORECASE | re.MULTILINE) and not re.search(
            r"dengan\s+rahmat\s+tuhan", opening, re.IGNORECASE):
        meta.form = "abstrak"

    level = JENIS_LEVEL.get(meta.jenis_code or "")
    if level == "id":
        meta.region_code = "id"
    elif issuer_region and _kind_fits(level, issuer_region):
        meta.region_code = issuer_region
    elif meta.region_code is None:
        meta.region_code = issuer_region or _from_hint(level, region_hint)
    return meta


def _kind_fits(level: str | None, region_code: str) -> bool:
    """Whether a region of this code can issue an instrument of this level."""
    if level in (None, "daerah"):
        return True
    return wilayah.by_code()[region_code].kind == level


# --------------------------------------------------------------------------- enactment (dates, signatory)

# Indonesian month names as printed in regulations and catalogues, with the old spellings
# (Pebruari, Nopember) and common abbreviations.
_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agt": 8, "agu": 8, "agus": 8, "ags": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "okt": 10, "november": 11, "nopember": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12,
}
MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
TANGGAL_PATTERN = r"(?P<d>\d{1,2})\s+(?P<m>" + MONTH_NAMES + r")\.?\s+(?P<y>(?:19|20)\d{2})\b"
_TANGGAL_RE = re.compile(TANGGAL_PATTERN, re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d{2})\b")


_LOOSE_DATE_RE = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{4,9})\.?\s+((?:19|20)\d{2})\b")


def _month_like(word: str) -> int | None:
    """A month name with one wrong letter, as OCR reads handwriting ("Marex" for "Maret")."""
    word = word.lower()
    hits = {n for name, n in _MONTHS.items() if len(name) >= 4 and len(name) == len(word)
            and sum(a != b for a, b in zip(name, word)) == 1}
    return hits.pop() if len(hits) == 1 else None


def parse_tanggal(text: str) -> str | None:
    """ISO date (``"2024-09-06"``) of the first Indonesian date in ``text``: "6 September 2024",
    "13 Okt. 2023", "24-03-2025", or with one letter of the month misread ("24 Marex 2025").
    None when there is none or it is not a real date."""
    from datetime import date

    m = _TANGGAL_RE.search(text or "")
    loose = None if m else _LOOSE_DATE_RE.search(text or "")
    if m:
        d, mo, y = int(m.group("d")), _MONTHS[m.group("m").lower()], int(m.group("y"))
    elif loose and _month_like(loose.group(2)):
        d, mo, y = int(loose.group(1)), _month_like(loose.group(2)), int(loose.group(3))
    else:
        m = _NUMERIC_DATE_RE.search(text or "")
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


@dataclass
class Enactment:
    """When, where and by whom an instrument was made.

    *Ditetapkan* is the signing by the regional head ("Ditetapkan di Batang pada tanggal 6
    September 2024"); *diundangkan* is the promulgation in the Lembaran/Berita Daerah by the
    Sekretaris Daerah, from which a regulation usually takes effect. A circular is "dikeluarkan"
    (issued), or just dated "Kendal, 12 Januari 2023" above the signature.
    """

    tanggal_ditetapkan: str | None = None  # ISO date
    tempat_ditetapkan: str | None = None
    tanggal_diundangkan: str | None = None
    signatory_jabatan: str | None = None  # as printed: "Pj. BUPATI BATANG"
    signatory_nama: str | None = None  # as printed: "LANI DWI REJEKI"

    @property
    def signatory(self) -> dict[str, str | None] | None:
        if not (self.signatory_jabatan or self.signatory_nama):
            return None
        return {"jabatan": self.signatory_jabatan, "nama": self.signatory_nama}


_DATE_AFTER = r"\s*pada\s+tanggal\s*:?\s*(?P<date>[^\n]{0,40})"
_DITETAPKAN_RE = re.compile(
    r"\b(?:ditetapkan|dikeluarkan)\s+di\s*:?\s*(?P<place>[A-Za-z][A-Za-z .'’-]{0,40}?)[ \t]*\n?" + _DATE_AFTER,
    re.IGNORECASE)
_DIUNDANGKAN_RE = re.compile(
    r"\bdiundangkan\s+di\s*:?\s*(?P<place>[A-Za-z][A-Za-z .'’-]{0,40}?)[ \t]*\n?" + _DATE_AFTER,
    re.IGNORECASE)
# A catalogue abstrak's note: "… mulai berlaku pada tanggal diundangkan, 24 Maret 2025."
_BERLAKU_DIUNDANGKAN_RE = re.compile(
    r"berlaku\s+pada\s+tanggal\s+diundangkan\s*,?\s*(?P<date>[^\n]{0,30})", re.IGNORECASE)
# A circular's place and date line above its signature: "Kendal, 12 Januari 2023".
_PLACE_DATE_LINE_RE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Za-z .'’-]{1,40}),[ \t]*(?P<date>" + TANGGAL_PATTERN + r")[ \t]*$",
    re.IGNORECASE | re.MULTILINE)
_OFFICE_LINE_RE = re.compile(
    r"^[ \t]*(?:(?:Pj\.?|Plt\.?|Plh\.?|a\.n\.?)[ \t]+)?(?:BUPATI|WALI[ \t]*KOTA|WALIKOTA|GUBERNUR|SEKRETARIS"
    r"[ \t]+DAERAH|KEPALA[ \t]+[A-Z ]+)\b[^\n]*,[ \t]*$", re.MULTILINE)
_NOT_A_NAME = re.compile(
    r"^(?:ttd\.?|t\.t\.d\.?|cap|dto\.?|salinan\b.*|diundangkan\b.*|ditandatangani\b.*|\(?tanda tangan\)?)$",
    re.IGNORECASE)


def _signatory_after(text: str, pos: int) -> tuple[str | None, str | None]:
    """The office line ("Pj. BUPATI BATANG,") and the name line below it, after ``pos``."""
    lines = [ln.strip() for ln in text[pos:pos + 600].split("\n")]
    lines = [ln for ln in lines if ln and ln != "\f"]
    jabatan = nama = None
    for i, line in enumerate(lines[:4]):
        if line.endswith(",") and re.search(r"[A-Za-z]{3}", line):
            jabatan = re.sub(r"\s+", " ", line.rstrip(",").strip())
            for cand in lines[i + 1:i + 5]:
                if _NOT_A_NAME.match(cand) or cand.endswith(","):
                    continue
                if re.fullmatch(r"[A-Za-z][A-Za-z .,'’-]{2,60}", cand) and not re.search(
                        r"\b(?:di|pada|tanggal|nomor|tahun)\b", cand, re.IGNORECASE):
                    nama = re.sub(r"\s+", " ", cand).strip(" ,")
                break
            break
    return jabatan, nama


def extract_enactment(text: str) -> Enactment:
    """Dates and signatory from the closing of a regulation (or the note of an abstrak).

    Reads "Ditetapkan di Batang / pada tanggal 6 September 2024 / Pj. BUPATI BATANG, / ttd /
    LANI DWI REJEKI" and "Diundangkan di Batang / pada tanggal …". The last such block wins:
    a Penjelasan or Lampiran never holds one, while a quoted earlier instrument might.
    """
    out = Enactment()
    text = (text or "").replace("\r\n", "\n")
    matches = list(_DITETAPKAN_RE.finditer(text))
    if matches:
        m = matches[-1]
        out.tanggal_ditetapkan = parse_tanggal(m.group("date"))
        out.tempat_ditetapkan = re.sub(r"\s+", " ", m.group("place")).strip() or None
        line_end = text.find("\n", m.start("date"))
        out.signatory_jabatan, out.signatory_nama = _signatory_after(
            text, line_end if line_end >= 0 else m.end())
    else:
        tail_start = max(0, len(text) - 4000)
        dated = list(_PLACE_DATE_LINE_RE.finditer(text, tail_start))
        if dated:
            m = dated[-1]
            out.tanggal_ditetapkan = parse_tanggal(m.group("date"))
            out.tempat_ditetapkan = m.group("place").strip()
            out.signatory_jabatan, out.signatory_nama = _signatory_after(text, m.end())
    if not out.signatory_jabatan:
        # A circular signed without "Ditetapkan di": "BUPATI KENDAL, / ttd / DICO M. GANINDUTO"
        # in its last lines.
        tail = max(0, len(text) - 800)
        offices = list(_OFFICE_LINE_RE.finditer(text, tail))
        if offices:
            out.signatory_jabatan, out.signatory_nama = _signatory_after(text, offices[-1].start())
    und = list(_DIUNDANGKAN_RE.finditer(text))
    if und:
        out.tanggal_diundangkan = parse_tanggal(und[-1].group("date"))
    else:
        m = _BERLAKU_DIUNDANGKAN_RE.search(text)
        if m:
            out.tanggal_diundangkan = parse_tanggal(m.group("date"))
    return out


# --------------------------------------------------------------------------- cited instruments

def readable_tentang(text: str) -> str | None:
    """A cited title as it should be shown: whitespace collapsed, all-caps made readable."""
    return _clean_tentang(text)


def issuer_region(jenis_code: str | None, region_words: str = "", *,
                  context_region: str | None = None) -> str | None:
    """Kemendagri code of the region that issued a cited instrument.

    National jenis give "id". Otherwise the region named in the words between the jenis and
    its nomor ("Peraturan Daerah Provinsi Jawa Tengah Nomor …"), else ``context_region`` (the
    citing document's region) when an instrument of that jenis can come from it: a Perbup
    citing "Peraturan Bupati Nomor 30 Tahun 2024" means its own Bupati's.
    """
    code = _region_for(jenis_code, region_words or "")
    if code:
        return code
    if context_region and JENIS_LEVEL.get(jenis_code or "") != "id":
        return _from_hint(JENIS_LEVEL.get(jenis_code or ""), context_region)
    return None
