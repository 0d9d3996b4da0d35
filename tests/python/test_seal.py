"""Sealed flows: seal/unseal, rotation, expiry, refusals, and interop with an independent JOSE library
(joserfc, PyPI) with the key derived independently (RFC 5869 HKDF by hand with hmac/hashlib)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwe import JWERegistry
from joserfc.jwk import OctKey

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

SECRET = "correct horse battery staple, 32+ bytes long!"
OTHER = "another secret of at least thirty-two bytes"
TYP = "or-pkce-flow+jwt"


def hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 HKDF-SHA256 with an empty salt, for lengths up to 32 (one block)."""
    prk = hmac.new(b"\x00" * 32, secret, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def jose_key(secret: str) -> OctKey:
    return OctKey.import_key(hkdf(secret.encode(), b"openrouter-pkce sealed flow v1 A256GCM", 32))


def kid(secret: str) -> str:
    return base64.urlsafe_b64encode(hkdf(secret.encode(), b"openrouter-pkce sealed flow v1 kid", 8)).rstrip(b"=").decode()


def flow(base_url: str = "https://openrouter.ai") -> orp.AuthRequest:
    return orp.start_auth("https://app.example.com/callback", key_label="My app", base_url=base_url)


def b64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_round_trip_size_and_format() -> None:
    req = flow()
    sealed = req.seal(SECRET)
    assert isinstance(sealed, str) and len(sealed) < 1024
    assert all(c.isalnum() or c in "-_." for c in sealed)
    header, enc_key, iv, ct, tag = sealed.split(".")
    assert enc_key == ""
    assert b64json(header) == {"alg": "dir", "enc": "A256GCM", "kid": kid(SECRET), "typ": TYP}
    assert req.code_verifier not in sealed and req.state not in sealed
    back = orp.AuthRequest.unseal(sealed, SECRET)
    assert back == req and back.code_verifier == req.code_verifier
    assert orp.AuthRequest.unseal(sealed.encode().decode(), [SECRET], max_age=60) == req
    # bytes and bytearray secrets are the same secret as the str
    assert orp.AuthRequest.unseal(sealed, SECRET.encode()) == req
    assert orp.AuthRequest.unseal(req.seal(bytearray(SECRET.encode())), (SECRET,)) == req


def test_rotation_and_foreign_secrets() -> None:
    req = flow()
    old = req.seal(SECRET)
    assert orp.AuthRequest.unseal(old, [OTHER, SECRET]) == req
    new = req.seal([OTHER, SECRET])
    assert b64json(new.split(".")[0])["kid"] == kid(OTHER)
    with pytest.raises(orp.SealedFlowInvalidError) as info:
        orp.AuthRequest.unseal(old, OTHER)
    assert info.value.code == "SEALED_FLOW_INVALID"
    assert isinstance(info.value, orp.AuthorizationError)
    assert SECRET not in str(info.value) and old[:30] not in str(info.value)


@pytest.mark.parametrize("bad", ["", "short", "a" * 64, b"\x00" * 40, [], None, [SECRET, "too short"]])
def test_bad_secrets_are_invalid_argument(bad: Any) -> None:
    with pytest.raises(orp.InvalidArgumentError) as info:
        flow().seal(bad)
    assert info.value.code == "INVALID_ARGUMENT"
    assert "too short" not in str(info.value)


@pytest.mark.parametrize("bad", [42, [SECRET, 42], {"k": SECRET}])
def test_wrong_secret_types(bad: Any) -> None:
    # INVALID_ARGUMENT naming the parameter, as in Node (issue 17 item 12; it was a bare TypeError).
    with pytest.raises(orp.InvalidArgumentError, match="`secrets` must be a str or bytes"):
        flow().seal(bad)


def test_tampered_truncated_and_garbage_are_refused() -> None:
    sealed = flow().seal(SECRET)
    bad = [
        sealed[:-1],
        sealed[: len(sealed) // 2],
        sealed + "A",
        sealed.replace(".", "..", 1),
        "",
        "not a token",
        "x" * (1 << 20),
        "é" * (1 << 19),
    ]
    for i in range(0, len(sealed), 7):
        c = "A" if sealed[i] != "A" else "B"
        bad.append(sealed[:i] + c + sealed[i + 1 :])
    for t in bad:
        started = time.monotonic()
        with pytest.raises(orp.SealedFlowInvalidError):
            orp.AuthRequest.unseal(t, SECRET)
        assert time.monotonic() - started < 0.5


def test_max_age_zero_is_invalid_argument() -> None:
    with pytest.raises(orp.InvalidArgumentError):
        orp.AuthRequest.unseal(flow().seal(SECRET), SECRET, max_age=0)


def test_joserfc_opens_what_we_seal() -> None:
    req = flow()
    token = jwt.decode(req.seal(SECRET), jose_key(SECRET), algorithms=["dir", "A256GCM"], registry=JWERegistry())
    assert token.header == {"alg": "dir", "enc": "A256GCM", "kid": kid(SECRET), "typ": TYP}
    c = token.claims
    assert (c["code_verifier"], c["state"], c["url"], c["base_url"]) == (
        req.code_verifier,
        req.state,
        req.url,
        req.base_url,
    )
    assert c["v"] == 1 and c["exp"] - c["iat"] == 600 and abs(c["iat"] - time.time()) < 5


def jose_seal(req: orp.AuthRequest, secret: str, iat: int, **header: Any) -> str:
    claims = {
        "v": 1,
        "iat": iat,
        "exp": iat + 600,
        "url": req.url,
        "callback_url": req.callback_url,
        "code_verifier": req.code_verifier,
        "code_challenge_method": req.code_challenge_method,
        "state": req.state,
        "created_at": req.created_at,
        "base_url": req.base_url,
    }
    h = {"alg": "dir", "enc": "A256GCM", "kid": kid(secret), "typ": TYP, **header}
    algorithms = ["dir", "A256GCM", "DEF"] if "zip" in header else ["dir", "A256GCM"]
    return jwt.encode(h, claims, jose_key(secret), algorithms=algorithms, registry=JWERegistry())


def test_we_open_what_joserfc_seals_and_check_its_claims() -> None:
    req = flow()
    now = int(time.time())
    assert orp.AuthRequest.unseal(jose_seal(req, SECRET, now), SECRET) == req
    with pytest.raises(orp.SealedFlowExpiredError) as info:
        orp.AuthRequest.unseal(jose_seal(req, SECRET, now - 700), SECRET)
    assert info.value.code == "SEALED_FLOW_EXPIRED" and "700" in str(info.value)
    with pytest.raises(orp.SealedFlowExpiredError):
        orp.AuthRequest.unseal(jose_seal(req, SECRET, now - 120), SECRET, max_age=60)
    assert orp.AuthRequest.unseal(jose_seal(req, SECRET, now - 30), SECRET, max_age=60) == req
    # Headers that are not exactly ours are refused even with the right key.
    for extra in ({"zip": "DEF"}, {"typ": "JWT"}, {"cty": "JWT"}):
        with pytest.raises(orp.SealedFlowInvalidError):
            orp.AuthRequest.unseal(jose_seal(req, SECRET, now, **extra), SECRET)


def test_complete_auth_with_a_sealed_flow(emu: Emulator) -> None:
    req = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    sealed = req.seal([SECRET])
    callback = emu.approve(req.url)
    with pytest.raises(orp.InvalidArgumentError):
        orp.complete_auth(sealed, callback)  # the secrets are needed
    with pytest.raises(orp.SealedFlowInvalidError):
        orp.complete_auth(sealed, callback, secrets=OTHER)
    assert emu.request_count("exchange") == 0
    key = orp.Client(base_url=emu.base_url).complete_auth(sealed, callback, secrets=[OTHER, SECRET])
    assert key.key.startswith("sk-or-v1-")
    with pytest.raises(orp.InvalidCodeError):
        orp.complete_auth(sealed, callback, secrets=SECRET, base_url=emu.base_url)  # the code is single use


def test_complete_auth_async_with_a_sealed_flow(emu: Emulator) -> None:
    import asyncio

    req = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    callback = emu.approve(req.url)

    async def run() -> orp.ApiKey:
        return await orp.complete_auth_async(req.seal(SECRET), callback, secrets=SECRET, base_url=emu.base_url)

    assert asyncio.run(run()).key.startswith("sk-or-v1-")


def test_complete_auth_with_the_json_text_of_a_flow(emu: Emulator) -> None:
    # The same rule as Node's: text starting with "{" is the JSON session form, anything else a sealed flow
    # (the core's AuthRequest::from_stored decides for both bindings).
    req = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    key = orp.complete_auth(req.to_json(), emu.approve(req.url), base_url=emu.base_url)
    assert key.key.startswith("sk-or-v1-")


def test_with_secrets_only_a_sealed_flow_is_accepted(emu: Emulator) -> None:
    # Issue 17 item 1: an app that seals its flows hands complete_auth what came back from a browser. A
    # visitor's JSON text, dict or object in place of the sealed string is SEALED_FLOW_INVALID and nothing
    # is sent — not to the flow's host, not to the client's.
    attacker = Emulator()
    with attacker:
        forged = orp.start_auth("http://localhost:3000/cb", base_url=attacker.base_url)
        callback = attacker.approve(forged.url)
        client = orp.Client(base_url=emu.base_url)
        for flow in (forged.to_json(), " " + forged.to_json(), forged.to_dict(), forged, {"j": 1}, "{}"):
            with pytest.raises(orp.SealedFlowInvalidError) as info:
                client.complete_auth(flow, callback, secrets=SECRET)
            assert info.value.code == "SEALED_FLOW_INVALID"
            assert forged.code_verifier not in str(info.value)
            with pytest.raises(orp.SealedFlowInvalidError):
                orp.complete_auth(flow, callback, secrets=[SECRET])
        assert attacker.request_count("exchange") == 0
        assert emu.request_count("exchange") == 0


def test_a_stored_flow_never_chooses_the_host(emu: Emulator) -> None:
    # The stored-flow rule of docs/security.md: a flow read back from storage (JSON, a dict, a sealed
    # string) is finished at the call's or the client's base URL, and must name that one.
    attacker = Emulator()
    with attacker:
        foreign = orp.start_auth("http://localhost:3000/cb", base_url=attacker.base_url)
        callback = attacker.approve(foreign.url)
        client = orp.Client(base_url=emu.base_url)
        for flow, secrets in ((foreign.to_dict(), None), (foreign.to_json(), None), (foreign.seal(SECRET), SECRET)):
            with pytest.raises(orp.InvalidArgumentError, match="never chooses the host"):
                client.complete_auth(flow, callback, secrets=secrets)
        assert attacker.request_count("exchange") == 0
        assert emu.request_count("exchange") == 0
        # A live flow (start_auth's own object) still finishes where it started.
        assert client.complete_auth(foreign, callback).key.startswith("sk-or-v1-")
        assert attacker.request_count("exchange") == 1


def test_a_stored_flow_expires_ten_minutes_after_it_started(emu: Emulator) -> None:
    import time

    req = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    callback = emu.approve(req.url)
    data = dict(req.to_dict(), created_at=int(time.time()) - 601)
    with pytest.raises(orp.SealedFlowExpiredError):
        orp.complete_auth(data, callback, base_url=emu.base_url)
    assert emu.request_count("exchange") == 0
    assert orp.complete_auth(req.to_dict(), callback, base_url=emu.base_url).key


def test_what_other_jose_code_may_write_opens() -> None:
    # Issue 17 item 13 (RFC 7519 §4, §2; RFC 7515 §4.1.9): extra claims (jti, nbf) are ignored or honoured,
    # NumericDates may be non-integer, and typ is compared case-insensitively, with or without application/.
    req = flow()
    now = int(time.time())
    key = jose_key(SECRET)

    def seal(claims: dict[str, Any], **header: Any) -> str:
        base = {
            "v": 1, "iat": now, "exp": now + 600, "url": req.url, "callback_url": req.callback_url,
            "code_verifier": req.code_verifier, "code_challenge_method": req.code_challenge_method,
            "state": req.state, "created_at": req.created_at, "base_url": req.base_url,
        }  # fmt: skip
        h = {"alg": "dir", "enc": "A256GCM", "kid": kid(SECRET), "typ": TYP, **header}
        return jwt.encode(h, {**base, **claims}, key, algorithms=["dir", "A256GCM"], registry=JWERegistry())

    for claims, header in (
        ({"jti": "6a1f", "nbf": now - 5}, {}),
        ({"iat": now + 0.25, "exp": now + 599.5}, {}),
        ({}, {"typ": "application/or-pkce-flow+jwt"}),
        ({}, {"typ": "OR-PKCE-FLOW+JWT"}),
    ):
        assert orp.AuthRequest.unseal(seal(claims, **header), SECRET) == req, (claims, header)
    with pytest.raises(orp.SealedFlowInvalidError, match="not valid yet"):
        orp.AuthRequest.unseal(seal({"nbf": now + 300}), SECRET)
    with pytest.raises(orp.SealedFlowInvalidError, match="another kind of token"):
        orp.AuthRequest.unseal(seal({}, typ="JWT"), SECRET)


def test_seal_refuses_a_flow_too_large_for_a_cookie_and_unseal_opens_what_seal_makes() -> None:
    # Issue 17 item 8: valid inputs at their documented maxima sealed to 8,212-9,851 characters, which
    # unseal() then refused (8,192) and browsers drop as cookies (~4 KB).
    big = orp.start_auth("https://app.example/" + "%41" * 676, key_label="é" * 256)
    with pytest.raises(orp.InvalidArgumentError, match="a browser keeps in one cookie"):
        big.seal(SECRET)
    for n in (1, 100, 400):
        req = orp.start_auth("https://app.example/" + "p" * n, key_label="l" * min(n, 256))
        sealed = req.seal(SECRET)
        assert len(sealed) <= 4000
        assert orp.AuthRequest.unseal(sealed, SECRET) == req
