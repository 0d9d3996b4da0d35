"""The exception hierarchy and the code mapping."""

from __future__ import annotations

import pytest

import openrouter_pkce as orp

ALL_CODES = [
    "INVALID_VERIFIER", "INVALID_METHOD", "INVALID_CALLBACK_URL", "INVALID_ARGUMENT",
    "INVALID_CODE_CHALLENGE_METHOD", "INVALID_CODE", "CODE_EXPIRED", "METHOD_NOT_ALLOWED",
    "UNAUTHORIZED", "RATE_LIMITED", "SERVER_ERROR", "UNEXPECTED_STATUS", "MALFORMED_RESPONSE",
    "NETWORK", "TIMEOUT", "ACCESS_DENIED", "STATE_MISMATCH", "CALLBACK_TIMEOUT", "CANCELLED",
    "PORT_IN_USE", "STORAGE", "SEALED_FLOW_INVALID", "SEALED_FLOW_EXPIRED",
]


def test_codes_match_the_shared_table() -> None:
    """The core's table (tests/vectors/error_codes.json, checked against ErrorCode::ALL by the Rust suite)."""
    from conftest import load_vectors

    assert sorted(orp.ERRORS_BY_CODE) == sorted(load_vectors("error_codes")["codes"])


def test_one_class_per_code() -> None:
    assert sorted(orp.ERRORS_BY_CODE) == sorted(ALL_CODES)
    for code, cls in orp.ERRORS_BY_CODE.items():
        assert cls.code == code
        assert issubclass(cls, orp.OpenRouterPkceError)
        assert cls.__doc__
        assert getattr(orp, cls.__name__) is cls


@pytest.mark.parametrize(
    "codes, builtin",
    [
        (["INVALID_VERIFIER", "INVALID_METHOD", "INVALID_CALLBACK_URL", "INVALID_ARGUMENT"], ValueError),
        (["TIMEOUT", "CALLBACK_TIMEOUT"], TimeoutError),
        (["NETWORK", "PORT_IN_USE"], ConnectionError),
        (["CANCELLED"], KeyboardInterrupt),
    ],
)
def test_builtin_mixins(codes: list, builtin: type) -> None:
    for code, cls in orp.ERRORS_BY_CODE.items():
        assert issubclass(cls, builtin) == (code in codes), code


def test_http_errors_are_http_error() -> None:
    for code in ["INVALID_CODE", "CODE_EXPIRED", "SERVER_ERROR", "MALFORMED_RESPONSE", "UNAUTHORIZED"]:
        assert issubclass(orp.ERRORS_BY_CODE[code], orp.HttpError)


def test_all_is_complete() -> None:
    for name in orp.__all__:
        assert hasattr(orp, name), name
    assert orp.__version__.count(".") == 2
