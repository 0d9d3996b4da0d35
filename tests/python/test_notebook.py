"""A real notebook executed by nbclient in a real ipykernel: sync and async calls in the kernel's loop."""

from __future__ import annotations

import json
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "flow.ipynb"


def outputs_text(cell: dict) -> str:
    return json.dumps(cell.get("outputs", []), ensure_ascii=False)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client's own deprecations
def test_notebook_runs(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets_file = tmp_path / "secrets.txt"
    monkeypatch.setenv("ORP_NOTEBOOK_SECRETS", str(secrets_file))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel is this interpreter (the test venv with openrouter_pkce installed).
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for c in code_cells:
        assert not any(o.get("output_type") == "error" for o in c.outputs), outputs_text(c)
    start, url_cell, sync_cell, async_cell, err_cell, pkce_cell, _ = code_cells
    assert "emulator at http://127.0.0.1:" in outputs_text(start)
    html = [o for o in url_cell.outputs if o.get("output_type") == "execute_result"][0]["data"]["text/html"]
    assert "Connect OpenRouter" in html and 'href="http://127.0.0.1:' in html
    assert "sync key: sk-or-v1-" in outputs_text(sync_cell) and "\u2026" in outputs_text(sync_cell)
    assert "async key: sk-or-v1-" in outputs_text(async_cell) and "label:" in outputs_text(async_cell)
    assert "error code: STATE_MISMATCH" in outputs_text(err_cell)
    assert "redacted" in outputs_text(pkce_cell)
    secrets = secrets_file.read_text().split("\n")
    assert len(secrets) == 4 and all(len(s) >= 40 for s in secrets)
    everything = json.dumps(nb, ensure_ascii=False)
    for s in secrets:
        assert s not in everything
