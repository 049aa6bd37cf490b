"""Hostile and random inputs to every parser that reads what a source sends: the JDIHN feed
decoder, the HTML readers (text extraction, news/CMS/BPK page parsers), the metadata, date and
number parsers, and the PDF/DOCX text path. No input may crash or hang a parser: each gives a
clean value or a recorded error (``TextExtractionError``, a feed error string).

Example counts are bounded for the test command; ``make fuzz`` sets ``PANTAU_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

import io
import os
import random
import time
import zipfile
import zlib
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

from crawler.spiders import bpk, jdih_cms, news, records
from crawler.spiders.jdihn_feed import decode_feed, unwrap
from nlp import identity
from pantau import dates, legal
from nlp import text as nlp_text
from nlp.extract import numbers
from tests.conftest import REAL

EXAMPLES = int(os.environ.get("PANTAU_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
PDF_EXAMPLES = max(6, EXAMPLES // 25)
TRIED: dict[str, int] = {}

FEED_KEYS = ["idData", "judul", "noPeraturan", "jenis", "singkatanJenis", "tahun_pengundangan",
             "tanggal_penetapan", "tanggal_pengundangan", "urlDownload", "urlAbstrak", "teuBadan",
             "tempatTerbit", "status", "data", "links", "next", "next_page_url", "meta", "tahun"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.sampled_from(FEED_KEYS) | st.text(max_size=8), inner, max_size=6),
    max_leaves=30)
LEGAL_WORDS = ["PERATURAN", "BUPATI", "BATANG", "NOMOR", "30", "TAHUN", "2024", "TENTANG",
               "Perda", "Kab.", "Kota", "Pekalongan", "Surat Edaran", "Perbup", "No.", "/", "-",
               "tiga puluh", "dua ribu", "Rp", "1.500.000,00", "persen", "%", "Januari", "31",
               "Desember", "abstrak", "\x00", "\ufffd", "١٢٣", "𝟘", "\u202e", "ⅩⅣ"]
legalish = st.lists(st.sampled_from(LEGAL_WORDS) | st.text(max_size=12), max_size=40).map(" ".join)
hostile_text = legalish | st.text(max_size=400)
HTML_TAGS = ["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<table><tr><td>",
             "</td></tr></table>", "<meta charset=\"x-unknown\">", "<meta charset=\"utf-16\">",
             "<!--", "-->", "<![CDATA[", "<a href=\"javascript:alert(1)\">", "</a>", "<time datetime=\"",
             "<h1 class=\"card-title\">", "<br>", "&#0;", "&#xD800;", "<?xml version=\"1.0\"?>",
             "<svg onload=alert(1)>", "\xff\xfe", "<article>", "<meta property=\"article:published_time\" content=\""]
html_strategy = st.lists(st.sampled_from(HTML_TAGS) | legalish, max_size=60).map("".join)


def count(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\nfuzz inputs tried per parser: {dict(sorted(TRIED.items()))}")


def feed_spider() -> records.RegulationRecords:
    spider = records.RegulationRecords()
    spider.source = SimpleNamespace(url="http://127.0.0.1:1/feed", region=None, jenis=[],
                                    name="fuzz")
    return spider


def parse_feed(body: bytes) -> int:
    """decode → unwrap → record_to_item, as the JDIHN spider does; returns items made."""
    payload, error = decode_feed(body)
    if error is not None:
        assert payload is None and isinstance(error, str)
        return 0
    page, error = unwrap(payload)
    if page is None:
        assert isinstance(error, str)
        return 0
    spider, made = feed_spider(), 0
    for raw in page.records:
        if isinstance(raw, dict):
            made += spider.record_to_item(records.Record(raw), "http://127.0.0.1:1/feed") is not None
    return made


@FUZZ
@given(st.binary(max_size=600) | json_values.map(lambda v: __import__("json").dumps(v).encode()))
def test_feed_parser_never_crashes(body):
    count("jdihn_feed")
    parse_feed(body)


def test_feed_parser_hostile_shapes():
    deep = 100_000
    for body in (b"[" * deep + b"]" * deep, b'{"data":' * deep + b"1" + b"}" * deep,
                 b"\xff\xfe\x00[" + b"\x80" * 1000, b"0 results", b"Notice: x <br>[{\"judul\": [[[[",
                 b"[" + b",".join([b'{"judul":"Perbup 1 Tahun 2024","urlDownload":"../../../etc/passwd"}']
                                  * 20000) + b"]",  # a huge (1.3 MB, 20k records) feed
                 b'{"judul":"' + b"A" * 5_000_000 + b'"}'):
        started = time.monotonic()
        parse_feed(body)
        assert time.monotonic() - started < 30
        count("jdihn_feed")


@FUZZ
@given(html_strategy.map(lambda s: s.encode("utf-8", "surrogatepass")) | st.binary(max_size=500))
def test_html_text_extraction_never_crashes(body):
    count("nlp.text html")
    try:
        res = nlp_text.extract_text(body, "text/html")
    except nlp_text.TextExtractionError as exc:
        assert exc.reason
    else:
        assert isinstance(res.text, str)


def page_parsers(body: bytes) -> None:
    resp = HtmlResponse("http://127.0.0.1:1/berita/1", body=body, encoding="utf-8")
    news.paragraphs(resp)
    news.published_date(resp)
    bpk.detail_fields(resp)
    jdih_cms.ildis_detail(resp)
    jdih_cms.baghukum_detail(resp)
    jdih_cms.baghukum_cards(resp.text, "http://127.0.0.1:1/")


@FUZZ
@given(html_strategy)
def test_page_parsers_never_crash(html):
    count("news/cms/bpk pages")
    page_parsers(html.encode("utf-8", "surrogatepass"))


def test_deeply_nested_and_huge_html():
    deep = ("<div>" * 100_000 + "<p>isi pasal</p>" + "</div>" * 100_000).encode()
    wide = ("<table>" + "<tr><td>sel</td></tr>" * 200_000 + "</table>").encode()  # 4 MB
    for body in (deep, wide, b"<p>" + b"\xc3\x28\xa0\xa1" * 10_000 + b"</p>"):
        started = time.monotonic()
        try:
            nlp_text.extract_text(body, "text/html")
        except nlp_text.TextExtractionError:
            pass
        page_parsers(body)
        assert time.monotonic() - started < 60
        count("nlp.text html")


@FUZZ
@given(hostile_text)
def test_metadata_parsers_never_crash(text):
    count("nlp.metadata")
    meta = identity.parse_title(text)
    assert meta.reg_key is None or meta.reg_key.count("/") >= 3
    identity.extract_metadata(text, region_hint="33.25")
    legal.normalise_jenis(text)
    records.normalise_jenis(text, None)
    dates.parse_tanggal(text)
    identity.extract_enactment(text)
    identity.readable_tentang(text)


@FUZZ
@given(hostile_text | st.integers().map(str) | st.floats().map(str))
def test_number_and_date_parsers_never_crash(text):
    count("numbers/dates")
    value = numbers.parse_number(text)
    assert value is None or isinstance(value, (int, float))
    numbers.parse_terbilang(text)
    records.as_date(text)
    records.as_year(text)
    news.date_in_text(text)
    records.clean_url(text, "http://127.0.0.1:1/a/")


def test_parsers_on_long_inputs_finish():
    long = " ".join(["PERATURAN BUPATI BATANG NOMOR 30 TAHUN 2024 TENTANG"] * 20_000)
    started = time.monotonic()
    identity.extract_metadata(long)
    identity.parse_title(long[:20_000])
    numbers.parse_terbilang("seratus " * 20_000)
    numbers.parse_number("1." * 50_000 + "0")
    assert time.monotonic() - started < 60


# ---- the PDF and DOCX path, always through the guarded child process

def guarded(data: bytes, **kw):
    try:
        return nlp_text.extract_text_guarded(data, "application/pdf", timeout=kw.pop("timeout", 20),
                                             max_pages=50, **kw)
    except nlp_text.TextExtractionError as exc:
        assert exc.reason
        return exc


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    how = rng.choice(["flip", "truncate", "splice", "zero"])
    if how == "flip":
        for _ in range(rng.randint(1, 200)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif how == "truncate":
        del buf[rng.randrange(9, len(buf)):]
    elif how == "splice":
        at = rng.randrange(len(buf))
        buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000)))
    else:
        start = rng.randrange(len(buf))
        buf[start:start + rng.randint(1, 20_000)] = b"\x00" * min(20_000, len(buf) - start)
    return bytes(buf)


def test_mutated_real_pdfs_give_text_or_a_recorded_error():
    rng = random.Random(8)
    sources = [(REAL / n).read_bytes() for n in ("sosial-perbup-30-2024.pdf", "sosial-perda-2-2023.pdf")]
    outcomes = {}
    for i in range(PDF_EXAMPLES):
        res = guarded(mutate(sources[i % 2], rng), timeout=30)
        key = res.reason if isinstance(res, nlp_text.TextExtractionError) else "ok"
        outcomes[key] = outcomes.get(key, 0) + 1
        count("pdf (mutated real)")
    assert sum(outcomes.values()) == PDF_EXAMPLES


def pdf_with(objects: list[bytes]) -> bytes:
    """A well-formed PDF around ``objects`` (object 1 is the catalog, 2 the pages, 3 a page)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_flate_bomb_pdf_is_bounded():
    bomb = zlib.compress(b" " * (300 * 2**20), 9)  # 300 MB of content stream in ~300 KB
    pdf = pdf_with([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"])
    started = time.monotonic()
    res = guarded(pdf, timeout=30)
    assert time.monotonic() - started < 40
    assert isinstance(res, nlp_text.TextExtractionError) or res.text.strip() == ""
    count("pdf (bombs, many objects)")


def test_pdf_with_very_many_objects_is_bounded():
    n_pages = 3000
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(n_pages))
            + b"] /Count %d >>" % n_pages]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * n_pages
    objs += [b"<< /Junk %d >>" % i for i in range(100_000)]  # 100k unused objects
    started = time.monotonic()
    res = guarded(pdf_with(objs), timeout=30)
    assert time.monotonic() - started < 40
    # max_pages=50: a 3,000-page file is refused with a reason, not read for minutes
    assert isinstance(res, nlp_text.TextExtractionError), res
    count("pdf (bombs, many objects)")


def test_docx_zip_bomb_is_refused_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"<w:t>" + b"a" * (2**20) + b"</w:t>"
            for _ in range(2200):  # ~2.2 GB inflated, a few MB on disk
                fh.write(chunk)
    data = buf.getvalue()
    assert len(data) < 20 * 2**20
    with pytest.raises(nlp_text.TextExtractionError) as err:
        nlp_text.extract_text(data, filename="bom.docx", max_bytes=100 * 2**20)
    assert err.value.reason == "too_large"
    count("docx (zip bomb)")
