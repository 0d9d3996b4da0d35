"""The one-click login in Python, against the in-process emulator of OpenRouter.

Run: `make python-demo`. The browser is simulated: `BROWSER` points at a script that follows the
redirects (OpenRouter's approval, then the loopback callback), as a browser would after you approve.
"""

import os
import pathlib

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

root = pathlib.Path(__file__).resolve().parents[2]
os.environ.setdefault("BROWSER", str(root / "core" / "tests" / "fixtures" / "fake-browser.sh"))

with Emulator() as emu:
    key = orp.login(base_url=emu.base_url, key_label="demo", timeout=60)  # the whole flow, one call
    print("got", key)  # masked: the secret is only in key.key
    info = orp.key_info(key, base_url=emu.base_url)
    print("label:", info.label, "| limit:", info.limit, "| usage:", info.usage)
    print("manage or revoke it at", key.settings_url)
