""""Connect OpenRouter" in a FastAPI app, the pending flow sealed into a cookie: no session store, any
instance behind the load balancer finishes a flow another one started.

    export OPENROUTER_PKCE_SECRETS="$(openssl rand -base64 32)"   # the same on every instance
    OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> python examples/fastapi/sealed_cookie.py

``OPENROUTER_PKCE_SECRETS`` is a comma-separated list: the first seals, every one opens (rotation: put the
new secret first, keep the old one until the flows it sealed have expired, 10 minutes).
"""

from __future__ import annotations

import html
import os

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

import openrouter_pkce as orp

FLOW_COOKIE = "openrouter_flow"
UPSTREAM = {"NETWORK", "TIMEOUT", "SERVER_ERROR", "RATE_LIMITED", "MALFORMED_RESPONSE", "UNEXPECTED_STATUS"}


def page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><meta charset="utf-8"><title>Connect OpenRouter</title><body>{body}</body>',
        status_code=status,
    )


def create_app(*, public_url: str, secrets: list[str], base_url: str | None = None) -> FastAPI:
    """The app. ``public_url``: where users reach it (the load balancer); ``secrets``: first one seals."""
    app = FastAPI()
    secure = public_url.startswith("https://")
    keys: dict[str, str] = {}  # your database (encrypt the key at rest)

    def current_user(request: Request) -> str:
        # A stand-in for your app's own login session.
        return request.cookies.get("user", "demo-user")

    @app.get("/login")
    def login(request: Request) -> RedirectResponse:
        flow = orp.start_auth(
            f"{public_url}/callback", key_label=f"Example app ({current_user(request)})", base_url=base_url
        )
        response = RedirectResponse(flow.url, status_code=302)
        # HttpOnly: no script reads it; SameSite=Lax: sent on OpenRouter's top-level redirect back.
        response.set_cookie(
            FLOW_COOKIE, flow.seal(secrets), max_age=600, path="/", httponly=True, samesite="lax", secure=secure
        )
        return response

    @app.get("/callback")
    async def callback(request: Request) -> HTMLResponse:
        sealed = request.cookies.get(FLOW_COOKIE)
        if not sealed:
            response = page('<p data-code="NO_FLOW">No login in progress.</p><a href="/login">Start again</a>', 400)
        else:
            try:
                # Whatever the browser sent: with secrets only a sealed flow opens, and the exchange goes to
                # our base_url, never to one read from the cookie.
                key = await orp.complete_auth_async(
                    sealed, "?" + request.url.query, secrets=secrets, base_url=base_url
                )
                user = current_user(request)
                keys[user] = key.key
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
        response.delete_cookie(FLOW_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
        return response

    return app


def secrets_from_env() -> list[str]:
    """``OPENROUTER_PKCE_SECRETS``, comma-separated."""
    return [s.strip() for s in os.environ.get("OPENROUTER_PKCE_SECRETS", "").split(",") if s.strip()]


if __name__ == "__main__":
    PORT = int(os.environ.get("PORT", "8000"))
    app = create_app(
        public_url=os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{PORT}"),
        secrets=secrets_from_env(),
        base_url=os.environ.get("OPENROUTER_PKCE_BASE_URL"),
    )
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning")
