"""Atom feeds of newly catalogued documents (per region, per province and per indicator), of the
regions that have done what an indicator asks, and of the alerts of sources that broke."""

from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, g, request, url_for
from sqlalchemy import select

from indices import queries
from indices.adoption import load_indicators
from katalog.alerts import alert_events
from katalog.models import AdoptionStatus, Region

from . import context
from .citations import citation_text
from .i18n import alert_text, label

bp = Blueprint("feeds", __name__, url_prefix="/feed")
ATOM = "http://www.w3.org/2005/Atom"



def _atom(feed_id: str, title: str, docs: list[dict]) -> Response:
    """An Atom document; ElementTree escapes every value, so untrusted titles stay inert."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    base = request.host_url.rstrip("/")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base + feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    updated = max((d["created_at"] for d in docs if d["created_at"]), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _rfc3339(updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base + request.full_path.rstrip("?"))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Pantau"
    for d in docs:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = base + url_for("pages.dokumen", reg_key=d["reg_key"])
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}title").text = d["judul"] or d["tentang"] or d["reg_key"]
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(d["created_at"])
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        summary = " · ".join(x for x in (d["jenis"], f"Nomor {d['nomor']}" if d["nomor"] else None,
                                         f"Tahun {d['tahun']}" if d["tahun"] else None, d["tentang"],
                                         "berita" if d["evidence_grade"] == "berita" else None) if x)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body,
                    mimetype="application/atom+xml")


def _rfc3339(value: str | None) -> str:
    if not value:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    return value if ("+" in value[10:] or value.endswith("Z")) else value + "Z"


@bp.get("/wilayah/<kode>.atom")
def wilayah(kode: str):
    with context.catalogue().session() as s:
        region = s.get(Region, kode)
        if region is None:
            abort(404)
        name = region.nama
    docs = queries.new_documents(context.catalogue(), region=kode)
    return _atom(f"/feed/wilayah/{kode}", f"Pantau — dokumen baru: {name}", docs)


@bp.get("/provinsi/<kode>.atom")
def provinsi(kode: str):
    with context.catalogue().session() as s:
        region = s.get(Region, kode)
        if region is None or region.kind != "provinsi":
            abort(404)
        name = region.nama
    docs = queries.new_documents(context.catalogue(), province=kode)
    return _atom(f"/feed/provinsi/{kode}", f"Pantau — dokumen baru: Provinsi {name}", docs)


@bp.get("/indikator/<indicator>.atom")
def indikator(indicator: str):
    _, inds = load_indicators()
    ind = next((i for i in inds if i.id == indicator), None)
    if ind is None:
        abort(404)
    keys: list[str] = []
    with context.catalogue().session() as s:
        for st in s.scalars(select(AdoptionStatus).where(AdoptionStatus.indicator == indicator,
                                                         AdoptionStatus.status.in_(["ada", "diberitakan"]))):
            for item in (st.evidence or {}).get("documents", []) + (st.evidence or {}).get("news", []):
                keys.append(item["reg_key"])
    docs = queries.new_documents(context.catalogue(), reg_keys=keys)
    return _atom(f"/feed/indikator/{indicator}", f"Pantau — {ind.nama}", docs)


@bp.get("/siapa/<indicator>.atom")
def siapa(indicator: str):
    """The journalists' list as a feed: one entry per region with ``ada`` for ``indicator``, its
    id the claim's permalink, its summary the citation."""
    from flask_babel import gettext
    _, inds = load_indicators()
    ind = next((i for i in inds if i.id == indicator), None)
    if ind is None:
        abort(404)
    kind = request.args.get("kind") or None
    claims = queries.claims(context.catalogue(), ind.id,
                            kind=kind if kind in ("provinsi", "kabupaten", "kota") else None,
                            province=request.args.get("provinsi") or None)
    ET.register_namespace("", ATOM)
    base = request.host_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base + f"/feed/siapa/{indicator}"
    name = ind.nama if getattr(g, "lang", "id") == "id" else ind.name
    ET.SubElement(feed, f"{{{ATOM}}}title").text = gettext("Pantau — siapa yang sudah: %(indicator)s",
                                                          indicator=name)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _rfc3339(
        max((c["computed_at"] for c in claims if c["computed_at"]), default=None))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base + request.full_path.rstrip("?"))
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "Pantau"
    for c in claims:
        link = url_for("pages.klaim", indicator=ind.id, kode=c["kode"], _external=True)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}title").text = " — ".join(
            x for x in (c["nama"], c["title"] or c["reg_key"], c["clause"]) if x)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(c["computed_at"])
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = citation_text(c, link)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype="application/atom+xml")



@bp.get("/peringatan.atom")
def peringatan():
    """Alerts of sources that broke (``katalog.alerts``): an entry when one opens and another
    when it is resolved, each pointing at the alert on the health page."""
    from flask_babel import gettext
    events = alert_events(context.catalogue())
    ET.register_namespace("", ATOM)
    base = request.host_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base + "/feed/peringatan"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = gettext("Pantau — peringatan sumber")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _rfc3339(
        max((e["at"] for e in events), default=None))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base + request.full_path.rstrip("?"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=base + url_for("pages.sumber"))
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "Pantau"
    for e in events:
        link = base + url_for("pages.sumber", _anchor=f"peringatan-{e['id']}")
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        # one id per event: the alert's anchor, and the same with "-pulih" for its resolution
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link + ("-pulih" if e["event"] == "resolved"
                                                             else "")
        where = e["region"] or e["region_code"] or ""
        args = {"kind": label("alert_kind", e["kind"]),
                "source": e["source"] + (f" ({where})" if where else "")}
        ET.SubElement(entry, f"{{{ATOM}}}title").text = (
            gettext("Pulih: %(kind)s — %(source)s", **args) if e["event"] == "resolved"
            else gettext("Peringatan: %(kind)s — %(source)s", **args))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(e["at"])
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=e["kind"])
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = " · ".join(
            x for x in (alert_text(e),
                        gettext("sejak %(since)s", since=e["opened_at"][:16].replace("T", " ")),
                        e["detail"].get("finish_reason")) if x)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype="application/atom+xml")
