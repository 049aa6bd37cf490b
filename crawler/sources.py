"""The sources registry (``sources.yaml``): which sites and feeds to crawl, and how politely.

Each entry names one source; its ``kind`` picks the base spider (``crawler.spiders.SPIDERS``):

- ``jdihn_feed``: a JDIH member's JDIHN integration feed (JSON records with ``judul``,
  ``noPeraturan``, ``teuBadan``, ``urlDownload`` …, as BPHN's ILDIS integration documents it);
- ``jdih_cms:<family>``: the HTML site of a common JDIH CMS: ``jdih_cms:baghukum`` (the
  CodeIgniter CMS of JDIH Batang; ``tags`` selects the listings), ``jdih_cms:ildis`` (BPHN's
  ILDIS, Yii2; ``url`` is a listing such as ``/dokumen/peraturan``) or ``jdih_cms:jdihcms`` (the
  Laravel JDIH CMS; its JSON API, else its HTML listing); ``jdih_cms:generic`` reads any other
  site by its links (``url`` its home or listing page; documents found so carry
  ``"confidence": "generic"`` in their record);
- ``bpk``: peraturan.bpk.go.id, searched with ``keywords`` and ``jenis`` and kept to the
  ``regions`` (or ``region``) configured; ``regions: all`` keeps every one of the 552 regions;
- ``news``: news articles, listed in ``urls`` or linked from an index page at ``url``.

A kind without a spider yet is valid here; the runner records it as an ``unsupported_kind``
failure of that source. Every source has a re-crawl interval (``recrawl``; by default a day for
feeds and news, a week for HTML sites and BPK) that ``pantau crawl --due`` honours.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pantau import wilayah

KINDS = ("jdihn_feed", "jdih_cms:baghukum", "jdih_cms:ildis", "jdih_cms:jdihcms",
         "jdih_cms:generic", "bpk", "news")
# How often a source is crawled again when its entry does not say (``recrawl``).
DEFAULT_RECRAWL = {"jdihn_feed": timedelta(days=1), "news": timedelta(days=1),
                   "bpk": timedelta(days=7), "jdih_cms": timedelta(days=7)}
_KIND = re.compile(r"^(jdihn_feed|bpk|news|jdih_cms:[a-z0-9_-]+)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class SourceConfigError(ValueError):
    """The registry file cannot be used; the message names the file and the entry."""


class AuthConfig(BaseModel):
    """HTTP Basic credentials: given inline, or (better) as names of environment variables."""

    model_config = ConfigDict(extra="forbid")

    username: str | None = None
    password: str | None = None
    username_env: str | None = None
    password_env: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> AuthConfig:
        if not (self.username or self.username_env):
            raise ValueError("auth needs username or username_env")
        if self.username and self.username_env:
            raise ValueError("auth: give username or username_env, not both")
        if self.password and self.password_env:
            raise ValueError("auth: give password or password_env, not both")
        return self

    def credentials(self) -> tuple[str, str]:
        """(username, password); ``SourceConfigError`` when an environment variable is unset."""
        def pick(value: str | None, env: str | None, what: str) -> str:
            if env:
                if env not in os.environ:
                    raise SourceConfigError(f"auth {what}: environment variable {env} is not set")
                return os.environ[env]
            return value or ""
        return (pick(self.username, self.username_env, "username"),
                pick(self.password, self.password_env, "password"))

    def redacted(self) -> dict:
        """What may be stored in the catalogue: never the password itself."""
        out = self.model_dump(exclude_none=True)
        if "password" in out:
            out["password"] = "***"
        return out


class SourceConfig(BaseModel):
    """One entry of ``sources.yaml``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str
    url: str | None = None
    region: str | None = None            # Kemendagri code of the region the source publishes for
    auth: AuthConfig | None = None
    rate_limit: float = Field(2.0, ge=0)  # seconds between requests to the site
    jenis: list[str] = Field(default_factory=list)  # only these document types (names or codes)
    recrawl: timedelta | None = None     # how often the source should be crawled again
    verified: str | None = None          # free text: how this entry was checked
    urls: list[str] = Field(default_factory=list)  # news: article pages to fetch
    link_pattern: str | None = None      # news: regex an article link on the index page matches
    timeout: float = Field(60.0, gt=0)   # seconds per request
    max_pages: int = Field(500, ge=1)    # listing pages (feed pagination, news index) at most
    retry_backoff: float = Field(5.0, ge=0)  # seconds before the first retry; doubles each time
    allowed_domains: list[str] = Field(default_factory=list)  # hosts besides those of url/urls
    tags: list[str] = Field(default_factory=list)      # jdih_cms:baghukum: listing tags (slugs)
    # bpk: keep documents of these regions, or of every region ("all")
    regions: list[str] | Literal["all"] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)  # bpk: search words (one search each)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("name must be lower-case letters, digits, '.', '_' or '-' "
                             f"(got {v!r})")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if not _KIND.match(v):
            raise ValueError(f"unknown kind {v!r}: expected one of {', '.join(KINDS)} "
                             "or jdih_cms:<family>")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return _absolute(v) if v is not None else None

    @field_validator("urls")
    @classmethod
    def _urls(cls, v: list[str]) -> list[str]:
        return [_absolute(u) for u in v]

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, v: Any) -> str | None:
        return _region_code(v)

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, v: Any) -> list[str] | str:
        if isinstance(v, str):
            if v.strip().lower() == "all":
                return "all"
            raise ValueError(f"regions must be a list of region codes or 'all' (got {v!r})")
        return [c for c in (_region_code(x) for x in (v or [])) if c]

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, v: list[str]) -> list[str]:
        out = []
        for d in v:
            d = d.strip().lower()
            if not re.match(r"^[a-z0-9.-]+$", d):
                raise ValueError(f"allowed_domains: {d!r} is not a host name (no scheme or port)")
            out.append(d)
        return out

    @field_validator("recrawl", mode="before")
    @classmethod
    def _recrawl(cls, v: Any) -> Any:
        if isinstance(v, str):
            m = _INTERVAL.match(v)
            if not m:
                raise ValueError(f"recrawl {v!r}: use e.g. '12h', '7d', '2w' or seconds")
            return timedelta(**{_UNITS[m.group(2)]: float(m.group(1))})
        if isinstance(v, (int, float)):
            return timedelta(seconds=v)
        return v

    @field_validator("link_pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"link_pattern is not a valid regex: {exc}") from exc
        return v

    @model_validator(mode="after")
    def _where(self) -> SourceConfig:
        if self.kind == "news":
            if not (self.url or self.urls):
                raise ValueError("a news source needs url (an index page) or urls (articles)")
        elif not self.url:
            raise ValueError(f"a {self.kind} source needs url")
        if self.urls and self.kind != "news":
            raise ValueError("urls is only for news sources")
        if self.tags and self.kind != "jdih_cms:baghukum":
            raise ValueError("tags is only for jdih_cms:baghukum sources")
        if (self.regions or self.keywords) and self.kind != "bpk":
            raise ValueError("regions and keywords are only for bpk sources")
        if self.kind == "bpk" and not (self.regions or self.region):
            raise ValueError("a bpk source needs region or regions: BPK lists every region")
        return self

    @property
    def recrawl_interval(self) -> timedelta:
        """``recrawl``, or the default of the source's kind."""
        if self.recrawl is not None:
            return self.recrawl
        return DEFAULT_RECRAWL.get(self.kind.split(":", 1)[0], timedelta(days=7))

    @property
    def all_regions(self) -> bool:
        """True for ``regions: all``."""
        return self.regions == "all"

    @property
    def wanted_regions(self) -> list[str]:
        """The regions a multi-region source (BPK) keeps: ``regions`` (all 552 for ``all``), else
        ``[region]``."""
        if self.all_regions:
            return [w.kode for w in wilayah.all_regions()]
        return list(self.regions) or ([self.region] if self.region else [])

    @property
    def domains(self) -> list[str]:
        """Hosts this source may be crawled on: those of ``url``/``urls`` and ``allowed_domains``."""
        out: list[str] = []
        for u in [self.url, *self.urls]:
            host = urlsplit(u).hostname if u else None
            if host and host not in out:
                out.append(host)
        return out + [d for d in self.allowed_domains if d not in out]

    @property
    def family(self) -> str | None:
        """The CMS family of a ``jdih_cms:<family>`` source."""
        return self.kind.split(":", 1)[1] if self.kind.startswith("jdih_cms:") else None

    def stored_config(self) -> dict:
        """The entry as kept in ``source.config`` (JSON, no secrets)."""
        out = self.model_dump(mode="json", exclude_none=True, exclude={"auth"})
        if self.all_regions:
            # readers of source.config take "regions" as the list of codes a source covers
            out["regions"], out["regions_all"] = self.wanted_regions, True
        if self.auth:
            out["auth"] = self.auth.redacted()
        return out


def _region_code(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, float):  # YAML reads an unquoted 33.25 as a number
        raise ValueError(f"region {v!r} must be a quoted string, e.g. \"33.25\"")
    v = str(v).strip()
    if v not in wilayah.by_code():
        raise ValueError(f"region {v!r} is not a Kemendagri province or kabupaten/kota code")
    return v


def _absolute(url: str) -> str:
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"url must start with http:// or https:// (got {url!r})")
    return url


def parse_sources(data: Any, origin: str = "sources") -> list[SourceConfig]:
    """Validate an already-loaded registry (``{"sources": [...]}``)."""
    if not isinstance(data, dict) or "sources" not in data:
        raise SourceConfigError(f"{origin}: expected a top-level 'sources:' list")
    extra = sorted(set(data) - {"sources"})
    if extra:
        raise SourceConfigError(f"{origin}: unknown top-level key(s): {', '.join(extra)}")
    entries = data["sources"] or []
    if not isinstance(entries, list):
        raise SourceConfigError(f"{origin}: 'sources' must be a list of entries")
    out: list[SourceConfig] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries, 1):
        label = f"entry {i}"
        if isinstance(entry, dict) and entry.get("name"):
            label += f" ({entry['name']!r})"
        if not isinstance(entry, dict):
            problems.append(f"{label}: expected a mapping, got {type(entry).__name__}")
            continue
        try:
            cfg = SourceConfig.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(x) for x in err["loc"]) or "entry"
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"{label}: {where}: {msg}")
            continue
        if cfg.name in seen:
            problems.append(f"{label}: name {cfg.name!r} already used by entry {seen[cfg.name]}")
            continue
        seen[cfg.name] = i
        out.append(cfg)
    if problems:
        raise SourceConfigError(f"{origin}: " + "; ".join(problems))
    return out


def load_sources(path: str | os.PathLike) -> list[SourceConfig]:
    """Read and validate a registry file; errors name the file and the entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceConfigError(f"{path}: cannot read the sources file: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_sources(data, str(path))
