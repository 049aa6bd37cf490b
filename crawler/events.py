"""What spiders report besides documents: problems to record and listings read successfully.

Spiders never write to the catalogue; they yield these next to ``DocumentItem``s and the pipeline
records them (``Failure`` rows, or marks earlier failures of a listing URL resolved).

Failure stages used by the crawler:
- ``fetch``: a URL could not be downloaded (``http_404``, ``timeout``, ``connection_refused``,
  ``dns_error``, ``robots_forbidden``, ``too_large``, ``not_pdf``, ...);
- ``crawl``: a listing was fetched but cannot be used (``malformed_json``, ``unexpected_shape``,
  ``bad_record``, ``invalid_item``), a spider raised (``spider_exception``), or the source
  cannot be crawled at all (``unsupported_kind``, ``missing_credentials``);
- ``metadata``: recorded by ``indices.crawl_import`` (``no_identity``).
"""

from __future__ import annotations

from pydantic import BaseModel


class CrawlProblem(BaseModel):
    """Something that went wrong at ``locator`` (a URL); recorded as a ``Failure``."""

    stage: str = "crawl"
    locator: str
    reason: str
    detail: str = ""


class ListingParsed(BaseModel):
    """A listing page (feed page, news index) was fetched and read: earlier failures of that
    URL are resolved."""

    url: str
    records: int = 0
