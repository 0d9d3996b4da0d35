"""Each network operation is described once, on ``Client`` (issue 18 item 1): one description in
``bindings-python/src/client.rs`` makes the method and its ``_async`` twin; the package's module-level
function is that method bound to a default client (``_native._default_client()``). These tests fail when a
module function and its method drift apart, at run time or in the stubs."""

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
        assert getattr(orp, name).__doc__ == getattr(orp.Client, name).__doc__, name
    for name in NETWORK:
        # The _async twin takes exactly its method's parameters.
        assert inspect.signature(getattr(orp.Client, f"{name}_async")) == inspect.signature(getattr(orp.Client, name))


def test_module_functions_are_the_default_clients_methods() -> None:
    for name in NAMES:
        bound = getattr(orp, name).__wrapped__
        assert bound.__self__ is orp._DEFAULT and bound.__name__ == name, name
        assert not hasattr(_native, name), f"_native.{name}: a second entry point besides Client.{name}"
    assert isinstance(orp._DEFAULT, orp.Client)


def test_the_stubs_declare_each_operation_once() -> None:
    functions = {n.name for n in STUBS.body if isinstance(n, ast.FunctionDef)}
    client = next(n for n in STUBS.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    methods = {n.name for n in client.body if isinstance(n, ast.FunctionDef)}
    # `x_async = _awaitable(x)`: the twin's stub is its method's signature, not a copy of it.
    twins = {
        ast.unparse(a.targets[0]): ast.unparse(a.value)
        for a in client.body
        if isinstance(a, ast.Assign) and isinstance(a.value, ast.Call)
    }
    for name in NETWORK:
        assert name in methods, f"_native.pyi: Client.{name} has no stub"
        assert twins.get(f"{name}_async") == f"_awaitable({name})", f"_native.pyi: Client.{name}_async"
    for name in NAMES:
        assert name not in functions, f"_native.pyi: {name} is stubbed again at module level (it is Client.{name})"
