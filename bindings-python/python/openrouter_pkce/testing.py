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
from typing import Optional, Type, TypedDict, cast

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
        self._config = dict(
            host=host, port=port, auto_approve=auto_approve, relay_state=relay_state, code_ttl=code_ttl
        )
        self._native: Optional[_native.Emulator] = None

    def start(self) -> "Emulator":
        """Start serving (idempotent); returns ``self``."""
        if self._native is None or not self._native.running:
            self._native = _native.Emulator(**self._config)  # type: ignore[arg-type]
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

    def inject_fault(
        self,
        endpoint: EmulatorEndpoint,
        kind: FaultKind,
        *,
        status: Optional[int] = None,
        body: Optional[str] = None,
        content_type: Optional[str] = None,
        seconds: Optional[float] = None,
        location: Optional[str] = None,
        size: Optional[int] = None,
    ) -> None:
        """Queue a misbehaviour for the next request to ``endpoint`` (``"exchange"``, ``"key_info"`` or
        ``"create_auth_code"``).

        ``kind`` is one of ``"status"`` (answer ``status``, default 500, with ``body`` and ``content_type``, default JSON),
        ``"delay"`` (wait ``seconds``, then answer normally), ``"redirect"`` (to ``location``),
        ``"drip"`` (a byte every half second), ``"huge_body"`` (``size`` bytes), ``"hang"`` (never
        answer) or ``"close"`` (drop the connection). Each queued fault is used once.
        """
        self._running.inject_fault(
            endpoint,
            kind,
            status=status,
            body=body,
            content_type=content_type,
            seconds=seconds,
            location=location,
            size=size,
        )

    def request_count(self, endpoint: EmulatorEndpoint) -> int:
        """How many requests reached ``endpoint`` (``"exchange"``, ``"key_info"`` or ``"create_auth_code"``)
        so far, whatever their method or answer (CORS preflights are not counted)."""
        return self._running.request_count(endpoint)

    def last_attribution(self, endpoint: EmulatorEndpoint) -> Optional[ReceivedAttribution]:
        """The attribution headers of the last request to ``endpoint``, to check that a client sends them.

        A dict of ``http_referer`` (``HTTP-Referer``), ``x_openrouter_title`` (``X-OpenRouter-Title``),
        ``x_title`` (``X-Title``) and ``x_openrouter_categories`` (``X-OpenRouter-Categories``), each
        ``None`` when that request did not carry it; ``None`` until a request reaches ``endpoint``.

        >>> with Emulator() as emu:
        ...     emu.last_attribution("key_info") is None
        True
        """
        return cast(Optional[ReceivedAttribution], self._running.last_attribution(endpoint))

    def issue_code(
        self,
        code_challenge: Optional[str] = None,
        code_challenge_method: Optional[str] = None,
        key_label: Optional[str] = None,
        limit: Optional[float] = None,
    ) -> str:
        """Mint a code as if the user had approved ``/auth`` with these parameters.

        A challenge without a method is bound to ``plain`` (RFC 7636); without a challenge the code
        exchanges without a verifier.
        """
        return self._running.issue_code(code_challenge, code_challenge_method, key_label, limit)

    def create_key(self, label: Optional[str] = None, limit: Optional[float] = None) -> str:
        """Create an API key that ``key_info`` knows and ``POST /api/v1/auth/keys/code`` takes as its bearer."""
        return self._running.create_key(label, limit)

    def set_auto_approve(self, on: bool) -> None:
        """Approve ``/auth`` at once (``True``) or show the Approve/Deny page (``False``)."""
        self._running.set_auto_approve(on)

    def set_relay_state(self, on: bool) -> None:
        """Relay ``state`` on the callback redirect, or not."""
        self._running.set_relay_state(on)

    def set_code_ttl(self, seconds: float) -> None:
        """How long codes stay valid (applies to codes already issued too)."""
        self._running.set_code_ttl(seconds)

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
