"""The spider for each source kind; a region's source is a row in the registry, not code."""

from __future__ import annotations

from crawler.spiders.base.bpk import BpkSpider
from crawler.spiders.base.common import SourceSpider
from crawler.spiders.base.jdih_cms import BaghukumSpider, IldisSpider
from crawler.spiders.base.jdihn_feed import JdihnFeedSpider
from crawler.spiders.base.news import NewsSpider

# kind (as written in sources.yaml) -> spider class. Kinds missing here (another
# jdih_cms:<family>) are valid registry entries whose crawl is recorded as "unsupported_kind".
SPIDERS: dict[str, type[SourceSpider]] = {
    cls.kind: cls for cls in (JdihnFeedSpider, BaghukumSpider, IldisSpider, BpkSpider, NewsSpider)
}


def spider_for(kind: str) -> type[SourceSpider] | None:
    return SPIDERS.get(kind)
