"""The spider for news articles: each article page becomes a ``news`` document (evidence grade
"berita"), its HTML kept as the document's file.

Articles come from the source's ``urls``, or from the links on an index page at ``url`` that stay
on the same host (and under the index's path, or matching ``link_pattern``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any, Iterator
from urllib.parse import urlsplit

from scrapy.http import TextResponse

from nlp.extract.news import article_regions, date_in_text, instrument_mentions

from crawler.events import CrawlProblem, ListingParsed
from crawler.spiders.base import SourceSpider

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_META_DATES = ("article:published_time", "og:published_time", "datePublished", "pubdate",
               "publishdate", "date", "dc.date", "dc.date.issued", "sailthru.date")


def _iso_date(value: str | None) -> date | None:
    m = _ISO_PREFIX.match(value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _meta(response: TextResponse, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            v = response.xpath(f"//meta[translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                               f"'abcdefghijklmnopqrstuvwxyz')='{name.lower()}']/@content").get()
            if v and v.strip():
                return " ".join(v.split())
    return None


def _text(nodes) -> str:
    return " ".join(" ".join(t.split()) for t in nodes.getall() if t.strip())


def published_date(response: TextResponse) -> tuple[date | None, str | None]:
    """(date, where it came from): a meta tag, a ``<time datetime>``, or the article text."""
    for name in _META_DATES:
        d = _iso_date(_meta(response, name))
        if d:
            return d, "meta"
    d = _iso_date(response.css("article time::attr(datetime), time::attr(datetime)").get())
    if d:
        return d, "time"
    scope = response.css("article") or response.css("main") or response.css("body")
    d = date_in_text(_text(scope.xpath(".//text()[not(ancestor::script)][not(ancestor::style)]")))
    return (d, "text") if d else (None, None)


def paragraphs(response: TextResponse) -> list[str]:
    """The article's paragraphs (``<p>`` in ``article``/``main``/``body``), outside navigation."""
    scope = response.css("article") or response.css("main") or response.css("body")
    out = []
    for p in scope.xpath(".//p[not(ancestor::nav)][not(ancestor::footer)][not(ancestor::aside)]"):
        t = _text(p.xpath(".//text()[not(ancestor::script)][not(ancestor::style)]"))
        if t:
            out.append(t)
    if not out:  # no <p>: the text blocks of the article, in order
        out = [" ".join(t.split()) for t in scope.xpath(
            ".//text()[not(ancestor::script)][not(ancestor::style)][not(ancestor::nav)]").getall()
            if len(t.split()) > 3]
    return out


class NewsSpider(SourceSpider):
    """Fetches news articles (``kind: news``); one ``DocumentItem(kind="news")`` per article.

    The article's region is the source's ``region`` if it has one, else the one kabupaten/kota
    that dominates the regions named in its headline and lead
    (``nlp.extract.news.region_mentions``); every region named and every numbered instrument
    reported go into the item's record.
    """

    name = "news"
    kind = "news"

    async def start(self):
        if self.source.urls:
            for url in self.source.urls[: self.source.max_pages]:
                yield self.listing_request(url, self.parse_article)
        else:
            yield self.listing_request(self.source.url, self.parse)

    def article_links(self, response: TextResponse) -> list[str]:
        """Links on the index page that lead to articles on the same host."""
        here = urlsplit(response.url)
        base_path = here.path if here.path.endswith("/") else here.path.rsplit("/", 1)[0] + "/"
        pattern = re.compile(self.source.link_pattern) if self.source.link_pattern else None
        out: list[str] = []
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.hostname != here.hostname:
                continue
            if url == response.url or url in out:
                continue
            if pattern is not None:
                if not pattern.search(url):
                    continue
            elif not (parts.path.startswith(base_path) and len(parts.path) > len(base_path)
                      and not parts.path.endswith("/")):
                continue
            out.append(url)
        return out[: self.source.max_pages]

    def parse(self, response, **kwargs: Any) -> Iterator[Any]:
        """The index page."""
        if not isinstance(response, TextResponse):
            yield CrawlProblem(locator=response.url, reason="not_html",
                               detail="the news index is not a text page")
            return
        links = self.article_links(response)
        yield ListingParsed(url=response.url, records=len(links))
        for url in links:
            yield self.listing_request(url, self.parse_article)

    def parse_article(self, response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield CrawlProblem(locator=response.url, reason="not_html",
                               detail="an article URL did not return a text page")
            return
        headline = (_meta(response, "og:title", "twitter:title")
                    or _text(response.css("h1 ::text"))
                    or _text(response.css("title::text")) or None)
        outlet = (_meta(response, "og:site_name", "application-name", "publisher")
                  or _host_outlet(response.url))
        published, published_from = published_date(response)
        yield ListingParsed(url=response.url, records=1)
        if self.too_old(published):
            return
        paras = paragraphs(response)
        detected, mentioned = article_regions(headline, paras)
        region = self.source.region or detected
        region_from = "source" if self.source.region else ("lead" if detected else None)
        instruments = instrument_mentions("\n".join([headline or "", *paras]), region)
        yield {
            "source": self.source.name, "url": response.url,
            "crawled_at": datetime.now(timezone.utc), "kind": "news",
            "judul": headline, "region_code": region, "outlet": outlet,
            "published": published, "body": response.body,
            "media_type": "text/html",
            "record": {"headline": headline, "outlet": outlet,
                       "published": published.isoformat() if published else None,
                       "published_from": published_from,
                       "region_from": region_from, "regions_mentioned": mentioned,
                       "instruments": instruments,
                       "content_type": (response.headers.get("Content-Type") or b"").decode(
                           "latin-1")},
        }


def _host_outlet(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host[4:] if host.startswith("www.") else host
