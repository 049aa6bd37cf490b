"""The Flask web app: app factory, one blueprint per resource, security headers on every response."""

from __future__ import annotations

from flask import Flask

from pantau.settings import Settings, load_settings

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(settings: Settings | None = None) -> Flask:
    from katalog.db import Catalogue
    from indices.search import open_index

    from . import api, context, exports, feeds, i18n, pages

    settings = settings or load_settings()
    app = Flask(__name__)
    context.install(app, settings, Catalogue(settings), open_index(settings))
    app.config["MAX_CONTENT_LENGTH"] = settings.max_file_bytes + 1024 * 1024  # uploads are capped
    for blueprint in (pages.bp, api.bp, feeds.bp, exports.bp):
        app.register_blueprint(blueprint)
    i18n.install(app)
    from . import ratelimit
    ratelimit.install(app, settings)  # search + API, and exports: Flask-Limiter
    if settings.proxy_fix > 0:
        # behind N reverse proxies: client address, scheme and host from their X-Forwarded-*
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = settings.proxy_fix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        csp = resp.headers["Content-Security-Policy"]
        if "frame-ancestors" not in csp:  # e.g. the sandboxed PDF of /berkas/: never framed either
            resp.headers["Content-Security-Policy"] = csp + "; frame-ancestors 'none'"
        return resp

    @app.errorhandler(500)
    def _error(_exc):  # never show a stack trace
        return "Terjadi kesalahan di server. / Internal server error.", 500

    @app.errorhandler(503)
    def _unavailable(_exc):
        return "Mesin pencari sedang tidak tersedia. / The search engine is unavailable.", 503

    return app
