"""The CSV rows built from Arrow columns are pandas' to_csv bytes, awkward values included."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from eduanalysis.build import csvrows


def pandas_rows(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")


def arrow_rows(df: pd.DataFrame) -> bytes | None:
    return csvrows.csv_rows(df, pa.Table.from_pandas(df, preserve_index=False))


AWKWARD = ["推进集团化办学", "毛入园率达到95%,普惠性幼儿园覆盖率", '所谓"双减"', "第一行\n第二行", "回车\r在此", "", None,
           " 前导空格", "制表\t符", "Ministry of Education, PRC", "'单引号'", "反斜杠\\", "#井号"]


def test_strings_ints_and_floats_as_pandas_writes_them():
    rng = np.random.default_rng(7)
    floats = np.concatenate([rng.normal(size=40) * 10.0 ** rng.integers(-20, 20, 40),
                             [0.0, -0.0, 1e16, 1e15, 1e-4, 1e-5, 0.1, 95.0, 2.5, 1 / 3, np.nan, np.inf, -np.inf]])
    n = len(floats)
    df = pd.DataFrame({
        "text": pd.array([AWKWARD[i % len(AWKWARD)] for i in range(n)], dtype="string"),
        "value": floats,
        "masked": pd.array(floats, dtype="Float64"),
        "count": pd.array([None if i % 5 == 0 else i - 20 for i in range(n)], dtype="Int64"),
        "row": np.arange(n),
    })
    assert arrow_rows(df) == pandas_rows(df)


def test_id_tables_without_quotes_and_a_table_whose_every_row_is_quoted():
    tags = pd.DataFrame({"measure_id": pd.array(["D01-m0001", "D01-m0002", "D02-m0001"], dtype="string"),
                         "theme_id": pd.array(["equity", "moral", "party"], dtype="string"),
                         "n_hits": pd.array([1, 3, None], dtype="Int64"),
                         "keywords": pd.array(["公平|均衡", "立德树人", None], dtype="string")})
    assert arrow_rows(tags) == pandas_rows(tags)
    names = pd.DataFrame({"indicator_en": pd.array(["Gross enrolment rate, preschool", 'Share of "double" teachers'],
                                                   dtype="string"),
                          "year": pd.array([2025, 2035], dtype="Int64")})
    assert arrow_rows(names) == pandas_rows(names)


@pytest.mark.parametrize("df", [
    pd.DataFrame({"only": pd.array(["", "学前教育"], dtype="string")}),  # one column: the csv module quotes ""
    pd.DataFrame({"flag": [True, False], "doc_id": ["D1", "D2"]}),  # booleans: left to pandas
    pd.DataFrame({"date": pd.to_datetime(["2021-01-01", "2022-06-30"]), "doc_id": ["D1", "D2"]}),
    pd.DataFrame({"share": np.array([0.1, 1 / 3], dtype=np.float32), "doc_id": ["D1", "D2"]}),  # pandas: 0.1, not 0.10000000149
    pd.DataFrame({"share": pd.array([0.1, None], dtype="Float32"), "doc_id": ["D1", "D2"]}),
    pd.DataFrame({"text": ["第一章 总则。" * 100, "第二章 发展目标，" * 100], "doc_id": ["D1", "D2"]}),  # long texts
])
def test_other_kinds_are_left_to_pandas(df):
    assert arrow_rows(df) is None


@pytest.mark.parametrize("df, schema", [
    (pd.DataFrame({"value": [1.0, np.nan], "doc_id": ["D1", "D2"]}),
     pa.schema([("value", pa.int64()), ("doc_id", pa.string())])),  # pandas writes 1.0
    (pd.DataFrame({"flag": [True, False], "doc_id": ["D1", "D2"]}),
     pa.schema([("flag", pa.int64()), ("doc_id", pa.string())])),  # pandas writes True
    (pd.DataFrame({"doc_id": ["D1", "D2"], "n": [1, 2]}),
     pa.schema([("n", pa.int64()), ("doc_id", pa.string())])),  # another column order
])
def test_a_schema_forced_on_the_arrow_columns_leaves_the_rows_to_pandas(df, schema):
    # TableWriter.write casts a later piece to the first piece's schema.
    assert csvrows.csv_rows(df, pa.Table.from_pandas(df, schema=schema, preserve_index=False)) is None


def test_the_quoted_characters_come_from_the_csv_module():
    assert set(",\"\n") <= set(csvrows.quoted_characters())
    assert "\t" not in csvrows.quoted_characters() and "，" not in csvrows.quoted_characters()
