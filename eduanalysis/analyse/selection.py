"""What the notebooks call: load a processed folder restricted to some regions, summarise it, save results.

The analyses themselves live in :mod:`eduanalysis.analyse.similarity`,
:mod:`eduanalysis.analyse.themes`, :mod:`eduanalysis.analyse.clustering`,
:mod:`eduanalysis.analyse.timeline` and :mod:`eduanalysis.analyse.compare`; this module keeps
the notebooks free of glue code (no ``def`` in notebooks).

>>> tables = load("data/processed", regions="all")  # doctest: +SKIP
>>> tables.documents.region_zh.tolist()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eduanalysis.analyse.features import region_stopwords, text_measures
from eduanalysis.errors import EduAnalysisError

#: The built tables the analyses read (each restricted to the selected documents).
ANALYSIS_INPUTS = ("documents", "sections", "measures", "responsibilities", "targets")
#: Document columns the analyses never read (the full texts: 2 × the corpus in memory); load() leaves them "".
UNREAD_COLUMNS = {"documents": ("raw_text", "text")}

#: A figure labels at most this many rows or columns: above it, documents are grouped by region, and
#: regions by province (see :func:`label_level`).
MAX_LABELS = 40
#: The levels a figure can show, finest first.
LEVELS = ("doc_id", "region_zh", "province_zh")


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
    from eduanalysis.build.pipeline import read_table

    folder = Path(processed_dir)
    if not (folder / "documents.parquet").exists() and not (folder / "documents.csv").exists():
        raise EduAnalysisError(f"{folder} holds no built tables; run `eduanalysis build --out {folder}` first")
    tables = {name: _read(folder, name) if name in UNREAD_COLUMNS else read_table(folder, name)
              for name in ANALYSIS_INPUTS}
    docs = tables["documents"]
    chosen = resolve_regions(docs, regions)
    keep = set(docs.loc[docs["region_zh"].isin(chosen), "doc_id"])
    picked = {name: df.loc[df["doc_id"].isin(keep)].reset_index(drop=True) for name, df in tables.items()}
    return Selection(folder, chosen, picked["documents"], picked["sections"], picked["measures"],
                     picked["targets"], picked["responsibilities"])


def _read(folder: Path, name: str) -> pd.DataFrame:
    """Read a table without its :data:`UNREAD_COLUMNS` (left empty), validated against the schema."""
    from eduanalysis import schema
    from eduanalysis.build.pipeline import read_table

    parquet = folder / f"{name}.parquet"
    if not parquet.exists():
        return read_table(folder, name)
    skip = UNREAD_COLUMNS[name]
    df = pd.read_parquet(parquet, columns=[c for c in schema.TABLES[name].column_names if c not in skip])
    return schema.validate(df.assign(**{c: "" for c in skip}), name)


def label_level(documents: pd.DataFrame, max_labels: int = MAX_LABELS, levels: tuple[str, ...] = LEVELS) -> str:
    """The finest of ``doc_id``, ``region_zh``, ``province_zh`` with at most ``max_labels`` values.

    Figures with one row per document switch to regions, then provinces, when
    there are too many to label legibly (the coarsest level is used even if it
    has more). A level that some documents lack is skipped.

    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "region_zh": ["甲", "甲", "乙"], "province_zh": ["P", "P", "P"]})
    >>> label_level(d, 3), label_level(d, 2), label_level(d, 1)
    ('doc_id', 'region_zh', 'province_zh')
    """
    # A level some documents lack (provinces no manifest or issuer gives) cannot group them all.
    levels = [c for c in levels if c in documents and (c == levels[0] or documents[c].notna().all())] or levels[:1]
    for level in levels:
        if documents[level].nunique() <= max_labels:
            return level
    return levels[-1]


def at_level(documents: pd.DataFrame, level: str) -> pd.DataFrame:
    """``documents`` with ``region_zh``/``region_en`` replaced by the province when ``level`` is ``province_zh``.

    Region-level analyses (target matrix, trajectories, timeline figures) then
    compare provinces, each province holding its documents' rows.
    """
    if level != "province_zh":
        return documents
    return documents.assign(region_zh=documents["province_zh"], region_en=documents["province_en"])


def regroup(table: pd.DataFrame, documents: pd.DataFrame, level: str) -> pd.DataFrame:
    """A table with ``region_zh``/``region_en`` (e.g. ``timeline``) re-labelled by its documents' province
    when ``level`` is ``province_zh``; unchanged otherwise."""
    if level != "province_zh":
        return table
    d = documents.set_index("doc_id")
    return table.assign(region_zh=table["doc_id"].map(d["province_zh"]),
                        region_en=table["doc_id"].map(d["province_en"]))


def level_names(documents: pd.DataFrame, level: str, lang: str = "zh") -> dict[str, str]:
    """Display names of the groups of ``level``: document labels, region or province names."""
    from eduanalysis.report.plots import doc_labels, pick

    if level == "doc_id":
        return doc_labels(documents, lang).to_dict()
    en = level.replace("_zh", "_en")
    return {z: pick(z, e, lang) for z, e in zip(documents[level], documents[en], strict=True)}


def level_caption(level: str, lang: str = "zh") -> str | None:
    """A figure title saying what one row stands for when it is not a document (None for documents)."""
    from eduanalysis.report.plots import bilingual

    return {
        "region_zh": bilingual("按地区汇总（文档过多，无法逐一标注）", "By region (too many documents to label)", lang),
        "province_zh": bilingual("按省份汇总（文档与地区过多，无法逐一标注）",
                                 "By province (too many documents and regions to label)", lang),
    }.get(level)


def similarity_view(sim: pd.DataFrame, x, doc_ids, documents: pd.DataFrame, level: str):
    """The square matrix a similarity heatmap shows at ``level``.

    Documents: the long table ``sim`` pivoted (every pair, as computed).
    Regions or provinces: the exact mean similarity between their documents
    (:func:`eduanalysis.analyse.similarity.group_similarity`; the diagonal is the mean
    within the group).
    """
    from eduanalysis.analyse.similarity import group_similarity, long_to_square

    if level == "doc_id":
        return long_to_square(sim)
    return group_similarity(x, doc_ids, documents.set_index("doc_id")[level])


def stats_at_level(stats: pd.DataFrame, documents: pd.DataFrame, level: str) -> pd.DataFrame:
    """:func:`corpus_stats` summed over the documents of each region or province (unchanged for ``doc_id``)."""
    if level == "doc_id":
        return stats
    groups = documents.set_index("doc_id")[level].reindex(stats.index)
    return stats.astype(float).groupby(groups, sort=True).sum()


def horizons_at_level(documents: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per group for the plan-horizon figure: earliest plan start, latest plan end, median issue year.

    Returns documents-like rows (``doc_id`` = the group) that
    :func:`eduanalysis.report.plots.plan_horizons` draws; unchanged for ``doc_id``.
    """
    from eduanalysis.analyse.timeline import issue_year

    if level == "doc_id":
        return documents
    d = documents.assign(issue=documents["doc_id"].map(issue_year(documents)).astype("Float64"))
    g = d.groupby(level, sort=True)
    year = g["issue"].median().round()
    return pd.DataFrame({
        "doc_id": year.index,
        "plan_start_year": g["plan_start_year"].min().to_numpy(),
        "plan_end_year": g["plan_end_year"].max().to_numpy(),
        "published_date": [None if pd.isna(y) else str(int(y)) for y in year],
        "written_date": None,
    })


def sample_measures(measures: pd.DataFrame, max_measures: int | None, seed: int) -> pd.DataFrame:
    """At most ``max_measures`` measures, drawn at random with ``seed`` and kept in ``measure_id`` order.

    All of them (unchanged) when there are no more than ``max_measures`` or it is None.
    """
    if max_measures is None or len(measures) <= max_measures:
        return measures
    picked = measures.sample(n=max_measures, random_state=seed)
    return picked.sort_values("measure_id", kind="mergesort").reset_index(drop=True)


def region_names(documents: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """Display name of each region (keyed by ``region_zh``) in ``lang``."""
    from eduanalysis.report.plots import pick

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
    from eduanalysis.build.pipeline import write_table

    write_table(df, name, processed_dir)
    return Path(processed_dir) / f"{name}.parquet"


def save_paper_table(matrix: pd.DataFrame, name: str, figures_dir: str | Path, lang: str = "zh",
                     caption: str = "Quantified targets by region") -> dict[str, Path]:
    """Write the indicator × region target table as ``name.csv``, ``name.tex`` and ``name.md``.

    The most ambitious cell of each indicator is bold in LaTeX and Markdown.
    A table cell has room for one language, so ``lang="both"`` gives Chinese.
    """
    from eduanalysis.analyse.compare import matrix_table, to_latex, to_markdown

    lang = "zh" if lang == "both" else lang
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{name}.csv", "tex": out / f"{name}.tex", "md": out / f"{name}.md"}
    matrix_table(matrix, lang).to_csv(paths["csv"], encoding="utf-8", lineterminator="\n")
    paths["tex"].write_text(to_latex(matrix_table(matrix, lang, bold="latex"), caption=caption),
                            encoding="utf-8", newline="\n")
    paths["md"].write_text(to_markdown(matrix_table(matrix, lang, bold="markdown")), encoding="utf-8", newline="\n")
    return paths
