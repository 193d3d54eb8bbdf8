"""The theme taxonomy (``resources/themes.csv``) and tagging measures with it.

A theme is tagged on a measure when one of its keywords occurs in the
measure's text. Chinese has no spaces, so keywords are matched as substrings of
the NFKC text, not as tokens; a measure may carry several themes. The
taxonomy is data: edit the CSV (``theme_id,name_zh,name_en,keywords`` with
keywords separated by ``|``) to change it.

>>> tax = taxonomy()
>>> len(tax) >= 15
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from eduanalysis import resources
from eduanalysis.analyse.tokens import strings
from eduanalysis.schema import strictly_increasing

THEMES = "analyse/themes.csv"
TAXONOMY_COLUMNS = ["theme_id", "name_zh", "name_en", "keywords"]
#: Columns of :func:`measure_themes`.
TAGGED_COLUMNS = ["measure_id", "theme_id", "doc_id", "n_hits", "keywords"]


@lru_cache(maxsize=4)
def _read_taxonomy(path: str | None) -> pd.DataFrame:
    """The packaged taxonomy (``path`` None) or a user's, checked by the one resource loader."""
    return resources.frame(THEMES, path)[TAXONOMY_COLUMNS].astype("string")


def taxonomy(path: str | Path | None = None, replace: bool = True) -> pd.DataFrame:
    """The theme taxonomy, one row per theme in file order (the order figures use).

    ``path`` is a user's taxonomy in the same format; it replaces the packaged one, or with
    ``replace=False`` is merged into it (a user row overrides the packaged theme of the same
    ``theme_id``; new themes follow the packaged ones).
    """
    packaged = _read_taxonomy(None)
    if path is None:
        return packaged.copy()
    user = _read_taxonomy(str(path))
    if replace:
        return user.copy()
    merged = packaged.set_index("theme_id")
    merged.update(user.set_index("theme_id"))
    new = user.loc[~user["theme_id"].isin(packaged["theme_id"])]
    return pd.concat([merged.reset_index(), new], ignore_index=True)[TAXONOMY_COLUMNS]


def keyword_table(tax: pd.DataFrame) -> pd.DataFrame:
    """Long form of the taxonomy: ``theme_id, keyword``, one row per keyword."""
    rows = [(r.theme_id, kw.strip()) for r in tax.itertuples() for kw in r.keywords.split("|") if kw.strip()]
    return pd.DataFrame(rows, columns=["theme_id", "keyword"], dtype="string")


def measure_themes(measures: pd.DataFrame, tax: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tag measures with themes: one row per (measure, theme) with the keywords that matched.

    Columns: ``measure_id, theme_id, doc_id, n_hits, keywords`` (matched keywords,
    ``|``-joined in taxonomy order; ``n_hits`` adds each one's non-overlapping occurrences, as
    ``str.count``). Measures with no theme get no row.

    Each distinct text is searched once (policy documents repeat clauses word for word), and
    each keyword once over all of them (:func:`keyword_counts`), so the cost grows with the
    distinct text and the keywords, not with measures × themes.

    >>> m = pd.DataFrame({"measure_id": ["m1", "m2"], "doc_id": ["d", "d"],
    ...                   "text": ["扩大普惠性幼儿园覆盖面", "加强安全管理"]})
    >>> t = pd.DataFrame({"theme_id": ["preschool", "safety"], "name_zh": ["学前", "安全"],
    ...                   "name_en": ["Preschool", "Safety"], "keywords": ["幼儿园|普惠性", "安全"]})
    >>> measure_themes(m, t)[["measure_id", "theme_id", "n_hits", "keywords"]].values.tolist()
    [['m1', 'preschool', 2, '幼儿园|普惠性'], ['m2', 'safety', 1, '安全']]
    """
    tax = taxonomy() if tax is None else tax
    patterns = {
        r.theme_id: [kw.strip() for kw in r.keywords.split("|") if kw.strip()] for r in tax.itertuples()
    }
    m = measures[["measure_id", "doc_id", "text"]]
    # Numbered in Arrow (first appearance, missing as ""), and the rows taken from Arrow: a Python object
    # per measure and per tag cost 5 s at 10,000 documents (1.9 M measures, 3.4 M tags).
    encoded = pc.dictionary_encode(pc.fill_null(strings(m["text"]), ""))
    codes, texts = encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    found = keyword_counts(texts, sorted({k for kws in patterns.values() for k in kws}))
    labels = [""]  # every theme's keyword combinations; a theme without keywords labels its rows ""
    parts = []  # per theme, in taxonomy order: (theme, positions of its measures, hits, labels)
    for theme_id, kws in patterns.items():
        # A theme without keywords compiled to an empty pattern, which matches every text.
        rows = (np.unique(np.concatenate([found[k][0] for k in kws])) if kws
                else np.arange(len(texts)))  # the texts the theme tags
        counts = np.zeros((len(rows), len(kws)), dtype=np.int64)
        for j, k in enumerate(kws):
            where, n = found[k]
            counts[np.searchsorted(rows, where), j] = n
        tagged, n_hits = np.zeros(len(texts), dtype=bool), np.zeros(len(texts), dtype=np.int64)
        tagged[rows], n_hits[rows] = True, counts.sum(axis=1)
        label = np.zeros(len(texts), dtype=np.int64)
        if kws and len(rows):
            patterns_seen, which = np.unique(counts > 0, axis=0, return_inverse=True)
            label[rows] = len(labels) + which.ravel()
            labels += ["|".join(k for k, h in zip(kws, p, strict=True) if h) for p in patterns_seen]
        chosen = np.flatnonzero(tagged[codes])
        if len(chosen):
            parts.append((theme_id, chosen, n_hits[codes[chosen]], label[codes[chosen]]))
    if not parts:
        return pd.DataFrame(columns=TAGGED_COLUMNS)
    # Rows by measure_id, then theme_id (ties, i.e. repeated ids, in taxonomy then table order), as a
    # stable sort of the rows measure by measure would give.
    ids = strings(m["measure_id"])
    measure_rank = pc.rank(ids, tiebreaker="dense").to_numpy()
    theme_rank = {t: i for i, t in enumerate(sorted(patterns))}
    pos = np.concatenate([c for _, c, _, _ in parts])
    theme = np.concatenate([np.full(len(c), theme_rank[t], dtype=np.int64) for t, c, _, _ in parts])
    order = np.argsort(measure_rank[pos].astype(np.int64) * len(theme_rank) + theme, kind="stable")
    pos = pa.array(pos[order])
    return pd.DataFrame({
        "measure_id": ids.take(pos).to_pandas(),
        "theme_id": pa.array(sorted(patterns), pa.large_string()).take(pa.array(theme[order])).to_pandas(),
        "doc_id": strings(m["doc_id"]).take(pos).to_pandas(),
        "n_hits": np.concatenate([n for _, _, n, _ in parts])[order],
        "keywords": pa.array(labels, pa.large_string()).take(
            pa.array(np.concatenate([k for _, _, _, k in parts])[order])).to_pandas(),
    })


def keyword_counts(texts: list[str], keywords: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each keyword, the texts it occurs in (positions in ``texts``) and ``text.count(keyword)`` there.

    One search per keyword over the texts joined by a character no keyword contains, so no
    occurrence spans two texts and the non-overlapping occurrences are those of ``str.count``.

    >>> {k: (w.tolist(), n.tolist()) for k, (w, n) in keyword_counts(["学前学前", "前学", ""], ["学前", "前学"]).items()}
    {'学前': ([0], [2]), '前学': ([0, 1], [1, 1])}
    """
    sep = next(c for c in ("\n", "\x00", "\x1e", "\x1f") if not any(c in k for k in keywords))
    joined = sep.join(texts)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0, dtype=np.int64)
    out = {}
    for k in keywords:
        pos = np.fromiter((hit.start() for hit in re.finditer(re.escape(k), joined)), dtype=np.int64)
        where, n = np.unique(np.searchsorted(starts, pos, side="right") - 1, return_counts=True)
        out[k] = (where, n)
    return out


def theme_shares(
    tagged: pd.DataFrame, measures: pd.DataFrame, by: str = "doc_id", tax: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of each group's measures that carry each theme, long form ``by, theme_id, n_measures, share``.

    ``by`` is a column of ``measures`` (e.g. ``doc_id`` or a ``region_zh`` merged in).
    Every (group, theme) pair appears, with share 0 where a theme is absent, so
    heatmaps show absence rather than a gap.
    """
    tax = taxonomy() if tax is None else tax
    ids = measures["measure_id"]
    tag_keys = ["measure_id", "theme_id"]
    if ids.notna().all() and ids.is_unique and (strictly_increasing(tagged, tag_keys)
                                                or not tagged.duplicated(tag_keys).any()):
        # Keys unique (as the tables' schemas make them): distinct measures are rows, counted without
        # a merge of every tag with its measure.
        totals = measures.groupby(by, sort=True).size().rename("n_total")
        pos = positions(ids, tagged["measure_id"])
        found = pos >= 0
        joined = pd.DataFrame({by: measures[by].iloc[pos[found]].reset_index(drop=True),
                               "theme_id": tagged["theme_id"][found].reset_index(drop=True)})
        counts = joined.groupby([by, "theme_id"]).size().rename("n_measures")
    else:
        totals = measures.groupby(by, sort=True)["measure_id"].nunique().rename("n_total")
        joined = tagged[["measure_id", "theme_id"]].merge(measures[["measure_id", by]], on="measure_id")
        counts = joined.groupby([by, "theme_id"])["measure_id"].nunique().rename("n_measures")
    grid = pd.MultiIndex.from_product([totals.index, tax["theme_id"]], names=[by, "theme_id"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out = out.merge(totals.reset_index(), on=by)
    out["share"] = out["n_measures"] / out["n_total"]
    return out.drop(columns="n_total")


def region_theme_shares(tagged: pd.DataFrame, measures: pd.DataFrame, documents: pd.DataFrame,
                        tax: pd.DataFrame | None = None, by: str = "region_zh") -> pd.DataFrame:
    """:func:`theme_shares` by region (or ``by="province_zh"``): ``region_zh, theme_id, n_measures, share``."""
    return theme_shares(tagged, with_document_column(measures[["measure_id", "doc_id"]], documents, by), by=by,
                        tax=tax)


def positions(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """Where each of ``values`` is in ``keys`` (unique), -1 where absent: ``pd.Index(keys).get_indexer(values)``,
    matched in Arrow (a hash of the keys, no Python string per value: 3.4 M theme tags in a fraction of a second).

    >>> positions(pd.Series(["b", "a"]), pd.Series(["a", "x", "b"])).tolist()
    [1, -1, 0]
    """
    if not (pd.api.types.is_string_dtype(keys) and pd.api.types.is_string_dtype(values)):
        return pd.Index(keys).get_indexer(values)
    found = pc.index_in(strings(values), value_set=strings(keys))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def with_document_column(frame: pd.DataFrame, documents: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame.merge(documents[["doc_id", column]], on="doc_id")``, by position when doc_ids are unique
    (as the documents table's key makes them): rows of unknown documents dropped, order kept.

    >>> m = pd.DataFrame({"measure_id": ["m1", "m2", "m3"], "doc_id": ["b", "x", "a"]})
    >>> with_document_column(m, pd.DataFrame({"doc_id": ["a", "b"], "region_zh": ["甲", "乙"]}), "region_zh").values.tolist()
    [['m1', 'b', '乙'], ['m3', 'a', '甲']]
    """
    if not documents["doc_id"].is_unique:
        return frame.merge(documents[["doc_id", column]], on="doc_id")
    pos = positions(documents["doc_id"], frame["doc_id"])
    found = pos >= 0
    out = frame.loc[found].reset_index(drop=True)
    out[column] = documents[column].iloc[pos[found]].reset_index(drop=True)
    return out
