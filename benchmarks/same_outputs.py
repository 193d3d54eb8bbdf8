"""Snapshot every output of the project and compare two snapshots byte for byte.

For refactors that promise "no behaviour change": take a snapshot before, one after,
and compare. A snapshot holds the tables built (``--no-cache``) from the embedded
corpus and from the development set, and the report's tables and figures on the
embedded corpus::

    python benchmarks/same_outputs.py snapshot /tmp/before   # on the old commit
    python benchmarks/same_outputs.py snapshot /tmp/after    # on the new one
    python benchmarks/same_outputs.py compare /tmp/before /tmp/after

``compare`` lists every CSV, Parquet, SVG, PDF, TeX and Markdown file that differs or
exists on one side only, and exits 1 when any does. PNGs are listed apart (they are
rasterised by the installed FreeType and are compared for information only).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset" / "raw"
COMPARED = (".csv", ".parquet", ".svg", ".pdf", ".tex", ".md")


def snapshot(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=False)
    cli = [sys.executable, "-m", "eduanalysis.cli"]
    run = {"cwd": ROOT, "check": True}
    subprocess.run([*cli, "build", "--quiet", "--no-cache", "--corpus", "data/raw", "--out", out / "seeds"], **run)
    if DEVSET.is_dir():
        subprocess.run([*cli, "build", "--quiet", "--no-cache", "--corpus", DEVSET, "--out", out / "dev"], **run)
    params = out / "params.yml"
    params.write_text(f"processed_dir: {out / 'report-processed'}\nfigures_dir: {out / 'figures'}\n"
                      f"analysis_dir: {out / 'analysis'}\n"
                      f"corpus_dir: {ROOT / 'data' / 'raw'}\n", encoding="utf-8")
    subprocess.run([*cli, "report", "--params", params, "--out", out / "reports"], **run)


def files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.parts and p.name != ".build.json" and "reports" not in p.parts}


def compare(a: Path, b: Path) -> int:
    fa, fb = files(a), files(b)
    differ = [n for n in sorted(fa.keys() & fb.keys()) if fa[n].read_bytes() != fb[n].read_bytes()]
    only = sorted(fa.keys() ^ fb.keys())
    strict = [n for n in differ + only if n.endswith(COMPARED)]
    shown = len([n for n in fa.keys() & fb.keys() if n.endswith(COMPARED)])
    print(f"{shown} tables and vector figures compared; {len(strict)} differ or exist on one side only")
    for n in strict:
        print(f"  DIFFERS  {n}" if n in differ else f"  ONE SIDE {n} ({'before' if n in fa else 'after'} only)")
    for n in (n for n in differ if n.endswith(".png")):
        print(f"  (png)    {n}")
    return 1 if strict else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot", help="build and report into a new folder")
    s.add_argument("out", type=Path)
    c = sub.add_parser("compare", help="compare two snapshots")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "snapshot":
        snapshot(args.out.resolve())
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
