"""Ctrl-C during a blocking call ends a script as Ctrl-C does in Python.

A blocking call that Ctrl-C interrupts raises :class:`~openrouter_pkce.OperationCancelledError` (code
``CANCELLED``; also a :class:`KeyboardInterrupt`), with one traceback, not two chained ones. Python only
gives its Ctrl-C exit status (killed by SIGINT: 130 in a shell; ``STATUS_CONTROL_C_EXIT`` on Windows) to a
bare ``KeyboardInterrupt``, so when such an error reaches the top of a script uncaught, the hook installed
here prints it as usual, runs the ``atexit`` handlers and ends the process the way Python would have. The hook
is installed on the first interrupt only, and only over Python's own ``sys.excepthook`` (IPython and other
tools keep theirs); every other exception goes to the previous hook untouched.
"""

from __future__ import annotations

import sys

_FLAG = "_openrouter_pkce_ctrl_c"


def interrupted(error: BaseException) -> BaseException:
    """Mark `error` (the CANCELLED error of a Ctrl-C) and install the exit hook; return `error`."""
    error.__cause__ = None
    error.__suppress_context__ = True
    setattr(error, _FLAG, True)
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _hook
    return error


def _hook(exc_type: "type[BaseException]", exc: BaseException, tb: object) -> None:
    sys.__excepthook__(exc_type, exc, tb)  # type: ignore[arg-type]
    if getattr(exc, _FLAG, False):
        _exit_as_ctrl_c()


def _exit_as_ctrl_c() -> None:  # pragma: no cover - ends the process
    import atexit
    import os
    import signal

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    if sys.platform == "win32":
        os._exit(0xC000013A)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    os._exit(130)
