"""Benchmark of the transposition analysis on the example corpus (94 documents: 12 national, 82 local).

Builds ``data/examples/meiyu`` into a scratch folder (or reads ``--processed``),
then times, in this process, what 50_transposition computes: loading the tables,
pairing every document with the references it cites (and those they cite) and
with 国办发〔2015〕71号, aligning their clauses, the added targets and the
province-vs-national comparison. Prints the best of ``--repeats`` runs and the
sizes, as a Markdown table::

    .venv/bin/python benchmarks/bench_transposition.py
    .venv/bin/python benchmarks/bench_transposition.py --processed data/processed-meiyu --repeats 5
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "examples" / "meiyu"


def analyse(processed: Path, references: list[str]) -> dict:
    from eduanalysis.analyse import transposition as tr

    start = time.perf_counter()
    corpus = tr.load(processed)
    levels = tr.document_levels(corpus.documents)
    table, pairs, added = tr.transposition(corpus.documents, corpus.measures, corpus.targets, corpus.citations,
                                           references=references, selected=corpus.selected)
    tr.level_comparison(table, levels)
    return {"seconds": time.perf_counter() - start, "documents": len(corpus.documents), "pairs": len(table),
            "clause_rows": len(pairs), "added_targets": len(added),
            "clauses": int((corpus.measures["kind"] == "text").sum())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--processed", type=Path, help="a built processed folder (default: build the example corpus)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--reference", action="append", default=None,
                    help="a reference every document is also compared with (default 国办发〔2015〕71号)")
    args = ap.parse_args()
    references = args.reference or ["国办发〔2015〕71号"]
    with tempfile.TemporaryDirectory() as tmp:
        processed = args.processed
        if processed is None:
            import eduanalysis

            processed = Path(tmp) / "processed"
            start = time.perf_counter()
            eduanalysis.build(CORPUS, processed, use_cache=False)
            print(f"build of {CORPUS.relative_to(ROOT)} (citations resolved): {time.perf_counter() - start:.1f} s")
        runs = [analyse(processed, references) for _ in range(args.repeats)]
    best = min(runs, key=lambda r: r["seconds"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("| documents | text clauses | (document, reference) pairs | clause rows | added targets | cores | "
          f"best of {args.repeats} |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {best['documents']} | {best['clauses']} | {best['pairs']} | {best['clause_rows']} | "
          f"{best['added_targets']} | {cores} | {best['seconds']:.2f} s |")


if __name__ == "__main__":
    main()
