"""Types that catch typos: each file in tests/typecheck/python/fail must fail ``mypy --strict`` with the
error code its ``# E:`` comment names, on that line; tests/typecheck/python/pass must type-check cleanly
(so a fail file fails for its typo, not for something else)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "typecheck" / "python"
FAIL = sorted((CASES / "fail").glob("*.py"))


def mypy(path: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--show-error-codes", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_the_correct_spellings_type_check() -> None:
    out = mypy(CASES / "pass" / "ok.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_there_are_must_fail_cases() -> None:
    assert len(FAIL) >= 8


@pytest.mark.parametrize("path", FAIL, ids=[p.stem for p in FAIL])
def test_a_typo_fails_mypy_strict(path: pathlib.Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = [(i + 1, m.group(1)) for i, line in enumerate(lines) if (m := re.search(r"# E: ([a-z-]+)", line))]
    assert len(expected) == 1, f"{path.name}: mark the one failing line with `# E: <mypy error code>`"
    (lineno, code) = expected[0]
    out = mypy(path)
    assert out.returncode == 1, f"{path.name} type-checked:\n{out.stdout}"
    errors = [l for l in out.stdout.splitlines() if ": error: " in l]
    assert errors, out.stdout
    assert all(f"{path.name}:{lineno}:" in l for l in errors), f"errors elsewhere than line {lineno}:\n{out.stdout}"
    assert any(f"[{code}]" in l for l in errors), f"expected [{code}]:\n{out.stdout}"
