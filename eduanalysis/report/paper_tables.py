"""Tables for a paper: the indicator × region target matrix as CSV, LaTeX (booktabs) and Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from eduanalysis.analyse.compare import matrix_table


def to_latex(table: pd.DataFrame, caption: str = "", label: str = "tab:targets") -> str:
    """A booktabs LaTeX table (cells may already contain ``\\textbf``)."""
    def esc(s: str) -> str:
        return re.sub(r"(?<!\\)([%&#_])", r"\\\1", str(s))

    cols = "l" + "l" * table.shape[1]
    lines = ["\\begin{table}[htbp]", "\\centering", f"\\caption{{{esc(caption)}}}", f"\\label{{{label}}}",
             f"\\begin{{tabular}}{{{cols}}}", "\\toprule",
             " & ".join([esc(table.index.name or "")] + [esc(c) for c in table.columns]) + " \\\\", "\\midrule"]
    for idx, row in table.iterrows():
        lines.append(" & ".join([esc(idx)] + [esc(v) for v in row]) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
    return "\n".join(lines)


def to_markdown(table: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table."""
    head = [table.index.name or ""] + [str(c) for c in table.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in table.iterrows():
        lines.append("| " + " | ".join([str(idx)] + [str(v).replace("|", "\\|") for v in row]) + " |")
    return "\n".join(lines) + "\n"


def save_paper_table(matrix: pd.DataFrame, name: str, figures_dir: str | Path, lang: str = "zh",
                     caption: str = "Quantified targets by region") -> dict[str, Path]:
    """Write the indicator × region target table as ``name.csv``, ``name.tex`` and ``name.md``.

    The most ambitious cell of each indicator is bold in LaTeX and Markdown.
    A table cell has room for one language, so ``lang="both"`` gives Chinese.
    """
    lang = "zh" if lang == "both" else lang
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{name}.csv", "tex": out / f"{name}.tex", "md": out / f"{name}.md"}
    matrix_table(matrix, lang).to_csv(paths["csv"], encoding="utf-8", lineterminator="\n")
    paths["tex"].write_text(to_latex(matrix_table(matrix, lang, bold="latex"), caption=caption),
                            encoding="utf-8", newline="\n")
    paths["md"].write_text(to_markdown(matrix_table(matrix, lang, bold="markdown")), encoding="utf-8", newline="\n")
    return paths
