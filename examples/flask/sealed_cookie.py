""""Connect OpenRouter" in a Flask app, the pending flow sealed into a cookie.

Flask's own ``session`` is signed but readable by the browser: never put ``request.to_dict()`` (it holds the
PKCE verifier) there. A sealed flow is encrypted.

    export OPENROUTER_PKCE_SECRETS="$(openssl rand -base64 32)"   # the same on every instance
    OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> python examples/flask/sealed_cookie.py
"""

from __future__ import annotations

import os

from flask import Flask, make_response, redirect, request
from markupsafe import escape

import openrouter_pkce as orp

FLOW_COOKIE = "openrouter_flow"
UPSTREAM = {"NETWORK", "TIMEOUT", "SERVER_ERROR", "RATE_LIMITED", "MALFORMED_RESPONSE", "UNEXPECTED_STATUS"}


def page(body: str) -> str:
    return f'<!doctype html><meta charset="utf-8"><title>Connect OpenRouter</title><body>{body}</body>'


def create_app(*, public_url: str, secrets: list[str], base_url: str | None = None) -> Flask:
    """The app. ``public_url``: where users reach it (the load balancer); ``secrets``: first one seals."""
    app = Flask(__name__)
    secure = public_url.startswith("https://")
    keys: dict[str, str] = {}  # your database (encrypt the key at rest)

    def current_user() -> str:
        # A stand-in for your app's own login session.
        return request.cookies.get("user", "demo-user")

    @app.get("/login")
    def login():  # type: ignore[no-untyped-def]
        flow = orp.start_auth(f"{public_url}/callback", key_label=f"Example app ({current_user()})", base_url=base_url)
        response = redirect(flow.url, code=302)
        response.set_cookie(
            FLOW_COOKIE, flow.seal(secrets), max_age=600, path="/", httponly=True, samesite="Lax", secure=secure
        )
        return response

    @app.get("/callback")
    def callback():  # type: ignore[no-untyped-def]
        sealed = request.cookies.get(FLOW_COOKIE)
        if not sealed:
            response = make_response(page('<p data-code="NO_FLOW">No login in progress.</p><a href="/login">Start again</a>'), 400)
        else:
            try:
                # Whatever the browser sent: with secrets only a sealed flow opens, and the exchange goes to
                # our base_url, never to one read from the cookie.
                query = "?" + request.query_string.decode("ascii", "replace")
                key = orp.complete_auth(sealed, query, secrets=secrets, base_url=base_url)
                keys[current_user()] = key.key
                info = orp.key_info(key, base_url=base_url)
                response = make_response(
                    page(
                        f'<p data-code="OK">Connected for <b data-user>{escape(current_user())}</b>: '
                        f"<code>{escape(key.masked)}</code> (<span data-label>{escape(info.label or '')}</span>)</p>"
                        f'<p><a href="{escape(key.settings_url)}">Manage this key</a></p>'
                    )
                )
            except orp.OpenRouterPkceError as e:
                response = make_response(
                    page(f'<p data-code="{escape(e.code)}">Login failed ({escape(e.code)}): {escape(str(e))}</p><a href="/login">Try again</a>'),
                    502 if e.code in UPSTREAM else 400,
                )
        response.delete_cookie(FLOW_COOKIE, path="/", httponly=True, samesite="Lax", secure=secure)
        return response

    return app


def secrets_from_env() -> list[str]:
    """``OPENROUTER_PKCE_SECRETS``, comma-separated."""
    return [s.strip() for s in os.environ.get("OPENROUTER_PKCE_SECRETS", "").split(",") if s.strip()]


if __name__ == "__main__":
    PORT = int(os.environ.get("PORT", "5000"))
    app = create_app(
        public_url=os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{PORT}"),
        secrets=secrets_from_env(),
        base_url=os.environ.get("OPENROUTER_PKCE_BASE_URL"),
    )
    app.run(host="127.0.0.1", port=PORT)
