"""The level a figure shows: one row per document, per region or per province.

With more documents than a figure can label (``max_labels``), rows become regions, and with more
regions than that, provinces. These helpers choose the level and re-express tables at it; the
display names of the groups are :func:`eduanalysis.report.labels.level_names`.
"""

from __future__ import annotations

import pandas as pd

from eduanalysis.analyse.selection import Selection, issue_year

#: A figure labels at most this many rows or columns: above it, documents are grouped by region, and
#: regions by province (see :func:`label_level`).
MAX_LABELS = 40
#: The levels a figure can show, finest first.
LEVELS = ("doc_id", "region_zh", "province_zh")


#: How a province's documents below province level are named when figures group by province
#: (``admin_level`` → Chinese, English): a province's own documents and its cities' are never pooled.
ADMIN_GROUPS = {"prefecture": ("地市级", "prefecture level"), "county": ("区县级", "county level"),
                "district": ("区县级", "county level")}


def by_admin_level(sel: Selection) -> Selection:
    """``sel`` with ``province_zh``/``province_en`` naming the province *and* the documents' admin level.

    Grouping by province then pools only documents of one level: 辽宁省 (the province's own
    documents) and 辽宁省 · 地市级 (its cities') are separate rows, so a city's target is never shown
    as its province's and a province-level mean never mixes a city's count with a province's.

    >>> d = pd.DataFrame({"province_zh": ["辽宁省", "辽宁省"], "province_en": ["Liaoning", "Liaoning"],
    ...                   "admin_level": ["province", "prefecture"]})
    >>> by_admin_level(Selection(None, [], d, *[pd.DataFrame()] * 4)).documents.province_zh.tolist()
    ['辽宁省', '辽宁省 · 地市级']
    """
    d = sel.documents
    if "admin_level" not in d or "province_zh" not in d:
        return sel
    suffix = d["admin_level"].map(lambda a: ADMIN_GROUPS.get(a, (None, None)))
    zh = [p if pd.isna(p) or s[0] is None else f"{p} · {s[0]}" for p, s in zip(d["province_zh"], suffix, strict=True)]
    en = [e if pd.isna(e) or s[1] is None else f"{e} ({s[1]})" for e, s in zip(d["province_en"], suffix, strict=True)]
    docs = d.assign(province_zh=pd.array(zh, dtype="string"), province_en=pd.array(en, dtype="string"))
    return sel.replace(documents=docs)


def label_level(documents: pd.DataFrame, max_labels: int = MAX_LABELS, levels: tuple[str, ...] = LEVELS) -> str:
    """The finest of ``doc_id``, ``region_zh``, ``province_zh`` with at most ``max_labels`` values.

    Figures with one row per document switch to regions, then provinces, when
    there are too many to label legibly (the coarsest level is used even if it
    has more). A level that some documents lack is skipped.

    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "region_zh": ["甲", "甲", "乙"], "province_zh": ["P", "P", "P"]})
    >>> label_level(d, 3), label_level(d, 2), label_level(d, 1)
    ('doc_id', 'region_zh', 'province_zh')
    """
    # A level some documents lack (provinces no manifest or gazetteer gives) cannot group them all.
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
