"""Process-level behaviour: fork, Ctrl-C during a sync call, and a cheap import."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX process semantics"),
    # Python 3.12+ warns about fork() in a process with threads; forking is exactly what is tested.
    pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning"),
]


def test_fork_child_gets_fresh_randomness_and_a_working_runtime(emu: Emulator) -> None:
    # Use the runtime and the RNG in the parent first, so the child inherits their state.
    p = orp.generate_pkce()
    orp.exchange_code(emu.issue_code(p.code_challenge, "S256"), p.code_verifier, base_url=emu.base_url)
    child_code = emu.issue_code(p.code_challenge, "S256")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(r)
            verifier = orp.generate_pkce().code_verifier
            key = orp.exchange_code(child_code, p.code_verifier, base_url=emu.base_url, timeout=10)
            os.write(w, f"{verifier} {len(key.key)}".encode())
        except BaseException as e:  # noqa: BLE001
            os.write(w, f"ERR {type(e).__name__} {e}".encode())
        finally:
            os._exit(0)
    os.close(w)
    parent_next = orp.generate_pkce().code_verifier
    with os.fdopen(r) as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    assert status == 0
    assert not out.startswith("ERR"), out
    child_verifier, key_len = out.split()
    assert child_verifier != parent_next
    assert int(key_len) > 10
    assert emu.request_count("exchange") == 2


def _mp_worker(base_url: str, code: str, verifier: str) -> "tuple[str, bool]":
    key = orp.exchange_code(code, verifier, base_url=base_url, timeout=10)
    return orp.generate_pkce().code_verifier, key.key.startswith("sk-or-v1-")


def test_multiprocessing_fork_pool(emu: Emulator) -> None:
    orp.generate_pkce()
    pairs = [orp.generate_pkce() for _ in range(4)]
    args = [(emu.base_url, emu.issue_code(p.code_challenge, "S256"), p.code_verifier) for p in pairs]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        results = pool.starmap(_mp_worker, args)
    assert all(ok for _, ok in results)
    assert len({v for v, _ in results}) == 4


SLOW_CALL = textwrap.dedent(
    """
    import sys, time
    import openrouter_pkce as orp
    from openrouter_pkce.testing import Emulator
    with Emulator() as emu:
        emu.inject_fault("exchange", "delay", seconds=30.0)
        print("ready", flush=True)
        started = time.monotonic()
        try:
            orp.exchange_code("code", base_url=emu.base_url, timeout=60)
        except orp.OperationCancelledError as e:
            print(f"cancelled {e.code} {time.monotonic() - started:.2f}", flush=True)
            raise
    """
)


def test_ctrl_c_cancels_a_slow_sync_call() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_CALL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "cancelled CANCELLED" in out, (out, err)
    assert "OperationCancelledError" in err
    assert proc.returncode != 0
    assert elapsed < 7, elapsed  # includes stopping the emulator with its grace period


def test_import_is_cheap_and_starts_no_thread() -> None:
    code = textwrap.dedent(
        """
        import os, threading, time
        before = len(os.listdir('/proc/self/task'))
        t = time.perf_counter()
        import openrouter_pkce
        dt = time.perf_counter() - t
        after = len(os.listdir('/proc/self/task'))
        openrouter_pkce.generate_pkce(); openrouter_pkce.start_auth()
        still = len(os.listdir('/proc/self/task'))
        print(before, after, still, dt)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    before, after, still, dt = int(out[0]), int(out[1]), int(out[2]), float(out[3])
    assert before == after == still, out
    assert dt < 0.5
