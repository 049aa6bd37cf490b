"""Keeping a crawl away from private networks: no request (first, redirected, or a linked file)
goes to a loopback, private, link-local or otherwise non-public address unless it is the host the
source itself is configured on.

A source may legitimately live on a private address (the demo and fixture sites on 127.0.0.1, a
JDIH inside a government network); what must never happen is a public site — or one taken over —
sending the crawler, by a redirect or a link, to ``169.254.169.254``, ``10.x``, ``[::1]`` or a
name that resolves there. Such a request is refused before any connection is made and recorded
as ``private_address``.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler import resolver

logger = logging.getLogger(__name__)

REASON = "private_address"


class PrivateAddressRefused(IgnoreRequest):
    """A request to a non-public address that is not the source's own configured host."""

    pantau_reason = REASON


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str) -> frozenset[str]:
    """The addresses ``host`` resolves to (an IP literal is itself); empty when it does not."""
    return _resolve(host, resolver.generation())


@lru_cache(maxsize=1024)
def _resolve(host: str, generation: int) -> frozenset[str]:
    host = host.strip("[]")
    try:
        return frozenset({str(ipaddress.ip_address(host))})
    except ValueError:
        pass
    pinned = resolver.lookup(host)  # a hosts file given to the crawl (crawler.resolver)
    if pinned is not None:
        return frozenset({pinned}) if pinned else frozenset()
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return frozenset()
    return frozenset(str(ipaddress.ip_address(info[4][0].split("%", 1)[0])) for info in infos)


def configured_hosts(source) -> set[str]:
    """Host names of the source's own ``url``/``urls`` (not ``allowed_domains``: those must be public)."""
    hosts = set()
    for u in [getattr(source, "url", None), *(getattr(source, "urls", None) or [])]:
        host = urlsplit(u).hostname if u else None
        if host:
            hosts.add(host.lower())
    return hosts


def refusal(url: str, source) -> str | None:
    """Why ``url`` must not be fetched for ``source`` (None when it may be)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return None
    own = configured_hosts(source) if source is not None else set()
    if host in own:
        return None
    addresses = resolve(host)
    private = sorted(a for a in addresses if not is_public(ipaddress.ip_address(a)))
    if not private:
        return None  # public (or unresolvable: the download fails with dns_error as usual)
    own_addresses = set().union(*(resolve(h) for h in own)) if own else set()
    if set(private) <= own_addresses and all(not is_public(ipaddress.ip_address(a))
                                             for a in own_addresses):
        return None  # another name of the source's own private host (localhost for 127.0.0.1)
    return (f"{url} resolves to non-public address {', '.join(private)}, which is not the "
            f"source's own host ({', '.join(sorted(own)) or 'none'})")


class PrivateAddressMiddleware:
    """Downloader middleware: refuses any request for which :func:`refusal` gives a reason.

    It sees every request, including those RedirectMiddleware makes from a ``Location`` and the
    file downloads of the item pipeline, so a redirect chain is checked hop by hop.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        spider = spider or getattr(self.crawler, "spider", None)
        why = refusal(request.url, getattr(spider, "source", None))
        if why is None:
            return None
        self.crawler.stats.inc_value("pantau/private_address_refused")
        logger.warning("refused: %s", why)
        raise PrivateAddressRefused(why)
