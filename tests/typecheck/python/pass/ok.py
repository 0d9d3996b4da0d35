# Correct spellings type-check: the must-fail files next door fail for their typo only.
import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator


def main(emu: Emulator) -> None:
    request = orp.start_auth("http://localhost:3000/callback", method="S256")
    session: orp.AuthRequestDict = request.to_dict()
    print(session["code_verifier"] != "", orp.generate_pkce(method="plain"))
    emu.inject_fault("exchange", "status", status=500)
    try:
        orp.login(mode="loopback", base_url=emu.base_url)
    except orp.OpenRouterPkceError as e:
        if e.code == "INVALID_CODE":
            print("restart the flow")
