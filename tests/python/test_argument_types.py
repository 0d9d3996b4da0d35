"""A value of the wrong type is the core's INVALID_ARGUMENT naming the parameter, as in Node (issue 18 item
2), and still a TypeError, as pyo3's own conversion raised before."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import openrouter_pkce as orp


@pytest.mark.parametrize(
    "call, name, wanted",
    [
        (lambda: orp.create_challenge(123), "code_verifier", "a str"),  # type: ignore[arg-type]
        (lambda: orp.verify_challenge("a" * 43, 5), "code_challenge", "a str"),  # type: ignore[arg-type]
        (lambda: orp.generate_pkce("43"), "length", "an int"),  # type: ignore[arg-type]
        (lambda: orp.start_auth("http://localhost:3000/cb", limit="ten"), "limit", "a number"),  # type: ignore[arg-type]
        (lambda: orp.start_auth(5), "callback_url", "a str"),  # type: ignore[arg-type]
        (lambda: orp.login(open_browser="yes"), "open_browser", "a bool"),  # type: ignore[arg-type]
    ],
)
def test_wrong_types_are_invalid_argument_naming_the_parameter(
    call: Callable[[], Any], name: str, wanted: str
) -> None:
    with pytest.raises(orp.ArgumentTypeError) as info:
        call()
    err = info.value
    assert isinstance(err, TypeError) and isinstance(err, orp.InvalidArgumentError)
    assert err.code == "INVALID_ARGUMENT"
    assert f"`{name}` must be {wanted}" in str(err), str(err)


def test_other_type_errors_stay_as_they_were() -> None:
    with pytest.raises(TypeError) as info:
        orp.create_challenge()  # type: ignore[call-arg]
    assert not isinstance(info.value, orp.OpenRouterPkceError)
