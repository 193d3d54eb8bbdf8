"""Benchmark of the analysis notebooks on a built processed folder: wall time and peak RSS per notebook.

One command, figures printed as a Markdown table::

    .venv/bin/python benchmarks/bench_analyses.py --processed /path/to/processed
    .venv/bin/python benchmarks/bench_analyses.py --processed data/processed --notebooks 10_similarity

The processed folder is read only: the notebooks write their analysis tables (``analysis_dir``)
into a scratch folder that links to the built tables (``--work``, default a
temporary folder, removed afterwards unless given) and their figures under it.
Each notebook runs as in ``eduanalysis report`` (papermill, then the HTML
export) in a child process; its peak RSS is read from ``os.wait4`` (the largest
single process: the kernel, or a tokenising worker) and sampled with psutil
(the whole process tree, summed). ``--param NAME=VALUE`` (a Python literal)
overrides a notebook parameter, e.g. ``--param n_jobs=1``.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import measure

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Run in the child: one notebook through eduanalysis.report (papermill + HTML export).
CHILD = """
import json, sys
from pathlib import Path
from eduanalysis.report import notebooks as report
nb, out, params = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
report.run_notebook(nb, out, params, report.kernel_name())
"""

#: Run in the child with --jobs: every notebook as ``eduanalysis report`` runs them, up to N at once.
CHILD_ALL = """
import json, sys
from pathlib import Path
from eduanalysis.report import notebooks as report
paths, out, params, jobs = [Path(p) for p in json.loads(sys.argv[1])], Path(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
kernel = report.kernel_name()
report.run_all(paths, lambda p: report.run_notebook(p, out, params[p.stem], kernel), jobs,
               lambda msg: print(msg, flush=True), kernel)
"""
#: The issue's goals for all notebooks on a 10,000-document build.
GOAL_SECONDS, GOAL_GB = 180.0, 3.0


def scratch(processed: Path, work: Path) -> Path:
    """A processed folder in ``work`` whose built tables are links to ``processed``'s (which stays untouched)."""
    from eduanalysis.analyse.selection import ANALYSIS_INPUTS

    out = work / "processed"
    out.mkdir(parents=True, exist_ok=True)
    for name in (*ANALYSIS_INPUTS, "citations"):  # 50_transposition reads the citations too
        for ext in ("parquet", "csv"):
            src = processed / f"{name}.{ext}"
            if src.exists() and not (out / src.name).exists():
                (out / src.name).symlink_to(src.resolve())
    if not (out / "documents.parquet").exists() and not (out / "documents.csv").exists():
        raise SystemExit(f"{processed} holds no built tables; run `eduanalysis build --out {processed}` first")
    return out


def run_notebook(path: Path, out: Path, params: dict) -> dict:
    """One notebook in a child process: wall time, peak RSS (largest process; whole tree)."""
    m = measure.run([sys.executable, "-c", CHILD, str(path), str(out), json.dumps(params)], cwd=ROOT, interval=0.2)
    if m.returncode:
        raise SystemExit(f"notebook {path.name} failed:\n{m.stderr[-3000:]}")
    return {"seconds": m.seconds, "max_rss_gb": m.max_rss_gb, "tree_rss_gb": m.tree_rss_gb}


def run_together(names: list[str], params: dict[str, dict], out: Path, jobs: int) -> dict:
    """Every notebook through :func:`eduanalysis.report.notebooks.run_all`, ``jobs`` at once, in one child."""
    paths = [str(NOTEBOOKS / f"{n}.ipynb") for n in names]
    m = measure.run([sys.executable, "-c", CHILD_ALL, json.dumps(paths), str(out), json.dumps(params), str(jobs)],
                    cwd=ROOT, interval=0.2)
    if m.returncode:
        raise SystemExit(f"the notebooks failed:\n{m.stderr[-3000:]}")
    return {"seconds": m.seconds, "max_rss_gb": m.max_rss_gb, "tree_rss_gb": m.tree_rss_gb}


def describe(processed: Path) -> str:
    """Documents, regions, clause measures and their characters, targets (read in a child: its memory is freed)."""
    code = ("import sys; from eduanalysis.build.pipeline import read_table as r; d = r(sys.argv[1], 'documents'); "
            "m = r(sys.argv[1], 'measures').query('kind == \"text\"'); t = r(sys.argv[1], 'targets'); "
            "print(f'{len(d):,} documents, {d.region_zh.nunique():,} regions, {len(m):,} clause measures '"
            "f'({int(m.text.str.len().sum()):,} characters), {len(t):,} targets')")
    return subprocess.run([sys.executable, "-c", code, str(processed)], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout.strip()


def parse_param(text: str) -> tuple[str, object]:
    name, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"--param {text!r}: write NAME=VALUE, e.g. n_jobs=1")
    try:
        return name.strip(), ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name.strip(), value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processed", type=Path, required=True, help="built processed folder (read only)")
    ap.add_argument("--notebooks", default="", help="comma-separated notebook names (default: all, in order)")
    ap.add_argument("--work", type=Path, help="scratch folder for analysis tables, figures, executed notebooks "
                                              "(default: a temporary folder, removed afterwards)")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE notebook parameter override")
    ap.add_argument("--jobs", type=int, default=0,
                    help="also run all the notebooks as the report does, N at once, in one measured run "
                         "(after the one-by-one runs, with the token store those left; 0: not)")
    ap.add_argument("--only-jobs", action="store_true", help="with --jobs: skip the one-by-one runs")
    args = ap.parse_args(argv)
    import papermill

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-analyses-"))
    processed = scratch(args.processed.resolve(), work.resolve())
    print(f"{args.processed}: {describe(processed)}", flush=True)
    names = [n for n in args.notebooks.split(",") if n] or [p.stem for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    overrides = dict(parse_param(p) for p in args.param)
    rows = []
    every: dict[str, dict] = {}
    try:
        for name in names:
            path = NOTEBOOKS / f"{name}.ipynb"
            declared = papermill.inspect_notebook(str(path))
            every[name] = {"processed_dir": str(processed), "figures_dir": str(work / "figures"),
                           "analysis_dir": str(work / "analysis"),
                           **{k: v for k, v in overrides.items() if k in declared}}
        for name in ([] if args.only_jobs else names):
            path = NOTEBOOKS / f"{name}.ipynb"
            declared = papermill.inspect_notebook(str(path))
            params = {"processed_dir": str(processed), "figures_dir": str(work / "figures"),
                      "analysis_dir": str(work / "analysis"),
                      **{k: v for k, v in overrides.items() if k in declared}}
            r = run_notebook(path, work / "reports", params)
            rows.append((name, r))
            print(f"{name}: {r['seconds']:.1f} s, peak RSS {r['max_rss_gb']:.2f} GB largest process, "
                  f"{r['tree_rss_gb']:.2f} GB all processes", flush=True)
        together = run_together(names, every, work / "reports-jobs", args.jobs) if args.jobs else None
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if together is not None:
        met = together["seconds"] <= GOAL_SECONDS and together["tree_rss_gb"] <= GOAL_GB
        print(f"\nall notebooks, {args.jobs} at once (as eduanalysis report --jobs {args.jobs}): "
              f"{together['seconds']:.1f} s, peak RSS {together['max_rss_gb']:.2f} GB largest process, "
              f"{together['tree_rss_gb']:.2f} GB all processes; goal <= {GOAL_SECONDS:.0f} s and <= {GOAL_GB:.0f} GB: "
              f"{'met' if met else 'not met'}")
    if not rows:
        return 0
    print()
    print("| notebook | seconds | peak RSS, largest process (GB) | peak RSS, all processes (GB) |")
    print("|---|---:|---:|---:|")
    for name, r in rows:
        print(f"| `{name}` | {r['seconds']:.1f} | {r['max_rss_gb']:.2f} | {r['tree_rss_gb']:.2f} |")
    total = sum(r["seconds"] for _, r in rows)
    tree = max(r["tree_rss_gb"] for _, r in rows)
    print(f"| all | {total:.1f} | {max(r['max_rss_gb'] for _, r in rows):.2f} | {tree:.2f} |")
    if len(rows) == len(names):
        met = total <= GOAL_SECONDS and tree <= GOAL_GB
        print(f"\nall notebooks one by one (as eduanalysis report --jobs 1, each in its own process): {total:.1f} s, "
              f"{tree:.2f} GB all processes; goal <= {GOAL_SECONDS:.0f} s and <= {GOAL_GB:.0f} GB: "
              f"{'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
