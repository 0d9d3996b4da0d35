"""Issue 20: a second login does not mint a second key while the stored one works (a re-run script or
notebook cell made a new key each time, orphaning the last); ``force=True`` does, and says the old key stays
valid until revoked."""

from __future__ import annotations

import pathlib

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
FAKE_BROWSER = ROOT / "core" / "tests" / "fixtures" / "fake-browser.sh"


def test_a_second_login_returns_the_stored_key_unless_forced(
    emu: Emulator, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENROUTER_PKCE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BROWSER", str(FAKE_BROWSER))
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    first = orp.login(mode="loopback", save=True, base_url=emu.base_url)
    again = orp.login(mode="loopback", save=True, base_url=emu.base_url)
    assert again.key == first.key
    assert emu.request_count("exchange") == 1, "no second key was minted"
    err = capfd.readouterr().err
    assert "Already logged in" in err and first.key not in err

    forced = orp.login(mode="loopback", save=True, force=True, base_url=emu.base_url)
    assert forced.key != first.key
    assert emu.request_count("exchange") == 2
    err = capfd.readouterr().err
    assert "previous key" in err and first.settings_url in err
