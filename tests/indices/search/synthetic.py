"""Synthetic regional regulations for the search tests and ``bench/bench_search.py``.

Each document reads like a real Perda/Perbup/Perwal/Pergub/Surat Edaran: a title with jenis,
region, nomor and tahun, Menimbang, Mengingat (citing UU 40/2004, UU 24/2011, Inpres 2/2021 …),
Ketentuan Umum, then Pasal after Pasal of obligations (wajib, harus, dilarang, paling lambat),
budgets (Rp amounts), coverage targets (percentages) and sanctions, with village and person names
for a long tail of rare words. Regions come from the bundled gazetteer (38 provinces, 514
kabupaten/kota); jenis follows the region's kind. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pantau import wilayah

TOPICS = [
    ("Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan", "bpjs"),
    ("Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Bukan Penerima Upah", "bpjs"),
    ("Penyelenggaraan Jaminan Sosial", "bpjs"),
    ("Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan", "bpjs"),
    ("Kepesertaan Perangkat Desa dalam Program Jaminan Sosial Ketenagakerjaan", "bpjs"),
    ("Percepatan Penurunan Stunting", "stunting"),
    ("Pengelolaan Sampah Rumah Tangga", "sampah"),
    ("Retribusi Pelayanan Pasar", "retribusi"),
    ("Pengembangan Desa Wisata", "wisata"),
    ("Penanggulangan Kemiskinan Daerah", "miskin"),
]
PROGRAM_PHRASES = ["Jaminan Kecelakaan Kerja (JKK)", "Jaminan Kematian (JKM)",
                   "Jaminan Hari Tua (JHT)", "Jaminan Pensiun (JP)",
                   "Jaminan Kehilangan Pekerjaan (JKP)"]
BEARERS = ["Setiap Pemberi Kerja", "Perangkat Daerah", "Pemerintah Desa", "Setiap Badan Usaha",
           "Kepala Desa", "Pemerintah Daerah", "Dinas Tenaga Kerja", "Setiap Pengusaha"]
ACTIONS_BPJS = [
    "mendaftarkan Pekerjanya sebagai Peserta program {prog} kepada BPJS Ketenagakerjaan",
    "membayar Iuran {prog} bagi Pekerja Rentan setiap bulan",
    "mengalokasikan anggaran Iuran {prog} dalam Anggaran Pendapatan dan Belanja Daerah",
    "menyampaikan data kepesertaan Pekerja Bukan Penerima Upah kepada BPJS Ketenagakerjaan",
    "melaporkan pelaksanaan perlindungan jaminan sosial ketenagakerjaan kepada Bupati",
]
ACTIONS_OTHER = {
    "stunting": ["melaksanakan pemantauan pertumbuhan balita di posyandu {village}",
                 "menyediakan makanan tambahan bagi ibu hamil dan balita gizi kurang"],
    "sampah": ["memilah sampah rumah tangga sebelum diangkut ke tempat penampungan sementara",
               "menyediakan bank sampah di setiap desa termasuk Desa {village}"],
    "retribusi": ["membayar retribusi pelayanan pasar sesuai tarif yang ditetapkan",
                  "menyetorkan hasil pungutan retribusi ke kas daerah paling lambat 1 hari kerja"],
    "wisata": ["mengembangkan potensi desa wisata {village} bersama kelompok sadar wisata",
               "menjaga kelestarian lingkungan kawasan wisata"],
    "miskin": ["memutakhirkan data terpadu kesejahteraan sosial setiap tahun",
               "menyalurkan bantuan sosial tepat sasaran kepada keluarga miskin di {village}"],
}
MODALS = ["wajib", "harus", "dapat", "wajib", "bertanggung jawab untuk"]
DEADLINES = ["paling lambat {n} (tiga puluh) hari kerja sejak tanggal pengundangan",
             "paling lama {n} bulan setelah Peraturan ini berlaku", "setiap tahun anggaran",
             "sebelum akhir tahun anggaran berjalan"]
CITED = ["Undang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial Nasional",
         "Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial",
         "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
         "Peraturan Pemerintah Nomor 44 Tahun 2015 tentang Penyelenggaraan Program Jaminan "
         "Kecelakaan Kerja dan Jaminan Kematian",
         "Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan "
         "Sosial Ketenagakerjaan",
         "Peraturan Menteri Dalam Negeri Nomor 80 Tahun 2015 tentang Pembentukan Produk Hukum Daerah"]
_SYL = ["ka", "ra", "ng", "su", "wo", "no", "sa", "ri", "jo", "re", "ma", "ju", "ta", "mu", "li",
        "pa", "de", "si", "gu", "nu", "to", "ba", "di", "ha", "ya", "we", "ku", "lo", "be", "ti"]
STATUSES = ["Berlaku", "Berlaku", "Berlaku", "Dicabut", None]


@dataclass
class SyntheticDoc:
    reg_key: str
    jenis: str
    jenis_code: str
    nomor: str
    tahun: int
    region_code: str
    judul: str
    tentang: str
    status: str | None
    kind: str
    pages: list[str]
    facts: list[dict] = field(default_factory=list)  # kind, pasal, ayat, page, start, end, text, data

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize()


def _jenis_for(rng: random.Random, region: wilayah.Wilayah) -> tuple[str, str, str]:
    """(jenis name, jenis_code, head title) fitting the region's kind."""
    if region.kind == "provinsi":
        choice = rng.choice([("Peraturan Gubernur", "pergub"), ("Peraturan Daerah", "perda"),
                             ("Surat Edaran Gubernur", "segub")])
        return (*choice, "GUBERNUR")
    if region.kind == "kota":
        choice = rng.choice([("Peraturan Wali Kota", "perwal"), ("Peraturan Daerah", "perda"),
                             ("Surat Edaran Wali Kota", "sewal")])
        return (*choice, "WALI KOTA")
    choice = rng.choice([("Peraturan Bupati", "perbup"), ("Peraturan Bupati", "perbup"),
                         ("Peraturan Daerah", "perda"), ("Surat Edaran Bupati", "sebup")])
    return (*choice, "BUPATI")


def regions() -> list[wilayah.Wilayah]:
    return list(wilayah.all_regions())


def generate(i: int, *, seed: int = 7, size: int = 5000, region=None, tahun: int | None = None,
             topic: int | None = None) -> SyntheticDoc:
    """Synthetic document number ``i`` (about ``size`` characters of text)."""
    rng = random.Random(f"{seed}:{i}")
    region = region or rng.choice(regions())
    jenis, code, head = _jenis_for(rng, region)
    tahun = tahun or rng.randint(2005, 2025)
    nomor = str(rng.randint(1, 120))
    tentang, theme = TOPICS[topic if topic is not None else rng.randrange(len(TOPICS))]
    place = region.nama.upper()
    judul = f"{jenis} {region.short_name} Nomor {nomor} Tahun {tahun} tentang {tentang}"
    villages = [_name(rng, rng.randint(2, 4)) for _ in range(4)]
    people = [f"{_name(rng, 2)} {_name(rng, 3)}" for _ in range(2)]
    parts = [f"{jenis.upper()} {place}\nNOMOR {nomor} TAHUN {tahun}\nTENTANG\n{tentang.upper()}",
             "DENGAN RAHMAT TUHAN YANG MAHA ESA", f"{head} {region.short_name.upper()},"]
    parts.append("Menimbang : a. bahwa dalam rangka memberikan perlindungan kepada pekerja di "
                 f"{region.nama} perlu {tentang.lower()}; b. bahwa berdasarkan pertimbangan "
                 f"sebagaimana dimaksud dalam huruf a, perlu menetapkan {jenis} tentang {tentang};")
    cited = rng.sample(CITED, 4)
    parts.append("Mengingat : " + " ".join(f"{k + 1}. {c};" for k, c in enumerate(cited)))
    parts.append(f"MEMUTUSKAN: Menetapkan : {jenis.upper()} TENTANG {tentang.upper()}.")
    parts.append(f"BAB I KETENTUAN UMUM Pasal 1 Dalam {jenis} ini yang dimaksud dengan: "
                 f"1. Daerah adalah {region.nama}. 2. Pemerintah Daerah adalah {head.title()} sebagai "
                 "unsur penyelenggara Pemerintahan Daerah. 3. Badan Penyelenggara Jaminan Sosial "
                 "Ketenagakerjaan yang selanjutnya disebut BPJS Ketenagakerjaan adalah badan hukum "
                 "publik yang menyelenggarakan program jaminan sosial ketenagakerjaan. 4. Pekerja "
                 "Rentan adalah pekerja bukan penerima upah yang berpenghasilan rendah.")
    facts: list[dict] = []
    text_so_far = "\n".join(parts)
    pasal = 2
    while len(text_so_far) < size:
        bearer = rng.choice(BEARERS)
        modal = rng.choice(MODALS)
        prog = rng.choice(PROGRAM_PHRASES)
        village = rng.choice(villages)
        if theme == "bpjs" or rng.random() < 0.25:
            action = rng.choice(ACTIONS_BPJS).format(prog=prog)
        else:
            action = rng.choice(ACTIONS_OTHER.get(theme, ACTIONS_OTHER["miskin"])).format(village=village)
        deadline = rng.choice(DEADLINES).format(n=rng.choice([14, 30, 60, 90]))
        ayat1 = f"{bearer} {modal} {action} {deadline}."
        amount = f"Rp{rng.randint(1, 99)}.{rng.randint(100, 999)},00"
        pct = f"{rng.randint(10, 95)},{rng.randint(10, 99)}%"
        ayat2 = (f"Besaran anggaran sebagaimana dimaksud pada ayat (1) paling sedikit {amount} per "
                 f"orang per bulan dengan target cakupan kepesertaan {pct} pada tahun {tahun + 2}.")
        ayat3 = (f"Pelaksanaan sebagaimana dimaksud pada ayat (1) dikoordinasikan oleh {people[0]} "
                 f"di Desa {village} dan dilarang dipungut biaya tambahan.")
        block = f"Pasal {pasal} (1) {ayat1} (2) {ayat2} (3) {ayat3}"
        offset = len(text_so_far) + 1
        start = offset + block.index(ayat1)
        if modal.startswith(("wajib", "harus", "bertanggung")):
            facts.append({"kind": "obligation", "pasal": str(pasal), "ayat": "1", "page": 1,
                          "start": start, "end": start + len(ayat1), "text": ayat1,
                          "data": {"modality": modal.split()[0]}})
        s2 = offset + block.index(ayat2)
        facts.append({"kind": "target", "pasal": str(pasal), "ayat": "2", "page": 1, "start": s2,
                      "end": s2 + len(ayat2), "text": ayat2, "data": {"value": pct}})
        text_so_far += "\n" + block
        pasal += 1
    text_so_far += (f"\nPasal {pasal} Setiap orang yang melanggar ketentuan sebagaimana dimaksud "
                    "dikenai sanksi administratif berupa teguran tertulis, penghentian sementara "
                    f"kegiatan, atau denda administratif. Ditetapkan di {region.short_name} pada "
                    f"tanggal {rng.randint(1, 28)} {rng.choice(['Januari', 'Maret', 'Juli', 'Oktober'])} "
                    f"{tahun} {head} {region.short_name.upper()}, ttd {people[1].upper()}")
    reg_key = f"{code}/{region.kode}/{tahun}/{nomor}"
    return SyntheticDoc(reg_key=reg_key, jenis=jenis, jenis_code=code, nomor=nomor, tahun=tahun,
                        region_code=region.kode, judul=judul, tentang=tentang,
                        status=rng.choice(STATUSES), kind="regulation", pages=[text_so_far],
                        facts=facts)


def corpus(n: int, *, seed: int = 7, size: int = 5000) -> list[SyntheticDoc]:
    """``n`` distinct documents (a reg_key clash is resolved by bumping the nomor)."""
    out, keys = [], set()
    i = 0
    while len(out) < n:
        doc = generate(i, seed=seed, size=size)
        i += 1
        while doc.reg_key in keys:
            doc.nomor = str(int(doc.nomor) + 1000)
            doc.reg_key = f"{doc.jenis_code}/{doc.region_code}/{doc.tahun}/{doc.nomor}"
            doc.judul = doc.judul.replace(" Nomor ", " Nomor ", 1)
        keys.add(doc.reg_key)
        out.append(doc)
    return out


def record(doc: SyntheticDoc) -> dict:
    """The index record of a synthetic document, without a catalogue (for the bench)."""
    from indices.search.records import content_hash, normalise_status, nomor_slug, programs_in
    region = wilayah.by_code()[doc.region_code]
    body = doc.judul + "\n" + doc.text
    passages = [{"kind": f["kind"], "pasal": f["pasal"], "ayat": f["ayat"], "page": f["page"],
                 "start": f["start"], "end": f["end"], "programs": programs_in(f["text"]),
                 "text": f["text"]} for f in doc.facts]
    rec = {"reg_key": doc.reg_key, "kind": doc.kind, "title": doc.judul, "body": body,
           "jenis": doc.jenis, "jenis_code": doc.jenis_code, "nomor": doc.nomor,
           "nomor_slug": nomor_slug(doc.nomor), "tahun": doc.tahun,
           "region_code": doc.region_code, "kode_provinsi": region.kode_provinsi or region.kode,
           "status": normalise_status(doc.status), "programs": programs_in(body),
           "fact_kinds": sorted({f["kind"] for f in doc.facts}),
           "has_obligation": any(f["kind"] == "obligation" for f in doc.facts),
           "passages": passages}
    rec["content_hash"] = content_hash(rec)
    return rec


def store(cat, docs: list[SyntheticDoc], *, extractor_version: str = "synthetic-1") -> None:
    """Put synthetic documents into a catalogue as the importer would (with their facts)."""
    import hashlib

    from katalog import importer
    from katalog.models import Fact, PageText
    with cat.session() as s:
        for d in docs:
            up = importer.upsert_document(s, d.reg_key, {
                "jenis": d.jenis, "jenis_code": d.jenis_code, "nomor": d.nomor, "tahun": d.tahun,
                "region_code": d.region_code, "tentang": d.tentang, "judul": d.judul,
                "status": d.status, "kind": d.kind}, origin="feed")
            doc = up.document
            text = d.text
            sha = hashlib.sha256(text.encode()).hexdigest()
            f, _ = importer.upsert_file(s, sha, media_type="text/plain", size=len(text))
            importer.attach_file(s, f, doc)
            f.page_texts.clear()
            s.flush()
            for n, page in enumerate(d.pages, 1):
                f.page_texts.append(PageText(page=n, method="text", quality=1.0, text=page))
            f.text_status = doc.text_status = "ok"
            for fact in d.facts:
                s.add(Fact(document_id=doc.id, extractor_version=extractor_version, **fact))
