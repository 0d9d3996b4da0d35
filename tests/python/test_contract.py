"""Drift tests: the Python package against the core's own tables (``openrouter_pkce.contract`` in Rust).

The core exports its error-code table and its public API names; a code or a function added to the core
without its Python class, stub, ``__all__`` entry or ``ErrorCode`` literal fails here, not in a user's hands.
"""

from __future__ import annotations

import ast
import inspect
import pathlib
import re
import typing

import openrouter_pkce as orp
import openrouter_pkce.testing
from openrouter_pkce import _native, errors, types

ROOT = pathlib.Path(__file__).resolve().parents[2]
PKG = ROOT / "bindings-python" / "python" / "openrouter_pkce"

TABLE = _native._error_table()

# errors.py's public names: its exception classes and ERRORS_BY_CODE (it keeps no __all__ of its own).
ERROR_NAMES = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == errors.__name__
} | {"ERRORS_BY_CODE"}
CODES = [code for code, _, _ in TABLE]

# The Python base class each family of the core's table maps to.
FAMILY_BASES = {
    "input": (errors.InputError, ValueError),
    "http": (errors.HttpError,),
    "network": (ConnectionError,),
    "timeout": (TimeoutError,),
    "authorization": (errors.AuthorizationError,),
    "cancelled": (KeyboardInterrupt,),
    "storage": (errors.OpenRouterPkceError,),
}


def test_the_core_table_is_not_empty_and_unique() -> None:
    assert len(CODES) >= 21 and len(set(CODES)) == len(CODES)


def test_every_core_code_has_its_exception_class_and_no_other() -> None:
    assert list(errors.ERRORS_BY_CODE) == CODES
    for code, family, _exit in TABLE:
        cls = errors.ERRORS_BY_CODE[code]
        assert cls.code == code
        assert issubclass(cls, errors.OpenRouterPkceError)
        for base in FAMILY_BASES[family]:
            assert issubclass(cls, base), f"{cls.__name__} ({code}) should subclass {base.__name__}"
        assert cls.__doc__, f"{cls.__name__} has no docstring"
        # exported from the package and from errors, by the same object
        assert cls.__name__ in orp.__all__ and getattr(orp, cls.__name__) is cls
        assert cls.__name__ in ERROR_NAMES


def test_the_error_code_literal_matches_the_core() -> None:
    assert list(typing.get_args(types.ErrorCode)) == CODES


def test_the_app_category_literal_matches_the_core() -> None:
    assert list(typing.get_args(types.AppCategory)) == _native._app_categories()


def test_the_emulator_name_literals_match_the_core() -> None:
    endpoints, kinds = _native._emulator_names()
    assert list(typing.get_args(types.FaultEndpoint)) == endpoints
    assert list(typing.get_args(types.FaultKind)) == kinds


def test_the_package_exports_every_error_name() -> None:
    for name in ERROR_NAMES:
        assert name in orp.__all__ and getattr(orp, name) is getattr(errors, name), name


def test_docs_errors_md_lists_every_code() -> None:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([A-Z][A-Z_]+)`", text))
    missing = [c for c in CODES if c not in documented]
    assert not missing, f"docs/errors.md does not document {missing}"


def _stub_names(body: list[ast.stmt]) -> set[str]:
    return {n.name for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


STUB = ast.parse((PKG / "_native.pyi").read_text(encoding="utf-8"))
CLIENT_STUB = next(n for n in STUB.body if isinstance(n, ast.ClassDef) and n.name == "Client")


def test_every_public_api_name_is_exported_stubbed_and_documented() -> None:
    # A network operation is stubbed once, as a method of Client: the module-level function is that
    # method on the default client.
    stubs, methods = _stub_names(STUB.body), _stub_names(CLIENT_STUB.body)
    # `x_async = _awaitable(x)`: the twin declared from its method, in the same class.
    twins = {
        t.id
        for a in CLIENT_STUB.body
        if isinstance(a, ast.Assign) and isinstance(a.value, ast.Call) and ast.unparse(a.value.func) == "_awaitable"
        for t in a.targets
        if isinstance(t, ast.Name) and ast.unparse(a.value.args[0]) == t.id.removesuffix("_async")
    }
    for name, kind in _native._public_api():
        home = openrouter_pkce.testing if name == "Emulator" else orp
        names = [name, f"{name}_async"] if kind == "network" else [name]
        for n in names:
            obj = getattr(home, n, None)
            assert obj is not None, f"openrouter_pkce does not export {n}"
            if home is orp:
                assert n in orp.__all__, f"{n} is missing from __all__"
            if kind == "network":  # once, on Client (tests/python/test_one_client.py)
                assert n in methods | twins, f"Client.{n} has no stub in _native.pyi"
            else:
                assert n in stubs or n in {"logout"}, f"{n} has no stub in _native.pyi"
            assert inspect.getdoc(obj), f"{n} has no docstring"
            if kind in ("class", "record"):
                assert inspect.isclass(obj)
            else:
                assert callable(obj)


def test_the_package_exports_nothing_the_core_does_not_know() -> None:
    api = {n for n, _ in _native._public_api()}
    api |= {f"{n}_async" for n, k in _native._public_api() if k == "network"}
    error_names = ERROR_NAMES
    typing_names = set(types.__all__)
    unknown = set(orp.__all__) - api - error_names - typing_names - {"__version__"}
    assert not unknown, f"exported but not in the core's PUBLIC_API: {sorted(unknown)}"


def test_no_default_value_is_written_in_the_binding() -> None:
    # The core's Defaults fill in: every optional parameter of the native functions defaults to None.
    for name, kind in _native._public_api():
        if kind in ("class", "record"):
            continue
        fn = getattr(_native.Client if kind == "network" else _native, name, None)
        if fn is None:  # logout is pure Python (it prints the core's text)
            continue
        for p in inspect.signature(fn).parameters.values():
            assert p.default in (inspect.Parameter.empty, None), f"{name}({p.name}={p.default!r})"
    for p in inspect.signature(_native.Client).parameters.values():
        assert p.default in (inspect.Parameter.empty, None), f"Client({p.name}={p.default!r})"


def test_user_texts_come_from_the_core() -> None:
    # No copy of the core's sentences in the pure-Python half.
    for sentence in ("Open this URL", "Open this link", "Deleted the stored key", "No stored key"):
        for path in PKG.glob("*.py"):
            assert sentence not in path.read_text(encoding="utf-8"), f"{path.name} copies {sentence!r}"
