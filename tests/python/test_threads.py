"""Many threads generating PKCE pairs and exchanging at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator


def test_threads_generate_and_exchange(emu: Emulator) -> None:
    client = orp.Client(emu.base_url)

    def work(i: int) -> "tuple[str, str]":
        p = orp.generate_pkce()
        code = emu.issue_code(p.code_challenge, "S256")
        fn = client.exchange_code if i % 2 else (lambda c, v: orp.exchange_code(c, v, base_url=emu.base_url))
        key = fn(code, p.code_verifier)
        return p.code_verifier, key.key

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(work, range(256)))
    assert len({v for v, _ in results}) == 256
    assert len({k for _, k in results}) == 256
    assert emu.request_count("exchange") == 256
