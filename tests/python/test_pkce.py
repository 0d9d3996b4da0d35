"""PKCE primitives against the shared vectors, plus the fast default path."""

from __future__ import annotations

import base64
import hashlib
import re
import threading

import pytest

import openrouter_pkce as orp
from conftest import load_vectors

V = load_vectors("pkce")
UNRESERVED = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def test_rfc7636_appendix_b() -> None:
    rfc = V["rfc7636"]
    assert orp.create_challenge(rfc["code_verifier"], rfc["method"]) == rfc["code_challenge"]
    assert orp.verify_challenge(rfc["code_verifier"], rfc["code_challenge"])
    assert not orp.verify_challenge(rfc["code_verifier"], rfc["code_challenge"][:-1] + "A")


@pytest.mark.parametrize("pair", V["pairs"], ids=lambda p: f"{p['method']}-{len(p['code_verifier'])}")
def test_pairs(pair: dict) -> None:
    assert orp.create_challenge(pair["code_verifier"], pair["method"]) == pair["code_challenge"]
    assert orp.verify_challenge(pair["code_verifier"], pair["code_challenge"], pair["method"])


@pytest.mark.parametrize("case", V["invalid_verifiers"], ids=lambda c: c["why"])
def test_invalid_verifiers(case: dict) -> None:
    with pytest.raises(orp.OpenRouterPkceError) as info:
        orp.create_challenge(case["code_verifier"])
    assert info.value.code == case["error"]
    assert isinstance(info.value, ValueError)
    with pytest.raises(orp.OpenRouterPkceError):
        orp.verify_challenge(case["code_verifier"], "x")


@pytest.mark.parametrize("case", V["invalid_methods"], ids=lambda c: repr(c["method"]))
def test_invalid_methods(case: dict) -> None:
    verifier = V["rfc7636"]["code_verifier"]
    for call in (
        lambda: orp.create_challenge(verifier, case["method"]),
        lambda: orp.generate_pkce(method=case["method"]),
        lambda: orp.start_auth(method=case["method"]),
    ):
        with pytest.raises(orp.InvalidMethodError) as info:
            call()
        assert info.value.code == case["error"] == "INVALID_METHOD"


@pytest.mark.parametrize("case", V["invalid_lengths"], ids=lambda c: str(c["length"]))
def test_invalid_lengths(case: dict) -> None:
    with pytest.raises(orp.OpenRouterPkceError) as info:
        orp.create_verifier(case["length"])
    assert info.value.code == case["error"]
    with pytest.raises(orp.OpenRouterPkceError):
        orp.generate_pkce(case["length"])


def test_negative_and_huge_lengths_are_coded_errors() -> None:
    for n in (-1, -(2**70) // 2**10, 2**62):
        with pytest.raises(orp.InvalidVerifierError):
            orp.create_verifier(n)


@pytest.mark.parametrize("length", V["valid_lengths"])
def test_valid_lengths(length: int) -> None:
    v = orp.create_verifier(length)
    assert len(v) == length and UNRESERVED.match(v)
    p = orp.generate_pkce(length)
    assert len(p.code_verifier) == length
    assert p.code_challenge == orp.create_challenge(p.code_verifier)


def test_generate_default_matches_stdlib() -> None:
    for _ in range(200):
        p = orp.generate_pkce()
        assert len(p.code_verifier) == 43 and UNRESERVED.match(p.code_verifier)
        digest = hashlib.sha256(p.code_verifier.encode()).digest()
        assert p.code_challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        assert p.code_challenge_method == "S256"


def test_plain_method() -> None:
    p = orp.generate_pkce(method="plain")
    assert p.code_challenge == p.code_verifier
    assert p.code_challenge_method == "plain"
    assert p.code_verifier not in repr(p)


def test_pkce_repr_hides_verifier_and_is_frozen() -> None:
    p = orp.generate_pkce()
    assert p.code_verifier not in repr(p) and p.code_verifier not in str(p)
    with pytest.raises(AttributeError):
        p.code_verifier = "x"  # type: ignore[misc]


def test_unique_across_threads() -> None:
    seen: list = []
    lock = threading.Lock()

    def work() -> None:
        mine = [orp.generate_pkce().code_verifier for _ in range(500)]
        mine += [orp.create_verifier() for _ in range(100)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 16 * 600
    assert len(set(seen)) == len(seen)


def test_wrong_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        orp.create_challenge(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        orp.generate_pkce("43")  # type: ignore[arg-type]
