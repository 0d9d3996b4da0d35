"""Issue 21 in Python: attribution headers on every request, create_auth_code, every KeyInfo field — checked on
the wire against a recording server on loopback (what was sent), independent of the emulator."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import openrouter_pkce as orp

KEY = "sk-or-v1-" + "a" * 64
KEY_INFO = {
    "data": {
        "label": "agent", "limit": 10.0, "limit_remaining": 7.5, "limit_reset": "monthly", "usage": 40.0,
        "usage_daily": 1.0, "usage_weekly": 2.0, "usage_monthly": 2.5, "byok_usage": 3.0, "byok_usage_daily": 0.5,
        "byok_usage_weekly": 1.0, "byok_usage_monthly": 1.5, "include_byok_in_limit": True, "is_free_tier": False,
        "is_management_key": False, "is_provisioning_key": False, "expires_at": "2027-12-31T23:59:59Z",
        "creator_user_id": "user_1", "rate_limit": {"requests": 1000, "interval": "1h", "note": "deprecated"},
        "allowed_data_regions": ["global", "europe"], "free_model_daily_requests": {"limit": 50, "remaining": 49, "used": 1},
        "organization_id": None, "workspace_id": "0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90",
    }
}  # fmt: skip
AUTH_CODE = {"data": {"id": "auth_code_xyz789", "app_id": 12345, "created_at": "2025-08-24T10:30:00Z"}}


class Recorder:
    """A loopback HTTP server that records each request (method, path, headers, body) and answers as
    OpenRouter would."""

    def __init__(self) -> None:
        self.requests: List[Tuple[str, str, Dict[str, str], Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                recorder.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                answer: Any = {"key": KEY, "user_id": "user_1"}
                if self.path == "/api/v1/key":
                    answer = KEY_INFO
                elif self.path == "/api/v1/auth/keys/code":
                    answer = AUTH_CODE
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def last(self) -> Tuple[str, str, Dict[str, str], Any]:
        return self.requests[-1]


@pytest.fixture
def rec() -> Iterator[Recorder]:
    r = Recorder()
    yield r
    r.server.shutdown()
    r.server.server_close()


def attribution(headers: Dict[str, str]) -> Dict[str, str]:
    names = ("http-referer", "x-openrouter-title", "x-title", "x-openrouter-categories")
    return {k: v for k, v in headers.items() if k in names}


def test_attribution_is_sent_on_every_request_client_wide_and_per_call(rec: Recorder) -> None:
    client = orp.Client(
        base_url=rec.base_url, http_referer="https://myapp.example", app_title="My App", app_categories=["cli-agent"]
    )
    want = {
        "http-referer": "https://myapp.example",
        "x-openrouter-title": "My App",
        "x-title": "My App",
        "x-openrouter-categories": "cli-agent",
    }
    client.exchange_code("code123", "v" * 43)
    assert attribution(rec.last()[2]) == want
    client.key_info(KEY)
    assert attribution(rec.last()[2]) == want
    client.create_auth_code(KEY, callback_url="https://myapp.example/cb")
    assert attribution(rec.last()[2]) == want
    # Per call, field by field over the client's; the module functions take them too.
    client.key_info(KEY, app_title="Other", app_categories=["game", "legal"])
    assert attribution(rec.last()[2]) == dict(
        want, **{"x-openrouter-title": "Other", "x-title": "Other", "x-openrouter-categories": "game,legal"}
    )
    orp.key_info(KEY, base_url=rec.base_url, http_referer="https://other.example")
    assert attribution(rec.last()[2]) == {"http-referer": "https://other.example"}
    orp.key_info(KEY, base_url=rec.base_url)
    assert attribution(rec.last()[2]) == {}


def test_bad_attribution_is_refused_before_anything_is_sent(rec: Recorder) -> None:
    for kwargs in (
        {"app_categories": ["cli-agent", "game", "legal"]},
        {"app_categories": ["coding"]},
        {"app_categories": ["Game"]},
        {"http_referer": "not a url"},
        {"app_title": "a\nb"},
    ):
        with pytest.raises(orp.InvalidArgumentError):
            orp.Client(base_url=rec.base_url, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(orp.InvalidArgumentError):
            orp.key_info(KEY, base_url=rec.base_url, **kwargs)  # type: ignore[arg-type]
    assert rec.requests == []


def test_create_auth_code_sends_the_documented_body_and_reads_the_answer(rec: Recorder) -> None:
    expires = datetime(2027, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    code = orp.create_auth_code(
        KEY,
        callback_url="https://myapp.example/cb",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        expires_at=expires,
        key_label="agent",
        limit=10,
        usage_limit_type="monthly",
        workspace_id="0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90",
        base_url=rec.base_url,
    )
    method, path, headers, body = rec.last()
    assert (method, path) == ("POST", "/api/v1/auth/keys/code")
    assert headers["authorization"] == f"Bearer {KEY}"
    assert body == {
        "callback_url": "https://myapp.example/cb",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        "expires_at": "2027-12-31T23:59:59Z",
        "key_label": "agent",
        "limit": 10.0,
        "usage_limit_type": "monthly",
        "workspace_id": "0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90",
    }
    assert (code.id, code.app_id, code.created_at) == ("auth_code_xyz789", 12345, "2025-08-24T10:30:00Z")
    assert "auth_code_xyz789" not in repr(code)
    # Another timezone is converted; the async twin sends the same.
    cet = timezone(timedelta(hours=1))

    async def create() -> orp.AuthCode:
        return await orp.Client(base_url=rec.base_url).create_auth_code_async(
            KEY, callback_url="http://localhost:3000/cb", expires_at=datetime(2028, 1, 1, 0, 0, 30, tzinfo=cet)
        )

    asyncio.run(create())
    assert rec.last()[3]["expires_at"] == "2027-12-31T23:00:30Z"


def test_create_auth_code_refuses_bad_arguments_before_sending(rec: Recorder) -> None:
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    for kwargs, error in (
        ({"expires_at": datetime(2030, 1, 1)}, orp.InvalidArgumentError),  # naive: ambiguous
        ({"expires_at": past}, orp.InvalidArgumentError),
        ({"usage_limit_type": "yearly"}, orp.InvalidArgumentError),
        ({"key_label": "x" * 101}, orp.InvalidArgumentError),
        ({"workspace_id": "ws-1"}, orp.InvalidArgumentError),
        ({"limit": -1}, orp.InvalidArgumentError),
        ({"code_challenge_method": "s256"}, orp.InvalidMethodError),
    ):
        with pytest.raises(error):
            orp.create_auth_code(KEY, callback_url="https://myapp.example/cb", base_url=rec.base_url, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(orp.InvalidCallbackUrlError):
        orp.create_auth_code(KEY, callback_url="http://evil.example/cb", base_url=rec.base_url)
    with pytest.raises(orp.InvalidArgumentError):
        orp.create_auth_code("not a key", callback_url="https://myapp.example/cb", base_url=rec.base_url)
    assert rec.requests == []


def test_key_info_carries_every_field(rec: Recorder) -> None:
    info = orp.key_info(KEY, base_url=rec.base_url)
    data = KEY_INFO["data"]
    for name, value in data.items():
        assert getattr(info, name) == value, name
    assert info.to_dict() == data
    # The spend in the current window is limit - limit_remaining; usage is lifetime spend.
    assert info.limit_used == 2.5 and info.usage == 40.0


def test_a_created_code_is_exchanged_by_the_normal_flow_and_the_login_sends_attribution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pathlib import Path

    from openrouter_pkce.testing import Emulator

    fake_browser = Path(__file__).resolve().parents[2] / "core" / "tests" / "fixtures" / "fake-browser.sh"
    monkeypatch.setenv("BROWSER", str(fake_browser))

    with Emulator() as emu:
        owner = emu.create_key("owner")
        pkce = orp.generate_pkce()
        expires = datetime.now(timezone.utc) + timedelta(days=7)
        client = orp.Client(base_url=emu.base_url, app_title="Agent Fleet", app_categories=["cloud-agent"])
        code = client.create_auth_code(
            owner,
            callback_url="https://fleet.example/cb",
            code_challenge=pkce.code_challenge,
            expires_at=expires,
            key_label="worker-1",
            limit=5,
            usage_limit_type="daily",
        )
        key = client.exchange_code(code.id, pkce.code_verifier)
        info = client.key_info(key)
        assert (info.label, info.limit, info.limit_reset) == ("worker-1", 5.0, "daily")
        assert info.expires_at is not None and info.expires_at.startswith(expires.strftime("%Y-%m-%dT%H:%M:%S"))
        with pytest.raises(orp.InvalidCodeError):
            client.exchange_code(code.id, pkce.code_verifier)  # single use, like a callback's code
        seen = emu.last_attribution("create_auth_code")
        assert seen is not None and seen["x_openrouter_title"] == "Agent Fleet"
        # The one-click login takes attribution too, sent on its exchange (over its client's).
        client.login(mode="loopback", timeout=30, app_title="My CLI", http_referer="https://cli.example")
        assert emu.last_attribution("exchange") == {
            "http_referer": "https://cli.example",
            "x_openrouter_title": "My CLI",
            "x_title": "My CLI",
            "x_openrouter_categories": "cloud-agent",
        }
