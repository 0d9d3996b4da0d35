"""The *_async twins: real asyncio awaitables, concurrency, cancellation, and sync calls inside a loop."""

from __future__ import annotations

import asyncio
import time

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator


def test_async_flow(emu: Emulator) -> None:
    async def main() -> None:
        req = orp.start_auth("http://localhost/cb", base_url=emu.base_url)
        key = await orp.complete_auth_async(req, emu.approve(req.url))
        info = await orp.key_info_async(key, base_url=emu.base_url)
        assert info.label
        p = orp.generate_pkce()
        key2 = await orp.exchange_code_async(emu.issue_code(p.code_challenge, "S256"), p.code_verifier, base_url=emu.base_url)
        assert key2.key != key.key
        client = orp.Client(emu.base_url)
        key3 = await client.exchange_code_async(emu.issue_code(p.code_challenge, "S256"), p.code_verifier)
        assert (await client.key_info_async(key3)).label
        req = orp.start_auth("http://localhost/cb", base_url=emu.base_url)
        assert (await client.complete_auth_async(req, emu.approve(req.url))).key

    asyncio.run(main())


def test_async_errors(emu: Emulator) -> None:
    async def main() -> None:
        with pytest.raises(orp.InvalidCodeError) as info:
            await orp.exchange_code_async("nope", orp.create_verifier(), base_url=emu.base_url)
        assert info.value.status == 403
        with pytest.raises(orp.UnauthorizedError):
            await orp.key_info_async("sk-or-v1-unknown", base_url=emu.base_url)
        emu.inject_fault("exchange", "delay", seconds=20.0)
        with pytest.raises(orp.RequestTimeoutError):
            await orp.exchange_code_async("c", base_url=emu.base_url, timeout=0.3)
        # Input errors are raised at call time, before anything is scheduled.
        with pytest.raises(orp.InvalidMethodError):
            orp.exchange_code_async("c", orp.create_verifier(), "SHA256", base_url=emu.base_url)

    asyncio.run(main())


def test_200_concurrent_exchanges(emu: Emulator) -> None:
    pairs = [orp.generate_pkce() for _ in range(200)]
    codes = [emu.issue_code(p.code_challenge, "S256") for p in pairs]

    async def main() -> list:
        return await asyncio.gather(
            *(orp.exchange_code_async(c, p.code_verifier, base_url=emu.base_url) for c, p in zip(codes, pairs))
        )

    started = time.monotonic()
    keys = asyncio.run(main())
    assert len({k.key for k in keys}) == 200
    assert emu.request_count("exchange") == 200
    assert time.monotonic() - started < 30


def test_cancel_aborts_the_request(emu: Emulator) -> None:
    emu.inject_fault("exchange", "hang")

    async def main() -> None:
        task = asyncio.ensure_future(orp.exchange_code_async("c", base_url=emu.base_url, timeout=60))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # wait_for's cancellation path too
        emu.inject_fault("exchange", "hang")
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(orp.exchange_code_async("c", base_url=emu.base_url, timeout=60), 0.3)
        await asyncio.sleep(0.2)

    asyncio.run(main())
    # The emulator still answers normally afterwards.
    p = orp.generate_pkce()
    assert orp.exchange_code(emu.issue_code(p.code_challenge, "S256"), p.code_verifier, base_url=emu.base_url).key


def test_loop_closed_before_result(emu: Emulator) -> None:
    emu.inject_fault("exchange", "delay", seconds=0.5)

    async def main() -> None:
        orp.exchange_code_async("c", base_url=emu.base_url)  # never awaited, loop ends first

    asyncio.run(main())
    time.sleep(1.0)  # the core answers into a closed loop: nothing raised, nothing printed


def test_async_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        orp.exchange_code_async("c")


def test_sync_calls_inside_a_running_loop(emu: Emulator) -> None:
    async def main() -> None:
        p = orp.generate_pkce()
        key = orp.exchange_code(emu.issue_code(p.code_challenge, "S256"), p.code_verifier, base_url=emu.base_url)
        assert orp.key_info(key, base_url=emu.base_url).label
        with Emulator() as inner:
            assert inner.port

    asyncio.run(main())


def test_gil_released_while_waiting(emu: Emulator) -> None:
    """A sync call that waits 1 s does not stop another Python thread from running."""
    import threading

    emu.inject_fault("exchange", "delay", seconds=1.0)
    ticks = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.01)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        with pytest.raises(orp.InvalidCodeError):
            orp.exchange_code("c", orp.create_verifier(), base_url=emu.base_url)
    finally:
        stop.set()
        t.join()
    assert len(ticks) > 30


EXIT_AFTER_AWAIT = """
import asyncio, openrouter_pkce as orp
async def main():
    try:
        await orp.key_info_async("sk-or-v1-" + "a" * 64, base_url="http://127.0.0.1:9", timeout=1.0)
    except orp.NetworkError:
        pass
asyncio.run(main())
"""


def test_exit_right_after_an_await_does_not_crash() -> None:
    # The runtime thread that delivered the result could still be inside Python (its GIL released in
    # call_soon_threadsafe) when the interpreter finalized; CPython then ended it with pthread_exit, whose
    # unwinding dropped Python objects without the GIL: a segfault at exit, about 1 run in 5.
    import subprocess
    import sys

    codes = [subprocess.run([sys.executable, "-c", EXIT_AFTER_AWAIT], timeout=60).returncode for _ in range(25)]
    assert codes == [0] * 25
