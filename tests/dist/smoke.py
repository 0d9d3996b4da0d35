"""Smoke flow for an installed Python package (the dist checks run it with the interpreter under test).

usage: python smoke.py [full|exchange]
  full      PKCE vector, start/complete against the emulator, key info, the one-click login (BROWSER must
            point at core/tests/fixtures/fake-browser.sh) -- for real installs
  exchange  PKCE vector and one exchange against the emulator -- for foreign roots and emulated CPUs
Prints one JSON line; exits non-zero on any failure.
"""

import json
import sys

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

# RFC 7636 Appendix B.
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

mode = sys.argv[1] if len(sys.argv) > 1 else "full"
result = {"python": "%d.%d" % sys.version_info[:2], "module": orp.__file__, "version": orp.__version__}
assert orp.create_challenge(VERIFIER) == CHALLENGE, "RFC 7636 vector"
result["vector"] = True
with Emulator() as emu:
    request = orp.start_auth("http://localhost:3000/callback", base_url=emu.base_url)
    key = orp.complete_auth(request, emu.approve(request.url))
    assert key.key.startswith("sk-or-v1-") and key.key not in repr(key)
    result["exchange"] = True
    if mode == "full":
        assert orp.key_info(key, base_url=emu.base_url).label is not None
        one_click = orp.login(mode="loopback", base_url=emu.base_url, timeout=60)
        assert one_click.key.startswith("sk-or-v1-")
        result["login"] = True
print(json.dumps(result))
