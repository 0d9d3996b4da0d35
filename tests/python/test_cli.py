"""The `openrouter-pkce` command from the venv (console script and `python -m openrouter_pkce`)."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
from typing import Dict, List

import pytest

from openrouter_pkce.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
FAKE_BROWSER = ROOT / "core" / "tests" / "fixtures" / "fake-browser.sh"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX browser script and signals")


def script() -> str:
    exe = shutil.which("openrouter-pkce", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the console script is not installed in this environment")
    return exe


@pytest.fixture
def env(tmp_path: pathlib.Path) -> Dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("OPENROUTER_API_KEY", "OPENROUTER_PKCE_BASE_URL")}
    e.update(BROWSER=str(FAKE_BROWSER), OPENROUTER_PKCE_CONFIG_DIR=str(tmp_path / "cfg"))
    return e


def run(args: List[str], env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_login_whoami_logout(env: Dict[str, str], tmp_path: pathlib.Path) -> None:
    exe = script()
    with Emulator() as emu:
        login = run([exe, "login", "--json", "--save", "--label", "cli", "--base-url", emu.base_url], env)
        assert login.returncode == 0, login.stderr
        out = json.loads(login.stdout)
        assert out["masked"].startswith("sk-or-v1-") and "\u2026" in out["masked"]
        assert out["saved_path"] == str(tmp_path / "cfg" / "api_key")
        stored = (tmp_path / "cfg" / "api_key").read_text().strip()
        assert stored not in login.stdout + login.stderr
        who = run([exe, "whoami", "--json", "--base-url", emu.base_url], env)
        assert who.returncode == 0, who.stderr
        info = json.loads(who.stdout)
        assert info["masked"] == out["masked"] and info["label"] == "cli"
        assert stored not in who.stdout + who.stderr
    bye = run([exe, "logout"], env)
    assert bye.returncode == 0, bye.stderr
    assert "revoke" in bye.stdout and "https://openrouter.ai/keys/" in bye.stdout
    assert not (tmp_path / "cfg" / "api_key").exists()
    assert run([exe, "whoami"], env).returncode == 1


def test_python_dash_m(env: Dict[str, str]) -> None:
    out = run([sys.executable, "-m", "openrouter_pkce", "pkce", "--json"], env)
    assert out.returncode == 0, out.stderr
    pair = json.loads(out.stdout)
    assert pair["code_challenge_method"] == "S256" and len(pair["code_verifier"]) == 43
    bad = run([sys.executable, "-m", "openrouter_pkce", "pkce", "--length", "12"], env)
    assert bad.returncode == 2 and "INVALID_VERIFIER" in bad.stderr
    usage = run([sys.executable, "-m", "openrouter_pkce", "nonsense"], env)
    assert usage.returncode == 2


def test_ctrl_c_cancels_a_cli_login(env: Dict[str, str]) -> None:
    with Emulator() as emu:
        proc = subprocess.Popen(
            [sys.executable, "-m", "openrouter_pkce", "login", "--mode", "loopback", "--no-browser",
             "--base-url", emu.base_url],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert proc.stderr is not None
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if "/auth?" in proc.stderr.readline():
                    break
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, err
    assert "CANCELLED" in err


def test_with_token_no_save_stores_nothing_and_print_key_prints_it(env: Dict[str, str], tmp_path: pathlib.Path) -> None:
    # Issue 17 item 2, through the Python package's CLI (the core's, as in Node).
    with Emulator() as emu:
        key = emu.create_key()
        for args, saved in (
            (["--no-save"], False),
            (["--no-save", "--print-key"], False),
            ([], True),
        ):
            out = subprocess.run(
                [sys.executable, "-m", "openrouter_pkce", "login", "--with-token", *args, "--base-url", emu.base_url],
                env=env, input=key + "\n", capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert out.returncode == 0, out.stderr
            assert (tmp_path / "cfg" / "api_key").exists() is saved, args
            assert ("Saved to" in out.stdout + out.stderr) is saved, args
            if "--print-key" in args:
                assert out.stdout.strip() == key
