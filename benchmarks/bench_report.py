"""`make report` on the embedded corpus, warm: the notebooks' wall time with one and with two at once.

The goal of issue 15: a warm ``make report`` (tables built, venv and font caches in place) spends
at most 25 s in its notebooks on a 2-core machine. This script builds the tables of ``data/raw``
into a scratch folder and runs one report there (neither timed: they warm the tables, the
analysis stores and the font caches), then runs the report ``--repeats`` times with ``jobs=1``
and ``jobs=2``, interleaved (1, 2, 1, 2 …) so a change in the machine's load falls on both, and
prints every run, each notebook's time in the best run of each, the ratio of the bests and the
goal line for the default ``jobs`` (2)::

    python benchmarks/bench_report.py                 # 3 runs of each
    python benchmarks/bench_report.py --repeats 1 --formats png   # a draft run's figures

The time is that of the notebooks' phase (from the first kernel's start to the last notebook's
end, as ``eduanalysis report`` runs them), measured around
:func:`eduanalysis.report.notebooks.run_all`; the CPU seconds are the kernels' and this process's
(``resource.getrusage``). The repository's ``reports/``, ``figures/`` and ``analysis/`` are
not touched.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eduanalysis.report import notebooks  # noqa: E402

GOAL_SECONDS = 25.0


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_report(scratch: Path, jobs: int, formats: list[str]) -> dict:
    """One report into ``scratch``; the notebooks' wall and CPU time and each notebook's time."""
    timing: dict = {"notebooks": {}}
    original = notebooks.run_all

    def timed_run_all(paths, run, jobs_, say, kernel=""):
        def timed(path):
            start = time.perf_counter()
            out = run(path)
            timing["notebooks"][path.stem] = time.perf_counter() - start
            return out

        start, cpu = time.perf_counter(), cpu_seconds()
        try:
            return original(paths, timed, jobs_, say, kernel)
        finally:
            timing["wall"], timing["cpu"] = time.perf_counter() - start, cpu_seconds() - cpu

    params = notebooks.validate_params({
        "corpus_dir": str(ROOT / "data" / "raw"), "processed_dir": str(scratch / "processed"),
        "figures_dir": str(scratch / "figures"), "analysis_dir": str(scratch / "analysis"),
        "notebooks_dir": str(ROOT / "notebooks"), "jobs": jobs, "formats": formats})
    notebooks.run_all = timed_run_all
    try:
        start = time.perf_counter()
        notebooks.report(params, scratch / "reports", progress=False)
        timing["total"] = time.perf_counter() - start
    finally:
        notebooks.run_all = original
    return timing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="runs of each jobs setting (interleaved)")
    ap.add_argument("--formats", default="png,svg,pdf", help="figure formats (default png,svg,pdf: make report's)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    scratch = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        import eduanalysis

        eduanalysis.build(ROOT / "data" / "raw", scratch / "processed")
        warm = run_report(scratch, 2, formats)
        print(f"warm-up run (not counted): notebooks {warm['wall']:.1f} s")
        runs: dict[int, list[dict]] = {1: [], 2: []}
        for k in range(args.repeats):
            for jobs in (1, 2):
                t = run_report(scratch, jobs, formats)
                runs[jobs].append(t)
                print(f"run {k + 1} jobs={jobs}: notebooks {t['wall']:6.1f} s wall, {t['cpu']:6.1f} s CPU "
                      f"(whole report {t['total']:.1f} s)", flush=True)
        best = {jobs: min(rs, key=lambda t: t["wall"]) for jobs, rs in runs.items()}
        names = list(best[1]["notebooks"])
        print(f"\n{'notebook':<22}{'jobs=1 (s)':>12}{'jobs=2 (s)':>12}   (best run of each)")
        for name in names:
            print(f"{name:<22}{best[1]['notebooks'][name]:>12.1f}{best[2]['notebooks'].get(name, float('nan')):>12.1f}")
        ratio = best[1]["wall"] / best[2]["wall"]
        print(f"\nnotebooks, best of {args.repeats}: jobs=1 {best[1]['wall']:.1f} s, jobs=2 {best[2]['wall']:.1f} s; "
              f"jobs=2 is {ratio:.2f}x jobs=1 (formats {','.join(formats)})")
        met = best[2]["wall"] <= GOAL_SECONDS
        print(f"goal: notebooks <= {GOAL_SECONDS:.0f} s (warm make report, jobs=2): {'met' if met else 'not met'} "
              f"({best[2]['wall']:.1f} s)")
    finally:
        if args.keep:
            print(f"scratch folder: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
