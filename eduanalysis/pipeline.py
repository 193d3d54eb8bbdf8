"""The build: corpus folder -> validated tables in the processed folder, and loading them back.

``build`` chains the named tables — documents -> sections/measures ->
responsibilities / targets — validates each against :mod:`eduanalysis.schema`
and writes it as Parquet and CSV (UTF-8, LF, rows sorted by key). Each file is
written to a temporary name and moved into place, so an interrupted build
leaves the previous outputs intact.
"""

from __future__ import annotations

import os
import shutil
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


def process_document(corpus_dir: str | Path, source_file: str, manifest_row: dict[str, str] | None = None,
                     types: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every per-document table for one file of the corpus (pure apart from reading that file).

    Returns ``{"rejects": …}`` with one row when the file cannot be read as a
    document, else the document's rows of documents, boilerplate, sections,
    measures, responsibilities and targets. This is the unit of work that
    parallel and incremental builds distribute and cache.
    """
    path = Path(corpus_dir) / source_file
    types = corpus.read_doc_types() if types is None else types
    try:
        read = corpus.read_file(path)
    except EduAnalysisError as exc:
        return {"rejects": _reject(source_file, str(exc).removeprefix(f"{path.name}: "))}
    if not read.raw.strip():
        return {"rejects": _reject(source_file, "no text: the file holds only white space")}
    record, spans = corpus.document_record(source_file, read.raw, read.encoding, read.file_format, manifest_row,
                                           types, read.properties)
    if record["body_start"] >= record["body_end"]:
        return {"rejects": _reject(source_file, "no body found: the file holds only page furniture "
                                                "(navigation, metadata, notices)")}
    documents = pd.DataFrame([record], columns=schema.DOCUMENTS.column_names)
    boilerplate = pd.DataFrame(spans, columns=schema.BOILERPLATE.column_names)
    sections, measures = sections_and_measures(documents, boilerplate)
    return {
        "documents": documents, "boilerplate": boilerplate, "sections": sections, "measures": measures,
        "responsibilities": responsibilities(measures), "targets": _targets(documents, sections, measures),
    }


def _reject(source_file: str, reason: str) -> pd.DataFrame:
    return pd.DataFrame([{"source_file": source_file, "reason": reason}])


def combine(results: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate per-document results into validated tables.

    A document whose text duplicates an earlier one (in ``source_file`` order)
    moves to ``rejects`` and its rows leave every other table.
    """
    results = sorted(results, key=lambda r: str((r.get("documents") if "documents" in r else r["rejects"])
                                               ["source_file"].iloc[0]))
    seen: dict[str, str] = {}
    kept, rejects = [], []
    for r in results:
        if "rejects" in r:
            rejects.append(r["rejects"])
            continue
        doc = r["documents"].iloc[0]
        if doc["content_sha1"] in seen:
            rejects.append(_reject(doc["source_file"], f"duplicate of {seen[doc['content_sha1']]} (same text)"))
            continue
        seen[doc["content_sha1"]] = doc["source_file"]
        kept.append(r)
    tables = {"rejects": _concat(rejects, "rejects")}
    for name in CORE_TABLES:
        if name != "rejects":
            tables[name] = _concat([r[name] for r in kept], name)
    return {name: tables[name] for name in CORE_TABLES}


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    df = pd.concat(frames, ignore_index=True) if frames else schema.empty(name)
    return schema.validate(df, name)


def build_tables(corpus_dir: str | Path, progress: bool = False) -> BuildResult:
    """Build every core table in memory (nothing is written)."""
    corpus_dir = Path(corpus_dir)
    files = corpus.corpus_files(corpus_dir)
    manifest, warnings = corpus.read_manifest(corpus_dir)
    types = corpus.read_doc_types()
    results = []
    for path in _progress(files, progress, "reading"):
        rel = path.relative_to(corpus_dir).as_posix()
        results.append(process_document(corpus_dir, rel, manifest.get(rel), types))
    return BuildResult(combine(results), warnings)


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
    write_tables(result.tables, out)
    result.out_dir = out
    return result


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> None:
    """Write several tables so that an interruption leaves the previous set intact.

    Every file is first written into a staging folder beside ``out_dir``; only
    when all are written are they moved into place (each move is atomic).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        for name, df in tables.items():
            write_table(df, name, staging)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
