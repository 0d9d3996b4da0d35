"""`login(mode="headless")` in a real ipykernel: the link is displayed in the cell and the code is typed
into the kernel's input request. nbclient does not answer input requests, so the notebook's cells are
run through jupyter_client directly and the test plays the frontend."""

from __future__ import annotations

import json
import os
import pathlib
import queue
import re
import sys
import urllib.request
from typing import Any, Dict, List

import pytest

nbformat = pytest.importorskip("nbformat")
jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "login.ipynb"


def headless_code(auth_url: str) -> str:
    with urllib.request.urlopen(auth_url, timeout=10) as resp:
        page = resp.read().decode()
    m = re.search(r'<code id="code">([^<]+)</code>', page)
    assert m, page
    return m.group(1)


def run_cell(kc: Any, source: str, prompts: List[str]) -> List[Dict[str, Any]]:
    """Execute one cell, answering input requests with the code of the URL shown; return its outputs."""
    msg_id = kc.execute(source, allow_stdin=True)
    outputs: List[Dict[str, Any]] = []
    asked = False
    while True:
        try:
            req = kc.get_stdin_msg(timeout=0.05)
            prompts.append(req["content"]["prompt"])
            asked = True
        except queue.Empty:
            pass
        # The display and the input request come on different channels: answer once the URL is shown.
        urls = re.findall(r"http://127\.0\.0\.1:\d+/auth\?[^\s\"<\\]+", json.dumps(outputs))
        if asked and urls:
            kc.input(headless_code(urls[-1].replace("&amp;", "&")))
            asked = False
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind in ("stream", "display_data", "update_display_data", "execute_result", "error"):
            outputs.append({"output_type": kind, **content})
        elif kind == "status" and content["execution_state"] == "idle":
            return outputs


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only in CI")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_headless_login_in_a_kernel(tmp_path: pathlib.Path) -> None:
    secrets_file = tmp_path / "secret.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("BROWSER", "OPENROUTER_API_KEY")}
    env.update(ORP_NOTEBOOK_SECRETS=str(secrets_file), PYDEVD_DISABLE_FILE_VALIDATION="1")
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        nb = nbformat.read(NOTEBOOK, as_version=4)
        prompts: List[str] = []
        all_outputs = []
        for cell in (c for c in nb.cells if c.cell_type == "code"):
            outs = run_cell(kc, cell.source, prompts)
            assert not any(o["output_type"] == "error" for o in outs), outs
            all_outputs.append(outs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    _, login_outs, info_outs, _ = all_outputs
    text = json.dumps(login_outs, ensure_ascii=False)
    assert len(prompts) == 1 and "Paste the code" in prompts[0]
    html = [o["data"]["text/html"] for o in login_outs if o["output_type"] == "display_data"]
    assert html and "Connect OpenRouter" in html[0] and 'href="http://127.0.0.1:' in html[0]
    assert "logged in: sk-or-v1-" in text and "\u2026" in text
    # Issue 20: once the login ended, its link (to a closed port) became "Connected as …" in place.
    updates = [o["data"]["text/plain"] for o in login_outs if o["output_type"] == "update_display_data"]
    assert updates and updates[-1].startswith("Connected as user_") and "sk-or-v1-" in updates[-1], login_outs
    assert "label:" in json.dumps(info_outs)
    secret = secrets_file.read_text()
    assert secret.startswith("sk-or-v1-")
    assert secret not in json.dumps(all_outputs, ensure_ascii=False)
