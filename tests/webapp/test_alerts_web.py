"""A fixture JDIH site breaks, and Pantau says so: a JDIHN feed crawled with its records, then
relaunched as a WordPress page at the same address, then back. The crawls themselves open the
alerts (items_drop, family_changed) and post them to a loopback webhook; the Atom feed
``/feed/peringatan.atom`` and the health page (in Chromium) show them, and the crawl of the
mended site resolves them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree as ET

import pytest
import yaml
from werkzeug.serving import make_server

from katalog.alerts import open_alerts, recently_resolved
from katalog.db import Catalogue
from pantau.settings import load_settings
from tests.crawler.fixture_site import FixtureHandler, FixtureSite, run_crawl
from tests.support.browser import chromium_page, screenshot

FEED = "/lastupdated/feed/document.json"
ATOM = "{http://www.w3.org/2005/Atom}"
# what the feed's address answers once the JDIH was "relaunched" on WordPress
RELAUNCHED = (b'<!DOCTYPE html><html><head><title>JDIH Kabupaten Batang</title>'
              b'<meta name="generator" content="WordPress 6.5">'
              b'<link rel="stylesheet" href="/wp-content/themes/jdih/style.css"></head>'
              b'<body><h1>JDIH Kabupaten Batang</h1><p>Situs sedang diperbarui.</p></body></html>')


class BreakableFeed(FixtureHandler):
    def _route(self, path, query):
        if self.server.broken and path == FEED:
            return 200, "text/html; charset=UTF-8", RELAUNCHED
        return super()._route(path, query)


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.server.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alerts-web")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    hook.posts = []
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    env = {"PANTAU_ALERT_WEBHOOK_URL": f"http://127.0.0.1:{hook.server_address[1]}/hook"}
    crawls = []
    with FixtureSite(handler=BreakableFeed) as site:
        site.server.broken = False
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [
            {"name": "jdih-batang-feed", "kind": "jdihn_feed", "region": "33.25",
             "url": site.base + FEED, "rate_limit": 0, "retry_backoff": 0.2}]}), encoding="utf-8")
        crawls.append(run_crawl(sources, settings.data_dir, env=env)[0])
        site.server.broken = True
        crawls.append(run_crawl(sources, settings.data_dir, env=env)[0])
        state = {"open": open_alerts(cat), "posts": list(hook.posts)}
        app = _app(settings)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield {"cat": cat, "app": app, "site": site, "sources": sources, "settings": settings,
               "env": env, "crawls": crawls, "hook": hook, **state,
               "base": f"http://127.0.0.1:{server.server_port}"}
        server.shutdown()
    hook.shutdown()
    cat.dispose()


def _app(settings):
    from webapp import create_app
    return create_app(settings)


def _entries(xml: bytes) -> list[dict]:
    root = ET.fromstring(xml)
    return [{"id": e.find(f"{ATOM}id").text, "title": e.find(f"{ATOM}title").text,
             "summary": e.find(f"{ATOM}summary").text, "updated": e.find(f"{ATOM}updated").text,
             "kind": e.find(f"{ATOM}category").get("term")} for e in root.iter(f"{ATOM}entry")]


def test_the_second_crawl_of_the_broken_site_opens_the_alerts(broken):
    first, second = broken["crawls"]
    assert first["items"] == 2 and second["items"] == 0 and second["errors"] >= 1
    alerts = {a["kind"]: a for a in broken["open"]}
    assert set(alerts) == {"items_drop", "family_changed"}
    assert alerts["items_drop"]["message"].startswith("0 item (biasanya 2)")
    assert alerts["family_changed"]["detail"]["family_before"] == "jdihn_feed"
    assert alerts["family_changed"]["detail"]["family_seen"] == "wordpress"
    assert {a["region"] for a in alerts.values()} == {"Kabupaten Batang"}
    # the crawl posted both to the webhook and recorded the delivery
    assert sorted((p["event"], p["kind"]) for p in broken["posts"]) == \
        [("opened", "family_changed"), ("opened", "items_drop")]
    assert all(a["notified_at"] for a in alerts.values())


def test_the_atom_feed_lists_the_alerts(broken):
    client = broken["app"].test_client()
    r = client.get("/feed/peringatan.atom")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    assert "Cookie" in r.headers.get("Vary", "") and r.headers["Content-Language"] == "id"
    entries = _entries(r.data)
    ids = {a["kind"]: a["id"] for a in broken["open"]}
    assert {e["title"] for e in entries} == {
        "Peringatan: butir hilang — jdih-batang-feed (Kabupaten Batang)",
        "Peringatan: situs berubah — jdih-batang-feed (Kabupaten Batang)"}
    by_kind = {e["kind"]: e for e in entries}
    assert by_kind["items_drop"]["id"].endswith(f"/sumber#peringatan-{ids['items_drop']}")
    assert by_kind["items_drop"]["summary"].startswith(
        "0 butir pada pemeriksaan terakhir, biasanya 2 · sejak ")
    assert "dari jdihn_feed menjadi wordpress" in by_kind["family_changed"]["summary"]
    en = _entries(client.get("/feed/peringatan.atom?lang=en").data)
    assert {e["title"] for e in en} == {"Alert: items missing — jdih-batang-feed (Kabupaten Batang)",
                                        "Alert: site changed — jdih-batang-feed (Kabupaten Batang)"}


@pytest.mark.browser
def test_the_health_page_shows_the_open_alerts(broken):
    ids = {a["kind"]: a["id"] for a in broken["open"]}
    with chromium_page() as page:
        page.goto(broken["base"] + "/sumber?lang=id")
        rows = page.locator("#open-alerts tbody tr")
        assert rows.count() == 2
        drop = page.locator(f"#peringatan-{ids['items_drop']}")
        assert drop.get_attribute("data-kind") == "items_drop"
        cells = drop.locator("td").all_inner_texts()
        assert cells[:3] == ["butir hilang", "jdih-batang-feed", "Kabupaten Batang"]
        assert cells[4].startswith("0 butir pada pemeriksaan terakhir, biasanya 2")
        assert page.locator("link[rel=alternate][type='application/atom+xml']") \
            .get_attribute("href") == "/feed/peringatan.atom"
        screenshot(page, None, "sumber-peringatan")
        page.goto(broken["base"] + "/sumber?lang=en")
        changed = page.locator(f"#peringatan-{ids['family_changed']}").inner_text()
        assert "site changed" in changed
        assert "the site's software changed from jdihn_feed to wordpress" in changed
        drop = page.locator(f"#peringatan-{ids['items_drop']}")
        drop.get_by_role("link", name="Kabupaten Batang").click()
        page.wait_for_url("**/wilayah/33.25")


def test_the_mended_site_resolves_them(broken):
    """Runs last: the site answers its feed again."""
    broken["site"].server.broken = False
    third = run_crawl(broken["sources"], broken["settings"].data_dir, env=broken["env"])[0]
    assert third["items"] == 2
    cat = broken["cat"]
    assert open_alerts(cat) == []
    assert {a["kind"] for a in recently_resolved(cat)} == {"items_drop", "family_changed"}
    assert sorted(p["event"] for p in broken["hook"].posts) == ["opened"] * 2 + ["resolved"] * 2
    client = broken["app"].test_client()
    titles = [e["title"] for e in _entries(client.get("/feed/peringatan.atom").data)]
    assert sorted(titles) == sorted(
        ["Peringatan: butir hilang — jdih-batang-feed (Kabupaten Batang)",
         "Peringatan: situs berubah — jdih-batang-feed (Kabupaten Batang)",
         "Pulih: butir hilang — jdih-batang-feed (Kabupaten Batang)",
         "Pulih: situs berubah — jdih-batang-feed (Kabupaten Batang)"])
    html = client.get("/sumber").get_data(as_text=True)
    assert 'id="no-open-alerts"' in html and 'id="resolved-alerts"' in html
