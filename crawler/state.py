"""What a crawl knows from earlier runs of its source, so it can ask only for what changed.

Per URL it keeps *validators*: the ``ETag``/``Last-Modified`` a page was served with (sent back as
``If-None-Match``/``If-Modified-Since``), a feed record's ``lastUpdated``, and for a listing page
the URL of the page after it (so a ``304`` listing can still be paged through).

A validator is only kept once what the URL led to was stored cleanly: a detail page or feed
record whose document was imported with all its files, a listing page in a run without errors.
Otherwise a ``304`` would hide a document whose PDF failed last time, and it would never be
fetched again. The state lives in ``Source.config["validators"]`` between runs (see
``crawler.store.load_validators``).

A listing that shows a fingerprint per entry (BPK's result cards) lets the crawl skip a detail
page whose entry looks as it did when its document was stored (``entries``), so an unchanged
re-crawl fetches no detail page or file. A crawl that reads its listings page by page keeps each
page it read as a checkpoint (``checkpoints``, the ``crawl_checkpoint`` table) until every listing
was read to its end, so a killed or throttled crawl resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VALIDATOR_KEYS = ("etag", "last_modified", "last_updated", "next")


@dataclass
class KnownState:
    """Validators from earlier runs (``validators``) and those gathered by this run."""

    validators: dict[str, dict] = field(default_factory=dict)
    # detail URL -> {fingerprint, complete[, record]} of what was stored from it
    # (crawler.store.known_entries)
    entries: dict[str, dict] = field(default_factory=dict)
    # the listing pages read by a crawl that did not finish: listing -> page -> {url, entries, last}
    checkpoints: dict[str, dict[int, dict]] = field(default_factory=dict)
    pending: dict[str, dict] = field(default_factory=dict)    # seen this run, not yet stored
    committed: dict[str, dict] = field(default_factory=dict)  # stored cleanly this run
    listings: dict[str, dict] = field(default_factory=dict)   # listing pages read this run

    def get(self, url: str) -> dict:
        return self.committed.get(url) or self.validators.get(url) or {}

    def conditional_headers(self, url: str) -> dict[str, str]:
        """``If-None-Match``/``If-Modified-Since`` for a URL stored cleanly before."""
        v = self.validators.get(url) or {}
        headers = {}
        if v.get("etag"):
            headers["If-None-Match"] = v["etag"]
        if v.get("last_modified"):
            headers["If-Modified-Since"] = v["last_modified"]
        return headers

    def remember(self, url: str, **values) -> None:
        """Validators seen for ``url`` in this run (kept only once ``commit`` says so)."""
        entry = self.pending.setdefault(url, {})
        entry.update({k: v for k, v in values.items() if k in VALIDATOR_KEYS and v})

    def commit(self, url: str) -> None:
        """What ``url`` led to was stored cleanly: keep its validators."""
        entry = self.pending.pop(url, None)
        if entry:
            self.committed[url] = {**self.committed.get(url, {}), **entry}

    def listing_read(self, url: str, next_url: str | None) -> None:
        """A listing page was read; kept (with its next page) if the run ends without errors."""
        self.listings[url] = {**self.pending.pop(url, {}), "next": next_url}

    def merged(self, run_clean: bool) -> dict[str, dict]:
        """The validators to store after this run."""
        out = dict(self.validators)
        if run_clean:
            for url, entry in self.listings.items():
                if entry.get("etag") or entry.get("last_modified"):
                    out[url] = {k: v for k, v in entry.items() if v}
        out.update(self.committed)
        return out
