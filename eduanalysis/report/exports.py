"""Analysis tables written by the notebooks, into their own folder (``analysis_dir``), never the build's.

The build owns ``processed_dir``; a notebook's tables (similarity, keyness, clusters …) go to
the report's ``analysis_dir``, so a rebuild never meets a stale analysis table and two report runs
with different parameters write to different folders. Each table is written as

- ``name.parquet`` and ``name.csv`` (UTF-8, validated against the schema), as the build writes;
- ``name.dta`` for Stata (version 118, Unicode; booleans as 0/1, all-empty columns kept as empty
  numbers, long texts cut to Stata's 2,045 characters) — R reads it with ``haven::read_dta``;

and :func:`write_workbook` gathers every table of the folder into one ``tables.xlsx``, one sheet a
table, header frozen, Chinese as written.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from eduanalysis.analyse.tokens import strings
from eduanalysis.build.pipeline import read_table, write_table
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import dta
from eduanalysis.schema import validate

#: Longest string Stata 118 stores in a ``str#`` variable.
STATA_STR_MAX = 2045
#: Excel's limits: characters in a cell, rows in a sheet, characters in a sheet name.
EXCEL_CELL_MAX, EXCEL_ROWS_MAX, EXCEL_SHEET_NAME_MAX = 32_767, 1_048_576, 31
WORKBOOK = "tables.xlsx"


def save_table(df: pd.DataFrame, name: str, analysis_dir: str | Path) -> Path:
    """Validate ``df`` against the schema and write ``name.parquet``, ``.csv`` and ``.dta`` in ``analysis_dir``."""
    write_analysis_table(df, name, analysis_dir)
    return Path(analysis_dir) / f"{name}.parquet"


def write_analysis_table(df: pd.DataFrame, name: str, analysis_dir: str | Path) -> pd.DataFrame:
    """:func:`save_table`, returning the table as written: validated, which is what reading it back gives."""
    table = validate(df, name)
    # Notebooks of one report running at once write into one analysis folder: each waits its turn.
    write_table(table, name, analysis_dir, wait=True)
    write_stata(table, Path(analysis_dir) / f"{name}.dta")
    return table


def save_frame(df: pd.DataFrame, name: str, analysis_dir: str | Path) -> dict[str, Path]:
    """Write a table that has no schema (e.g. a KWIC concordance) as ``name.csv`` and ``name.dta``."""
    folder = Path(analysis_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"csv": folder / f"{name}.csv", "dta": folder / f"{name}.dta"}
    _atomic(paths["csv"], lambda p: df.to_csv(p, index=False, encoding="utf-8", lineterminator="\n"))
    write_stata(df, paths["dta"])
    return paths


def stata_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as a Stata file stores it (the frame :func:`write_stata` writes).

    Booleans become 0/1, nullable integers and floats become float64 (missing as Stata's ``.``),
    an all-empty column becomes an empty float column (Stata has no untyped column), strings are
    cut to :data:`STATA_STR_MAX` characters with missing as "", as categories (codes in order of first
    appearance): a table of millions of tags repeats its ids and themes, and the writer encodes each
    distinct string once.

    >>> stata_frame(pd.DataFrame({"a": [None, None], "b": [True, None], "c": ["x", None]})).dtypes.astype(str).tolist()
    ['float64', 'float64', 'category']
    """
    out = {}
    for col in df.columns:
        s = df[col]
        if s.isna().all():
            out[col] = pd.Series(float("nan"), index=df.index, dtype="float64")
        elif pd.api.types.is_bool_dtype(s.dtype) or (s.dtype == object and s.dropna().map(type).eq(bool).all()):
            out[col] = s.astype("float64") if s.isna().any() else s.astype("int8")
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out[col] = s.astype("float64")
        else:
            codes, distinct = _stata_strings(s)
            out[col] = pd.Series(pd.Categorical.from_codes(codes, pd.Index(distinct, dtype=object)), index=df.index)
    return pd.DataFrame(out, index=df.index)


def _stata_strings(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each value's code and the distinct values, in order of first appearance: strings cut to
    :data:`STATA_STR_MAX` characters, missing as "" (``pd.factorize`` of them).

    Columns of strings are numbered in Arrow and only their distinct values cut and filled: the
    3.4 M theme tags of 10,000 documents took 3 s through pandas' string methods. Other columns
    (Python objects of any type, Arrow dates and lists) go through those methods.
    """
    arrow_strings = isinstance(s.dtype, pd.StringDtype) or (isinstance(s.dtype, pd.ArrowDtype) and (
        pa.types.is_string(s.dtype.pyarrow_dtype) or pa.types.is_large_string(s.dtype.pyarrow_dtype)))
    if not arrow_strings:
        codes, distinct = pd.factorize(s.astype("string").fillna("").str.slice(0, STATA_STR_MAX))
        return codes, np.asarray(distinct, dtype=object).tolist()
    encoded = pc.dictionary_encode(strings(s), null_encoding="encode")  # a missing value numbered where first met
    codes, distinct = encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    longest = pc.max(pc.utf8_length(encoded.dictionary)).as_py() or 0
    if longest <= STATA_STR_MAX and not (None in distinct and "" in distinct):
        return codes, ["" if v is None else v for v in distinct]
    # Values that repeat once cut, or "" beside a missing value: numbered again, in the same order.
    renumber, distinct = pd.factorize(np.array(["" if v is None else v[:STATA_STR_MAX] for v in distinct], dtype=object))
    return renumber[codes], distinct.tolist()


def write_stata(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as a Stata 118 file (Stata 14+, Unicode), via :func:`stata_frame`.

    Written by :mod:`eduanalysis.report.dta` a block of rows at a time: ReadStat takes the cells one by
    one from Python and pandas' writer makes several fixed-width copies of the table first.
    """
    path = Path(path)
    frame = stata_frame(df.reset_index(drop=True))
    frame.columns = stata_names(frame.columns)
    _atomic(path, lambda p: dta.write_dta(frame, p))
    return path


#: Words Stata reserves, which no variable may be named.
STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip str strL using with".split())


def stata_names(columns) -> list[str]:
    """Column names as Stata variable names (as pandas' writer renamed them): characters other than
    letters, digits and ``_`` become ``_``, a name starting with a digit or reserved gets a leading
    ``_``, names are cut to 32 characters and repeats numbered (``_1``, ``_2`` …).

    >>> stata_names(["2019", "a-b", "a b", "in", "地区", "ok"])
    ['_2019', 'a_b', 'a_b_1', '_in', '地区', 'ok']
    """
    out: list[str] = []
    for col in columns:
        name = re.sub(r"\W", "_", str(col)) or "_"
        if name[0].isdigit() or name in STATA_RESERVED:
            name = "_" + name
        name, base, n = name[:32], name[:32], 0
        while name in out:
            n += 1
            name = f"{base[:32 - len(str(n)) - 1]}_{n}"
        out.append(name)
    return out


def write_workbook(analysis_dir: str | Path, out: str | Path | None = None,
                   extra: dict[str, pd.DataFrame] | None = None) -> Path:
    """Every table of ``analysis_dir`` (Parquet) and ``extra`` frames as one sheet each of an ``.xlsx`` file.

    The header row is frozen and bold; text is written as is (Chinese intact), cells longer than
    Excel allows are cut with "…", and a table longer than a sheet is cut with a note in its last row.
    The workbook is streamed (openpyxl's write-only mode) and each table read a batch of rows at a
    time, no more rows than a sheet holds: memory stays bounded however large the tables (at
    10,000 documents the theme tags alone are 3.4 M rows).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    folder = Path(analysis_dir)
    # name -> (rows, frames): each table read when its sheet is written, a batch at a time
    tables = {p.stem: functools.partial(_parquet_frames, folder, p.stem) for p in sorted(folder.glob("*.parquet"))}
    tables.update({name: functools.partial(_one_frame, df) for name, df in (extra or {}).items()})
    if not tables:
        raise EduAnalysisError(f"{folder} holds no analysis tables; run `eduanalysis report` first")
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, source in tables.items():
        total, frames = source()
        ws = wb.create_sheet(_sheet_name(name, wb.sheetnames))
        ws.freeze_panes = "A2"
        rows_left = EXCEL_ROWS_MAX - 2
        for k, df in enumerate(frames):
            if k == 0:
                columns = [str(c) for c in df.columns]
                for j, col in enumerate(columns, start=1):
                    ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, len(col) + 2))
                header = [WriteOnlyCell(ws, value=col) for col in columns]
                for cell in header:
                    cell.font = bold
                ws.append(header)
            for values in df.head(max(rows_left, 0)).itertuples(index=False):
                ws.append([_cell(v) for v in values])
            rows_left -= len(df)
        if total > EXCEL_ROWS_MAX - 2:
            ws.append([f"… {total - (EXCEL_ROWS_MAX - 2):,} more rows in {name}.parquet / {name}.csv"])
    path = Path(out) if out else folder / WORKBOOK
    _atomic(path, wb.save)
    return path


#: Rows read from a table at a time when it is copied into the workbook.
WORKBOOK_BATCH_ROWS = 50_000


def _parquet_frames(folder: Path, name: str):
    """Table ``name`` of ``folder``: its row count, and its rows (schema dtypes) a batch at a time, up to a sheet's
    rows; an empty table gives one empty frame, for the header."""
    import pyarrow.parquet as pq

    from eduanalysis import schema

    pf = pq.ParquetFile(folder / f"{name}.parquet")
    total = pf.metadata.num_rows

    def frames():
        if total == 0:
            yield read_table(folder, name)
            return
        read = 0
        for batch in pf.iter_batches(batch_size=WORKBOOK_BATCH_ROWS):
            df = batch.to_pandas()
            yield schema.validate(df, name) if name in schema.TABLES else df
            read += batch.num_rows
            if read >= EXCEL_ROWS_MAX - 2:
                return

    return total, frames()


def _one_frame(df: pd.DataFrame):
    return len(df), iter([df])


def _sheet_name(name: str, taken: list[str]) -> str:
    base = name[:EXCEL_SHEET_NAME_MAX]
    for ch in "[]:*?/\\":
        base = base.replace(ch, "_")
    k, out = 2, base
    while out in taken:
        out = f"{base[:EXCEL_SHEET_NAME_MAX - 3]}_{k}"
        k += 1
    return out


def _cell(v):
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()  # numpy scalars
    if isinstance(v, str) and len(v) > EXCEL_CELL_MAX:
        return v[:EXCEL_CELL_MAX - 1] + "…"
    return v


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the tables are for sharing
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
