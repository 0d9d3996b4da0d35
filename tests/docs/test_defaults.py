"""One source of truth for the login's default wait (issue 20: 10 minutes, the life of an OpenRouter code):
every place that states it says what the core's `DEFAULT_LOGIN_TIMEOUT` says (the generated API pages are
checked against their sources by test_api_pages.py). The value is read from the
command line's `--help`, which clap renders from that constant; a copy that drifts fails here."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
from typing import List, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[2]

# (file, pattern whose one group is the default in seconds, "s" or "ms")
PLACES: List[Tuple[str, str, str]] = [
    ("docs/login.md", r"the `timeout` \(default (\d+) s", "s"),
    ("docs/errors.md", r"before the login timeout \(default (\d+) s\)", "s"),
    ("docs/troubleshooting.md", r"the login's timeout, (\d+) s by", "s"),
    ("docs/python.md", r"open_browser=True, timeout=(\d+)\.0,", "s"),
    ("docs/node.md", r"`timeoutMs` \(default (\d+)", "ms"),
    ("bindings-python/python/openrouter_pkce/_native.pyi", r"``timeout=(\d+)``", "s"),
    ("bindings-node/src/login.rs", r"approve, in milliseconds \(default (\d+)\)", "ms"),
    ("bindings-node/native.d.ts", r"approve, in milliseconds \(default (\d+)\)", "ms"),
]


def core_default_seconds() -> float:
    out = subprocess.run(
        [sys.executable, "-m", "openrouter_pkce", "login", "--help"], capture_output=True, text=True, check=True
    ).stdout
    m = re.search(r"--timeout <SECS>.*?\[default: ([0-9.]+)\]", out, re.S)
    assert m, out
    return float(m.group(1))


def test_the_core_default_is_the_life_of_a_code() -> None:
    assert core_default_seconds() == 600


def test_every_place_that_states_the_login_default_agrees_with_the_core() -> None:
    want = core_default_seconds()
    for path, pattern, unit in PLACES:
        text = (ROOT / path).read_text(encoding="utf-8")
        found = re.findall(pattern, text)
        assert found, f"{path} no longer states the default as /{pattern}/: update PLACES"
        for value in found:
            seconds = float(value) / (1000 if unit == "ms" else 1)
            assert seconds == want, f"{path} says {value} {unit}, the core {want} s"
