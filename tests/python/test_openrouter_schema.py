"""The emulator against OpenRouter's own OpenAPI schemas of its three auth endpoints.

``tests/vectors/openrouter-auth-schema.yaml`` is a pinned copy of those schemas. Every request body the
emulator accepts must be valid there, every body the schema refuses must get a 400, and every answer the
emulator gives — 200s and errors, of ``POST /api/v1/auth/keys``, ``POST /api/v1/auth/keys/code`` and
``GET /api/v1/key`` — must validate against the schema of its status. ``$ref``s are resolved by the
``referencing`` registry; ``date-time``, ``uri`` and ``uuid`` formats are asserted, not just annotated.
"""

from __future__ import annotations

import datetime
import http.client
import json
import re
import urllib.parse
import uuid
from typing import Any, Dict, Optional, Tuple

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import openrouter_pkce as orp
from conftest import VECTORS
from openrouter_pkce.testing import Emulator

with open(VECTORS / "openrouter-auth-schema.yaml", encoding="utf-8") as f:
    SPEC: Dict[str, Any] = yaml.safe_load(f)

URI = "urn:openrouter-auth-schema"
REGISTRY: Registry = Registry().with_resource(URI, Resource.from_contents(SPEC, default_specification=DRAFT202012))

FORMATS = jsonschema.FormatChecker(formats=())
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    # Range checks (month 13, February 30th…); fractions cut to what fromisoformat takes.
    datetime.datetime.fromisoformat(re.sub(r"(\.\d{1,6})\d*", r"\1", value.upper().replace("Z", "+00:00")))
    return True


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value: object) -> bool:
    return not isinstance(value, str) or (len(value) == 36 and bool(uuid.UUID(value)))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validator(*path: str) -> jsonschema.Draft202012Validator:
    """A validator of the schema at ``path`` inside the OpenAPI document."""
    return jsonschema.Draft202012Validator({"$ref": f"{URI}#/{_pointer(*path)}"}, registry=REGISTRY, format_checker=FORMATS)


def request_schema(path: str, method: str = "post") -> jsonschema.Draft202012Validator:
    return validator("paths", path, method, "requestBody", "content", "application/json", "schema")


def response_schema(path: str, status: int, method: str = "post") -> jsonschema.Draft202012Validator:
    return validator("paths", path, method, "responses", str(status), "content", "application/json", "schema")


# The schema has no 405s; every error component has the one shape, so 405s are checked against it.
ERROR_SHAPE = validator("components", "schemas", "BadRequestResponse")

EXCHANGE, CODE, KEY = "/auth/keys", "/auth/keys/code", "/key"


def call(
    emu: Emulator, method: str, path: str, body: Any = None, *, key: Optional[str] = None, raw: Optional[bytes] = None
) -> Tuple[int, Any]:
    """One request to the emulator's ``/api/v1<path>``; the answer must be JSON with CORS."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        conn.request(method, "/api/v1" + path, body=data, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        assert (resp.getheader("Content-Type") or "").startswith("application/json"), (path, resp.status)
        assert resp.getheader("Access-Control-Allow-Origin") == "*"
        return resp.status, json.loads(payload)
    finally:
        conn.close()


def assert_answer(path: str, status: int, body: Any, method: str = "post") -> None:
    schema = response_schema(path, status, method) if status != 405 else ERROR_SHAPE
    schema.validate(body)
    if status >= 400:
        assert body["error"]["code"] == status


def code_for(emu: Emulator, pkce: orp.Pkce) -> str:
    return emu.issue_code(pkce.code_challenge, pkce.code_challenge_method)


def test_the_schema_has_the_three_operations() -> None:
    ops = {SPEC["paths"][p][m]["operationId"] for p, m in [(EXCHANGE, "post"), (CODE, "post"), (KEY, "get")]}
    assert ops == {"exchangeAuthCodeForAPIKey", "createAuthKeysCode", "getCurrentKey"}
    # A $ref is really followed: an error answer without `message` is refused.
    with pytest.raises(jsonschema.ValidationError):
        response_schema(CODE, 401).validate({"error": {"code": 401}})


def test_exchange_accepted_bodies_and_their_answers(emu: Emulator) -> None:
    s256, plain = orp.generate_pkce(), orp.generate_pkce(method="plain")
    bodies = [
        {"code": code_for(emu, s256), "code_verifier": s256.code_verifier, "code_challenge_method": "S256"},
        {"code": code_for(emu, plain), "code_verifier": plain.code_verifier, "code_challenge_method": "plain"},
        # A null method means plain, on both sides.
        {"code": code_for(emu, plain), "code_verifier": plain.code_verifier, "code_challenge_method": None},
        # A code issued without a challenge exchanges alone.
        {"code": emu.issue_code()},
    ]
    for body in bodies:
        request_schema(EXCHANGE).validate(body)
        status, answer = call(emu, "POST", EXCHANGE, body)
        assert status == 200, answer
        assert_answer(EXCHANGE, 200, answer)
        assert answer["key"].startswith("sk-or-v1-") and answer["user_id"].startswith("user_")


def test_exchange_error_answers(emu: Emulator) -> None:
    pkce = orp.generate_pkce()
    used = code_for(emu, pkce)
    good = {"code": used, "code_verifier": pkce.code_verifier, "code_challenge_method": "S256"}
    assert call(emu, "POST", EXCHANGE, good)[0] == 200
    mismatch = {**good, "code": code_for(emu, pkce), "code_challenge_method": "plain"}
    cases = [
        ({}, 400, "Invalid request body"),
        ({"code": 5}, 400, "Invalid request body"),
        (mismatch, 400, "Invalid code_challenge_method"),
        (good, 403, "Invalid code or code_verifier"),
        ({**good, "code": code_for(emu, pkce), "code_verifier": "x" * 43}, 403, "Invalid code or code_verifier"),
    ]
    for body, status, message in cases:
        got, answer = call(emu, "POST", EXCHANGE, body)
        assert (got, answer["error"]["message"]) == (status, message), body
        assert_answer(EXCHANGE, status, answer)
    assert_answer(EXCHANGE, 400, call(emu, "POST", EXCHANGE, raw=b"{not json")[1])
    expired = code_for(emu, pkce)
    emu.set_code_ttl(0)
    status, answer = call(emu, "POST", EXCHANGE, {**good, "code": expired})
    assert (status, answer["error"]["message"]) == (403, "Authorization code expired")
    assert_answer(EXCHANGE, 403, answer)
    status, answer = call(emu, "GET", EXCHANGE)
    assert status == 405
    assert_answer(EXCHANGE, 405, answer)


def full_code_body(pkce: orp.Pkce) -> Dict[str, Any]:
    return {
        "callback_url": "https://app.example/auth/callback",
        "code_challenge": pkce.code_challenge,
        "code_challenge_method": "S256",
        "expires_at": "2099-12-31T23:59:59.250Z",
        "key_label": "x" * 100,
        "limit": 100,
        "usage_limit_type": "monthly",
        "workspace_id": str(uuid.uuid4()),
        "spawn_agent": "my-agent",
        "spawn_cloud": "aws-us-east-1",
    }


def test_create_code_accepted_bodies_and_their_answers(emu: Emulator) -> None:
    key = emu.create_key("the app")
    pkce, plain = orp.generate_pkce(), orp.generate_pkce(method="plain")
    bodies = [
        {"callback_url": "http://localhost:3000/cb"},
        {"callback_url": "http://127.0.0.1:8976/cb", "expires_at": None},
        {"callback_url": "https://app.example/cb", "code_challenge": plain.code_challenge, "code_challenge_method": "plain"},
        {"callback_url": "https://app.example/cb", "expires_at": "2099-01-01T00:00:00+02:00", "limit": 0.5},
        full_code_body(pkce),
    ]
    for body in bodies:
        request_schema(CODE).validate(body)
        status, answer = call(emu, "POST", CODE, body, key=key)
        assert status == 200, (body, answer)
        assert_answer(CODE, 200, answer)
    # The last one's code mints a key whose info validates too (below, with its fields).
    status, minted = call(
        emu, "POST", EXCHANGE, {"code": answer["data"]["id"], "code_verifier": pkce.code_verifier, "code_challenge_method": "S256"}
    )
    assert status == 200
    assert_answer(EXCHANGE, 200, minted)
    status, info = call(emu, "GET", KEY, key=minted["key"])
    assert status == 200
    assert_answer(KEY, 200, info, "get")
    assert info["data"]["limit_reset"] == "monthly" and info["data"]["expires_at"] == "2099-12-31T23:59:59.250Z"


def test_create_code_refuses_what_the_schema_refuses(emu: Emulator) -> None:
    key = emu.create_key()
    cb = "https://app.example/cb"
    refused = [
        {},
        {"callback_url": 7},
        {"callback_url": "not a url"},
        {"callback_url": cb, "code_challenge_method": "S512", "code_challenge": orp.generate_pkce().code_challenge},
        {"callback_url": cb, "expires_at": "2099-12-31"},
        {"callback_url": cb, "expires_at": 4102444800},
        {"callback_url": cb, "key_label": "x" * 101},
        {"callback_url": cb, "limit": "5"},
        {"callback_url": cb, "usage_limit_type": "yearly"},
        {"callback_url": cb, "workspace_id": "workspace-1"},
    ]
    for body in refused:
        assert not request_schema(CODE).is_valid(body), body
        status, answer = call(emu, "POST", CODE, body, key=key)
        assert status == 400, body
        assert_answer(CODE, 400, answer)
    # Refused by OpenRouter beyond the schema: minute precision, a past date, a plain-http remote callback.
    for body in [
        {"callback_url": cb, "expires_at": "2099-12-31T23:59Z"},
        {"callback_url": cb, "expires_at": "2001-01-01T00:00:00Z"},
        {"callback_url": "http://app.example/cb"},
    ]:
        status, answer = call(emu, "POST", CODE, body, key=key)
        assert status == 400, body
        assert_answer(CODE, 400, answer)
    assert_answer(CODE, 400, call(emu, "POST", CODE, raw=b"[1,", key=key)[1])


def test_create_code_unauthorized_and_wrong_method(emu: Emulator) -> None:
    for key, message in [(None, "No auth credentials found"), ("sk-or-v1-unknown", "User not found.")]:
        status, answer = call(emu, "POST", CODE, {"callback_url": "https://app.example/cb"}, key=key)
        assert (status, answer["error"]["message"]) == (401, message)
        assert_answer(CODE, 401, answer)
    status, answer = call(emu, "GET", CODE, key=emu.create_key())
    assert status == 405
    assert_answer(CODE, 405, answer)


def test_key_info_answers(emu: Emulator) -> None:
    for key in [emu.create_key(), emu.create_key("limited", 2.5)]:
        status, info = call(emu, "GET", KEY, key=key)
        assert status == 200
        assert_answer(KEY, 200, info, "get")
        data = info["data"]
        # Everything the schema lists is there, required or not.
        listed = SPEC["paths"][KEY]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(listed["properties"]["data"]["properties"]) <= set(data)
        if data["limit"] is not None:
            assert data["limit_remaining"] == data["limit"] - data["usage"]
    for key, message in [(None, "No auth credentials found"), ("sk-or-v1-unknown", "User not found.")]:
        status, answer = call(emu, "GET", KEY, key=key)
        assert (status, answer["error"]["message"]) == (401, message)
        assert_answer(KEY, 401, answer, "get")
    status, answer = call(emu, "POST", KEY, {}, key=emu.create_key())
    assert status == 405
    assert_answer(KEY, 405, answer, "get")
