"""Arguments Python cannot hand to the Rust core unchanged become the core's ``INVALID_ARGUMENT``.

pyo3 converts a ``str`` holding a lone surrogate with a bare ``UnicodeEncodeError`` and an ``int`` of 2**63
or more with a bare ``OverflowError``. :func:`checked` finds the parameter that caused it and raises the
core's error naming it instead (the message is the core's, built by ``_native._argument_error``), so the
same input gets the same answer in Python and Node.
"""

from __future__ import annotations

from openrouter_pkce import _native

# Neither `typing` nor `functools` at run time: together they are most of what `import openrouter_pkce`
# would cost (issue 18 item 7). Type checkers treat any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

#: What `functools.wraps` copies, without importing functools.
_WRAPPED = ("__module__", "__name__", "__qualname__", "__doc__")


def _culprit(fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """The (parameter name, kind) that the conversion failed on, or None when it cannot be told."""
    import inspect  # only on this error path: it costs ~12 ms at import time

    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
        items = list(bound.arguments.items())
    except (TypeError, ValueError):
        items = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    for name, value in items:
        if isinstance(value, str):
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

    for name in _WRAPPED:
        if hasattr(fn, name):
            setattr(wrapper, name, getattr(fn, name))
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
