"""The exception hierarchy and the code mapping."""

from __future__ import annotations

import pytest

import openrouter_pkce as orp

ALL_CODES = [
    "INVALID_VERIFIER", "INVALID_METHOD", "INVALID_CALLBACK_URL", "INVALID_ARGUMENT",
    "INVALID_CODE_CHALLENGE_METHOD", "INVALID_CODE", "CODE_EXPIRED", "METHOD_NOT_ALLOWED",
    "UNAUTHORIZED", "RATE_LIMITED", "SERVER_ERROR", "UNEXPECTED_STATUS", "MALFORMED_RESPONSE",
    "NETWORK", "TIMEOUT", "ACCESS_DENIED", "STATE_MISMATCH", "CALLBACK_TIMEOUT", "CANCELLED",
    "PORT_IN_USE", "STORAGE", "AUTHORIZATION_FAILED", "SEALED_FLOW_INVALID", "SEALED_FLOW_EXPIRED",
    "UNSUPPORTED_RUNTIME",
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
        (["INVALID_VERIFIER", "INVALID_METHOD", "INVALID_CALLBACK_URL", "INVALID_ARGUMENT", "UNSUPPORTED_RUNTIME"], ValueError),
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


@pytest.mark.parametrize("value", ["server_error", "temporarily_unavailable", "invalid_scope"])
def test_oauth_errors_keep_their_meaning(value: str) -> None:
    """Issue 11 item 8: every error= value was ACCESS_DENIED with the description in the message."""
    request = orp.start_auth("http://localhost:3000/cb")
    with pytest.raises(orp.AuthorizationFailedError) as ei:
        orp.complete_auth(request, f"?error={value}&error_description=%3Cscript%3Ex%3C%2Fscript%3E%0A")
    assert ei.value.code == "AUTHORIZATION_FAILED"
    assert ei.value.oauth_error == value
    assert ei.value.error_description == "<script>x</script>"
    assert "<script>" not in str(ei.value)


def test_access_denied_keeps_its_fields() -> None:
    request = orp.start_auth("http://localhost:3000/cb")
    with pytest.raises(orp.AccessDeniedError) as ei:
        orp.complete_auth(request, "?error=access_denied&error_description=No%20thanks")
    assert ei.value.oauth_error == "access_denied"
    assert ei.value.error_description == "No thanks"
    assert "No thanks" not in str(ei.value)
