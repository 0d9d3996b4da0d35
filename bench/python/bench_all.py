"""Every Python benchmark of `make bench`, in one process; prints one JSON object on stdout.

Needs the release build in the virtualenv (`maturin develop --release`) and the compared packages
(httpx, pkce, authlib), which `bench/run.py` installs. Usage: bench_all.py [--quick]
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import os
import pathlib
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from typing import Any, Callable, Dict, List, Tuple

import openrouter_pkce as orp
from openrouter_pkce.testing import Emulator

QUICK = "--quick" in sys.argv
ROOT = pathlib.Path(__file__).resolve().parents[2]
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CONCURRENCY = 100


def log(*a: object) -> None:
    print("[python]", *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- micro


def stdlib_pkce() -> Tuple[str, str]:
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")
    return verifier, challenge


def stdlib_challenge(v: str = VERIFIER) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(v.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def timeit_ns(fn: Callable[[], object], target_s: float = 0.2, repeat: int = 7) -> Dict[str, float]:
    """min and median per call (ns) over `repeat` timeit runs of ~target_s each."""
    fn()
    number = 1
    while True:
        t = timeit.timeit(fn, number=number)
        if t > target_s / 4 or number > 10_000_000:
            break
        number *= 4
    number = max(1, int(number * (target_s / max(t, 1e-9))))
    if QUICK:
        repeat = 3
    times = [t / number * 1e9 for t in timeit.repeat(fn, number=number, repeat=repeat)]
    return {"min_ns": min(times), "median_ns": statistics.median(times), "number": number, "repeat": repeat}


def micro() -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    gen: Dict[str, Callable[[], object]] = {
        "generate_pkce": orp.generate_pkce,
        "stdlib": stdlib_pkce,
    }
    try:
        import pkce  # type: ignore[import-not-found]

        gen["pypi_pkce"] = pkce.generate_pkce_pair
    except ImportError as e:
        log("no pkce:", e)
    try:
        from authlib.common.security import generate_token  # type: ignore[import-not-found]
        from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-not-found]

        def authlib_pair() -> Tuple[str, str]:
            v = generate_token(48)
            return v, create_s256_code_challenge(v)

        gen["authlib"] = authlib_pair
    except ImportError as e:
        log("no authlib:", e)
    for name, fn in gen.items():
        log("micro", name)
        out[name] = timeit_ns(fn)
    log("micro create_challenge")
    out["create_challenge"] = timeit_ns(lambda: orp.create_challenge(VERIFIER))
    out["hashlib_base64_challenge"] = timeit_ns(stdlib_challenge)
    assert orp.create_challenge(VERIFIER) == stdlib_challenge()
    return out


def import_cost() -> Dict[str, Any]:
    """`-X importtime` cumulative µs of openrouter_pkce (median of fresh processes) and RSS after import."""
    runs = []
    for _ in range(3 if QUICK else 9):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import openrouter_pkce"], capture_output=True, text=True
        ).stderr
        lines = [ln for ln in err.splitlines() if ln.rstrip().endswith("| openrouter_pkce")]
        runs.append(int(lines[-1].split("|")[1].strip()))
    rss_code = (
        "import sys\n"
        "def rss():\n"
        "    for l in open('/proc/self/status'):\n"
        "        if l.startswith('VmRSS:'): return int(l.split()[1])\n"
        "a = rss()\n"
        "if sys.argv[1] == '1': import openrouter_pkce\n"
        "print(a, rss())\n"
    )
    # Wall time of a fresh interpreter that imports the package, over one that does not (issue 18 item 7:
    # within 10 ms of a bare interpreter), the two alternated so that load on the machine hits both alike.
    deltas = []
    for _ in range(5 if QUICK else 31):
        walls = []
        for code in ("pass", "import openrouter_pkce"):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            walls.append(time.perf_counter() - t0)
        deltas.append((walls[1] - walls[0]) * 1e3)
    base = subprocess.run([sys.executable, "-c", rss_code, "0"], capture_output=True, text=True).stdout.split()
    after = subprocess.run([sys.executable, "-c", rss_code, "1"], capture_output=True, text=True).stdout.split()
    return {
        "import_us_median": statistics.median(runs),
        "import_us_min": min(runs),
        "import_runs": runs,
        "wall_over_bare_ms_median": statistics.median(deltas),
        "rss_kib_bare_python": int(base[1]),
        "rss_kib_after_import": int(after[1]),
    }


# ---------------------------------------------------------------- network


def pct(xs: List[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def summarize(lat_s: List[float], wall: float) -> Dict[str, float]:
    ms = [x * 1e3 for x in lat_s]
    return {"n": len(ms), "p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99), "per_s": len(ms) / wall}


def mint(emu: Emulator, n: int) -> List[Tuple[str, str]]:
    out = []
    for _ in range(n):
        p = orp.generate_pkce()
        out.append((emu.issue_code(p.code_challenge, "S256"), p.code_verifier))
    return out


def run_sync(emu: Emulator, n: int, call: Callable[[str, str], object], workers: int) -> Dict[str, float]:
    codes = mint(emu, n)
    lat: List[float] = []
    lock = threading.Lock()

    def one(cv: Tuple[str, str]) -> None:
        t = time.perf_counter()
        call(*cv)
        d = time.perf_counter() - t
        with lock:
            lat.append(d)

    t0 = time.perf_counter()
    if workers == 1:
        for cv in codes:
            one(cv)
    else:
        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            list(ex.map(one, codes))
    return summarize(lat, time.perf_counter() - t0)


async def run_async(emu: Emulator, n: int, call: Callable[[str, str], Any], workers: int) -> Dict[str, float]:
    codes = mint(emu, n)
    lat: List[float] = []

    async def worker() -> None:
        while codes:
            cv = codes.pop()
            t = time.perf_counter()
            await call(*cv)
            lat.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return summarize(lat, time.perf_counter() - t0)


def network() -> Dict[str, Any]:
    import httpx  # type: ignore[import-not-found]

    n_seq = 300 if QUICK else 2000
    n_conc = 1000 if QUICK else 5000
    out: Dict[str, Any] = {"n_seq": n_seq, "n_conc": n_conc, "concurrency": CONCURRENCY}
    with Emulator() as emu:
        url = emu.base_url + "/api/v1/auth/keys"
        ours = orp.Client(base_url=emu.base_url)
        hx = httpx.Client(limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY))

        def ours_sync(code: str, v: str) -> object:
            return ours.exchange_code(code, v, "S256")

        def httpx_sync(code: str, v: str) -> object:
            r = hx.post(url, json={"code": code, "code_verifier": v, "code_challenge_method": "S256"})
            r.raise_for_status()
            return r.json()["key"]

        # interleave the rounds so drift on the shared machine hits both alike; warm both pools first
        for name, fn in (("ours_sync", ours_sync), ("httpx_sync", httpx_sync)):
            run_sync(emu, 50, fn, 1)
            run_sync(emu, 200, fn, CONCURRENCY)
        for mode, n, workers in (("sequential", n_seq, 1), ("concurrent", n_conc, CONCURRENCY)):
            for name, fn in (("ours_sync", ours_sync), ("httpx_sync", httpx_sync)):
                log("network", name, mode)
                out[f"{name}/{mode}"] = run_sync(emu, n, fn, workers)
        hx.close()

        async def async_part() -> None:
            ahx = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
            )

            async def ours_async(code: str, v: str) -> object:
                return await ours.exchange_code_async(code, v, "S256")

            async def httpx_async(code: str, v: str) -> object:
                r = await ahx.post(url, json={"code": code, "code_verifier": v, "code_challenge_method": "S256"})
                r.raise_for_status()
                return r.json()["key"]

            for fn in (ours_async, httpx_async):
                await run_async(emu, 50, fn, 1)
                await run_async(emu, 200, fn, CONCURRENCY)
            for mode, n, workers in (("sequential", n_seq, 1), ("concurrent", n_conc, CONCURRENCY)):
                for name, fn in (("ours_async", ours_async), ("httpx_async", httpx_async)):
                    log("network", name, mode)
                    out[f"{name}/{mode}"] = await run_async(emu, n, fn, workers)
            await ahx.aclose()

        asyncio.run(async_part())
    return out


# ---------------------------------------------------------------- one-click login


def login_latency() -> Dict[str, Any]:
    n = 10 if QUICK else 60
    with tempfile.TemporaryDirectory() as d, Emulator() as emu:
        f = os.path.join(d, "t")
        os.environ["BENCH_CALLBACK_TIME_FILE"] = f
        os.environ["BROWSER"] = f"{sys.executable} {ROOT / 'bench' / 'timed-browser.py'}"
        lat = []
        t0 = time.perf_counter()
        for i in range(n + 3):
            if os.path.exists(f):
                os.unlink(f)
            key = orp.login(mode="loopback", host="127.0.0.1", base_url=emu.base_url, timeout=60)
            returned = time.time_ns()
            assert key.key.startswith("sk-or-v1-")
            recorded = int(pathlib.Path(f).read_text())
            if i >= 3:
                lat.append((returned - recorded) / 1e9)
        return summarize(lat, time.perf_counter() - t0)


def main() -> int:
    result: Dict[str, Any] = {
        "python": sys.version.split()[0],
        "openrouter_pkce": orp.__version__,
    }
    for mod in ("httpx", "pkce", "authlib"):
        try:
            from importlib.metadata import version

            result[f"{mod}_version"] = version(mod)
        except Exception:
            result[f"{mod}_version"] = None
    parts = sys.argv[1:] and [a for a in sys.argv[1:] if not a.startswith("--")] or ["micro", "import", "network", "login"]
    if "micro" in parts:
        result["micro"] = micro()
    if "import" in parts:
        log("import cost")
        result["import"] = import_cost()
    if "network" in parts:
        result["network"] = network()
    if "login" in parts:
        log("login latency")
        result["login"] = login_latency()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
