"""Name musl's libc the way musl systems do in the musl builds' dynamic section (mk/dist.mk runs this).

zig links a musl cdylib against a libc stub whose soname is ``libc.so``, so the Node addon and the Python
extension come out with ``NEEDED libc.so``. musl's loader maps that name to itself, so they load on Alpine,
but the musllinux policy (auditwheel) — and any tool that resolves it on a glibc host, where ``libc.so`` is
a linker script — expects ``libc.musl-<arch>.so.1``, the name of musl's libc on every musl system. patchelf
renames the entry; a wheel is unpacked, patched and repacked (``wheel pack`` rewrites its RECORD).

Usage: python tests/dist/musl_needed.py FILE.whl|FILE.node ...
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

BIN = pathlib.Path(sys.executable).parent
MUSL_LIBC = {62: "libc.musl-x86_64.so.1", 183: "libc.musl-aarch64.so.1"}  # by ELF e_machine


def patch(elf: pathlib.Path) -> None:
    header = elf.read_bytes()[:20]
    assert header[:4] == b"\x7fELF" and header[5] == 1, f"{elf}: not a little-endian ELF file"
    machine = int.from_bytes(header[18:20], "little")
    needed = subprocess.run([str(BIN / "patchelf"), "--print-needed", str(elf)], check=True, capture_output=True,
                            text=True).stdout.split()
    if "libc.so" in needed:
        subprocess.run([str(BIN / "patchelf"), "--replace-needed", "libc.so", MUSL_LIBC[machine], str(elf)], check=True)
    print(f"{elf.name}: NEEDED {', '.join(n if n != 'libc.so' else MUSL_LIBC[machine] for n in needed)}")


def patch_wheel(whl: pathlib.Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "wheel", "unpack", "-d", tmp, str(whl)], check=True, capture_output=True)
        (tree,) = pathlib.Path(tmp).iterdir()
        for so in tree.rglob("*.so"):
            patch(so)
        out = pathlib.Path(tmp) / "out"
        out.mkdir()
        subprocess.run([sys.executable, "-m", "wheel", "pack", "-d", str(out), str(tree)], check=True)
        (packed,) = out.iterdir()
        assert packed.name == whl.name, (packed.name, whl.name)
        packed.replace(whl)


def main(files: list[str]) -> None:
    for f in map(pathlib.Path, files):
        patch_wheel(f) if f.suffix == ".whl" else patch(f)


if __name__ == "__main__":
    main(sys.argv[1:])
