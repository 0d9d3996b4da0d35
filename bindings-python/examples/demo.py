"""A whole flow in Python against the in-process emulator: start_auth → (browser) → complete_auth.

Run: `make python-demo` (or `python bindings-python/examples/demo.py` with the package installed).
"""

import asyncio

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

with Emulator() as emu:
    request = orp.start_auth("http://localhost:3000/callback", key_label="demo", base_url=emu.base_url)
    print("1. send the user to:", request.url)
    callback = emu.approve(request.url)  # what the browser would do
    print("2. the browser came back to the callback")
    key = orp.complete_auth(request, callback)
    print("3. got", key, "— settings:", key.settings_url)
    info = orp.key_info(key, base_url=emu.base_url)
    print("4. key info: label", repr(info.label), "free tier", info.is_free_tier)

    async def async_round() -> None:
        req = orp.start_auth("http://localhost:3000/callback", base_url=emu.base_url)
        k = await orp.complete_auth_async(req, emu.approve(req.url))
        print("5. async twin got", k)

    asyncio.run(async_round())
