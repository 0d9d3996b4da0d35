"""examples/flask/sealed_cookie.py against the emulator, through Flask's own test client (a real Flask app,
real cookies): the flow travels sealed in the cookie, errors are escaped pages."""

from __future__ import annotations

import importlib.util
import pathlib
import urllib.request
from types import ModuleType

import pytest

from openrouter_pkce.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECRET = "an example sealing secret, 32 bytes or more"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flask_sealed_cookie", ROOT / "examples" / "flask" / "sealed_cookie.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def consent(auth_url: str) -> str:
    """Play the browser at the emulator's /auth: the Location it redirects to."""
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(auth_url)
    info.value.close()
    assert info.value.code in (302, 303)
    return str(info.value.headers["Location"])


def test_flask_sealed_cookie_flow(emu: Emulator) -> None:
    app = load_example().create_app(public_url="http://localhost:5000", secrets=[SECRET], base_url=emu.base_url)
    client = app.test_client()
    client.set_cookie("user", "<b>eve</b>")
    login = client.get("/login")
    assert login.status_code == 302
    set_cookie = login.headers["Set-Cookie"]
    assert set_cookie.startswith("openrouter_flow=eyJ")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Secure" not in set_cookie
    callback = consent(login.headers["Location"])
    assert callback.startswith("http://localhost:5000/callback?")
    path = callback[len("http://localhost:5000") :]

    other = app.test_client()  # another browser, with its own flow
    other.get("/login")
    crossed = other.get(path)
    assert crossed.status_code == 400 and b'data-code="STATE_MISMATCH"' in crossed.data

    done = client.get(path)
    html = done.data.decode()
    assert done.status_code == 200, html
    assert 'data-code="OK"' in html and "sk-or-v1-" in html and "…" in html
    assert "&lt;b&gt;eve&lt;/b&gt;" in html and "<b>eve</b>" not in html
    assert "openrouter_flow=;" in done.headers["Set-Cookie"]
    assert emu.request_count("exchange") == 1

    # The cookie was cleared: a second visit has no flow.
    again = client.get(path)
    assert again.status_code == 400 and b"No login in progress" in again.data
