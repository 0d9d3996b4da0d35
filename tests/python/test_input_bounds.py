"""Issue 17 items 6, 7 and 12 in Python: lines read from stdin have a bound, invalid UTF-8 is a coded error
(or a malformed paste asked again) that echoes nothing, and wrongly typed arguments are INVALID_ARGUMENT."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

SECRET = "correct horse battery staple, 32+ bytes long!"
LOGIN = (
    "import openrouter_pkce as orp, sys\n"
    "try:\n"
    "    orp.login(mode='headless', open_browser=False, base_url=sys.argv[1], timeout=30)\n"
    "except orp.OpenRouterPkceError as e:\n"
    "    print('CODE', e.code, e, file=sys.stderr)\n"
)


def headless(emu: Emulator, stdin: object, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, OPENROUTER_PKCE_CONFIG_DIR=str(tmp_path), HOME=str(tmp_path), LC_ALL="C.UTF-8")
    return subprocess.run(
        [sys.executable, "-c", LOGIN, emu.base_url], stdin=stdin, capture_output=True, env=env, timeout=60
    )


def test_a_headless_login_fed_dev_zero_ends_with_bounded_memory(emu: Emulator, tmp_path: Path) -> None:
    # Before: input() read one endless line until the process aborted (about 1 GB).
    with open("/dev/zero", "rb") as zero:
        out = headless(emu, zero, tmp_path)
    err = out.stderr.decode()
    assert "CODE INVALID_ARGUMENT" in err and "3 pastes held no code" in err, err[-2000:]
    assert emu.request_count("exchange") == 0


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_a_paste_with_invalid_utf8_is_asked_again_and_never_echoed(
    emu: Emulator, tmp_path: Path, locale: str
) -> None:
    # Before: a bare UnicodeEncodeError whose repr held the whole pasted line (a code is a secret).
    line = b"SECRETPASTE\xffSECRETPASTE\n"
    env = dict(os.environ, OPENROUTER_PKCE_CONFIG_DIR=str(tmp_path), HOME=str(tmp_path), LC_ALL=locale)
    out = subprocess.run(
        [sys.executable, "-c", LOGIN, emu.base_url], input=line, capture_output=True, env=env, timeout=60
    )
    err = out.stderr.decode("utf-8", "replace")
    assert "Unicode" not in err and "Traceback" not in err, err
    assert "SECRETPASTE" not in err
    assert "That did not work" in err and "CODE CANCELLED" in err, err
    assert emu.request_count("exchange") == 0


def test_a_lone_surrogate_in_secrets_is_invalid_argument_and_not_echoed(emu: Emulator) -> None:
    req = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    bad = "x" * 40 + "\ud800SECRETTEXT"
    for call in (
        lambda: req.seal(bad),
        lambda: orp.AuthRequest.unseal("a.b.c.d.e", [bad]),
        lambda: orp.complete_auth(req.seal(SECRET), "?code=x", secrets=bad),
        lambda: orp.complete_auth("x\ud800y", "?code=x", secrets=SECRET),
    ):
        with pytest.raises(orp.InvalidArgumentError) as info:
            call()
        assert info.value.code == "INVALID_ARGUMENT"
        assert "SECRETTEXT" not in repr(info.value) and "SECRETTEXT" not in str(info.value)
        assert info.value.__cause__ is None or "SECRETTEXT" not in repr(info.value.__cause__)
    assert emu.request_count("exchange") == 0


def test_wrongly_typed_arguments_are_invalid_argument_naming_the_parameter() -> None:
    # Issue 17 item 12: these were bare TypeErrors, where Node answers INVALID_ARGUMENT naming the parameter.
    req = orp.start_auth("http://localhost:3000/cb")
    for call, name in (
        (lambda: orp.key_info(None), "key"),  # type: ignore[arg-type]
        (lambda: orp.key_info(42), "key"),  # type: ignore[arg-type]
        (lambda: req.seal(42), "secrets"),  # type: ignore[arg-type]
        (lambda: req.seal([SECRET, 7]), "secrets"),  # type: ignore[list-item]
        (lambda: orp.AuthRequest.from_dict(5), "d"),  # type: ignore[arg-type]
        (lambda: orp.complete_auth(42, "?code=x"), "request"),  # type: ignore[arg-type]
        (lambda: orp.save_key(None), "key"),  # type: ignore[arg-type]
    ):
        with pytest.raises(orp.InvalidArgumentError) as info:
            call()
        assert info.value.code == "INVALID_ARGUMENT"
        assert f"`{name}` must be" in str(info.value), str(info.value)
