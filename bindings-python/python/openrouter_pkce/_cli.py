"""The ``openrouter-pkce`` command (and ``python -m openrouter_pkce``): the core's command line."""

from __future__ import annotations

import signal
import sys
import threading
from typing import List, Optional

from openrouter_pkce import _native


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``) and return its exit code.

    The command runs in the Rust core on its own thread; Ctrl-C (and SIGTERM, when called from the main
    thread) cancel it: a login ends with CANCELLED, exit code 130, and its port closed.
    """
    args = sys.argv[1:] if argv is None else argv
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.stdout.flush()
    sys.stderr.flush()
    return _native.cli_main(["openrouter-pkce", *args])


def run() -> None:
    """Entry point of the console script: exit with the command's code."""
    sys.exit(main())
