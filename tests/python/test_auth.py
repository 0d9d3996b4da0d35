"""auth_url / start_auth / AuthRequest against the shared vectors."""

from __future__ import annotations

import html
import json
import urllib.parse

import pytest

import openrouter_pkce as orp
from conftest import load_vectors

AUTH = load_vectors("auth_urls")
CALLBACKS = load_vectors("callback_urls")


@pytest.mark.parametrize("case", AUTH["cases"], ids=lambda c: json.dumps(c["input"])[:60])
def test_auth_url_vectors(case: dict) -> None:
    args = dict(case["input"])
    callback = args.pop("callback_url", None)
    if "error" in case and case["error"]:
        with pytest.raises(orp.OpenRouterPkceError) as info:
            orp.auth_url(callback, **args)
        assert info.value.code == case["error"]
    else:
        assert orp.auth_url(callback, **args) == case["url"]


@pytest.mark.parametrize("url", CALLBACKS["accepted"])
def test_accepted_callbacks_round_trip(url: str) -> None:
    req = orp.start_auth(url)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(req.url).query)
    assert query["callback_url"] == [url]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"]) == 1
    assert req.callback_url == url


@pytest.mark.parametrize("case", CALLBACKS["refused"], ids=lambda c: repr(c["url"])[:50])
def test_refused_callbacks(case: dict) -> None:
    with pytest.raises(orp.OpenRouterPkceError) as info:
        orp.start_auth(case["url"])
    assert info.value.code == case["error"]
    assert isinstance(info.value, ValueError)
    with pytest.raises(orp.OpenRouterPkceError) as info2:
        orp.auth_url(case["url"], code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    assert info2.value.code == case["error"]


def test_start_auth_fields() -> None:
    req = orp.start_auth("http://localhost:3000/cb", key_label="My app", limit=5)
    assert req.url.startswith("https://openrouter.ai/auth?")
    assert req.code_challenge == orp.create_challenge(req.code_verifier)
    assert req.code_challenge_method == "S256"
    assert len(req.state) >= 43
    assert req.created_at > 1_600_000_000
    assert req.base_url == "https://openrouter.ai"
    assert "key_label=My%20app" in req.url and "limit=5" in req.url
    headless = orp.start_auth()
    assert headless.callback_url is None and "callback_url" not in headless.url
    assert orp.start_auth().state != headless.state


def test_dict_and_json_round_trip() -> None:
    req = orp.start_auth("http://127.0.0.1:8000/cb", base_url="http://127.0.0.1:9")
    d = req.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {
        "url", "callback_url", "code_verifier", "code_challenge",
        "code_challenge_method", "state", "created_at", "base_url",
    }
    again = orp.AuthRequest.from_dict(d)
    assert again == req and again.code_verifier == req.code_verifier
    assert orp.AuthRequest.from_json(req.to_json()) == req
    assert json.loads(req.to_json()) == d


def test_tampered_dict_is_refused() -> None:
    d = orp.start_auth("http://localhost/cb").to_dict()
    for key, value in [
        ("code_challenge", "A" * 43),
        ("code_verifier", "short"),
        ("code_challenge_method", "s256"),
        ("callback_url", "http://evil.example/cb"),
        ("url", "https://evil.example/auth?x"),
    ]:
        bad = dict(d, **{key: value})
        with pytest.raises(orp.OpenRouterPkceError) as info:
            orp.AuthRequest.from_dict(bad)
        assert isinstance(info.value, ValueError), key
    for field in ("state", "created_at"):
        missing = dict(d)
        del missing[field]
        with pytest.raises(orp.InvalidArgumentError):
            orp.AuthRequest.from_dict(missing)
        with pytest.raises(orp.InvalidArgumentError):
            orp.AuthRequest.from_json(json.dumps(missing))
    with pytest.raises(orp.InvalidArgumentError):
        orp.AuthRequest.from_json("{not json")
    # A wrong type is INVALID_ARGUMENT naming the parameter, as in Node (issue 17 item 12).
    with pytest.raises(orp.InvalidArgumentError, match="`d` must be a dict"):
        orp.AuthRequest.from_dict([1, 2])  # type: ignore[arg-type]


def test_repr_hides_verifier() -> None:
    for method in ("S256", "plain"):
        req = orp.start_auth("http://localhost/cb", method=method)
        for text in (repr(req), str(req)):
            assert req.code_verifier not in text
            assert "redacted" in text


def test_repr_html_is_an_escaped_link() -> None:
    req = orp.start_auth("http://localhost/cb?a=1&b=<x>\"'", key_label="<script>alert(1)</script>")
    h = req._repr_html_()
    assert "Connect OpenRouter" in h
    assert "<script>" not in h and "alert(1)</script>" not in h
    href = h.split('href="', 1)[1].split('"', 1)[0]
    assert html.unescape(href) == req.url
    plain = orp.start_auth("http://localhost/cb", method="plain")
    assert plain.code_verifier not in plain._repr_html_()


def test_bad_arguments() -> None:
    with pytest.raises(orp.InvalidArgumentError):
        orp.start_auth(limit=-1)
    with pytest.raises(orp.InvalidArgumentError):
        orp.start_auth(limit=float("nan"))
    with pytest.raises(orp.InvalidArgumentError):
        orp.start_auth(base_url="http://example.com")
    with pytest.raises(orp.InvalidArgumentError):
        orp.Client(base_url="ftp://x")
    with pytest.raises(orp.InvalidArgumentError):
        orp.Client(timeout=-1)
    with pytest.raises(orp.InvalidArgumentError):
        orp.Client(timeout=float("inf"))
