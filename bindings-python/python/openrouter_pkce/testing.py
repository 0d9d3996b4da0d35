"""Testing support: an in-process emulator of OpenRouter's OAuth PKCE endpoints.

>>> from openrouter_pkce.testing import Emulator
>>> import openrouter_pkce as orp
>>> with Emulator() as emu:
...     request = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
...     key = orp.complete_auth(request, emu.approve(request.url))
...     assert key.key.startswith("sk-or-v1-")

It serves ``/auth``, ``POST /api/v1/auth/keys``, ``POST /api/v1/auth/keys/code`` and ``GET /api/v1/key``
on ``127.0.0.1:<port>`` with single-use codes bound to their challenge and method, the documented statuses
and messages, fault injection for the next request to an endpoint, and the attribution headers of the
last request to each. The three API endpoints answer CORS and their bodies validate against OpenRouter's
OpenAPI schema and the official SDKs' own checks, so any OpenRouter client (the official ``openrouter``
SDK too, with ``server_url=emu.base_url + "/api/v1"``) can be tested against it. It runs on the library's
own background runtime, so it works the same from plain scripts, pytest, asyncio code and Jupyter.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, Type, TypedDict, TypeVar, overload

from openrouter_pkce import _native
from openrouter_pkce.errors import OpenRouterPkceError
from openrouter_pkce.types import FaultEndpoint, FaultKind

__all__ = ["Emulator", "EmulatorEndpoint", "ReceivedAttribution"]

#: The emulator's API endpoints as :meth:`Emulator.inject_fault`, :meth:`Emulator.request_count` and
#: :meth:`Emulator.last_attribution` name them: ``"exchange"`` (``POST /api/v1/auth/keys``),
#: ``"key_info"`` (``GET /api/v1/key``) and ``"create_auth_code"`` (``POST /api/v1/auth/keys/code``).
EmulatorEndpoint = FaultEndpoint


class ReceivedAttribution(TypedDict):
    """The attribution headers of a request the emulator received, verbatim; ``None``: the header was absent."""

    #: ``HTTP-Referer``: the app's URL.
    http_referer: Optional[str]
    #: ``X-OpenRouter-Title``: the app's name.
    x_openrouter_title: Optional[str]
    #: ``X-Title``: the older spelling of the app's name.
    x_title: Optional[str]
    #: ``X-OpenRouter-Categories``: the app's categories, comma-separated.
    x_openrouter_categories: Optional[str]


_T = TypeVar("_T")

if TYPE_CHECKING:
    from typing_extensions import Concatenate, ParamSpec

    from openrouter_pkce._native import _EmulatorOptions

    _P = ParamSpec("_P")

    class _Forward(Generic[_P, _T]):
        """A method of the running native emulator, with its signature."""

        def __init__(self, method: Callable[Concatenate[_native.Emulator, _P], _T]) -> None: ...
        @overload
        def __get__(self, emu: None, owner: type) -> Callable[Concatenate[_native.Emulator, _P], _T]: ...
        @overload
        def __get__(self, emu: Emulator, owner: type) -> Callable[_P, _T]: ...
        def __get__(self, emu: Optional[Emulator], owner: type) -> Any: ...
        def __call__(self, emu: Emulator, *args: Any, **kwargs: Any) -> Any: ...
        @property
        def __signature__(self) -> Any: ...

else:

    class _Forward:
        """A method of the running native emulator: on an instance, that emulator's bound method (the "not
        started" error before ``start()``); on the class, a method with the native one's signature and docs."""

        def __init__(self, method: Any) -> None:
            self._name = method.__name__
            self.__doc__ = method.__doc__

        def __get__(self, emu: Any, owner: Any) -> Any:
            if emu is None:
                return self
            return getattr(emu._running, self._name)

        def __call__(self, emu: Any, *args: Any, **kwargs: Any) -> Any:
            return getattr(emu._running, self._name)(*args, **kwargs)

        @property
        def __signature__(self) -> Any:
            import inspect

            from openrouter_pkce._arguments import _annotations

            method = getattr(_native.Emulator, self._name)
            signature, notes = inspect.signature(method), _annotations(method)
            params = [p.replace(annotation=notes.get(p.name, p.empty)) for p in signature.parameters.values()]
            params[0] = params[0].replace(kind=params[0].POSITIONAL_OR_KEYWORD)  # `self`, as a def writes it
            return signature.replace(parameters=params, return_annotation=notes.get("return", signature.empty))


class Emulator:
    """A fake OpenRouter for tests; use it as a context manager (or call ``start()`` / ``stop()``).

    :param host: loopback address to listen on (default ``127.0.0.1``).
    :param port: port, ``0`` (default) for a free one chosen by the OS.
    :param auto_approve: ``True``: ``/auth`` approves at once; ``False``: it shows an Approve/Deny page.
    :param relay_state: append ``state`` to the callback redirect (as some OpenRouter deployments do).
    :param code_ttl: how long codes stay valid, in seconds (default 600, like OpenRouter).
    """

    def __init__(
        self,
        *,
        host: Optional[str] = None,
        port: Optional[int] = None,
        auto_approve: Optional[bool] = None,
        relay_state: Optional[bool] = None,
        code_ttl: Optional[float] = None,
    ) -> None:
        # None leaves the core's default (the one source of these values).
        self._config: _EmulatorOptions = {
            "host": host, "port": port, "auto_approve": auto_approve, "relay_state": relay_state, "code_ttl": code_ttl
        }
        self._native: Optional[_native.Emulator] = None

    def start(self) -> "Emulator":
        """Start serving (idempotent); returns ``self``."""
        if self._native is None or not self._native.running:
            self._native = _native.Emulator(**self._config)
        return self

    def stop(self) -> None:
        """Stop serving and close the port (idempotent)."""
        if self._native is not None:
            self._native.stop()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    @property
    def _running(self) -> _native.Emulator:
        if self._native is None:
            raise RuntimeError("the emulator is not started; use `with Emulator() as emu:` or emu.start()")
        return self._native

    @property
    def base_url(self) -> str:
        """The base URL to pass as ``base_url=``, e.g. ``http://127.0.0.1:53127``."""
        return self._running.base_url

    @property
    def port(self) -> int:
        """The port the emulator listens on."""
        return self._running.port

    # What the native emulator does itself, as its own methods (their signatures and documentation are
    # `_native.Emulator`'s, written once).
    inject_fault = _Forward(_native.Emulator.inject_fault)
    request_count = _Forward(_native.Emulator.request_count)
    last_attribution = _Forward(_native.Emulator.last_attribution)
    issue_code = _Forward(_native.Emulator.issue_code)
    create_key = _Forward(_native.Emulator.create_key)
    set_auto_approve = _Forward(_native.Emulator.set_auto_approve)
    set_relay_state = _Forward(_native.Emulator.set_relay_state)
    set_code_ttl = _Forward(_native.Emulator.set_code_ttl)

    def approve(self, auth_url: str) -> str:
        """Play the user's browser: open ``auth_url`` (auto-approve) and return the callback URL it
        redirects to, carrying the code (and ``state`` when relayed).

        Only for flows with a callback URL; for headless flows use :meth:`issue_code`.
        """
        try:
            return self._running.approve(auth_url)
        except OpenRouterPkceError as e:
            # RuntimeError, as before the core did this: the emulator misbehaved, not the caller's input.
            raise RuntimeError(str(e)) from e

    def __repr__(self) -> str:
        if self._native is None:
            return "Emulator(not started)"
        return repr(self._native)
