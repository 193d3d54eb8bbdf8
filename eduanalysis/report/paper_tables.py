"""Tables for people: the indicator × region target matrix as CSV, LaTeX (booktabs) and Markdown.

Every cell is escaped for the format it lands in: LaTeX specials (no ``\\input`` survives),
HTML and pipes in Markdown, and a leading ``'`` on CSV cells that a spreadsheet would read as
a formula (``= + - @``, tab, CR). The raw values stay in the analysis tables' Parquet files.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from eduanalysis.analyse.compare import matrix_table
from eduanalysis.errors import EduAnalysisError

#: LaTeX's special characters and what stands for each in text.
_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                   "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))
#: The one markup the table cells may carry: the bold of the most ambitious cell, made by :func:`format_target`.
_LATEX_BOLD_RE = re.compile(r"\\textbf\{(.*)\}", re.S)


def latex_escape(text) -> str:
    r"""Text as LaTeX typesets it literally: every special character escaped (no command survives).

    >>> latex_escape(r"\input{/etc/passwd} 50% & $x$")
    '\\textbackslash{}input\\{/etc/passwd\\} 50\\% \\& \\$x\\$'
    """
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group()], str(text).replace("\n", " "))


def markdown_escape(text) -> str:
    r"""Text for a Markdown table cell: HTML special characters and pipes escaped, one line.

    >>> print(markdown_escape("<img src=x onerror=alert(1)> a|b"))
    &lt;img src=x onerror=alert(1)&gt; a\|b
    """
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\r", " ").replace("\n", " ")

#: Most data columns a paper table runs across a page.
PAGE_COLUMNS = 8


def to_latex(table: pd.DataFrame, caption: str = "", label: str = "tab:targets") -> str:
    """A booktabs LaTeX table; every cell, heading and the caption are escaped, a cell's ``\\textbf{…}`` kept."""
    def esc(s) -> str:
        bold = _LATEX_BOLD_RE.fullmatch(str(s))
        return f"\\textbf{{{latex_escape(bold.group(1))}}}" if bold else latex_escape(s)

    cols = "l" + "l" * table.shape[1]
    lines = ["\\begin{table}[htbp]", "\\centering", f"\\caption{{{latex_escape(caption)}}}",
             f"\\label{{{re.sub(r'[^A-Za-z0-9:_-]', '', label)}}}",
             f"\\begin{{tabular}}{{{cols}}}", "\\toprule",
             " & ".join([esc(table.index.name or "")] + [esc(c) for c in table.columns]) + " \\\\", "\\midrule"]
    for idx, row in table.iterrows():
        lines.append(" & ".join([esc(idx)] + [esc(v) for v in row]) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
    return "\n".join(lines)


def to_markdown(table: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table; every cell and heading is escaped (no HTML or table markup survives)."""
    head = [markdown_escape(table.index.name or "")] + [markdown_escape(c) for c in table.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in table.iterrows():
        lines.append("| " + " | ".join([markdown_escape(idx)] + [markdown_escape(v) for v in row]) + " |")
    return "\n".join(lines) + "\n"


#: Characters that make a spreadsheet read a cell as a formula (CSV injection), and the tab/CR variants.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` for a CSV meant for spreadsheets: a text cell starting like a formula gets a leading ``'``.

    Applied to index and headings too; carriage returns become line feeds (which CSV quotes). Numbers are
    left alone (``-3`` stays a number).

    >>> spreadsheet_safe(pd.DataFrame({"=region": ["=1+1", "大连市"]})).to_dict("list")
    {"'=region": ["'=1+1", '大连市']}
    """
    def guard(v):
        if not isinstance(v, str):
            return v
        text = v.replace("\r\n", "\n").replace("\r", "\n")  # a bare CR is not quoted by CSV writers: it would split the row
        return f"'{text}" if v.startswith(FORMULA_LEADS) else text

    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(guard)
    out.columns = [guard(c) for c in out.columns]
    out.index = out.index.map(guard)
    if table.index.name is not None:
        out.index.name = guard(table.index.name)
    return out


def save_paper_table(matrix: pd.DataFrame, name: str, figures_dir: str | Path, lang: str = "zh",
                     caption: str = "Quantified targets by region") -> dict[str, Path]:
    """Write the indicator × region target table as ``name.csv``, ``name.tex`` and ``name.md``.

    The most ambitious cell of each indicator is bold in LaTeX and Markdown.
    A table cell has room for one language, so ``lang="both"`` gives Chinese. With more than
    :data:`PAGE_COLUMNS` regions the table runs the other way (regions down, indicators across),
    so a page holds it as long as the indicators fit. ``name`` must be a plain file name (it
    cannot leave ``figures_dir``).
    """
    if (not isinstance(name, str) or not name or name.startswith(".") or Path(name).name != name
            or any(ch in name for ch in "/\\:\0")):
        raise EduAnalysisError(f"table name {name!r} must be a plain file name (no folder, no '..', no leading dot)")
    lang = "zh" if lang == "both" else lang
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{name}.csv", "tex": out / f"{name}.tex", "md": out / f"{name}.md"}

    def table(bold=None):
        t = matrix_table(matrix, lang, bold=bold)
        if t.shape[1] > PAGE_COLUMNS and t.shape[1] > t.shape[0]:
            t = t.T
            t.index.name = "region"
        return t

    spreadsheet_safe(table()).to_csv(paths["csv"], encoding="utf-8", lineterminator="\n")
    paths["tex"].write_text(to_latex(table("latex"), caption=caption), encoding="utf-8", newline="\n")
    paths["md"].write_text(to_markdown(table("markdown")), encoding="utf-8", newline="\n")
    return paths
