"""OpenRouter OAuth PKCE in one call: the one-click ``login()``, PKCE primitives, the authorization URL, the
code exchange and key info, sync and async, typed; key storage and the ``openrouter-pkce`` command. The
work happens in a Rust core; this package is a thin binding over it.

>>> import openrouter_pkce as orp
>>> key = orp.login(save=True)  # opens the browser (or asks for a pasted code)  # doctest: +SKIP
>>> request = orp.start_auth("http://localhost:3000/callback")
>>> request.url  # send the user here  # doctest: +SKIP
>>> key = orp.complete_auth(request, callback_url_the_app_received)  # doctest: +SKIP
>>> print(key)  # masked: sk-or-v1-ab…9f3e  # doctest: +SKIP

Importing this package starts nothing: the runtime and HTTP pool are created on first use.
"""

from __future__ import annotations

from openrouter_pkce import _native
from openrouter_pkce._arguments import checked
from openrouter_pkce._native import (
    ApiKey,
    AuthCode,
    AuthRequest,
    Client,
    KeyInfo,
    Pkce,
    __version__,
    key_path,
    load_key,
)

# The network functions are the methods of one default client (the core's `Client::from_environment()`:
# OpenRouter, or OPENROUTER_PKCE_BASE_URL read at each call): one signature, one stub, one conversion for
# both. Making it is cheap; its runtime and HTTP pool start on first use.
_DEFAULT = _native._default_client()

# The same input gets the same answer in every language: a lone surrogate in a str or an integer of 2**63
# or more is the core's INVALID_ARGUMENT naming the parameter, not a bare UnicodeEncodeError/OverflowError.
auth_url = checked(_native.auth_url)
complete_auth = checked(_DEFAULT.complete_auth)
complete_auth_async = checked(_DEFAULT.complete_auth_async)
create_challenge = checked(_native.create_challenge)
create_verifier = checked(_native.create_verifier)
exchange_code = checked(_DEFAULT.exchange_code)
exchange_code_async = checked(_DEFAULT.exchange_code_async)
generate_pkce = checked(_native.generate_pkce)
key_info = checked(_DEFAULT.key_info)
key_info_async = checked(_DEFAULT.key_info_async)
create_auth_code = checked(_DEFAULT.create_auth_code)
create_auth_code_async = checked(_DEFAULT.create_auth_code_async)
login = checked(_DEFAULT.login)
login_async = checked(_DEFAULT.login_async)
save_key = checked(_native.save_key)
start_auth = checked(_native.start_auth)
verify_challenge = checked(_native.verify_challenge)
from openrouter_pkce._storage import logout

# The typing vocabulary is loaded on first use (`orp.ErrorCode`, `from openrouter_pkce import LoginMode`):
# its Literal aliases need `typing`, which would be most of what `import openrouter_pkce` costs.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from openrouter_pkce.types import (
        AppCategory,
        AuthRequestDict,
        ChallengeMethod,
        ErrorCode,
        LoginMode,
        UsageLimitType,
    )
_TYPES = ("AppCategory", "AuthRequestDict", "ChallengeMethod", "ErrorCode", "LoginMode", "UsageLimitType")


def __getattr__(name: str) -> object:
    if name in _TYPES:
        from openrouter_pkce import types

        value = getattr(types, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
# Every exception class and ERRORS_BY_CODE (errors.py's public names; __all__ below is their one list).
from openrouter_pkce.errors import *  # noqa: F403

__all__ = [
    "__version__",
    # PKCE primitives
    "Pkce",
    "create_verifier",
    "create_challenge",
    "verify_challenge",
    "generate_pkce",
    # step 1
    "auth_url",
    "start_auth",
    "AuthRequest",
    # steps 2 and 3
    "exchange_code",
    "exchange_code_async",
    "complete_auth",
    "complete_auth_async",
    "key_info",
    "key_info_async",
    "create_auth_code",
    "create_auth_code_async",
    "Client",
    "ApiKey",
    "KeyInfo",
    "AuthCode",
    # one click
    "login",
    "login_async",
    # storage
    "load_key",
    "save_key",
    "logout",
    "key_path",
    # typing vocabulary (Literal aliases, the session TypedDict)
    "ChallengeMethod",
    "LoginMode",
    "ErrorCode",
    "AuthRequestDict",
    "AppCategory",
    "UsageLimitType",
    # errors (every public name of errors.py)
    "OpenRouterPkceError",
    "ErrorCause",
    "InputError",
    "HttpError",
    "AuthorizationError",
    "InvalidVerifierError",
    "InvalidMethodError",
    "InvalidCallbackUrlError",
    "InvalidArgumentError",
    "ArgumentTypeError",
    "InvalidCodeChallengeMethodError",
    "InvalidCodeError",
    "CodeExpiredError",
    "MethodNotAllowedError",
    "UnauthorizedError",
    "RateLimitedError",
    "ServerError",
    "UnexpectedStatusError",
    "MalformedResponseError",
    "NetworkError",
    "RequestTimeoutError",
    "AccessDeniedError",
    "AuthorizationFailedError",
    "StateMismatchError",
    "CallbackTimeoutError",
    "OperationCancelledError",
    "PortInUseError",
    "StorageError",
    "SealedFlowInvalidError",
    "SealedFlowExpiredError",
    "UnsupportedRuntimeError",
    "ERRORS_BY_CODE",
]
