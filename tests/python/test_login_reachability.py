"""Issue 20: a login whose base URL nobody answers at (a typo, a stopped emulator) fails with `NETWORK`
naming the host within seconds, before any URL is shown. Before, it showed a dead page's URL and waited the
whole timeout, ending in `CALLBACK_TIMEOUT`."""

from __future__ import annotations

import socket
import time
import pytest

import openrouter_pkce as orp


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("mode", ["loopback", "headless"])
def test_an_unreachable_base_url_fails_fast_naming_the_host(
    mode: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BROWSER", raising=False)
    port = closed_port()
    started = time.monotonic()
    with pytest.raises(orp.NetworkError) as info:
        orp.login(
            mode=mode,
            open_browser=False,
            timeout=60,
            base_url=f"http://127.0.0.1:{port}",
        )
    assert info.value.code == "NETWORK"
    assert f"cannot reach 127.0.0.1:{port}" in str(info.value)
    out, err = capfd.readouterr()
    assert "/auth?" not in out + err, "no URL of a dead page is shown"
    assert time.monotonic() - started < 15
