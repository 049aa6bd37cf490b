"""Running crawls in-process: one Scrapy crawler per source, one ``SourceRun`` row per source.

``crawl(cat, sources, only)`` starts Twisted's reactor through Scrapy's ``CrawlerProcess``; a
reactor cannot be started twice in one process, so **``crawl`` can be called once per process**
(a second call raises ``RuntimeError``). A CLI calls it once per command; tests run each crawl in
a subprocess (``python -m crawler``, see ``crawler/__main__.py``).

Whatever happens to a source, its run ends in the catalogue: a source that is down, a spider that
raises, or a kind without a spider yet (``unsupported_kind``) becomes recorded ``Failure`` rows and
a closed ``SourceRun``, never an exception out of ``crawl``. Each run keeps its counts, the
Scrapy statistics that matter, its errors by reason and its finish reason (``SourceRun.stats``),
and the validators that let the next run ask only for what changed (``crawler.state``). When
the runs are closed, the sources' alerts are evaluated (``katalog.alerts``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawler.pipelines import RunContext
from crawler.schedule import due_sources
from crawler.state import KnownState
from crawler.settings import per_source_settings, scrapy_settings
from crawler.sources import SourceConfig, SourceConfigError
from crawler.spiders import spider_for
from katalog import importer
from katalog.alerts import evaluate_alerts
from katalog.db import Catalogue
from crawler.store import (end_cycle, errors_by_reason, known_entries, load_checkpoints,
                           load_validators, save_validators)
from katalog.models import SourceRun
from katalog.vocab import RunStatus

logger = logging.getLogger(__name__)

_reactor_used = False
# Scrapy stats kept with each run (the rest is noise for a reader of the catalogue).
_STATS_KEPT = ("downloader/request_count", "downloader/response_count",
               "downloader/response_status_count/200", "downloader/response_status_count/304",
               "downloader/response_status_count/429", "downloader/exception_count",
               "retry/count", "retry/max_reached", "robotstxt/forbidden", "offsite/filtered",
               "item_scraped_count", "item_dropped_count", "log_count/ERROR",
               "log_count/WARNING", "elapsed_time_seconds", "finish_reason")
_STATS_PREFIXES = ("pantau/",)


@dataclass
class RunSummary:
    """What one source's run did (also stored on its ``SourceRun`` row)."""

    name: str
    kind: str
    run_id: int
    status: str           # finished | failed
    finish_reason: str
    requests: int = 0
    items: int = 0
    docs_new: int = 0
    docs_updated: int = 0
    docs_unchanged: int = 0
    files_new: int = 0
    errors: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def select_sources(sources: list[SourceConfig], only: list[str] | None) -> list[SourceConfig]:
    """The sources named in ``only`` (all when None/empty); unknown names raise ``ValueError``."""
    if not only:
        return list(sources)
    names = {s.name for s in sources}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ValueError(f"unknown source(s): {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(names))}")
    wanted = set(only)
    return [s for s in sources if s.name in wanted]


def crawl(cat: Catalogue, sources: list[SourceConfig], only: list[str] | None = None, *,
          since: date | None = None, due: bool = False, now: datetime | None = None,
          log_level: str = "INFO", install_root_handler: bool = True,
          install_signal_handlers: bool = True,
          scrapy_overrides: dict | None = None) -> list[RunSummary]:
    """Crawl the selected sources concurrently and return one summary per source, in order.

    Once per process (Twisted's reactor cannot restart). ``only`` selects sources by name;
    ``due`` keeps those whose last finished run is older than their ``recrawl`` interval
    (``crawler.schedule``); ``since`` skips records and listings dated before it.
    ``install_root_handler=False`` leaves logging to the caller; ``install_signal_handlers``
    lets Ctrl-C stop the crawl gracefully (runs then end with reason ``shutdown``).
    ``scrapy_overrides`` replaces Scrapy settings of every source (the benchmark turns
    AutoThrottle off with it; never needed for real sites).
    """
    global _reactor_used
    selected = select_sources(sources, only)
    if _reactor_used:
        raise RuntimeError("crawler.runner.crawl() can be called once per process: Twisted's "
                           "reactor cannot be restarted. Run another crawl in a new process.")
    if due:
        selected = due_sources(cat, selected, now)
    if not selected:
        return []
    process = CrawlerProcess({**scrapy_settings(cat.settings, log_level),
                              "LOG_INSTALL_ROOT_HANDLER": install_root_handler})
    contexts: list[RunContext] = []
    started = 0
    for i, cfg in enumerate(selected):
        ctx = _open_run(cat, cfg)
        contexts.append(ctx)
        spidercls = spider_for(cfg.kind)
        if spidercls is None:
            _fail_before_start(ctx, "unsupported_kind",
                               f"no spider for kind {cfg.kind!r} yet; the entry is kept in the "
                               f"registry but cannot be crawled")
            continue
        if cfg.auth is not None:
            try:
                cfg.auth.credentials()
            except SourceConfigError as exc:
                _fail_before_start(ctx, "missing_credentials", str(exc))
                continue
        try:
            _reactor_used = True  # the first crawler installs the reactor
            cls = type(f"{spidercls.__name__}_{i}", (spidercls,),
                       {"custom_settings": {**(spidercls.custom_settings or {}),
                                            **per_source_settings(cfg),
                                            **(scrapy_overrides or {})}})
            crawler = process.create_crawler(cls)
            crawler.pantau = ctx
            _connect(crawler, ctx)
            d = process.crawl(crawler, source=cfg, since=since, known=ctx.known)
            d.addErrback(_crawl_failed, ctx)
            started += 1
        except Exception as exc:  # a broken spider class must not stop the other sources
            logger.exception("cannot start the crawl of %s", cfg.name)
            _fail_before_start(ctx, "spider_exception", f"{type(exc).__name__}: {exc}")
    try:
        if started:
            process.start(install_signal_handlers=install_signal_handlers)
    finally:  # whatever happened, every run is closed with what is known
        summaries = [_close_run(ctx) for ctx in contexts]
    _evaluate_alerts(cat)
    return summaries


def _evaluate_alerts(cat: Catalogue) -> None:
    """Open and resolve the sources' alerts now that the runs are closed (``katalog.alerts``);
    a failure there is logged, never raised: the crawl's work is already in the catalogue."""
    try:
        evaluate_alerts(cat)
    except Exception:  # noqa: BLE001
        logger.exception("the sources' alerts could not be evaluated after the crawl")


def _open_run(cat: Catalogue, cfg: SourceConfig) -> RunContext:
    validators = load_validators(cat, cfg.name)
    with cat.session() as s:
        url = cfg.url or (cfg.urls or [None])[0]
        config = cfg.stored_config()
        if validators:
            config["validators"] = validators
        source = importer.get_or_create_source(s, cfg.name, cfg.kind, url, region_code=cfg.region,
                                               config=config)
        run = importer.start_run(s, source)
        s.flush()
        s.expunge(run)
        s.expunge(source)
    known = KnownState(validators=validators, entries=known_entries(cat, source.id),
                       checkpoints=load_checkpoints(cat, source.id))
    return RunContext(cat=cat, source=cfg, source_row=source, run_row=run, known=known)


def _fail_before_start(ctx: RunContext, reason: str, detail: str) -> None:
    ctx.failed_reason = reason
    ctx.record_problem("crawl", ctx.source.url or ctx.source.name, reason, detail)
    logger.error("%s: %s (%s)", ctx.source.name, reason, detail)


def _connect(crawler, ctx: RunContext) -> None:
    def spider_error(failure, response, spider):
        ctx.record_problem("crawl", getattr(response, "url", None) or ctx.source.url or "",
                           "spider_exception", failure.getTraceback()[-4000:])

    def item_error(item, response, spider, failure):
        url = getattr(item, "url", None) or (item.get("url") if isinstance(item, dict) else None)
        ctx.record_problem("crawl", url or getattr(response, "url", "") or ctx.source.name,
                           "pipeline_exception", failure.getTraceback()[-4000:])

    def spider_closed(spider, reason):
        ctx.finish_reason = reason
        # a spider that checkpoints its listings says whether it read every one to its end
        ctx.cycle_complete = bool(getattr(spider, "cycle_complete", False))
        stats = dict(crawler.stats.get_stats())
        # CoreStats may not have written these yet (its handler can run after this one)
        start = stats.get("start_time")
        if "elapsed_time_seconds" not in stats and isinstance(start, datetime):
            now = datetime.now(start.tzinfo)
            stats["elapsed_time_seconds"] = round((now - start).total_seconds(), 3)
        stats.setdefault("finish_reason", reason)
        ctx.stats = stats

    # keep references: the signal dispatcher holds only weak ones
    ctx._handlers = (spider_error, item_error, spider_closed)  # type: ignore[attr-defined]
    crawler.signals.connect(spider_error, signal=signals.spider_error)
    crawler.signals.connect(item_error, signal=signals.item_error)
    crawler.signals.connect(spider_closed, signal=signals.spider_closed)


def _crawl_failed(failure, ctx: RunContext) -> None:
    ctx.record_problem("crawl", ctx.source.url or ctx.source.name, "spider_exception",
                       failure.getTraceback()[-4000:])
    ctx.finish_reason = ctx.finish_reason or f"crashed: {failure.type.__name__}"
    return None


def _close_run(ctx: RunContext) -> RunSummary:
    by_reason = errors_by_reason(ctx.cat, ctx.run_row.id)
    with ctx.cat.session() as s:
        run = s.get(SourceRun, ctx.run_row.id)
        run.requests = int(ctx.stats.get("downloader/request_count", 0) or 0)
        stats = {k: importer.jsonable(v) for k, v in ctx.stats.items()
                 if k in _STATS_KEPT or k.startswith(_STATS_PREFIXES)}
        stats["errors_by_reason"] = by_reason
        stats["outcomes"] = dict(ctx.outcomes)
        stats["recrawl_seconds"] = int(ctx.source.recrawl_interval.total_seconds())
        if ctx.failed_reason:
            status, reason = RunStatus.FAILED, ctx.failed_reason
            if reason == "unsupported_kind":
                reason = f"{reason}: {ctx.source.kind}"
        else:
            status, reason = RunStatus.FINISHED, ctx.finish_reason or "did not run"
            if not run.items and run.errors:
                reason = f"{reason}; no items, {run.errors} error(s) recorded"
        stats["finish_reason"] = reason
        run.stats = stats
        importer.finish_run(s, run, status=status, reason=reason[:200])
        s.flush()
        summary = RunSummary(name=ctx.source.name, kind=ctx.source.kind, run_id=run.id,
                             status=status, finish_reason=run.finish_reason,
                             requests=run.requests, items=run.items, docs_new=run.docs_new,
                             docs_updated=run.docs_updated, docs_unchanged=run.docs_unchanged,
                             files_new=run.files_new, errors=run.errors)
    if status == RunStatus.FINISHED and (ctx.known.committed or ctx.known.listings):
        save_validators(ctx.cat, ctx.source_row.id,
                        ctx.known.merged(run_clean=summary.errors == 0))
    if status == RunStatus.FINISHED and ctx.finish_reason == "finished" and ctx.cycle_complete:
        end_cycle(ctx.cat, ctx.source_row.id)
    return summary
