"""Tokenisation in the analyses against jieba's ``lcut``, on the same text, single process, one run.

Writes a synthetic corpus of ``--docs`` documents (:mod:`eduanalysis.testing.synth`), builds it
(not timed) and takes its clause measures: the texts the analyses tokenise. Then times, once each,
in this process, after both dictionaries are loaded:

- ``jieba.lcut`` of every measure (Python jieba with the user dictionary, no filtering): the baseline;
- the reference tokenizer (:class:`~eduanalysis.analyse.features.JiebaTokenizer`: jieba and the filter);
- :func:`eduanalysis.analyse.tokens.measure_tokens` with jieba-rs, what a report runs once: the
  ``measure_tokens`` table (text digests, the filter, a fresh tokenizer that has cached no token yet);
- for information, the report's store (:func:`eduanalysis.report.steps.measure_tokens`): the first
  notebook tokenises and writes the Parquet file, the later ones read it;

and prints characters per CPU second of this process (one process throughout, so other load on a
shared machine does not enter the ratio), the ratio of each to the baseline, and the share of
identical tokens.

    .venv/bin/python benchmarks/bench_tokenize.py [--docs 300]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The benchmark's largest corpus: the machine is shared, this is not a scale test.
MAX_DOCS = 1000


def timed(fn):
    """CPU seconds of this process running ``fn`` (other load on a shared machine does not enter), and its result."""
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300, help=f"synthetic documents (at most {MAX_DOCS})")
    args = ap.parse_args(argv)
    if not 1 <= args.docs <= MAX_DOCS:
        raise SystemExit(f"--docs must be between 1 and {MAX_DOCS}")

    from eduanalysis.analyse import features, tokens
    from eduanalysis.build.pipeline import build_tables
    from eduanalysis.report import steps
    from eduanalysis.testing import synth

    with tempfile.TemporaryDirectory() as tmp:
        synth.generate(Path(tmp) / "corpus", args.docs, source_dir=ROOT / "data" / "raw")
        measures = features.text_measures(build_tables(Path(tmp) / "corpus").tables["measures"])
    texts = measures["text"].tolist()
    chars = sum(map(len, texts))
    print(f"{args.docs} synthetic documents: {len(texts):,} clause measures, {chars:,} characters", flush=True)

    jieba_ = features._jieba()  # Python jieba with the user dictionary, loaded before timing
    features._rjieba()
    features.stopwords()
    jieba_.lcut(texts[0])

    t_lcut, _ = timed(lambda: [jieba_.lcut(t) for t in texts])
    reference = features.JiebaTokenizer()
    t_ref, ref = timed(lambda: [reference(t) for t in texts])
    t_fast, table = timed(lambda: tokens.measure_tokens(measures, features.RJiebaTokenizer()))
    with tempfile.TemporaryDirectory() as store:
        t_store, _ = timed(lambda: steps.measure_tokens(measures, store, features.RJiebaTokenizer()))
        t_read, _ = timed(lambda: steps.measure_tokens(measures, store, features.RJiebaTokenizer()))

    same = total = 0
    for a, b in zip(ref, table.set_index("measure_id")["tokens"].reindex(measures["measure_id"]), strict=True):
        same += sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
        total += max(len(a), len(b))

    print()
    print("| step | CPU seconds | characters/s | × jieba lcut |")
    print("|---|---:|---:|---:|")
    for name, t in (("jieba lcut (baseline)", t_lcut), ("JiebaTokenizer (reference: jieba + filter)", t_ref),
                    ("measure_tokens, rjieba (the analyses)", t_fast),
                    ("report.steps.measure_tokens, first notebook (tokenise, write Parquet)", t_store),
                    ("report.steps.measure_tokens, later notebooks (read Parquet)", t_read)):
        print(f"| {name} | {t:.2f} | {chars / t:,.0f} | {t_lcut / t:.2f} |")
    print()
    print(f"tokenisation in the analyses: {t_lcut / t_fast:.1f}× jieba lcut (one run, one process); "
          f"identical tokens: {same / total:.4%} of {total:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
