"""Credentials (issue 20): load_key() returns an ApiKey with .source; profiles; the OS keyring (opt-in).

The keyring round trip needs a real Secret Service: ``make keyring-test`` runs this file inside
``dbus-run-session`` with gnome-keyring unlocked and ``OPENROUTER_PKCE_KEYRING_TEST=1``.
"""

from __future__ import annotations

import os
import pathlib
import stat
import sys
import time

import pytest

import openrouter_pkce as orp

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

KEY = "sk-or-v1-" + "ab12" * 16
WORK = "sk-or-v1-" + "cd34" * 16
FAKE_BROWSER = pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "fixtures" / "fake-browser.sh"
REAL_KEYRING = os.environ.get("OPENROUTER_PKCE_KEYRING_TEST") == "1"


@pytest.fixture
def config_dir(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    d = tmp_path / "cfg"
    monkeypatch.setenv("OPENROUTER_PKCE_CONFIG_DIR", str(d))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("OPENROUTER_API_KEY", "OPENROUTER_PKCE_PROFILE", "OPENROUTER_PKCE_STORAGE"):
        monkeypatch.delenv(name, raising=False)
    return d


def test_load_key_returns_an_api_key_that_prints_masked(
    config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orp.save_key(KEY)
    key = orp.load_key()
    assert isinstance(key, orp.ApiKey)
    assert key.key == KEY and key.source == "file"
    for shown in (str(key), repr(key), f"{key}", key.masked):
        assert KEY not in shown
    assert key == orp.ApiKey(KEY), "where it was loaded from does not change which key it is"
    monkeypatch.setenv("OPENROUTER_API_KEY", WORK)
    env = orp.load_key()
    assert env is not None and env.key == WORK and env.source == "env"
    assert orp.ApiKey(KEY).source is None


def test_profiles_live_beside_the_default_key(config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert orp.save_key(KEY) == str(config_dir / "api_key")
    work_path = config_dir / "profiles" / "work" / "api_key"
    assert orp.save_key(WORK, profile="work") == str(work_path)
    assert orp.key_path(profile="work") == str(work_path)
    assert stat.S_IMODE(os.stat(work_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(work_path.parent).st_mode) == 0o700
    default, work = orp.load_key(), orp.load_key(profile="work")
    assert default is not None and default.key == KEY
    assert work is not None and work.key == WORK and work.source == "file"
    monkeypatch.setenv("OPENROUTER_PKCE_PROFILE", "work")
    by_env = orp.load_key()
    assert by_env is not None and by_env.key == WORK
    assert orp.key_path() == str(work_path)
    orp.logout()
    assert orp.load_key() is None
    monkeypatch.delenv("OPENROUTER_PKCE_PROFILE")
    again = orp.load_key()
    assert again is not None and again.key == KEY, "other profiles untouched"
    assert orp.load_key(profile="never") is None


@pytest.mark.parametrize("bad", ["../evil", "a/b", "a\\b", "..", "a\x1b[2Jb", "p" * 65, ""])
def test_bad_profile_names_are_invalid_arguments(config_dir: pathlib.Path, bad: str) -> None:
    for call in (
        lambda: orp.load_key(profile=bad),
        lambda: orp.save_key(KEY, profile=bad),
        lambda: orp.logout(profile=bad),
        lambda: orp.key_path(profile=bad),
    ):
        with pytest.raises(orp.InvalidArgumentError) as ei:
            call()
        assert ei.value.code == "INVALID_ARGUMENT" and "\x1b" not in str(ei.value)
    assert not config_dir.exists()


def test_storage_is_file_or_keyring(config_dir: pathlib.Path) -> None:
    with pytest.raises(orp.InvalidArgumentError):
        orp.load_key(storage="vault")  # type: ignore[arg-type]
    orp.save_key(KEY, storage="file")
    loaded = orp.load_key(storage="file")
    assert loaded is not None and loaded.source == "file"


def test_login_saves_to_the_profile(
    config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from openrouter_pkce.testing import Emulator

    monkeypatch.setenv("BROWSER", str(FAKE_BROWSER))
    with Emulator() as emu:
        key = orp.login(mode="loopback", save=True, base_url=emu.base_url, timeout=30, profile="work")
    assert (config_dir / "profiles" / "work" / "api_key").read_text() == key.key + "\n"
    assert not (config_dir / "api_key").exists()
    assert "Saved the key to" in capsys.readouterr().err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Secret Service is Linux's keyring")
def test_an_absent_keyring_is_a_storage_error_naming_the_file_fallback(
    config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    started = time.monotonic()
    for call in (
        lambda: orp.save_key(KEY, storage="keyring"),
        lambda: orp.load_key(storage="keyring"),
        lambda: orp.logout(storage="keyring"),
    ):
        with pytest.raises(orp.StorageError) as ei:
            call()
        assert "--storage file" in str(ei.value) and 'storage="file"' in str(ei.value)
        assert KEY not in str(ei.value)
    assert time.monotonic() - started < 10
    assert not (config_dir / "api_key").exists()


@pytest.mark.skipif(not REAL_KEYRING, reason="needs a Secret Service: make keyring-test")
def test_keyring_round_trip(config_dir: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = f"python-{os.getpid()}"
    t0 = time.monotonic()
    where = orp.save_key(KEY, profile=profile, storage="keyring")
    t1 = time.monotonic()
    assert "keyring" in where and KEY not in where
    assert not (config_dir / "profiles" / profile / "api_key").exists()
    key = orp.load_key(profile=profile)  # found without being told the storage
    t2 = time.monotonic()
    assert key is not None and key.key == KEY and key.source == "keyring"
    orp.logout(profile=profile)
    t3 = time.monotonic()
    assert "https://openrouter.ai/keys/" in capsys.readouterr().err
    assert orp.load_key(profile=profile, storage="keyring") is None
    print(f"python keyring: save {1000 * (t1 - t0):.1f} ms, load {1000 * (t2 - t1):.1f} ms, logout {1000 * (t3 - t2):.1f} ms")
