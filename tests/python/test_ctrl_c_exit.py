"""Issue 20: Ctrl-C in a script that is inside a blocking login ends it as Ctrl-C ends any Python script:
one traceback (not the KeyboardInterrupt chained to the CANCELLED error) and death by SIGINT (exit status
130 in a shell). Before, two chained tracebacks and exit status 1."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from openrouter_pkce.testing import Emulator

CHILD = textwrap.dedent(
    """
    import sys
    import openrouter_pkce as orp
    print("ready", flush=True)
    orp.login(mode="loopback", open_browser=False, timeout=60, base_url=sys.argv[1])
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_ends_a_script_as_python_does(emu: Emulator, tmp_path: object) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, emu.base_url],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # the login is waiting for its callback
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGINT, (proc.returncode, err)
    assert err.count("Traceback (most recent call last)") == 1, err
    assert "direct cause" not in err and "During handling" not in err, err
    assert err.rstrip().splitlines()[-1].endswith("OperationCancelledError: cancelled: interrupted (Ctrl-C)"), err


def test_a_caught_ctrl_c_is_an_ordinary_exception(emu: Emulator) -> None:
    """Code that catches the error keeps running and exits as it chooses: the hook acts only on an uncaught one."""
    child = textwrap.dedent(
        """
        import sys
        import openrouter_pkce as orp
        print("ready", flush=True)
        try:
            orp.login(mode="loopback", open_browser=False, timeout=60, base_url=sys.argv[1])
        except orp.OperationCancelledError as e:
            print("caught", e.code, e.__cause__ is None, flush=True)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child, emu.base_url],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "caught CANCELLED True" in out, (out, err)
    assert proc.returncode == 0, err
