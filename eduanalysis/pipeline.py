"""The build: corpus folder -> validated tables in the processed folder, and loading them back.

``build`` chains the named tables — documents -> sections/measures ->
responsibilities / targets — validates each against :mod:`eduanalysis.schema`
and writes it as Parquet and CSV (UTF-8, LF, rows sorted by key). Each file is
written to a temporary name and moved into place, so an interrupted build
leaves the previous outputs intact.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from eduanalysis import corpus, schema
from eduanalysis.errors import EduAnalysisError
from eduanalysis.responsibilities import responsibilities
from eduanalysis.segment import sections_and_measures

#: Tables in the order they are built (and listed by ``load``).
CORE_TABLES = ("documents", "boilerplate", "rejects", "sections", "measures", "responsibilities", "targets")


@dataclass
class BuildResult:
    """What a build produced: the tables, warnings (manifest problems) and the output folder."""

    tables: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)
    out_dir: Path | None = None

    def summary(self) -> str:
        t = self.tables
        line = (f"{len(t['documents'])} documents ({len(t['rejects'])} rejected): {len(t['sections'])} sections, "
                f"{len(t['measures'])} measures, {len(t['targets'])} targets")
        if len(t["targets"]):
            mapped = t["targets"]["indicator_id"].notna().mean()
            line += f" ({mapped:.0%} mapped to canonical indicators)"
        line += f", {len(t['responsibilities'])} responsibilities"
        return line + (f" -> {self.out_dir}" if self.out_dir else "")


def read_corpus(corpus_dir: str | Path, progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Read every file of a corpus folder: ``(documents, boilerplate, rejects, warnings)``."""
    corpus_dir = Path(corpus_dir)
    files = corpus.corpus_files(corpus_dir)
    manifest, warnings = corpus.read_manifest(corpus_dir)
    types = corpus.read_doc_types()
    docs, boiler, rejects = [], [], []
    seen: dict[str, str] = {}
    for path in _progress(files, progress, "reading"):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            raw, encoding, fmt = corpus.read_text_file(path)
        except EduAnalysisError as exc:
            rejects.append({"source_file": rel, "reason": str(exc).removeprefix(f"{path.name}: ")})
            continue
        if not raw.strip():
            rejects.append({"source_file": rel, "reason": "no text: the file holds only white space"})
            continue
        record, spans = corpus.document_record(rel, raw, encoding, fmt, manifest.get(rel), types)
        if record["body_start"] >= record["body_end"]:
            rejects.append({"source_file": rel, "reason": "no body found: the file holds only page furniture "
                                                          "(navigation, metadata, notices)"})
            continue
        if record["content_sha1"] in seen:
            rejects.append({"source_file": rel, "reason": f"duplicate of {seen[record['content_sha1']]} (same text)"})
            continue
        seen[record["content_sha1"]] = rel
        docs.append(record)
        boiler.extend(spans)
    return (schema.validate(pd.DataFrame(docs, columns=schema.DOCUMENTS.column_names), "documents"),
            schema.validate(pd.DataFrame(boiler, columns=schema.BOILERPLATE.column_names), "boilerplate"),
            schema.validate(pd.DataFrame(rejects, columns=schema.REJECTS.column_names), "rejects"),
            warnings)


def build_tables(corpus_dir: str | Path, progress: bool = False) -> BuildResult:
    """Build every core table in memory (nothing is written)."""
    documents, boilerplate, rejects, warnings = read_corpus(corpus_dir, progress)
    sections, measures = sections_and_measures(documents, boilerplate)
    tables = {
        "documents": documents, "boilerplate": boilerplate, "rejects": rejects,
        "sections": sections, "measures": measures, "responsibilities": responsibilities(measures),
        "targets": _targets(documents, sections, measures),
    }
    return BuildResult(tables, warnings)


def _targets(documents: pd.DataFrame, sections: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    try:
        from eduanalysis.targets import targets
    except ModuleNotFoundError as exc:
        if exc.name != "eduanalysis.targets":
            raise
        return schema.empty("targets")
    return targets(documents, sections, measures)


def build(corpus_dir: str | Path = "data/raw", out_dir: str | Path = "data/processed",
          progress: bool = False) -> BuildResult:
    """Read ``corpus_dir`` and write every table to ``out_dir`` as Parquet and CSV.

    Returns the :class:`BuildResult` (tables in memory, warnings, summary).
    """
    result = build_tables(corpus_dir, progress)
    out = Path(out_dir)
    for name in CORE_TABLES:
        write_table(result.tables[name], name, out)
    result.out_dir = out
    return result


def write_table(df: pd.DataFrame, name: str, out_dir: str | Path) -> None:
    """Validate ``df`` as table ``name`` and write ``name.parquet`` and ``name.csv`` atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    df = schema.validate(df, name)
    _atomic(out_dir / f"{name}.parquet", lambda p: df.to_parquet(p, index=False))
    _atomic(out_dir / f"{name}.csv", lambda p: df.to_csv(p, index=False, encoding="utf-8", lineterminator="\n"))


def _atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_table(processed_dir: str | Path, name: str) -> pd.DataFrame:
    """Read one table (Parquet preferred, CSV otherwise) with its schema dtypes."""
    folder = Path(processed_dir)
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        df = pd.read_parquet(parquet)
    elif csv.exists():
        df = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
    else:
        raise EduAnalysisError(f"{folder}: no table {name!r}; run `eduanalysis build --out {folder}` first")
    return schema.validate(df, name) if name in schema.TABLES else df


class Tables:
    """The tables of a processed folder as attributes (``t.documents``, ``t.targets`` …), for notebooks."""

    def __init__(self, processed_dir: str | Path, tables: dict[str, pd.DataFrame]):
        self.processed_dir = Path(processed_dir)
        self._tables = tables

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("_tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table {name!r} in {self.__dict__.get('processed_dir')}; "
                             f"available: {', '.join(tables)}")

    def __dir__(self):
        return [*super().__dir__(), *self._tables]

    @property
    def names(self) -> list[str]:
        return list(self._tables)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(df)}" for n, df in self._tables.items())
        return f"<Tables {self.processed_dir}: {parts}>"


def load(processed_dir: str | Path = "data/processed") -> Tables:
    """Load every table of a processed folder.

    >>> t = load("data/processed")  # doctest: +SKIP
    >>> t.targets.head()  # doctest: +SKIP
    """
    folder = Path(processed_dir)
    if not (folder / "documents.parquet").exists() and not (folder / "documents.csv").exists():
        raise EduAnalysisError(f"{folder} holds no built tables; run `eduanalysis build --out {folder}` first")
    names = [n for n in CORE_TABLES if (folder / f"{n}.parquet").exists() or (folder / f"{n}.csv").exists()]
    extra = sorted({p.stem for p in folder.glob("*.parquet")} - set(names))
    return Tables(folder, {n: read_table(folder, n) for n in [*names, *extra]})


def _progress(items, enabled: bool, desc: str):
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="file", file=sys.stderr, leave=False)
