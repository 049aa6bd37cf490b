"""Turning a failed download into a short machine reason (``http_500``, ``timeout``, ...)."""

from __future__ import annotations

from scrapy import exceptions as sx
from twisted.internet import error as tx
from twisted.python.failure import Failure

from scrapy.spidermiddlewares.httperror import HttpError


def download_failure_reason(exc: BaseException | Failure) -> tuple[str, str]:
    """(reason, detail) for an exception raised while downloading a request."""
    if isinstance(exc, Failure):
        exc = exc.value
    detail = f"{type(exc).__name__}: {exc}"[:1000]
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}", detail
    if isinstance(exc, sx.IgnoreRequest):
        if "robots" in str(exc).lower():
            return "robots_forbidden", detail
        return "ignored", detail
    if isinstance(exc, (sx.DownloadTimeoutError, tx.TimeoutError, TimeoutError)):
        return "timeout", detail
    if isinstance(exc, (sx.CannotResolveHostError, tx.DNSLookupError)):
        return "dns_error", detail
    if isinstance(exc, (sx.DownloadConnectionRefusedError, tx.ConnectionRefusedError,
                        ConnectionRefusedError)):
        return "connection_refused", detail
    if isinstance(exc, sx.DownloadCancelledError) or "max size" in str(exc).lower():
        if "size" in str(exc).lower():
            return "too_large", detail
        return "cancelled", detail
    if isinstance(exc, sx.ResponseDataLossError):
        return "incomplete_response", detail
    if isinstance(exc, (sx.DownloadFailedError, tx.ConnectError, tx.ConnectionLost,
                        tx.ConnectionDone, OSError)):
        return "connection_error", detail
    return "download_error", detail
