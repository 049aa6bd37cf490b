"""Run :func:`~nlp.text.dispatch.extract_text` in a child process that dies when its time is up or
its parent dies, so no parser can hang or outlive a batch."""

from __future__ import annotations

import multiprocessing
import os
import signal

from . import pdf_fast
from .dispatch import extract_text
from .model import ExtractedText, TextExtractionError
from .pdf_fast import describe


def extract_text_guarded(data: bytes, media_type: str | None = None, *, timeout: float = 600.0,
                         **kwargs) -> ExtractedText:
    """:func:`extract_text` in a child process that is killed after ``timeout`` seconds.

    The child leads its own process group, so the kill also ends the page workers and tesseract
    processes it started. Raises ``TextExtractionError("timeout")`` when time runs out and
    ``corrupt`` when the child dies (a parser crash, or the memory killer).
    """
    ctx = multiprocessing.get_context("fork" if pdf_fast.can_fork() else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    # The child also checks the limit between pages, so it usually stops itself cleanly.
    kwargs.setdefault("timeout", timeout * 0.95)
    proc = ctx.Process(target=_guarded_child, args=(sender, receiver, data, media_type, kwargs),
                       name="pantau-extract", daemon=False)
    proc.start()
    sender.close()
    try:
        os.setpgid(proc.pid, proc.pid)
    except OSError:
        pass  # the child does it too; whoever is first wins
    try:
        if not receiver.poll(timeout):
            raise TextExtractionError("timeout", f"gave up after {timeout:g} s (process killed)")
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            proc.join(5)
            raise TextExtractionError(
                "corrupt", f"extraction process died (exit code {proc.exitcode})") from None
    finally:
        _kill_group(proc)
        receiver.close()
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "error":
        raise TextExtractionError(outcome[1], outcome[2])
    raise TextExtractionError("corrupt", f"extraction failed: {outcome[1]}")


def _guarded_child(sender, receiver, data, media_type, kwargs) -> None:
    # The forked copy of the read end must go: if the parent dies, a write of a large result would
    # otherwise block forever on a pipe only this process still reads.
    receiver.close()
    _die_with_parent()
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    try:
        outcome = ("ok", extract_text(data, media_type, **kwargs))
    except TextExtractionError as exc:
        outcome = ("error", exc.reason, str(exc))
    except Exception as exc:  # reported to the parent as a failure of this one file
        outcome = ("crash", describe(exc))
    sender.send(outcome)
    sender.close()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed ``pantau`` run must not
    leave extraction children behind). A no-op elsewhere."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _kill_group(proc) -> None:
    if proc.is_alive():
        proc.join(0.05)
    try:
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    if proc.is_alive():
        proc.kill()
    proc.join()
