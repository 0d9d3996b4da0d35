"""The typing vocabulary of openrouter-pkce: ``Literal`` aliases for the strings the API takes and a
``TypedDict`` for the session dict, so a typo (``mode="loopbak"``) fails in mypy and pyright.

These are aliases only: at run time the core checks every value and raises
:class:`~openrouter_pkce.InvalidArgumentError` (or ``InvalidMethodError``) naming the bad one.
"""

from __future__ import annotations

from typing import Literal, Optional, TypedDict

__all__ = [
    "ChallengeMethod",
    "LoginMode",
    "FaultEndpoint",
    "FaultKind",
    "ErrorCode",
    "AuthRequestDict",
    "AppCategory",
    "UsageLimitType",
    "Storage",
    "KeySource",
]

#: The PKCE challenge methods, exactly these strings.
ChallengeMethod = Literal["S256", "plain"]
#: OpenRouter's app categories (``app_categories=``, at most 2 per request); checked against the core's
#: list by tests/python/test_contract.py.
AppCategory = Literal[
    "cli-agent",
    "ide-extension",
    "cloud-agent",
    "programming-app",
    "native-app-builder",
    "creative-writing",
    "video-gen",
    "image-gen",
    "audio-gen",
    "writing-assistant",
    "general-chat",
    "personal-agent",
    "legal",
    "roleplay",
    "game",
]
#: When a created key's limit resets (``create_auth_code(usage_limit_type=…)``).
UsageLimitType = Literal["daily", "weekly", "monthly"]
#: Where keys are kept (``storage=``): the 0600 key file, or the OS keyring.
Storage = Literal["file", "keyring"]
#: Where ``load_key()`` found a key (``ApiKey.source``).
KeySource = Literal["env", "file", "keyring"]
#: How ``login`` gets the code back.
LoginMode = Literal["auto", "loopback", "headless"]
#: The emulator endpoints a fault can be injected into.
FaultEndpoint = Literal["exchange", "key_info", "create_auth_code"]
#: The emulator's fault kinds.
FaultKind = Literal["status", "delay", "redirect", "drip", "huge_body", "hang", "close"]
#: The stable error codes (``e.code``), the same in Rust, Python and Node; checked against the core's
#: table by tests/python/test_contract.py.
ErrorCode = Literal[
    "INVALID_VERIFIER",
    "INVALID_METHOD",
    "INVALID_CALLBACK_URL",
    "INVALID_ARGUMENT",
    "INVALID_CODE_CHALLENGE_METHOD",
    "INVALID_CODE",
    "CODE_EXPIRED",
    "METHOD_NOT_ALLOWED",
    "UNAUTHORIZED",
    "RATE_LIMITED",
    "SERVER_ERROR",
    "UNEXPECTED_STATUS",
    "MALFORMED_RESPONSE",
    "NETWORK",
    "TIMEOUT",
    "ACCESS_DENIED",
    "STATE_MISMATCH",
    "CALLBACK_TIMEOUT",
    "CANCELLED",
    "PORT_IN_USE",
    "STORAGE",
    "AUTHORIZATION_FAILED",
    "SEALED_FLOW_INVALID",
    "SEALED_FLOW_EXPIRED",
    "UNSUPPORTED_RUNTIME",
]


class AuthRequestDict(TypedDict):
    """``AuthRequest.to_dict()``: what a web session keeps between the redirect and the callback (it holds
    the verifier: keep it server-side)."""

    url: str
    callback_url: Optional[str]
    code_verifier: str
    code_challenge: str
    code_challenge_method: ChallengeMethod
    state: str
    created_at: int
    base_url: str
