"""What is in dist/: every artifact with its target, size and libc floor, read from the files themselves.

Run with the dist tool venv's Python (it has pyelftools, which auditwheel depends on):
    target/dist/venv/bin/python tests/dist/artifacts.py [DIST_DIR]      # prints the table
"""

from __future__ import annotations

import io
import pathlib
import re
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field

from elftools.elf.elffile import ELFFile

ROOT = pathlib.Path(__file__).resolve().parents[2]

# npm target directory → (ELF machine, libc)
NPM_TARGETS = {
    "linux-x64-gnu": ("EM_X86_64", "gnu"),
    "linux-x64-musl": ("EM_X86_64", "musl"),
    "linux-arm64-gnu": ("EM_AARCH64", "gnu"),
    "linux-arm64-musl": ("EM_AARCH64", "musl"),
}
MACHINE_NAMES = {"EM_X86_64": "x86_64", "EM_AARCH64": "aarch64"}


@dataclass
class Binary:
    """One shared object inside an artifact."""

    name: str
    machine: str
    glibc: tuple[int, ...] | None  # highest GLIBC_x.y symbol version needed, None when none
    needed: list[str] = field(default_factory=list)

    @property
    def musl(self) -> bool:
        return any(n.startswith("libc.musl-") or n.startswith("ld-musl-") for n in self.needed)

    @property
    def floor(self) -> str:
        if self.glibc:
            return "glibc " + ".".join(map(str, self.glibc))
        if self.musl:
            return "musl"
        return "no libc"


@dataclass
class Artifact:
    """One file in dist/."""

    path: pathlib.Path
    kind: str  # wheel, sdist, npm, crate
    target: str
    binaries: list[Binary] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def floor(self) -> str:
        return ", ".join(sorted({b.floor for b in self.binaries})) or "-"


def elf_info(name: str, data: bytes) -> Binary:
    """Machine, highest GLIBC_ version and DT_NEEDED of an ELF shared object."""
    elf = ELFFile(io.BytesIO(data))
    glibc: tuple[int, ...] | None = None
    needed: list[str] = []
    for section in elf.iter_sections():
        if section.name == ".gnu.version_r":
            for _verneed, auxes in section.iter_versions():
                for aux in auxes:
                    m = re.fullmatch(r"GLIBC_(\d+(?:\.\d+)*)", aux.name)
                    if m:
                        v = tuple(int(x) for x in m.group(1).split("."))
                        glibc = v if glibc is None or v > glibc else glibc
        elif section.header.sh_type == "SHT_DYNAMIC":
            needed += [t.needed for t in section.iter_tags() if t.entry.d_tag == "DT_NEEDED"]
    return Binary(name, elf["e_machine"], glibc, needed)


def wheel_target(name: str) -> str:
    # openrouter_pkce-0.1.0-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl → the last (PEP 600) tag
    return name[:-4].split("-")[-1].split(".")[-1]


def inspect(path: pathlib.Path) -> Artifact:
    name = path.name
    if name.endswith(".whl"):
        art = Artifact(path, "wheel", wheel_target(name))
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                if member.endswith(".so"):
                    art.binaries.append(elf_info(member, z.read(member)))
        return art
    if name.endswith(".crate"):
        return Artifact(path, "crate", "source (cargo install)")
    if name.endswith(".tar.gz"):
        return Artifact(path, "sdist", "source (pip, needs Rust)")
    if name.endswith(".tgz"):
        m = re.fullmatch(r"openrouter-pkce-(.+)-\d+\.\d+\.\d+.*\.tgz", name)
        target = m.group(1) if m else "any (JavaScript, no native code)"
        art = Artifact(path, "npm", target)
        with tarfile.open(path) as t:
            for member in t.getmembers():
                if member.name.endswith(".node"):
                    f = t.extractfile(member)
                    assert f is not None
                    art.binaries.append(elf_info(member.name, f.read()))
        return art
    raise ValueError(f"unknown artifact {name}")


def artifacts(dist: pathlib.Path) -> list[Artifact]:
    return [inspect(p) for p in sorted(dist.iterdir()) if p.is_file() and not p.name.startswith(".")]


def mib(n: int) -> str:
    return f"{n / 1048576:.2f} MiB" if n >= 1048576 else f"{n / 1024:.1f} KiB"


def table(dist: pathlib.Path) -> str:
    rows = [("file", "kind", "target", "size", "libc floor")]
    for a in artifacts(dist):
        rows.append((a.path.name, a.kind, a.target, mib(a.size), a.floor))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
