"""Documents and commitments in time: issue dates, plan horizons, target years, trajectories.

``timeline`` is one tidy table of dated events (a document's writing,
publication, plan start and end; each target and baseline at its year);
``trajectories`` follows canonical indicators that at least two regions
quantify from baseline to target.
"""

from __future__ import annotations

import pandas as pd

from eduanalysis.analyse.selection import issue_year

TIMELINE_COLUMNS = [
    "event_id", "doc_id", "region_zh", "region_en", "event", "year", "date",
    "target_id", "indicator_id", "indicator_zh", "indicator_en", "value", "unit", "comparator",
]

#: Document columns that become events, in the order they happen in a document's life.
DOC_EVENTS = (("written", "written_date"), ("published", "published_date"),
              ("plan_start", "plan_start_year"), ("plan_end", "plan_end_year"))


def timeline(documents: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The ``timeline`` table: document events and dated targets/baselines, one row per event.

    >>> d = pd.DataFrame({"doc_id": ["D1"], "region_zh": ["甲市"], "region_en": ["Jia"],
    ...                   "written_date": ["2019-05-30"], "published_date": [None],
    ...                   "plan_start_year": [2019], "plan_end_year": [2022]})
    >>> t = pd.DataFrame({"target_id": ["D1-m0001-t01"], "doc_id": ["D1"], "kind": ["target"], "year": [2022],
    ...                   "indicator_id": ["x"], "indicator_zh": ["某率"], "indicator_en": ["rate"],
    ...                   "value": [95.0], "unit": ["percent"], "comparator": [">="]})
    >>> timeline(d, t)[["event", "year"]].values.tolist()
    [['target', 2022], ['plan_end', 2022], ['plan_start', 2019], ['written', 2019]]
    """
    rows = []
    for d in documents.itertuples(index=False):
        for event, col in DOC_EVENTS:
            val = getattr(d, col)
            if pd.isna(val):
                continue
            date = str(val) if col.endswith("_date") else None
            year = int(str(val)[:4])
            rows.append({"event_id": f"{d.doc_id}-{event}", "doc_id": d.doc_id, "region_zh": d.region_zh,
                         "region_en": d.region_en, "event": event, "year": year, "date": date})
    doc_events = pd.DataFrame(rows, columns=TIMELINE_COLUMNS[:7])
    regions = documents[["doc_id", "region_zh", "region_en"]]
    used = ["target_id", "doc_id", "kind", "year", *TIMELINE_COLUMNS[8:]]  # not the sentences: copying them is slow
    t = targets.loc[targets["kind"].isin(["target", "baseline"]) & targets["year"].notna(), used]
    t = t.merge(regions, on="doc_id", how="left")
    target_events = pd.DataFrame({
        "event_id": t["target_id"], "doc_id": t["doc_id"], "region_zh": t["region_zh"],
        "region_en": t["region_en"], "event": t["kind"], "year": t["year"], "date": None,
        "target_id": t["target_id"], "indicator_id": t["indicator_id"], "indicator_zh": t["indicator_zh"],
        "indicator_en": t["indicator_en"], "value": t["value"], "unit": t["unit"], "comparator": t["comparator"],
    })
    frames = [f for f in (doc_events, target_events) if not f.empty]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIMELINE_COLUMNS)
    out = out.reindex(columns=TIMELINE_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values("event_id", kind="mergesort").reset_index(drop=True)


def trajectories(targets: pd.DataFrame, documents: pd.DataFrame, min_regions: int = 2,
                 median: bool = False) -> pd.DataFrame:
    """Baseline → target points for canonical indicators quantified by at least ``min_regions`` regions.

    A point comes from a baseline row, a target row, or the baseline paired
    with a target in the text (由A提高到B). Values use ``value_norm`` where it
    exists; within an indicator only its most common unit is kept, so lines are
    comparable. Columns: ``indicator_id, indicator_zh, indicator_en, unit,
    region_zh, region_en, doc_id, year, value, role`` (role = baseline/target).

    ``median=True`` keeps one point per indicator, region, year and role: the
    median of its documents' values (``doc_id`` is then the first of them), for
    regions or provinces with many documents.
    """
    cols = ["indicator_id", "indicator_zh", "indicator_en", "unit", "region_zh", "region_en",
            "doc_id", "year", "value", "role"]
    used = [c for c in (*cols[:4], "doc_id", "kind", "year", "value", "value_norm", "baseline_value", "baseline_year")
            if c in targets]  # not the sentences: copying them is slow
    t = targets.loc[targets["indicator_id"].notna() & targets["kind"].isin(["target", "baseline"]), used]
    if t.empty:
        return pd.DataFrame(columns=cols)
    t = t.merge(documents[["doc_id", "region_zh", "region_en"]], on="doc_id", how="left")
    val = t["value_norm"].fillna(t["value"]) if "value_norm" in t else t["value"]
    base = pd.DataFrame({"value": val, "year": t["year"], "role": t["kind"]})
    points = [pd.concat([t[cols[:6] + ["doc_id"]], base], axis=1)]
    if "baseline_value" in t:
        paired = t.loc[t["baseline_value"].notna() & t["baseline_year"].notna()]
        points.append(pd.concat([paired[cols[:6] + ["doc_id"]], pd.DataFrame({
            "value": paired["baseline_value"], "year": paired["baseline_year"], "role": "baseline"})], axis=1))
    p = pd.concat(points, ignore_index=True).dropna(subset=["year", "value"])
    main_unit = p.groupby("indicator_id")["unit"].agg(lambda s: s.value_counts().index[0] if s.notna().any() else None)
    p = p.loc[p["unit"].eq(p["indicator_id"].map(main_unit)).fillna(False) | p["unit"].isna()]
    n_regions = p.groupby("indicator_id")["region_zh"].nunique()
    p = p.loc[p["indicator_id"].map(n_regions) >= min_regions]
    p["year"] = p["year"].astype("Int64")
    p = p.drop_duplicates(subset=["indicator_id", "region_zh", "year", "role", "value"])
    if median:
        keys = ["indicator_id", "region_zh", "year", "role"]
        p = p.sort_values(keys + ["doc_id"], kind="mergesort")
        p = p.groupby(keys, sort=False, dropna=False).agg(
            {**{c: "first" for c in cols if c not in keys and c != "value"}, "value": "median"}).reset_index()
    return p[cols].sort_values(["indicator_id", "region_zh", "year", "role"], kind="mergesort").reset_index(drop=True)


def theme_by_year(tagged: pd.DataFrame, measures: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Share of measures carrying each theme by issue year: ``year, theme_id, n_measures, share``."""
    from eduanalysis.analyse.themes import theme_shares, with_document_column

    years = pd.DataFrame({"doc_id": documents["doc_id"].to_numpy(), "year": issue_year(documents).array})
    m = with_document_column(measures[["measure_id", "doc_id"]], years, "year").dropna(subset=["year"])
    return theme_shares(tagged, m, by="year")
