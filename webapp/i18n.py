"""Bahasa Indonesia by default, English on request (``?lang=en``, remembered in a cookie), with
Flask-Babel and gettext catalogs.

The source language is Bahasa Indonesia: templates and views mark their text with ``_()`` (in
Python ``gettext`` / ``lazy_gettext``), and ``webapp/translations/en/LC_MESSAGES/messages.po``
holds the English. ``make translations`` extracts new strings, merges them into the catalog and
compiles it; ``tests/webapp/test_i18n.py`` fails on any string without an English translation,
on a stale ``.mo``, and on Indonesian UI text left in an English page (in Chromium).

Content that is Indonesian by nature (region names, document titles, quotes, a rule's own text)
is not translated: templates mark it ``lang="id"`` or ``translate="no"``.

A page whose language came from the cookie says ``Vary: Cookie``, so no shared cache serves one
reader's language to another; a page asked for with ``?lang=`` does not depend on the cookie.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, g, request
from flask_babel import Babel, lazy_gettext as _l

LANGS = ("id", "en")
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

# Labels of the vocabularies the pages show, by value (values stay as stored; only labels change).
LABELS: dict[str, dict[str, object]] = {
    "status": {"ada": _l("ada"), "diberitakan": _l("diberitakan"),
               "belum_ditemukan": _l("belum ditemukan"), "tidak_terpantau": _l("tidak terpantau")},
    "status_def": {
        "ada": _l("peraturan/surat edaran wilayah memenuhi indikator (dokumen, Pasal, sejak kapan)"),
        "diberitakan": _l("hanya berita yang melaporkannya (bukti tidak langsung)"),
        "belum_ditemukan": _l("sumber wilayah sudah diperiksa (yang mana, kapan) dan tidak ada yang memenuhi"),
        "tidak_terpantau": _l("tidak ada sumber wilayah ini yang dijelajahi")},
    "region_kind": {"provinsi": _l("Provinsi"), "kabupaten": _l("Kabupaten"), "kota": _l("Kota")},
    "kind_plural": {"kabkota": _l("kabupaten/kota"), "kabupaten": _l("kabupaten"),
                    "kota": _l("kota"), "provinsi": _l("provinsi")},
    "reason": {"tanpa_sumber": _l("tidak ada sumber yang mencakup wilayah ini"),
               "belum_dijelajahi": _l("sumbernya belum pernah dijelajahi"),
               "sumber_mati": _l("sumbernya tidak berfungsi sejak %(since)s")},
    "reason_short": {"tanpa_sumber": _l("tanpa sumber"), "belum_dijelajahi": _l("belum dijelajahi"),
                     "sumber_mati": _l("sumber mati")},
    "coverage_class": {"jdih_terverifikasi": _l("JDIH terverifikasi"),
                       "jdih_generik": _l("JDIH (pembaca umum, keyakinan lebih rendah)"),
                       "hanya_bpk": _l("hanya BPK"), "hanya_berita": _l("hanya berita"),
                       "tanpa_sumber": _l("tanpa sumber berfungsi")},
    "registry_status": {"unverified": _l("belum diverifikasi"), "verified": _l("terverifikasi"),
                        "rejected": _l("ditolak"), "unreachable": _l("tidak terjangkau"),
                        "blocked": _l("diblokir robots.txt")},
    "health": {"ok": _l("baik"), "warn": _l("peringatan"), "down": _l("mati"),
               "never": _l("belum dijelajahi"), "none": _l("tanpa sumber")},
    # alerts of sources that broke (katalog.alerts): the kind, and what it says (alert_text)
    "alert_kind": {"items_drop": _l("butir hilang"), "family_changed": _l("situs berubah"),
                   "stale": _l("tak ada dokumen baru")},
    "alert_text": {
        "items_drop": _l("0 butir pada pemeriksaan terakhir, biasanya %(usual)s"),
        "family_changed": _l("perangkat lunak situs berubah dari %(before)s menjadi %(seen)s"),
        "stale": _l("tidak ada dokumen baru selama %(days)s hari; biasanya setiap %(gap)s hari")},
    "relation": {"mengubah": _l("Mengubah"), "mencabut": _l("Mencabut"),
                 "mencabut_sebagian": _l("Mencabut sebagian")},
    "relation_in": {"mengubah": _l("Diubah oleh"), "mencabut": _l("Dicabut oleh"),
                    "mencabut_sebagian": _l("Dicabut sebagian oleh")},
    "fact_kind": {"obligation": _l("Kewajiban"), "target": _l("Target"), "reference": _l("Rujukan"),
                  "relation": _l("Hubungan"), "deadline": _l("Tenggat"), "budget": _l("Anggaran"),
                  "tugas": _l("Tugas")},
    "facet": {"province": _l("Provinsi"), "region": _l("Wilayah"), "jenis": _l("Jenis"),
              "tahun": _l("Tahun"), "status": _l("Status"), "program": _l("Program"),
              "has_obligation": _l("Memuat kewajiban"), "kind": _l("Jenis dokumen")},
    "doc_kind": {"regulation": _l("Peraturan"), "news": _l("Berita")},
    "doc_status": {"berlaku": _l("berlaku"), "dicabut": _l("dicabut"), "diubah": _l("diubah"),
                   "tidak_diketahui": _l("tidak diketahui")},
    "file_role": {"utama": _l("dokumen utama"), "abstrak": _l("abstrak"), "lampiran": _l("lampiran")},
    "page_method": {"text": _l("lapisan teks"), "ocr": _l("OCR"), "none": _l("tidak terbaca")},
    "modality": {"wajib": _l("wajib"), "harus": _l("harus"), "dapat": _l("dapat"),
                 "dilarang": _l("dilarang"), "bertanggung_jawab": _l("bertanggung jawab"),
                 "anggaran": _l("anggaran"), "diminta": _l("diminta"), "tugas": _l("tugas")},
    "target_kind": {"amount": _l("jumlah uang"), "percent": _l("persentase"), "count": _l("jumlah"),
                    "duration": _l("jangka waktu"), "deadline": _l("tenggat"), "age": _l("usia"),
                    "area": _l("luas"), "period": _l("periode")},
    # units as the extractor writes them; others are shown as written
    "unit": {"orang": _l("orang"), "jiwa": _l("jiwa"), "hari": _l("hari"), "minggu": _l("minggu"),
             "bulan": _l("bulan"), "tahun": _l("tahun"), "persen": _l("persen"),
             "rupiah": _l("rupiah"), "hektare": _l("hektare"), "kali": _l("kali"),
             "hari_kerja": _l("hari kerja"), "jam": _l("jam"), "desa": _l("desa")},
}


def label(group: str, value, **kw) -> str:
    """The label of ``value`` in vocabulary ``group`` in the reader's language (``kw`` fill its
    placeholders); an unknown value is shown as it is (data the catalogue may grow before the
    labels do)."""
    key = "" if value is None else str(value)
    labels = LABELS.get(group, {})
    # stored values come as their sources wrote them ("Berlaku", "hari kerja")
    text = labels.get(key, labels.get(re.sub(r"\s+", "_", key.strip().lower())))
    if text is None:
        return "" if value is None else str(value)
    return str(text) % kw if kw else str(text)


def alert_text(alert: dict) -> str:
    """What an alert (``katalog.alerts.alert_dict``) says, in the reader's language, from the
    values it was judged on (its stored ``message`` is the Indonesian sentence of the webhook)."""
    d = alert.get("detail") or {}

    def num(x) -> str:
        return "?" if x is None else f"{float(x):.0f}" if float(x) >= 10 else f"{float(x):g}"
    return label("alert_text", alert["kind"], usual=num(d.get("usual_items")),
                 before=d.get("family_before") or "?", seen=d.get("family_seen") or "?",
                 days=num(d.get("days_since_new")), gap=num(d.get("median_gap_days")))


def current_lang() -> str:
    """The reader's language: ``?lang=`` first, then the cookie, else Bahasa Indonesia. Taking
    it from the cookie marks the response as varying by cookie."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    g.lang_from_cookie = True
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGS else "id"


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "id")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=current_lang)
    app.jinja_env.globals["label"] = label  # also in imported macros, which get no context
    app.jinja_env.globals["alert_text"] = alert_text

    @app.before_request
    def _lang():
        g.lang = current_lang()

    @app.after_request
    def _remember(resp):
        if request.args.get("lang") in LANGS:
            resp.set_cookie(COOKIE, request.args["lang"], samesite="Lax", max_age=365 * 86400)
        if g.get("lang_from_cookie") and _language_dependent(resp):
            resp.vary.add("Cookie")
        if _language_dependent(resp) and g.get("lang"):
            resp.headers.setdefault("Content-Language", g.lang)
        return resp

    @app.context_processor
    def _helpers():
        def lang_url() -> str:
            """The current page in the other language (query string kept)."""
            args = request.args.to_dict()
            args["lang"] = "en" if getattr(g, "lang", "id") == "id" else "id"
            return request.path + "?" + urlencode(args)
        return {"lang": getattr(g, "lang", "id"), "lang_url": lang_url}


def _language_dependent(resp) -> bool:
    """Pages and feeds are written in the reader's language; data (JSON, CSV, files) is not."""
    return resp.mimetype in ("text/html", "application/atom+xml")
