"""Each network operation is described once, on ``Client`` (issue 18 item 1): one description in
``bindings-python/src/client.rs`` makes the method, its ``_async`` twin and the module-level pair, which
delegates to a default client. These tests fail when a module function and its method drift apart, at run
time or in the stubs."""

from __future__ import annotations

import ast
import inspect
import pathlib

import openrouter_pkce as orp
from openrouter_pkce import _native

NETWORK = [name for name, kind in _native._public_api() if kind == "network"]
NAMES = NETWORK + [f"{name}_async" for name in NETWORK]
STUBS = ast.parse((pathlib.Path(orp.__file__).parent / "_native.pyi").read_text(encoding="utf-8"))


def test_module_functions_have_the_methods_signatures() -> None:
    assert NETWORK, "the contract lists network operations"
    for name in NAMES:
        method = inspect.signature(getattr(orp.Client, name))
        params = list(method.parameters.values())
        assert params[0].name == "self", name
        assert inspect.signature(getattr(orp, name)) == method.replace(parameters=params[1:]), name
    for name in NETWORK:
        assert getattr(_native, name).__doc__ == getattr(orp.Client, name).__doc__, name


def _signature(fn: ast.FunctionDef) -> list[str]:
    """A stub's parameters (name, annotation, default), `self` left out, and its return type, as text."""
    a = fn.args

    def text(node: ast.expr | None) -> str:
        return "" if node is None else ast.unparse(node)

    positional = a.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = [f"{p.arg}: {text(p.annotation)} = {text(d)}" for p, d in zip(positional, defaults) if p.arg != "self"]
    out += ["*"] + [f"{p.arg}: {text(p.annotation)} = {text(d)}" for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    return out + [f"-> {text(fn.returns)}"]


def test_the_stubs_of_module_functions_and_methods_agree() -> None:
    functions = {n.name: n for n in STUBS.body if isinstance(n, ast.FunctionDef)}
    client = next(n for n in STUBS.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    methods = {n.name: n for n in client.body if isinstance(n, ast.FunctionDef)}
    for name in NAMES:
        assert _signature(functions[name]) == _signature(methods[name]), f"_native.pyi: {name} drifted from Client.{name}"
