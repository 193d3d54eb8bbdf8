"""Side-by-side comparison: the indicator × region target matrix, KWIC, two documents in parallel.

``target_matrix`` chooses, for each canonical indicator and region, the
target a paper would quote (the latest target year; within it the most
ambitious value) and marks the most ambitious region per indicator, with the
direction of ambition read from the comparator (≥ / increase: higher is more
ambitious; ≤ / decrease: lower is).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from eduanalysis.errors import EduAnalysisError

#: Comparators whose targets are floors (more is more ambitious) and ceilings (less is).
HIGHER_IS_AMBITIOUS = {">=", "=", "~", "range", "delta_up"}
LOWER_IS_AMBITIOUS = {"<=", "delta_down"}
#: How comparators print in tables.
COMPARATOR_SYMBOL = {">=": "≥", "<=": "≤", "=": "", "~": "≈", "range": "", "delta_up": "+", "delta_down": "−"}
UNIT_SUFFIX = {"percent": "%", "percentage_point": " pp"}
#: Units whose values compare across regions of different size and plan length. Counts (schools,
#: students, yuan) grow with a city's size and a plan's horizon, so a larger count is not a more
#: ambitious target; they are shown but not marked (ceilings such as class size are marked).
SCALE_FREE_UNITS = {"percent", "percentage_point"}

MATRIX_COLUMNS = ["indicator_id", "indicator_zh", "indicator_en", "region_zh", "region_en", "doc_id",
                  "target_id", "value", "value_max", "unit", "comparator", "year", "direction", "comparable",
                  "most_ambitious"]


def _direction(comparators: pd.Series) -> str:
    c = set(comparators.dropna())
    if c and c <= LOWER_IS_AMBITIOUS:
        return "lower"
    if c & LOWER_IS_AMBITIOUS and c & HIGHER_IS_AMBITIOUS:
        return "mixed"
    return "higher"


def target_matrix(targets: pd.DataFrame, documents: pd.DataFrame,
                  scale_free_units: set[str] | None = None) -> pd.DataFrame:
    """One row per (canonical indicator, region): the region's headline target and whether it is the most ambitious.

    Only ``kind == "target"`` rows with an ``indicator_id`` count. Within an
    indicator, values are compared in its most common unit (``comparable``);
    rows in other units are kept but never marked. Marking needs two or more
    comparable regions and a scale-free comparison: a unit in
    ``scale_free_units`` (default :data:`SCALE_FREE_UNITS`) or a ceiling
    (lower is more ambitious). Ties are all marked. Indicators whose
    comparators point both ways (``direction == "mixed"``) are not marked.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "region_zh": ["甲", "乙"], "region_en": ["Jia", "Yi"]})
    >>> t = pd.DataFrame({"target_id": ["a1", "b1"], "doc_id": ["a", "b"], "kind": "target",
    ...     "indicator_id": "x", "indicator_zh": "x率", "indicator_en": "x rate", "value": [95.0, 98.0],
    ...     "value_max": None, "unit": "percent", "comparator": ">=", "year": [2025, 2025]})
    >>> target_matrix(t, docs)[["region_en", "most_ambitious"]].values.tolist()
    [['Yi', True], ['Jia', False]]
    """
    t = targets.loc[(targets["kind"] == "target") & targets["indicator_id"].notna()].copy()
    if t.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    t = t.merge(documents[["doc_id", "region_zh", "region_en"]], on="doc_id", how="left")
    t["value"] = (t["value_norm"].fillna(t["value"]) if "value_norm" in t else t["value"]).astype(float)
    t["year"] = pd.to_numeric(t["year"], errors="coerce").astype("Int64")
    direction = t.groupby("indicator_id")["comparator"].agg(_direction)
    t["direction"] = t["indicator_id"].map(direction)
    sign = np.where(t["direction"] == "lower", -1.0, 1.0)
    t["_score"] = sign * t["value"]
    t["_year"] = t["year"].fillna(-1).astype(int)
    t = t.sort_values(["indicator_id", "region_zh", "_year", "_score", "target_id"],
                      ascending=[True, True, False, False, True], kind="mergesort")
    best = t.drop_duplicates(["indicator_id", "region_zh"], keep="first").copy()
    main_unit = best.groupby("indicator_id")["unit"].agg(
        lambda s: s.value_counts().index[0] if s.notna().any() else None)
    scale_free = SCALE_FREE_UNITS if scale_free_units is None else set(scale_free_units)
    comparable = (best["unit"].eq(best["indicator_id"].map(main_unit)).fillna(False) | best["unit"].isna())
    best["comparable"] = comparable.astype(bool)
    top = best.loc[comparable].groupby("indicator_id")["_score"].transform("max")
    n = best.loc[comparable].groupby("indicator_id")["region_zh"].transform("nunique")
    c = best.loc[comparable]
    markable = (c["unit"].isin(scale_free) | (c["direction"] == "lower")) & (c["direction"] != "mixed") & (n >= 2)
    best["most_ambitious"] = False
    best.loc[comparable, "most_ambitious"] = (c["_score"] >= top - 1e-9) & markable
    best = best.sort_values(["indicator_id", "_score", "region_zh"], ascending=[True, False, True], kind="mergesort")
    for col in MATRIX_COLUMNS:
        if col not in best:
            best[col] = None
    return best[MATRIX_COLUMNS].reset_index(drop=True)


def format_target(row, bold: str | None = None) -> str:
    """Cell text for a target: comparator, value, unit and year, e.g. ``≥95% (2025)``.

    ``bold`` = "latex" or "markdown" emphasises the most ambitious cell.

    >>> format_target(pd.Series({"comparator": ">=", "value": 95.0, "value_max": None, "unit": "percent",
    ...                          "year": 2025, "most_ambitious": True}), bold="markdown")
    '**≥95% (2025)**'
    """
    v = row["value"]
    num = f"{v:,.0f}" if float(v).is_integer() and abs(v) >= 1000 else f"{v:g}"
    if row.get("comparator") == "range" and pd.notna(row.get("value_max")):
        num = f"{num}–{row['value_max']:g}"
    unit = UNIT_SUFFIX.get(row.get("unit"), "")
    text = f"{COMPARATOR_SYMBOL.get(row.get('comparator'), '')}{num}{unit}"
    if pd.notna(row.get("year")):
        text += f" ({int(row['year'])})"
    if bold and bool(row.get("most_ambitious")):
        text = f"\\textbf{{{text}}}" if bold == "latex" else f"**{text}**"
    return text


def matrix_table(matrix: pd.DataFrame, lang: str = "zh", bold: str | None = None) -> pd.DataFrame:
    """Wide indicator × region table of formatted targets, for a paper (rows and columns sorted)."""
    if matrix.empty:
        return pd.DataFrame()
    ind = {"zh": "indicator_zh", "en": "indicator_en"}.get(lang, "indicator_zh")
    reg = {"zh": "region_zh", "en": "region_en"}.get(lang, "region_zh")
    m = matrix.copy()
    m["cell"] = [format_target(r, bold) for _, r in m.iterrows()]
    m["indicator"] = m[ind].fillna(m["indicator_id"]) if lang != "both" else (
        m["indicator_zh"].fillna("") + " " + m["indicator_en"].fillna("")).str.strip()
    m["region"] = m[reg] if lang != "both" else m["region_zh"] + " " + m["region_en"]
    wide = m.pivot_table(index=["indicator_id", "indicator"], columns="region", values="cell", aggfunc="first")
    wide = wide.reset_index(level=0, drop=True).fillna("–")
    wide.columns.name = None
    return wide.sort_index(axis=1)


#: How :func:`kwic` can order its lines: text order, or alphabetically by what follows or precedes the
#: keyword (the left context read backwards, from the keyword out, as concordancers sort it).
KWIC_SORTS = ("measure", "right", "left", "keyword", "doc")


def kwic(measures: pd.DataFrame, keyword: str, window: int = 20, documents: pd.DataFrame | None = None,
         sort: str = "measure") -> pd.DataFrame:
    """Keyword in context: every occurrence of ``keyword`` (a string or regex) in the measures.

    Returns ``measure_id, doc_id, left, keyword, right`` (plus ``region_zh`` when
    ``documents`` is given), ordered by ``sort`` (:data:`KWIC_SORTS`; ties in measure order).
    Export it with :func:`eduanalysis.report.exports.save_frame`.

    >>> m = pd.DataFrame({"measure_id": ["m1", "m2"], "doc_id": ["d", "d"],
    ...                   "text": ["全面推进集团化办学改革", "深化集团化办学模式"]})
    >>> kwic(m, "集团化办学", window=4)[["left", "keyword", "right"]].values.tolist()
    [['全面推进', '集团化办学', '改革'], ['深化', '集团化办学', '模式']]
    >>> kwic(m, "集团化办学", window=4, sort="right").right.tolist()
    ['改革', '模式']
    >>> kwic(m, "集团化办学", window=4, sort="left").left.tolist()
    ['深化', '全面推进']
    """
    if sort not in KWIC_SORTS:
        raise EduAnalysisError(f"sort must be one of {KWIC_SORTS}, got {sort!r}")
    try:
        pattern = re.compile(keyword)
    except re.error as exc:
        raise EduAnalysisError(f"keyword {keyword!r} is not a valid regular expression: {exc}") from exc
    if keyword and re.escape(keyword) == keyword:  # a plain string: only the measures holding it can match
        measures = measures.loc[measures["text"].str.contains(keyword, regex=False).fillna(False).to_numpy(dtype=bool),
                                ["measure_id", "doc_id", "text"]]
    rows = []
    for m in measures.sort_values("measure_id", kind="mergesort").itertuples(index=False):
        for hit in pattern.finditer(m.text or ""):
            rows.append((m.measure_id, m.doc_id, m.text[max(0, hit.start() - window):hit.start()],
                         hit.group(0), m.text[hit.end():hit.end() + window]))
    out = pd.DataFrame(rows, columns=["measure_id", "doc_id", "left", "keyword", "right"])
    if sort != "measure" and len(out):
        key = {"right": out["right"], "left": out["left"].str[::-1], "keyword": out["keyword"],
               "doc": out["doc_id"]}[sort]
        out = out.assign(_k=key).sort_values(["_k", "measure_id"], kind="mergesort").drop(columns="_k")
    out = out.reset_index(drop=True)
    if documents is not None:
        out = out.merge(documents[["doc_id", "region_zh"]], on="doc_id", how="left")
    return out


def side_by_side(alignment: pd.DataFrame | None, doc_a: str, doc_b: str, documents: pd.DataFrame | None = None,
                 measures: pd.DataFrame | None = None, names: dict | None = None, **align) -> pd.DataFrame:
    """The aligned measures of two documents as two text columns, best matches first.

    Works in either order of ``doc_a``/``doc_b`` and for any two documents: when ``alignment``
    (e.g. the stored top pairs) lacks the pair, it is computed from ``measures`` (the clause
    measures, e.g. ``sel.text_measures``; ``align`` goes to
    :func:`eduanalysis.analyse.similarity.alignments`). The text columns are named by ``names``
    (``doc_id`` → label, e.g. :func:`eduanalysis.report.labels.doc_labels`, unique even with several
    documents per region), else by ``doc_id``. ``documents`` only checks that both exist.
    """
    from eduanalysis.analyse.similarity import alignments

    if doc_a == doc_b:
        raise EduAnalysisError(f"side_by_side needs two different documents, got {doc_a} twice")
    if documents is not None:
        unknown = [d for d in (doc_a, doc_b) if d not in set(documents["doc_id"])]
        if unknown:
            raise EduAnalysisError(f"documents {unknown} are not in the selection; doc_id values look like "
                                   f"{sorted(documents['doc_id'])[:3]}")
    a, b = sorted([doc_a, doc_b])
    sub = (alignment.loc[(alignment["doc_a"] == a) & (alignment["doc_b"] == b)]
           if alignment is not None and len(alignment) else pd.DataFrame())
    if sub.empty and measures is not None:
        sub = alignments(measures.loc[measures["doc_id"].isin([a, b])], pairs=[(a, b)], **align)
    if sub.empty:
        known = sorted(set(alignment["doc_a"]) | set(alignment["doc_b"])) if alignment is not None and len(
            alignment) else []
        hint = ("pass measures=sel.text_measures to align them on demand" if measures is None
                else "their measures share no wording above min_similarity")
        raise EduAnalysisError(f"no alignment for {doc_a} and {doc_b}: {hint}"
                               + (f"; documents in the table: {known}" if known else ""))
    out = sub[["rank", "similarity", "text_a", "text_b"]].rename(columns={"text_a": a, "text_b": b})
    out = out[["rank", "similarity", doc_a, doc_b]]
    if names is not None:
        names = dict(names)
        out = out.rename(columns={d: names.get(d, d) for d in (doc_a, doc_b)})
    return out.reset_index(drop=True)
