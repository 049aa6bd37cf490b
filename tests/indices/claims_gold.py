"""Build a catalogue from the claims gold set (tests/gold/claims/claims.yaml) through the normal
ingest path, compute the adoption index, and score it against the annotations.

Used by tests/indices/test_claims.py and by ``python -m tests.indices.claims_gold`` (which prints
the score table for a closing note).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from indices import adoption
from katalog import importer
from katalog.db import Catalogue
from katalog.ingest import ingest_paths
from katalog.models import AdoptionStatus, Document
from katalog.vocab import DocumentKind, RunStatus
from pantau.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "gold" / "claims" / "claims.yaml"
TODAY = date(2026, 12, 1)  # repeals and amendments are judged as of this day


def load_gold() -> dict:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def build(data_dir: Path, gold: dict | None = None) -> tuple[Catalogue, dict[str, str]]:
    """A catalogue holding every gold document, the monitored regions' source run finished, and
    the adoption index computed. Returns (catalogue, document id -> reg_key)."""
    gold = gold or load_gold()
    settings = load_settings(data_dir=str(data_dir), config_file=str(data_dir / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    keys: dict[str, str] = {}
    for doc in gold["documents"]:
        kind = DocumentKind.NEWS if doc["kind"] == "news" else DocumentKind.REGULATION
        # news: no hint, the region is read from the article as the crawler reads it
        hint = doc.get("region") if kind == DocumentKind.REGULATION else None
        summary = ingest_paths(cat, [REPO / doc["file"]], region_hint=hint, kind=kind)
        res = summary.results[0]
        assert res.outcome != "failed", f"{doc['id']}: {res.reason} {res.detail}"
        keys[doc["id"]] = res.reg_key
        if kind == DocumentKind.NEWS and doc.get("published"):
            # the crawler reads a page's date from its meta tags; these texts have none
            with cat.session() as s:
                d = s.scalar(select(Document).where(Document.reg_key == res.reg_key))
                d.published_on = d.published_on or date.fromisoformat(doc["published"])
    with cat.session() as s:
        src = importer.get_or_create_source(s, "gold-jdih", "jdih_cms:baghukum",
                                            url="http://127.0.0.1/gold",
                                            config={"regions": gold["monitored"]})
        run = importer.start_run(s, src)
        importer.finish_run(s, run, RunStatus.FINISHED, "gold")
    adoption.compute(cat, today=TODAY)
    return cat, keys


@dataclass
class Score:
    total: int = 0
    status: int = 0
    since: int = 0
    evidence: int = 0
    evidence_total: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "—"  # noqa: E731
        return (f"{self.total} claims: status {self.status}/{self.total} ({pct(self.status, self.total)}), "
                f"since {self.since}/{self.total} ({pct(self.since, self.total)}), evidence "
                f"{self.evidence}/{self.evidence_total} ({pct(self.evidence, self.evidence_total)})")


def score(cat: Catalogue, keys: dict[str, str], gold: dict | None = None) -> Score:
    gold = gold or load_gold()
    out = Score()
    with cat.session() as s:
        got = {(st.region_code, st.indicator): st for st in s.scalars(select(AdoptionStatus))}
        region_of = dict(s.execute(select(Document.reg_key, Document.region_code)).all())
    for doc in gold["documents"]:
        if doc["kind"] == "news" and doc.get("region") != region_of.get(keys[doc["id"]]):
            out.errors.append(f"{doc['id']}: region {region_of.get(keys[doc['id']])}, "
                              f"annotated {doc.get('region')}")
    for region, indicators in gold["claims"].items():
        for ind, want in indicators.items():
            out.total += 1
            st = got.get((region, ind))
            status = st.status if st else "tidak_terpantau"
            since = st.since.isoformat() if st and st.since else None
            where = f"{region} {ind}"
            if status == want["status"]:
                out.status += 1
            else:
                out.errors.append(f"{where}: status {status}, annotated {want['status']}")
            if since == want.get("since"):
                out.since += 1
            else:
                out.errors.append(f"{where}: since {since}, annotated {want.get('since')}")
            ev = want.get("evidence")
            if not ev:
                continue
            out.evidence_total += 1
            items = (st.evidence or {}).get("documents" if want["status"] == "ada" else "news") \
                if st else None
            docs = ev["document"] if isinstance(ev["document"], list) else [ev["document"]]
            allowed_keys = {keys[d] for d in docs}
            first = (items or [{}])[0]
            clause_ok = True
            if ev.get("clause"):
                cites = {str(c.get("cite")) for c in (first.get("clauses") or [])[:1]}
                clause_ok = bool(cites & {str(c) for c in ev["clause"]})
            if first.get("reg_key") in allowed_keys and clause_ok:
                out.evidence += 1
            else:
                shown = [(c.get("cite"), c.get("label")) for c in (first.get("clauses") or [])[:1]]
                out.errors.append(f"{where}: evidence {first.get('reg_key')} {shown}, annotated "
                                  f"{sorted(allowed_keys)} {ev.get('clause')}")
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cat, keys = build(Path(tmp))
        result = score(cat, keys)
        print(result.line())
        for e in result.errors:
            print("  ✗", e)
        cat.dispose()
    return 0 if not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
