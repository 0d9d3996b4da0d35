"""OpenRouter's official Python SDK (PyPI ``openrouter``, pinned in mk/python.mk) against the emulator.

The SDK validates every answer with its own pydantic models (stricter than the OpenAPI schema: key info
must carry ``allowed_data_regions``, ``budgets``, ``effective_budget``, ``free_model_daily_requests``…),
so these runs fail if the emulator's bodies drift from what the real OpenRouter answers. The SDK wants
``server_url`` with the ``/api/v1`` suffix (its default is ``https://openrouter.ai/api/v1``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import uuid
from typing import Callable, Iterator, Optional

import openrouter
import pytest
from openrouter import errors

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator, EmulatorEndpoint

# The SDK's models mark `rate_limit` and `is_provisioning_key` deprecated and warn while parsing them;
# pytest turns warnings into errors (pyproject.toml), which the SDK would report as a validation failure.
pytestmark = pytest.mark.filterwarnings("ignore:.*DEPRECATED.*:DeprecationWarning")

APP = {"http_referer": "https://app.example/", "x_open_router_title": "My App", "x_open_router_categories": "cli-agent,game"}
WORKSPACE = str(uuid.uuid4())


def make_sdk(emu: Emulator, key: Optional[str] = None) -> "openrouter.OpenRouter":
    # No retries: a test never waits out the SDK's default hour-long backoff.
    return openrouter.OpenRouter(api_key=key, server_url=emu.base_url + "/api/v1", retry_config=None, **APP)


MakeSdk = Callable[..., "openrouter.OpenRouter"]


@pytest.fixture
def sdk(emu: Emulator) -> Iterator[MakeSdk]:
    """``sdk(key=None)``: an SDK client on the emulator, closed (its HTTP pool too) after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda key=None: stack.enter_context(make_sdk(emu, key))


def assert_attributed(emu: Emulator, endpoint: EmulatorEndpoint) -> None:
    assert emu.last_attribution(endpoint) == {
        "http_referer": "https://app.example/",
        "x_openrouter_title": "My App",
        "x_title": None,  # the SDK sends only the newer header
        "x_openrouter_categories": "cli-agent,game",
    }


def test_exchange_auth_code_for_api_key(emu: Emulator, sdk: MakeSdk) -> None:
    req = orp.start_auth("http://localhost:3000/cb", base_url=emu.base_url)
    code = emu.approve(req.url).split("code=", 1)[1].split("&", 1)[0]
    res = sdk().o_auth.exchange_auth_code_for_api_key(
        code=code, code_verifier=req.code_verifier, code_challenge_method="S256"
    )
    assert res.key.startswith("sk-or-v1-") and res.user_id and res.user_id.startswith("user_")
    assert emu.request_count("exchange") == 1
    assert_attributed(emu, "exchange")
    # Single-use: the SDK reads the emulator's 403 body as OpenRouter's ForbiddenResponseError.
    with pytest.raises(errors.ForbiddenResponseError) as e:
        sdk().o_auth.exchange_auth_code_for_api_key(
            code=code, code_verifier=req.code_verifier, code_challenge_method="S256"
        )
    assert e.value.data.error.message == "Invalid code or code_verifier"
    assert e.value.data.error.code == 403


def test_get_current_key(emu: Emulator, sdk: MakeSdk) -> None:
    key = emu.create_key("limited", 2.5)
    data = sdk(key).api_keys.get_current_key_metadata().data
    assert (data.label, data.limit, data.limit_remaining, data.limit_reset) == ("limited", 2.5, 2.5, None)
    assert data.usage == data.usage_daily == data.byok_usage == 0.0
    assert data.is_free_tier is True and data.is_management_key is False
    assert data.allowed_data_regions == ["global"]
    assert (data.free_model_daily_requests.limit, data.free_model_daily_requests.used) == (50, 0)
    assert data.budgets[0].scope == "key_limit" and data.effective_budget is not None
    assert data.effective_budget.remaining_usd == 2.5
    assert data.organization_id is None and data.workspace_id is None
    assert_attributed(emu, "key_info")
    # No limit: no budget.
    data = sdk(emu.create_key()).api_keys.get_current_key_metadata().data
    assert data.limit is None and data.limit_remaining is None and data.budgets == [] and data.effective_budget is None
    with pytest.raises(errors.UnauthorizedResponseError) as e:
        sdk("sk-or-v1-unknown").api_keys.get_current_key_metadata()
    assert e.value.data.error.code == 401


def test_create_auth_code_then_exchange_then_key_info(emu: Emulator, sdk: MakeSdk) -> None:
    app = sdk(emu.create_key("the app"))
    pkce = orp.generate_pkce()
    expires = datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
    created = app.o_auth.create_auth_code(
        callback_url="https://app.example/cb",
        code_challenge=pkce.code_challenge,
        code_challenge_method="S256",
        expires_at=expires,
        key_label="Created by the SDK",
        limit=10,
        usage_limit_type="daily",
        workspace_id=WORKSPACE,
    ).data
    assert isinstance(created.app_id, int) and created.id
    assert datetime.datetime.fromisoformat(created.created_at.replace("Z", "+00:00")).tzinfo is not None
    assert_attributed(emu, "create_auth_code")

    minted = sdk().o_auth.exchange_auth_code_for_api_key(
        code=created.id, code_verifier=pkce.code_verifier, code_challenge_method="S256"
    )
    data = sdk(minted.key).api_keys.get_current_key_metadata().data
    assert (data.label, data.limit, data.limit_remaining) == ("Created by the SDK", 10.0, 10.0)
    assert data.limit_reset == "daily" and data.workspace_id == WORKSPACE
    assert data.expires_at == expires
    assert data.budgets[0].reset_interval == "daily" and data.budgets[0].resets_at is not None
    # Our own client reads the same key the same way.
    info = orp.key_info(minted.key, base_url=emu.base_url)
    assert (info.label, info.limit_reset, info.workspace_id) == ("Created by the SDK", "daily", WORKSPACE)


def test_create_auth_code_errors(emu: Emulator, sdk: MakeSdk) -> None:
    with pytest.raises(errors.UnauthorizedResponseError):
        sdk("sk-or-v1-unknown").o_auth.create_auth_code(callback_url="https://app.example/cb")
    app = sdk(emu.create_key())
    for kwargs in [
        {"callback_url": "http://app.example/cb"},
        {"callback_url": "https://app.example/cb", "key_label": "x" * 101},
        {"callback_url": "https://app.example/cb", "workspace_id": "not-a-uuid"},
        {"callback_url": "https://app.example/cb", "expires_at": datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)},
    ]:
        with pytest.raises(errors.BadRequestResponseError) as e:
            app.o_auth.create_auth_code(**kwargs)  # type: ignore[arg-type]
        assert e.value.data.error.code == 400 and e.value.data.error.message
    assert emu.request_count("create_auth_code") == 5


def test_async_twins(emu: Emulator) -> None:
    async def run() -> None:
        async with make_sdk(emu, emu.create_key()) as app:
            created = await app.o_auth.create_auth_code_async(callback_url="http://localhost:3000/cb")
            minted = await app.o_auth.exchange_auth_code_for_api_key_async(code=created.data.id)
        async with make_sdk(emu, minted.key) as user:
            info = await user.api_keys.get_current_key_metadata_async()
        assert info.data.label == "openrouter-pkce emulator"

    asyncio.run(run())


def test_last_attribution_is_none_until_a_request_and_names_are_checked(emu: Emulator) -> None:
    for endpoint in ("exchange", "key_info", "create_auth_code"):
        assert emu.last_attribution(endpoint) is None  # type: ignore[arg-type]
    # Our own client without attribution: the request is recorded, every header absent.
    with pytest.raises(orp.UnauthorizedError):
        orp.key_info("sk-or-v1-unknown", base_url=emu.base_url)
    assert emu.last_attribution("key_info") == dict.fromkeys(
        ["http_referer", "x_openrouter_title", "x_title", "x_openrouter_categories"]
    )
    with pytest.raises(orp.InvalidArgumentError):
        emu.last_attribution("keyInfo")  # type: ignore[arg-type]
