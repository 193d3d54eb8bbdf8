"""The CSV rows of a table, byte for byte as pandas' ``to_csv`` writes them, made with Arrow compute.

``DataFrame.to_csv`` turns every cell into a Python object and joins them in Python: at 3.4 M
theme tags it takes 6 s of a notebook. :func:`csv_rows` builds the same bytes from the table's
Arrow columns (the writer already holds them for Parquet):

- strings as they are, quoted as Python's ``csv`` module quotes them (``QUOTE_MINIMAL``: a value
  holding the delimiter, the quote character or the line terminator is enclosed in quotes, its quotes
  doubled; :func:`quoted_characters` asks the module which characters those are);
- integers in decimal; 64-bit floats as ``str`` gives them (pandas hands the writer Python floats),
  formatted in Python a column at a time;
- missing values as empty fields.

Left to pandas (:func:`csv_rows` returns None): other columns (booleans, narrower floats, dates,
categories, objects that Arrow does not read as strings or integers); single-column tables (where
the ``csv`` module writes an empty string as ``""``); tables whose Arrow columns are not the
frame's own (a schema forced on them); and tables of long texts (:data:`LONG_FIELD`: there the
Arrow copies cost more memory than pandas and save no time). ``tests/build/test_csvrows.py``
compares the bytes with pandas' on awkward values.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Bytes per field, on average over a string column, above which pandas writes the table (document texts).
LONG_FIELD = 256
#: Characters the csv module might quote a value for; :func:`quoted_characters` asks it which it does.
CANDIDATES = ",\"\n\r\t ';\\#\x0b\x0c"


def quoted_characters() -> str | None:
    """The characters that make Python's ``csv`` writer (as pandas calls it: ``QUOTE_MINIMAL``, line
    terminator ``"\\n"``) quote a value, asked of the writer itself, since Python versions differ; None when
    a character's position in the value matters too (then pandas writes every table)."""
    def quotes(value: str) -> bool:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([value, "x"])
        return out.getvalue().startswith('"')

    chars = [c for c in CANDIDATES if quotes(f"a{c}b")]
    if any(quotes(f"{c}ab") != (c in chars) or quotes(f"ab{c}") != (c in chars) for c in CANDIDATES):
        return None
    return "".join(chars)


QUOTED = quoted_characters()


def csv_rows(df: pd.DataFrame, table: pa.Table) -> bytes | None:
    """``df.to_csv(index=False, header=False, lineterminator="\\n")`` encoded as UTF-8, from ``table``
    (``pa.Table.from_pandas(df, preserve_index=False)``), or None when a column is of a kind left to pandas."""
    if table.num_columns < 2 or not table.num_rows or not QUOTED:
        return None
    if table.column_names != [str(c) for c in df.columns] or table.num_rows != len(df):
        return None
    fields = []
    for name, dtype in zip(table.column_names, df.dtypes, strict=True):
        field = _field(table.column(name), dtype)
        if field is None:
            return None
        fields.append(field)
    # The line terminator ends the last field, so the joined rows lie end to end in one buffer: the CSV.
    fields[-1] = pc.binary_join_element_wise(fields[-1], _text(""), _text("\n"))
    rows = pc.binary_join_element_wise(*fields, _text(","))
    rows = rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + len(rows) + 1]
    return rows.buffers()[2][int(offsets[0]):int(offsets[-1])].to_pybytes()


def _field(column: pa.ChunkedArray, dtype) -> pa.ChunkedArray | None:
    """One column as the text of its CSV fields (large strings, no nulls), or None."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        if sum(_data(chunk).size for chunk in column.chunks) > LONG_FIELD * len(column):
            return None
        text = pc.cast(column, pa.large_string())
        if _may_need_quotes(text):
            quote = pc.match_substring_regex(text, f"[{re.escape(QUOTED)}]")
            quoted = pc.binary_join_element_wise(_text('"'), pc.replace_substring(text, '"', '""'), _text('"'), _text(""))
            text = pc.if_else(quote, quoted, text)
    elif pa.types.is_integer(kind) and (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_object_dtype(dtype)):
        text = pc.cast(column, pa.large_string())
    elif kind == pa.float64() and str(dtype) in ("float64", "Float64"):
        values = column.to_numpy(zero_copy_only=False)  # nulls as NaN, which pandas writes as empty fields too
        missing = np.isnan(values)
        text = pa.array([None if gone else str(v) for v, gone in zip(values.tolist(), missing.tolist(), strict=True)],
                        type=pa.large_string())
    else:
        return None
    return pc.fill_null(text, "")


def _data(chunk: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of a string chunk, read in place."""
    data = chunk.buffers()[2]
    return np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)


def _may_need_quotes(text: pa.ChunkedArray) -> bool:
    """Whether any chunk's UTF-8 bytes hold a character that is quoted (ASCII bytes occur in UTF-8 only as
    those characters, so a search of the data buffers is exact, if it errs towards yes)."""
    codes = [ord(c) for c in QUOTED]
    return any(np.isin(_data(chunk), codes).any() for chunk in text.chunks)


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())
