"""Bahasa Indonesia by default, English on request (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request

STRINGS = {
    "title": {"id": "Pantau — regulasi daerah Jamsostek", "en": "Pantau — regional social-security rules"},
    "tagline": {"id": "Pelacak peraturan daerah pelaksana Inpres 2/2021 tentang BPJS Ketenagakerjaan",
                "en": "Tracker of regional rules implementing Presidential Instruction 2/2021 on BPJS Ketenagakerjaan"},
    "search": {"id": "Cari", "en": "Search"},
    "search_label": {"id": "Cari peraturan", "en": "Search regulations"},
    "search_placeholder": {"id": "mis. iuran jkk pekerja rentan", "en": "e.g. iuran jkk pekerja rentan"},
    "regions": {"id": "Wilayah", "en": "Regions"},
    "region": {"id": "Wilayah", "en": "Region"},
    "kind": {"id": "Jenis wilayah", "en": "Kind"},
    "province": {"id": "Provinsi", "en": "Province"},
    "documents": {"id": "Dokumen", "en": "Documents"},
    "regions_summary": {"id": "{n} wilayah ({withdocs} dengan dokumen); {docs} dokumen di katalog",
                        "en": "{n} regions ({withdocs} with documents); {docs} documents in the catalogue"},
    "results": {"id": "{n} hasil untuk “{q}”", "en": "{n} results for “{q}”"},
    "no_results": {"id": "Tidak ada hasil.", "en": "No results."},
    "next": {"id": "Berikutnya", "en": "Next"},
    "previous": {"id": "Sebelumnya", "en": "Previous"},
    "other_lang": {"id": "English", "en": "Bahasa Indonesia"},
    "document": {"id": "Dokumen", "en": "Document"},
    "sources": {"id": "Sumber", "en": "Sources"},
    "first_seen": {"id": "pertama dilihat", "en": "first seen"},
    "last_seen": {"id": "terakhir dilihat", "en": "last seen"},
    "files": {"id": "Berkas", "en": "Files"},
    "status": {"id": "Status", "en": "Status"},
    "kabupaten": {"id": "Kabupaten", "en": "Regency"},
    "kota": {"id": "Kota", "en": "City"},
    "provinsi": {"id": "Provinsi", "en": "Province"},
    "not_found": {"id": "Tidak ditemukan.", "en": "Not found."},
    "home": {"id": "Beranda", "en": "Home"},
    "evidence_berita": {"id": "berita (bukti tidak langsung)", "en": "news (indirect evidence)"},
    "evidence_dokumen": {"id": "dokumen", "en": "document"},
}


def install(app: Flask) -> None:
    @app.before_request
    def _lang():
        lang = request.args.get("lang") or request.cookies.get("lang") or "id"
        g.lang = lang if lang in ("id", "en") else "id"

    @app.after_request
    def _remember(resp):
        if request.args.get("lang") in ("id", "en"):
            resp.set_cookie("lang", request.args["lang"], samesite="Lax", max_age=365 * 86400)
        return resp

    @app.context_processor
    def _t():
        def t(key: str, **kw) -> str:
            text = STRINGS.get(key, {}).get(getattr(g, "lang", "id")) or key
            return text.format(**kw) if kw else text
        def lang_url() -> str:
            """The current page in the other language (query string kept)."""
            args = request.args.to_dict()
            args["lang"] = "en" if getattr(g, "lang", "id") == "id" else "id"
            return request.path + "?" + urlencode(args)
        return {"t": t, "lang": getattr(g, "lang", "id"), "lang_url": lang_url}
