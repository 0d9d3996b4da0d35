"""Shared fixtures: the emulator and the shared test vectors."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Iterator

import pytest

from openrouter_pkce.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def load_vectors(name: str) -> Any:
    """One of the shared vector files (`tests/vectors/<name>.json`)."""
    with open(VECTORS / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator per test."""
    with Emulator() as e:
        yield e


@pytest.fixture(scope="module")
def shared_emu() -> Iterator[Emulator]:
    """One emulator for a whole module (tests that only mint codes)."""
    with Emulator() as e:
        yield e
