"""Build the wheel, install it into a fresh virtualenv outside the repository, and run a smoke flow."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

SMOKE = textwrap.dedent(
    """
    import openrouter_pkce as orp
    from openrouter_pkce.testing import Emulator
    assert orp.__file__.startswith(PREFIX), orp.__file__
    with Emulator() as emu:
        request = orp.start_auth("http://localhost:3000/callback", base_url=emu.base_url)
        key = orp.complete_auth(request, emu.approve(request.url))
        assert key.key.startswith("sk-or-v1-") and key.key not in repr(key)
        assert orp.key_info(key, base_url=emu.base_url).label
        # The one-click login, the browser simulated by BROWSER.
        key = orp.login(mode="loopback", base_url=emu.base_url, timeout=30)
        assert key.key.startswith("sk-or-v1-")
    print("smoke ok", orp.__version__)
    """
)


def maturin() -> str:
    exe = shutil.which("maturin", path=os.path.dirname(sys.executable)) or shutil.which("maturin")
    if exe is None:
        pytest.skip("maturin is not installed")
    return exe


@pytest.mark.packaging
@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv() -> None:
    with tempfile.TemporaryDirectory(prefix="orp-wheel-") as tmp:
        tmpdir = pathlib.Path(tmp)
        assert ROOT not in tmpdir.parents
        subprocess.run(
            [maturin(), "build", "--quiet", "--out", str(tmpdir / "dist")],
            cwd=ROOT, check=True, timeout=1500,
        )
        wheels = list((tmpdir / "dist").glob("openrouter_pkce-*-cp39-abi3-*.whl"))
        assert len(wheels) == 1, wheels
        venv = tmpdir / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        py = venv / "bin" / "python"
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-index", str(wheels[0])], check=True)
        # Run from the temp dir so nothing in the repository can shadow the installed package.
        script = f"PREFIX = {str(venv)!r}\n" + SMOKE
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["BROWSER"] = str(ROOT / "core" / "tests" / "fixtures" / "fake-browser.sh")
        out = subprocess.run(
            [str(py), "-c", script], cwd=tmpdir, capture_output=True, text=True, timeout=120, env=env,
        )
        assert out.returncode == 0, out.stderr
        assert "smoke ok" in out.stdout
        # The console script is installed and runs the core's command line.
        exe = venv / "bin" / "openrouter-pkce"
        assert exe.exists()
        pkce = subprocess.run([str(exe), "pkce", "--json"], cwd=tmpdir, capture_output=True, text=True, env=env)
        assert pkce.returncode == 0, pkce.stderr
        assert '"code_challenge_method": "S256"' in pkce.stdout
        # The stubs and the marker ship in the wheel.
        files = subprocess.run(
            [str(py), "-c", "import importlib.metadata as m; print('\\n'.join(str(f) for f in m.files('openrouter-pkce')))"],
            capture_output=True, text=True, check=True,
        ).stdout
        for name in ("openrouter_pkce/py.typed", "openrouter_pkce/_native.pyi", "openrouter_pkce/testing.py"):
            assert name in files, files
