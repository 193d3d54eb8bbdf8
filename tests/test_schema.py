"""The schema validates tables and explains what is wrong."""

from __future__ import annotations

import pandas as pd
import pytest

from eduanalysis import schema
from eduanalysis.errors import EduAnalysisError


def _rejects(**cols):
    return pd.DataFrame({"source_file": ["b.txt", "a.txt"], "reason": ["x", "y"]} | cols)


def test_validate_sorts_by_key_and_sets_dtypes():
    out = schema.validate(_rejects(), "rejects")
    assert out.source_file.tolist() == ["a.txt", "b.txt"]
    assert str(out.source_file.dtype) == "string"


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(_rejects(extra=[1, 2]), "unexpected columns \\['extra'\\]", id="extra"),
        pytest.param(_rejects().drop(columns="reason"), "missing columns \\['reason'\\]", id="missing"),
        pytest.param(_rejects(reason=["x", None]), "'reason' must not be empty", id="null"),
        pytest.param(pd.DataFrame({"source_file": ["a", "a"], "reason": ["x", "y"]}), "not unique", id="key"),
    ],
)
def test_validate_rejects_bad_tables(frame, message):
    with pytest.raises(EduAnalysisError, match=message):
        schema.validate(frame, "rejects")


def test_validate_rejects_values_of_the_wrong_type():
    df = pd.DataFrame({"doc_id": ["D1"], "char_start": ["x"], "char_end": [3], "kind": ["toc"], "text": ["t"]})
    with pytest.raises(EduAnalysisError, match="'char_start': values do not fit Int64"):
        schema.validate(df, "boilerplate")


def test_every_table_declares_a_key_among_its_columns():
    for table in schema.TABLES.values():
        assert set(table.key) <= set(table.column_names), table.name
        assert all(c.description for c in table.columns), table.name
