"""The one-click login: loopback with a simulated browser, headless with pasted input, timeouts, a taken
port, Ctrl-C, and a pasted callback URL on a terminal."""

from __future__ import annotations

import asyncio
import builtins
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from typing import List

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
FAKE_BROWSER = ROOT / "core" / "tests" / "fixtures" / "fake-browser.sh"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX browser script and signals")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER", str(FAKE_BROWSER))


@pytest.fixture
def no_browser_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("BROWSER", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(var, raising=False)


def shown_urls(text: str) -> List[str]:
    return re.findall(r"http://127\.0\.0\.1:\d+/auth\?\S+", text)


def callback_port(auth_url: str) -> int:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(auth_url).query)
    port = urllib.parse.urlsplit(query["callback_url"][0]).port
    assert port is not None
    return port


def assert_refused(port: int) -> None:
    for host in ("127.0.0.1", "::1"):
        try:
            with socket.create_connection((host, port), timeout=2):
                pass
        except OSError:
            continue
        raise AssertionError(f"{host}:{port} still accepts connections")


def headless_code(auth_url: str) -> str:
    """What the user reads on OpenRouter's page in headless mode."""
    with urllib.request.urlopen(auth_url, timeout=10) as resp:
        page = resp.read().decode()
    m = re.search(r'<code id="code">([^<]+)</code>', page)
    assert m, page
    return m.group(1)


def assert_key(key: orp.ApiKey, emu: Emulator) -> None:
    assert key.key.startswith("sk-or-v1-")
    assert key.key not in repr(key) and key.key not in str(key)
    assert "\u2026" in str(key)
    assert orp.key_info(key, base_url=emu.base_url).label


@pytest.mark.parametrize("mode", ["loopback", "auto"])
def test_login_with_a_browser(
    mode: str, emu: Emulator, browser: None, capsys: pytest.CaptureFixture[str]
) -> None:
    key = orp.login(mode=mode, base_url=emu.base_url, key_label="one click", timeout=30)
    assert_key(key, emu)
    assert orp.key_info(key, base_url=emu.base_url).label == "one click"
    err = capsys.readouterr().err
    (url,) = shown_urls(err)
    assert "key_label=one+click" in url or "key_label=one%20click" in url
    assert_refused(callback_port(url))
    assert key.key not in err


def test_client_login_and_login_async(emu: Emulator, browser: None, capsys: pytest.CaptureFixture[str]) -> None:
    client = orp.Client(emu.base_url)
    assert_key(client.login(mode="loopback", timeout=30), emu)

    async def both() -> "tuple[orp.ApiKey, orp.ApiKey]":
        a = await orp.login_async(mode="loopback", base_url=emu.base_url, timeout=30)
        b = await client.login_async(mode="loopback", timeout=30)
        return a, b

    for key in asyncio.run(both()):
        assert_key(key, emu)
    for url in shown_urls(capsys.readouterr().err):
        assert_refused(callback_port(url))


def test_auto_goes_headless_over_ssh_and_reads_input(
    emu: Emulator, no_browser_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    prompts: List[str] = []
    answers = iter(["", "not a code!", "CODE"])
    seen: List[str] = []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        answer = next(answers)
        seen.append(capsys.readouterr().err)
        if answer == "CODE":
            (url,) = shown_urls("".join(seen))
            assert "callback_url" not in url
            return "  " + headless_code(url) + "  "
        return answer

    monkeypatch.setattr(builtins, "input", fake_input)
    key = orp.login(base_url=emu.base_url, timeout=30)
    assert_key(key, emu)
    # The prompt goes to stderr (as documented), not through input() to stdout.
    assert len(prompts) == 3 and all(p == "" for p in prompts)
    err = "".join(seen) + capsys.readouterr().err
    assert err.count("Paste the code") == 3
    assert "Using headless login" in err and "SSH" in err
    assert "That did not work" in err and "2 tries left" in err


def test_headless_gives_up_after_three_malformed_pastes(
    emu: Emulator, no_browser_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: List[str] = []

    def typo(prompt: str = "") -> str:
        asked.append(prompt)
        return "not a code!"

    monkeypatch.setattr(builtins, "input", typo)
    with pytest.raises(orp.InvalidArgumentError, match="3 pastes held no code.*run the login again"):
        orp.login(mode="headless", base_url=emu.base_url, timeout=30)
    assert len(asked) == 3 and emu.request_count("exchange") == 0


def test_headless_accepts_a_pasted_callback_url(
    emu: Emulator, no_browser_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_input(prompt: str = "") -> str:
        (url,) = shown_urls(capsys.readouterr().err)
        return "https://example.com/after-approval?code=" + urllib.parse.quote(headless_code(url))

    monkeypatch.setattr(builtins, "input", fake_input)
    assert_key(orp.login(mode="headless", base_url=emu.base_url, timeout=30), emu)


def test_headless_async_reads_input_on_a_thread(
    emu: Emulator, no_browser_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_input(prompt: str = "") -> str:
        (url,) = shown_urls(capsys.readouterr().err)
        return headless_code(url)

    monkeypatch.setattr(builtins, "input", fake_input)

    async def run() -> orp.ApiKey:
        return await orp.login_async(mode="headless", base_url=emu.base_url, timeout=30)

    key = asyncio.run(run())
    assert_key(key, emu)


def test_headless_end_of_input_is_cancelled(
    emu: Emulator, no_browser_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def eof(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", eof)
    with pytest.raises(orp.OperationCancelledError) as ei:
        orp.login(mode="headless", base_url=emu.base_url, timeout=30)
    assert ei.value.code == "CANCELLED"
    assert emu.request_count("exchange") == 0


def test_timeout_closes_the_port(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    with pytest.raises(orp.CallbackTimeoutError) as ei:
        orp.login(mode="loopback", open_browser=False, base_url=emu.base_url, timeout=0.5)
    assert ei.value.code == "CALLBACK_TIMEOUT"
    assert time.monotonic() - started < 5
    (url,) = shown_urls(capsys.readouterr().err)
    assert_refused(callback_port(url))


def test_port_in_use_before_the_browser_opens(
    emu: Emulator, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "browser-opened"
    script = tmp_path / "browser.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(orp.PortInUseError) as ei:
            orp.login(mode="loopback", host="127.0.0.1", port=port, base_url=emu.base_url, timeout=10)
    assert ei.value.code == "PORT_IN_USE"
    assert not marker.exists()


@pytest.mark.parametrize(
    "kwargs",
    [{"mode": "magic"}, {"host": "example.com"}, {"port": 70000}, {"timeout": 0}, {"limit": -1.0}],
)
def test_bad_options_are_invalid_argument(emu: Emulator, kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(orp.InvalidArgumentError):
        orp.login(base_url=emu.base_url, open_browser=False, **kwargs)


CTRL_C_CHILD = textwrap.dedent(
    """
    import sys, time
    import openrouter_pkce as orp
    started = None
    try:
        orp.login(mode="loopback", open_browser=False, timeout=60, base_url=sys.argv[1])
    except orp.OperationCancelledError as e:
        print("cancelled", e.code, isinstance(e, KeyboardInterrupt), flush=True)
        raise
    """
)


def read_url_from(stream: "subprocess.Popen[str]") -> str:
    assert stream.stderr is not None
    deadline = time.monotonic() + 20
    seen = ""
    while time.monotonic() < deadline:
        line = stream.stderr.readline()
        seen += line
        urls = shown_urls(line)
        if urls:
            return urls[0]
    raise AssertionError(seen)


def test_ctrl_c_cancels_the_login_and_closes_the_port(emu: Emulator) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_CHILD, emu.base_url],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = read_url_from(proc)
        port = callback_port(url)
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # listening
        time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "cancelled CANCELLED True" in out, (out, err)
    assert "OperationCancelledError" in err
    assert proc.returncode != 0
    assert elapsed < 3, elapsed
    assert_refused(port)


PTY_CHILD = textwrap.dedent(
    """
    import sys
    import openrouter_pkce as orp
    key = orp.login(mode="loopback", open_browser=False, timeout=30, base_url=sys.argv[1])
    print("got", key, flush=True)
    """
)


def test_a_callback_url_pasted_in_a_terminal(emu: Emulator) -> None:
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "BROWSER"}
    proc = subprocess.Popen(
        [sys.executable, "-c", PTY_CHILD, emu.base_url],
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    os.close(slave)
    try:
        url = read_url_from(proc)
        callback = emu.approve(url)  # where the browser would have gone; the user copies it instead
        assert callback.startswith("http://localhost:")
        os.write(master, (callback + "\n").encode())
        proc.wait(timeout=20)
        # Read through the same buffered streams as read_url_from: communicate() reads the raw pipes and
        # would miss whatever that readline() had already buffered (the prompt, written right after the URL).
        assert proc.stdout is not None and proc.stderr is not None
        with proc.stdout, proc.stderr:
            out, err = proc.stdout.read(), proc.stderr.read()
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "got sk-or-v1-" in out
    assert "paste the callback URL" in err
    assert_refused(callback_port(url))

