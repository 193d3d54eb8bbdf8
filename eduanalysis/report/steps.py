"""Steps several notebooks share, done once per report and kept in the report's analysis folder.

- :func:`measure_tokens`: the text measures tokenised (``measure_tokens.cache``, a Parquet file), read by
  10_similarity (documents' tokens for similarity and keyness, measures' for alignment) and
  20_themes (clustering). Rows are keyed by measure and tokenizer version and carry a digest of
  their text: a later call tokenises only the measures it has no valid row for, and rewrites the
  file when it added some. The file is a cache, not a published table: deleting it costs one
  tokenisation.
- :func:`measure_themes`: the ``measure_themes`` table, tagged by 20_themes and read again by
  30_timeline, with ``measure_themes.key`` beside it (a digest of the measures' ids and texts and
  of the taxonomy) so a table tagged for other measures or another taxonomy is tagged afresh.

Each notebook calls the step with its own selection; whichever runs first computes and writes,
the others read. A step holds an exclusive lock (:func:`step_lock`, an advisory ``flock`` on
``.locks/<step>`` in the folder) from reading its file to writing it, so notebooks running at
once (``eduanalysis report --jobs 2``) never compute a step twice: the second waits for the first
and then finds every row it needs. Files are replaced atomically. :func:`carry_over` starts a
report run from the stores of the last published one, so an unchanged corpus is not tokenised
again and a changed one only where its texts changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from eduanalysis.analyse import themes, tokens
from eduanalysis.analyse.features import Tokenizer, make_tokenizer, release_memory
from eduanalysis.errors import EduAnalysisError

#: A Parquet file, but a cache rather than one of the report's tables: not ".parquet", so the workbook and the
#: site, which take every .parquet file of the folder for a table, leave it out.
TOKENS_FILE = "measure_tokens.cache"
THEMES_TABLE = "measure_themes"
THEMES_KEY = "measure_themes.key"
#: The files a new report run takes over from the last published analysis folder (each checks its own validity).
CARRIED = (TOKENS_FILE, THEMES_KEY, f"{THEMES_TABLE}.parquet", f"{THEMES_TABLE}.csv")
#: The stored token table's Arrow schema (tokens as a list of strings).
TOKENS_SCHEMA = pa.schema([("measure_id", pa.string()), ("doc_id", pa.string()), ("text_digest", pa.string()),
                           ("tokenizer", pa.string()), ("tokens", pa.list_(pa.string()))])


def measure_tokens(measures: pd.DataFrame, folder: str | Path, tokenizer: str | Tokenizer | None = None,
                   n_jobs: int | None = 1) -> pd.DataFrame:
    """The ``measure_tokens`` of ``measures`` (:func:`eduanalysis.analyse.tokens.measure_tokens`), stored in ``folder``.

    Valid rows of ``folder/measure_tokens.cache`` (same measure, text and tokenizer version) are
    reused; the file then holds the union of its valid rows and the new ones, for this tokenizer
    version only. ``n_jobs``: processes for the Python jieba backend (None: every core).
    """
    path = Path(folder) / TOKENS_FILE
    tok = make_tokenizer(tokenizer)
    with step_lock(folder, TOKENS_FILE):
        stored = _read_tokens(path, tok.version, measures["measure_id"])
        table = tokens.measure_tokens(measures, tok, previous=stored, n_jobs=n_jobs)
        if not pc.all(pc.is_in(tokens.row_keys(table), value_set=tokens.row_keys(stored)), min_count=0).as_py():
            del stored
            stored = _read_tokens(path, tok.version)  # every row, to be written back beside the new ones
            kept = stored.loc[~stored["measure_id"].isin(table["measure_id"])]
            union = table if kept.empty else pd.concat([kept, table], ignore_index=True).sort_values(
                "measure_id", kind="mergesort")  # the table alone is sorted already: no copy
            _atomic_write(path, lambda tmp: pq.write_table(
                pa.Table.from_pandas(union, schema=TOKENS_SCHEMA, preserve_index=False).replace_schema_metadata(None),
                tmp))
        del stored
        release_memory()  # the store as read, and the keys compared
    return table


#: Folder (inside the step's folder) of the steps' lock files; a folder, so publishing, which moves files, leaves it.
LOCKS = ".locks"


@contextlib.contextmanager
def step_lock(folder: str | Path, step: str):
    """Hold the exclusive lock of shared step ``step`` in ``folder``, waiting for another holder to finish.

    An advisory ``flock`` on ``folder/.locks/<step>`` (each call opens the file anew, so threads of one
    process exclude each other as processes do); released by the OS when a kernel dies. Without
    ``fcntl`` (Windows) the step is not locked: notebooks running at once may then compute it twice.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    locks = Path(folder) / LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / step, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read_tokens(path: Path, version: str, measure_ids=None) -> pd.DataFrame:
    """The stored rows of tokenizer ``version``; with ``measure_ids``, only theirs.

    The file is read whole and the rows are selected in Arrow: a read filter copied every row
    (twice the time at 10,000 documents), and a frame of all rows for a sample of them
    (20_themes clusters 20,000 of 1.9 M measures) would be converted only to be looked up.
    """
    if not path.exists():
        return pd.DataFrame(columns=tokens.TOKEN_COLUMNS)
    try:
        table = pq.read_table(path, schema=TOKENS_SCHEMA)
    except (OSError, pa.ArrowException) as exc:
        raise EduAnalysisError(f"cannot read the token store {path} ({exc}); delete it and run again") from exc
    keep = pc.fill_null(pc.equal(table.column("tokenizer"), pa.scalar(version, pa.string())), False)
    if measure_ids is not None:
        wanted = pc.cast(tokens.strings(measure_ids), pa.string())
        keep = pc.and_(keep, pc.is_in(table.column("measure_id"), value_set=wanted))
    if not pc.all(keep, min_count=0).as_py():
        table = table.filter(keep)
    return _to_frame(table)


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """The stored tokens as a frame whose ``tokens`` stay in Arrow (:data:`eduanalysis.analyse.tokens.TOKENS_TYPE`).

    Python lists of the 25 M tokens of 10,000 documents would take 1.3 GB; the Arrow column a
    fifth of that, and the analyses count and select from it directly.
    """
    frame = table.drop_columns(["tokens"]).to_pandas(ignore_metadata=True)
    frame["tokens"] = pd.arrays.ArrowExtensionArray(table.column("tokens").combine_chunks())  # one chunk: no copy later
    release_memory()  # what reading the file took beyond the table: as much again
    return frame


def measure_themes(measures: pd.DataFrame, folder: str | Path, tax: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``measure_themes`` table of ``measures`` (:func:`eduanalysis.analyse.themes.measure_themes`), tagged once.

    Read from ``folder`` when ``measure_themes.key`` there matches these measures and this
    taxonomy; otherwise tagged, written (``measure_themes.parquet``/``.csv``) and keyed.
    """
    from eduanalysis.build.pipeline import read_table
    from eduanalysis.report.exports import write_analysis_table

    tax = themes.taxonomy() if tax is None else tax
    folder = Path(folder)
    key = themes_key(measures, tax)
    key_path = folder / THEMES_KEY
    with step_lock(folder, THEMES_TABLE):
        if key_path.exists() and key_path.read_text(encoding="utf-8").strip() == key \
                and (folder / f"{THEMES_TABLE}.parquet").exists():
            return read_table(folder, THEMES_TABLE)
        tagged = write_analysis_table(themes.measure_themes(measures, tax), THEMES_TABLE, folder)
        _atomic_write(key_path, lambda tmp: Path(tmp).write_text(key + "\n", encoding="utf-8", newline="\n"))
        return tagged


def themes_key(measures: pd.DataFrame, tax: pd.DataFrame) -> str:
    """Digest of what the theme tags depend on: each measure's id, document and text, and the taxonomy.

    The columns are digested as Arrow buffers (each value's UTF-8 length, then all the bytes), in
    ``measure_id`` order: millions of measures in a fraction of a second, with no Python object per value.
    """
    h = hashlib.sha1(b"measure_themes key 2\n")
    m = pa.table({c: tokens.strings(measures[c]) for c in ("measure_id", "doc_id", "text")})
    m = m.take(pc.sort_indices(m, sort_keys=[("measure_id", "ascending")]))
    for col in m.column_names:
        values = m.column(col).combine_chunks()
        h.update(pc.fill_null(pc.binary_length(values), -1).to_numpy().astype("<i8").tobytes())
        offsets = np.frombuffer(values.buffers()[1], dtype=np.int64)[values.offset:values.offset + len(values) + 1]
        h.update(memoryview(values.buffers()[2] or b"")[int(offsets[0]):int(offsets[-1])] if len(values) else b"")
    h.update(tax.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return h.hexdigest()


def carry_over(published: str | Path, staging: str | Path) -> list[Path]:
    """Copy the shared steps' files (:data:`CARRIED`) of a published analysis folder into a run's staging folder.

    Returns the copies. Nothing is trusted blindly: tokens are reused per measure only for the same
    text and tokenizer version, theme tags only under a matching key.
    """
    out = []
    for name in CARRIED:
        src = Path(published) / name
        if src.is_file():
            shutil.copyfile(src, Path(staging) / name)
            out.append(Path(staging) / name)
    return out


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
