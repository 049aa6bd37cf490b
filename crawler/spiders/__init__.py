"""The spider for each source kind; a region's source is a row in the registry, not code.

One module per source family (``jdihn_feed``, ``jdih_cms`` for the baghukum and ILDIS CMSs,
``jdihcms`` for the Laravel JDIH CMS, ``generic`` for any other site read by its links, ``bpk``,
``news``), each spider a subclass of ``base.SourceSpider``; the regulation spiders share
``records.RegulationRecords``, which reads a catalogue record into a ``DocumentItem``.
"""

from __future__ import annotations

from crawler.spiders.base import SourceSpider
from crawler.spiders.bpk import BpkSpider
from crawler.spiders.generic import GenericSpider
from crawler.spiders.jdih_cms import BaghukumSpider, IldisSpider
from crawler.spiders.jdihcms import JdihcmsSpider
from crawler.spiders.jdihn_feed import JdihnFeedSpider
from crawler.spiders.news import NewsSpider

# kind (as written in sources.yaml) -> spider class. Kinds missing here (another
# jdih_cms:<family>) are valid registry entries whose crawl is recorded as "unsupported_kind".
SPIDERS: dict[str, type[SourceSpider]] = {
    cls.kind: cls for cls in (JdihnFeedSpider, BaghukumSpider, IldisSpider, JdihcmsSpider,
                              GenericSpider, BpkSpider, NewsSpider)
}


def spider_for(kind: str) -> type[SourceSpider] | None:
    return SPIDERS.get(kind)
