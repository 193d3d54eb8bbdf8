"""Writing a table as ``NAME.parquet`` + ``NAME.csv`` from a stream of sorted pieces.

A build of tens of thousands of documents cannot hold its tables in memory, so
the tables are written piece by piece: each piece is a validated frame sorted
by key whose keys all follow the previous piece's. :class:`TableWriter` appends
each piece to the CSV and buffers it for Parquet, writing row groups of a fixed
number of rows (:data:`ROW_GROUP_ROWS`), so the files' bytes depend on the
rows only — not on how they were cut into pieces. Writing a whole frame at
once (:func:`write_frame`) goes through the same writer, which is why a
parallel, batched build is byte-identical to a single-process one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from eduanalysis import schema
from eduanalysis.build.csvrows import csv_rows
from eduanalysis.errors import EduAnalysisError

#: Rows per Parquet row group, by table; documents carry their full text, hence fewer rows.
ROW_GROUP_ROWS = {"documents": 512}
#: Rows per Parquet row group of every other table.
DEFAULT_ROW_GROUP_ROWS = 65_536


def group_rows(name: str) -> int:
    """Rows per Parquet row group of table ``name``.

    A process that writes tables for another passes it this number, so both
    write the same bytes whatever their module settings.
    """
    return ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS)


class TableWriter:
    """Stream sorted, validated pieces of table ``name`` into ``folder/name.parquet`` and ``folder/name.csv``.

    Use as a context manager; :meth:`write` each piece in key order. The files
    are complete only after a clean exit. Row groups hold ``row_group_rows``
    rows (default :func:`group_rows`).
    """

    def __init__(self, name: str, folder: str | Path, row_group_rows: int | None = None):
        self.name = name
        self.folder = Path(folder)
        self.rows = 0
        self._group = row_group_rows or group_rows(name)
        self._key = list(schema.TABLES[name].key) if name in schema.TABLES else []
        self._last_key: tuple | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._csv = None

    def __enter__(self) -> TableWriter:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._csv = open(self.folder / f"{self.name}.csv", "wb")
        return self

    def write(self, df: pd.DataFrame) -> tuple[bytes, pa.Table]:
        """Append one piece (already validated and sorted by key); return its CSV bytes and Arrow rows.

        What it returns, given back to :meth:`write_arrow` by a later build,
        writes the same bytes again (the build's merged segments,
        :mod:`eduanalysis.build.segments`).
        """
        table = pa.Table.from_pandas(df, preserve_index=False)
        if self._parquet is None:
            self._start(table.schema)
        elif not table.schema.equals(self._schema, check_metadata=False):
            table = pa.Table.from_pandas(df, schema=self._schema, preserve_index=False)
        if not len(df):
            return b"", table
        csv = csv_rows(df, table)  # pandas' bytes, from the Arrow columns
        if csv is None:
            csv = df.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")
        self._append(csv, table, tuple(df[self._key].iloc[0]) if self._key else None,
                     tuple(df[self._key].iloc[-1]) if self._key else None)
        return csv, table

    def write_arrow(self, csv, table: pa.Table) -> None:
        """Append a piece :meth:`write` returned before: its CSV bytes (any bytes-like object) and its Arrow rows."""
        if self._parquet is None:
            self._start(table.schema)
        elif not table.schema.equals(self._schema, check_metadata=False):
            raise EduAnalysisError(f"table {self.name!r}: a merged piece's columns {table.schema.names} are not "
                                   "those of the table (a bug in the build)")
        if not table.num_rows:
            return
        self._append(csv, table, *(tuple(table.column(k)[i].as_py() for k in self._key) if self._key else None
                                   for i in (0, table.num_rows - 1)))

    def _append(self, csv, table: pa.Table, first: tuple | None, last: tuple | None) -> None:
        self._check_order(first, last)
        self._csv.write(csv)
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        while self._pending_rows >= self._group:
            self._flush(self._group)

    def _start(self, arrow_schema: pa.Schema) -> None:
        self._csv.write(pd.DataFrame(columns=arrow_schema.names).to_csv(index=False, lineterminator="\n")
                        .encode("utf-8"))
        self._schema = arrow_schema
        self._parquet = pq.ParquetWriter(self.folder / f"{self.name}.parquet", self._schema)

    def _check_order(self, first: tuple | None, last: tuple | None) -> None:
        if not self._key:
            return
        if self._last_key is not None and not first > self._last_key:
            raise EduAnalysisError(f"table {self.name!r}: a piece starting at key {first} follows key "
                                   f"{self._last_key}; pieces must be written in key order (a bug in the build)")
        self._last_key = last

    def _flush(self, rows: int) -> None:
        # One contiguous table per row group: page boundaries then depend on the rows alone.
        table = pa.concat_tables(self._pending).combine_chunks()
        head, rest = table.slice(0, rows), table.slice(rows)
        self._parquet.write_table(head, row_group_size=rows)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                if self._parquet is None:
                    empty = schema.empty(self.name) if self.name in schema.TABLES else pd.DataFrame()
                    self._start(pa.Schema.from_pandas(empty, preserve_index=False))
                if self._pending_rows:
                    self._flush(self._pending_rows)
                if self.rows == 0:
                    self._parquet.write_table(self._schema.empty_table())
        finally:
            if self._parquet is not None:
                self._parquet.close()
            if self._csv is not None:
                self._csv.close()


def write_frame(df: pd.DataFrame, name: str, folder: str | Path) -> None:
    """Write a whole validated frame as ``name.parquet`` and ``name.csv`` through :class:`TableWriter`."""
    with TableWriter(name, folder) as writer:
        writer.write(df)


# --- installing a table set as a unit ----------------------------------------------------

#: The journal of an install in progress: while it exists, the folder holds a mix of two table sets.
JOURNAL_NAME = ".install.json"
#: Hard links to the files an install replaces, kept until the install is complete.
BACKUP_DIRNAME = ".previous"
#: Written into an output folder by the first install: its tables are eduanalysis's to replace.
OWNER_MARKER = ".eduanalysis-tables"
#: The lock file of an output folder (kept; the lock is the advisory lock on it, released when its holder dies).
LOCK_NAME = ".lock"
#: Prefix of the staging folders builds and reports write into before installing.
STAGING_PREFIX = ".staging-"


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def install(folder: str | Path, out: str | Path, stamp_name: str | None = None,
            stamp: Callable[[], dict] | None = None) -> None:
    """Move every file of ``folder`` into ``out`` and write ``stamp()`` as ``out/stamp_name``, all or nothing.

    The files that will be replaced are first hard-linked into ``out/.previous``
    and a journal listing the files is written; then the files move (each move
    atomic) and the stamp is written last; then the journal and the backup go.
    A build killed in between leaves the journal: :func:`recover` (run by the
    next build) puts the previous set back, and readers refuse the folder until
    then (:func:`check_installed`).
    """
    folder, out = Path(folder), Path(out)
    if not (out / OWNER_MARKER).exists():
        atomic_write_text(out / OWNER_MARKER, "tables written by eduanalysis; a build may replace them\n")
    names = sorted(p.name for p in folder.iterdir())
    targets = [*names, *([stamp_name] if stamp_name else [])]
    backup = out / BACKUP_DIRNAME
    shutil.rmtree(backup, ignore_errors=True)
    backup.mkdir()
    for name in targets:
        if (out / name).is_file():
            _link_or_copy(out / name, backup / name)
    atomic_write_text(out / JOURNAL_NAME, json.dumps({"installing": targets}, indent=1) + "\n")
    if stamp_name:
        (out / stamp_name).unlink(missing_ok=True)  # while files move, no stamp may vouch for them
    for name in names:
        os.replace(folder / name, out / name)
    if stamp_name:
        atomic_write_text(out / stamp_name, json.dumps(stamp(), indent=1, sort_keys=True) + "\n")
    (out / JOURNAL_NAME).unlink()
    shutil.rmtree(backup, ignore_errors=True)


def recover(out: str | Path) -> bool:
    """Undo an install that was interrupted (its journal is there): the previous table set comes back.

    Idempotent (a recovery that is itself interrupted can be run again).
    Returns whether there was anything to undo. Call it holding the folder's lock.
    """
    out = Path(out)
    journal = out / JOURNAL_NAME
    try:
        targets = json.loads(journal.read_text(encoding="utf-8"))["installing"]
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):
        targets = []
    backup = out / BACKUP_DIRNAME
    for name in targets:
        if "/" in name or name.startswith(".."):
            continue
        if (backup / name).is_file():
            tmp = out / f".{name}.restore"
            tmp.unlink(missing_ok=True)
            _link_or_copy(backup / name, tmp)
            os.replace(tmp, out / name)
        else:
            (out / name).unlink(missing_ok=True)
    journal.unlink(missing_ok=True)
    shutil.rmtree(backup, ignore_errors=True)
    return True


def check_installed(folder: str | Path) -> None:
    """Refuse a folder whose last install was interrupted (its tables are a mix of two builds)."""
    folder = Path(folder)
    if (folder / JOURNAL_NAME).exists():
        raise EduAnalysisError(f"{folder}: a build was interrupted while installing its tables, so they are a mix "
                               f"of two builds; run `eduanalysis build --out {folder}` again (it restores the "
                               "previous tables first)")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and one rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextlib.contextmanager
def locked(folder: str | Path, what: str = "build", wait: bool = False):
    """Hold the lock of output folder ``folder``; a second holder gets a clear error at once.

    With ``wait``, a second holder waits its turn instead: the notebooks of one report, running
    at once, each write their tables into the run's one analysis folder this way.

    The lock is an advisory ``flock`` on ``folder/.lock``, released by the OS when
    its holder exits or is killed, so a crashed build never leaves it stuck; the
    file is removed on release (a holder checks that the file it locked is still
    the one at that path). Leftover staging folders of killed runs are removed
    once the lock is held.
    """
    folder = Path(folder)
    path = folder / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; runs must not overlap
        fcntl = None
    while True:
        fh = open(path, "a+", encoding="utf-8")
        if fcntl is None:
            break
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise EduAnalysisError(f"{folder}: another eduanalysis run ({holder}) is writing to this folder; "
                                   "wait for it to finish, or choose another output folder") from exc
        try:
            same = os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        fh.close()  # the holder before us removed the file we locked: lock the new one
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"{what}, pid {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        for stale in folder.glob(f"{STAGING_PREFIX}*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        try:
            path.unlink(missing_ok=True)
        finally:
            fh.close()


def read_table(processed_dir: str | Path, name: str, where: tuple[str, str] | None = None) -> pd.DataFrame:
    """Read one table (Parquet preferred, CSV otherwise) with its schema dtypes.

    ``where``: ``(column, value)``, only the rows whose column equals the value (from Parquet, rows are
    dropped as the file is read, so the whole table is never in memory).
    """
    folder = Path(processed_dir)
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists() and where:
        # One chunk per column: the filtered pieces, each with its own buffers, took 0.17 GB more
        # (the clause measures of 10,000 documents).
        df = pq.read_table(parquet, filters=[(where[0], "==", where[1])]).combine_chunks().to_pandas()
    elif parquet.exists():
        df = pd.read_parquet(parquet)
    elif csv.exists():
        df = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
        if where:
            df = df.loc[df[where[0]] == where[1]].reset_index(drop=True)
    else:
        raise EduAnalysisError(f"{folder}: no table {name!r}; run `eduanalysis build --out {folder}` first")
    return schema.validate(df, name) if name in schema.TABLES else df
