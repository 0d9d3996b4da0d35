"""The exception classes of openrouter-pkce, one per stable error code.

Every error raised by the library is an :class:`OpenRouterPkceError` with a ``code`` string that is the
same in Rust, Python and Node (see ``ERRORS_BY_CODE``). Bad input also subclasses :class:`ValueError`,
deadlines :class:`TimeoutError`, unreachable servers :class:`ConnectionError`; errors that came from an
HTTP answer carry ``status``. No message ever contains a key, verifier or authorization code.

Every public name here is exported (the package re-exports them all; no list of them is kept here).
"""

from __future__ import annotations

# `typing` is not imported at run time (it costs several ms of `import openrouter_pkce`); type checkers
# treat any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from openrouter_pkce.types import ErrorCode



class OpenRouterPkceError(Exception):
    """Base class of every error raised by openrouter-pkce.

    ``code`` is the stable error code (e.g. ``"INVALID_CODE"``); ``status`` is the HTTP status for errors
    that came from an HTTP answer, else ``None``.
    """

    #: The stable code; every class below sets its own (this base class is never raised itself).
    code: ErrorCode = "OPENROUTER_PKCE_ERROR"  # type: ignore[assignment]
    status: int | None

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[object, ...]:
        # Keep `status` through pickling (multiprocessing sends exceptions between processes).
        return (_rebuild, (type(self), str(self), self.status))


def _rebuild(cls: type[OpenRouterPkceError], message: str, status: int | None) -> OpenRouterPkceError:
    return cls(message, status=status)


class ErrorCause(Exception):
    """The underlying cause reported by the Rust core (its error chain as text), set as ``__cause__``."""


class InputError(OpenRouterPkceError, ValueError):
    """A bad argument from the caller."""


class HttpError(OpenRouterPkceError):
    """OpenRouter (or the emulator) answered with an error status or an unusable body."""


class AuthorizationError(OpenRouterPkceError):
    """The user declined, or the callback did not belong to this flow."""


class InvalidVerifierError(InputError):
    """The code verifier has the wrong length (43–128) or characters outside ``[A-Za-z0-9._~-]``."""

    code = "INVALID_VERIFIER"


class InvalidMethodError(InputError):
    """The challenge method is not exactly ``"S256"`` or ``"plain"``."""

    code = "INVALID_METHOD"


class InvalidCallbackUrlError(InputError):
    """The callback URL was refused (``https://``, or ``http://`` on a loopback host only)."""

    code = "INVALID_CALLBACK_URL"


class InvalidArgumentError(InputError):
    """Any other bad argument (negative limit, bad base URL, bad timeout, tampered AuthRequest, …)."""

    code = "INVALID_ARGUMENT"


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type (``create_challenge(123)``): ``INVALID_ARGUMENT`` naming the parameter,
    as in Node, and still a :class:`TypeError`, as Python's own conversion raised before."""

    code = "INVALID_ARGUMENT"


class InvalidCodeChallengeMethodError(HttpError):
    """The exchange answered 400: the method differs between the URL and the exchange."""

    code = "INVALID_CODE_CHALLENGE_METHOD"


class InvalidCodeError(HttpError):
    """The exchange answered 403 "Invalid code or code_verifier" (wrong, reused or foreign code)."""

    code = "INVALID_CODE"


class CodeExpiredError(HttpError):
    """The exchange answered 403 "Authorization code expired"; start a new flow."""

    code = "CODE_EXPIRED"


class MethodNotAllowedError(HttpError):
    """The exchange answered 405."""

    code = "METHOD_NOT_ALLOWED"


class UnauthorizedError(HttpError):
    """Key info answered 401: the key is unknown or revoked."""

    code = "UNAUTHORIZED"


class RateLimitedError(HttpError):
    """The server answered 429; wait and try again."""

    code = "RATE_LIMITED"


class ServerError(HttpError):
    """The server answered 5xx; the outcome of an exchange is unknown, so restart the flow."""

    code = "SERVER_ERROR"


class UnexpectedStatusError(HttpError):
    """Any other HTTP status."""

    code = "UNEXPECTED_STATUS"


class MalformedResponseError(HttpError):
    """A body that is not the documented JSON (an HTML page, empty, no key, …)."""

    code = "MALFORMED_RESPONSE"


class NetworkError(OpenRouterPkceError, ConnectionError):
    """DNS, connect or TLS failure: the request did not reach the server."""

    code = "NETWORK"


class RequestTimeoutError(OpenRouterPkceError, TimeoutError):
    """The HTTP deadline (``timeout=``) passed."""

    code = "TIMEOUT"


class AccessDeniedError(AuthorizationError):
    """The callback carried ``error=access_denied`` (the user declined).

    ``oauth_error`` is the OAuth ``error`` value; ``error_description`` the server's description (control
    characters removed, at most 300 characters; show it as text, never as markup), or ``None``. Neither is
    ever part of the message.
    """

    code = "ACCESS_DENIED"
    oauth_error: str | None = None
    error_description: str | None = None


class AuthorizationFailedError(AuthorizationError):
    """The callback carried another OAuth ``error=`` value (``server_error``, ``temporarily_unavailable``,
    ``invalid_scope``, …): OpenRouter could not authorize. ``oauth_error`` and ``error_description`` as on
    :class:`AccessDeniedError`.
    """

    code = "AUTHORIZATION_FAILED"
    oauth_error: str | None = None
    error_description: str | None = None


class StateMismatchError(AuthorizationError):
    """The callback's nonce/state is not this flow's."""

    code = "STATE_MISMATCH"


class CallbackTimeoutError(OpenRouterPkceError, TimeoutError):
    """No callback arrived before the login timeout."""

    code = "CALLBACK_TIMEOUT"


class OperationCancelledError(OpenRouterPkceError, KeyboardInterrupt):
    """Ctrl-C or a Jupyter interrupt ended the wait.

    Also a :class:`KeyboardInterrupt`, so an interrupted script still stops (and ``except Exception``
    blocks that are meant for real failures see it too, with ``code == "CANCELLED"``).
    """

    code = "CANCELLED"


class PortInUseError(OpenRouterPkceError, ConnectionError):
    """The requested callback port is taken; pass ``port=0`` to let the OS choose."""

    code = "PORT_IN_USE"


class StorageError(OpenRouterPkceError):
    """The key file could not be read or written safely."""

    code = "STORAGE"


class SealedFlowInvalidError(AuthorizationError):
    """A sealed flow was refused: tampered, truncated, sealed with a secret not in the list, made by
    another version, or not a sealed flow at all. Start the login again."""

    code = "SEALED_FLOW_INVALID"


class SealedFlowExpiredError(AuthorizationError):
    """A sealed flow is older than its maximum age (default 10 minutes). Start the login again."""

    code = "SEALED_FLOW_EXPIRED"


class UnsupportedRuntimeError(InputError):
    """A native-only part (login, key storage, the emulator) was called in the WebAssembly build of the npm
    package (a browser, a Worker, Deno). The Python package never raises it; it is here so the table is whole."""

    code = "UNSUPPORTED_RUNTIME"


#: Every error class, by its stable code. The native module raises through this mapping.
ERRORS_BY_CODE: dict[str, type[OpenRouterPkceError]] = {
    cls.code: cls
    for cls in (
        InvalidVerifierError,
        InvalidMethodError,
        InvalidCallbackUrlError,
        InvalidArgumentError,
        InvalidCodeChallengeMethodError,
        InvalidCodeError,
        CodeExpiredError,
        MethodNotAllowedError,
        UnauthorizedError,
        RateLimitedError,
        ServerError,
        UnexpectedStatusError,
        MalformedResponseError,
        NetworkError,
        RequestTimeoutError,
        AccessDeniedError,
        StateMismatchError,
        CallbackTimeoutError,
        OperationCancelledError,
        PortInUseError,
        StorageError,
        AuthorizationFailedError,
        SealedFlowInvalidError,
        SealedFlowExpiredError,
        UnsupportedRuntimeError,
    )
}
