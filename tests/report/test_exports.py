"""Exports researchers use: Stata files that survive empty columns, one Excel workbook with Chinese intact."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from eduanalysis.report import exports

KEYNESS = pd.DataFrame({"region_zh": ["甲市", "乙市"], "region_en": [None, None], "term": ["美育", "戏曲"],
                        "count_group": [5, 3], "count_rest": [1, 2], "total_group": [50, 40], "total_rest": [90, 100],
                        "g2": [9.5, 4.1], "chi2": [8.0, 3.0],
                        "p_value": [0.01, 0.04], "rank": [1, 1]})


def test_stata_file_keeps_all_empty_columns_and_chinese(tmp_path):
    path = exports.write_stata(KEYNESS.assign(flag=[True, False]), tmp_path / "k.dta")
    back = pd.read_stata(path)
    assert back.term.tolist() == ["美育", "戏曲"] and back.region_en.isna().all() and back.flag.tolist() == [1, 0]


def test_workbook_has_one_sheet_per_table_with_frozen_header(tmp_path):
    exports.save_table(KEYNESS, "keyness", tmp_path)
    exports.save_frame(pd.DataFrame({"left": ["推进"], "keyword": ["美育"], "right": ["工作"]}), "kwic", tmp_path)
    book = exports.write_workbook(tmp_path, extra={"kwic": pd.read_csv(tmp_path / "kwic.csv")})
    wb = load_workbook(book)
    assert wb.sheetnames == ["keyness", "kwic"]
    ws = wb["keyness"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws["C1"].value == "term"
    assert {ws["C2"].value, ws["C3"].value} == {"美育", "戏曲"}
    assert (tmp_path / "keyness.dta").exists() and (tmp_path / "kwic.dta").exists()


def test_tables_saved_at_once_into_one_folder_wait_their_turn(tmp_path):
    # Two notebooks of a report (--jobs 2) write into the run's one analysis folder: the second
    # writer waits for the first instead of failing (as a second build into one folder does).
    import threading

    import pytest

    from eduanalysis.build import store
    from eduanalysis.build.pipeline import write_table
    from eduanalysis.errors import EduAnalysisError

    done = []
    with store.locked(tmp_path, "another notebook's table"):
        with pytest.raises(EduAnalysisError, match="another eduanalysis run"):
            write_table(KEYNESS, "keyness", tmp_path)
        writer = threading.Thread(target=lambda: done.append(exports.save_table(KEYNESS, "keyness", tmp_path)))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not done  # waiting, not failed
    writer.join(30)
    assert done and sorted(pd.read_parquet(tmp_path / "keyness.parquet").term) == sorted(KEYNESS.term)


def test_stata_file_keeps_long_chinese_texts_and_shared_values(tmp_path):
    # A clause of 2,045 characters is 6,135 bytes in UTF-8, beyond a str# variable: it must survive whole;
    # and a column of repeated ids (theme tags) reads back value for value.
    long = "推进学校美育工作" * 300
    df = pd.DataFrame({"measure_id": ["D1-m0001", "D1-m0001", "D2-m0003"], "theme_id": ["arts", "sport", "arts"],
                       "text": [long, "开齐开足美育课程", None], "n_hits": pd.array([2, 1, None], dtype="Int64")})
    back = pd.read_stata(exports.write_stata(df, tmp_path / "t.dta"))
    assert back["text"].tolist() == [long[:exports.STATA_STR_MAX], "开齐开足美育课程", ""]
    assert back["measure_id"].tolist() == df["measure_id"].tolist() and back["theme_id"].tolist() == df["theme_id"].tolist()
    assert back["n_hits"].iloc[:2].tolist() == [2.0, 1.0] and pd.isna(back["n_hits"].iloc[2])


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", object])
def test_stata_strings_are_numbered_in_order_of_first_appearance_after_cutting_and_filling(dtype):
    # Strings cut to the same 2,045 characters are one value, and a missing value is the "" beside it.
    head = "推进学校美育工作" * 300
    s = pd.Series([None, "乙", head + "甲", "", head + "乙", "乙", None], dtype=dtype)
    col = exports.stata_frame(pd.DataFrame({"t": s}))["t"]
    assert list(col.cat.categories) == ["", "乙", head[:exports.STATA_STR_MAX]]
    assert col.cat.codes.tolist() == [0, 1, 2, 0, 2, 1, 0]
    plain = exports.stata_frame(pd.DataFrame({"t": pd.Series(["丙", None, "甲", "丙"], dtype=dtype)}))["t"]
    assert list(plain.cat.categories) == ["丙", "", "甲"] and plain.cat.codes.tolist() == [0, 1, 2, 0]


def test_stata_strings_of_arrow_dates_are_written_as_pandas_writes_them():
    import pyarrow as pa

    days = pd.Series(pd.to_datetime(["2019-05-30", None]).astype(pd.ArrowDtype(pa.timestamp("us"))))
    col = exports.stata_frame(pd.DataFrame({"d": days}))["d"]
    assert list(col.cat.categories) == [str(days.astype("string")[0]), ""]


def test_stata_file_takes_columns_stata_would_refuse(tmp_path):
    # save_frame takes any table: years as column names, hyphens, spaces, reserved words, Chinese.
    df = pd.DataFrame({"2019": [1.0], "a-b": ["x"], "a b": ["y"], "in": [2.0], "地区": ["盘锦"]})
    back = pd.read_stata(exports.save_frame(df, "wide", tmp_path)["dta"])
    assert back.columns.tolist() == ["_2019", "a_b", "a_b_1", "_in", "地区"]
    assert back.iloc[0].tolist() == [1.0, "x", "y", 2.0, "盘锦"]


@pytest.mark.parametrize("block_rows", [2, 200_000])
def test_stata_writer_reads_back_in_pyreadstat_and_pandas(tmp_path, monkeypatch, block_rows):
    # The numpy writer (eduanalysis.report.dta) against both readers: str# and strL columns (repeated and
    # empty values among them), doubles with missing values, 0/1 bytes; rows written a block at a time.
    import pyreadstat

    from eduanalysis.report import dta

    monkeypatch.setattr(dta, "BLOCK_ROWS", block_rows)
    long = "各地要把美育纳入学校考核" * 200  # 2,400 characters: cut to 2,045, still beyond a str# variable
    df = pd.DataFrame({"doc_id": ["四川-1", "四川-1", "浙江-2", None, "浙江-2"],
                       "text": [long, "", long, "推进学校美育", None],
                       "share": [0.25, None, 1.0, -3.5, 1e300],
                       "flag": [True, False, True, True, False]})
    path = exports.write_stata(df, tmp_path / "t.dta")
    expected = exports.stata_frame(df)
    for back in (pd.read_stata(path), pyreadstat.read_dta(str(path))[0]):
        assert back["doc_id"].tolist() == ["四川-1", "四川-1", "浙江-2", "", "浙江-2"]
        assert back["text"].tolist() == expected["text"].tolist()
        assert back["share"].iloc[[0, 2, 3, 4]].tolist() == [0.25, 1.0, -3.5, 1e300] and pd.isna(back["share"].iloc[1])
        assert back["flag"].astype(int).tolist() == [1, 0, 1, 1, 0]
    meta = pyreadstat.read_dta(str(path), metadataonly=True)[1]
    assert meta.number_rows == 5 and meta.column_names == ["doc_id", "text", "share", "flag"]


def test_stata_writer_empty_and_all_missing_tables(tmp_path):
    import pyreadstat

    empty = exports.write_stata(pd.DataFrame({"a": pd.Series([], dtype="string"), "b": []}), tmp_path / "e.dta")
    assert pd.read_stata(empty).shape == (0, 2) and pyreadstat.read_dta(str(empty))[0].shape == (0, 2)
    blank = exports.write_stata(pd.DataFrame({"a": [None, None], "b": ["", ""]}), tmp_path / "b.dta")
    back = pd.read_stata(blank)
    assert back["a"].isna().all() and back["b"].tolist() == ["", ""]


def test_stata_writer_refuses_numbers_stata_would_read_as_missing(tmp_path):
    # Stata reads any double beyond 8.988e307 as missing: an infinite ratio must not vanish silently.
    for bad in (float("inf"), -float("inf"), 1e308):
        with pytest.raises(ValueError, match="beyond the largest number a Stata file stores"):
            exports.write_stata(pd.DataFrame({"g2": [1.0, bad]}), tmp_path / "t.dta")
    assert not (tmp_path / "t.dta").exists()
