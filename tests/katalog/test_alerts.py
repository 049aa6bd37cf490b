"""Alerts of sources that broke (katalog.health.alerts_of, katalog.alerts): each kind opens from a
source's own history, never twice while it lasts, resolves when a later run no longer shows it,
and is posted to a real webhook on loopback (delivered, or recorded as failed and retried)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from katalog import importer
from katalog.alerts import alert_events, evaluate_alerts, open_alerts, recently_resolved
from katalog.db import Catalogue
from katalog.health import STALE_MIN_DAYS, RunFacts, alerts_of, usual_family
from katalog.models import SourceAlert, SourceRun
from pantau.settings import load_settings
from tests.crawler.fixture_site import closed_port

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def run(items=12, status="finished", family=None, days_ago=0.0, reason="finished",
        **stats) -> RunFacts:
    if family:
        stats["pantau/family_seen"] = family
    return RunFacts(started_at=NOW - timedelta(days=days_ago), status=status, items=items,
                    finish_reason=reason, stats=stats)


def judge(last, earlier, since=None, gap=None):
    return alerts_of(last, earlier, days_since_new=since, gap_days=gap)


# --------------------------------------------------------------------------- pure judging

def test_items_drop_opens_on_zero_items_where_the_source_usually_has_some():
    found = judge(run(0, errors=0, reason="finished"), [run(12)] * 4 + [run(10)])
    drop = found["items_drop"]
    assert drop.message == "0 item (biasanya 12); finished"
    assert drop.detail["usual_items"] == 12 and drop.detail["items"] == 0


@pytest.mark.parametrize("last,earlier,verdict", [
    (run(5), [run(12)] * 3, None),                                     # items again: resolved
    (run(0, **{"pantau/not_modified": 1}), [run(12)] * 3, None),       # 304: nothing changed
    (run(0, **{"pantau/skipped_before_since": 4}), [run(12)] * 3, None),  # all before --since
    (run(0), [], "absent"),                                            # no history to compare
    (run(0), [run(0)] * 5, "absent"),                  # still 0 after the median fell: stays open
    (run(0, reason="shutdown"), [run(12)] * 3, "absent"),              # stopped, not broken
    (run(0, status="interrupted"), [run(12)] * 3, "absent"),
    (run(0, status="running"), [run(12)] * 3, "absent"),
])
def test_items_drop_clears_or_cannot_tell(last, earlier, verdict):
    found = judge(last, earlier)
    if verdict == "absent":
        assert "items_drop" not in found
    else:
        assert "items_drop" in found and found["items_drop"] is None


def test_a_failed_run_of_a_source_with_items_is_a_drop():
    found = judge(run(0, status="failed", reason="missing_credentials"), [run(3)] * 2)
    assert found["items_drop"].message == "0 item (biasanya 3); missing_credentials"


def test_family_changed_against_the_family_most_runs_saw():
    earlier = [run(family="jdihn_feed")] * 3
    changed = judge(run(0, family="unknown", **{"pantau/family_markers": ""}), earlier)
    assert changed["family_changed"].message == "situs berubah: jdihn_feed → unknown"
    assert changed["family_changed"].detail["family_before"] == "jdihn_feed"
    assert judge(run(family="jdihn_feed"), earlier)["family_changed"] is None
    assert "family_changed" not in judge(run(), earlier)  # start page not fingerprinted
    assert "family_changed" not in judge(run(family="wordpress"), [run()] * 3)  # no reference
    # newest first: a tie goes to the family seen first, a majority makes the new one usual
    assert usual_family([run(family="wordpress"), run(family="ildis")]) == "ildis"
    assert usual_family([run(family="wordpress")] * 2 + [run(family="ildis")]) == "wordpress"


@pytest.mark.parametrize("since,gap,verdict", [
    (59, 7, None),        # 8 gaps, but under the 60-day floor
    (61, 7, "stale"),
    (89, 30, None),       # 61 days > floor, under 3 x 30
    (91, 30, "stale"),
    (400, None, "absent"),  # fewer than two arrivals: no usual gap
    (None, 7, "absent"),
])
def test_stale_thresholds(since, gap, verdict):
    found = judge(run(), [run()], since=since, gap=gap)
    if verdict == "absent":
        assert "stale" not in found
    elif verdict is None:
        assert found["stale"] is None
    else:
        assert found["stale"].detail["limit_days"] == max(3 * gap, STALE_MIN_DAYS)
        assert found["stale"].message.startswith(f"tak ada dokumen baru {since} hari")


# --------------------------------------------------------------------------- in the catalogue

@pytest.fixture
def cat(tmp_path):
    cat = _catalogue(tmp_path)
    yield cat
    cat.dispose()


def _catalogue(tmp_path, **settings) -> Catalogue:
    cat = Catalogue(load_settings(data_dir=str(tmp_path / "var"),
                                  config_file=str(tmp_path / "x.toml"), **settings))
    cat.init()
    return cat


def _source(cat, name="jdih-kendal", region="33.24") -> int:
    with cat.session() as s:
        return importer.get_or_create_source(s, name, "jdihn_feed", f"https://{name}.id/feed",
                                             region_code=region).id


def _run(cat, source_id, at, items=12, docs_new=0, **stats) -> None:
    with cat.session() as s:
        s.add(SourceRun(source_id=source_id, started_at=at, finished_at=at, status="finished",
                        finish_reason="finished", items=items, docs_new=docs_new, stats=stats))


def _weekly_history(cat, source_id, weeks=5, end=NOW) -> None:
    for w in range(weeks, 0, -1):
        _run(cat, source_id, end - timedelta(days=7 * w), items=12, docs_new=2,
             **{"pantau/family_seen": "jdihn_feed"})


def test_an_alert_opens_once_and_resolves(cat):
    kendal = _source(cat)
    _weekly_history(cat, kendal)
    _run(cat, kendal, NOW, items=0, **{"pantau/family_seen": "jdihn_feed"})
    opened, resolved = evaluate_alerts(cat, now=NOW)
    assert [(a["source"], a["kind"], a["region"]) for a in opened] == \
        [("jdih-kendal", "items_drop", "Kabupaten Kendal")] and resolved == []
    # the next evaluation, and another run that is still empty: the same alert, not a second
    assert evaluate_alerts(cat, now=NOW + timedelta(hours=1)) == ([], [])
    _run(cat, kendal, NOW + timedelta(days=1), items=0)
    assert evaluate_alerts(cat, now=NOW + timedelta(days=1)) == ([], [])
    assert [a["kind"] for a in open_alerts(cat)] == ["items_drop"]
    # the site is back
    _run(cat, kendal, NOW + timedelta(days=2), items=12)
    opened, resolved = evaluate_alerts(cat, now=NOW + timedelta(days=2))
    assert opened == [] and [a["kind"] for a in resolved] == ["items_drop"]
    assert resolved[0]["resolved_at"] == (NOW + timedelta(days=2)).replace(tzinfo=None).isoformat()
    assert open_alerts(cat) == []
    assert [a["id"] for a in recently_resolved(cat, now=NOW + timedelta(days=3))] == \
        [resolved[0]["id"]]
    assert [e["event"] for e in alert_events(cat)] == ["resolved", "opened"]
    # breaking again is a new alert
    _run(cat, kendal, NOW + timedelta(days=3), items=0)
    opened, _ = evaluate_alerts(cat, now=NOW + timedelta(days=3))
    assert [a["kind"] for a in opened] == ["items_drop"]
    with cat.session() as s:
        assert s.scalar(select(func.count()).select_from(SourceAlert)) == 2


def test_family_changed_and_stale_from_the_catalogue(cat):
    kendal, batang = _source(cat), _source(cat, "jdih-batang", "33.25")
    _weekly_history(cat, kendal)
    _run(cat, kendal, NOW, items=12, **{"pantau/family_seen": "wordpress",
                                        "pantau/family_markers": "/wp-content/"})
    # batang brought new documents weekly until 100 days ago, and nothing new since
    for w in range(5):
        _run(cat, batang, NOW - timedelta(days=100 + 7 * w), items=8, docs_new=1)
    _run(cat, batang, NOW - timedelta(days=1), items=8)
    opened, _ = evaluate_alerts(cat, now=NOW)
    got = {(a["source"], a["kind"]): a for a in opened}
    assert set(got) == {("jdih-kendal", "family_changed"), ("jdih-batang", "stale")}
    assert got["jdih-kendal", "family_changed"]["message"] == \
        "situs berubah: jdihn_feed → wordpress (/wp-content/)"
    assert got["jdih-batang", "stale"]["detail"]["median_gap_days"] == 7
    # a new document for batang, the feed back for kendal
    _run(cat, batang, NOW + timedelta(days=1), items=9, docs_new=1)
    _run(cat, kendal, NOW + timedelta(days=1), items=12, **{"pantau/family_seen": "jdihn_feed"})
    _, resolved = evaluate_alerts(cat, now=NOW + timedelta(days=1))
    assert {(a["source"], a["kind"]) for a in resolved} == set(got)


# --------------------------------------------------------------------------- the webhook

class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.server.posts.append((status, self.headers.get("Content-Type"), json.loads(body)))
        if self.server.on_post:
            self.server.on_post(json.loads(body))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.posts, server.answers, server.on_post = [], [], None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _row(cat, alert_id) -> SourceAlert:
    with cat.session() as s:
        return s.get(SourceAlert, alert_id)


def test_webhook_delivers_openings_and_resolutions(tmp_path, hook):
    url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    cat = _catalogue(tmp_path, alert_webhook_url=url, public_url="https://pantau.example.id/")
    try:
        kendal = _source(cat)
        _weekly_history(cat, kendal)
        _run(cat, kendal, NOW, items=0)
        (opened,), _ = evaluate_alerts(cat, now=NOW)
        assert len(hook.posts) == 1
        status, ctype, body = hook.posts[0]
        assert ctype == "application/json"
        assert {k: body[k] for k in ("event", "source", "region", "region_code", "kind",
                                     "message", "opened_at", "link")} == {
            "event": "opened", "source": "jdih-kendal", "region": "Kabupaten Kendal",
            "region_code": "33.24", "kind": "items_drop", "message": "0 item (biasanya 12); finished",
            "opened_at": NOW.replace(tzinfo=None).isoformat(),
            "link": f"https://pantau.example.id/sumber#peringatan-{opened['id']}"}
        assert body["text"] == "⚠ jdih-kendal (Kabupaten Kendal): 0 item (biasanya 12); finished"
        row = _row(cat, opened["id"])
        assert row.notified_at == NOW and row.notify_error is None
        evaluate_alerts(cat, now=NOW + timedelta(minutes=5))
        assert len(hook.posts) == 1  # delivered once
        _run(cat, kendal, NOW + timedelta(days=1), items=12)
        evaluate_alerts(cat, now=NOW + timedelta(days=1))
        assert [(p[2]["event"], p[2]["id"]) for p in hook.posts[1:]] == [("resolved", opened["id"])]
        assert _row(cat, opened["id"]).notified_at == NOW + timedelta(days=1)
    finally:
        cat.dispose()


def test_webhook_failure_is_recorded_and_retried(tmp_path, hook):
    url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    cat = _catalogue(tmp_path, alert_webhook_url=url)
    try:
        kendal = _source(cat)
        _weekly_history(cat, kendal)
        _run(cat, kendal, NOW, items=0)
        hook.answers.append(500)
        (opened,), _ = evaluate_alerts(cat, now=NOW)  # the 500 does not raise
        row = _row(cat, opened["id"])
        assert row.notified_at is None and "HTTP 500" in row.notify_error
        assert opened["notify_error"] is None  # returned as opened, before delivery
        assert open_alerts(cat)[0]["notify_error"] == row.notify_error
        evaluate_alerts(cat, now=NOW + timedelta(hours=1))  # retried, delivered
        assert [p[0] for p in hook.posts] == [500, 200]
        row = _row(cat, opened["id"])
        assert row.notified_at == NOW + timedelta(hours=1) and row.notify_error is None
        assert hook.posts[1][2]["link"] == f"/sumber#peringatan-{opened['id']}"
    finally:
        cat.dispose()


def test_an_unreachable_webhook_never_raises(tmp_path):
    cat = _catalogue(tmp_path, alert_webhook_url=f"http://127.0.0.1:{closed_port()}/hook")
    try:
        kendal = _source(cat)
        _weekly_history(cat, kendal)
        _run(cat, kendal, NOW, items=0)
        (opened,), _ = evaluate_alerts(cat, now=NOW)
        row = _row(cat, opened["id"])
        assert row.notified_at is None and "ConnectionRefusedError" in row.notify_error
    finally:
        cat.dispose()


def test_pantau_alerts_evaluates_and_lists(tmp_path):
    """The worker's step (`pantau alerts`): opens what the runs show, lists what is open."""
    from click.testing import CliRunner

    from pantau_cli.cli import main
    from pantau_cli.worker import STEPS
    assert ("alerts",) in STEPS
    cat = _catalogue(tmp_path)
    now = datetime.now(timezone.utc)  # the command judges against the clock
    try:
        kendal = _source(cat)
        _weekly_history(cat, kendal, end=now)
        _run(cat, kendal, now - timedelta(minutes=1), items=0)
    finally:
        cat.dispose()
    args = ["--data-dir", str(tmp_path / "var"), "--config", str(tmp_path / "x.toml"), "alerts"]
    out = CliRunner().invoke(main, args + ["--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert [a["kind"] for a in result["opened"]] == ["items_drop"]
    assert [a["kind"] for a in result["open"]] == ["items_drop"]
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "1 peringatan terbuka" in again.output and "jdih-kendal items_drop" in again.output
    assert "dibuka:" not in again.output  # not opened twice


def test_an_alert_resolved_while_its_opening_is_posted_is_posted_again(tmp_path, hook):
    """No transaction is held while posting: another process resolving the alert meanwhile is
    not overwritten, and the resolution goes out next."""
    url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    cat = _catalogue(tmp_path, alert_webhook_url=url)
    try:
        kendal = _source(cat)
        _weekly_history(cat, kendal)
        _run(cat, kendal, NOW, items=0)

        def resolve_meanwhile(body):  # runs in the webhook's thread, during the POST
            with cat.session() as s:
                s.get(SourceAlert, body["id"]).resolved_at = NOW
        hook.on_post = resolve_meanwhile
        (opened,), _ = evaluate_alerts(cat, now=NOW)
        row = _row(cat, opened["id"])
        assert row.resolved_at is not None and row.notified_at is None
        hook.on_post = None
        from katalog.alerts import notify
        assert notify(cat, now=NOW + timedelta(minutes=2)) == (1, 0)
        assert [p[2]["event"] for p in hook.posts] == ["opened", "resolved"]
        assert _row(cat, opened["id"]).notified_at == NOW + timedelta(minutes=2)
    finally:
        cat.dispose()
