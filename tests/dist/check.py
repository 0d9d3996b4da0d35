"""`make dist-check`: verify the artifacts `make dist` put into dist/ the way users will install them.

Run with the dist tool venv's Python: target/dist/venv/bin/python tests/dist/check.py [--only NAME ...]
Each check prints PASS/FAIL with its time; the last line is "N passed, N failed".
Tools and caches live under target/dist/ (node binaries, debootstrap roots, venvs); nothing else is touched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tarfile
import tomllib
import traceback
import urllib.request
import zipfile
from typing import Callable

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import artifacts  # noqa: E402

ROOT = artifacts.ROOT
DIST = ROOT / "dist"
WORK = ROOT / "target" / "dist"
HERE = ROOT / "tests" / "dist"
VENV_BIN = WORK / "venv" / "bin"
FAKE_BROWSER = ROOT / "core" / "tests" / "fixtures" / "fake-browser.sh"
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
# Real Node binaries from the registry's node-linux-<arch> packages (pinned).
NODES = {"18": "18.20.8", "20": "20.20.2", "22": "22.23.5", "24": "24.22.3"}
NODE_ARM64 = "22.23.5"
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")

CHECKS: list[tuple[str, Callable[[], None]]] = []


def check(fn: Callable[[], None]) -> Callable[[], None]:
    CHECKS.append((fn.__name__.replace("_", "-"), fn))
    return fn


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure raise with its output (the command line and the tail of stderr)."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 1800)
    p = subprocess.run(cmd, **kw)  # type: ignore[call-overload]
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} → exit {p.returncode}\n{(p.stdout or '')[-3000:]}\n{(p.stderr or '')[-3000:]}")
    return p


def no_cargo_env(*first: pathlib.Path, **extra: str) -> dict[str, str]:
    """An environment whose PATH has no cargo/rustc (what a user without Rust has)."""
    dirs = [str(d) for d in first] + ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
    path = os.pathsep.join(d for d in dirs if not (pathlib.Path(d) / "cargo").exists())
    assert shutil.which("cargo", path=path) is None and shutil.which("rustc", path=path) is None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO", "RUSTUP", "PYTHON", "VIRTUAL_ENV", "npm_", "NODE"))}
    env.update(PATH=path, BROWSER=str(FAKE_BROWSER), HOME=env.get("HOME", "/root"), **extra)
    return env


def workspace_version() -> str:
    return tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]


def one(pattern: str) -> pathlib.Path:
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"expected one dist/{pattern}, found {[f.name for f in found]}"
    return found[0]


def wheel(platform: str) -> pathlib.Path:
    return one(f"openrouter_pkce-*-cp39-abi3-*{platform}*.whl")


def node_binary(version: str, arch: str = "x64") -> pathlib.Path:
    """bin/node of the registry package node-linux-<arch>@<version>, unpacked under target/dist/node (cached)."""
    home = WORK / "node" / f"{arch}-{version}"
    node = home / "package" / "bin" / "node"
    if not node.exists():
        home.mkdir(parents=True, exist_ok=True)
        out = run(["npm", "pack", "--json", "--pack-destination", str(home), f"node-linux-{arch}@{version}"], cwd=home)
        tgz = home / json.loads(out.stdout)[0]["filename"]
        run(["tar", "xzf", str(tgz), "-C", str(home)])
        tgz.unlink()
    assert node.exists(), node
    return node


def npm_cli(name: str) -> str:
    """The host npm's own CLI script (run with the Node under test)."""
    npm = pathlib.Path(shutil.which("npm") or "npm").resolve()
    script = npm.parent / f"{name}-cli.js"
    assert script.exists(), script
    return str(script)


def debootstrap(name: str, args: list[str]) -> pathlib.Path:
    """A Debian root made with debootstrap (cached under target/dist/roots/<name>)."""
    root = WORK / "roots" / name
    done = root / ".orp-complete"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        root.parent.mkdir(parents=True, exist_ok=True)
        run(["debootstrap", *args, str(root), DEBIAN_MIRROR], timeout=1800)
        if "--foreign" in args:
            # The first stage unpacks only the required packages; qemu-user needs no second stage, so unpack
            # the rest (the --include list and its dependencies) the same way.
            for deb in sorted((root / "var" / "cache" / "apt" / "archives").glob("*.deb")):
                run(["dpkg-deb", "-x", str(deb), str(root)])
        done.write_text("ok\n")
    return root


def unzip_wheel(whl: pathlib.Path, dest: pathlib.Path) -> None:
    with zipfile.ZipFile(whl) as z:
        z.extractall(dest)


def npm_app(dest: pathlib.Path, platform_tgz: pathlib.Path, cpu: str = "x64") -> pathlib.Path:
    """The main tarball + one platform tarball installed offline into a fresh directory (for `cpu`, which may
    be another than this machine's: npm installs for the platform it is told)."""
    dest.mkdir(parents=True)
    (dest / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    main = one("openrouter-pkce-[0-9]*.tgz")
    # --cpu picks the optional dependency for that platform; a tarball named explicitly is still checked
    # against this machine's, so another cpu's needs --force (npm's documented override of EBADPLATFORM).
    other = ["--force"] if cpu != "x64" else []
    run(["npm", "install", "--offline", "--no-audit", "--no-fund", "--omit=dev", "--os=linux", f"--cpu={cpu}",
         "--libc=glibc", *other, str(main), str(platform_tgz)], cwd=dest)
    for f in ("smoke.mjs", "smoke.py"):
        shutil.copy(HERE / f, dest / f)
    return dest


def parse_json_line(out: str) -> dict[str, object]:
    return json.loads(out.strip().splitlines()[-1])


def smoke_in_venv(venv: pathlib.Path, env: dict[str, str], cwd: str) -> dict[str, object]:
    """The full smoke flow with the venv's Python (the package must load from the venv), then its console script."""
    out = parse_json_line(run([str(venv / "bin" / "python"), str(HERE / "smoke.py"), "full"], cwd=cwd, env=env, timeout=300).stdout)
    assert out["login"] and str(out["module"]).startswith(str(venv)), out
    pair = json.loads(run([str(venv / "bin" / "openrouter-pkce"), "pkce", "--json"], cwd=cwd, env=env).stdout)
    assert pair["code_challenge_method"] == "S256", pair
    return out


# ---------------------------------------------------------------------------------------------- checks


@check
def versions() -> None:
    """One version everywhere: Cargo, pyproject (dynamic from Cargo), every package.json, artifact names."""
    v = workspace_version()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in pyproject["project"]["dynamic"], "pyproject takes its version from Cargo"
    for crate in ("core", "bindings-python", "bindings-node"):
        assert tomllib.loads((ROOT / crate / "Cargo.toml").read_text())["package"]["version"] == {"workspace": True}, crate
    pkg = json.loads((ROOT / "package.json").read_text())
    assert pkg["version"] == v, "package.json"
    assert not {"install", "preinstall", "postinstall"} & set(pkg.get("scripts", {})), "no install script"
    targets = sorted(p.name for p in (ROOT / "npm").iterdir())
    assert len(targets) == len(pkg["napi"]["targets"]) == 7, targets
    for t in targets:
        sub = json.loads((ROOT / "npm" / t / "package.json").read_text())
        assert sub["name"] == f"openrouter-pkce-{t}" and sub["version"] == v, t
    # The packed main package names every platform package, at the same version (napi pre-publish's job).
    with tarfile.open(one("openrouter-pkce-[0-9]*.tgz")) as tgz:
        f = tgz.extractfile("package/package.json")
        assert f is not None
        packed = json.loads(f.read())
    assert packed["version"] == v
    with tarfile.open(one("openrouter-pkce-[0-9]*.tgz")) as tgz:
        names = set(tgz.getnames())
    wasm = {f"package/bindings-wasm/pkg/{f}" for f in ("web/openrouter_pkce_wasm_bg.wasm", "browser.mjs", "workerd.mjs", "edge-light.mjs", "node.cjs", "node.mjs")}
    assert wasm <= names, f"the main package lacks the WebAssembly build: {sorted(wasm - names)}"
    exported = json.dumps(packed["exports"])
    assert all(c in exported for c in ('"browser"', '"workerd"', '"worker"', '"edge-light"', '"deno"', '"./wasm"')), exported
    assert packed["optionalDependencies"] == {f"openrouter-pkce-{t}": v for t in targets}, packed["optionalDependencies"]
    assert not {"install", "preinstall", "postinstall"} & set(packed.get("scripts", {})), "no install script"
    for f in DIST.iterdir():
        assert v in f.name, f"{f.name} does not carry version {v}"
    print(f"    version {v}: Cargo, pyproject, package.json, {len(targets)} npm/*/package.json, {len(list(DIST.iterdir()))} artifacts")


@check
def artifacts_present() -> None:
    for p in ("manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "musllinux_1_2_x86_64", "musllinux_1_2_aarch64"):
        wheel(p)
    one("openrouter_pkce-*.tar.gz")
    one("openrouter-pkce-[0-9]*.tgz")
    one("openrouter-pkce-*.crate")
    for t in artifacts.NPM_TARGETS:
        one(f"openrouter-pkce-{t}-*.tgz")


@check
def elf() -> None:
    """Every .so/.node: the ELF machine its name says; GLIBC_ ≤ 2.17 for gnu builds; musl builds need no glibc."""
    seen = 0
    for a in artifacts.artifacts(DIST):
        if a.kind == "wheel":
            machine = "EM_AARCH64" if a.target.endswith("aarch64") else "EM_X86_64"
            libc = "musl" if a.target.startswith("musllinux") else "gnu"
        elif a.kind == "npm" and a.target in artifacts.NPM_TARGETS:
            machine, libc = artifacts.NPM_TARGETS[a.target]
        else:
            assert not a.binaries, f"{a.path.name} should hold no native code"
            continue
        assert len(a.binaries) == 1, f"{a.path.name}: {[b.name for b in a.binaries]}"
        for b in a.binaries:
            seen += 1
            assert b.machine == machine, f"{a.path.name}: {b.name} is {b.machine}, not {machine}"
            if libc == "gnu":
                assert b.glibc is not None and b.glibc <= (2, 17), f"{a.path.name}: needs GLIBC_{b.glibc}"
                assert not b.musl, a.path.name
            else:
                assert b.glibc is None, f"{a.path.name}: needs GLIBC_{b.glibc}"
                assert b.musl, f"{a.path.name}: not linked against musl: {b.needed}"
            print(f"    {a.path.name}: {artifacts.MACHINE_NAMES[b.machine]}, {b.floor}, needs {', '.join(b.needed)}")
    assert seen == 8, seen


@check
def auditwheel() -> None:
    for w in sorted(DIST.glob("*.whl")):
        out = run([str(VENV_BIN / "auditwheel"), "show", str(w)]).stdout
        want = w.name.split("-")[-1].split(".")[-2]  # manylinux_2_17_x86_64 / musllinux_1_2_aarch64 (the last tag)
        tags = re.findall(r'platform\s+tag:\s*"([^"]+)"', " ".join(out.split()))
        assert tags and tags[0] == want, f"{w.name}: auditwheel says {tags}\n{out}"
        print(f"    {w.name}: {tags[0]}")


@check
def twine() -> None:
    files = sorted(str(p) for p in DIST.glob("*.whl")) + [str(one("openrouter_pkce-*.tar.gz"))]
    out = run([str(VENV_BIN / "twine"), "check", "--strict", *files]).stdout
    assert out.count("PASSED") == len(files), out


def wheel_in_python(minor: str) -> None:
    pyenv_root = pathlib.Path(os.environ.get("PYENV_ROOT", pathlib.Path.home() / ".pyenv"))
    found = sorted(pyenv_root.glob(f"versions/{minor}.*/bin/python{minor}"))
    assert found, f"no Python {minor} under {pyenv_root}/versions (pyenv)"
    with tempfile.TemporaryDirectory(prefix=f"orp-py{minor}-") as tmp:
        venv = pathlib.Path(tmp) / "venv"
        env = no_cargo_env(venv / "bin")
        run([str(found[-1]), "-m", "venv", str(venv)], env=env)
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--only-binary", ":all:",
             str(wheel("manylinux_2_17_x86_64"))], env=env)
        out = smoke_in_venv(venv, env, tmp)
        assert out["python"] == minor, out
        print(f"    {found[-1].parent.parent.name}: {out}")


for _minor in PYTHONS:
    def _f(minor: str = _minor) -> None:
        wheel_in_python(minor)
    _f.__name__ = f"wheel_python{_minor.replace('.', '')}"
    check(_f)


@check
def sdist() -> None:
    """The sdist builds from its own contents (PEP 517, maturin from PyPI) in a fresh venv and passes the smoke flow."""
    sd = one("openrouter_pkce-*.tar.gz")
    with tempfile.TemporaryDirectory(prefix="orp-sdist-") as tmp:
        venv = pathlib.Path(tmp) / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        # Building needs Rust (that is what an sdist is). What is checked is that the sdist holds everything the
        # build needs, not the release flags (the wheels exercise those), so it builds in the dev profile with the
        # checkout's cargo target dir: the dependencies `make test` compiled are reused, only our crates rebuild.
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env["CARGO_TARGET_DIR"] = os.environ.get("CARGO_TARGET_DIR") or str(ROOT / "target")
        env["MATURIN_PEP517_ARGS"] = "--profile dev"
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-cache-dir", "--no-binary", "openrouter-pkce", str(sd)],
            cwd=tmp, env=env, timeout=3000)
        out = smoke_in_venv(venv, no_cargo_env(venv / "bin"), tmp)
        print(f"    {out}")


def npm_in_node(major: str) -> None:
    node = node_binary(NODES[major])
    with tempfile.TemporaryDirectory(prefix=f"orp-node{major}-") as tmp:
        app = npm_app(pathlib.Path(tmp) / "app", one("openrouter-pkce-linux-x64-gnu-*.tgz"))
        installed = sorted(p.name for p in (app / "node_modules").iterdir() if not p.name.startswith("."))
        assert installed == ["openrouter-pkce", "openrouter-pkce-linux-x64-gnu"], installed
        assert not list(app.glob("node_modules/openrouter-pkce/**/*.node")), "the main package holds no addon"
        env = no_cargo_env(node.parent)
        out = parse_json_line(run([str(node), "smoke.mjs", "full"], cwd=app, env=env, timeout=300).stdout)
        assert str(out["node"]).startswith(f"v{major}.") and out["login"] and out["sameClass"], out
        pair = json.loads(run([str(node), npm_cli("npx"), "--no", "openrouter-pkce", "pkce", "--json"], cwd=app, env=env).stdout)
        assert pair["code_challenge_method"] == "S256", pair
        print(f"    {out}")


for _major in NODES:
    def _g(major: str = _major) -> None:
        npm_in_node(major)
    _g.__name__ = f"npm_node{_major}"
    check(_g)


@check
def debian11() -> None:
    """The x86_64 gnu wheel and addon in a Debian 11 root (glibc 2.31, older than this machine's).

    ca-certificates is in the root because the core's HTTP client refuses to build without a system CA store,
    even for the emulator's http://127.0.0.1 (found by this check; reported as a core issue)."""
    assert os.geteuid() == 0, "needs root (chroot)"
    root = debootstrap("bullseye-amd64", ["--variant=minbase", "--include=python3-minimal,libpython3.9-stdlib,libstdc++6,ca-certificates", "bullseye"])
    glibc = run([CHROOT, str(root), "/usr/bin/ldd", "--version"]).stdout.splitlines()[0]
    assert "2.31" in glibc, glibc
    opt = root / "opt" / "orp"
    shutil.rmtree(opt, ignore_errors=True)
    opt.mkdir(parents=True)
    try:
        unzip_wheel(wheel("manylinux_2_17_x86_64"), opt / "py")
        shutil.copy(HERE / "smoke.py", opt)
        with tempfile.TemporaryDirectory(prefix="orp-deb11-") as tmp:
            app = npm_app(pathlib.Path(tmp) / "app", one("openrouter-pkce-linux-x64-gnu-*.tgz"))
            shutil.copytree(app, opt / "app", symlinks=True)
        shutil.copytree(node_binary(NODES["20"]).parent.parent, opt / "node", symlinks=True)
        env = {"PATH": "/usr/bin:/bin", "HOME": "/root", "PYTHONPATH": "/opt/orp/py", "LANG": "C.UTF-8"}
        py = parse_json_line(run([CHROOT, str(root), "/usr/bin/python3", "/opt/orp/smoke.py", "exchange"], env=env, timeout=300).stdout)
        assert py["exchange"] and py["module"].startswith("/opt/orp/py"), py
        js = parse_json_line(run([CHROOT, str(root), "/bin/sh", "-c", "cd /opt/orp/app && /opt/orp/node/bin/node smoke.mjs exchange"],
                                 env=env, timeout=300).stdout)
        assert js["exchange"], js
        print(f"    {glibc}\n    python: {py}\n    node: {js}")
    finally:
        shutil.rmtree(opt, ignore_errors=True)


# A musl CPython for the musllinux wheel, built from Debian's source tarballs of CPython and zlib (the Debian
# registry is reachable; no musl Python or Alpine root is). Pinned by name and SHA-256.
MUSL_SOURCES = {
    "python": ("pool/main/p/python3.11/python3.11_3.11.2.orig.tar.gz",
               "2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849"),
    "zlib": ("pool/main/z/zlib/zlib_1.2.13.dfsg.orig.tar.bz2",
             "71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1"),
}
# musl-gcc without gcc's Debian multiarch answer: CPython's configure and setup.py would otherwise mix glibc's
# /usr/include/x86_64-linux-gnu headers into the musl build (and configure refuses the triplet mismatch).
MUSL_CC = """#!/bin/sh
for a in "$@"; do case "$a" in -print-multiarch|--print-multiarch) exit 0 ;; esac; done
exec musl-gcc "$@"
"""


def fetch(path: str, sha256: str, dest: pathlib.Path) -> pathlib.Path:
    """A file of the Debian mirror, downloaded into dest after its SHA-256 is checked."""
    with urllib.request.urlopen(f"{DEBIAN_MIRROR}/{path}", timeout=300) as r:
        data = r.read()
    got = hashlib.sha256(data).hexdigest()
    assert got == sha256, f"{path}: sha256 {got}, expected {sha256}"
    out = dest / path.rsplit("/", 1)[-1]
    out.write_bytes(data)
    return out


def musl_python() -> pathlib.Path:
    """bin/python3.11 of a CPython built with musl-gcc (cached under target/dist/musl-python)."""
    home = WORK / "musl-python"
    python = home / "prefix" / "bin" / "python3.11"
    done = home / ".orp-complete"  # an interrupted build starts over
    if done.exists():
        return python
    assert shutil.which("musl-gcc"), "musl-gcc is not installed (make dist-tools installs musl-tools)"
    shutil.rmtree(home, ignore_errors=True)
    tools, src, prefix = home / "bin", home / "src", home / "prefix"
    for d in (tools, src, prefix):
        d.mkdir(parents=True)
    (tools / "musl-cc").write_text(MUSL_CC)
    (tools / "dpkg-architecture").write_text("#!/bin/sh\nexit 1\n")  # setup.py's other multiarch source
    for t in tools.iterdir():
        t.chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}", "CC": "musl-cc"}
    for name in ("zlib", "python"):
        tarball = fetch(*MUSL_SOURCES[name], home)
        run(["tar", "xf", str(tarball), "-C", str(src)])
        tarball.unlink()
    zlib = next(src.glob("zlib-*"))
    run(["./configure", "--static", f"--prefix={prefix}"], cwd=zlib, env={**env, "CFLAGS": "-O2 -fPIC"})
    run(["make", "-j2", "install"], cwd=zlib, env=env)
    cpython = next(src.glob("Python-*"))
    run(["./configure", f"--prefix={prefix}", "--disable-test-modules", "--with-ensurepip=install"], cwd=cpython,
        env={**env, "CPPFLAGS": f"-I{prefix}/include", "LDFLAGS": f"-L{prefix}/lib"})
    run(["make", "-j2"], cwd=cpython, env=env, timeout=3000)
    run(["make", "install"], cwd=cpython, env=env, timeout=3000)
    shutil.rmtree(src)
    assert python.exists(), python
    done.write_text("ok\n")
    return python


@check
def musl_python311() -> None:
    """pip picks the musllinux x86_64 wheel from dist/ on a musl CPython and it runs the smoke flow there."""
    python = musl_python()
    host = run([str(python), "-c", "import sysconfig; print(sysconfig.get_config_var('HOST_GNU_TYPE'))"]).stdout.strip()
    assert host.endswith("-linux-musl"), host
    with tempfile.TemporaryDirectory(prefix="orp-musl-") as tmp:
        venv = pathlib.Path(tmp) / "venv"
        env = no_cargo_env(venv / "bin")
        run([str(python), "-m", "venv", str(venv)], env=env)
        # All of dist/ on offer: the tag pip accepts on musl decides, as on Alpine.
        out = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--only-binary", ":all:",
                   "--find-links", str(DIST), "openrouter-pkce"], env=env).stdout
        assert "musllinux_1_2_x86_64.whl" in out, out
        smoke = smoke_in_venv(venv, env, tmp)
        # The process that loaded the extension runs on musl's loader, with no glibc mapped.
        maps = run([str(venv / "bin" / "python"), "-c", "import openrouter_pkce._native; print(open('/proc/self/maps').read())"],
                   env=env).stdout
        mapped = {line.split()[-1] for line in maps.splitlines() if "/" in line}
        libcs = {m for m in mapped if "/libc.so" in m or "/ld-" in m}
        assert libcs and all("musl" in m for m in libcs), libcs  # Debian's musl loader is .../x86_64-linux-musl/libc.so
        assert any(m.startswith(str(venv)) and "_native" in m for m in mapped), sorted(mapped)
        print(f"    {host}: {smoke}")


@check
def qemu_arm64() -> None:
    """The aarch64 gnu wheel and addon under qemu-user with a Debian 12 arm64 root."""
    qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
    assert qemu, "qemu-user-static is not installed (make dist-tools installs it)"
    root = debootstrap("bookworm-arm64", ["--foreign", "--arch=arm64", "--variant=minbase",
                                          "--include=libstdc++6,python3-minimal,libpython3.11-stdlib", "bookworm"])
    with tempfile.TemporaryDirectory(prefix="orp-arm64-") as tmp:
        t = pathlib.Path(tmp)
        unzip_wheel(wheel("manylinux_2_17_aarch64"), t / "py")
        env = {"PATH": "/usr/bin:/bin", "HOME": "/root", "PYTHONPATH": str(t / "py"), "LANG": "C.UTF-8", "QEMU_LD_PREFIX": str(root)}
        py = parse_json_line(run([qemu, "-L", str(root), str(root / "usr/bin/python3.11"), str(HERE / "smoke.py"), "exchange"],
                                 cwd=tmp, env=env, timeout=900).stdout)
        assert py["exchange"] and py["module"].startswith(str(t / "py")), py
        app = npm_app(t / "app", one("openrouter-pkce-linux-arm64-gnu-*.tgz"), cpu="arm64")
        node = node_binary(NODE_ARM64, "arm64")
        js = parse_json_line(run([qemu, "-L", str(root), str(node), "smoke.mjs", "exchange"], cwd=app, env=env, timeout=900).stdout)
        assert js["exchange"], js
        print(f"    python: {py}\n    node: {js}")


@check
def npm_publish_dry_run() -> None:
    tarballs = sorted(DIST.glob("*.tgz"))
    assert len(tarballs) == 5, tarballs
    for tgz in tarballs:
        out = run(["npm", "publish", "--dry-run", "--json", "--ignore-scripts", str(tgz)], cwd=DIST)
        info = json.loads(out.stdout[out.stdout.index("{"):])
        info = info.get(tgz.name.rsplit("-", 1)[0], info)  # npm 11 keys the report by package name
        print(f"    {info['name']}@{info['version']}: {len(info['files'])} files, {info['unpackedSize']} bytes unpacked")
    # The macOS and Windows packages are built by the release pipeline; their manifests must pack here too.
    for t in ("darwin-x64", "darwin-arm64", "win32-x64-msvc"):
        out = run(["npm", "pack", "--dry-run", "--json"], cwd=ROOT / "npm" / t)
        assert json.loads(out.stdout)[0]["name"] == f"openrouter-pkce-{t}"


@check
def cargo_publish_dry_run() -> None:
    out = run(["cargo", "publish", "--dry-run", "--locked", "-p", "openrouter-pkce"], cwd=ROOT, timeout=3000)
    assert "aborting upload due to dry run" in out.stderr, out.stderr[-2000:]
    listed = run(["cargo", "package", "--list", "-p", "openrouter-pkce"], cwd=ROOT).stdout.split()
    for f in ("README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.toml", "src/lib.rs", "src/bin/openrouter-pkce.rs"):
        assert f in listed, f"{f} is not in the crate"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="run only these checks")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        print("\n".join(n for n, _ in CHECKS))
        return 0
    selected = [(n, f) for n, f in CHECKS if not args.only or n in args.only]
    assert selected, f"no check named {args.only}"
    passed = failed = 0
    started = time.monotonic()
    for name, fn in selected:
        t0 = time.monotonic()
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s)\n{traceback.format_exc()}", flush=True)
        else:
            passed += 1
            print(f"PASS {name} ({time.monotonic() - t0:.1f} s)", flush=True)
    print(f"dist-check took {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
