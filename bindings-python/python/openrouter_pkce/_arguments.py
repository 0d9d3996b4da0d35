"""Arguments Python cannot hand to the Rust core unchanged become the core's ``INVALID_ARGUMENT``.

pyo3 converts a ``str`` holding a lone surrogate with a bare ``UnicodeEncodeError``, an ``int`` of 2**63
or more with a bare ``OverflowError`` and a value of another type with a ``TypeError`` that does not name
the parameter. :func:`checked` finds the parameter that caused it and raises the core's error naming it
instead (for a type, :class:`~openrouter_pkce.ArgumentTypeError`, which is still a ``TypeError``) (the message is the core's, built by ``_native._argument_error``), so the
same input gets the same answer in Python and Node.
"""

from __future__ import annotations

from openrouter_pkce import _native
from openrouter_pkce.errors import ArgumentTypeError

# Neither `typing` nor `functools` at run time: together they are most of what `import openrouter_pkce`
# would cost (issue 18 item 7). Type checkers treat any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

#: What `functools.wraps` copies, without importing functools.
_WRAPPED = ("__module__", "__name__", "__qualname__", "__doc__")


#: pyo3's conversion refusals (which do not name the parameter): what the message says, the type it
#: wanted, how the core's message says it, and the word for it in the stubs' annotations.
_WANTED = (
    ("an instance of 'str'", str, "a str", "str"),
    ("an instance of 'bool'", bool, "a bool", "bool"),
    ("interpreted as an integer", int, "an int", "int"),
    ("must be real number", (int, float), "a number", "float"),
)


def _annotations(fn: Callable[..., Any]) -> Dict[str, str]:
    """The parameters' annotations of ``fn`` as ``_native.pyi`` writes them, and ``"return"``'s (read on
    error paths and for ``testing.Emulator``'s signatures only)."""
    import ast
    import pathlib

    try:
        stub = pathlib.Path(__file__).with_name("_native.pyi").read_text(encoding="utf-8")
    except OSError:  # an install without the stubs: the TypeError stays as it was
        return {}
    # A module-level function, or a method (the package's network functions are the default Client's); an
    # `_async` twin is declared from its method (`x_async = _awaitable(x)`), whose parameters it takes.
    name = getattr(fn, "__name__", "")
    name = name[: -len("_async")] if name.endswith("_async") else name
    tree = ast.parse(stub)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            params = node.args.args + node.args.kwonlyargs
            found = {a.arg: ast.unparse(a.annotation) for a in params if a.annotation is not None}
            if node.returns is not None:
                found["return"] = ast.unparse(node.returns)
            # `**call: Unpack[_CallOptions]`: the TypedDict's fields are keyword parameters too.
            kwargs = node.args.kwarg.annotation if node.args.kwarg is not None else None
            if isinstance(kwargs, ast.Subscript):
                typed = ast.unparse(kwargs.slice)
                for cls in tree.body:
                    if isinstance(cls, ast.ClassDef) and cls.name == typed:
                        fields = [f for f in cls.body if isinstance(f, ast.AnnAssign)]
                        found.update({ast.unparse(f.target): ast.unparse(f.annotation) for f in fields})
            return found
    return {}


def _culprit(
    fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any], wanted: Any = None
) -> Optional[Tuple[str, str]]:
    """The (parameter name, kind) that the conversion failed on, or None when it cannot be told; with
    ``wanted`` (a type and its word in the stubs), the first argument declared as that type that is not."""
    import inspect  # only on this error path: it costs ~12 ms at import time

    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
        items = list(bound.arguments.items())
    except (TypeError, ValueError):
        items = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    import re  # only on this error path

    declared = _annotations(fn) if wanted is not None else {}
    for name, value in items:
        if wanted is not None:
            # The first argument declared as the wanted type that is not of it (pyo3 converts in order).
            kind, word = wanted
            if value is not None and not isinstance(value, kind) and re.search(rf"\b{word}\b", declared.get(name, "")):
                return name, "type"
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return name, "text"
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _native._INT_LIMIT:
            return name, "range"
    return None


def checked(fn: _F) -> _F:
    """``fn`` with argument-conversion failures turned into the core's ``InvalidArgumentError``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (UnicodeEncodeError, OverflowError):
            culprit = _culprit(fn, args, kwargs)
            if culprit is None:
                raise
            raise _native._argument_error(*culprit) from None
        except TypeError as exc:
            match = next((w for w in _WANTED if w[0] in str(exc)), None)
            culprit = None if match is None else _culprit(fn, args, kwargs, (match[1], match[3]))
            if match is None or culprit is None:
                raise
            raise ArgumentTypeError(str(_native._argument_error(culprit[0], "type", match[2]))) from None

    for name in _WRAPPED:
        if hasattr(fn, name):
            setattr(wrapper, name, getattr(fn, name))
    owner = getattr(fn, "__self__", None)
    if owner is not None and not isinstance(owner, type(_native)):
        # A bound method of the default client, published as a module-level function of the native module.
        wrapper.__module__, wrapper.__qualname__ = _native.__name__, wrapper.__name__
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
