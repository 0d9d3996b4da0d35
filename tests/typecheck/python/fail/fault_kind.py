from openrouter_pkce.testing import Emulator


def main(emu: Emulator) -> None:
    emu.inject_fault("exchange", "stauts")  # E: arg-type
