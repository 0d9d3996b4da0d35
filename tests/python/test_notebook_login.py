"""`login()` in a real ipykernel: the link is displayed in the cell and the code (headless) or the callback
address (loopback) is typed into the kernel's input request, or the browser's callback wins and the request
is withdrawn. nbclient does not answer input requests, so the cells are run through jupyter_client directly
and the test plays the frontend."""

from __future__ import annotations

import json
import os
import pathlib
import queue
import re
import sys
import time
import urllib.error
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def callback_url(auth_url: str) -> str:
    """Approve ``auth_url`` at the emulator and return where it redirects (the loopback callback URL), without
    going there: what a user copies from the address bar when the browser cannot reach the kernel's port."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(auth_url, timeout=10)
    except urllib.error.HTTPError as e:
        assert e.code in (302, 303), e.code
        return str(e.headers["Location"])
    raise AssertionError("the emulator did not redirect")


def drive_cell(
    kc: Any, source: str, on_input: Any, seconds: float = 30, login: bool = True
) -> Dict[str, Any]:
    """Execute one cell as a frontend would; ``on_input(prompt, auth_url)`` answers each input request (a
    string) or leaves it unanswered (``None``), once the login's URL is shown (at once when not ``login``).
    Returns the outputs and the prompts; fails when the cell has not ended within ``seconds`` (a login
    stranded in an input request)."""
    msg_id = kc.execute(source, allow_stdin=True)
    outputs: List[Dict[str, Any]] = []
    prompts: List[str] = []
    pending: List[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pending.append(kc.get_stdin_msg(timeout=0.05)["content"]["prompt"])
            prompts.append(pending[-1])
        except queue.Empty:
            pass
        urls = re.findall(r"http://127\.0\.0\.1:\d+/auth\?[^\s\"<\\]+", json.dumps(outputs))
        if pending and (urls or not login):
            answer = on_input(pending.pop(0), urls[-1].replace("&amp;", "&") if urls else None)
            if answer is not None:
                kc.input(answer)
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
            return {"outputs": outputs, "prompts": prompts, "text": json.dumps(outputs, ensure_ascii=False)}
    raise AssertionError(f"the cell did not end within {seconds} s: {prompts} {outputs}")


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
            ran = drive_cell(kc, cell.source, lambda prompt, url: headless_code(url), seconds=60)
            outs = ran["outputs"]
            assert not any(o["output_type"] == "error" for o in outs), outs
            prompts += ran["prompts"]
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


LOOPBACK = "orp.login(mode='loopback', base_url=emu.base_url, timeout=60, open_browser=False, save=False)"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only in CI")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_loopback_login_in_a_kernel_takes_a_paste_and_withdraws_its_question(tmp_path: pathlib.Path) -> None:
    """Issue 20: while the loopback server waits, the cell's input request takes a pasted callback URL (the
    browser could not reach the kernel's port); when the callback (or the timeout) ends the login first, the
    question is withdrawn and the cell ends: sync, async and headless. Before, a kernel's loopback login asked
    nothing, and a headless login whose time ran out stayed in its input request until answered."""
    env = {k: v for k, v in os.environ.items() if k not in ("BROWSER", "OPENROUTER_API_KEY")}
    env.update(
        PYDEVD_DISABLE_FILE_VALIDATION="1", HOME=str(tmp_path), OPENROUTER_PKCE_CONFIG_DIR=str(tmp_path / "cfg")
    )
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    browsed: List[str] = []

    def paste(prompt: str, auth_url: str) -> str:
        return callback_url(auth_url)

    def browse(prompt: str, auth_url: str) -> None:
        # The browser reaches the kernel's port; the input request stays unanswered.
        with urllib.request.urlopen(auth_url, timeout=20) as resp:
            browsed.append(resp.read().decode())

    try:
        kc.wait_for_ready(timeout=60)
        setup = drive_cell(
            kc, "import openrouter_pkce as orp\nfrom openrouter_pkce.testing import Emulator\nemu = Emulator().start()",
            lambda *_: None,
        )
        assert "error" not in setup["text"], setup
        pasted = drive_cell(kc, f"key = {LOOPBACK}\nprint('pasted:', key)", paste)
        called = drive_cell(kc, f"key = {LOOPBACK}\nprint('callback:', key)", browse)
        called_async = drive_cell(
            kc, f"key = await {LOOPBACK.replace('login(', 'login_async(')}\nprint('async callback:', key)", browse
        )
        typed = drive_cell(kc, "print('typed:', input('Type here: '))", lambda *_: "hello", login=False)
        expired = drive_cell(
            kc,
            "try:\n    orp.login(mode='headless', base_url=emu.base_url, timeout=1.5, save=False)\n"
            "except orp.OpenRouterPkceError as e:\n    print('code:', e.code)",
            lambda *_: None,
        )
        counts = drive_cell(kc, "print('exchanges:', emu.request_count('exchange'))", lambda *_: None)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    prompt = "or paste the callback URL or code here"
    assert len(pasted["prompts"]) == 1 and prompt in pasted["prompts"][0], pasted
    assert "pasted: sk-or-v1-" in pasted["text"] and "Connected as user_" in pasted["text"], pasted
    for cell, word in ((called, "callback"), (called_async, "async callback")):
        assert len(cell["prompts"]) == 1 and prompt in cell["prompts"][0], cell
        assert f"{word}: sk-or-v1-" in cell["text"] and "Connected as user_" in cell["text"], cell
        assert "error" not in [o["output_type"] for o in cell["outputs"]], cell
    assert len(browsed) == 2 and all("sk-or-v1-" not in page for page in browsed)
    # The withdrawn questions took nothing from the next one.
    assert "typed: hello" in typed["text"], typed
    assert "code: CALLBACK_TIMEOUT" in expired["text"] and len(expired["prompts"]) == 1, expired
    assert "exchanges: 3" in counts["text"], counts
