"""The bundled demo site: what it serves, and a real crawl of it with ``sources.demo.yaml``."""

from __future__ import annotations

import json
import urllib.request

import pytest
from sqlalchemy import select

from crawler.sources import load_sources
from katalog.db import Catalogue
from katalog.models import Document, Failure, Sighting
from pantau_cli import demo
from pantau.settings import load_settings
from tests.crawler.fixture_site import REPO, run_crawl

DEMO_YAML = REPO / "pantau_cli" / "data" / "demo" / "sources.yaml"
REAL_METADATA = REPO / "tests" / "fixtures" / "real" / "metadata.json"


@pytest.fixture(scope="module")
def demo_site():
    server, thread = demo.serve_demo(port=0)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def test_port_zero_gives_a_real_port(demo_site):
    host, port = demo_site.server_address[:2]
    assert host == "127.0.0.1" and port > 0 and demo_site.url == f"http://127.0.0.1:{port}"


def test_feed_uses_real_batang_values_and_the_serving_host(demo_site):
    status, ctype, body = _get(f"{demo_site.url}/feed/document.json")
    assert status == 200 and ctype.startswith("application/json")
    feed = json.loads(body)
    assert demo.PLACEHOLDER not in body.decode()
    real = {r["id"]: r for r in json.loads(REAL_METADATA.read_text(encoding="utf-8"))}
    by_name = {r["fileDownload"]: r for r in feed}
    assert sorted(by_name) == ["sosial-perbup-20-2025.pdf", "sosial-perbup-30-2024.pdf",
                               "sosial-perda-2-2023.pdf"]
    for name, rec in by_name.items():
        src = real[name[:-4]]
        assert (rec["judul"], rec["jenis"], rec["noPeraturan"], rec["tahun_pengundangan"],
                rec["status"]) == (src["judul"], src["tipe_dokumen"], src["nomor"], src["tahun"],
                                   src["status"])
        assert rec["urlDownload"] == f"{demo_site.url}/file/{name}"
    assert "urlAbstrak" not in by_name["sosial-perbup-30-2024.pdf"]
    assert by_name["sosial-perda-2-2023.pdf"]["urlAbstrak"] == \
        f"{demo_site.url}/file/sosial-abstrak-perda-2-2023.pdf"


def test_pdfs_robots_and_404(demo_site):
    status, ctype, body = _get(f"{demo_site.url}/file/sosial-perda-2-2023.pdf")
    assert status == 200 and ctype == "application/pdf" and body.startswith(b"%PDF")
    assert _get(f"{demo_site.url}/robots.txt")[2] == b"User-agent: *\nAllow: /\n"
    assert _get(f"{demo_site.url}/file/../pantau.py")[0] == 404
    assert _get(f"{demo_site.url}/file/nope.pdf")[0] == 404


def test_articles_are_built_from_the_text_only(demo_site):
    ids = demo.article_ids()
    assert len(ids) == 5
    status, _, index = _get(f"{demo_site.url}/berita/")
    assert status == 200 and all(f"/berita/{i}.html".encode() in index for i in ids)
    outlets = {i: demo.article(i)["outlet"] for i in ids}
    assert outlets == {
        "000_24c53eaf95cf2498": "TRIBUNJATENG.COM", "001_6711c35d42f71979": "MATASEMARANG.COM",
        "002_94d566ddf7d98974": "Semarangpos.com", "003_4aee2433bf48387b": "TRIBUNPONTIANAK.CO.ID",
        "004_2a38a7fb23a6b9e3": "BETANEWS.ID"}
    for i in ids:
        a = demo.article(i)
        text = (demo.DEMO / "berita" / f"{i}.txt").read_text(encoding="utf-8")
        assert a["headline"] in text
        page = _get(f"{demo_site.url}/berita/{i}.html")[2].decode()
        assert "<time" not in page and "published_time" not in page  # no invented dates
    assert demo.article("004_2a38a7fb23a6b9e3")["headline"].startswith("Gandeng Pemkab Kudus")


def test_demo_crawl_yields_the_batang_regulations_and_the_news(demo_site, tmp_path):
    # sources.demo.yaml names port 8765; this server runs on a free port instead
    text = DEMO_YAML.read_text(encoding="utf-8")
    assert "127.0.0.1:8765" in text
    sources_file = tmp_path / "sources.demo.yaml"
    sources_file.write_text(text.replace("127.0.0.1:8765", demo_site.url[len("http://"):]),
                            encoding="utf-8")
    assert len(load_sources(sources_file)) == 2
    settings = load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "x.toml"))
    cat = Catalogue(settings)
    cat.init()
    summaries = {s["name"]: s for s in run_crawl(sources_file, settings.data_dir)}
    assert summaries["demo-jdih-batang-feed"]["docs_new"] == 3
    assert summaries["demo-jdih-batang-feed"]["files_new"] == 5
    assert summaries["demo-berita"]["docs_new"] == 5
    assert all(s["errors"] == 0 and s["status"] == "finished" for s in summaries.values())
    with cat.session() as s:
        regs = {d.reg_key: d for d in s.scalars(select(Document).where(Document.kind == "regulation"))}
        news = list(s.scalars(select(Document).where(Document.kind == "news")))
        assert sorted(regs) == ["perbup/33.25/2024/30", "perbup/33.25/2025/20", "perda/33.25/2023/2"]
        assert {f.role for f in regs["perda/33.25/2023/2"].files} == {"utama", "abstrak"}
        assert [f.role for f in regs["perbup/33.25/2024/30"].files] == ["utama"]
        assert len(news) == 5
        assert all(d.evidence_grade == "berita" and d.reg_key.startswith("berita/") for d in news)
        assert all(len(d.files) == 1 and d.files[0].media_type == "text/html" for d in news)
        records = {sg.url.rsplit("/", 1)[-1]: sg.record for sg in s.scalars(select(Sighting))
                   if "/berita/" in sg.url}
        news_regions = {sg.url.rsplit("/", 1)[-1][:3]: sg.document.region_code
                        for sg in s.scalars(select(Sighting)) if "/berita/" in sg.url}
        outlets = {d.outlet: str(d.published_on) for d in news}
        assert s.scalars(select(Failure)).all() == []
    cat.dispose()
    kudus = records["004_2a38a7fb23a6b9e3.html"]
    assert kudus["outlet"] == "BETANEWS.ID"
    # "Jumat (21/5/2021)" in the text; the "Rabu, Februari 11, 2026" widget is not a dateline
    assert (kudus["published"], kudus["published_from"]) == ("2021-05-21", "text")
    assert records["002_94d566ddf7d98974.html"]["published"] == "2020-07-29"
    assert records["000_24c53eaf95cf2498.html"]["published"] is None
    # the demo-berita source has no region: each article's comes from its headline and lead
    assert news_regions == {"000": "33.24", "001": "33.24", "002": "33.75", "003": None,
                            "004": "33.19"}
    assert kudus["region_from"] == "lead"
    assert outlets["BETANEWS.ID"] == "2021-05-21" and outlets["Semarangpos.com"] == "2020-07-29"
    assert records["003_4aee2433bf48387b.html"]["region_from"] is None  # Apeksi: national
    assert {r["code"] for r in records["003_4aee2433bf48387b.html"]["regions_mentioned"]} == \
        {"32.71", "61.71"}  # named further down (Wali Kota Bogor, Wali Kota Pontianak)
    assert [(i["reg_key"], i["tentang"]) for i in kudus["instruments"]] == [
        ("inpres/id/2021/2", "Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan"),
        ("perbup/33.19/2020/29", "Pelaksanaan Program Jaminan Sosial Ketenagakerjaan melalui "
                                 "BPJS Ketenagakerjaan")]
