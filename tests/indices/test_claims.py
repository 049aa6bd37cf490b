"""Grounded claims: every adoption status rests on the clause that says it.

The gold set (tests/gold/claims) is run through the normal ingest path and the adoption index;
status, `since` and the first evidence clause must all match the annotations. Smaller tests pin
each way a claim used to go wrong: a term from another Pasal, a definition, health insurance, a
group that pays rather than is covered, a draft or an achievement reported in the news.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from indices import adoption
from indices.claims import evaluate_clause
from nlp.extract import extract_document
from pantau_cli.cli import main
from tests.indices import claims_gold

RULES = {i.id: i for i in adoption.load_indicators()[1]}


@pytest.fixture(scope="module")
def gold_catalogue(tmp_path_factory):
    cat, keys = claims_gold.build(tmp_path_factory.mktemp("claims"))
    yield cat, keys
    cat.dispose()


def test_claims_gold_is_met_exactly(gold_catalogue):
    cat, keys = gold_catalogue
    result = claims_gold.score(cat, keys)
    print(result.line())
    assert result.errors == []
    assert result.total == 96 and result.status == result.since == result.total
    assert result.evidence == result.evidence_total > 25


def test_every_status_explains_itself(gold_catalogue):
    from indices import queries
    cat, _ = gold_catalogue
    for code in claims_gold.load_gold()["claims"]:
        for st in queries.region_detail(cat, code)["statuses"]:
            why = st["why"]
            assert why["rule"] and why["reason"] and why["decision"] == st["status"]
            if st["status"] in ("ada", "diberitakan"):
                assert why["matched"] and why["clause"] and why["document"]
                first = (st["evidence"].get("documents") or st["evidence"].get("news"))[0]
                assert why["clause"] == first["clauses"][0]["label"]


def test_batang_claims_cite_the_clause_that_says_it(gold_catalogue):
    from indices import queries
    cat, _ = gold_catalogue
    st = {s["indicator"]: s for s in queries.region_detail(cat, "33.25")["statuses"]}
    rentan = st["pekerja_rentan_apbd"]
    assert (rentan["status"], rentan["since"]) == ("ada", "2024-09-06")
    first = rentan["evidence"]["documents"][0]
    assert first["reg_key"] == "perbup/33.25/2024/30"
    assert first["clauses"][0]["label"] == "Pasal 13 ayat (1)"
    marked = {m["code"]: first["clauses"][0]["quote"][m["quote_start"]:m["quote_end"]]
              for m in first["clauses"][0]["matched"] if "quote_start" in m}
    assert marked["pekerja_rentan"] == "Pekerja Rentan"
    non_asn = st["non_asn"]["evidence"]["documents"][0]
    assert (non_asn["reg_key"], non_asn["clauses"][0]["cite"]) == ("perda/33.25/2023/2", "22")
    assert "Pegawai pemerintah non-pegawai negeri" in non_asn["clauses"][0]["quote"]


def test_claims_explain_lists_decision_and_near_misses(gold_catalogue):
    cat, _ = gold_catalogue
    out = adoption.explain(cat, "63.03", "pekerja_rentan_apbd", today=claims_gold.TODAY)
    assert out["status"] == "belum_ditemukan"
    health = [r for r in out["clauses"] if r["clause"] == "Pasal 2 ayat (2)"]
    assert health and not health[0]["counted"]
    assert "jaminan kesehatan" in health[0]["why"]
    runner = CliRunner()
    res = runner.invoke(main, ["--data-dir", str(cat.settings.data_dir), "claims", "explain",
                               "33.25", "pekerja_rentan_apbd"])
    assert res.exit_code == 0, res.output
    assert "ada sejak 2024-09-06" in res.output and "Pasal 13 ayat (1)" in res.output
    assert "✗" in res.output  # the near misses are listed with their reason
    res = runner.invoke(main, ["--data-dir", str(cat.settings.data_dir), "claims", "explain",
                               "33.25", "no_such_indicator"])
    assert res.exit_code == 2 and "unknown indicator" in res.output
    res = runner.invoke(main, ["--data-dir", str(cat.settings.data_dir), "claims", "explain",
                               "33.24", "target_cakupan", "--json"])
    assert json.loads(res.output)["status"] == "diberitakan"


# --------------------------------------------------------------------------- one rule at a time

def _clauses(text: str, kind: str = "regulation") -> dict[str, dict]:
    return {c["label"]: c for c in extract_document(text, kind=kind)["clauses"]}


PERBUP = """BUPATI CONTOH
PERATURAN BUPATI CONTOH
NOMOR 3 TAHUN 2024
TENTANG
JAMINAN SOSIAL KETENAGAKERJAAN
Menimbang : a. bahwa pekerja rentan perlu dilindungi dengan iuran dari APBD;
Mengingat : 1. Undang-Undang Nomor 24 Tahun 2011;
MEMUTUSKAN:
Menetapkan : PERATURAN BUPATI TENTANG JAMINAN SOSIAL KETENAGAKERJAAN.
BAB I
KETENTUAN UMUM
Pasal 1
Dalam Peraturan Bupati ini yang dimaksud dengan:
1. Peserta adalah pekerja rentan yang terdaftar pada BPJS Ketenagakerjaan.
2. Pekerja Mandiri adalah pekerja bukan penerima upah yang iurannya dibiayai APBD.
BAB II
JAMINAN KESEHATAN
Pasal 2
(1) Pemerintah Daerah mendaftarkan pekerja rentan sebagai peserta jaminan kesehatan.
(2) Iuran sebagaimana dimaksud pada ayat (1) dibebankan pada APBD.
BAB III
JAMINAN SOSIAL KETENAGAKERJAAN
Pasal 3
(1) Peserta didaftarkan dalam program JKK dan JKM.
(2) Pemerintah Daerah mendorong badan usaha untuk membayar iuran bagi Peserta.
(3) Iuran bagi Peserta sebagaimana dimaksud pada ayat (1) dibebankan pada Anggaran Pendapatan
dan Belanja Daerah.
Pasal 4
ASN dan non-ASN mendaftarkan pekerja rentan di lingkungannya dalam program JKK.
Ditetapkan di Contoh
pada tanggal 2 Januari 2024
"""


def test_a_clause_carries_what_it_cites_defines_and_stands_under():
    cl = _clauses(PERBUP)
    rule = RULES["pekerja_rentan_apbd"].rule
    # "Iuran … sebagaimana dimaksud pada ayat (1)": Peserta (pekerja rentan, by definition) and JKK
    ok = evaluate_clause(rule, cl["Pasal 3 ayat (3)"])
    assert ok.ok, ok.missing
    vias = {m.get("via") for m in ok.matched}
    assert any(v and v.startswith("definisi") for v in vias)
    # the same words under "BAB II JAMINAN KESEHATAN": health insurance, not BPJS Ketenagakerjaan
    health = evaluate_clause(rule, cl["Pasal 2 ayat (2)"])
    assert not health.ok and any("jaminan kesehatan" in m for m in health.missing)
    # the government urging companies to pay is not the government paying
    urged = evaluate_clause(rule, cl["Pasal 3 ayat (2)"])
    assert not urged.ok


def test_menimbang_and_definitions_never_make_a_claim_alone():
    doc = extract_document(PERBUP)
    rule = RULES["pekerja_rentan_apbd"].rule
    for c in doc["clauses"]:
        if c["section"] in ("menimbang", "definisi"):
            res = evaluate_clause(rule, c)
            assert not res.ok and not c["normative"]
    sections = {m["section"] for m in doc["mentions"]}
    assert {"menimbang", "definisi", "batang_tubuh"} <= sections
    # in the body, a term sits in a clause or in a BAB/Bagian heading
    body = [m for m in doc["mentions"] if m["section"] == "batang_tubuh"]
    assert all(m.get("clause") or m.get("heading") for m in body)
    assert {m["heading"] for m in body if m.get("heading")} == {
        "BAB II JAMINAN KESEHATAN", "BAB III JAMINAN SOSIAL KETENAGAKERJAAN"}


def test_a_group_that_pays_for_others_is_not_covered():
    cl = _clauses(PERBUP)
    roles = {t["code"]: t.get("role") for t in cl["Pasal 4"]["terms"] if t["category"] == "group"}
    assert roles == {"non_asn": "actor", "pekerja_rentan": None}
    assert not evaluate_clause(RULES["non_asn"].rule, cl["Pasal 4"]).ok


def test_an_excluded_group_is_not_a_group_covered():
    text = ("Pasal 1\n(1) Penyedia barang/jasa yang melaksanakan pekerjaan konstruksi wajib "
            "mendaftarkan pekerjanya dalam program JKK.\n(2) Pekerja yang telah terdaftar sebagai "
            "peserta penerima upah pada pemberi kerja lain tidak didaftarkan kembali.\n")
    cl = _clauses(text)
    excluded = [t for t in cl["Pasal 1 ayat (2)"]["terms"] if t["code"] == "ppu"]
    assert excluded and excluded[0]["role"] == "excluded"
    covered = [t for t in cl["Pasal 1 ayat (1)"]["terms"] if t["code"] == "jasa_konstruksi"]
    assert covered and covered[0].get("role") is None
    assert evaluate_clause(RULES["jasa_konstruksi"].rule, cl["Pasal 1 ayat (1)"]).ok


NEWS = """Sragen Siapkan Perlindungan Pekerja Rentan

SRAGEN – Pemkab Sragen sedang menyusun Rancangan Peraturan Bupati tentang perlindungan pekerja rentan yang iurannya dibiayai APBD. Raperbup itu masih dalam tahap harmonisasi.

Sebanyak 12.000 pekerja rentan telah terdaftar di BPJS Ketenagakerjaan, baru 15 persen dari seluruhnya.

Bupati Sragen menargetkan 30 persen pekerja rentan terlindungi BPJS Ketenagakerjaan pada 2026 sesuai RPJMD Kabupaten Sragen.
"""


def test_news_drafts_achievements_and_targets():
    doc = extract_document(NEWS, kind="news")
    by_text = {c["text"][:20]: c for c in doc["clauses"]}
    draft = next(c for c in doc["clauses"] if "Rancangan" in c["text"])
    assert draft["news"]["draft"] and not draft["news"]["instrument"]
    figures = {f["text"]: f["claim"] for c in doc["clauses"] for f in c["figures"]}
    assert figures["15 persen"] == "achievement"
    assert figures["30 persen"] == "target"
    rpjmd = next(c for c in doc["clauses"] if "RPJMD" in c["text"])
    assert rpjmd["news"]["instrument"]
    assert by_text


def test_news_gate_dates_and_instrument_years():
    """An article before 2021-02-02 never counts for the Inpres indicator, nor does an instrument it
    reports as made before 2021; the same article still reports APBD-funded contributions."""
    doc = extract_document(open(claims_gold.REPO / "tests/gold/claims/documents/"
                                "news-banyuwangi-2020.txt").read(), kind="news")

    def article(published):
        return adoption.DocFacts(1, "berita/x", "35.10", "berita", "x", None, published, None,
                                 clauses=doc["clauses"])

    hits, near, _ = adoption.evaluate_document(RULES["inpres_2_2021"], article(date(2020, 12, 1)))
    assert not hits and any("sebelum 2021-02-02" in "; ".join(r.missing) for r in near)
    hits, near, _ = adoption.evaluate_document(RULES["inpres_2_2021"], article(date(2022, 1, 1)))
    assert not hits and any("terbit 2020, sebelum 2021" in "; ".join(r.missing) for r in near)
    hits, _, _ = adoption.evaluate_document(RULES["pekerja_rentan_apbd"], article(date(2020, 12, 1)))
    assert hits and "APBD" in hits[0].clause["text"]


def test_tidak_terpantau_says_why(tmp_path):
    """No source, or a source down since a date: "not found" is never claimed from a dead source."""
    from katalog import importer
    from katalog.db import Catalogue
    from katalog.vocab import RunStatus
    from pantau.settings import load_settings
    cat = Catalogue(load_settings(data_dir=str(tmp_path), config_file=str(tmp_path / "none.toml")))
    cat.init()
    with cat.session() as s:
        src = importer.get_or_create_source(s, "jdih-x", "jdihn_feed", url="http://127.0.0.1/x",
                                            region_code="33.25")
        ok = importer.start_run(s, src)
        importer.finish_run(s, ok, RunStatus.FINISHED, "ok")
    adoption.compute(cat, today=claims_gold.TODAY)
    from indices import queries
    st = {x["indicator"]: x for x in queries.region_detail(cat, "33.25")["statuses"]}
    assert st["non_asn"]["status"] == "belum_ditemukan"
    other = queries.region_detail(cat, "33.24")["statuses"][0]
    assert (other["status"], other["why"]["unmonitored"]) == ("tidak_terpantau", "tanpa_sumber")
    with cat.session() as s:  # the source breaks: its next run fails
        run = importer.start_run(s, importer.get_or_create_source(s, "jdih-x", "jdihn_feed"))
        importer.finish_run(s, run, RunStatus.FAILED, "http_500")
    adoption.compute(cat, today=claims_gold.TODAY)
    st = {x["indicator"]: x for x in queries.region_detail(cat, "33.25")["statuses"]}
    assert st["non_asn"]["status"] == "tidak_terpantau"
    assert st["non_asn"]["why"]["unmonitored"] == "sumber_mati"
    assert "tidak berfungsi sejak" in st["non_asn"]["why"]["reason"]
    assert st["non_asn"]["evidence"]["down_since"]
    cat.dispose()
