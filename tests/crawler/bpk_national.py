"""A national peraturan.bpk.go.id on 127.0.0.1: result pages for all 552 regions, and what a crawl
of it with ``regions: all`` must give each region.

``documents.json`` (in ``tests/fixtures/sites/bpk_nasional/``, written by ``generate()``; run this
module to write it again) lists every regulation the fixture site holds, with the region name
written the way it appears on the card and detail page and the answer a crawl must reach: the
region today (``region``), the code the document was issued under (``issued``), or that no region
can be told (``expect``: ``ambiguous``/``unknown``) or that the card is of a jenis not crawled
(``skipped``). The answers come from the gazetteer's data files and the fixture's own table of
spellings, never from ``pantau.wilayah``.

What the site does, like the real one (research/data-sources.md §2): search pages of ten cards,
with at most ten page links shown (a crawl must raise ``p`` until a page is empty); regulations
that match several keywords (duplicates across searches); names written as BPK writes them
(``Kab.``, capitals, ``Kota Adm.``, ``Provinsi DKI Jakarta``), other spellings (Batang Hari next
to Batang, Baubau, Tojo Una-Una), former names (Toba Samosir, Mamuju Utara) and the 2022 Papua
pemekaran; headings without a kind (resolved only by the detail page's T.E.U. Badan); a name two
regions share; a Qanun of an Aceh region; detail pages without a file; cards with a direct
download link and the legacy ``/Home/Details/`` path; one 429 and one 403, each with
``Retry-After: 1``, on some pages; files served as ``application/octet-stream``.

Test hooks: ``hang_after`` (after that many detail pages answered, the next search page hangs
until ``release`` is set and the others fail with 503, while detail pages and files are still
served, so the crawl is left waiting with everything it fetched in hand: the moment a crawl is
killed) and
``wave``/``wave_after`` (every request, or every one after that many answered, answered 429 or
403 with ``Retry-After: 600``: a throttling wave).
"""

from __future__ import annotations

import csv
import json
import random
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from string import Template
from urllib.parse import parse_qsl, quote, urlsplit

from tests.crawler.fixture_site import REAL, FixtureSite, _Tracking
from tests.support.gazetteer import GAZETTEER, gazetteer_rows

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / "tests" / "fixtures" / "sites" / "bpk_nasional"
KEYWORDS = ["jaminan sosial ketenagakerjaan", "pekerja rentan", "bpjs ketenagakerjaan"]
PER_PAGE = 10
VISIBLE_LINKS = 10
PDF = (REAL / "sosial-abstrak-perda-2-2023.pdf").read_bytes()
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]
# jenis code -> (Bentuk, Singkatan Bentuk, BPK search code, slug prefix)
JENIS = {"perda": ("Peraturan Daerah", "Perda", "19", "perda"),
         "qanun": ("Qanun", "Qanun", "19", "qanun"),
         "perbup": ("Peraturan Bupati", "Perbup", "23", "perbup"),
         "perwal": ("Peraturan Wali Kota", "Perwali", "23", "perwali"),
         "pergub": ("Peraturan Gubernur", "Pergub", "20", "pergub"),
         "kepbup": ("Keputusan Bupati", "Kepbup", "23", "kepbup")}
# how these regions write their name, where the gazetteer writes it otherwise (short names)
SPELLINGS = {
    "74.72": "Baubau", "92.03": "Fakfak", "62.71": "Palangka Raya", "21.72": "Tanjungpinang",
    "19.71": "Pangkalpinang", "16.73": "Lubuklinggau", "16.72": "Pagaralam", "72.04": "Tolitoli",
    "72.09": "Tojo Una-Una", "71.09": "Kepulauan Siau Tagulandang Biaro",
    "73.10": "Pangkajene Kepulauan", "12.10": "Labuhan Batu", "15.04": "Batang Hari",
    "12.19": "Batubara", "12.72": "Pematang Siantar", "12.77": "Padang Sidempuan",
    "31.01": "Adm. Kepulauan Seribu", "31.71": "Adm. Jakarta Pusat", "31.74": "Adm. Jakarta Selatan",
    "34.03": "Gunung Kidul", "17.06": "Muko-Muko", "73.72": "Pare-Pare",
}
PROVINCE_SPELLINGS = {"31": "DKI Jakarta", "34": "DI Yogyakarta", "19": "Kepulauan Bangka Belitung"}
FLAKY = {  # path (with query) -> statuses to answer first (each with Retry-After: 1)
    "/Search?keywords=jaminan+sosial+ketenagakerjaan&jenis=23&p=3": [429],
    "/Search?keywords=pekerja+rentan&jenis=19&p=1": [429],
}
FLAKY_DETAILS = {5: [403], 50: [429], 333: [429]}  # nth document -> statuses of its detail page


_gazetteer = gazetteer_rows


def _history() -> dict[str, tuple[str, date]]:
    """Today's code -> (former code, the day the change took effect), from history.csv."""
    with (GAZETTEER / "history.csv").open(encoding="utf-8") as fh:
        return {r["successor"]: (r["kode"], date.fromisoformat(r["valid_until"]))
                for r in csv.DictReader(fh)}


def _short(row: dict) -> str:
    import re
    return re.sub(r"^(Kabupaten|Kota)\s+(Administrasi\s+)?", "", row["nama"])


def _slug(text: str) -> str:
    import re
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _written(row: dict, style: int) -> str:
    """A region's name as a BPK card or T.E.U. Badan writes it."""
    kind = row["kind"]
    if kind == "provinsi":
        short = PROVINCE_SPELLINGS.get(row["kode"], row["nama"])
        return [f"Provinsi {short}", f"Prov. {short}", f"PROVINSI {short.upper()}"][style % 3]
    short = SPELLINGS.get(row["kode"], _short(row))
    if kind == "kota":
        return [f"Kota {short}", f"KOTA {short.upper()}", f"Kota {short}"][style % 3]
    return [f"Kabupaten {short}", f"Kab. {short}", f"KABUPATEN {short.upper()}",
            f"Kabupaten {short}", f"Kab {short}"][style % 5]


def _slug_region(row: dict) -> str:
    prefix = {"kabupaten": "kab", "kota": "kota", "provinsi": "prov"}[row["kind"]]
    name = PROVINCE_SPELLINGS.get(row["kode"], row["nama"]) if row["kind"] == "provinsi" else \
        SPELLINGS.get(row["kode"], _short(row))
    return f"{prefix}-{_slug(name)}"


def _issued(code: str, on: date, history: dict) -> str:
    former = history.get(code)
    return former[0] if former and on < former[1] else code


def generate() -> list[dict]:
    """The fixture's regulations (deterministic)."""
    rng = random.Random(13)
    rows = _gazetteer()
    by_code = {r["kode"]: r for r in rows}
    history = _history()
    docs: list[dict] = []
    taken: set[tuple] = set()  # (jenis, region, tahun, nomor): one regulation each

    def add(row: dict | None, jenis: str, tahun: int, *, written: str | None = None,
            teu: str | None = None, slug_region: str | None = None, bare: bool = False,
            expect: str = "region", on: date | None = None, i: int | None = None) -> None:
        n = len(docs)
        i = n if i is None else i
        on = on or date(tahun, 1 + rng.randrange(12), 1 + rng.randrange(28))
        bentuk, singkatan, code, slug_prefix = JENIS[jenis]
        nomor = str(1 + rng.randrange(80))
        while (jenis, row and row["kode"], tahun, nomor) in taken:
            nomor = str(1 + rng.randrange(80))
        taken.add((jenis, row and row["kode"], tahun, nomor))
        region_text = written or _written(row, i)
        bare = bare or bentuk == singkatan  # "Qanun Kabupaten Aceh Besar Nomor 2 Tahun 2020"
        heading = (f"{bentuk} ({singkatan}) {region_text} Nomor {nomor} Tahun {tahun}" if not bare
                   else f"{bentuk} {region_text} Nomor {nomor} Tahun {tahun}")
        if teu is None and row is not None:
            teu = _written(row, 0)
            if i % 10 == 3 and row["kind"] != "provinsi":
                teu = f"Pemerintah {teu}"
        doc = {
            "id": 400001 + n, "jenis": jenis, "bentuk": bentuk, "singkatan": singkatan,
            "search_code": code, "nomor": nomor, "tahun": tahun, "ditetapkan": on.isoformat(),
            "heading": heading, "teu": teu or region_text,
            "slug": f"{slug_prefix}-{slug_region or _slug_region(row)}-no-{nomor}-tahun-{tahun}",
            "tentang": rng.choice([
                "Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan",
                "Penyelenggaraan Program Jaminan Sosial Ketenagakerjaan",
                "Kepesertaan Jaminan Sosial Ketenagakerjaan bagi Pegawai Non Aparatur Sipil Negara",
                "Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Bukan Penerima Upah",
                "Pelaksanaan Program Jaminan Sosial Ketenagakerjaan di Daerah"]),
            "keywords": [0] + ([1] if i % 3 == 0 else []) + ([2] if i % 4 == 1 else []),
            "status": "Berlaku" if i % 17 else "Dicabut",
            "pdf": i % 19 != 7, "card_download": i % 5 == 2, "legacy_link": i % 13 == 4,
            "expect": expect,
        }
        if expect == "region":
            doc["region"] = row["kode"]
            doc["issued"] = _issued(row["kode"], on, history)
        docs.append(doc)

    for i, row in enumerate(rows):
        kind = row["kind"]
        tahun = 2015 + (i % 11)
        if kind == "provinsi":
            jenis = "pergub" if i % 2 else "perda"
        else:
            jenis = ("perbup" if kind == "kabupaten" else "perwal") if i % 3 else "perda"
        if jenis == "perda" and row["prov"] == "11":
            jenis = "qanun"  # Aceh's regions make qanun, not perda
        add(row, jenis, tahun, i=i)

    # the 2022 Papua pemekaran: a document keeps the code it was issued under
    add(by_code["93.01"], "perbup", 2020, on=date(2020, 3, 2))        # 91.01, Provinsi Papua
    add(by_code["93.01"], "perbup", 2022, on=date(2022, 7, 25))       # 93.01: the day of UU 14
    add(by_code["96.01"], "perbup", 2021, on=date(2021, 6, 9))        # 92.01, Papua Barat
    add(by_code["96.71"], "perwal", 2022, on=date(2022, 11, 30))      # 92.71: before UU 29
    add(by_code["94.04"], "perbup", 2019, on=date(2019, 8, 17))       # 91.09
    add(by_code["92"], "pergub", 2021, on=date(2021, 4, 1))           # Papua Barat kept 92
    add(by_code["93"], "pergub", 2024, on=date(2024, 2, 5))
    # former names (the region kept its code)
    add(by_code["12.12"], "perbup", 2019, written="Kabupaten Toba Samosir")
    add(by_code["76.01"], "perda", 2017, written="Kabupaten Mamuju Utara",
        teu="Kabupaten Mamuju Utara", slug_region="kab-mamuju-utara")
    add(by_code["81.03"], "perbup", 2018, written="Kabupaten Maluku Tenggara Barat",
        teu="Kabupaten Maluku Tenggara Barat", slug_region="kab-maluku-tenggara-barat")
    # prefix traps on both sides, written as BPK might
    add(by_code["33.25"], "perbup", 2024, written="Kabupaten Batang")
    add(by_code["15.04"], "perbup", 2023, written="Kabupaten Batanghari",
        slug_region="kab-batanghari")
    add(by_code["96.02"], "perbup", 2024, written="Kab. Sorong Selatan")
    add(by_code["32.17"], "perbup", 2023, written="Kab. Bandung Barat")
    add(by_code["36.74"], "perwal", 2022, written="Kota Tangerang Selatan")
    add(by_code["35.79"], "perwal", 2021, written="Kota Batu")
    add(by_code["63.03"], "perbup", 2022, written="Kabupaten Banjar")
    add(by_code["32.79"], "perwal", 2022, written="Kota Banjar")
    # headings without a kind: the jenis or the detail page's T.E.U. Badan tells
    add(by_code["33.75"], "perda", 2019, written="Pekalongan", teu="Kota Pekalongan", bare=True,
        slug_region="pekalongan")
    add(by_code["33.28"], "perbup", 2020, written="Tegal", teu="Tegal", bare=True,
        slug_region="tegal")
    # a name two regions share, and one no region has: recorded, never guessed
    add(None, "perda", 2020, written="Magelang", teu="Magelang", bare=True,
        slug_region="magelang", expect="ambiguous")
    add(None, "perbup", 2021, written="Kabupaten Antah Berantah", teu="Kabupaten Antah Berantah",
        slug_region="kab-antah-berantah", expect="unknown")
    # a jenis the source does not crawl, listed among the Perbup
    for code in ("33.24", "33.19", "35.07"):
        add(by_code[code], "kepbup", 2023, expect="skipped")
    for d in docs:
        if d["expect"] in ("ambiguous", "unknown"):
            d["pdf"] = True  # kept under its file's provisional key
    return docs


def _pdf_name(doc: dict) -> str:
    return quote(f"{doc['singkatan']} Nomor {doc['nomor']} Tahun {doc['tahun']}.pdf")


def pdf_bytes(doc_id: int) -> bytes:
    """A real (small) PDF, made unique per document so every file is stored."""
    return PDF + f"\n% bpk fixture {doc_id}\n".encode()


def expected(docs: list[dict]) -> dict[str, tuple[str, str]]:
    """reg_key -> (region today, code issued under) a crawl must catalogue."""
    out = {}
    for d in docs:
        if d["expect"] == "region":
            out[f"{d['jenis']}/{d['issued']}/{d['tahun']}/{d['nomor']}"] = (d["region"], d["issued"])
    return out


def load() -> list[dict]:
    return json.loads((ROOT / "documents.json").read_text(encoding="utf-8"))


class BpkNationalHandler(_Tracking, BaseHTTPRequestHandler):
    """Serves ``documents.json`` as peraturan.bpk.go.id pages (see the module docstring)."""

    def do_GET(self) -> None:  # noqa: N802
        self._enter()
        try:
            self._get()
        finally:
            self._leave()

    def _get(self) -> None:
        srv = self.server
        parts = urlsplit(self.path)
        full = parts.path + (f"?{parts.query}" if parts.query else "")
        if srv.wave_after is not None and srv.ok_count >= srv.wave_after:
            srv.wave = True
        if srv.wave:
            status = 429 if srv.wave_count % 2 == 0 else 403
            srv.wave_count += 1
            self._send(full, status, "text/html", b"<html><body>Terlalu banyak permintaan</body></html>",
                       {"Retry-After": "600"})
            return
        flaky = self._flaky(full)
        if flaky:
            status, _ = flaky
            self._send(full, status, "text/html", b"<html><body>Coba lagi nanti</body></html>",
                       {"Retry-After": "1"})
            return
        if parts.path == "/Search" and srv.hang_after is not None \
                and srv.details_answered >= srv.hang_after:
            with srv.lock:
                first = srv.hung == 0
                srv.hung += 1
            if not first:  # one hangs; the others fail, so the second slot stays free
                self._send(full, 503, "text/html", b"<html><body>Sedang sibuk</body></html>", {})
                return
            srv.release.wait()
            self._record("GET", full, 0)  # never answered: the crawler was killed meanwhile
            self.close_connection = True
            return
        status, ctype, body = self._route(parts.path, parts.query)
        headers = {}
        if status == 200 and ctype.startswith("text/html"):
            headers["ETag"] = self._etag(body)
            if self.headers.get("If-None-Match") == headers["ETag"]:
                status, body = 304, b""
        if status in (200, 304) and "/Details/" in parts.path:
            with srv.lock:
                srv.details_answered += 1
        self._send(full, status, ctype, body, headers)

    def _send(self, full: str, status: int, ctype: str, body: bytes, headers: dict) -> None:
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if status != 304:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            status = 0
        if status == 200:
            with self.server.lock:
                self.server.ok_count += 1
        self._record("GET", full, status)

    def _route(self, path: str, query: str):
        srv = self.server
        if path == "/robots.txt":
            return 200, "text/plain", (ROOT / "robots.txt").read_bytes()
        if path == "/Search":
            q = dict(parse_qsl(query, keep_blank_values=True))
            return 200, "text/html; charset=utf-8", self._search(
                q.get("keywords", ""), q.get("jenis", ""), int(q.get("p") or 1))
        if path.startswith(("/Details/", "/Home/Details/")):
            doc = srv.docs.get(path.split("/Details/", 1)[1].split("/", 1)[0])
            if doc is not None:
                return 200, "text/html; charset=utf-8", self._detail(doc)
        if path.startswith("/Download/"):
            doc = srv.docs.get(path.split("/")[2])
            if doc is not None and doc["pdf"]:
                return 200, "application/octet-stream", pdf_bytes(doc["id"])
        return 404, "text/html", b"<html><body><h1>404</h1></body></html>"

    def _search(self, keywords: str, jenis: str, page: int) -> bytes:
        srv = self.server
        k = KEYWORDS.index(keywords.strip().lower()) if keywords.strip().lower() in KEYWORDS \
            else None
        hits = [d for d in srv.ordered if k is not None and k in d["keywords"]
                and (not jenis or d["search_code"] == jenis)]
        shown = hits[(page - 1) * PER_PAGE: page * PER_PAGE]
        cards = "\n".join(self._card(d) for d in shown)
        last = max(1, -(-len(hits) // PER_PAGE))
        first = max(1, min(page - 4, last - VISIBLE_LINKS + 1))
        links = []
        for n in range(first, min(last, first + VISIBLE_LINKS - 1) + 1):
            q = f"/Search?keywords={quote(keywords)}&jenis={jenis}&p={n}"
            links.append(f'<li class="page-item{" active" if n == page else ""}">'
                         f'<a class="page-link" href="{q}">{n}</a></li>')
        if page < last:
            links.append(f'<li class="page-item"><a class="page-link" href="/Search?keywords='
                         f'{quote(keywords)}&jenis={jenis}&p={page + 1}">&rsaquo;</a></li>')
        pagination = f'<ul class="pagination">{"".join(links)}</ul>' if shown else ""
        found = f"Ditemukan {len(hits)} peraturan" if shown else "Data tidak ditemukan"
        return Template((ROOT / "search.html").read_text(encoding="utf-8")).substitute(
            keywords=keywords, found=found, cards=cards, pagination=pagination).encode("utf-8")

    def _card(self, d: dict) -> str:
        base = "/Home/Details" if d["legacy_link"] else "/Details"
        download = (f'\n\t\t\t<a href="/Download/{d["id"]}/{_pdf_name(d)}" class="btn btn-sm '
                    f'btn-light-primary">Download</a>') if d["card_download"] and d["pdf"] else ""
        return Template((ROOT / "card.html").read_text(encoding="utf-8")).substitute(
            badge_class="success" if d["status"] == "Berlaku" else "danger", status=d["status"],
            heading=d["heading"], detail=f"{base}/{d['id']}/{d['slug']}", tentang=d["tentang"],
            download=download)

    def _detail(self, d: dict) -> bytes:
        on = date.fromisoformat(d["ditetapkan"])
        tanggal = f"{on.day:02d} {MONTHS[on.month - 1]} {on.year}"
        rows = [("Judul", f"{d['heading']} tentang {d['tentang']}"), ("T.E.U. Badan", d["teu"]),
                ("Nomor", d["nomor"]), ("Bentuk", d["bentuk"]),
                ("Singkatan Bentuk", d["singkatan"].upper()), ("Tahun", str(d["tahun"])),
                ("Tanggal Penetapan", tanggal), ("Tanggal Pengundangan", tanggal),
                ("Subjek", "JAMINAN SOSIAL, KETENAGAKERJAAN"), ("Status", d["status"]),
                ("Bahasa", "Bahasa Indonesia")]
        html_rows = "\n".join(
            f'\t<div class="row mb-3">\n\t\t<div class="col-lg-3 fw-bold text-gray-800">{k}</div>\n'
            f'\t\t<div class="col-lg-9 text-gray-700">{v}</div>\n\t</div>' for k, v in rows)
        file = (f'<a href="/Download/{d["id"]}/{_pdf_name(d)}" class="btn btn-primary">Download</a>'
                if d["pdf"] else '<span class="text-muted">Dokumen belum tersedia</span>')
        return Template((ROOT / "detail.html").read_text(encoding="utf-8")).substitute(
            heading=d["heading"], file=file, rows=html_rows,
            abstrak=f"Peraturan ini mengatur {d['tentang'].lower()}.").encode("utf-8")

    def log_message(self, format, *args):  # noqa: A002
        pass


class NationalBpkSite(FixtureSite):
    """The national fixture site on 127.0.0.1 (``documents.json``), with the test hooks."""

    def __init__(self, docs: list[dict] | None = None):
        super().__init__("bpk_nasional", handler=BpkNationalHandler)
        docs = docs if docs is not None else load()
        srv = self.server
        srv.docs = {str(d["id"]): d for d in docs}
        srv.ordered = sorted(docs, key=lambda d: (-d["tahun"], -d["id"]))
        srv.flaky = {k: list(v) for k, v in FLAKY.items()}
        for n, statuses in FLAKY_DETAILS.items():
            d = docs[n]
            base = "/Home/Details" if d["legacy_link"] else "/Details"
            srv.flaky[f"{base}/{d['id']}/{d['slug']}"] = list(statuses)
        srv.hang_after = None
        srv.release = threading.Event()
        srv.hung = 0
        srv.details_answered = 0
        srv.wave = False
        srv.wave_after = None  # the wave starts once this many requests were answered 200
        srv.wave_count = 0
        srv.ok_count = 0

    def answered(self, start: int = 0, end: int | None = None) -> list[str]:
        """Paths answered with 200 between two marks of the request log."""
        return [h.path for h in self.requests[start:end] if h.status == 200]


def main() -> int:
    (ROOT / "documents.json").write_text(
        json.dumps(generate(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
