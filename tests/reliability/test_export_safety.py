"""Promise: the exports meant for people are safe to open — the paper table's CSV guards formula-like cells for
spreadsheets, its Markdown and LaTeX escape every cell (issue 13, case 16). The build's own CSV tables are data
(read back losslessly by the package and by pandas/R) and stay as written; the README says so."""

from __future__ import annotations

import pandas as pd
import pytest

from eduanalysis.report import paper_tables
from eduanalysis.report.paper_tables import save_paper_table

HOSTILE = {
    "=HYPERLINK(\"http://evil\",\"x\")": "formula",
    "+cmd|' /C calc'!A0": "plus",
    "-2+3": "minus",
    "@SUM(1)": "at",
    "\t=1": "tab",
    "\r=1": "cr",
}


def _matrix(region_en: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator_id": "preschool_ger", "indicator_zh": "学前三年毛入园率", "indicator_en": "Preschool GER",
        "region_zh": "某市", "region_en": region_en, "doc_id": "D1", "target_id": "t1", "value": 95.0,
        "value_max": None, "unit": "percent", "comparator": ">=", "year": 2025, "most_ambitious": True,
    }])


@pytest.mark.parametrize("value", list(HOSTILE), ids=list(HOSTILE.values()))
def test_formula_like_cells_get_a_leading_quote_in_the_spreadsheet_csv(tmp_path, value):
    import csv

    paths = save_paper_table(_matrix(value), "t", tmp_path, lang="en")
    with open(paths["csv"], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert f"'{value}".replace("\r", "\n") in rows[0]  # the region heading, quoted
    assert not [cell for row in rows for cell in row if cell.startswith(paper_tables.FORMULA_LEADS)]


def test_spreadsheet_safe_leaves_numbers_and_plain_text_alone():
    df = pd.DataFrame({"a": ["大连市", "-", "=x"], "n": [-3.0, 1.0, 2.0]})
    out = paper_tables.spreadsheet_safe(df)
    assert out.a.tolist() == ["大连市", "'-", "'=x"] and out.n.tolist() == [-3.0, 1.0, 2.0]


def test_markdown_paper_table_escapes_html_and_pipes(tmp_path):
    paths = save_paper_table(_matrix("<script>alert(1)</script>|x"), "t", tmp_path, lang="en")
    md = paths["md"].read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\|x" in md
    assert "**≥95% (2025)**" in md  # the most ambitious cell is still bold


def test_latex_paper_table_escapes_commands(tmp_path):
    paths = save_paper_table(_matrix("\\input{/etc/passwd}$^_~"), "t", tmp_path, lang="en")
    tex = paths["tex"].read_text(encoding="utf-8")
    assert "\\input{" not in tex and "\\textbackslash{}input\\{/etc/passwd\\}\\$\\textasciicircum{}\\_" in tex
    assert "\\textbf{≥95\\% (2025)}" in tex  # the most ambitious cell is still bold


def test_a_bold_wrapper_cannot_smuggle_a_command():
    table = pd.DataFrame({"r": ["\\textbf{\\input{x}}"]}, index=pd.Index(["i"], name="indicator"))
    assert "\\textbf{\\textbackslash{}input\\{x\\}}" in paper_tables.to_latex(table)
