"""Score :func:`nlp.extract.extract_document` against the hand-annotated gold set in ``tests/gold``.

``python -m nlp.evaluate [-v] [--set real|heldout|heldout2|heldout3|all] [--source text|pdf]`` prints precision, recall and F1 per fact kind
and overall, then the secondary scores (document fields, relevance sets, obligation bearers).

Match rules (see ``tests/gold/README.md``): obligations by (pasal, ayat, modality), targets by
(kind, value), references by (jenis, nomor, tahun), relations by (type, target jenis, nomor,
tahun), regions by code. Facts are multisets: two "dapat" in one ayat are two facts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
# The gold sets: the real documents (annotated from the Batang PDFs and the seed articles), and
# three batches of hand-written snippets in other regions' styles and drafting forms, each scored
# once before the extractor was adjusted to it (first-run scores in tests/gold/README.md).
GOLD_SETS = {"real": GOLD, "heldout": GOLD / "heldout", "heldout2": GOLD / "heldout2",
             "heldout3": GOLD / "heldout3"}
FACT_KINDS = ("obligations", "targets", "references", "relations", "regions")
DOC_FIELDS = ("jenis_code", "nomor", "tahun", "region_code", "tentang", "tanggal_ditetapkan",
              "tanggal_diundangkan", "reg_key", "signatory")
RELEVANCE_SETS = ("programs", "groups", "funding")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter, got: Counter) -> tuple[Counter, Counter]:
        both = gold & got
        self.tp += sum(both.values())
        missed, extra = gold - got, got - gold
        self.fn += sum(missed.values())
        self.fp += sum(extra.values())
        return missed, extra


@dataclass
class Report:
    kinds: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in FACT_KINDS})
    fields: Counter = field(default_factory=Counter)  # field -> correct
    fields_total: Counter = field(default_factory=Counter)
    relevance: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in RELEVANCE_SETS})
    flags_correct: Counter = field(default_factory=Counter)
    flags_total: Counter = field(default_factory=Counter)
    bearers_correct: int = 0
    bearers_total: int = 0
    provisions_correct: int = 0  # relations whose amended/revoked Pasal list is exactly the gold's
    provisions_total: int = 0
    documents: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        s = Score()
        for k in self.kinds.values():
            s.tp, s.fp, s.fn = s.tp + k.tp, s.fp + k.fp, s.fn + k.fn
        return s


def _value(v):
    if isinstance(v, (int, float)):
        return round(float(v), 4)
    return v


def _keys(kind: str, facts: list[dict]) -> Counter:
    if kind == "obligations":
        return Counter((f.get("pasal"), f.get("ayat"), f["modality"]) for f in facts)
    if kind == "targets":
        return Counter((f["kind"], _value(f["value"])) for f in facts)
    if kind == "references":
        return Counter((f["jenis_code"], (f.get("nomor") or "").lower() or None, f.get("tahun"))
                       for f in facts)
    if kind == "relations":
        return Counter((f["type"], f["target"]["jenis_code"], f["target"].get("nomor"),
                        f["target"].get("tahun")) for f in facts)
    if kind == "regions":
        return Counter(f if isinstance(f, str) else f["code"] for f in facts)
    raise ValueError(kind)


def _norm_bearer(b: str | None) -> str | None:
    if not b:
        return None
    return re.sub(r"\s+", " ", re.sub(r"^(?:setiap|tiap|seluruh|semua)\s+", "", b.lower())).strip()


def load_gold(gold_dir: Path = GOLD) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]


def read_text(path: Path) -> str:
    """A gold text file without its "#" header lines."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return "\n".join(lines[i:])


def load_source(gold: dict, *, source: str = "text"):
    """(text, pages) of a gold document: a transcription or seed text, or its PDF's text."""
    src = gold["source"]
    if "text" in src and (source == "text" or "pdf" not in src):
        return read_text(ROOT / src["text"]), None
    import inspect

    from nlp.text import extract_text

    path = ROOT / src["pdf"]
    # A scan needs OCR; nlp.text does it when asked (and where tesseract is installed).
    kwargs = {"ocr": True} if source == "pdf" and "ocr" in inspect.signature(extract_text).parameters else {}
    ext = extract_text(path.read_bytes(), filename=path.name, **kwargs)
    return ext.text, ext


def evaluate(gold_dir: Path = GOLD, *, source: str = "text", texts: dict | None = None) -> Report:
    """Run the extractor on every gold document and score it. ``texts`` may map a gold id to a
    preloaded ``(text, pages)``."""
    from nlp.extract import extract_document

    report = Report()
    for gold in load_gold(gold_dir):
        text, pages = (texts or {}).get(gold["id"]) or load_source(gold, source=source)
        out = extract_document(text, pages=pages, kind=gold["kind"],
                               region_hint=gold.get("region_hint"))
        report.documents += 1
        for kind in FACT_KINDS:
            missed, extra = report.kinds[kind].add(_keys(kind, gold.get(kind, [])), _keys(kind, out[kind]))
            for key in missed.elements():
                report.details.append(f"{gold['id']}: missed {kind} {key}")
            for key in extra.elements():
                report.details.append(f"{gold['id']}: extra  {kind} {key}")
        # bearers of matched obligations
        got_by_key: dict[tuple, list] = {}
        for o in out["obligations"]:
            got_by_key.setdefault((o["pasal"], o["ayat"], o["modality"]), []).append(o)
        for g in gold.get("obligations", []):
            cands = got_by_key.get((g.get("pasal"), g.get("ayat"), g["modality"]))
            if not cands:
                continue
            o = cands.pop(0)
            report.bearers_total += 1
            if _norm_bearer(o["bearer"]) == _norm_bearer(g.get("bearer")):
                report.bearers_correct += 1
            else:
                report.details.append(f"{gold['id']}: bearer {o['bearer']!r} != {g.get('bearer')!r} "
                                      f"(Pasal {g.get('pasal')} ayat {g.get('ayat')})")
        got_relations = {_keys("relations", [r]).most_common(1)[0][0]: r for r in out["relations"]}
        for g in gold.get("relations", []):
            r = got_relations.get(_keys("relations", [g]).most_common(1)[0][0])
            if r is None or "provisions" not in g:
                continue
            report.provisions_total += 1
            if r["provisions"] == g["provisions"]:
                report.provisions_correct += 1
            else:
                report.details.append(f"{gold['id']}: provisions {r['provisions']} != {g['provisions']}")
        for f in DOC_FIELDS:
            if f not in gold.get("document", {}):
                continue
            expected, got = gold["document"][f], out["document"].get(f)
            if f == "tentang" and expected and got:
                expected, got = expected.lower(), got.lower()
            report.fields_total[f] += 1
            if expected == got:
                report.fields[f] += 1
            else:
                report.details.append(f"{gold['id']}: document.{f} {got!r} != {expected!r}")
        rel = gold.get("relevance", {})
        for s in RELEVANCE_SETS:
            if s in rel:
                missed, extra = report.relevance[s].add(Counter(rel[s]), Counter(out["relevance"][s]))
                for key in missed:
                    report.details.append(f"{gold['id']}: missed {s} {key}")
                for key in extra:
                    report.details.append(f"{gold['id']}: extra  {s} {key}")
        for flag in ("jamsostek", "implements_inpres_2_2021"):
            if flag in rel:
                report.flags_total[flag] += 1
                if rel[flag] == out["relevance"][flag]:
                    report.flags_correct[flag] += 1
                else:
                    report.details.append(f"{gold['id']}: relevance.{flag} {out['relevance'][flag]} != {rel[flag]}")
    return report


def format_report(report: Report, verbose: bool = False) -> str:
    lines = [f"Gold documents: {report.documents}", "",
             f"{'fact kind':<14}{'gold':>6}{'found':>7}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for name, s in [*report.kinds.items(), ("overall", report.overall)]:
        lines.append(f"{name:<14}{s.tp + s.fn:>6}{s.tp + s.fp:>7}{s.tp:>6}"
                     f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    lines += ["", f"{'relevance set':<14}{'gold':>6}{'found':>7}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for name, s in report.relevance.items():
        lines.append(f"{name:<14}{s.tp + s.fn:>6}{s.tp + s.fp:>7}{s.tp:>6}"
                     f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    lines.append("")
    for flag, total in report.flags_total.items():
        lines.append(f"relevance.{flag}: {report.flags_correct[flag]}/{total}")
    lines.append(f"obligation bearers (matched obligations): {report.bearers_correct}/{report.bearers_total}")
    lines.append(f"relation provisions (matched relations): {report.provisions_correct}/{report.provisions_total}")
    for f in DOC_FIELDS:
        if report.fields_total[f]:
            lines.append(f"document.{f}: {report.fields[f]}/{report.fields_total[f]}")
    if verbose and report.details:
        lines += ["", *report.details]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and extra")
    ap.add_argument("--source", choices=("text", "pdf"), default="text",
                    help="for gold documents with both, read the transcription (text) or the PDF "
                         "through nlp.text (pdf: OCR for scans)")
    ap.add_argument("--set", choices=[*GOLD_SETS, "all"], default="all",
                    help="which gold set to score (default: each, then all together)")
    ap.add_argument("--gold", type=Path, help="score the gold files in this directory instead")
    args = ap.parse_args(argv)
    if args.gold:
        print(format_report(evaluate(args.gold, source=args.source), args.verbose))
        return 0
    names = list(GOLD_SETS) if args.set == "all" else [args.set]
    reports = {}
    for name in names:
        reports[name] = evaluate(GOLD_SETS[name], source=args.source)
        print(f"=== {name} ({GOLD_SETS[name].relative_to(ROOT)})")
        print(format_report(reports[name], args.verbose))
        print()
    if len(reports) > 1:
        print("=== all sets")
        print(format_report(merge(reports.values())))
    return 0


def merge(reports) -> Report:
    out = Report()
    for r in reports:
        out.documents += r.documents
        for k, s in r.kinds.items():
            t = out.kinds[k]
            t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
        for k, s in r.relevance.items():
            t = out.relevance[k]
            t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
        out.fields.update(r.fields)
        out.fields_total.update(r.fields_total)
        out.flags_correct.update(r.flags_correct)
        out.flags_total.update(r.flags_total)
        out.bearers_correct += r.bearers_correct
        out.bearers_total += r.bearers_total
        out.provisions_correct += r.provisions_correct
        out.provisions_total += r.provisions_total
        out.details += r.details
    return out


if __name__ == "__main__":
    sys.exit(main())
