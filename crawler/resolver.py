"""Name resolution a crawl can pin: a hosts file (``/etc/hosts`` format) whose names resolve to
the addresses it gives, and, with ``hosts_only``, no other name resolves at all.

A loopback test world of a hundred JDIH sites (``jdih.batangkab.go.id`` … on 127.0.0.1) needs
every name answered from the table and none from real DNS; an operator can use the same file to
pin a JDIH that lives inside a government network. The table is installed once per process
(Scrapy's ``TWISTED_DNS_RESOLVER``, and :func:`lookup` for ``crawler.safety``), because both the
reactor's resolver and the safety check resolve names process-wide.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

# name -> address; installed by ``install`` (None: no override, the system resolver answers)
_TABLE: dict[str, str] | None = None
_ONLY = False
_GENERATION = 0


class HostsFileError(ValueError):
    """The hosts file cannot be used; the message names the file and the line."""


def parse_hosts(text: str, origin: str = "hosts") -> dict[str, str]:
    """``address name [name…]`` lines (``#`` starts a comment) -> {name: address}."""
    table: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        address, *names = line.split()
        try:
            ipaddress.ip_address(address)
        except ValueError as exc:
            raise HostsFileError(f"{origin}:{n}: {address!r} is not an IP address") from exc
        if not names:
            raise HostsFileError(f"{origin}:{n}: no host name after {address}")
        for name in names:
            table[name.lower().rstrip(".")] = address
    return table


def load_hosts(path: str | os.PathLike) -> dict[str, str]:
    path = Path(path)
    try:
        return parse_hosts(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise HostsFileError(f"{path}: cannot read the hosts file: {exc}") from exc


def install(table: dict[str, str] | None, only: bool = False) -> None:
    """Make ``table`` the process's name overrides; ``only``: names outside it do not resolve."""
    global _TABLE, _ONLY, _GENERATION
    _TABLE, _ONLY = (dict(table) if table is not None else None), bool(only and table is not None)
    _GENERATION += 1


def generation() -> int:
    """Changes whenever the table does (``crawler.safety`` keys its cache of lookups on it)."""
    return _GENERATION


def lookup(host: str) -> str | None | bool:
    """The pinned address of ``host``; ``False`` when the table is exclusive and lacks it; None
    when the system resolver should answer."""
    if _TABLE is None:
        return None
    host = host.lower().rstrip(".")
    if host in _TABLE:
        return _TABLE[host]
    if host == "localhost":
        return "127.0.0.1"
    return False if _ONLY else None


class OverrideResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, answering first from the settings' hosts table
    (``PANTAU_HOSTS``: {name: address}; ``PANTAU_HOSTS_ONLY``: no other name resolves)."""

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        table = crawler.settings.getdict("PANTAU_HOSTS") or None
        install(table, crawler.settings.getbool("PANTAU_HOSTS_ONLY"))
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's interface)
        try:
            ipaddress.ip_address(name)
            return defer.succeed(name)
        except ValueError:
            pass
        pinned = lookup(name)
        if pinned is False:
            return defer.fail(DNSLookupError(f"{name}: not in the hosts file (no other DNS)"))
        if pinned:
            return defer.succeed(pinned)
        return super().getHostByName(name, timeout)
