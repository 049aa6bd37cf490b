"""What spiders report besides documents: problems to record, listings read, things unchanged.

Spiders never write to the catalogue; they yield these next to ``DocumentItem``s and the pipeline
records them (``Failure`` rows, resolved failures, refreshed sightings).

Failure stages used by the crawler:
- ``fetch``: a URL could not be downloaded (``http_404``, ``timeout``, ``connection_refused``,
  ``dns_error``, ``robots_forbidden``, ``too_large``, ``not_pdf``, ``offsite``, ...);
- ``crawl``: a listing was fetched but cannot be used (``malformed_json``, ``unexpected_shape``,
  ``bad_record``, ``invalid_item``, ``no_api_key``), a spider raised (``spider_exception``), or
  the source cannot be crawled at all (``unsupported_kind``, ``missing_credentials``);
- ``metadata``: recorded by ``crawler.store`` (``no_identity``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class CrawlProblem(BaseModel):
    """Something that went wrong at ``locator`` (a URL); recorded as a ``Failure``."""

    stage: str = "crawl"
    locator: str
    reason: str
    detail: str = ""


class ListingParsed(BaseModel):
    """A listing page (feed page, index, search page) was fetched and read: earlier failures of
    that URL are resolved. ``next_url`` is the page after it, if any."""

    url: str
    records: int = 0
    next_url: str | None = None


class Unchanged(BaseModel):
    """Nothing changed at ``url`` since it was last stored, so nothing was downloaded.

    ``why``: ``not_modified`` (the server answered 304 to a conditional request) or
    ``last_updated`` (a feed record's ``lastUpdated`` is the one stored). For a detail page or
    record the documents seen there count as unchanged and their sightings are refreshed; for a
    listing (``listing=True``) only the run's statistics change.
    """

    url: str
    why: Literal["not_modified", "last_updated"] = "not_modified"
    listing: bool = False


class ListingCheckpoint(BaseModel):
    """A page of a listing was read: kept (``crawl_checkpoint``) until every listing of the source
    has been read to its end, so a crawl that stops early resumes after this page.

    ``listing`` names the listing (for BPK ``<keywords>|<jenis code>``), ``entries`` what the page
    listed (what the crawl needs to go on without fetching it again), ``last`` that the listing
    ended here (the page was empty).
    """

    listing: str
    page: int
    url: str
    entries: list = []
    last: bool = False
