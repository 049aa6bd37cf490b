"""Storing what ``nlp.extract`` found in a document as ``Fact`` rows, with their evidence.

A document's facts are replaced as a whole in one transaction, so re-running extraction never
duplicates them and a crash leaves either the old facts or the new ones.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .importer import jsonable
from .models import Document, Fact

# extraction result key -> Fact.kind
KINDS = {"obligations": "obligation", "targets": "target", "references": "reference",
         "relations": "relation", "clauses": "clause"}


def store_extraction(session: Session, doc: Document, file_sha256: str | None, result: dict) -> int:
    """Replace the facts that came from ``file_sha256`` with ``result``; returns how many stored."""
    session.execute(delete(Fact).where(Fact.document_id == doc.id,
                                       Fact.file_sha256 == file_sha256 if file_sha256
                                       else Fact.file_sha256.is_(None)))
    version = str(result.get("extractor_version", "?"))
    n = 0
    seen: set[tuple] = set()
    for key, kind in KINDS.items():
        for i, item in enumerate(result.get(key) or []):
            start = int(item.get("start") if item.get("start") is not None else -1 - i)
            end = int(item.get("end") if item.get("end") is not None else start)
            ident = (kind, start, end)
            if ident in seen:
                continue  # the same span found twice by one extractor: keep the first
            seen.add(ident)
            session.add(Fact(document_id=doc.id, file_sha256=file_sha256, kind=kind,
                             pasal=_s(item.get("pasal")), ayat=_s(item.get("ayat")),
                             page=item.get("page"), start=start, end=end,
                             text=str(item.get("text") or "")[:4000], data=jsonable(item),
                             extractor_version=version))
            n += 1
    relevance = result.get("relevance")
    if relevance is not None:
        # every relevance term with its clause and section travels with the relevance fact
        relevance = {**relevance, "mentions": result.get("mentions") or []}
        session.add(Fact(document_id=doc.id, file_sha256=file_sha256, kind="relevance", start=-10**6,
                         end=-10**6, text="", data=jsonable(relevance), extractor_version=version))
        n += 1
    session.flush()
    return n


def apply_document_metadata(doc: Document, meta: dict) -> None:
    """Fill dates the text states (ditetapkan/diundangkan) that the catalogue does not know yet."""
    for field in ("tanggal_ditetapkan", "tanggal_diundangkan"):
        value = meta.get(field)
        if value and getattr(doc, field) is None:
            try:
                setattr(doc, field, date.fromisoformat(str(value)[:10]))
            except ValueError:
                pass


def _s(value) -> str | None:
    return None if value in (None, "") else str(value)
