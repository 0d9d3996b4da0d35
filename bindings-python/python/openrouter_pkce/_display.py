"""How the login talks to its user from Python: Jupyter display or stderr, and lines through ``input()``.

Called by the native login (never directly): ``context()`` tells it where it runs, ``show_url`` /
``message`` show things, ``read_line`` asks for a pasted line, ``finish`` says how it ended.
"""

from __future__ import annotations

import builtins
import html
import os
import sys
import threading
from typing import Any, Callable, Optional, Tuple

from openrouter_pkce import _native

# Hosted notebooks that only show up as an imported module (their environment variables are the core's).
_HOSTED_MODULES = ("google.colab", "kaggle_secrets", "databricks", "sagemaker")


def auth_link_html(url: str) -> str:
    """A clickable "Connect OpenRouter" link to ``url``, with the href escaped."""
    href = html.escape(url, quote=True)
    return (
        f'<a href="{href}" target="_blank" rel="noopener noreferrer" '
        'style="display:inline-block;padding:6px 14px;border-radius:6px;'
        'background:#6467f2;color:#fff;text-decoration:none;font-weight:600">'
        "Connect OpenRouter</a>"
    )


def in_notebook() -> bool:
    """Whether this runs inside a Jupyter/IPython kernel (not a terminal IPython). Imports nothing."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - a broken IPython is not a notebook
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def context() -> Tuple[bool, bool, bool]:
    """``(notebook, hosted, tty)``: inside a kernel; a hosted notebook seen only from Python; a terminal on
    stdin that can be polled for a pasted line (POSIX, outside notebooks)."""
    notebook = in_notebook()
    hosted = any(name in sys.modules for name in _HOSTED_MODULES)
    tty = not notebook and os.name == "posix" and _stdin_is_tty()
    return notebook, hosted, tty


#: The notebook links the login in progress on each thread showed, replaced by its outcome when it ends
#: (they would lead to a closed port).
_links = threading.local()


def _replace_links(text: str) -> None:
    handles = getattr(_links, "handles", [])
    _links.handles = []
    markup = f"<p>{html.escape(text)}</p>"
    for handle in handles:
        handle.update({"text/html": markup, "text/plain": text}, raw=True)


def _show_html(url: str, headless: bool) -> bool:
    try:
        from IPython.display import display
    except ImportError:
        return False
    what = _native._url_heading(headless, True)
    escaped = html.escape(url, quote=True)
    markup = (
        f"<p>{html.escape(what)}</p><p>{auth_link_html(url)}</p>"
        f'<p style="font-size:smaller;word-break:break-all"><code>{escaped}</code></p>'
    )
    handle = display(  # type: ignore[no-untyped-call]
        {"text/html": markup, "text/plain": f"{what}\n{url}"}, raw=True, display_id=True
    )
    _links.handles = [*getattr(_links, "handles", []), handle]
    return True


def finish(outcome: str, notebook: bool) -> None:
    """The login ended: in a notebook its links are replaced by ``outcome`` ("Connected as …" or the error)."""
    if notebook:
        try:
            _replace_links(outcome)
        except Exception:  # noqa: BLE001 - a display that cannot update must not hide the login's result
            _links.handles = []


def show_url(url: str, headless: bool, notebook: bool) -> None:
    """Show the authorization URL: a clickable link in a notebook (the plain URL as the text fallback),
    else the URL on stderr."""
    if notebook and _show_html(url, headless):
        return
    what = _native._url_heading(headless, False)
    print(f"\n{what}\n\n    {url}\n", file=sys.stderr, flush=True)


def message(text: str, notebook: bool) -> None:
    """A status line: printed in the cell in a notebook, on stderr elsewhere."""
    print(text, file=sys.stdout if notebook else sys.stderr, flush=True)


#: The interpreter's own ``input()``, which reads ``sys.stdin`` without a bound. When it has been replaced
#: (a notebook kernel's, an app's own prompt, a test), the replacement is used instead.
_STDIN_INPUT = builtins.input


def _bounded_line() -> str:
    """One line from stdin, of at most one byte more than the core looks at, so an endless line (such as
    ``< /dev/zero``) costs bounded memory and is refused as malformed. Bytes that are not UTF-8 become U+FFFD
    (a malformed paste, asked again), never a ``UnicodeDecodeError`` holding the line. ``EOFError`` at end of
    input."""
    stdin = sys.stdin
    if stdin is None:
        raise EOFError
    limit = _native._MAX_PASTED_LINE + 1
    buffer = getattr(stdin, "buffer", None)
    line: str
    if buffer is not None:
        raw = buffer.readline(limit)
        if not raw:
            raise EOFError
        line = raw.decode("utf-8", "replace")
    else:
        line = str(stdin.readline(limit))
        if not line:
            raise EOFError
    return line.rstrip("\r\n")


def _stdin_line() -> str:
    """A line the user typed or pasted on stdin (the prompt is already shown)."""
    if builtins.input is not _STDIN_INPUT:
        return input()
    return _bounded_line()


class _Withdrawn(BaseException):
    """Raised into a thread waiting in a kernel's ``input()`` once the login no longer needs the line.

    A ``BaseException``: the kernel's wait loop logs and retries on ``Exception``, and turns
    ``KeyboardInterrupt`` into its own; this one passes through it."""


#: How often the watcher of a kernel's input request asks whether the login still waits, in seconds.
_WITHDRAW_POLL = 0.05


def _checkpoint() -> None:
    """A Python call: an exception raised into this thread by the watcher is delivered by its return."""


def _kernel_line(prompt: str, abandoned: Callable[[], bool]) -> Optional[str]:
    """A line typed into a Jupyter kernel's input request, withdrawn when the login ends another way.

    A kernel's ``input()`` waits for the frontend's reply with no way to cancel it, so a login that ended
    (the browser's callback won, the timeout) would leave this thread (in a sync login, the cell's own)
    waiting for ever. A watcher thread asks ``abandoned()`` every 50 ms and, once it is true, raises
    :class:`_Withdrawn` into the waiting thread; the kernel's wait loop polls its socket every 10 ms, so
    the exception lands within milliseconds. The frontend's input box stays until it is answered or the cell
    runs again (Jupyter has no message that withdraws one); a late answer goes to a request nobody waits
    for, which the kernel discards before its next input request."""
    import ctypes

    target = threading.get_ident()
    lock = threading.Lock()
    waiting = [True]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(_WITHDRAW_POLL):
            if abandoned():
                with lock:
                    if waiting[0]:
                        waiting[0] = False
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(target), ctypes.py_object(_Withdrawn)
                        )
                return

    threading.Thread(target=watch, name="openrouter-pkce-withdraw", daemon=True).start()
    try:
        try:
            return input(prompt)
        finally:
            stop.set()
            with lock:
                waiting[0] = False
            _checkpoint()  # an exception raised in just before the lock was taken lands here, inside the try
    except _Withdrawn:
        return None


def read_line(prompt: str, tty: bool, abandoned: Callable[[], bool]) -> Optional[str]:
    """One pasted line, or ``None`` when none will come.

    In a notebook through ``input()`` (so a Jupyter kernel sends an input request), withdrawn once
    ``abandoned()``; elsewhere a bounded line of stdin (through ``input()`` only where it was replaced). On
    a POSIX terminal the prompt is printed and stdin polled. Either way the login can end another way (the
    browser's callback, the timeout) while the user has not typed anything; ``abandoned()`` tells when it
    did. The prompt goes to stderr (stdout stays the program's), except in a notebook, where it labels the
    cell's input box.
    """
    if not tty:
        try:
            if in_notebook():
                return _kernel_line(prompt, abandoned)
            sys.stderr.write(prompt)
            sys.stderr.flush()
            return _stdin_line()
        except EOFError:
            return None
        except Exception as e:  # noqa: BLE001
            if type(e).__name__ == "StdinNotImplementedError":  # a frontend without input requests
                return None
            raise
    import select

    sys.stderr.write(prompt)
    sys.stderr.flush()
    while not abandoned():
        ready, _, _ = select.select([sys.stdin], [], [], 0.1)
        if ready:
            try:
                return _bounded_line()
            except EOFError:
                return None
    sys.stderr.write("\n")
    sys.stderr.flush()
    return None


def read_line_in_thread(prompt: str, tty: bool, reply: Any) -> None:
    """``read_line`` on a daemon thread (for ``login_async``: the event loop keeps running), answering
    ``reply.send(line)``."""

    def run() -> None:
        line: Optional[str] = None
        try:
            line = read_line(prompt, tty, reply.abandoned)
        finally:
            reply.send(line)

    threading.Thread(target=run, name="openrouter-pkce-input", daemon=True).start()
