"""The embedded search index (SQLite FTS5, BM25): zero setup, rebuilt from the catalogue at will.

It lives in its own SQLite file under ``<data_dir>/index/`` so it works whatever database holds
the catalogue, and it is kept in step by content hash: ``sync`` (re)indexes exactly the documents
whose searchable content changed, so it is idempotent and safe to re-run after a crash.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .catalogue import Catalogue
from .models import Document, DocumentFile, Region

SCHEMA_VERSION = "1"
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


@dataclass
class Hit:
    reg_key: str
    title: str
    score: float
    snippet_html: str
    region_code: str | None
    jenis_code: str | None
    tahun: int | None


@dataclass
class ResultPage:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class ParsedQuery:
    """Words and "exact phrases" that must all match, and -words that must not."""

    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)

    def to_fts(self) -> str | None:
        if not self.must:
            return None
        quote = lambda t: '"' + t.replace('"', '""') + '"'  # noqa: E731 - every term is quoted, so no FTS syntax leaks in
        expr = " ".join(quote(t) for t in self.must)
        for t in self.must_not:
            expr = f"({expr}) NOT {quote(t)}"
        return expr


def parse_query(q: str) -> ParsedQuery:
    out = ParsedQuery()
    for m in re.finditer(r'(-?)"([^"]*)"|(\S+)', q or ""):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if phrase is not None:
            term, is_neg = phrase.strip(), bool(neg)
        else:
            is_neg = word.startswith("-") and len(word) > 1
            term = word[1:] if is_neg else word
        term = re.sub(r"[^\w\s./-]", " ", term).strip()
        if not term:
            continue
        (out.must_not if is_neg else out.must).append(term)
    return out


def document_content(doc: Document) -> tuple[str, str]:
    """(title, body) of a document as indexed: its metadata and the text of its files."""
    title = doc.judul or " ".join(x for x in (doc.jenis, f"Nomor {doc.nomor}" if doc.nomor else None,
                                              f"Tahun {doc.tahun}" if doc.tahun else None,
                                              f"tentang {doc.tentang}" if doc.tentang else None) if x)
    parts = [doc.tentang or ""]
    for f in doc.files:
        parts.extend(p.text for p in f.page_texts)
    return title or doc.reg_key, "\n".join(p for p in parts if p)


class EmbeddedSearch:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._create()

    @classmethod
    def for_catalogue(cls, cat: Catalogue) -> "EmbeddedSearch":
        return cls(cat.settings.index_dir / "fts5.sqlite")

    def _create(self) -> None:
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS docs(
                id INTEGER PRIMARY KEY, reg_key TEXT UNIQUE NOT NULL, title TEXT, body TEXT,
                region_code TEXT, kode_provinsi TEXT, jenis_code TEXT, tahun INTEGER,
                status TEXT, content_hash TEXT);
            CREATE INDEX IF NOT EXISTS docs_prov ON docs(kode_provinsi);
            CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
                title, body, content='docs', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2');
            CREATE TRIGGER IF NOT EXISTS docs_ai AFTER INSERT ON docs BEGIN
                INSERT INTO docs_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END;
            CREATE TRIGGER IF NOT EXISTS docs_ad AFTER DELETE ON docs BEGIN
                INSERT INTO docs_fts(docs_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title, old.body); END;
        """)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self.db.commit()

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def sync(self, cat: Catalogue, progress=None) -> dict[str, int]:
        """Bring the index in line with the catalogue; returns counts of what changed."""
        stats = {"baru": 0, "diperbarui": 0, "dihapus": 0, "tetap": 0}
        known = dict(self.db.execute("SELECT reg_key, content_hash FROM docs"))
        seen: set[str] = set()
        with cat.session() as s:
            provinces = dict(s.execute(select(Region.kode, Region.kode_provinsi)).all())
            q = (select(Document).options(selectinload(Document.files)
                                          .selectinload(DocumentFile.page_texts))
                 .execution_options(yield_per=200))
            for doc in s.scalars(q):
                title, body = document_content(doc)
                prov = provinces.get(doc.region_code) or doc.region_code if doc.region_code else None
                row = (doc.reg_key, title, body, doc.region_code, prov, doc.jenis_code, doc.tahun,
                       doc.status)
                h = hashlib.sha256(repr(row).encode()).hexdigest()
                seen.add(doc.reg_key)
                if known.get(doc.reg_key) == h:
                    stats["tetap"] += 1
                    continue
                # delete + insert keeps the external-content FTS table exact
                self.db.execute("DELETE FROM docs WHERE reg_key = ?", (doc.reg_key,))
                self.db.execute("INSERT INTO docs(reg_key, title, body, region_code, kode_provinsi,"
                                " jenis_code, tahun, status, content_hash) VALUES (?,?,?,?,?,?,?,?,?)",
                                (*row, h))
                stats["diperbarui" if doc.reg_key in known else "baru"] += 1
                if progress:
                    progress(doc.reg_key)
        for key in set(known) - seen:
            self.db.execute("DELETE FROM docs WHERE reg_key = ?", (key,))
            stats["dihapus"] += 1
        self.db.commit()
        return stats

    def rebuild(self, cat: Catalogue) -> dict[str, int]:
        self.db.executescript("DELETE FROM docs; INSERT INTO docs_fts(docs_fts) VALUES('rebuild');")
        self.db.commit()
        return self.sync(cat)

    def search(self, q: str, *, filters: dict[str, str] | None = None, page: int = 1,
               per_page: int = 10) -> ResultPage:
        page, per_page = max(1, page), max(1, min(per_page, 100))
        result = ResultPage(query=q, total=0, page=page, per_page=per_page)
        expr = parse_query(q).to_fts()
        if expr is None:
            return result
        where, args = ["docs_fts MATCH ?"], [expr]
        for col in ("region_code", "kode_provinsi", "jenis_code", "tahun", "status"):
            if filters and filters.get(col):
                where.append(f"d.{col} = ?")
                args.append(filters[col])
        cond = " AND ".join(where)
        try:
            result.total = self.db.execute(
                f"SELECT count(*) FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid WHERE {cond}",
                args).fetchone()[0]
            rows = self.db.execute(
                f"SELECT d.reg_key, d.title, bm25(docs_fts, 10.0, 1.0) AS score,"
                f" snippet(docs_fts, 1, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', 24),"
                f" d.region_code, d.jenis_code, d.tahun"
                f" FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid WHERE {cond}"
                f" ORDER BY score LIMIT ? OFFSET ?", [*args, per_page, (page - 1) * per_page])
            for reg_key, title, score, snip, region, jenis, tahun in rows:
                result.hits.append(Hit(reg_key, title, -score, _safe_highlight(snip), region,
                                       jenis, tahun))
        except sqlite3.OperationalError:
            # a query FTS5 cannot parse is a query with no results, never an error page
            result.total, result.hits = 0, []
        return result

    def close(self) -> None:
        self.db.close()


def _safe_highlight(snippet: str) -> str:
    """Escape untrusted text, then turn our private markers into <mark> tags."""
    return html.escape(snippet or "").replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")
