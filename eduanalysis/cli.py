"""Command line: ``eduanalysis build``, ``eduanalysis report``, ``eduanalysis dictionary``.

Errors of the user's making (:class:`EduAnalysisError`) print one line naming
the file and the fix and exit with status 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eduanalysis import config
from eduanalysis.build.executors import SCHEDULERS
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import notebooks


def _build(args: argparse.Namespace) -> int:
    from eduanalysis.build.pipeline import BATCH_DOCS, build

    result = build(args.corpus, args.out, progress=not args.quiet, workers=args.workers, scheduler=args.scheduler,
                   address=args.address, cache_dir=args.cache, use_cache=not args.no_cache,
                   batch_size=args.batch_size or BATCH_DOCS)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for row in result.tables["rejects"].itertuples():
        print(f"rejected: {row.source_file}: {row.reason}", file=sys.stderr)
    print(result.summary())
    n_docs = result.stats["documents"] if result.stats is not None else len(result.tables["documents"])
    if n_docs == 0:
        reasons = result.tables["rejects"]["reason"].value_counts()
        summary = "; ".join(f"{n} × {r}" for r, n in reasons.items()) or f"no files in {args.corpus}"
        print(f"eduanalysis: error: read 0 documents from {args.corpus} ({summary}); "
              "put .txt, .html, .docx or .pdf files there, or pass --corpus naming the folder that has them",
              file=sys.stderr)
        return 2
    return 1 if args.strict and (len(result.tables["rejects"]) or result.warnings) else 0


def _dictionary(args: argparse.Namespace) -> int:
    from eduanalysis import schema

    text = schema.data_dictionary_markdown() + "\n"
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="eduanalysis", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="read a corpus folder and write the tables")
    b.add_argument("--corpus", type=Path, default=config.DEFAULT_CORPUS_DIR, help="corpus folder (default data/raw)")
    b.add_argument("--out", type=Path, default=config.DEFAULT_PROCESSED_DIR, help="output folder (default data/processed)")
    b.add_argument("--strict", action="store_true", help="exit non-zero when a file was rejected or the manifest has problems")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")
    b.add_argument("--scheduler", choices=SCHEDULERS, default="processes",
                   help="where workers run: a local process pool (default) or Dask")
    b.add_argument("--address", help="with --scheduler dask: an existing scheduler, tcp://HOST:PORT "
                                     "(default: a local cluster on 127.0.0.1)")
    b.add_argument("--cache", type=Path, metavar="DIR", help="cache of per-document results (default OUT/.cache)")
    b.add_argument("--no-cache", action="store_true", help="read every document and keep no cache")
    b.add_argument("--batch-size", type=int, metavar="N",
                   help="documents merged at a time while writing, on average (at most twice that); memory "
                        "grows with it (default 200)")
    b.set_defaults(func=_build)
    d = sub.add_parser("dictionary", help="print or write the data dictionary generated from the schema")
    d.add_argument("--out", type=Path, help="write to this Markdown file")
    d.set_defaults(func=_dictionary)
    notebooks.register_cli(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except EduAnalysisError as exc:
        print(f"eduanalysis: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file system problem no stage anticipated: name the path, no traceback
        print(f"eduanalysis: error: {exc.filename or ''}: {exc.strerror or exc}; check that path (permissions, "
              "free space) and run again", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
