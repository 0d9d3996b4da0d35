"""Forged flow state against the Python web recipes (issue 17 item 1): a visitor who puts a flow of their own
where the recipe expects its own — the JSON text of a flow they started against their server — must get an
error page, and no request may leave: the "attacker" server the forged flow names gets no connection, the
real OpenRouter (the emulator) no exchange. The Express recipes: tests/node/recipes_forged.test.mjs.

The sealed-cookie recipes (Flask, FastAPI) run in their frameworks' test clients; the FastAPI Redis recipe
against a redis-server of its own (skipped when none is installed: ``make redis-server``).
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import pathlib
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from types import ModuleType
from typing import Iterator

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECRET = "an example sealing secret, 32 bytes or more"
PUBLIC_URL = "http://localhost:8000"
REDIS_SERVER = shutil.which("redis-server")


def load_recipe(relative: str) -> ModuleType:
    path = ROOT / "examples" / relative
    spec = importlib.util.spec_from_file_location(f"recipe_{path.parent.name}_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Attacker(http.server.ThreadingHTTPServer):
    """Where a forged flow would send the exchange: counts every connection, and would answer like
    OpenRouter (so that a leak shows as a "successful" login too)."""

    daemon_threads = True

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _AttackerHandler)

    def get_request(self) -> tuple[socket.socket, object]:
        conn = super().get_request()
        self.connections += 1
        return conn

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _AttackerHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        assert isinstance(self.server, Attacker)
        self.server.requests.append(f"{self.command} {self.path}")
        body = json.dumps({"key": "sk-or-v1-stolen-by-the-attacker", "user_id": "attacker"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[Attacker]:
    server = Attacker()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A redis-server of its own on a free loopback port, no persistence."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (make redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()


def forged_flow(attacker: Attacker) -> tuple[orp.AuthRequest, str]:
    """A flow the attacker started against their own server for the app's callback URL, and the callback
    path they then visit (any code, the forged flow's state)."""
    forged = orp.start_auth(f"{PUBLIC_URL}/callback", key_label="forged", base_url=attacker.base_url)
    return forged, f"/callback?code=attacker-code&state={forged.state}"


def forged_cookies(forged: orp.AuthRequest) -> dict[str, str]:
    """Cookie values that carry the flow's JSON text (compact ``to_json()``, ``json.dumps(to_dict())``), as
    it is and as a quoted string."""
    texts = {"to_json()": forged.to_json(), "json.dumps(to_dict())": json.dumps(forged.to_dict())}
    quoted = {f"{what}, quoted": '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' for what, text in texts.items()}
    return {**texts, **quoted}


def assert_nothing_left(attacker: Attacker, emu: Emulator) -> None:
    assert attacker.connections == 0, f"the attacker's server was reached: {attacker.requests}"
    assert emu.request_count("exchange") == 0


def test_flask_sealed_cookie_refuses_a_forged_json_flow(emu: Emulator, attacker: Attacker) -> None:
    app = load_recipe("flask/sealed_cookie.py").create_app(public_url=PUBLIC_URL, secrets=[SECRET], base_url=emu.base_url)
    forged, path = forged_flow(attacker)
    for what, text in {"to_json()": forged.to_json(), "json.dumps(to_dict())": json.dumps(forged.to_dict())}.items():
        # Werkzeug's test client sends its own cookie jar (and quotes the value as a browser may send it).
        client = app.test_client()
        client.set_cookie("openrouter_flow", text)
        res = client.get(path)
        html = res.data.decode()
        assert res.status_code == 400, (what, html)
        assert 'data-code="SEALED_FLOW_INVALID"' in html, what
        assert forged.code_verifier not in html
        assert "openrouter_flow=;" in res.headers["Set-Cookie"], what
    assert_nothing_left(attacker, emu)


def test_fastapi_sealed_cookie_refuses_a_forged_json_flow(emu: Emulator, attacker: Attacker) -> None:
    from fastapi.testclient import TestClient

    app = load_recipe("fastapi/sealed_cookie.py").create_app(public_url=PUBLIC_URL, secrets=[SECRET], base_url=emu.base_url)
    forged, path = forged_flow(attacker)
    with TestClient(app, base_url=PUBLIC_URL) as client:
        for what, cookie in forged_cookies(forged).items():
            client.cookies.clear()
            res = client.get(path, headers={"cookie": f"openrouter_flow={cookie}"})
            assert res.status_code == 400, (what, res.text)
            assert 'data-code="SEALED_FLOW_INVALID"' in res.text, what
            assert forged.code_verifier not in res.text
    assert_nothing_left(attacker, emu)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def consent(auth_url: str) -> str:
    """Play the browser at the emulator's /auth: the path + query of the callback it redirects to."""
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.build_opener(NoRedirect).open(auth_url)
    info.value.close()
    location = str(info.value.headers["Location"])
    assert location.startswith(f"{PUBLIC_URL}/callback?"), location
    return location[len(PUBLIC_URL) :]


def test_fastapi_redis_session_planted_sid_and_foreign_stored_flow(emu: Emulator, attacker: Attacker, redis_url: str) -> None:
    # No flow travels in the browser here: the cookie is a random session id. What a visitor can forge is
    # that id (it finds nothing) — and a flow record that is not the app's own (a store shared with another
    # deployment, or written by anything else) must not choose the host.
    import redis
    from fastapi.testclient import TestClient

    recipe = load_recipe("fastapi/redis_session.py")
    app = recipe.create_app(public_url=PUBLIC_URL, redis_url=redis_url, base_url=emu.base_url)
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        with TestClient(app, base_url=PUBLIC_URL, follow_redirects=False) as client:
            victim = client.get("/login")
            assert victim.status_code == 302
            victim_sid = victim.cookies["sid"]
            victim_path = consent(victim.headers["location"])

            client.cookies.clear()
            for planted in ("x" * 43, "", "../" + victim_sid[:10], victim_sid + "x"):
                res = client.get(victim_path, headers={"cookie": f"sid={planted}"})
                assert res.status_code == 400 and 'data-code="NO_FLOW"' in res.text, planted

            # The attacker's own session, whose flow record is replaced by one started against their server.
            own = client.get("/login")
            own_sid = own.cookies["sid"]
            client.cookies.clear()
            forged, forged_path = forged_flow(attacker)
            key = f"{recipe.PREFIX}flow:{own_sid}"
            assert store.get(key) is not None
            store.set(key, forged.to_json(), ex=600)
            res = client.get(forged_path, headers={"cookie": f"sid={own_sid}"})
            assert res.status_code == 400, res.text
            assert 'data-code="INVALID_ARGUMENT"' in res.text
            assert_nothing_left(attacker, emu)

            # The victim's flow is still there and completes.
            done = client.get(victim_path, headers={"cookie": f"sid={victim_sid}"})
            assert done.status_code == 200 and 'data-code="OK"' in done.text, done.text
            assert emu.request_count("exchange") == 1
    finally:
        store.close()
