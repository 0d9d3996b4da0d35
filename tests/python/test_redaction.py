"""No key, verifier or code in repr/str, exception messages or tracebacks."""

from __future__ import annotations

import logging
import pickle
import traceback

import pytest

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator


def all_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + repr(exc) + str(exc)


@pytest.mark.parametrize(
    "fault",
    [
        dict(kind="status", status=403, body='{"error":{"code":403,"message":"bad code CODE VERIFIER"}}'),
        dict(kind="status", status=500, body="<html>CODE VERIFIER</html>", content_type="text/html"),
        dict(kind="status", status=200, body='{"key": "CODE VERIFIER"'),
        dict(kind="status", status=400, body="CODE VERIFIER"),
        dict(kind="close"),
        dict(kind="delay", seconds=5.0),
    ],
)
def test_failing_exchange_leaks_nothing(emu: Emulator, fault: dict) -> None:
    p = orp.generate_pkce()
    code = emu.issue_code(p.code_challenge, "S256")
    fault = dict(fault)
    if "body" in fault:
        fault["body"] = fault["body"].replace("CODE", code).replace("VERIFIER", p.code_verifier)
    emu.inject_fault("exchange", **fault)
    with pytest.raises(orp.OpenRouterPkceError) as info:
        orp.exchange_code(code, p.code_verifier, base_url=emu.base_url, timeout=0.5)
    text = all_text(info.value)
    assert code not in text and p.code_verifier not in text


def test_failing_complete_auth_leaks_nothing(emu: Emulator) -> None:
    req = orp.start_auth("http://localhost/cb", method="plain", base_url=emu.base_url)
    callback = emu.approve(req.url)
    code = callback.split("code=")[1].split("&")[0]
    orp.complete_auth(req, callback)
    for bad in (callback, callback.replace(req.state, "x" * 43), f"error=access_denied&code={code}"):
        with pytest.raises(orp.OpenRouterPkceError) as info:
            orp.complete_auth(req, bad)
        text = all_text(info.value)
        assert code not in text and req.code_verifier not in text


def test_key_reprs(emu: Emulator) -> None:
    p = orp.generate_pkce()
    key = orp.exchange_code(emu.issue_code(p.code_challenge, "S256"), p.code_verifier, base_url=emu.base_url)
    for text in (repr(key), str(key), f"{key}", f"{key!r}", key._repr_html_(), repr([key]), repr({"k": key})):
        assert key.key not in text
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(orp.UnauthorizedError) as info:
        orp.key_info(key.key + "x", base_url=emu.base_url)
    assert key.key not in all_text(info.value)
    assert hash(key) == hash(orp.ApiKey(key.key))


def test_logging_debug_shows_nothing(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    req = orp.start_auth("http://localhost/cb", base_url=emu.base_url)
    key = orp.complete_auth(req, emu.approve(req.url))
    assert key.key not in caplog.text and req.code_verifier not in caplog.text


def test_error_pickle_keeps_code_and_status() -> None:
    e = orp.InvalidCodeError("refused", status=403)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is orp.InvalidCodeError and again.status == 403 and str(again) == "refused"
