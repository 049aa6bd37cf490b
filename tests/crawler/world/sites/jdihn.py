"""A JDIH that publishes the JDIHN integration feed (family ``jdihn_feed``): the JSON list of its
documents in the BPHN record format (as tests/fixtures/sites/jdihn shows it), the PDFs the
records link, and a plain home page naming the region with a listing page of the same PDFs.

The home page belongs to no CMS family (``fingerprint`` says ``unknown``): discovery finds the
feed by probing the integration paths. Options:

- ``feed_path``: where the feed is (``/integrasi``, ``/integrasi.php``, ``/api/integrasi``,
  ``/api/jdih`` … default ``/integrasi``);
- ``feed_shape``: ``bare`` (a JSON array, default) or ``status`` (``{"status": true, "data": […]}``);
- ``teu_style``: how ``teuBadan`` names the issuing body: ``dotted`` (``Jawa Tengah.Kabupaten
  Batang``, default), ``plain`` (``Kabupaten Batang``) or ``pemerintah`` (``Pemerintah Kabupaten
  Batang``).
"""

from __future__ import annotations

import html
import json
import re

from pantau import wilayah
from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import pdf_response, place_name

SINGKATAN = {"Peraturan Daerah": "PERDA", "Peraturan Bupati": "PERBUP",
             "Peraturan Wali Kota": "PERWAL", "Peraturan Walikota": "PERWAL",
             "Peraturan Gubernur": "PERGUB", "Keputusan Bupati": "KEPBUP",
             "Keputusan Wali Kota": "KEPWAL", "Keputusan Gubernur": "KEPGUB",
             "Qanun": "QANUN", "Peraturan Daerah Provinsi": "PERDA"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def start_path(site: WorldSite) -> str:
    return site.options.get("feed_path", "/integrasi")


def doc_slug(doc: WorldDoc) -> str:
    """A doc's name in URLs: its ``slug``, else ``perbup-3-2024``."""
    if doc.slug:
        return doc.slug
    short = SINGKATAN.get(doc.jenis) or re.sub(r"[^a-z]+", "", doc.jenis.lower())[:8]
    nomor = re.sub(r"[^0-9a-z]+", "-", doc.nomor.lower()).strip("-")
    return f"{short.lower()}-{nomor}-{doc.tahun}"


def pdf_path(doc: WorldDoc) -> str:
    return f"/file/{doc_slug(doc)}.pdf"


def full_title(doc: WorldDoc) -> str:
    return f"{doc.jenis} Nomor {doc.nomor} Tahun {doc.tahun} Tentang {doc.judul}"


def teu_badan(site: WorldSite) -> str:
    style = site.options.get("teu_style", "dotted")
    if style == "pemerintah":
        return f"Pemerintah {site.region_name}"
    w = wilayah.by_code().get(site.region_code or "")
    if style == "dotted" and w is not None and w.kode_provinsi:
        return f"{wilayah.by_code()[w.kode_provinsi].nama}.{site.region_name}"
    return site.region_name


def record(site: WorldSite, doc: WorldDoc, n: int, base: str) -> dict:
    """One JDIHN record, numbers as strings as most feeds send them."""
    tanggal = doc.tanggal.isoformat() if doc.tanggal else f"{doc.tahun}-06-30"
    return {
        "idData": str(1000 + n), "tahun_pengundangan": str(doc.tahun),
        "tanggal_pengundangan": tanggal, "jenis": doc.jenis, "noPeraturan": doc.nomor,
        "judul": full_title(doc), "singkatanJenis": SINGKATAN.get(doc.jenis, ""),
        "tempatTerbit": place_name(site), "status": "Berlaku",
        "teuBadan": teu_badan(site), "urlDownload": base + pdf_path(doc),
        "urlDetailPeraturan": "", "operasi": "4", "display": "1",
    }


def feed(site: WorldSite, base: str) -> bytes:
    records = [record(site, d, n, base) for n, d in enumerate(site.docs)]
    payload = {"status": True, "data": records} if site.options.get("feed_shape") == "status" \
        else records
    return json.dumps(payload, indent=1).encode("utf-8")


def home(site: WorldSite) -> bytes:
    name = html.escape(site.region_name)
    return (f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">"
            f"<title>JDIH {name}</title></head><body>"
            f"<header><a class=\"navbar-brand\" href=\"/\">JDIH {name}</a></header>"
            f"<h1>Jaringan Dokumentasi dan Informasi Hukum {name}</h1>"
            f"<nav><a href=\"/\">Beranda</a> <a href=\"/peraturan\">Produk Hukum</a> "
            f"<a href=\"/profil\">Profil</a></nav>"
            f"<p>Selamat datang di JDIH {name}.</p></body></html>").encode("utf-8")


def listing(site: WorldSite) -> bytes:
    rows = "".join(
        f"<tr><td>{html.escape(d.jenis)} Nomor {html.escape(d.nomor)} Tahun {d.tahun}</td>"
        f"<td>{html.escape(d.judul)}</td><td><a href=\"{pdf_path(d)}\">Unduh</a></td></tr>"
        for d in site.docs)
    name = html.escape(site.region_name)
    return (f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">"
            f"<title>Produk Hukum - JDIH {name}</title></head><body><h1>Produk Hukum</h1>"
            f"<table><tr><th>Peraturan</th><th>Tentang</th><th>File</th></tr>{rows}</table>"
            f"</body></html>").encode("utf-8")


def render(site: WorldSite, request: Request) -> Response:
    path = request.path.rstrip("/") or "/"
    if path == start_path(site).rstrip("/"):
        return Response(200, {"Content-Type": "application/json"}, feed(site, request.base))
    if path == "/":
        return Response(200, dict(HTML), home(site))
    if path == "/peraturan":
        return Response(200, dict(HTML), listing(site))
    for d in site.docs:
        if path == pdf_path(d):
            return pdf_response(d.pdf)
    return Response(404, dict(HTML), b"<html><body><h1>404 Not Found</h1></body></html>")
