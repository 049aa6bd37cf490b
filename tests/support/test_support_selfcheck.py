"""Self-check of the test support helpers (real PostgreSQL, real Chromium)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.browser import chromium_page, screenshot
from tests.support.postgres import fresh_database, running_postgres


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket in LISTEN state on ``port``."""
    found: set[str] = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            addr_hex, port_hex = fields[1].split(":")
            if fields[3] != "0A" or int(port_hex, 16) != port:
                continue
            raw = bytes.fromhex(addr_hex)
            # /proc stores each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, raw))
    return found


@pytest.mark.postgres
def test_running_postgres(tmp_path: Path) -> None:
    with running_postgres(tmp_path) as url:
        assert url.startswith("postgresql+psycopg://pantau@127.0.0.1:")
        assert url.endswith("/pantau")
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                version = conn.execute(text("select version()")).scalar_one()
                assert version.startswith("PostgreSQL ")
                assert conn.execute(text("select current_user")).scalar_one() == "pantau"
                assert conn.execute(text("show listen_addresses")).scalar_one() == "127.0.0.1"
                assert conn.execute(text("show fsync")).scalar_one() == "off"
            port = engine.url.port
        finally:
            engine.dispose()
        assert _listening_addresses(port) == {"127.0.0.1"}

        other_url = fresh_database(url, "selfcheck_fresh")
        assert other_url.endswith(f":{port}/selfcheck_fresh")
        other = create_engine(other_url)
        try:
            with other.connect() as conn:
                assert conn.execute(text("select current_database()")).scalar_one() == "selfcheck_fresh"
                tables = conn.execute(
                    text("select count(*) from pg_tables where schemaname = 'public'")
                ).scalar_one()
                assert tables == 0
        finally:
            other.dispose()
    # Stopped on exit.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Pantau selfcheck</title></head>
<body><h1 id="greeting">Halo, Pantau!</h1></body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.browser
def test_chromium_page(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with chromium_page(tmp_path) as page:
            page.goto(f"http://127.0.0.1:{port}/")
            assert page.title() == "Pantau selfcheck"
            assert page.locator("#greeting").inner_text() == "Halo, Pantau!"
            png = screenshot(page, tmp_path / "shots", "selfcheck home")
        assert png == tmp_path / "shots" / "selfcheck_home.png"
        assert png.is_file()
        data = png.read_bytes()
        assert len(data) > 100
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        server.shutdown()
        server.server_close()
