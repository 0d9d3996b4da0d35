"""The API reference pages are what tests/docs/api_pages.py generates from the packages' exports."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_pages  # noqa: E402

FIX = "run `python tests/docs/api_pages.py` (after make python-build node-build) and commit the page"


def test_python_reference_is_current() -> None:
    assert api_pages.PY_PAGE.read_text(encoding="utf-8") == api_pages.python_page(), FIX


def test_node_reference_is_current() -> None:
    assert api_pages.NODE_PAGE.read_text(encoding="utf-8") == api_pages.node_page(), FIX


def test_every_export_has_an_entry() -> None:
    import openrouter_pkce as orp

    page = api_pages.PY_PAGE.read_text(encoding="utf-8")
    for name in orp.__all__:
        assert f"`{name}" in page, name
