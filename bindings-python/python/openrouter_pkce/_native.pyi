"""Type stubs of the native module ``openrouter_pkce._native`` (import ``openrouter_pkce`` instead)."""

from datetime import datetime
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union, final

from typing_extensions import Concatenate, ParamSpec, TypedDict, Unpack

from openrouter_pkce.testing import EmulatorEndpoint, ReceivedAttribution
from openrouter_pkce.types import (
    AppCategory,
    AuthRequestDict,
    ChallengeMethod,
    FaultKind,
    KeySource,
    LoginMode,
    Storage,
    UsageLimitType,
)

__version__: str
_MAX_PASTED_LINE: int
__all__ = [
    "ApiKey",
    "AuthCode",
    "AuthRequest",
    "Client",
    "Emulator",
    "KeyInfo",
    "Pkce",
    "_AbortOnCancel",
    "_argument_error",
    "_default_client",
    "_LineReply",
    "__version__",
    "_MAX_PASTED_LINE",
    "_logout",
    "_error_table",
    "_public_api",
    "_app_categories",
    "_emulator_names",
    "_INT_LIMIT",
    "_url_heading",
    "key_path",
    "_resolve_future",
    "_quiesce",
    "cli_main",
    "auth_url",
    "create_challenge",
    "create_verifier",
    "generate_pkce",
    "load_key",
    "save_key",
    "start_auth",
    "verify_challenge",
]

class _Challenge:
    """What a PKCE pair and a started flow both carry (a stub-only base: the two classes are unrelated at
    run time)."""

    @property
    def code_verifier(self) -> str:
        """The secret verifier (43–128 characters); keep it until the exchange, never log it."""
    @property
    def code_challenge(self) -> str:
        """The challenge to put in (or carried by) the authorization URL."""
    @property
    def code_challenge_method(self) -> ChallengeMethod:
        """``"S256"`` or ``"plain"``."""

@final
class Pkce(_Challenge):
    """A verifier, its challenge and the method, as made by :func:`generate_pkce`. Immutable.

    ``repr`` never shows the verifier.
    """

def create_verifier(length: Optional[int] = None) -> str:
    """A new random code verifier of ``length`` characters (43–128; the default 43 is 32 CSPRNG bytes).

    :raises InvalidVerifierError: ``length`` outside 43–128.
    """

def create_challenge(code_verifier: str, method: Optional[ChallengeMethod] = None) -> str:
    """The challenge of ``code_verifier``: ``BASE64URL(SHA256(verifier))`` for ``"S256"``, the verifier
    itself for ``"plain"``.

    :raises InvalidVerifierError: bad length or characters outside ``[A-Za-z0-9._~-]``.
    :raises InvalidMethodError: a method other than exactly ``"S256"`` or ``"plain"``.
    """

def verify_challenge(code_verifier: str, code_challenge: str, method: Optional[ChallengeMethod] = None) -> bool:
    """Whether ``code_challenge`` is the challenge of ``code_verifier`` (compared in constant time).
    ``method`` defaults to ``"S256"``."""

def generate_pkce(length: Optional[int] = None, method: Optional[ChallengeMethod] = None) -> Pkce:
    """A fresh verifier and its challenge in one call (fast: no allocation beyond the two strings).
    Defaults: 43 characters, ``"S256"``."""

@final
class AuthRequest(_Challenge):
    """One started flow (from :func:`start_auth`): the URL to send the user to and what finishing it needs.

    Keep it between the redirect and the callback: ``to_dict()`` / ``from_dict()`` or ``to_json()`` /
    ``from_json()`` for a web session (server-side: it holds the verifier). ``repr`` never shows the
    verifier; in Jupyter it renders as a clickable "Connect OpenRouter" link.
    """

    @property
    def url(self) -> str:
        """The authorization URL to send the user to."""
    @property
    def callback_url(self) -> Optional[str]:
        """The callback URL, ``None`` in headless mode."""
    @property
    def state(self) -> str:
        """The flow's unguessable nonce/state (256 bits)."""
    @property
    def created_at(self) -> int:
        """Unix time (seconds) the flow started."""
    @property
    def base_url(self) -> str:
        """The base URL the flow runs against; the exchange goes there too."""
    def to_dict(self) -> AuthRequestDict:
        """Every field as a plain, JSON-compatible dict (verifier included)."""
    @classmethod
    def from_dict(cls, d: Union[AuthRequestDict, Mapping[str, Any]]) -> "AuthRequest":
        """Rebuild from :meth:`to_dict`'s output.

        :raises InvalidArgumentError: missing, tampered or inconsistent fields.
        """
    def to_json(self) -> str:
        """JSON of :meth:`to_dict` (verifier included)."""
    @classmethod
    def from_json(cls, json: str) -> "AuthRequest":
        """Rebuild from :meth:`to_json`'s output.

        :raises InvalidArgumentError: not an AuthRequest, tampered or inconsistent.
        """
    def seal(self, secrets: _Secrets) -> str:
        """Seal this flow with the first of ``secrets`` into an opaque, expiring (10 minutes), cookie- and
        URL-safe string (JWE ``dir`` + ``A256GCM``) that :meth:`unseal` opens, here or in Node.

        :raises InvalidArgumentError: no secret, or one shorter than 32 bytes.
        """
    @classmethod
    def unseal(cls, sealed: str, secrets: _Secrets, *, max_age: Optional[float] = None) -> "AuthRequest":
        """Open a flow sealed by :meth:`seal` (in Python or Node) with any of ``secrets``.

        ``max_age`` (seconds) refuses older flows; ``None`` means 600, which is also the most.

        :raises SealedFlowExpiredError: older than ``max_age``.
        :raises SealedFlowInvalidError: tampered, truncated, sealed with a secret not in the list, or not
            a sealed flow.
        """
    def _repr_html_(self) -> str:
        """Jupyter: a "Connect OpenRouter" link (href escaped)."""
    def __eq__(self, value: object, /) -> bool: ...

def auth_url(
    callback_url: Optional[str] = None,
    *,
    code_challenge: Optional[str] = None,
    code_challenge_method: Optional[ChallengeMethod] = None,
    key_label: Optional[str] = None,
    limit: Optional[float] = None,
    state: Optional[str] = None,
    base_url: Optional[str] = None,
) -> str:
    """The authorization URL of step 1. ``callback_url=None`` is headless mode (the code is shown on
    OpenRouter's page; needs an S256 challenge). Every value is percent-encoded.

    :raises InvalidCallbackUrlError: not ``https://`` (or ``http://`` on a loopback host), userinfo, …
    :raises InvalidArgumentError: bad base URL, negative limit, …
    """

def start_auth(
    callback_url: Optional[str] = None,
    *,
    method: Optional[ChallengeMethod] = None,
    key_label: Optional[str] = None,
    limit: Optional[float] = None,
    base_url: Optional[str] = None,
) -> AuthRequest:
    """Start a flow: a fresh verifier, challenge and state, and the URL carrying them."""

@final
class ApiKey:
    """A user-controlled OpenRouter API key.

    ``repr`` and ``str`` show only the masked form (``sk-or-v1-ab…9f3e``); the full secret only through
    ``.key``. Not picklable.
    """

    def __new__(cls, key: str, user_id: Optional[str] = None) -> "ApiKey":
        """Wrap an existing key string."""
    @property
    def key(self) -> str:
        """The full secret: send it as ``Authorization: Bearer <key>``; never log it."""
    @property
    def user_id(self) -> Optional[str]:
        """The OpenRouter user id, when the exchange returned one."""
    @property
    def source(self) -> Optional[KeySource]:
        """Where :func:`load_key` found the key: ``"env"``, ``"file"`` or ``"keyring"``; ``None`` for a key
        that was not loaded (minted by a login or an exchange, or wrapped by hand)."""
    @property
    def masked(self) -> str:
        """The key with its middle hidden, safe to print."""
    @property
    def settings_url(self) -> str:
        """The key's settings page on OpenRouter (where its owner can revoke it)."""
    @property
    def logs_url(self) -> str:
        """The key's request logs on OpenRouter."""
    def _repr_html_(self) -> str:
        """Jupyter: the masked key and a link to its settings page."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class KeyInfo:
    """Details of a key, from ``GET /api/v1/key``. Absent values are ``None``."""

    @property
    def label(self) -> Optional[str]:
        """The key's label."""
    @property
    def limit(self) -> Optional[float]:
        """Credit limit, ``None`` for unlimited."""
    @property
    def limit_remaining(self) -> Optional[float]:
        """Credits left under the limit."""
    @property
    def limit_reset(self) -> Optional[str]:
        """When the limit resets (``daily``, ``weekly``, ``monthly``), if it does."""
    @property
    def usage(self) -> Optional[float]:
        """Credits used, all time."""
    @property
    def usage_daily(self) -> Optional[float]:
        """Credits used today (UTC)."""
    @property
    def usage_weekly(self) -> Optional[float]:
        """Credits used this week (UTC)."""
    @property
    def usage_monthly(self) -> Optional[float]:
        """Credits used this month (UTC)."""
    @property
    def is_free_tier(self) -> Optional[bool]:
        """Whether the user has only used the free tier."""
    @property
    def expires_at(self) -> Optional[str]:
        """Expiry (ISO 8601), if the key expires."""
    @property
    def creator_user_id(self) -> Optional[str]:
        """The user who created the key."""
    @property
    def byok_usage(self) -> Optional[float]:
        """Credits spent through the user's own provider keys (BYOK), all time."""
    @property
    def byok_usage_daily(self) -> Optional[float]:
        """BYOK credits spent today (UTC)."""
    @property
    def byok_usage_weekly(self) -> Optional[float]:
        """BYOK credits spent this week (UTC)."""
    @property
    def byok_usage_monthly(self) -> Optional[float]:
        """BYOK credits spent this month (UTC)."""
    @property
    def include_byok_in_limit(self) -> Optional[bool]:
        """Whether BYOK spend counts against ``limit``."""
    @property
    def is_management_key(self) -> Optional[bool]:
        """Whether this is a management key (it can create and delete other keys)."""
    @property
    def is_provisioning_key(self) -> Optional[bool]:
        """Deprecated name of ``is_management_key``."""
    @property
    def organization_id(self) -> Optional[str]:
        """The organization that owns the key, if any."""
    @property
    def workspace_id(self) -> Optional[str]:
        """The workspace the key belongs to, if any."""
    @property
    def allowed_data_regions(self) -> Optional[List[str]]:
        """The data regions requests with this key may be served from (``global``, ``europe``, ``us``)."""
    @property
    def free_model_daily_requests(self) -> Optional[Dict[str, Any]]:
        """The daily allowance of free-model requests: a dict with ``limit``, ``remaining``, ``used``."""
    @property
    def rate_limit(self) -> Optional[Dict[str, Any]]:
        """Deprecated by OpenRouter and safe to ignore: a dict with ``requests``, ``interval``, ``note``."""
    @property
    def limit_used(self) -> Optional[float]:
        """Credits spent in the current limit window, ``limit - limit_remaining`` (``usage`` is lifetime
        spend); ``None`` without a limit."""
    def to_dict(self) -> Dict[str, Any]:
        """Every field as a plain dict (the names and values of ``GET /api/v1/key``'s ``data``)."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class AuthCode:
    """A created authorization code (:func:`create_auth_code`). ``id`` is the code to exchange, a
    single-use secret until then: ``repr`` does not show it."""

    @property
    def id(self) -> str:
        """The code, to exchange like a callback's ``code``."""
    @property
    def app_id(self) -> Optional[int]:
        """The app the code belongs to."""
    @property
    def created_at(self) -> Optional[str]:
        """When it was created (ISO 8601)."""

_Request = Union[AuthRequest, Mapping[str, Any], str]
#: One sealing secret (at least 32 bytes) or a list of them: the first seals, any opens.
_Secrets = Union[str, bytes, bytearray, Sequence[Union[str, bytes, bytearray]]]
_Key = Union[ApiKey, str]

class _CallOptions(TypedDict, total=False):
    """The keyword arguments every network method takes for one call; each defaults to the client's own."""

    #: Another base URL for this call.
    base_url: Optional[str]
    #: This call's deadline in seconds (``login``: how long the user has to approve, default 600).
    timeout: Optional[float]
    #: Your app's URL, sent as ``HTTP-Referer``.
    http_referer: Optional[str]
    #: Your app's name, sent as ``X-OpenRouter-Title`` (and ``X-Title``).
    app_title: Optional[str]
    #: At most 2 of OpenRouter's app categories, sent as ``X-OpenRouter-Categories``.
    app_categories: Optional[Sequence[AppCategory]]

_P = ParamSpec("_P")
_T = TypeVar("_T")

class _Awaitable(Generic[_P, _T]):
    """A method's ``_async`` twin: the same parameters (one signature for both), an awaitable of the
    same answer. Call it with an asyncio event loop running; cancelling the awaitable aborts the call."""

    def __get__(self, obj: object, owner: Optional[type] = None) -> Callable[_P, Awaitable[_T]]: ...

def _awaitable(method: Callable[Concatenate[Any, _P], _T]) -> _Awaitable[_P, _T]: ...

@final
class Client:
    """A configured OpenRouter client: base URL, per-call deadline, User-Agent and one pooled HTTP
    connection pool (created on first use). Safe to share between threads and tasks.

    Methods take ``timeout=None`` to mean the client's own deadline. ``*_async`` methods must be called
    with an asyncio event loop running and return an awaitable; cancelling it aborts the request.
    """

    def __new__(
        cls,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        *,
        http_referer: Optional[str] = None,
        app_title: Optional[str] = None,
        app_categories: Optional[Sequence[AppCategory]] = None,
    ) -> "Client":
        """Defaults: ``OPENROUTER_PKCE_BASE_URL`` when set, else ``https://openrouter.ai``; 30 seconds.

        ``http_referer`` (your app's URL), ``app_title`` and ``app_categories`` (at most 2 of OpenRouter's)
        are sent on every request (``HTTP-Referer``, ``X-OpenRouter-Title``, ``X-OpenRouter-Categories``);
        each network method takes them too, for one call.

        :raises InvalidArgumentError: a non-HTTPS remote base URL, a bad timeout, User-Agent or attribution."""
    @property
    def base_url(self) -> str:
        """The normalised base URL (no trailing slash)."""
    @property
    def timeout(self) -> float:
        """The default deadline of each call, in seconds."""
    def exchange_code(
        self,
        code: str,
        code_verifier: Optional[str] = None,
        code_challenge_method: Optional[ChallengeMethod] = None,
        **call: Unpack[_CallOptions],
    ) -> ApiKey:
        """Exchange an authorization code (and the flow's verifier) for a user-controlled API key.

        Sent exactly once (the code is single-use). Releases the GIL while waiting; Ctrl-C cancels it with
        :class:`OperationCancelledError`.

        :raises InvalidCodeError: wrong, reused or foreign code, or wrong verifier (403).
        :raises CodeExpiredError: the code expired (403).
        :raises InvalidCodeChallengeMethodError: the method differs from the URL's (400).
        :raises RequestTimeoutError: ``timeout`` passed. :raises NetworkError: unreachable.
        """
    exchange_code_async = _awaitable(exchange_code)
    def complete_auth(
        self,
        request: _Request,
        response: str,
        *,
        secrets: Optional[_Secrets] = None,
        **call: Unpack[_CallOptions],
    ) -> ApiKey:
        """Finish a started flow: ``response`` is the callback URL, its path + query (``request.full_path``), its query string, or a pasted code.

        ``request`` is the :class:`AuthRequest`, its ``to_dict()``, or the string :meth:`AuthRequest.seal`
        made (then pass the ``secrets`` it was sealed with), or its ``to_json()`` text.

        Checks the flow's state, turns ``error=`` into :class:`AccessDeniedError`, then exchanges: a flow
        :func:`start_auth` made at its own base URL (unless ``base_url`` names another); one read back from
        storage (a dict, JSON, a sealed string) at ``base_url`` or the client's (the module-level function's:
        ``OPENROUTER_PKCE_BASE_URL``, else OpenRouter), which the flow must name — a stored flow never
        chooses the host.
        """
    complete_auth_async = _awaitable(complete_auth)
    def key_info(
        self,
        key: _Key,
        **call: Unpack[_CallOptions],
    ) -> KeyInfo:
        """Details of a key (``GET /api/v1/key``). :raises UnauthorizedError: unknown or revoked key (401)."""
    key_info_async = _awaitable(key_info)
    def create_auth_code(
        self,
        key: _Key,
        *,
        callback_url: str,
        code_challenge: Optional[str] = None,
        code_challenge_method: Optional[ChallengeMethod] = None,
        expires_at: Optional[datetime] = None,
        key_label: Optional[str] = None,
        limit: Optional[float] = None,
        usage_limit_type: Optional[UsageLimitType] = None,
        workspace_id: Optional[str] = None,
        **call: Unpack[_CallOptions],
    ) -> AuthCode:
        """Create an authorization code with ``key`` (``POST /api/v1/auth/keys/code``, the key as bearer).

        The way to mint a key that expires (``expires_at``, a timezone-aware :class:`datetime`, sent with
        seconds) or whose limit resets (``usage_limit_type``). Exchange ``code.id`` like a callback's code:
        ``exchange_code(code.id, verifier)``. Sent at most once.

        :raises UnauthorizedError: the key is unknown or revoked (401).
        :raises InvalidArgumentError: a bad argument, before anything is sent.
        """
    create_auth_code_async = _awaitable(create_auth_code)
    def login(
        self,
        *,
        mode: Optional[LoginMode] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        open_browser: Optional[bool] = None,
        key_label: Optional[str] = None,
        limit: Optional[float] = None,
        save: Optional[bool] = None,
        force: Optional[bool] = None,
        profile: Optional[str] = None,
        storage: Optional[Storage] = None,
        **call: Unpack[_CallOptions],
    ) -> ApiKey:
        """The whole login in one call: returns a new user-controlled API key.

        Defaults: ``mode="auto"``, ``host="localhost"``, ``port=0``, ``open_browser=True``, ``timeout=600``
        seconds, ``save=False``.

        ``mode="loopback"`` listens on ``host``:``port`` (0 = a free port), opens the browser (``BROWSER`` is
        honoured; ``open_browser=False`` only shows the URL) and waits for its redirect; the URL is always
        shown too, and on a terminal a pasted callback URL or code is accepted as well. ``mode="headless"``
        shows a URL without a callback and reads the code the user pastes, through ``input()`` (a Jupyter
        kernel asks for it in the cell). ``mode="auto"`` picks loopback where a local browser can reach this
        process and headless elsewhere (SSH, no display, hosted notebooks, a browser that fails to open).

        In a notebook the URL is shown as a clickable link; elsewhere URLs and status lines go to stderr.
        Releases the GIL while waiting. ``save=True`` also stores the key (see :func:`save_key`) in ``profile``
        (default: ``OPENROUTER_PKCE_PROFILE``, else the active one, else ``"default"``) and ``storage``
        (``"file"`` or ``"keyring"``; default: ``OPENROUTER_PKCE_STORAGE``, else where the profile's key is).

        While the profile's stored key still works (OpenRouter's key info accepts it), that key is returned and
        no new one is made; ``force=True`` logs in anyway, and once the new key is saved says that the old one
        stays valid until revoked, with its settings URL. A base URL that does not answer is ``NETWORK`` within
        seconds, before any URL is shown.

        :raises PortInUseError: the fixed ``port`` is taken (before any browser opens).
        :raises CallbackTimeoutError: no approval within ``timeout`` seconds.
        :raises OperationCancelledError: Ctrl-C / a Jupyter interrupt, or no input in headless mode; the
            port is closed at once.
        :raises AccessDeniedError: the user declined. :raises InvalidArgumentError: a bad option.
        :raises StorageError: ``save=True`` and the key could not be stored.
        :raises NetworkError: ``base_url`` does not answer.
        """
    login_async = _awaitable(login)

class _EmulatorOptions(TypedDict, total=False):
    """How the emulator serves; each left out (or ``None``) takes the core's default."""

    #: Loopback address to listen on (default ``127.0.0.1``).
    host: Optional[str]
    #: Port, ``0`` (default) for a free one chosen by the OS.
    port: Optional[int]
    #: ``True``: ``/auth`` approves at once; ``False``: it shows an Approve/Deny page.
    auto_approve: Optional[bool]
    #: Append ``state`` to the callback redirect (as some OpenRouter deployments do).
    relay_state: Optional[bool]
    #: How long codes stay valid, in seconds (default 600, like OpenRouter).
    code_ttl: Optional[float]

@final
class Emulator:
    """The native emulator, serving from the moment it is made. Use :class:`openrouter_pkce.testing.Emulator`,
    whose methods are these (the signatures and their documentation are written here once)."""

    def __new__(cls, **options: Unpack[_EmulatorOptions]) -> "Emulator": ...
    @property
    def base_url(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def running(self) -> bool: ...
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
    def request_count(self, endpoint: EmulatorEndpoint) -> int:
        """How many requests reached ``endpoint`` (``"exchange"``, ``"key_info"`` or ``"create_auth_code"``)
        so far, whatever their method or answer (CORS preflights are not counted)."""
    def last_attribution(self, endpoint: EmulatorEndpoint) -> Optional[ReceivedAttribution]:
        """The attribution headers of the last request to ``endpoint``, to check that a client sends them.

        A dict of ``http_referer`` (``HTTP-Referer``), ``x_openrouter_title`` (``X-OpenRouter-Title``),
        ``x_title`` (``X-Title``) and ``x_openrouter_categories`` (``X-OpenRouter-Categories``), each
        ``None`` when that request did not carry it; ``None`` until a request reaches ``endpoint``.
        """
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
    def approve(self, auth_url: str) -> str: ...
    def create_key(self, label: Optional[str] = None, limit: Optional[float] = None) -> str:
        """Create an API key that ``key_info`` knows and ``POST /api/v1/auth/keys/code`` takes as its bearer."""
    def set_auto_approve(self, on: bool) -> None:
        """Approve ``/auth`` at once (``True``) or show the Approve/Deny page (``False``)."""
    def set_relay_state(self, on: bool) -> None:
        """Relay ``state`` on the callback redirect, or not."""
    def set_code_ttl(self, seconds: float) -> None:
        """How long codes stay valid (applies to codes already issued too)."""
    def stop(self) -> None: ...

def load_key(*, profile: Optional[str] = None, storage: Optional[Storage] = None) -> Optional[ApiKey]:
    """The key to use, as an :class:`ApiKey` (masked when printed; the secret in ``.key``):
    ``OPENROUTER_API_KEY`` when set, else the profile's stored key, else ``None``. ``.source`` says which:
    ``"env"``, ``"file"`` or ``"keyring"``.

    ``profile`` defaults to ``OPENROUTER_PKCE_PROFILE``, else the one ``openrouter-pkce switch`` made
    active, else ``"default"``. ``storage`` (``"file"`` or ``"keyring"``) defaults to
    ``OPENROUTER_PKCE_STORAGE``, else the key file, else the keyring when the profile's key was saved there.

    :raises InvalidArgumentError: a bad profile name or storage.
    :raises StorageError: the key file is unsafe (a symlink, readable by others) or unreadable; the keyring
        is absent, locked or silent for 30 s (the message names the file fallback).
    """

def save_key(key: _Key, *, profile: Optional[str] = None, storage: Optional[Storage] = None) -> str:
    """Store ``key`` (a ``str`` or an :class:`ApiKey`) for ``profile`` and return where: the key file's path,
    or a description of the keyring entry (``storage="keyring"``: service ``openrouter-pkce``, account the
    profile's name).

    The ``"default"`` profile's file is ``api_key`` in ``OPENROUTER_PKCE_CONFIG_DIR`` (else the user's
    config directory), another profile's ``profiles/<name>/api_key`` there; created 0600 in a 0700
    directory and replaced atomically; a symlink there is refused.

    :raises InvalidArgumentError: an empty key or one with whitespace, a bad profile name or storage.
    :raises StorageError: not written.
    """

def _logout(*, profile: Optional[str] = None, storage: Optional[Storage] = None) -> str:
    """Delete the stored key; returns the core's text for the user (what was deleted, where to revoke it)."""

def key_path(*, profile: Optional[str] = None) -> str:
    """The profile's key file path (whether or not it exists). :raises StorageError: no config directory."""

def _error_table() -> List[Tuple[str, str, int]]:
    """The core's error-code table: ``(code, family, exit_code)`` rows, in the contract's order."""

def _app_categories() -> List[str]: ...

#: The smallest integer magnitude no parameter of the core holds (2**63).
_INT_LIMIT: int
def _emulator_names() -> Tuple[List[str], List[str]]:
    """The core's emulator endpoints and fault kinds, as Python names them."""
def _public_api() -> List[Tuple[str, str]]:
    """The core's public API names: ``(snake_case name, "function" | "network" | "class" | "record")``."""

def _url_heading(headless: bool, notebook: bool) -> str:
    """The core's heading above the authorization URL."""

def cli_main(argv: List[str]) -> int:
    """Run the ``openrouter-pkce`` command with ``argv`` (program name first); returns the exit code.
    Ctrl-C cancels the running command (exit code 130)."""

@final
class _LineReply:
    """The answer slot of one pasted-line question (private plumbing of :func:`login`)."""

    def send(self, line: Optional[str]) -> None: ...
    def abandoned(self) -> bool: ...

# Private plumbing of the asyncio bridge.
def _resolve_future(fut: Any, ok: bool, value: Any) -> None: ...
def _quiesce() -> None:
    """An ``atexit`` hook: no more deliveries from the runtime threads; waits for those in flight."""
@final
class _AbortOnCancel:
    def __call__(self, fut: Any) -> None: ...

# The core's INVALID_ARGUMENT for an argument pyo3 could not convert ("text": a lone surrogate; "range": an
# integer too large), naming the parameter (raised by openrouter_pkce._arguments).
def _argument_error(name: str, kind: str, expected: Optional[str] = None) -> BaseException: ...

def _default_client() -> Client:
    """The package's default client: its bound methods are the module-level network functions."""
