"""The sources registry: what loads, and errors that name the entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler.sources import SourceConfigError, load_sources, parse_sources

MINIMAL = """\
sources:
  - name: jdih-batang-feed
    kind: jdihn_feed
    url: http://127.0.0.1:8765/feed/document.json
    region: "33.25"
"""


def test_the_minimal_file_loads_as_is(tmp_path):
    f = tmp_path / "sources.yaml"
    f.write_text(MINIMAL, encoding="utf-8")
    (src,) = load_sources(f)
    assert (src.name, src.kind, src.url, src.region) == \
        ("jdih-batang-feed", "jdihn_feed", "http://127.0.0.1:8765/feed/document.json", "33.25")
    assert src.rate_limit == 2.0 and src.auth is None and src.jenis == [] and src.urls == []


def test_all_fields():
    (src,) = parse_sources({"sources": [{
        "name": "kab-bandung", "kind": "jdihn_feed",
        "url": "https://jdih.bandungkab.go.id/administrator/get_data_hukum", "region": "32.04",
        "auth": {"username_env": "BDG_USER", "password_env": "BDG_PASS"}, "rate_limit": 4,
        "jenis": ["Peraturan Bupati", "perda"], "recrawl": "12h", "verified": "by hand",
    }]})
    assert src.recrawl == timedelta(hours=12) and src.rate_limit == 4.0
    assert src.stored_config()["auth"] == {"username_env": "BDG_USER", "password_env": "BDG_PASS"}
    (news,) = parse_sources({"sources": [{"name": "berita", "kind": "news",
                                          "urls": ["https://x.id/a.html"]}]})
    assert news.url is None and news.urls == ["https://x.id/a.html"]
    (cms,) = parse_sources({"sources": [{"name": "c", "kind": "jdih_cms:baghukum",
                                         "url": "https://jdih.batangkab.go.id/"}]})
    assert cms.family == "baghukum"


def test_inline_password_is_never_stored():
    (src,) = parse_sources({"sources": [{"name": "a", "kind": "jdihn_feed", "url": "https://x.id/f",
                                         "auth": {"username": "u", "password": "secret"}}]})
    assert src.auth.credentials() == ("u", "secret")
    assert "secret" not in str(src.stored_config())


def test_missing_env_credentials_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("PANTAU_NOPE", raising=False)
    (src,) = parse_sources({"sources": [{"name": "a", "kind": "jdihn_feed", "url": "https://x.id/f",
                                         "auth": {"username_env": "PANTAU_NOPE"}}]})
    with pytest.raises(SourceConfigError, match="PANTAU_NOPE is not set"):
        src.auth.credentials()


@pytest.mark.parametrize("entry,message", [
    ({"name": "a", "kind": "jdihn", "url": "https://x.id"}, "entry 1 ('a'): kind: unknown kind 'jdihn'"),
    ({"name": "a", "kind": "jdihn_feed"}, "entry 1 ('a'): entry: a jdihn_feed source needs url"),
    ({"name": "a", "kind": "jdihn_feed", "url": "ftp://x.id"}, "url must start with http"),
    ({"name": "a", "kind": "jdihn_feed", "url": "https://x.id", "region": 33.25},
     "must be a quoted string"),
    ({"name": "a", "kind": "jdihn_feed", "url": "https://x.id", "region": "99.99"},
     "not a Kemendagri"),
    ({"name": "a", "kind": "jdihn_feed", "url": "https://x.id", "rate_limit": -1}, "rate_limit"),
    ({"name": "a", "kind": "jdihn_feed", "url": "https://x.id", "recrawl": "soon"}, "recrawl"),
    ({"name": "a", "kind": "jdihn_feed", "url": "https://x.id", "colour": "red"}, "colour"),
    ({"name": "A B", "kind": "jdihn_feed", "url": "https://x.id"}, "name must be"),
    ({"name": "a", "kind": "news"}, "needs url (an index page) or urls"),
    ({"name": "a", "kind": "jdihn_feed", "url": "https://x.id", "auth": {"password": "p"}},
     "auth needs username"),
    ("just text", "entry 1: expected a mapping"),
])
def test_errors_name_the_entry(entry, message):
    with pytest.raises(SourceConfigError) as exc:
        parse_sources({"sources": [entry]}, "sources.yaml")
    assert str(exc.value).startswith("sources.yaml: entry 1")
    assert message in str(exc.value)


def test_duplicate_names_and_file_level_errors(tmp_path):
    dup = {"name": "a", "kind": "jdihn_feed", "url": "https://x.id/f"}
    with pytest.raises(SourceConfigError, match=r"entry 2 \('a'\): name 'a' already used by entry 1"):
        parse_sources({"sources": [dup, dup]})
    with pytest.raises(SourceConfigError, match="top-level 'sources:' list"):
        parse_sources([dup])
    f = tmp_path / "bad.yaml"
    f.write_text("sources: [\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="bad.yaml: not valid YAML"):
        load_sources(f)
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")


def test_bpk_regions_all_or_a_list():
    (every,) = parse_sources({"sources": [{"name": "bpk", "kind": "bpk",
                                           "url": "https://peraturan.bpk.go.id/", "regions": "all"}]})
    assert every.all_regions and len(every.wanted_regions) == 552
    stored = every.stored_config()
    assert stored["regions_all"] is True and len(stored["regions"]) == 552
    (some,) = parse_sources({"sources": [{"name": "bpk", "kind": "bpk",
                                          "url": "https://peraturan.bpk.go.id/",
                                          "regions": ["33.25", "93.01"]}]})
    assert not some.all_regions and some.wanted_regions == ["33.25", "93.01"]
    with pytest.raises(SourceConfigError, match="regions must be a list of region codes or 'all'"):
        parse_sources({"sources": [{"name": "bpk", "kind": "bpk", "url": "https://x.id/",
                                    "regions": "semua"}]})
    with pytest.raises(SourceConfigError, match="regions and keywords are only for bpk"):
        parse_sources({"sources": [{"name": "f", "kind": "jdihn_feed", "url": "https://x.id/f",
                                    "regions": "all"}]})
