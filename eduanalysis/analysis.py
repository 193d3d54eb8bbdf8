"""What the notebooks call: load a processed folder restricted to some regions, summarise it, save results.

The analyses themselves live in :mod:`eduanalysis.similarity`,
:mod:`eduanalysis.themes`, :mod:`eduanalysis.clustering`,
:mod:`eduanalysis.timeline` and :mod:`eduanalysis.compare`; this module keeps
the notebooks free of glue code (no ``def`` in notebooks).

>>> tables = load("data/processed", regions="all")  # doctest: +SKIP
>>> tables.documents.region_zh.tolist()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eduanalysis.errors import EduAnalysisError
from eduanalysis.features import region_stopwords, text_measures

#: The built tables the analyses read (each restricted to the selected documents).
ANALYSIS_INPUTS = ("documents", "sections", "measures", "responsibilities", "targets")


@dataclass
class Selection:
    """The tables of a processed folder restricted to some regions (attributes as in :func:`eduanalysis.load`)."""

    processed_dir: Path
    regions: list[str]
    documents: pd.DataFrame
    sections: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    responsibilities: pd.DataFrame

    @property
    def text_measures(self) -> pd.DataFrame:
        """Clause measures only (``kind == "text"``)."""
        return text_measures(self.measures)

    @property
    def place_names(self) -> frozenset[str]:
        """Region names to treat as stopwords."""
        names = pd.concat([self.documents["region_zh"], self.documents.get("province_zh", pd.Series(dtype=str))])
        return region_stopwords(names)


def resolve_regions(documents: pd.DataFrame, regions) -> list[str]:
    """Region names (``region_zh``) selected by ``regions``: "all", or a list of Chinese or English names.

    >>> d = pd.DataFrame({"region_zh": ["盘锦市", "大连市"], "region_en": ["Panjin", "Dalian"]})
    >>> resolve_regions(d, ["Dalian"])
    ['大连市']
    """
    available = sorted(documents["region_zh"].dropna().unique())
    if regions == "all" or regions is None:
        return available
    if isinstance(regions, str):
        regions = [regions]
    by_en = {str(e).lower(): z for z, e in zip(documents["region_zh"], documents["region_en"], strict=True)
             if pd.notna(e)}
    out, unknown = [], []
    for r in regions:
        z = r if r in available else by_en.get(str(r).lower())
        (out if z else unknown).append(z or r)
    if unknown:
        names = ", ".join(f"{z} ({e})" for z, e in sorted(zip(documents["region_zh"], documents["region_en"],
                                                               strict=True)))
        raise EduAnalysisError(f"regions {unknown} are not in the corpus; choose from: {names}")
    return sorted(set(out))


def load(processed_dir: str | Path, regions="all") -> Selection:
    """Read the core tables of a processed folder and keep the documents of ``regions``.

    Only the tables the analyses read are loaded, so an analysis table left by
    an older version (with other columns) cannot stop a notebook; the
    notebooks rewrite those tables anyway.
    """
    from eduanalysis.pipeline import read_table

    folder = Path(processed_dir)
    if not (folder / "documents.parquet").exists() and not (folder / "documents.csv").exists():
        raise EduAnalysisError(f"{folder} holds no built tables; run `eduanalysis build --out {folder}` first")
    tables = {name: read_table(folder, name) for name in ANALYSIS_INPUTS}
    docs = tables["documents"]
    chosen = resolve_regions(docs, regions)
    keep = set(docs.loc[docs["region_zh"].isin(chosen), "doc_id"])
    picked = {name: df.loc[df["doc_id"].isin(keep)].reset_index(drop=True) for name, df in tables.items()}
    return Selection(folder, chosen, picked["documents"], picked["sections"], picked["measures"],
                     picked["targets"], picked["responsibilities"])


def region_names(documents: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """Display name of each region (keyed by ``region_zh``) in ``lang``."""
    from eduanalysis.plots import pick

    return {z: pick(z, e, lang) for z, e in zip(documents["region_zh"], documents["region_en"], strict=True)}


def corpus_stats(sel: Selection) -> pd.DataFrame:
    """Per document: characters, sections, structure depth, clause measures, targets, responsibilities."""
    d = sel.documents.set_index("doc_id")
    m = sel.measures
    out = pd.DataFrame(index=d.index)
    out["n_chars"] = d["n_chars"].astype("Int64")
    out["n_sections"] = sel.sections.groupby("doc_id").size().reindex(d.index, fill_value=0)
    out["max_depth"] = sel.sections.groupby("doc_id")["level"].max().reindex(d.index).fillna(0).astype(int)
    out["n_measures"] = m.loc[m["kind"] == "text"].groupby("doc_id").size().reindex(d.index, fill_value=0)
    t = sel.targets
    out["n_targets"] = t.loc[t["kind"] == "target"].groupby("doc_id").size().reindex(d.index, fill_value=0)
    out["n_responsibilities"] = sel.responsibilities.groupby("doc_id").size().reindex(d.index, fill_value=0)
    return out


def save_table(df: pd.DataFrame, name: str, processed_dir: str | Path) -> Path:
    """Validate ``df`` against the schema and write it as ``name.parquet``/``.csv`` in ``processed_dir``."""
    from eduanalysis.pipeline import write_table

    write_table(df, name, processed_dir)
    return Path(processed_dir) / f"{name}.parquet"


def save_paper_table(matrix: pd.DataFrame, name: str, figures_dir: str | Path, lang: str = "zh",
                     caption: str = "Quantified targets by region") -> dict[str, Path]:
    """Write the indicator × region target table as ``name.csv``, ``name.tex`` and ``name.md``.

    The most ambitious cell of each indicator is bold in LaTeX and Markdown.
    A table cell has room for one language, so ``lang="both"`` gives Chinese.
    """
    from eduanalysis.compare import matrix_table, to_latex, to_markdown

    lang = "zh" if lang == "both" else lang
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{name}.csv", "tex": out / f"{name}.tex", "md": out / f"{name}.md"}
    matrix_table(matrix, lang).to_csv(paths["csv"], encoding="utf-8", lineterminator="\n")
    paths["tex"].write_text(to_latex(matrix_table(matrix, lang, bold="latex"), caption=caption),
                            encoding="utf-8", newline="\n")
    paths["md"].write_text(to_markdown(matrix_table(matrix, lang, bold="markdown")), encoding="utf-8", newline="\n")
    return paths
