"""Paging: one page of a longer list, where it stands, and the page numbers on either side of it.

Pages are numbered from 1, ``per_page`` items each. The catalogue listings (``queries``) and the
search result page (``search.result.ResultPage``) are both a :class:`Page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    items: list = field(default_factory=list)
    total: int = 0  # items in the whole list, not on this page
    page: int = 1
    per_page: int = 10

    @classmethod
    def of(cls, rows: list, page: int, per_page: int) -> "Page":
        """Page ``page`` of a list held in memory."""
        start = offset(page, per_page)
        return cls(rows[start:start + per_page], len(rows), page, per_page)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.has_previous else None


def offset(page: int, per_page: int) -> int:
    """How many items come before page ``page``."""
    return (page - 1) * per_page


def clamp(page, per_page, *, default_per_page: int, max_per_page: int,
          max_page: int) -> tuple[int, int]:
    """Page number and size from user input: missing or unreadable values take the defaults (page
    1), and both stay between 1 and their maximum, because a huge page overflows a database
    OFFSET or makes a search engine allocate offset + size result slots."""
    return _bounded(page, 1, max_page), _bounded(per_page, default_per_page, max_per_page)


def _bounded(value, default: int, most: int) -> int:
    try:
        number = default if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        number = default
    return max(1, min(most, number))
