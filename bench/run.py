#!/usr/bin/env python3
"""`make bench`: run every benchmark (Rust, Python, Node; one process per language, one run) and write
docs/benchmarks.md with the machine, versions, date, absolute numbers, ratios and PASS/FAIL per target.

Expects the release builds made by `make bench` (mk/bench.mk): the extension in .venv (maturin develop
--release), the wheel in dist/, the Node addon (npm run build), the `bench_login` example and the CLI.
Installs the compared Python packages (httpx, pkce, authlib) into .venv itself.

Options: --quick (fewer iterations; a smoke run, not for the table), --skip-rust/--skip-python/--skip-node/
--skip-js-runtimes, --js-runtimes-only (run only bench/js/ — Chromium, workerd — and replace that section and its
target rows in the existing report),
--out PATH (default docs/benchmarks.md). Raw results go to $CARGO_TARGET_DIR/bench-results.json.
"""

from __future__ import annotations

import datetime
import glob
import json
import os
import pathlib
import platform
import shlex
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
VENV_PY = ROOT / ".venv" / "bin" / "python"
QUICK = "--quick" in sys.argv
CARGO = os.environ.get("CARGO", "cargo")
COLD_BUILD_FILE = ROOT / "bench" / "cold-build.json"
BENCH_PY_DEPS = ["httpx", "pkce", "authlib"]


def log(*a: object) -> None:
    print("[bench]", *a, file=sys.stderr, flush=True)


def sh(cmd: List[str], **kw: Any) -> str:
    log("$", " ".join(shlex.quote(str(c)) for c in cmd))
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def try_out(cmd: List[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception as e:  # noqa: BLE001
        return f"? ({e})"


def run_json(cmd: List[str], env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Run a per-language harness: its stderr streams through, its last stdout line is the JSON result."""
    log("$", " ".join(shlex.quote(str(c)) for c in cmd))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=ROOT,
                       env={**os.environ, **(env or {})})
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- machine and versions


def machine() -> Dict[str, str]:
    lscpu = try_out(["lscpu"])
    info = dict(line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
    model = info.get("Model name", platform.processor()).strip()
    mem_kib = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:")), 0)
    return {
        "cpu": model,
        "cores": f"{os.cpu_count()} logical CPUs ({info.get('Thread(s) per core', '?').strip()} thread(s) per core)",
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "load": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def versions() -> Dict[str, str]:
    return {
        "rustc": try_out(["rustc", "--version"]),
        "python": try_out([str(VENV_PY), "--version"]),
        "node": try_out(["node", "--version"]),
        "npm": try_out(["npm", "--version"]),
    }


# ---------------------------------------------------------------- Rust


CRITERION_ROWS = [
    ("core/create_verifier", "verifier generation (43 chars)"),
    ("core/create_challenge", "challenge (S256) of a given verifier"),
    ("core/verify_challenge", "verify (constant-time compare)"),
    ("core/generate_pkce", "generate_pkce (verifier + challenge, owned strings)"),
    ("core/generate_default_into", "generate into caller buffers (no allocation)"),
    ("stdlike/generate_pkce_getrandom_per_pair", "hand-rolled: getrandom per pair + sha2 + base64"),
    ("core/auth_url", "auth URL building (all parameters)"),
    ("core/start_auth", "start_auth (PKCE + state + URL)"),
    ("core/seal", "seal a flow (JWE dir + A256GCM, key derived once)"),
    ("core/unseal", "unseal a flow (key derived once)"),
    ("core/seal_secrets_new", "derive a sealing key from a secret (HKDF-SHA256, 2 expansions)"),
]


def rust() -> Dict[str, Any]:
    args = ["--warm-up-time", "1", "--measurement-time", "2" if QUICK else "5"]
    subprocess.run([CARGO, "bench", "-p", "openrouter-pkce", "--bench", "pkce", "--", *args], check=True,
                   cwd=ROOT, stdout=sys.stderr)
    crit: Dict[str, Any] = {}
    for name, _ in CRITERION_ROWS:
        path = TARGET / "criterion" / name.replace("/", "_") / "new" / "estimates.json"
        if not path.exists():  # older criterion keeps the slash as a directory
            path = TARGET / "criterion" / name / "new" / "estimates.json"
        est = json.loads(path.read_text())
        crit[name] = {"median_ns": est["median"]["point_estimate"], "mean_ns": est["mean"]["point_estimate"],
                      "lo_ns": est["median"]["confidence_interval"]["lower_bound"],
                      "hi_ns": est["median"]["confidence_interval"]["upper_bound"]}
    example = TARGET / "release" / "examples" / "bench_login"
    n_ex, n_login = ("300", "10") if QUICK else ("2000", "60")
    out: Dict[str, Any] = {"criterion": crit}
    out["network"] = run_json([str(example), "exchange", n_ex, "100"])
    browser = f"{VENV_PY} {ROOT / 'bench' / 'timed-browser.py'}"
    out["login"] = run_json([str(example), "login", n_login, browser])
    return out


# ---------------------------------------------------------------- artifacts


def artifacts() -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    wheels = sorted(glob.glob(str(ROOT / "dist" / "*.whl")), key=os.path.getmtime)
    if wheels:
        out["wheel"] = (pathlib.Path(wheels[-1]).name, os.path.getsize(wheels[-1]))
    nodes = sorted(glob.glob(str(ROOT / "bindings-node" / "*.node")), key=os.path.getmtime)
    if nodes:
        out["node_addon"] = (pathlib.Path(nodes[-1]).name, os.path.getsize(nodes[-1]))
    cli = TARGET / "release" / "openrouter-pkce"
    if cli.exists():
        out["cli"] = ("openrouter-pkce", cli.stat().st_size)
    if COLD_BUILD_FILE.exists():
        out["cold_build"] = json.loads(COLD_BUILD_FILE.read_text())
    return out


# ---------------------------------------------------------------- report


def fmt_ns(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def pf(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("**PASS**" if ok else "**FAIL**")


class Report:
    def __init__(self) -> None:
        self.lines: List[str] = []
        self.targets: List[Tuple[str, str, str, Optional[bool]]] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def table(self, head: List[str], rows: List[List[str]]) -> None:
        self.add("| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|")
        for r in rows:
            self.add("| " + " | ".join(r) + " |")
        self.add("")

    def target(self, what: str, goal: str, measured: str, ok: Optional[bool]) -> str:
        self.targets.append((what, goal, measured, ok))
        return pf(ok)


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return None if not a or not b else a / b


def write_report(res: Dict[str, Any], out_path: pathlib.Path) -> None:
    r = Report()
    m, v = res["machine"], res["versions"]
    py, nd, rs = res.get("python"), res.get("node"), res.get("rust")
    r.add("# Benchmarks", "",
          "Generated by `make bench` (`bench/run.py`); do not edit by hand. "
          f"{'**Quick smoke run — not representative.** ' if QUICK else ''}",
          "",
          "**Read the ratios, not the absolute times.** This machine is shared: other builds were running during "
          "the run (load average at start: " + m["load"] + "). Every comparison is made in one process per "
          "language, in one run, with the two sides measured back to back, so noise hits both alike; absolute "
          "numbers are given for scale only. Micro-benchmarks report the minimum (least disturbed) and the "
          "median of several repeats; ratios use the minimum.", "")
    r.add("## Machine and versions", "")
    r.table(["", ""], [
        ["date", res["date"]], ["CPU", m["cpu"]], ["cores", m["cores"]], ["RAM", m["ram"]], ["OS", m["os"]],
        ["rustc", v["rustc"]], ["python", v["python"]], ["node", v["node"] + f" (npm {v['npm']})"],
        ["openrouter-pkce", (py or {}).get("openrouter_pkce") or (nd or {}).get("openrouter_pkce") or "?"],
        ["compared (Python)", ", ".join(f"{k} {(py or {}).get(k + '_version')}" for k in BENCH_PY_DEPS)],
        ["compared (Node)", f"pkce-challenge {(nd or {}).get('pkce_challenge_version')}, fetch = undici "
                            f"{(nd or {}).get('undici_version')} (built into node)"],
    ])

    # ---- Rust
    core_gen = None
    if rs:
        crit = rs["criterion"]
        core_gen = crit["core/generate_pkce"]["median_ns"]
        r.add("## 1. Rust core (criterion)", "",
              "`cargo bench -p openrouter-pkce --bench pkce`; median and its 95 % confidence interval.", "")
        r.table(["operation", "median", "95 % CI"], [
            [f"{label} (`{name}`)", fmt_ns(crit[name]["median_ns"]),
             f"{fmt_ns(crit[name]['lo_ns'])} – {fmt_ns(crit[name]['hi_ns'])}"] for name, label in CRITERION_ROWS])
        stdlike = crit["stdlike/generate_pkce_getrandom_per_pair"]["median_ns"]
        r.add(f"The core's `generate_pkce` is {stdlike / core_gen:.1f}× faster than the hand-rolled Rust "
              "version with one `getrandom` syscall per pair (the core uses a userspace CSPRNG seeded from the "
              "OS and reseeded in a forked child).", "")

    # ---- Python
    if py:
        mi = py["micro"]
        ours = mi["generate_pkce"]["min_ns"]
        r.add("## 2. Python", "", "`timeit` with 7 repeats of ~0.2 s each; per call.", "")
        rows = []
        labels = {"generate_pkce": "`openrouter_pkce.generate_pkce()`",
                  "stdlib": "stdlib hand-rolled (`secrets.token_urlsafe(32)` + `hashlib` + `base64`)",
                  "pypi_pkce": "PyPI `pkce.generate_pkce_pair()`",
                  "authlib": "authlib `generate_token(48)` + `create_s256_code_challenge`"}
        for k, label in labels.items():
            if k in mi:
                rows.append([label, fmt_ns(mi[k]["min_ns"]), fmt_ns(mi[k]["median_ns"]),
                             "1.0×" if k == "generate_pkce" else f"{mi[k]['min_ns'] / ours:.1f}×"])
        r.table(["generate a verifier + challenge", "min", "median", "time vs ours"], rows)
        cc, hb = mi["create_challenge"]["min_ns"], mi["hashlib_base64_challenge"]["min_ns"]
        r.table(["challenge of a given verifier", "min", "median", "time vs ours"], [
            ["`openrouter_pkce.create_challenge(v)`", fmt_ns(cc), fmt_ns(mi["create_challenge"]["median_ns"]), "1.0×"],
            ["`hashlib.sha256` + `base64.urlsafe_b64encode`", fmt_ns(hb),
             fmt_ns(mi["hashlib_base64_challenge"]["median_ns"]), f"{hb / cc:.1f}×"]])
        im = py["import"]
        r.table(["import", "value"], [
            ["`import openrouter_pkce` (`-X importtime` cumulative, median of fresh processes)",
             f"{im['import_us_median'] / 1e3:.1f} ms (min {im['import_us_min'] / 1e3:.1f} ms)"],
            ["`python -c 'import openrouter_pkce'` over `python -c pass` (wall time, median of alternated runs)",
             f"{im['wall_over_bare_ms_median']:.1f} ms" if "wall_over_bare_ms_median" in im else "not measured"],
            ["resident memory after import (bare interpreter)",
             f"{im['rss_kib_after_import'] / 1024:.1f} MiB ({im['rss_kib_bare_python'] / 1024:.1f} MiB; "
             f"+{(im['rss_kib_after_import'] - im['rss_kib_bare_python']) / 1024:.1f} MiB)"]])

    # ---- Node
    if nd:
        mi = nd["micro"]
        ours = mi["generatePkce"]["min_ns"]
        r.add("## 3. Node", "",
              "A hand loop calibrated to ~0.2 s per round, 7 rounds (`process.hrtime.bigint`), min and median "
              "per call; `pkce-challenge` is async (WebCrypto), measured with `await` in the loop.", "")
        rows = [["`generatePkce()`", fmt_ns(ours), fmt_ns(mi["generatePkce"]["median_ns"]), "1.0×"],
                ["hand-rolled `node:crypto` (`randomBytes(32)` + `createHash`)", fmt_ns(mi["node_crypto"]["min_ns"]),
                 fmt_ns(mi["node_crypto"]["median_ns"]), f"{mi['node_crypto']['min_ns'] / ours:.1f}×"],
                ["`pkce-challenge` (`await pkceChallenge()`)", fmt_ns(mi["pkce_challenge"]["min_ns"]),
                 fmt_ns(mi["pkce_challenge"]["median_ns"]), f"{mi['pkce_challenge']['min_ns'] / ours:.1f}×"]]
        r.table(["generate a verifier + challenge", "min", "median", "time vs ours"], rows)
        cc, ch = mi["createChallenge"]["min_ns"], mi["createHash"]["min_ns"]
        r.table(["challenge of a given verifier", "min", "median", "time vs ours"], [
            ["`createChallenge(v)`", fmt_ns(cc), fmt_ns(mi["createChallenge"]["median_ns"]), "1.0×"],
            ["`createHash('sha256').update(v).digest('base64url')`", fmt_ns(ch), fmt_ns(mi["createHash"]["median_ns"]),
             f"{ch / cc:.1f}×"]])
        rq = nd["require"]
        r.table(["require", "value"], [
            ["`require('openrouter-pkce')` (fresh process, median)",
             f"{rq['require_ms_median']:.1f} ms (min {rq['require_ms_min']:.1f} ms)"],
            ["resident memory after require (bare node)",
             f"{rq['rss_kib_after_require'] / 1024:.1f} MiB ({rq['rss_kib_bare_node'] / 1024:.1f} MiB)"]])
        net = nd["network"]
        r.add("Event-loop delay: `perf_hooks.monitorEventLoopDelay({resolution: 1})` enabled while 1,000 exchanges "
              "are started in one tick and awaited together; \"start\" is that synchronous first tick.", "")
        r.table(["event-loop delay during 1,000 concurrent exchanges", "p50", "p99", "max", "start (sync)", "wall"], [
            [name, f"{net[f'eventloop/{k}']['p50_ms']:.2f} ms", f"{net[f'eventloop/{k}']['p99_ms']:.2f} ms",
             f"{net[f'eventloop/{k}']['max_ms']:.2f} ms", f"{net[f'eventloop/{k}'].get('launch_ms', float('nan')):.1f} ms",
             f"{net[f'eventloop/{k}']['wall_ms']:.0f} ms"]
            for k, name in (("ours", "`Client.exchangeCode`"), ("fetch", "`fetch` (undici)"))])
        loaded = nd.get("eventloop_loaded")
        if loaded:
            r.add(f"The same 1,000 concurrent `Client.exchangeCode` calls with {loaded['busy']} CPU-bound processes "
                  "(`node -e 'for(;;){}'`) running beside them, one row per round (a warm-up round first, not shown). "
                  "Every promise of the binding is napi-rs's own (one threadsafe function per call).", "")
            r.table(["round", "p50", "p99", "max", "wall"], [
                [str(i + 1), f"{x['p50_ms']:.2f} ms", f"{x['p99_ms']:.2f} ms", f"{x['max_ms']:.2f} ms", f"{x['wall_ms']:.0f} ms"]
                for i, x in enumerate(loaded["rounds"])])

    # ---- network
    r.add("## 4. The network path (exchanges against the emulator on loopback)", "",
          "Each exchange uses a fresh code minted with the emulator's `issue_code(challenge, \"S256\")` before "
          "the timed section. The hand-written clients POST the same JSON "
          "`{\"code\",\"code_verifier\",\"code_challenge_method\":\"S256\"}` to `<base>/api/v1/auth/keys` through "
          "one pooled client (connection reuse, no per-call setup), check the status and parse `key`. The "
          "emulator runs in the same process (on the library's background runtime). Concurrent = 100 in "
          "flight (threads for the sync Python clients, tasks/promises otherwise). Ratio = their p50 / our p50 "
          "(≥ 1.0: ours is at least as fast).", "")
    net_rows: List[List[str]] = []

    def net_row(label: str, d: Dict[str, float], ratio_s: str = "") -> List[str]:
        return [label, f"{d['p50_ms']:.3f} ms", f"{d['p99_ms']:.3f} ms", f"{d['per_s']:.0f}", ratio_s]

    net_pairs: List[Tuple[str, str, Dict[str, Any], str, str, str]] = []
    if py:
        net_pairs += [("Python sync", "httpx.Client", py["network"], "ours_sync", "httpx_sync", "`Client.exchange_code`"),
                      ("Python async", "httpx.AsyncClient", py["network"], "ours_async", "httpx_async",
                       "`Client.exchange_code_async`")]
    if nd:
        net_pairs += [("Node", "fetch (undici)", nd["network"], "ours", "fetch", "`Client.exchangeCode`")]
    net_ratios: Dict[str, float] = {}
    for mode in ("sequential", "concurrent"):
        if rs:
            net_rows.append(net_row(f"Rust core `Client::exchange_code` ({mode})", rs["network"][mode], "—"))
        for lang, theirs, data, ok_, tk, ours_label in net_pairs:
            a, b = data[f"{ok_}/{mode}"], data[f"{tk}/{mode}"]
            q = b["p50_ms"] / a["p50_ms"]
            net_ratios[f"{lang} {mode}"] = q
            net_rows.append(net_row(f"{lang} {ours_label} ({mode})", a, f"**{q:.2f}**"))
            net_rows.append(net_row(f"{lang} {theirs} ({mode})", b))
    r.table(["client", "p50", "p99", "exchanges/s", "ratio (p50)"], net_rows)

    # ---- login
    r.add("## 5. One-click login latency", "",
          "From the callback reaching the loopback server to the key being returned, through the whole library "
          "(callback parsing, state check, the exchange against the emulator, the browser-facing answer). "
          "Method, the same for all: `BROWSER=bench/timed-browser.py`, which GETs the auth URL without following "
          "redirects, reads `Location`, writes `time.time_ns()` to the file named by `$BENCH_CALLBACK_TIME_FILE` "
          "and then GETs the callback; latency = wall clock when `login` returned − the recorded time. The first "
          "3 logins are warm-up.", "")
    lrows = []
    if rs:
        lrows.append(["Rust `login()` (core/examples/bench_login.rs)", f"{rs['login']['p50_ms']:.2f} ms",
                      f"{rs['login']['p99_ms']:.2f} ms", str(rs["login"]["n"])])
    if py:
        lrows.append(["Python `openrouter_pkce.login()`", f"{py['login']['p50_ms']:.2f} ms",
                      f"{py['login']['p99_ms']:.2f} ms", str(py["login"]["n"])])
    if nd:
        nl = nd["login"].get("node", {})
        if "pending" in nl:
            lrows.append(["Node `login()`", "pending", "pending", nl["pending"]])
        else:
            lrows.append(["Node `login()`", f"{nl['p50_ms']:.2f} ms", f"{nl['p99_ms']:.2f} ms", str(nl["n"])])
        if "cli" in nd["login"]:
            c = nd["login"]["cli"]
            lrows.append(["CLI `openrouter-pkce login --json` (spawned from Node; until its JSON line arrives)",
                          f"{c['p50_ms']:.2f} ms", f"{c['p99_ms']:.2f} ms", str(c["n"])])
    r.table(["login", "p50", "p99", "n"], lrows)

    # ---- artifacts
    art = res["artifacts"]
    r.add("## 6. Artifacts", "")
    arows = []
    for k, label in (("wheel", "Python wheel"), ("node_addon", "Node addon"), ("cli", "CLI binary (release)")):
        if k in art:
            arows.append([label, f"`{art[k][0].split(' (')[0]}`", f"{art[k][1] / 1024 / 1024:.2f} MiB"])
    cb = art.get("cold_build")
    if cb:
        arows.append(["cold `make test` (fresh clone, empty target, venv and node_modules)", cb.get("when", ""),
                      f"{cb['seconds'] / 60:.1f} min ({cb.get('note', '')})"])
    else:
        arows.append(["cold `make test`", "not measured in this run", "see `bench/cold-build.json` when present"])
    r.table(["artifact", "file", "size / time"], arows)

    # ---- targets
    if py:
        mi = py["micro"]
        ours = mi["generate_pkce"]["min_ns"]
        q = mi["stdlib"]["min_ns"] / ours
        r.target("Python `generate_pkce()` vs stdlib hand-rolled", "≥ 5× faster", f"{q:.1f}×", q >= 5)
        if "authlib" in mi:
            q = mi["authlib"]["min_ns"] / ours
            r.target("Python `generate_pkce()` vs authlib", "≥ 100× faster", f"{q:.1f}×", q >= 100)
        if core_gen:
            q = ours / core_gen
            r.target("Python binding overhead: `generate_pkce` / Rust core `generate_pkce`", "≤ 2×",
                     f"{q:.2f}× ({fmt_ns(ours)} vs {fmt_ns(core_gen)})", q <= 2)
    if nd:
        mi = nd["micro"]
        ours = mi["generatePkce"]["min_ns"]
        q = mi["node_crypto"]["min_ns"] / ours
        r.target("Node `generatePkce()` vs hand-rolled node:crypto", "≥ 3× faster", f"{q:.1f}×", q >= 3)
        q = mi["pkce_challenge"]["min_ns"] / ours
        r.target("Node `generatePkce()` vs pkce-challenge", "≥ 30× faster", f"{q:.1f}×", q >= 30)
        if core_gen:
            q = ours / core_gen
            r.target("Node binding overhead: `generatePkce` / Rust core `generate_pkce`", "≤ 6×",
                     f"{q:.2f}× ({fmt_ns(ours)} vs {fmt_ns(core_gen)})", q <= 6)
    r.target("Fork safety (a forked child never repeats the parent's random output)", "tested",
             "`core/src/rng.rs` `child_after_fork_does_not_repeat_parent`; `tests/python/test_process.py` "
             "`test_fork_child_gets_fresh_randomness_and_a_working_runtime`, `test_multiprocessing_fork_pool`",
             True)
    for k, q in net_ratios.items():
        r.target(f"Exchanges, {k}: pooled hand-written p50 / ours p50", "≥ 1.0", f"{q:.2f}", q >= 1.0)
    if nd:
        p99 = nd["network"]["eventloop/ours"]["p99_ms"]
        r.target("Node event-loop delay p99 during 1,000 concurrent exchanges", "< 10 ms", f"{p99:.2f} ms", p99 < 10)
        loaded = nd.get("eventloop_loaded")
        if loaded:
            worst = loaded["worst_p99_ms"]
            r.target(f"… with {loaded['busy']} CPU-bound processes beside it, worst p99 of {len(loaded['rounds'])} rounds",
                     "< 10 ms", f"{worst:.2f} ms", worst < 10)
    if py:
        ms = py["import"]["import_us_median"] / 1e3
        r.target("`import openrouter_pkce`", "< 20 ms", f"{ms:.1f} ms", ms < 20)
        over = py["import"].get("wall_over_bare_ms_median")
        if over is not None:
            r.target("`import openrouter_pkce` over a bare interpreter (wall time)", "< 10 ms", f"{over:.1f} ms", over < 10)
    if nd:
        ms = nd["require"]["require_ms_median"]
        r.target("`require('openrouter-pkce')`", "< 20 ms", f"{ms:.1f} ms", ms < 20)
        # Issue 18 item 7: the split of index.js into lib/ must not slow the require (4.8 ms before it).
        r.target("`require('openrouter-pkce')` after the split into lib/ (median of 31)", "<= 5 ms", f"{ms:.1f} ms", ms <= 5)

    seal = res.get("seal") or {}
    if seal:
        r.add("## Sealed flows", "",
              "Seal a started flow and open it again (`request.seal(secret)` + `AuthRequest.unseal(sealed, secret)`, "
              "which derive the key from the secret with HKDF-SHA256 on every call) against an independent JWE "
              "implementation producing the same token (`dir` + `A256GCM`, the same claims, the key derived once "
              "ahead of time): npm `jose` (`EncryptJWT` + `jwtDecrypt`) and PyPI `joserfc` (`jwt.encode` + "
              "`jwt.decode`). Per seal + unseal, minimum of the repeats (median in brackets).", "")
        rows = []
        for lang, other in (("node", "jose"), ("python", "joserfc")):
            d = seal.get(lang)
            if d:
                q = d[other]["min_us"] / d["ours"]["min_us"]
                rows.append([lang, f"{d['ours']['min_us']:.1f} µs ({d['ours']['median_us']:.1f})",
                             f"{other}: {d[other]['min_us']:.1f} µs ({d[other]['median_us']:.1f})", f"{q:.1f}×",
                             str(d["token_chars"])])
                r.target(f"Seal + unseal, {lang}: {other} / ours", "≥ 3×", f"{q:.1f}×", q >= 3)
        r.table(["language", "ours", "independent", "ratio", "token (characters)"], rows)
    if res.get("js_runtimes"):
        js_runtimes_section(r, res["js_runtimes"])
    scale_file = TARGET / "scale-report.json"
    if scale_file.exists():
        sc = json.loads(scale_file.read_text())
        r.add("## Web servers at scale", "",
              "From the last `make scale-test` (`tests/scale/scale.mjs`, " +
              datetime.datetime.fromtimestamp(scale_file.stat().st_mtime, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") +
              "): per recipe, three instances (separate processes) behind a simulated load balancer, the "
              "emulator as OpenRouter; flows of 4 requests each (`/login`, consent, `/callback` on another "
              "instance — which exchanges the code and reads the key's info); one instance drained, killed and "
              "restarted a third of the way in (its pause is inside the wall time). Debug or release builds "
              "as `make test` made them; the machine is shared, so read these as orders of magnitude.", "")
        r.table(["recipe", "flows (concurrent)", "ok / lost / crossed", "flows/s", "/callback p50", "/callback p99",
                 "replayed callback", "another user's cookie", "rotation / Redis outage"],
                [[x["variant"], f"{x['flows']} ({x['concurrency']})", f"{x['ok']} / {x['lost']} / {x['crossed']}",
                  f"{x['flowsPerSecond']}", f"{x['callbackP50Ms']} ms", f"{x['callbackP99Ms']} ms", x.get("replay", "?"),
                  x.get("crossCookie", "?"),
                  (f"old listed: {x['rotation']['oldStillListed']}, removed: {x['rotation']['oldRemoved']}"
                   if "rotation" in x else
                   f"503 in {x.get('outageAnswerMs')} ms, recovered {x.get('recoveredAfterMs')} ms after restart")]
                 for x in sc])

    body = r.lines
    r.lines = []
    r.add("## Targets", "")
    r.table(["target", "goal", "measured", "result"], [[a, b, c, pf(d)] for a, b, c, d in r.targets])
    notes = ROOT / "bench" / "notes.md"
    tail = ["## Notes", "", notes.read_text().strip(), ""] if notes.exists() else []
    out_path.write_text("\n".join(body[:body.index("## Machine and versions")] + r.lines
                                  + body[body.index("## Machine and versions"):] + tail) + "\n")
    log("wrote", out_path)


# ---------------------------------------------------------------- JavaScript runtimes (issue 19 item 6)

JS_SECTION = "## JavaScript runtimes: the WebAssembly build"
JS_MARK = "(WebAssembly build)"


def kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def js_runtimes_section(r: "Report", d: Dict[str, Any]) -> None:
    """Sizes and speed of the WebAssembly build against @openrouter/sdk and oauth4webapi (bench/js/)."""
    v, sz = d["versions"], d["sizes"]
    r.add(JS_SECTION, "",
          "`bench/js/bench_runtimes.mjs`: what a front-end developer would use instead — `@openrouter/sdk` "
          f"{v['@openrouter/sdk']}'s PKCE helper (`oAuthCreateSHA256CodeChallenge`) and oauth4webapi {v['oauth4webapi']} "
          "(`generateRandomCodeVerifier` + `calculatePKCECodeChallenge`), both on WebCrypto and async; for sealing, "
          f"npm jose {v['jose']} producing the same token (`dir` + `A256GCM` through WebCrypto, its key derived once "
          "ahead of time, where ours derives it with HKDF on every call). Bundles by esbuild "
          f"{v['esbuild']} (minified, `browser` condition; the Worker's with wrangler's conditions and the `.wasm` as "
          "its own module); gzip level 9.", "")
    rows = [
        ["openrouter-pkce, browser entry (JS + the `.wasm` inlined as a string)", "ours_browser"],
        ["openrouter-pkce, Worker (JS + `.wasm` module)", "ours_workerd"],
        ["… of which the `.wasm` module", "ours_wasm_module"],
        ["@openrouter/sdk, the PKCE helper alone (deep import)", "sdk_pkce_helper"],
        ["@openrouter/sdk, the `OpenRouter` client (what its docs import)", "sdk_client"],
        ["oauth4webapi, the two PKCE functions", "oauth4webapi_pkce"],
    ]
    r.table(["bundle", "raw", "gzip"], [[label, kib(sz[k]["raw"]), kib(sz[k]["gzip"])] for label, k in rows if k in sz])
    labels = {"pkce/ours": "`generatePkce()` (ours, sync)", "pkce/sdk": "SDK `oAuthCreateSHA256CodeChallenge()`",
              "pkce/oauth4webapi": "oauth4webapi verifier + challenge", "seal/ours": "`seal` + `AuthRequest.unseal` (ours)",
              "seal/jose": "jose `EncryptJWT` + `jwtDecrypt`"}
    ch, wd = d["chromium"]["ops"], d["workerd"]["ops"]
    r.add(f"Per call, minimum of {d['rounds']} batches (median in brackets); batches of {d['n']['pkce']:,} PKCE pairs "
          f"or {d['n']['seal']:,} seal + unseal, timed inside the runtime. Chromium {d['chromium']['version']} "
          f"(Debian's, headless), workerd {d['workerd']['version']} (local: its clock runs during a request; a deployed "
          "Worker's does not).", "")

    def cell(o: Dict[str, float]) -> str:
        return f"{o['min_us']:.2f} µs ({o['median_us']:.2f})"

    r.table(["operation", "Chromium", "vs ours", "workerd", "vs ours"], [
        [labels[k], cell(ch[k]), f"{ch[k]['min_us'] / ch[k.split('/')[0] + '/ours']['min_us']:.1f}×",
         cell(wd[k]), f"{wd[k]['min_us'] / max(wd[k.split('/')[0] + '/ours']['min_us'], 1e-9):.1f}×"]
        for k in labels])
    inflation = sz["ours_browser"]["gzip"] / max(sz["ours_wasm_module"]["gzip"], 1)
    r.add("Reading it: the WebAssembly build carries the whole core — PKCE, the URLs, the protocol layer (every request "
          "and answer of the exchange, key info and create-auth-code), JWE sealing (HKDF, AES-GCM) and JSON — "
          "compiled for size but for the hot paths' crates (SHA-256, ChaCha, base64, AES, GHASH, CTR at full speed: "
          "the root Cargo.toml's per-package profiles), and the browser entry inlines the `.wasm` as a string of one character per byte, which gzip compresses a little worse than "
          f"the binary (×{inflation:.2f} here). The peers' PKCE helpers are a few lines over WebCrypto, which the "
          "browser or workerd runs natively but only asynchronously; ours is synchronous and pays for SHA-256 and "
          "the random bytes in WebAssembly. jose's sealing runs AES-GCM in WebCrypto (native code); ours runs it, "
          "and HKDF on every call, in WebAssembly.", "")
    gz = sz["ours_browser"]["gzip"] / 1000
    r.target(f"Browser entry (JS + wasm), gzipped {JS_MARK}", "≤ 100 KB (aim 60)", f"{gz:.0f} KB", gz <= 100)
    sdk = sz["sdk_client"]["gzip"] / 1000
    r.target(f"Browser entry vs the official SDK's client bundle, gzipped {JS_MARK}", "smaller", f"{gz:.0f} KB vs {sdk:.0f} KB", gz < sdk)
    for peer in ("sdk", "oauth4webapi"):
        q = ch[f"pkce/{peer}"]["min_us"] / ch["pkce/ours"]["min_us"]
        r.target(f"PKCE pair in Chromium: {peer} / ours {JS_MARK}", "≥ 3×", f"{q:.1f}×", q >= 3)
    q = ch["seal/jose"]["min_us"] / ch["seal/ours"]["min_us"]
    r.target(f"Seal + unseal in Chromium: jose / ours {JS_MARK}", "≥ 1× (informative)", f"{q:.2f}×", q >= 1)


def splice_js_runtimes(d: Dict[str, Any], out_path: pathlib.Path) -> None:
    """Replace the JavaScript runtimes section and its target rows in an existing report (`--js-runtimes-only`)."""
    r = Report()
    js_runtimes_section(r, d)
    text = out_path.read_text()
    lines = text.split("\n")
    # The targets: drop the old rows of this section, add the new ones at the end of the table.
    lines = [l for l in lines if not (l.startswith("| ") and JS_MARK in l)]
    start = lines.index("## Targets")
    end = next(i for i in range(start + 3, len(lines)) if not lines[i].startswith("|"))
    lines[end:end] = [f"| {a} | {b} | {c} | {pf(ok)} |" for a, b, c, ok in r.targets]
    # The section: replace it, or put it before the notes (or at the end).
    if JS_SECTION in lines:
        i = lines.index(JS_SECTION)
        j = next((k for k in range(i + 1, len(lines)) if lines[k].startswith("## ")), len(lines))
        del lines[i:j]
    else:
        i = lines.index("## Notes") if "## Notes" in lines else len(lines)
    lines[i:i] = r.lines
    out_path.write_text("\n".join(lines))
    log("wrote", out_path, "(the JavaScript runtimes section)")


def main() -> int:
    out_path = ROOT / "docs" / "benchmarks.md"
    if "--out" in sys.argv:
        out_path = pathlib.Path(sys.argv[sys.argv.index("--out") + 1])
    res: Dict[str, Any] = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                           "machine": machine(), "versions": versions()}
    if "--report-only" in sys.argv:
        res = json.loads((TARGET / "bench-results.json").read_text())
        write_report(res, out_path)
        return 0
    js_cmd = ["node", "bench/js/bench_runtimes.mjs", *(["--quick"] if QUICK else [])]
    if "--js-runtimes-only" in sys.argv:
        d = run_json(js_cmd)
        (TARGET / "bench-js-runtimes.json").write_text(json.dumps(d, indent=1))
        splice_js_runtimes(d, out_path)
        return 0
    t0 = time.time()
    if "--skip-python" not in sys.argv:
        log("installing the compared Python packages:", *BENCH_PY_DEPS)
        subprocess.run([str(VENV_PY), "-m", "pip", "install", "-q", *BENCH_PY_DEPS], check=True)
    if "--skip-rust" not in sys.argv:
        res["rust"] = rust()
    if "--skip-python" not in sys.argv:
        res["python"] = run_json([str(VENV_PY), "bench/python/bench_all.py", *(["--quick"] if QUICK else [])])
    if "--skip-node" not in sys.argv:
        res["node"] = run_json(["node", "bench/node/bench_all.mjs", *(["--quick"] if QUICK else [])],
                               env={"BENCH_PYTHON": str(VENV_PY), "BENCH_CLI": str(TARGET / "release" / "openrouter-pkce")})
    if "--skip-python" not in sys.argv or "--skip-node" not in sys.argv:
        res["seal"] = {}
        if "--skip-python" not in sys.argv:
            res["seal"]["python"] = run_json([str(VENV_PY), "bench/python/bench_seal.py", *(["--quick"] if QUICK else [])])
        if "--skip-node" not in sys.argv:
            res["seal"]["node"] = run_json(["node", "bench/node/bench_seal.mjs", *(["--quick"] if QUICK else [])])
    if "--skip-js-runtimes" not in sys.argv:
        res["js_runtimes"] = run_json(js_cmd)
    res["artifacts"] = artifacts()
    res["seconds"] = time.time() - t0
    (TARGET / "bench-results.json").write_text(json.dumps(res, indent=1))
    write_report(res, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
