"""The spider for each source kind; a region's source is a row in the registry, not code."""

from __future__ import annotations

from crawler.spiders.base.common import SourceSpider
from crawler.spiders.base.jdihn_feed import JdihnFeedSpider
from crawler.spiders.base.news import NewsSpider

# kind (as written in sources.yaml) -> spider class. Kinds missing here (jdih_cms:<family>, bpk)
# are valid registry entries whose crawl is recorded as an "unsupported_kind" failure.
SPIDERS: dict[str, type[SourceSpider]] = {
    JdihnFeedSpider.kind: JdihnFeedSpider,
    NewsSpider.kind: NewsSpider,
}


def spider_for(kind: str) -> type[SourceSpider] | None:
    return SPIDERS.get(kind)
