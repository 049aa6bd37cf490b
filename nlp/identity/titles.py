"""A regulation's legal identity (jenis, nomor, tahun, issuing region, tentang), read from its
catalogue title or the heading of its text.

Vocabulary (Indonesian drafting terms kept as they are; jenis, nomor and tahun are explained in
:mod:`pantau.legal`):

- *tentang*: "about", the title proper that follows the number.
- *kepala daerah*: the regional head (Gubernur of a provinsi, Bupati of a kabupaten, Wali Kota
  of a kota), whose title opens every regional instrument ("BUPATI BATANG").
- *abstrak*: the one-page catalogue abstract a JDIH publishes next to a regulation;
  *rancangan*: a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pantau import wilayah
from pantau.legal import JENIS, JENIS_LEVEL, make_reg_key, nomor_tahun, normalise_jenis

__all__ = ["DocumentMeta", "parse_title", "extract_metadata", "readable_tentang", "issuer_region",
           "despace_headings"]


@dataclass
class DocumentMeta:
    """A document's identity as its title or heading states it; ``reg_key`` when complete."""

    jenis: str | None = None  # canonical name, "Peraturan Bupati"
    jenis_code: str | None = None  # key of JENIS, "perbup"
    nomor: str | None = None  # as written: "30", "09", "800/123/2023"
    tahun: int | None = None
    region_code: str | None = None  # Kemendagri code of the issuing region, or "id"
    tentang: str | None = None
    form: str = "naskah"  # one of pantau.legal.FORMS

    @property
    def reg_key(self) -> str | None:
        if self.form == "rancangan":
            return None
        return make_reg_key(self.jenis_code, self.region_code, self.tahun, self.nomor)


# --------------------------------------------------------------------------- issuing region

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
            code = wilayah.resolve(span, kind, short_forms=True)
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
  | qanun
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
        # "Nomor 12/2023" on a peraturan is shorthand for "Nomor 12 Tahun 2023".
        nomor, tahun = nomor_tahun(nomor, tahun, year_shorthand=bool(
            meta.jenis_code and meta.jenis_code.startswith("per")))
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

# A heading set in spaced capitals, "T E N T A N G" or "P E R A T U R A N   B U P A T I": four or
# more capitals each followed by one space. Wider gaps separate the words.
_SPACED_WORD = re.compile(r"(?<![^\W\d_])(?:[A-Z] ){3,}[A-Z](?![^\W\d_])")


def despace_headings(text: str) -> str:
    """Letter-spaced capitals read as the words they spell ("T E N T A N G" -> "TENTANG"); the
    wider gaps between letter groups stay. Used only to read identity: offsets are not kept."""
    return _SPACED_WORD.sub(lambda m: m.group().replace(" ", ""), text)


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
      | \bdengan\s+rahmat\s+(?:tuhan|allah)
      | \bbismillah\w*
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
    opening = despace_headings((text or "")[:OPENING_CHARS].replace("\r\n", "\n"))
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
        issuer_region = wilayah.resolve(
            f"{issuer.removeprefix('PEMERINTAH').strip()} {im.group('name')}", short_forms=True)
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
            r"dengan\s+rahmat\s+(?:tuhan|allah)", opening, re.IGNORECASE):
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
