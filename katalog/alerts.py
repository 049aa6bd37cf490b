"""Alerts of sources that broke: opened and resolved from each source's runs, and posted to the
optional webhook.

:func:`evaluate_alerts` judges every source's latest run against its history
(``katalog.health.alerts_of``) and keeps ``source_alert`` in step with it: an alert of a kind is
opened once while it lasts (never a second open alert of the same source and kind) and resolved
(``resolved_at``) by the first later run that no longer shows it. A crawl calls it when its runs
close (``crawler.runner``), and ``pantau alerts`` (a step of ``pantau worker``) calls it between
crawls, which is when a quiet source turns ``stale`` and undelivered notifications are retried.

With ``PANTAU_ALERT_WEBHOOK_URL`` set, every newly opened or resolved alert is POSTed there as
one JSON object (:func:`payload`; its ``text`` reads well in a Slack or Mattermost channel).
A 2xx answer sets ``notified_at``; anything else (a refusal, a 500, a timeout after
``WEBHOOK_TIMEOUT`` s) sets ``notify_error`` and leaves the alert to the next evaluation. A
failure never raises out of here: the crawl that called it has already done its work.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select

from .db import Catalogue
from .health import alerts_of, median_gap_days, run_history
from .models import Region, Source, SourceAlert
from .types import as_utc, iso

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0   # seconds for one POST: a slow receiver cannot hold a crawl for long
# Only events of the last week are posted (a webhook configured today does not replay the past),
# at most this many per evaluation; after the first failed POST the rest wait for the next one
# (the receiver is most likely down for them too).
NOTIFY_MAX_AGE = timedelta(days=7)
NOTIFY_MAX_PER_EVALUATION = 50
# What "recently resolved" means to the health page and the feed.
RECENT = timedelta(days=30)


def evaluate_alerts(cat: Catalogue, now: datetime | None = None) -> tuple[list[dict], list[dict]]:
    """Open and resolve the alerts every source's runs show; returns (opened, resolved) as
    :func:`alert_dict` rows. Then posts what is undelivered to the webhook, if one is set."""
    now = as_utc(now) or datetime.now(timezone.utc)
    opened: list[SourceAlert] = []
    resolved: list[SourceAlert] = []
    with cat.session() as s:
        for src in s.scalars(select(Source).order_by(Source.id)):
            hist = run_history(s, src.id)
            if hist.last is None:
                continue
            findings = alerts_of(hist.last, hist.earlier, days_since_new=hist.days_since_new(now),
                                 gap_days=median_gap_days(hist.new_times))
            if not findings:
                continue
            current: dict[str, SourceAlert] = {}
            for a in s.scalars(select(SourceAlert).where(SourceAlert.source_id == src.id,
                                                         SourceAlert.resolved_at.is_(None))
                               .order_by(SourceAlert.id)):
                current.setdefault(a.kind, a)
            for kind, finding in findings.items():
                alert = current.get(kind)
                if finding is not None and alert is None:
                    alert = SourceAlert(source_id=src.id, kind=str(kind), message=finding.message,
                                        detail=finding.detail, run_id=hist.last.id, opened_at=now)
                    s.add(alert)
                    opened.append(alert)
                elif finding is None and alert is not None:
                    alert.resolved_at = now
                    resolved.append(alert)
        s.flush()
        opened_rows = [alert_dict(a, s) for a in opened]
        resolved_rows = [alert_dict(a, s) for a in resolved]
    for a in opened_rows:
        logger.warning("alert opened: %s %s: %s", a["source"], a["kind"], a["message"])
    for a in resolved_rows:
        logger.info("alert resolved: %s %s", a["source"], a["kind"])
    notify(cat, now)
    return opened_rows, resolved_rows


# --------------------------------------------------------------------------- reading

def alert_dict(a: SourceAlert, s) -> dict:
    """An alert with its source and region, as the page, the feed and the webhook use it."""
    src = a.source if a.source is not None else s.get(Source, a.source_id)
    region = s.get(Region, src.region_code) if src.region_code else None
    return {"id": a.id, "kind": a.kind, "message": a.message, "detail": dict(a.detail or {}),
            "source": src.name, "source_kind": src.kind, "source_url": src.url,
            "region_code": src.region_code, "region": region.nama if region else None,
            "run_id": a.run_id, "opened_at": iso(a.opened_at, "seconds"),
            "resolved_at": iso(a.resolved_at, "seconds"),
            "notified_at": iso(a.notified_at, "seconds"), "notify_error": a.notify_error}


def open_alerts(cat: Catalogue) -> list[dict]:
    """The alerts still open, newest first."""
    with cat.session() as s:
        return [alert_dict(a, s) for a in s.scalars(
            select(SourceAlert).where(SourceAlert.resolved_at.is_(None))
            .order_by(SourceAlert.opened_at.desc(), SourceAlert.id.desc()))]


def recently_resolved(cat: Catalogue, now: datetime | None = None,
                      within: timedelta = RECENT) -> list[dict]:
    """The alerts resolved within ``within`` of ``now``, the latest first."""
    since = (as_utc(now) or datetime.now(timezone.utc)) - within
    with cat.session() as s:
        return [alert_dict(a, s) for a in s.scalars(
            select(SourceAlert).where(SourceAlert.resolved_at >= since)
            .order_by(SourceAlert.resolved_at.desc(), SourceAlert.id.desc()))]


def alert_events(cat: Catalogue, limit: int = 100) -> list[dict]:
    """The latest openings and resolutions, newest first: each an :func:`alert_dict` with
    ``event`` (``opened`` or ``resolved``) and ``at`` (when it happened); for the Atom feed."""
    with cat.session() as s:
        rows = [alert_dict(a, s) for a in s.scalars(
            select(SourceAlert).order_by(SourceAlert.id.desc()).limit(limit))]
    events = [{**r, "event": "opened", "at": r["opened_at"]} for r in rows]
    events += [{**r, "event": "resolved", "at": r["resolved_at"]} for r in rows if r["resolved_at"]]
    events.sort(key=lambda e: (e["at"], e["id"], e["event"] == "resolved"), reverse=True)
    return events[:limit]


# --------------------------------------------------------------------------- the webhook

def link(settings, alert_id: int) -> str:
    """The alert on the health page: absolute when the dashboard's public URL is known."""
    return f"{(settings.public_url or '').rstrip('/')}/sumber#peringatan-{alert_id}"


def payload(a: dict, settings) -> dict:
    """The JSON posted for one alert: its latest event and what a reader needs to act on it."""
    event = "resolved" if a["resolved_at"] else "opened"
    where = f" ({a['region']})" if a["region"] else ""
    text = (f"✓ Pulih: {a['source']}{where}: {a['kind']}" if event == "resolved"
            else f"⚠ {a['source']}{where}: {a['message']}")
    return {"event": event, "id": a["id"], "source": a["source"], "source_url": a["source_url"],
            "region_code": a["region_code"], "region": a["region"], "kind": a["kind"],
            "message": a["message"], "detail": a["detail"], "opened_at": a["opened_at"],
            "resolved_at": a["resolved_at"], "link": link(settings, a["id"]), "text": text}


def post_json(url: str, body: dict, *, user_agent: str, timeout: float = WEBHOOK_TIMEOUT) -> None:
    """POST ``body`` as JSON; raises on anything but a 2xx answer."""
    req = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                 method="POST", headers={"Content-Type": "application/json",
                                                         "User-Agent": user_agent})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the operator's URL
        if not 200 <= resp.status < 300:
            raise urllib.error.HTTPError(url, resp.status, resp.reason, resp.headers, None)


def _pending(a: SourceAlert) -> bool:
    if a.resolved_at is not None:
        return a.notified_at is None or as_utc(a.notified_at) < as_utc(a.resolved_at)
    return a.notified_at is None


def notify(cat: Catalogue, now: datetime | None = None) -> tuple[int, int]:
    """Post every undelivered opening or resolution of the last ``NOTIFY_MAX_AGE`` to the
    webhook; returns (delivered, failed). Nothing happens without a webhook URL.

    No database transaction is held while posting (a slow receiver must not hold SQLite's
    write lock against a crawl); an alert whose state changed meanwhile (resolved by another
    process) is not marked delivered, so its newer event is posted next time."""
    url = getattr(cat.settings, "alert_webhook_url", "")
    if not url:
        return 0, 0
    now = as_utc(now) or datetime.now(timezone.utc)
    cutoff = now - NOTIFY_MAX_AGE
    with cat.session() as s:
        todo = [payload(alert_dict(a, s), cat.settings) for a in s.scalars(
            select(SourceAlert).where(or_(SourceAlert.opened_at >= cutoff,
                                          SourceAlert.resolved_at >= cutoff))
            .order_by(SourceAlert.id)) if _pending(a)][:NOTIFY_MAX_PER_EVALUATION]
    outcome: dict[int, tuple[str, str | None]] = {}  # alert id -> (event posted, error)
    for body in todo:
        try:
            post_json(url, body, user_agent=cat.settings.user_agent)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, never raised
            error = f"{now.isoformat(timespec='seconds')}: {_describe(exc)}"[:1000]
            outcome[body["id"]] = (body["event"], error)
            logger.warning("alert %s not delivered to the webhook: %s", body["id"], error)
            break
        outcome[body["id"]] = (body["event"], None)
    if outcome:
        with cat.session() as s:
            for alert_id, (event, error) in outcome.items():
                a = s.get(SourceAlert, alert_id)
                if error is not None:
                    a.notify_error = error
                elif event == ("resolved" if a.resolved_at else "opened"):
                    a.notified_at, a.notify_error = now, None
    failed = sum(1 for _, error in outcome.values() if error)
    return len(outcome) - failed, failed


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"{type(exc.reason).__name__}: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"

