""""Connect OpenRouter" in a FastAPI app with a server-side session in Redis (redis-py asyncio): the
pending flow stays on the server, the browser holds only a random session id.

    REDIS_URL=redis://127.0.0.1:6379 OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> \
        python examples/fastapi/redis_session.py
"""

from __future__ import annotations

import html
import os
import secrets as random

import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from redis.exceptions import RedisError

import openrouter_pkce as orp

SESSION_COOKIE = "sid"
PREFIX = "orpkce-example:"
UPSTREAM = {"NETWORK", "TIMEOUT", "SERVER_ERROR", "RATE_LIMITED", "MALFORMED_RESPONSE", "UNEXPECTED_STATUS"}


def page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><meta charset="utf-8"><title>Connect OpenRouter</title><body>{body}</body>',
        status_code=status,
    )


def create_app(*, public_url: str, redis_url: str, base_url: str | None = None) -> FastAPI:
    """The app. ``public_url``: where users reach it (the load balancer)."""
    app = FastAPI()
    secure = public_url.startswith("https://")
    # Short timeouts: while Redis is down a request gets a 503 at once; the pool reconnects by itself.
    store = aioredis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2, decode_responses=True)

    def current_user(request: Request) -> str:
        # A stand-in for your app's own login session.
        return request.cookies.get("user", "demo-user")

    @app.exception_handler(RedisError)
    async def store_unavailable(request: Request, exc: RedisError) -> HTMLResponse:
        return page(
            '<p data-code="STORE_UNAVAILABLE">The session store is unavailable right now. '
            "Please try again in a moment.</p>",
            503,
        )

    @app.get("/login")
    async def login(request: Request) -> RedirectResponse:
        flow = orp.start_auth(
            f"{public_url}/callback", key_label=f"Example app ({current_user(request)})", base_url=base_url
        )
        sid = random.token_urlsafe(32)
        await store.set(f"{PREFIX}flow:{sid}", flow.to_json(), ex=600)  # server-side: it holds the verifier
        response = RedirectResponse(flow.url, status_code=302)
        response.set_cookie(SESSION_COOKIE, sid, max_age=600, path="/", httponly=True, samesite="lax", secure=secure)
        return response

    @app.get("/callback")
    async def callback(request: Request) -> HTMLResponse:
        sid = request.cookies.get(SESSION_COOKIE, "")
        # GETDEL: the flow is used once, even when two callbacks race on two instances.
        saved = await store.getdel(f"{PREFIX}flow:{sid}") if sid else None
        if saved is None:
            response = page('<p data-code="NO_FLOW">No login in progress.</p><a href="/login">Start again</a>', 400)
        else:
            try:
                flow = orp.AuthRequest.from_json(saved)
                # The exchange goes to our base_url, never to one read back from the store.
                key = await orp.complete_auth_async(flow, "?" + request.url.query, base_url=base_url)
                user = current_user(request)
                await store.set(f"{PREFIX}key:{user}", key.key)  # your database; encrypt at rest
                info = await orp.key_info_async(key, base_url=base_url)
                response = page(
                    f'<p data-code="OK">Connected for <b data-user>{html.escape(user)}</b>: '
                    f"<code>{html.escape(key.masked)}</code> (<span data-label>{html.escape(info.label or '')}</span>)</p>"
                    f'<p><a href="{html.escape(key.settings_url)}">Manage this key</a></p>'
                )
            except orp.OpenRouterPkceError as e:
                response = page(
                    f'<p data-code="{html.escape(e.code)}">Login failed ({html.escape(e.code)}): {html.escape(str(e))}</p>'
                    '<a href="/login">Try again</a>',
                    502 if e.code in UPSTREAM else 400,
                )
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
        return response

    return app


if __name__ == "__main__":
    PORT = int(os.environ.get("PORT", "8000"))
    app = create_app(
        public_url=os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{PORT}"),
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"),
        base_url=os.environ.get("OPENROUTER_PKCE_BASE_URL"),
    )
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning")
