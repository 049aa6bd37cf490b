"""Turning a failed download into a short machine reason (``http_500``, ``timeout``, ...)."""

from __future__ import annotations

from scrapy import exceptions as sx
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx
from twisted.python.failure import Failure


def download_failure_reason(exc: BaseException | Failure) -> tuple[str, str]:
    """(reason, detail) for an exception raised while downloading a request."""
    if isinstance(exc, Failure):
        exc = exc.value
    detail = f"{type(exc).__name__}: {exc}"[:1000]
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}", detail
    if getattr(exc, "pantau_reason", None):  # e.g. crawler.safety: private_address
        return exc.pantau_reason, detail
    if isinstance(exc, sx.IgnoreRequest) and "max redirections" in str(exc).lower():
        return "too_many_redirects", detail
    if isinstance(exc, sx.IgnoreRequest):
        return ("robots_forbidden" if "robots" in str(exc).lower() else "ignored"), detail
    if isinstance(exc, (sx.DownloadTimeoutError, tx.TimeoutError, TimeoutError)):
        return "timeout", detail
    if isinstance(exc, (sx.CannotResolveHostError, tx.DNSLookupError)):
        return "dns_error", detail
    if isinstance(exc, (sx.DownloadConnectionRefusedError, tx.ConnectionRefusedError,
                        ConnectionRefusedError)):
        return "connection_refused", detail
    if isinstance(exc, sx.DownloadCancelledError):
        # Scrapy cancels a download that exceeds DOWNLOAD_MAXSIZE / download_maxsize
        return ("too_large" if "max size" in str(exc) else "cancelled"), detail
    if isinstance(exc, sx.ResponseDataLossError):
        return "incomplete_response", detail
    if isinstance(exc, (sx.DownloadFailedError, tx.ConnectError, tx.ConnectionLost,
                        tx.ConnectionDone, OSError)):
        return "connection_error", detail
    return "download_error", detail
