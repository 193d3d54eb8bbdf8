"""Throughput of the target extractor against jieba's raw segmentation, on the same text.

Builds the corpus once (reading and segmentation are not timed), then times
:func:`eduanalysis.extract.targets.targets` over all documents and ``jieba.lcut`` over the
same documents' analysis text, each the best of ``--repeat`` runs, and prints
characters per second for both and their ratio.

    .venv/bin/python benchmarks/bench_targets.py [--corpus data/raw] [--repeat 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import jieba

import eduanalysis
from eduanalysis.extract.targets import targets


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="data/raw")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        eduanalysis.build(Path(args.corpus), Path(tmp))
        t = eduanalysis.load(Path(tmp))
        documents, sections, measures = t.documents, t.sections, t.measures
    texts = list(documents.text)
    n_chars = sum(len(s) for s in texts)

    jieba.setLogLevel(60)
    jieba.initialize()  # dictionary loading is a one-off cost, not throughput

    n_targets = len(targets(documents, sections, measures))  # warm caches (compiled patterns, registry)
    t_targets = best_time(lambda: targets(documents, sections, measures), args.repeat)
    t_jieba = best_time(lambda: [jieba.lcut(s) for s in texts], args.repeat)

    ours, theirs = n_chars / t_targets, n_chars / t_jieba
    print(f"corpus: {len(texts)} documents, {n_chars:,} characters, {n_targets} targets")
    print(f"targets extraction: {ours:,.0f} chars/s  ({t_targets * 1000:.1f} ms, best of {args.repeat})")
    print(f"jieba.lcut:         {theirs:,.0f} chars/s  ({t_jieba * 1000:.1f} ms, best of {args.repeat})")
    print(f"ratio extraction / jieba: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
