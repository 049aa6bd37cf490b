"""One datetime type for the catalogue: always timezone-aware UTC, on every database.

PostgreSQL keeps the zone (``timestamptz``); SQLite stores text and gives naive datetimes back.
``UTCDateTime`` makes both give aware UTC datetimes, so no caller has to patch ``tzinfo`` again.
:func:`iso` writes one in the text form the export contract and the API use: UTC, without an
offset (``2026-12-06T04:20:15``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """``value`` as an aware UTC datetime; a naive one is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value: datetime | None, timespec: str = "auto") -> str | None:
    """UTC text without an offset (the form of the export contract), or None."""
    value = as_utc(value)
    return value.replace(tzinfo=None).isoformat(timespec=timespec) if value else None


class UTCDateTime(TypeDecorator):
    """``DateTime(timezone=True)`` that binds and returns aware UTC datetimes on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return as_utc(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)
