"""Every error code the exchange and key info can produce, against the emulator (real flows and faults)."""

from __future__ import annotations

import socket
import time
from typing import Optional

import pytest

import openrouter_pkce as orp
from conftest import load_vectors
from openrouter_pkce.testing import Emulator

ANSWERS = load_vectors("http_answers")


def content_type(body: str) -> str:
    return "text/html" if body.lstrip().startswith("<") else "application/json"


def flow(emu: Emulator, method: str = "S256") -> "tuple[orp.AuthRequest, str]":
    req = orp.start_auth("http://localhost:3000/cb", method=method, base_url=emu.base_url)
    return req, emu.approve(req.url)


def test_success_complete_auth(emu: Emulator) -> None:
    req, callback = flow(emu)
    key = orp.complete_auth(req, callback)
    assert key.key.startswith("sk-or-v1-")
    assert key.user_id
    assert key.masked in repr(key) and key.key not in repr(key) and str(key) == key.masked
    assert key.settings_url.startswith("https://openrouter.ai/keys/")
    assert "api_key_hash=" in key.logs_url
    info = orp.key_info(key, base_url=emu.base_url)
    assert info.label and info.is_free_tier is True
    assert orp.key_info(key.key, base_url=emu.base_url) == info
    assert emu.request_count("exchange") == 1 and emu.request_count("key_info") == 2


def test_key_info_asks_the_server_the_key_came_from(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_PKCE_BASE_URL", raising=False)
    req, callback = flow(emu)
    key = orp.complete_auth(req, callback)
    # No base_url: the default client is openrouter.ai's, but the ApiKey remembers the emulator.
    assert orp.key_info(key).label == orp.key_info(key, base_url=emu.base_url).label
    assert orp.Client().key_info(key).label
    with pytest.raises(orp.NetworkError):  # an explicit base_url still wins
        orp.key_info(key, base_url="http://127.0.0.1:9", timeout=2.0)


@pytest.mark.parametrize("response_form", ["url", "query", "code", "path"])
def test_complete_auth_response_forms(emu: Emulator, response_form: str) -> None:
    req, callback = flow(emu)
    query = callback.split("?", 1)[1]
    code = dict(p.split("=", 1) for p in query.split("&"))["code"]
    # "path": what Flask's request.full_path and Express's req.originalUrl give.
    response = {"url": callback, "query": query, "code": code, "path": "/cb?" + query}[response_form]
    assert orp.complete_auth(req, response).key.startswith("sk-or-v1-")


def test_plain_method_flow(emu: Emulator) -> None:
    req, callback = flow(emu, "plain")
    assert orp.complete_auth(req, callback).key


def test_exchange_code_with_issued_code(emu: Emulator) -> None:
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256", "label", 3.5)
    key = orp.exchange_code(code, p.code_verifier, base_url=emu.base_url)
    info = orp.key_info(key, base_url=emu.base_url)
    assert info.label == "label" and info.limit == 3.5


def test_complete_auth_from_dict(emu: Emulator) -> None:
    req, callback = flow(emu)
    # A flow read back from storage is finished at the base URL the call names, never the one it holds.
    assert orp.complete_auth(req.to_dict(), callback, base_url=emu.base_url).key


def test_invalid_code_challenge_method(emu: Emulator) -> None:
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256")
    with pytest.raises(orp.InvalidCodeChallengeMethodError) as info:
        orp.exchange_code(code, p.code_verifier, "plain", base_url=emu.base_url)
    assert (info.value.code, info.value.status) == ("INVALID_CODE_CHALLENGE_METHOD", 400)


def test_invalid_code_on_reuse(emu: Emulator) -> None:
    req, callback = flow(emu)
    orp.complete_auth(req, callback)
    with pytest.raises(orp.InvalidCodeError) as info:
        orp.complete_auth(req, callback)
    assert (info.value.code, info.value.status) == ("INVALID_CODE", 403)
    assert emu.request_count("exchange") == 2


def test_invalid_code_wrong_verifier(emu: Emulator) -> None:
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256")
    with pytest.raises(orp.InvalidCodeError):
        orp.exchange_code(code, orp.create_verifier(), base_url=emu.base_url)
    assert emu.request_count("exchange") == 1


def test_code_expired(emu: Emulator) -> None:
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256")
    emu.set_code_ttl(0.05)
    time.sleep(0.2)
    with pytest.raises(orp.CodeExpiredError) as info:
        orp.exchange_code(code, p.code_verifier, base_url=emu.base_url)
    assert info.value.status == 403


def test_state_mismatch_and_access_denied(emu: Emulator) -> None:
    req, callback = flow(emu)
    other = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    with pytest.raises(orp.StateMismatchError):
        orp.complete_auth(other, callback)
    with pytest.raises(orp.AccessDeniedError) as info:
        orp.complete_auth(req, f"http://localhost:3000/cb?error=access_denied&state={req.state}")
    assert info.value.code == "ACCESS_DENIED"
    assert emu.request_count("exchange") == 0


def exchange_with_fault(emu: Emulator, timeout: float = 30.0, **fault: object) -> orp.OpenRouterPkceError:
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256")
    before = emu.request_count("exchange")
    emu.inject_fault("exchange", **fault)  # type: ignore[arg-type]
    with pytest.raises(orp.OpenRouterPkceError) as info:
        orp.exchange_code(code, p.code_verifier, base_url=emu.base_url, timeout=timeout)
    assert emu.request_count("exchange") - before == 1, "exactly one request"
    return info.value


@pytest.mark.parametrize(
    "status, body, ctype, code, cls",
    [
        (405, '{"error":{"code":405,"message":"Method Not Allowed"}}', "application/json", "METHOD_NOT_ALLOWED", orp.MethodNotAllowedError),
        (429, '{"error":{"code":429,"message":"slow down"}}', "application/json", "RATE_LIMITED", orp.RateLimitedError),
        (500, '{"error":{"code":500,"message":"boom"}}', "application/json", "SERVER_ERROR", orp.ServerError),
        (502, "<html>bad gateway</html>", "text/html", "SERVER_ERROR", orp.ServerError),
        (418, "", "text/plain", "UNEXPECTED_STATUS", orp.UnexpectedStatusError),
        (200, "<!doctype html><p>cdn</p>", "text/html", "MALFORMED_RESPONSE", orp.MalformedResponseError),
        (200, "", "application/json", "MALFORMED_RESPONSE", orp.MalformedResponseError),
        (200, "not json at all", "text/plain", "MALFORMED_RESPONSE", orp.MalformedResponseError),
    ],
)
def test_status_faults(emu: Emulator, status: int, body: str, ctype: str, code: str, cls: type) -> None:
    e = exchange_with_fault(emu, kind="status", status=status, body=body, content_type=ctype)
    assert isinstance(e, cls) and isinstance(e, orp.HttpError)
    assert (e.code, e.status) == (code, status)


@pytest.mark.parametrize("case", ANSWERS["exchange"], ids=lambda c: f"{c['status']}-{c['body'][:30]}")
def test_exchange_vectors(shared_emu: Emulator, case: dict) -> None:
    emu = shared_emu
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256")
    before = emu.request_count("exchange")
    emu.inject_fault("exchange", "status", status=case["status"], body=case["body"], content_type=content_type(case["body"]))
    if case["error"] is None:
        key = orp.exchange_code(code, p.code_verifier, base_url=emu.base_url)
        assert key.key
    else:
        with pytest.raises(orp.OpenRouterPkceError) as info:
            orp.exchange_code(code, p.code_verifier, base_url=emu.base_url)
        assert info.value.code == case["error"]
        assert orp.ERRORS_BY_CODE[case["error"]] is type(info.value)
        assert info.value.status == case["status"]
    assert emu.request_count("exchange") - before == 1


@pytest.mark.parametrize("case", ANSWERS["key_info"], ids=lambda c: f"{c['status']}-{c['body'][:30]}")
def test_key_info_vectors(shared_emu: Emulator, case: dict) -> None:
    emu = shared_emu
    key = emu.create_key()
    emu.inject_fault("key_info", "status", status=case["status"], body=case["body"], content_type=content_type(case["body"]))
    if case["error"] is None:
        assert isinstance(orp.key_info(key, base_url=emu.base_url), orp.KeyInfo)
    else:
        with pytest.raises(orp.OpenRouterPkceError) as info:
            orp.key_info(key, base_url=emu.base_url)
        assert info.value.code == case["error"]


def test_unauthorized_key_info(emu: Emulator) -> None:
    with pytest.raises(orp.UnauthorizedError) as info:
        orp.key_info("sk-or-v1-" + "0" * 64, base_url=emu.base_url)
    assert (info.value.code, info.value.status) == ("UNAUTHORIZED", 401)


def test_timeout_with_delay(emu: Emulator) -> None:
    started = time.monotonic()
    e = exchange_with_fault(emu, kind="delay", seconds=30.0, timeout=0.5)
    assert isinstance(e, orp.RequestTimeoutError) and isinstance(e, TimeoutError)
    assert e.code == "TIMEOUT" and e.status is None
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind", ["hang", "drip"])
def test_timeout_hang_and_drip(emu: Emulator, kind: str) -> None:
    e = exchange_with_fault(emu, kind=kind, timeout=0.7)
    assert e.code == "TIMEOUT"


def test_huge_body_is_malformed(emu: Emulator) -> None:
    e = exchange_with_fault(emu, kind="huge_body", size=10 * 1024 * 1024)
    assert e.code == "MALFORMED_RESPONSE"


def test_close_is_network(emu: Emulator) -> None:
    e = exchange_with_fault(emu, kind="close")
    assert e.code == "NETWORK" and isinstance(e, ConnectionError)


def test_redirect_not_followed(emu: Emulator) -> None:
    with Emulator() as second:
        e = exchange_with_fault(emu, kind="redirect", location=f"{second.base_url}/api/v1/auth/keys", status=307)
        assert (e.code, e.status) == ("UNEXPECTED_STATUS", 307)
        assert second.request_count("exchange") == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_network_error_on_closed_port() -> None:
    with pytest.raises(orp.NetworkError) as info:
        orp.exchange_code("somecode", base_url=f"http://127.0.0.1:{free_port()}", timeout=5)
    assert info.value.code == "NETWORK" and info.value.status is None
    assert isinstance(info.value, ConnectionError)
    assert isinstance(info.value.__cause__, orp.ErrorCause)


def test_input_errors_before_sending(emu: Emulator) -> None:
    with pytest.raises(orp.InvalidArgumentError):
        orp.exchange_code("", base_url=emu.base_url)
    with pytest.raises(orp.InvalidVerifierError):
        orp.exchange_code("code", "short", base_url=emu.base_url)
    with pytest.raises(orp.InvalidMethodError):
        orp.exchange_code("code", orp.create_verifier(), "s256", base_url=emu.base_url)
    with pytest.raises(orp.InvalidArgumentError):
        orp.exchange_code("code", base_url="http://example.com")
    with pytest.raises(orp.InvalidArgumentError):
        orp.exchange_code("code", base_url=emu.base_url, timeout=0)
    with pytest.raises(orp.InvalidArgumentError):
        orp.key_info("", base_url=emu.base_url)
    assert emu.request_count("exchange") == 0


def test_client(emu: Emulator) -> None:
    client = orp.Client(emu.base_url, timeout=5, user_agent="tests/1.0")
    assert client.base_url == emu.base_url and client.timeout == 5.0
    assert emu.base_url in repr(client)
    p = orp.generate_pkce()
    key = client.exchange_code(emu.issue_code(p.code_challenge, "S256"), p.code_verifier)
    assert client.key_info(key).label
    req = orp.start_auth("http://localhost/cb", base_url=emu.base_url)
    assert client.complete_auth(req, emu.approve(req.url)).key
    emu.inject_fault("exchange", "delay", seconds=10.0)
    with pytest.raises(orp.RequestTimeoutError):
        client.exchange_code(emu.issue_code(p.code_challenge, "S256"), p.code_verifier, timeout=0.3)


def test_emulator_lifecycle() -> None:
    emu = Emulator()
    with pytest.raises(RuntimeError):
        emu.base_url
    emu.start()
    port = emu.port
    assert emu.base_url == f"http://127.0.0.1:{port}"
    with pytest.raises(orp.PortInUseError) as info:
        Emulator(port=port).start()
    assert isinstance(info.value, ConnectionError)
    emu.stop()
    emu.stop()
    with pytest.raises(orp.NetworkError):
        orp.exchange_code("c", base_url=f"http://127.0.0.1:{port}", timeout=3)
    with pytest.raises(orp.InvalidArgumentError):
        emu.request_count("exchange")
    with pytest.raises(orp.InvalidArgumentError):
        Emulator(host="10.0.0.1").start()


def test_emulator_fault_arguments(emu: Emulator) -> None:
    with pytest.raises(orp.InvalidArgumentError):
        emu.inject_fault("nowhere", "hang")
    with pytest.raises(orp.InvalidArgumentError):
        emu.inject_fault("exchange", "explode")
    with pytest.raises(orp.InvalidArgumentError):
        emu.inject_fault("exchange", "delay")  # the core's rule: a delay needs its duration
    with pytest.raises(orp.InvalidArgumentError):
        emu.inject_fault("exchange", "redirect")  # … and a redirect its location
    with pytest.raises(orp.InvalidArgumentError):
        emu.inject_fault("exchange", "status", status=42)
    with pytest.raises(orp.InvalidArgumentError):
        emu.inject_fault("exchange", "delay", seconds=-1)
    # A status fault without a status is a 500, the same default as in Node.
    emu.inject_fault("exchange", "status")
    pkce = orp.generate_pkce()
    code = emu.issue_code(pkce.code_challenge, "S256")
    with pytest.raises(orp.ServerError) as e:
        orp.exchange_code(code, pkce.code_verifier, base_url=emu.base_url)
    assert e.value.status == 500


def test_relay_state_off_and_manual_approval() -> None:
    with Emulator(relay_state=False) as emu:
        req = orp.start_auth("http://localhost/cb", base_url=emu.base_url)
        callback = emu.approve(req.url)
        assert "state=" not in callback
        assert orp.complete_auth(req, callback).key
    with Emulator(auto_approve=False) as emu:
        req = orp.start_auth("http://localhost/cb", base_url=emu.base_url)
        with pytest.raises(RuntimeError):
            emu.approve(req.url)
        emu.set_auto_approve(True)
        assert orp.complete_auth(req, emu.approve(req.url)).key
