"""generate_pkce() against a hand-rolled stdlib version and, if installed, the PyPI `pkce` package.

Run with a release build: `make python-bench` (maturin develop --release, then this script).
Prints min and median per call over several timeit repeats, and the speed-up over the stdlib.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import statistics
import subprocess
import sys
import timeit
from typing import Callable, Dict, List, Tuple

import openrouter_pkce


def stdlib_pkce() -> Tuple[str, str]:
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")
    return verifier, challenge


def measure(fn: Callable[[], object], number: int, repeat: int) -> Tuple[float, float]:
    times = [t / number for t in timeit.repeat(fn, number=number, repeat=repeat)]
    return min(times), statistics.median(times)


def main() -> int:
    number, repeat = 100_000, 7
    candidates: Dict[str, Callable[[], object]] = {
        "openrouter_pkce.generate_pkce()": openrouter_pkce.generate_pkce,
        "openrouter_pkce.generate_pkce(43, 'S256')": lambda: openrouter_pkce.generate_pkce(43, "S256"),
        "stdlib (secrets + hashlib + base64)": stdlib_pkce,
    }
    try:
        import pkce  # type: ignore[import-not-found]

        candidates["pypi pkce.generate_pkce_pair()"] = pkce.generate_pkce_pair
    except ImportError:
        print("(PyPI `pkce` not installed: `pip install pkce` to compare it too)")

    results: List[Tuple[str, float, float]] = []
    for name, fn in candidates.items():
        fn()
        best, median = measure(fn, number, repeat)
        results.append((name, best, median))

    stdlib_best = next(b for n, b, _ in results if n.startswith("stdlib"))
    print(f"python {sys.version.split()[0]}, {number} calls x {repeat} repeats, per call:")
    print(f"{'':45} {'min':>9} {'median':>9} {'vs stdlib':>10}")
    for name, best, median in results:
        print(f"{name:45} {best * 1e6:7.3f}µs {median * 1e6:7.3f}µs {stdlib_best / best:9.1f}x")

    import_time = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import openrouter_pkce"], capture_output=True, text=True
    ).stderr.strip().splitlines()
    total = [line for line in import_time if line.rstrip().endswith("| openrouter_pkce")]
    if total:
        print("import openrouter_pkce (cumulative µs):", total[-1].split("|")[1].strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
