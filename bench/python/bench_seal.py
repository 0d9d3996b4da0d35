"""Benchmark: sealing a flow and opening it again — ours (``request.seal`` + ``AuthRequest.unseal``, which
derive the key from the secret with HKDF on every call) against PyPI ``joserfc`` (``jwt.encode`` +
``jwt.decode`` of the same JWE, key derived once ahead of time). Prints one JSON line on stdout.
Usage: python bench/python/bench_seal.py [--quick]"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
from typing import Callable, Dict

from joserfc import jwt
from joserfc.jwe import JWERegistry
from joserfc.jwk import OctKey

import openrouter_pkce as orp

QUICK = "--quick" in sys.argv
N = 300 if QUICK else 3000
ROUNDS = 3 if QUICK else 7
SECRET = "a benchmark sealing secret of at least 32 bytes"


def hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(b"\x00" * 32, secret, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


KEY = OctKey.import_key(hkdf(SECRET.encode(), b"openrouter-pkce sealed flow v1 A256GCM", 32))
REGISTRY = JWERegistry()
REQ = orp.start_auth("https://app.example.com/callback", key_label="My app")
CLAIMS = {
    "v": 1,
    "url": REQ.url,
    "callback_url": REQ.callback_url,
    "code_verifier": REQ.code_verifier,
    "code_challenge_method": REQ.code_challenge_method,
    "state": REQ.state,
    "created_at": REQ.created_at,
    "base_url": REQ.base_url,
}
HEADER = {"alg": "dir", "enc": "A256GCM", "typ": "or-pkce-flow+jwt"}


def ours() -> int:
    return len(orp.AuthRequest.unseal(REQ.seal(SECRET), SECRET).state)


def joserfc_round() -> int:
    now = int(time.time())
    token = jwt.encode(HEADER, {**CLAIMS, "iat": now, "exp": now + 600}, KEY, algorithms=["dir", "A256GCM"], registry=REGISTRY)
    return len(jwt.decode(token, KEY, algorithms=["dir", "A256GCM"], registry=REGISTRY).claims["state"])


def bench(fn: Callable[[], int]) -> Dict[str, float]:
    sink = 0
    for _ in range(N // 5):
        sink += fn()
    rounds = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter_ns()
        for _ in range(N):
            sink += fn()
        rounds.append((time.perf_counter_ns() - t0) / N / 1000)
    rounds.sort()
    return {"min_us": rounds[0], "median_us": rounds[len(rounds) // 2]}


result: Dict[str, object] = {"ours": bench(ours), "joserfc": bench(joserfc_round), "token_chars": len(REQ.seal(SECRET))}
result["ratio"] = result["joserfc"]["min_us"] / result["ours"]["min_us"]  # type: ignore[index]
print(f"[python seal] ours {result['ours']['min_us']:.1f} µs, joserfc {result['joserfc']['min_us']:.1f} µs per seal+unseal "  # type: ignore[index]
      f"({result['ratio']:.1f}×)", file=sys.stderr)
print(json.dumps(result))
