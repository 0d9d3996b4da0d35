"""The same input gets the same answer in every language (issue 11 item 5): a lone surrogate or an integer
of 2**63 or more is INVALID_ARGUMENT naming the parameter (it was a bare UnicodeEncodeError / OverflowError)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

import openrouter_pkce as orp

VECTORS = json.loads((pathlib.Path(__file__).resolve().parents[1] / "vectors" / "arguments.json").read_text())


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: "-".join(c["python"]))
def test_unconvertible_arguments_are_invalid_argument(case: Any) -> None:
    function, param = case["python"]
    with pytest.raises(orp.InvalidArgumentError) as ei:
        getattr(orp, function)(**{param: case["value"]})
    assert ei.value.code == "INVALID_ARGUMENT"
    assert param in str(ei.value), str(ei.value)


def test_wrapped_functions_keep_their_signature() -> None:
    import inspect

    assert list(inspect.signature(orp.create_challenge).parameters)[:2] == ["code_verifier", "method"]
    assert orp.create_challenge.__doc__
