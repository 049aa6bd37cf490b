"""The ``pantau`` command: one subcommand per pipeline stage, plus ``run`` for the whole job."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pantau.settings import SEARCH_ENGINES, Settings, load_settings

err = Console(stderr=True)


def _catalogue(settings: Settings, *, init: bool = True):
    from katalog.db import Catalogue
    cat = Catalogue(settings)
    if init and not cat.is_initialised():
        cat.init()
    return cat


def _progress() -> Progress:
    # No auto-refresh thread: text extraction forks worker processes, which is only safe (and
    # fast) while the process has a single thread. Callers refresh on each step instead.
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False, auto_refresh=False,
                    disable=not err.is_terminal)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="pantau.toml (default: ./pantau.toml or $PANTAU_CONFIG)")
@click.option("--data-dir", type=click.Path(file_okay=False),
              help="Data directory (default: $PANTAU_DATA_DIR or ./var)")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, data_dir: str | None) -> None:
    """Pantau: pelacak peraturan daerah tentang jaminan sosial ketenagakerjaan (Inpres 2/2021)."""
    ctx.obj = load_settings(config_file, data_dir=data_dir)


@main.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Buat/migrasikan katalog dan muat 552 wilayah (create the catalogue, load regions)."""
    from katalog.db import Catalogue
    cat = Catalogue(settings)
    added = cat.init()
    from sqlalchemy import func, select
    from katalog.models import Region
    with cat.session() as s:
        total = s.scalar(select(func.count()).select_from(Region))
    click.echo(f"Katalog siap: {settings.database_url} — {total} wilayah ({added} baru)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--region", help="Kode wilayah Kemendagri bila dokumen tidak menyebutnya (e.g. 33.24)")
@click.option("--news", is_flag=True, help="Berkas adalah berita (bukti tingkat 'berita')")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], region: str | None, news: bool) -> None:
    """Tambahkan berkas lokal PDF/HTML/TXT (add local files, e.g. a circular received by e-mail)."""
    from katalog.ingest import ingest_paths
    cat = _catalogue(settings)
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p])
    with _progress() as prog:
        task = prog.add_task("ingest", total=len(files))

        def tick(res):
            prog.advance(task)
            prog.refresh()
            if res.outcome == "failed":
                err.print(f"[red]gagal[/red] {res.locator}: {res.reason} — {res.detail}")
        summary = ingest_paths(cat, files, region_hint=region, kind="news" if news else "regulation",
                               progress=tick)
    click.echo(summary.line())
    if summary.count("failed") == len(files) and files:
        sys.exit(1)


@main.command()
@click.option("--sources", "sources_file", type=click.Path(exists=True, dir_okay=False),
              help="Registri sumber (default: $PANTAU_SOURCES or sources.yaml)")
@click.option("--source", "only", multiple=True, help="Hanya sumber ini (nama); dapat diulang")
@click.option("--due", is_flag=True,
              help="Hanya sumber yang jatuh tempo (jelajah terakhir lebih lama dari 'recrawl')")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Lewati rekaman/daftar bertanggal sebelum YYYY-MM-DD (bila sumber memberi tanggal)")
@click.pass_obj
def crawl(settings: Settings, sources_file: str | None, only: tuple[str, ...], due: bool,
          since) -> None:
    """Jelajahi sumber yang terdaftar (crawl the configured sources)."""
    cat = _catalogue(settings)
    lines = _crawl(cat, sources_file or settings.sources_file or "sources.yaml", list(only),
                   due=due, since=since.date() if since else None)
    if not lines and due:
        click.echo("Tidak ada sumber yang jatuh tempo.")
    for line in lines:
        click.echo(line)


def _crawl(cat, sources_file: str, only: list[str], *, due: bool = False, since=None) -> list[str]:
    from crawler.runner import crawl as run_crawl
    from crawler.sources import load_sources
    import signal
    from crawler.registry import with_registry
    # the configured sources, plus every registry site discovery verified (never an unverified one)
    sources = with_registry(cat, load_sources(Path(sources_file)))
    try:
        summaries = run_crawl(cat, sources, only=only or None, due=due, since=since,
                              log_level="WARNING")
    finally:
        # Scrapy's graceful-shutdown handlers outlive its reactor; without this, SIGTERM to
        # `pantau run` (docker stop, systemd) would be swallowed once the dashboard is serving.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return [f"{r.name}: {r.status} ({r.finish_reason}) — {r.requests} permintaan, {r.items} item, "
            f"{r.docs_new} dokumen baru, {r.docs_updated} diperbarui, {r.docs_unchanged} tetap, "
            f"{r.files_new} berkas baru, {r.errors} galat" for r in summaries]


@main.group()
def sources() -> None:
    """Registri situs JDIH daerah dan penemuannya (the regional JDIH registry and discovery)."""


@sources.command("discover")
@click.option("--region", "regions", multiple=True,
              help="Kode wilayah Kemendagri (dapat diulang); default: semua wilayah tanpa situs "
                   "terverifikasi")
@click.option("--registry", "registry_file", type=click.Path(exists=True, dir_okay=False),
              help="Berkas registri (default: crawler/data/jdih_registry.csv)")
@click.option("--delay", type=float, default=2.0, show_default=True,
              help="Detik antar permintaan ke satu host")
@click.option("--timeout", type=float, default=20.0, show_default=True)
@click.option("--retry-backoff", type=float, default=10.0, show_default=True,
              help="Detik sebelum mencoba ulang alamat yang gagal (sekali)")
@click.option("--recheck-days", type=float, default=30.0, show_default=True,
              help="Alamat yang diperiksa dalam N hari terakhir dilewati")
@click.option("--max-minutes", type=float, default=180.0, show_default=True)
@click.option("--port", type=int, default=None,
              help="Tanya setiap host pada port ini lewat http (dunia uji loopback, cermin lokal)")
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON")
@click.pass_obj
def sources_discover(settings: Settings, regions: tuple[str, ...], registry_file: str | None,
                     delay: float, timeout: float, retry_backoff: float, recheck_days: float,
                     max_minutes: float,
                     port: int | None, as_json: bool) -> None:
    """Cari situs JDIH tiap wilayah: alamat registri, lalu pola nama domain; periksa, sidik
    jenis CMS-nya, dan catat putusan beserta alasannya (find each region's JDIH site)."""
    from datetime import timedelta
    from crawler.discovery import Policy, discover
    from crawler.registry import RegistryError, load_registry
    cat = _catalogue(settings)
    try:
        registry = load_registry(registry_file)
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from exc
    policy = Policy(schemes=("http",) if port else ("https", "http"), port=port, delay=delay,
                    timeout=timeout, retry_backoff=retry_backoff,
                    recheck=timedelta(days=recheck_days),
                    max_seconds=max_minutes * 60)
    try:
        report = discover(cat, registry, list(regions) or None, policy)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    rows = [{"region": c.region, "url": c.url, "origin": c.origin, "status": v.status,
             "reason": v.reason, "family": v.family} for c, v in report.results]
    if as_json:
        click.echo(json.dumps({"regions": len(report.regions), "checked": len(rows),
                               "skipped": report.skipped, "counts": report.counts(),
                               "requests": report.requests, "elapsed": report.elapsed,
                               "results": rows}, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['region']} {r['url']}: {r['status']}"
                   + (f" ({r['family']})" if r["family"] else "")
                   + (f" — {r['reason']}" if r["reason"] else ""))
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts().items())) or "tidak ada"
    click.echo(f"{len(report.regions)} wilayah, {len(rows)} alamat diperiksa ({counts}); "
               f"{report.skipped} dilewati (baru diperiksa), {report.requests} permintaan, "
               f"{report.elapsed:.0f} detik")


@sources.command("list")
@click.option("--status", type=click.Choice(["unverified", "verified", "rejected", "unreachable",
                                             "blocked"]))
@click.option("--region", "regions", multiple=True, help="Kode wilayah (dapat diulang)")
@click.pass_obj
def sources_list(settings: Settings, status: str | None, regions: tuple[str, ...]) -> None:
    """Daftar alamat JDIH di katalog dengan status dan buktinya (registry rows and verdicts)."""
    from crawler.registry import load_registry, sites, sync_registry
    cat = _catalogue(settings)
    sync_registry(cat, load_registry())
    for site in sites(cat, regions=list(regions) or None, status=status):
        when = site.checked_at.date().isoformat() if site.checked_at else "belum diperiksa"
        click.echo(f"{site.region_code} {site.url} [{site.status}] {site.family or '-'} {when}"
                   + (f" — {site.reason}" if site.reason else ""))


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil ekstraksi berkas sebagai JSON")
@click.option("--all", "everything", is_flag=True, help="Baca ulang semua berkas di katalog")
@click.option("--region", help="Kode wilayah bila dokumen tidak menyebutnya")
@click.option("-v", "--verbose", is_flag=True, help="Satu baris per berkas yang selesai dibaca")
@click.pass_obj
def extract(settings: Settings, file: Path | None, as_json: bool, everything: bool,
            region: str | None, verbose: bool) -> None:
    """Baca teks dan metadata (extract text and metadata).

    With FILE: print what is extracted from that file, without touching the catalogue.
    Without: read every stored file not read yet (``--all``: re-read everything). On PostgreSQL
    several `pantau extract` processes (or containers) share the work: each file is read once.
    """
    if file is not None:
        from nlp import text as nlp_text
        from nlp.extract import extract_document
        try:
            ex = nlp_text.extract_text_guarded(
                file.read_bytes(), filename=file.name, timeout=settings.document_timeout,
                max_bytes=settings.max_file_bytes, max_pages=settings.max_pages, ocr=True,
                cache_dir=settings.cache_dir / "ocr")
        except nlp_text.TextExtractionError as exc:
            click.echo(json.dumps({"error": {"reason": exc.reason, "message": str(exc)}}))
            sys.exit(1)
        kind = "news" if ex.media_type == "text/html" and file.suffix.lower() in (".html", ".htm") \
            and "PERATURAN" not in ex.text[:3000].upper() else "regulation"
        # exactly the output contract: nlp/schema/extract.schema.json
        out = extract_document(ex.text, pages=ex, region_hint=region, kind=kind)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2 if as_json else None))
        return
    from katalog.ingest import extract_pending
    cat = _catalogue(settings)
    with _progress() as prog:
        task = prog.add_task("extract", total=None)
        def tick(res):
            prog.advance(task)
            prog.refresh()
            if verbose:  # printed once the file's text and facts are committed
                click.echo(f"{res.locator} {res.outcome} {res.reg_key or res.reason or ''}".rstrip())
        summary = extract_pending(cat, everything=everything, progress=tick)
    click.echo(summary.line())


def _search_index(settings: Settings, engine: str | None = None):
    """The configured search index, after checking that the engine and the installed client are
    versions that work together (a mismatch ends the command with both versions named; an
    engine that is down is left to the command, which says so in its own words)."""
    from indices.search import EngineUnavailable, SearchError, open_index
    try:
        idx = open_index(settings, engine=engine)
    except SearchError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        idx.check_version()
    except EngineUnavailable:
        pass
    except SearchError as exc:
        raise click.ClickException(f"Mesin pencarian ditolak / search engine refused: {exc}") from exc
    return idx


# How `pantau index` names the search index's sync outcomes.
_SYNC_LABELS = {"new": "baru", "updated": "diperbarui", "deleted": "dihapus", "unchanged": "tetap"}


def _index_catalogue(settings: Settings, cat, engine: str | None = None, *,
                     rebuild: bool = False) -> tuple[str, bool]:
    """Recompute the adoption index, then sync (or rebuild) the configured search index;
    returns (report line, search index succeeded)."""
    from indices.refresh import refresh
    idx = _search_index(settings, engine)
    report = refresh(cat, idx, rebuild=rebuild)
    err.print("Indeks adopsi: " + ", ".join(f"{v} {k.replace('_', ' ')}"
                                            for k, v in report.statuses.items()))
    if not report.ok:
        return (f"Indeks gagal ({idx.name}, {idx.location}): {report.error}. Katalog tidak berubah; "
                f"`pantau index` melanjutkan setelah mesin pencarian hidup kembali."), False
    sync = report.search
    counts = ", ".join(f"{v} {_SYNC_LABELS[k]}" for k, v in sync.counts().items())
    note = f"{idx.name}, {sync.index}" + (", dibangun ulang" if sync.rebuilt else "")
    line = (f"Indeks dibangun ulang: {idx.count()} dokumen ({sync.new} diindeks) [{note}]"
            if rebuild else f"Indeks: {idx.count()} dokumen — {counts} [{note}]")
    if sync.rejected:
        line += f"\n{len(sync.rejected)} dokumen ditolak mesin pencarian: " + "; ".join(
            f"{k} ({why})" for k, why in sync.rejected[:5])
    return line, True


_ENGINE_OPTION = click.option("--engine", type=click.Choice(SEARCH_ENGINES),
                              help="Mesin pencarian (default: $PANTAU_SEARCH_ENGINE atau embedded)")


@main.command()
@_ENGINE_OPTION
@click.pass_obj
def index(settings: Settings, engine: str | None) -> None:
    """Perbarui indeks pencarian dari katalog (bring the search index up to date).

    Only what changed since the last run is sent; after a crash or an engine outage, running it
    again catches up. Exit status 1 when the engine could not be reached.
    """
    cat = _catalogue(settings)
    line, reachable = _index_catalogue(settings, cat, engine)
    click.echo(line, err=not reachable)
    if not reachable:
        sys.exit(1)


@main.command()
@_ENGINE_OPTION
@click.pass_obj
def reindex(settings: Settings, engine: str | None) -> None:
    """Bangun ulang indeks pencarian dari katalog (rebuild the index, then swap it in atomically)."""
    cat = _catalogue(settings)
    line, reachable = _index_catalogue(settings, cat, engine, rebuild=True)
    click.echo(line, err=not reachable)
    if not reachable:
        sys.exit(1)


@main.command()
@click.argument("query", required=False, default="")
@click.option("--filter", "filters", multiple=True, metavar="NAME=VALUE",
              help="province, region, jenis, tahun (2024 atau 2020..2024), status, program, "
                   "has_obligation, kind; dapat diulang")
@click.option("--exact", is_flag=True, help="Persis seperti ditulis: tanpa stemming, stop word, sinonim")
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Cetak halaman hasil sebagai JSON")
@_ENGINE_OPTION
@click.pass_obj
def search(settings: Settings, query: str, filters: tuple[str, ...], exact: bool, page: int,
           per_page: int, as_json: bool, engine: str | None) -> None:
    """Cari dokumen (search documents): kata, "frasa", -kata, "perbup 30 2024"."""
    from indices.search import EngineUnavailable, SearchRequest
    pairs = []
    for f in filters:
        if "=" not in f:
            raise click.BadParameter(f"{f!r} is not NAME=VALUE", param_hint="--filter")
        pairs.append(tuple(x.strip() for x in f.split("=", 1)))
    try:
        req = SearchRequest.build(query, pairs, exact=exact, page=page, per_page=per_page)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--filter") from exc
    _catalogue(settings)
    idx = _search_index(settings, engine)
    try:
        res = idx.search(req)
    except EngineUnavailable as exc:
        err.print(f"[red]Pencarian gagal[/red] ({idx.name}, {idx.location}): {exc}")
        sys.exit(1)
    if as_json:  # the same page as /api/v1/search, passages as HTML
        from webapp.render import search_page
        click.echo(json.dumps(search_page(res), ensure_ascii=False))
        return
    click.echo(f"{res.total} hasil untuk {query!r} (halaman {res.page})")
    for h in res.hits:
        click.echo(f"  {h.reg_key}  {h.title}")
        snippet = h.snippet.excerpt if h.snippet else ""
        if snippet:
            click.echo(f"      {snippet[:160]}")
        for p in h.passages:
            where = " ".join(x for x in (f"Pasal {p.pasal}" if p.pasal else "",
                                         f"ayat ({p.ayat})" if p.ayat else "") if x)
            click.echo(f"      [{p.kind}{', ' + where if where else ''}] {p.excerpt[:140]}")
    for name, values in res.facets.items():
        if values:
            click.echo(f"  {name}: " + ", ".join(f"{v.label} ({v.count})" for v in values[:8]))


@main.command()
@click.option("--host", default=None, help="default $PANTAU_HOST or 127.0.0.1")
@click.option("--port", default=None, type=int, help="default $PANTAU_PORT or 5000")
@click.option("--workers", default=None, type=int,
              help="Proses gunicorn (default $PANTAU_WEB_WORKERS; 0 = 2 x CPU + 1)")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int | None) -> None:
    """Jalankan dasbor web dengan gunicorn (serve the dashboard under gunicorn)."""
    if workers is not None:
        from dataclasses import replace
        settings = replace(settings, web_workers=workers)
    _serve(settings, host or settings.host, port or settings.port)


def _serve(settings: Settings, host: str, port: int) -> None:
    """Check what the workers will need (catalogue, search engine version, rate-limit settings),
    then hand this process over to gunicorn's master until SIGTERM/SIGINT."""
    from pantau_cli import serving
    from webapp import ratelimit
    cat = _catalogue(settings)
    cat.dispose()  # the workers open their own pools; none is inherited through fork
    _search_index(settings).close()
    try:
        for spec in (settings.rate_limit, settings.export_rate_limit):
            ratelimit.parse(spec)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    err.print(f"Dasbor: http://{host}:{port}/ (gunicorn, {serving.worker_count(settings)} proses)")
    serving.serve(settings, host, port)


@main.command()
@click.argument("what", type=click.Choice(["regions", "documents", "facts"]))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.pass_obj
def export(settings: Settings, what: str, fmt: str) -> None:
    """Ekspor ke stdout (export regions, documents or facts as JSON or CSV)."""
    from katalog import export as ex
    cat = _catalogue(settings)
    ex.write(ex.ROWS[what](cat), what, fmt, sys.stdout)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON")
@click.pass_obj
def status(settings: Settings, as_json: bool) -> None:
    """Ringkasan katalog dan kesehatan sumber (catalogue and source health)."""
    from indices.status import catalogue_status
    cat = _catalogue(settings)
    st = catalogue_status(cat)
    if as_json:
        click.echo(json.dumps(st, ensure_ascii=False, indent=2))
        return
    console = Console(width=max(Console().width, 160))
    console.print(f"Katalog: {settings.database_url}")
    console.print(f"Dokumen: {st['documents']} · berkas: {st['files']} · fakta: {st['facts']} · "
                  f"wilayah dengan dokumen: {st['regions_with_documents']} dari {st['regions']} · "
                  f"kegagalan terbuka: {st['open_failures']}")
    table = Table("sumber", "jenis", "jelajah terakhir", "item", "baru", "galat",
                  "dok. baru terakhir", "kesehatan")
    colour = {"ok": "green", "warn": "yellow", "fail": "red", "never": "dim", "running": "cyan"}
    for row in st["sources"]:
        usual = (f" (biasanya {row['usual_items']:g})"
                 if row["usual_items"] is not None and row["usual_items"] != row["items"] else "")
        newest = "—"
        if row["days_since_new"] is not None:
            newest = f"{row['days_since_new']:.0f} hari lalu"
            if row["median_gap_days"] is not None:
                newest += f" (biasanya tiap {row['median_gap_days']:.0f} hari)"
        errors = str(row["errors"])
        if row["errors_by_reason"]:
            errors += " (" + ", ".join(f"{k.split(':', 1)[-1]} {v}"
                                       for k, v in row["errors_by_reason"].items()) + ")"
        health = "; ".join(row["flags"]) or "ok"
        table.add_row(row["name"], row["kind"],
                      f"{(row['last_run'] or '—')[:16]} {row['last_status'] or ''}".strip(),
                      f"{row['items']}{usual}", str(row["docs_new"]), errors, newest,
                      f"[{colour.get(row['level'], 'white')}]{health}[/]")
    console.print(table)
    for f in st["failures"][:20]:
        console.print(f"[red]{f['stage']}[/red] {f['reason']}: {f['locator']} — {f['detail'][:120]}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON")
@click.pass_obj
def alerts(settings: Settings, as_json: bool) -> None:
    """Peringatan sumber: buka yang baru, tutup yang pulih, kirim ke webhook (evaluate the
    sources' alerts; also a step of `pantau worker`)."""
    from katalog.alerts import evaluate_alerts, open_alerts
    cat = _catalogue(settings)
    opened, resolved = evaluate_alerts(cat)
    still = open_alerts(cat)
    if as_json:
        click.echo(json.dumps({"opened": opened, "resolved": resolved, "open": still},
                              ensure_ascii=False, indent=2))
        return
    for a in opened:
        click.echo(f"dibuka: {a['source']} {a['kind']}: {a['message']}")
    for a in resolved:
        click.echo(f"pulih: {a['source']} {a['kind']}")
    click.echo(f"{len(still)} peringatan terbuka"
               + "".join(f"\n  {a['source']} {a['kind']} sejak {a['opened_at']}: {a['message']}"
                         + (f" [webhook: {a['notify_error']}]" if a["notify_error"] else "")
                         for a in still))


@main.command()
@click.option("--interval", type=float, default=None,
              help="Detik antar siklus (default $PANTAU_WORKER_INTERVAL atau 3600)")
@click.option("--cycles", type=int, default=None, help="Berhenti setelah N siklus")
@click.option("--check", is_flag=True, help="Pemeriksaan kesehatan: detak pekerja masih baru?")
@click.pass_obj
def worker(settings: Settings, interval: float | None, cycles: int | None, check: bool) -> None:
    """Pekerja terjadwal: jelajah sumber jatuh tempo → ekstraksi → indeks, berulang.

    The deployment's worker (docker-compose.yml): each step runs as its own `pantau` process,
    logs go to stdout/stderr, SIGTERM stops it cleanly. `--check` exits 1 when the worker's
    heartbeat is stale (the container health check).
    """
    from pantau_cli import worker as scheduled
    if check:
        healthy, why = scheduled.check(settings)
        click.echo(("sehat: " if healthy else "tidak sehat: ") + why)
        sys.exit(0 if healthy else 1)
    _catalogue(settings)
    sys.exit(scheduled.run(settings, settings.worker_interval if interval is None else interval,
                           cycles=cycles, say=lambda line: click.echo(line)))


@main.command()
@click.option("--sources", "sources_file", type=click.Path(exists=True, dir_okay=False),
              help="Registri sumber; tanpa opsi ini: situs demo bawaan di 127.0.0.1")
@click.option("--host", default=None)
@click.option("--port", default=None, type=int)
@click.option("--no-serve", is_flag=True, help="Berhenti setelah indeks (jangan jalankan dasbor)")
@click.pass_obj
def run(settings: Settings, sources_file: str | None, host: str | None, port: int | None,
        no_serve: bool) -> None:
    """Pekerjaan utama: jelajah → ekstraksi → indeks → dasbor (the main job)."""
    from katalog.ingest import extract_pending
    cat = _catalogue(settings)
    server = None
    if sources_file is None:
        from pantau_cli.demo import serve_demo
        server, _ = serve_demo("127.0.0.1", settings.demo_port)
        sources_file = str(_demo_sources(settings, server.server_address[1]))
        err.print(f"Sumber demo bawaan: http://127.0.0.1:{server.server_address[1]}/")
    for line in _crawl(cat, sources_file, []):
        click.echo(line)
    if server is not None:
        server.shutdown()
        server.server_close()
    click.echo(extract_pending(cat).line())
    click.echo(_index_catalogue(settings, cat)[0])  # an engine that is down does not stop the dashboard
    cat.dispose()  # gunicorn forks its workers from this process: no connection may cross
    if not no_serve:
        _serve(settings, host or settings.host, port or settings.port)


@main.group()
def claims() -> None:
    """Periksa klaim adopsi (check an adoption claim against its clauses)."""


@claims.command("explain")
@click.argument("kode")
@click.argument("indicator")
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON")
@click.option("--all", "show_all", is_flag=True,
              help="Tampilkan semua ketentuan yang memenuhi (default: 10 pertama)")
@click.pass_obj
def claims_explain(settings: Settings, kode: str, indicator: str, as_json: bool,
                   show_all: bool) -> None:
    """Keputusan untuk satu wilayah dan indikator, dengan setiap ketentuan yang hampir memenuhi.

    KODE is a Kemendagri region code (33.25), INDICATOR an indicator id (pekerja_rentan_apbd).
    Every clause that meets part of the rule is listed with what it lacks: the analyst's tool
    for checking a claim before publishing it.
    """
    from indices.adoption import explain
    cat = _catalogue(settings)
    try:
        out = explain(cat, kode, indicator)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="INDICATOR") from exc
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    why = out.get("why") or {}
    click.echo(f"{kode} · {indicator}: {out['status']}"
               + (f" sejak {out['since']}" if out["since"] else ""))
    click.echo(f"Aturan: {out['rule']}")
    if why.get("reason"):
        click.echo(f"Alasan: {why['reason']}")
    counted = [r for r in out["clauses"] if r["counted"]]
    missed = [r for r in out["clauses"] if not r["counted"]]
    limit = None if show_all else 10
    if counted:
        click.echo(f"\nKetentuan yang memenuhi ({len(counted)}):")
        for r in counted[:limit]:
            click.echo(f"  ✓ {r['document']} {r['clause']}")
            for m in r["matched"]:
                click.echo(f"      · {m}")
            click.echo(f"      “{r['quote']}”")
    if missed:
        click.echo(f"\nHampir memenuhi, tidak dihitung ({len(missed)}):")
        for r in missed[:limit if limit is None else 3 * limit]:
            click.echo(f"  ✗ {r['document']} {r['clause'] or '(dokumen)'}: {r['why']}")
            if r["quote"]:
                click.echo(f"      “{r['quote'][:160]}”")


@main.group()
def apikey() -> None:
    """Kunci API untuk unggah dokumen (API keys for the upload endpoint)."""


@apikey.command("create")
@click.argument("name")
@click.pass_obj
def apikey_create(settings: Settings, name: str) -> None:
    """Buat kunci baru; kunci hanya ditampilkan sekali (only its hash is stored)."""
    from katalog import apikeys
    key = apikeys.create(_catalogue(settings), name)
    click.echo(key)
    err.print("Simpan kunci ini sekarang: Pantau hanya menyimpan hash-nya.")


@apikey.command("list")
@click.pass_obj
def apikey_list(settings: Settings) -> None:
    """Daftar kunci (nama, awalan, dibuat, dicabut)."""
    from katalog import apikeys
    for k in apikeys.listing(_catalogue(settings)):
        click.echo(f"{k['prefix']}…  {k['name']}  dibuat {k['created_at']}"
                   f"{'  DICABUT' if k['revoked'] else ''}")


@apikey.command("revoke")
@click.argument("prefix")
@click.pass_obj
def apikey_revoke(settings: Settings, prefix: str) -> None:
    """Cabut kunci berdasarkan awalannya (as shown by `pantau apikey list`)."""
    from katalog import apikeys
    n = apikeys.revoke(_catalogue(settings), prefix)
    click.echo(f"{n} kunci dicabut")
    if not n:
        sys.exit(1)


def _demo_sources(settings: Settings, port: int) -> Path:
    """The bundled demo registry (pantau_cli/data/demo/sources.yaml) pointed at the demo site's actual port."""
    from importlib import resources
    text = (resources.files("pantau_cli") / "data" / "demo" / "sources.yaml").read_text(encoding="utf-8")
    path = settings.data_dir / "sources.demo.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("127.0.0.1:8765", f"127.0.0.1:{port}"), encoding="utf-8")
    return path



@main.command()
@_ENGINE_OPTION
@click.option("--no-index", is_flag=True, help="Jangan periksa indeks pencarian")
@click.pass_obj
def verify(settings: Settings, engine: str | None, no_index: bool) -> None:
    """Periksa keutuhan: hash setiap berkas, rujukan katalog, jumlah indeks (integrity check).

    Exit status 1 and a list of problems when anything disagrees.
    """
    from indices.refresh import verify_index
    from katalog import integrity
    cat = _catalogue(settings)
    problems = integrity.verify(cat)
    if not no_index:
        problems += verify_index(cat, _search_index(settings, engine))
    errors = [p for p in problems if integrity.is_error(p)]
    for p in problems:
        click.echo(("MASALAH " if integrity.is_error(p) else "catatan ") + p.line())
    if errors:
        click.echo(f"{len(errors)} masalah ditemukan.", err=True)
        sys.exit(1)
    click.echo("Katalog, berkas" + ("" if no_index else ", dan indeks") + " utuh.")


@main.command()
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def backup(settings: Settings, dest: Path) -> None:
    """Cadangkan katalog dan semua berkas ke DEST (backup: SQLite online copy or pg_dump, + blobs)."""
    from katalog import integrity
    cat = _catalogue(settings)
    try:
        manifest = integrity.backup(cat, dest)
    except integrity.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Cadangan {dest}: katalog {manifest['database']['kind']}, "
               f"{len(manifest['blobs'])} berkas")


@main.command()
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_obj
def restore(settings: Settings, src: Path) -> None:
    """Pulihkan katalog dan berkas dari cadangan SRC (restore; then run `pantau reindex`)."""
    from katalog import integrity
    try:
        manifest = integrity.restore(settings, src)
    except integrity.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    _catalogue(settings)  # migrate a backup made by an older version
    click.echo(f"Dipulihkan dari {src}: katalog {manifest['database']['kind']}, "
               f"{len(manifest['blobs'])} berkas. Jalankan `pantau reindex` untuk indeks pencarian.")

if __name__ == "__main__":  # pragma: no cover
    main()
