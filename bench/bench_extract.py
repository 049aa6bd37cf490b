"""Extraction throughput: ``nlp.extract.extract_document`` on the real regulation texts repeated to
about 1 MB, against the bare ``spacy.blank("id")`` tokenizer on the same documents, in the same
run and the same process (one core). Repeated documents meet a warm tokenizer cache, so the
first sight of each distinct document is measured too, in fresh processes; and the cold start
of a worker process."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real"
TEXT_LAYER = ["sosial-perbup-30-2024.pdf", "sosial-perda-2-2023.pdf",
              "sosial-abstrak-perbup-20-2025.pdf", "sosial-abstrak-perda-2-2023.pdf"]
TRANSCRIPTION = ROOT / "tests" / "gold" / "texts" / "perbup-20-2025.txt"
TARGET_BYTES = 1_000_000
REPEAT = 3


def _base_documents() -> list[str]:
    from nlp.evaluate import read_text
    from nlp.text import extract_text

    base = [extract_text((REAL / n).read_bytes(), filename=n).text for n in TEXT_LAYER]
    base.append(read_text(TRANSCRIPTION))
    return base


def _documents() -> list[str]:
    base = _base_documents()
    docs: list[str] = []
    while sum(len(d.encode()) for d in docs) < TARGET_BYTES:
        docs.extend(base)
    return docs


def _median(fn, docs) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn(docs)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


_FIRST_SIGHT = """
import json, sys, time
from bench.bench_extract import _base_documents
from nlp.extract import extract_document, warm_up
from nlp.extract.pipeline import blank_id
docs = _base_documents()
warm_up()
t0 = time.perf_counter()
if sys.argv[1] == "extract":
    for d in docs:
        extract_document(d)
else:
    for d in docs:
        blank_id().make_doc(d)
print(json.dumps({"seconds": time.perf_counter() - t0, "words": sum(len(d.split()) for d in docs),
                  "docs": len(docs)}))
"""


def _first_sight(mode: str) -> dict:
    """Each distinct document once, in a fresh process: spaCy's tokenizer cache starts empty."""
    import json
    runs = [json.loads(subprocess.run([sys.executable, "-c", _FIRST_SIGHT, mode], check=True, cwd=ROOT,
                                      capture_output=True, text=True).stdout) for _ in range(REPEAT)]
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def _cold(code: str) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(work: Path) -> list[dict]:
    from nlp.extract import extract_document, warm_up
    from nlp.extract.pipeline import blank_id

    work.mkdir(parents=True, exist_ok=True)
    docs = _documents()
    words = sum(len(d.split()) for d in docs)
    mb = sum(len(d.encode()) for d in docs) / 1e6
    warm_up()
    nlp = blank_id()

    def tokenize(ds):
        for d in ds:
            nlp.make_doc(d)

    def extract(ds):
        for d in ds:
            extract_document(d)

    tokenize(docs[:5])
    extract(docs[:5])
    t_tok = _median(tokenize, docs)
    t_ext = _median(extract, docs)
    first_ext, first_tok = _first_sight("extract"), _first_sight("tokenize")
    cold_ext = _cold("from nlp.extract import warm_up; warm_up()")
    cold_tok = _cold("import spacy; spacy.blank('id')")
    n = len(docs)
    return [
        {"measure": f"extract words/s, 1 core ({n} docs, {words} words, {mb:.2f} MB)",
         "value": words / t_ext, "unit": "words/s", "reference": "spacy.blank('id') tokenizer",
         "ref_value": words / t_tok, "ratio": t_tok / t_ext},
        {"measure": "extract documents/s, 1 core (regulations of 1-20 pages)",
         "value": n / t_ext, "unit": "docs/s", "reference": "spacy.blank('id') tokenizer",
         "ref_value": n / t_tok, "ratio": t_tok / t_ext},
        {"measure": f"extract words/s, first sight ({first_ext['docs']} distinct docs, empty tokenizer cache)",
         "value": first_ext["words"] / first_ext["seconds"], "unit": "words/s",
         "reference": "spacy.blank('id') tokenizer, whole docs",
         "ref_value": first_tok["words"] / first_tok["seconds"],
         "ratio": first_tok["seconds"] / first_ext["seconds"]},
        {"measure": "worker cold start: import + blank('id') + matchers + patterns",
         "value": cold_ext, "unit": "s", "reference": "import spacy; blank('id')",
         "ref_value": cold_tok, "ratio": cold_ext / cold_tok},
    ]
