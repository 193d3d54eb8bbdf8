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

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from eduanalysis import schema
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
        self._csv = open(self.folder / f"{self.name}.csv", "w", encoding="utf-8", newline="")
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append one piece (already validated and sorted by key)."""
        if self._parquet is None:
            self._start(df)
        if not len(df):
            return
        self._check_order(df)
        df.to_csv(self._csv, index=False, header=False, lineterminator="\n")
        self._pending.append(pa.Table.from_pandas(df, schema=self._schema, preserve_index=False))
        self._pending_rows += len(df)
        self.rows += len(df)
        while self._pending_rows >= self._group:
            self._flush(self._group)

    def _start(self, df: pd.DataFrame) -> None:
        df.head(0).to_csv(self._csv, index=False, lineterminator="\n")
        self._schema = pa.Schema.from_pandas(df, preserve_index=False)
        self._parquet = pq.ParquetWriter(self.folder / f"{self.name}.parquet", self._schema)

    def _check_order(self, df: pd.DataFrame) -> None:
        if not self._key:
            return
        first = tuple(df[self._key].iloc[0])
        if self._last_key is not None and not first > self._last_key:
            raise EduAnalysisError(f"table {self.name!r}: a piece starting at key {first} follows key "
                                   f"{self._last_key}; pieces must be written in key order (a bug in the build)")
        self._last_key = tuple(df[self._key].iloc[-1])

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
                    self._start(schema.empty(self.name) if self.name in schema.TABLES else pd.DataFrame())
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
