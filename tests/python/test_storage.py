"""Key storage: save_key / load_key / logout in OPENROUTER_PKCE_CONFIG_DIR."""

from __future__ import annotations

import os
import pathlib
import stat
import sys

import pytest

import openrouter_pkce as orp

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

KEY = "sk-or-v1-" + "ab12" * 16


@pytest.fixture
def config_dir(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    d = tmp_path / "cfg"
    monkeypatch.setenv("OPENROUTER_PKCE_CONFIG_DIR", str(d))
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    monkeypatch.delenv("OPENROUTER_PKCE_PROFILE", raising=False)
    monkeypatch.delenv("OPENROUTER_PKCE_STORAGE", raising=False)
    return d


def loaded() -> str | None:
    """load_key()'s secret: it returns an ApiKey (issue 20), the key itself in .key."""
    key = orp.load_key()
    return None if key is None else key.key


def test_save_load_logout(config_dir: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert orp.load_key() is None
    path = orp.save_key(KEY)
    assert path == str(config_dir / "api_key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(config_dir).st_mode) == 0o700
    assert loaded() == KEY
    assert orp.save_key(orp.ApiKey(KEY + "cd")) == path  # an ApiKey works too, replacing the old one
    assert loaded() == KEY + "cd"
    orp.logout()
    err = capsys.readouterr().err
    assert "https://openrouter.ai/keys/" in err and "revoke" in err
    assert KEY not in err
    assert not os.path.exists(path)
    assert orp.load_key() is None
    orp.logout()
    assert "No stored key" in capsys.readouterr().err


def test_environment_variable_wins(config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orp.save_key(KEY)
    monkeypatch.setenv("OPENROUTER_API_KEY", "  sk-or-v1-from-env  ")
    assert loaded() == "sk-or-v1-from-env"
    monkeypatch.setenv("OPENROUTER_API_KEY", "")
    assert loaded() == KEY


def test_symlink_is_refused(config_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    config_dir.mkdir(mode=0o700)
    target = tmp_path / "elsewhere"
    target.write_text(KEY + "\n")
    target.chmod(0o600)
    (config_dir / "api_key").symlink_to(target)
    with pytest.raises(orp.StorageError) as ei:
        orp.load_key()
    assert ei.value.code == "STORAGE" and KEY not in str(ei.value)
    with pytest.raises(orp.StorageError):
        orp.save_key(KEY)
    assert target.read_text() == KEY + "\n"


def test_group_readable_file_is_reported(config_dir: pathlib.Path) -> None:
    path = pathlib.Path(orp.save_key(KEY))
    path.chmod(0o644)
    with pytest.raises(orp.StorageError) as ei:
        orp.load_key()
    assert KEY not in str(ei.value)


@pytest.mark.parametrize("bad", ["", "sk-or v1", "a\nb"])
def test_bad_keys_are_refused(config_dir: pathlib.Path, bad: str) -> None:
    with pytest.raises(orp.InvalidArgumentError):
        orp.save_key(bad)


def test_login_save_stores_the_key(
    config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from openrouter_pkce.testing import Emulator

    monkeypatch.setenv(
        "BROWSER", str(pathlib.Path(__file__).resolve().parents[2] / "core/tests/fixtures/fake-browser.sh")
    )
    with Emulator() as emu:
        key = orp.login(mode="loopback", save=True, base_url=emu.base_url, timeout=30)
    assert loaded() == key.key
    assert "Saved the key to" in capsys.readouterr().err


def test_shared_config_dir_is_refused_and_left_unchanged(config_dir: pathlib.Path) -> None:
    """Issue 11 item 2: save_key chmod-ed an existing 1777 directory to 0700 (dropping the sticky bit)."""
    config_dir.mkdir()
    config_dir.chmod(0o1777)
    with pytest.raises(orp.StorageError) as ei:
        orp.save_key(KEY)
    assert "writable by other users" in str(ei.value) and "OPENROUTER_PKCE_CONFIG_DIR" in str(ei.value)
    assert stat.S_IMODE(os.stat(config_dir).st_mode) == 0o1777
    assert os.listdir(config_dir) == []


def test_relative_config_dir_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENROUTER_PKCE_CONFIG_DIR", "relative-cfg")
    with pytest.raises(orp.StorageError):
        orp.save_key(KEY)
    assert not (tmp_path / "relative-cfg").exists()


@pytest.mark.parametrize(
    "bad", ["hello", "sk-or-v1-a\nb", "sk-or-v1-\x1b[2J", "sk-or v1", "sk-or-v1-\u202eab", "sk-" + "a" * 100_000]
)
def test_environment_key_has_the_one_key_shape(
    config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    """Issue 11 item 4: load_key() returned OPENROUTER_API_KEY unchecked."""
    monkeypatch.setenv("OPENROUTER_API_KEY", bad)
    with pytest.raises(orp.StorageError) as ei:
        orp.load_key()
    assert "OPENROUTER_API_KEY" in str(ei.value)
    assert bad.strip() not in str(ei.value)


def test_harmless_wrapping_is_trimmed(config_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "\ufeff" + KEY + "\r\n")
    assert loaded() == KEY
    monkeypatch.delenv("OPENROUTER_API_KEY")
    orp.save_key(KEY)
    path = config_dir / "api_key"
    path.write_bytes(b"\xef\xbb\xbf" + KEY.encode() + b"\n")
    assert loaded() == KEY
    path.write_text("hello\n")
    with pytest.raises(orp.StorageError) as ei:
        orp.load_key()
    assert str(path) in str(ei.value)
