"""Bahasa Indonesia by default, English on request (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request

STRINGS = {
    "exact_mode": {"id": "Persis (tanpa stemming/sinonim)", "en": "Exact (no stemming/synonyms)"},
    "filters": {"id": "Saringan", "en": "Filters"},
    "clear_filters": {"id": "hapus saringan", "en": "clear filters"},
    "facet_province": {"id": "Provinsi", "en": "Province"},
    "facet_region": {"id": "Wilayah", "en": "Region"},
    "facet_jenis": {"id": "Jenis", "en": "Type"},
    "facet_tahun": {"id": "Tahun", "en": "Year"},
    "facet_status": {"id": "Status", "en": "Status"},
    "facet_program": {"id": "Program", "en": "Programme"},
    "facet_has_obligation": {"id": "Memuat kewajiban", "en": "Has an obligation"},
    "facet_kind": {"id": "Jenis dokumen", "en": "Document kind"},
    "adoption_title": {"id": "Adopsi Inpres 2/2021 di daerah", "en": "Regional adoption of Inpres 2/2021"},
    "indicator": {"id": "Indikator", "en": "Indicator"},
    "indicators": {"id": "Indikator", "en": "Indicators"},
    "all_kabkota": {"id": "Semua kabupaten/kota", "en": "All regencies/cities"},
    "kabupaten_apkasi": {"id": "Kabupaten (APKASI)", "en": "Regencies (APKASI)"},
    "kota_apeksi": {"id": "Kota (Apeksi)", "en": "Cities (Apeksi)"},
    "all_provinces": {"id": "Semua provinsi", "en": "All provinces"},
    "all_regions": {"id": "Semua wilayah", "en": "All regions"},
    "apply": {"id": "Terapkan", "en": "Apply"},
    "counts_line": {"id": "{ada} dari {total} {what} telah menerbitkan aturan",
                    "en": "{ada} of {total} {what} have issued a rule"},
    "kind_plural_kabkota": {"id": "kabupaten/kota", "en": "regencies/cities"},
    "kind_plural_kabupaten": {"id": "kabupaten", "en": "regencies"},
    "kind_plural_kota": {"id": "kota", "en": "cities"},
    "kind_plural_provinsi": {"id": "provinsi", "en": "provinces"},
    "status_ada": {"id": "ada", "en": "issued"},
    "status_diberitakan": {"id": "diberitakan", "en": "reported in news"},
    "status_belum_ditemukan": {"id": "belum ditemukan", "en": "not found yet"},
    "status_tidak_terpantau": {"id": "tidak terpantau", "en": "not monitored"},
    "def_ada": {"id": "peraturan/surat edaran wilayah memenuhi indikator (dokumen, Pasal, sejak kapan)",
                "en": "a regulation/circular of the region meets the indicator (document, article, since when)"},
    "def_diberitakan": {"id": "hanya berita yang melaporkannya (bukti tidak langsung)",
                        "en": "only news reports it (indirect evidence)"},
    "def_belum_ditemukan": {"id": "sumber wilayah sudah diperiksa (yang mana, kapan) dan tidak ada yang memenuhi",
                            "en": "the region's sources were checked (which, when) and nothing meets it"},
    "def_tidak_terpantau": {"id": "tidak ada sumber wilayah ini yang dijelajahi",
                            "en": "no source of this region is crawled"},
    "map_title": {"id": "Peta status kabupaten/kota: {indicator}", "en": "Map of regency/city status: {indicator}"},
    "timeline_title": {"id": "Jumlah wilayah yang memenuhi indikator (kumulatif, sejak 2021)",
                       "en": "Regions meeting the indicator (cumulative, since 2021)"},
    "matrix": {"id": "Matriks", "en": "Matrix"},
    "download": {"id": "Unduh", "en": "Download"},
    "rows_shown": {"id": "{n} wilayah ditampilkan", "en": "{n} regions shown"},
    "since": {"id": "sejak", "en": "since"},
    "why": {"id": "Mengapa status ini?", "en": "Why this status?"},
    "rule": {"id": "Aturan", "en": "Rule"},
    "decision": {"id": "Keputusan", "en": "Decision"},
    "via": {"id": "lewat", "en": "via"},
    "source": {"id": "Sumber", "en": "Source"},
    "checked": {"id": "diperiksa", "en": "checked"},
    "amended_by": {"id": "diubah oleh", "en": "amended by"},
    "news_reports": {"id": "Diberitakan", "en": "Reported"},
    "checked_sources": {"id": "Sumber yang diperiksa", "en": "Sources checked"},
    "unreadable_warning": {"id": "{n} dokumen wilayah ini belum terbaca andal (pindaian/OCR); \"belum ditemukan\" bukan bukti ketiadaan.",
                           "en": "{n} documents of this region could not be read reliably (scans/OCR); \"not found\" is not proof of absence."},
    "not_monitored": {"id": "Tidak ada sumber wilayah ini yang dijelajahi.", "en": "No source of this region is crawled."},
    "news": {"id": "Berita", "en": "News"},
    "last_check": {"id": "pemeriksaan terakhir", "en": "last checked"},
    "news_notice": {"id": "Ini berita, bukan dokumen resmi: bukti tingkat rendah.", "en": "This is a news article, not the official document: lower-grade evidence."},
    "relations": {"id": "Hubungan", "en": "Relations"},
    "rel_mengubah": {"id": "Mengubah", "en": "Amends"},
    "rel_mencabut": {"id": "Mencabut", "en": "Repeals"},
    "rel_mencabut_sebagian": {"id": "Mencabut sebagian", "en": "Partly repeals"},
    "rel_in_mengubah": {"id": "Diubah oleh", "en": "Amended by"},
    "rel_in_mencabut": {"id": "Dicabut oleh", "en": "Repealed by"},
    "rel_in_mencabut_sebagian": {"id": "Dicabut sebagian oleh", "en": "Partly repealed by"},
    "archived_copy": {"id": "Salinan arsip Pantau", "en": "Pantau's archived copy"},
    "ocr_warning": {"id": "Perhatian: sebagian halaman dibaca dengan OCR atau tidak terbaca —", "en": "Warning: some pages were read by OCR or could not be read —"},
    "page": {"id": "hlm.", "en": "p."},
    "confidence": {"id": "keyakinan", "en": "confidence"},
    "facts": {"id": "Fakta yang diekstrak", "en": "Extracted facts"},
    "kind_obligation": {"id": "Kewajiban", "en": "Obligation"},
    "kind_target": {"id": "Target/angka", "en": "Target/amount"},
    "kind_reference": {"id": "Rujukan", "en": "Reference"},
    "kind_relation": {"id": "Hubungan", "en": "Relation"},
    "text": {"id": "Teks", "en": "Text"},
    "methodology": {"id": "Metodologi", "en": "Methodology"},
    "methodology_intro": {"id": "Setiap status diturunkan otomatis dari dokumen dan fakta yang diekstrak; tidak ada yang diketik manual. Definisi persis tiap indikator di bawah ini.",
                          "en": "Every status is derived automatically from documents and extracted facts; nothing is typed by hand. Each indicator's exact definition is below."},
    "indicator_version": {"id": "Versi definisi indikator", "en": "Indicator definitions version"},
    "exact_rule": {"id": "Aturan persis", "en": "Exact rule"},
    "sources_health": {"id": "Kesehatan sumber", "en": "Source health"},
    "catalogue_counts": {"id": "{docs} dokumen, {files} berkas, {facts} fakta, {failures} kegagalan terbuka",
                         "en": "{docs} documents, {files} files, {facts} facts, {failures} open failures"},
    "new_docs": {"id": "dok. baru", "en": "new docs"},
    "errors": {"id": "galat", "en": "errors"},
    "flags": {"id": "catatan", "en": "flags"},
    "open_failures": {"id": "Kegagalan terbuka", "en": "Open failures"},
    "navigation": {"id": "Navigasi", "en": "Navigation"},
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
    "coverage": {"id": "Cakupan", "en": "Coverage"},
    "coverage_title": {"id": "Cakupan pemantauan: sumber tiap wilayah", "en": "Monitoring coverage: each region's sources"},
    "coverage_line": {"id": "{n} dari {total} wilayah memiliki sumber yang berfungsi",
                      "en": "{n} of {total} regions have a working source"},
    "coverage_intro": {"id": "Sebuah wilayah terpantau bila setidaknya satu sumbernya (JDIH daerah, basis data peraturan BPK, berita) berhasil diperiksa pada penjelajahan terakhirnya. \"Tidak ditemukan\" selalu berarti \"sumber ini diperiksa pada tanggal ini\".",
                       "en": "A region is monitored when at least one of its sources (regional JDIH, the BPK regulation database, news) was checked successfully in its last crawl. \"Not found\" always means \"these sources were checked on this date\"."},
    "monitored": {"id": "terpantau", "en": "monitored"},
    "reason": {"id": "Alasan", "en": "Reason"},
    "reason_tanpa_sumber": {"id": "tidak ada sumber yang mencakup wilayah ini", "en": "no source covers this region"},
    "reason_belum_dijelajahi": {"id": "sumbernya belum pernah dijelajahi", "en": "its sources have never been crawled"},
    "reason_sumber_mati": {"id": "sumbernya tidak berfungsi sejak {since}", "en": "its sources have been down since {since}"},
    "reason_tanpa_sumber_short": {"id": "tanpa sumber", "en": "no source"},
    "reason_belum_dijelajahi_short": {"id": "belum dijelajahi", "en": "not crawled yet"},
    "reason_sumber_mati_short": {"id": "sumber mati", "en": "source down"},
    "last_success": {"id": "Pemeriksaan berhasil terakhir", "en": "Last successful check"},
    "health": {"id": "Kesehatan", "en": "Health"},
    "health_ok": {"id": "baik", "en": "good"},
    "health_warn": {"id": "peringatan", "en": "warning"},
    "health_down": {"id": "mati", "en": "down"},
    "health_never": {"id": "belum dijelajahi", "en": "not crawled yet"},
    "health_none": {"id": "tanpa sumber", "en": "no source"},
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
