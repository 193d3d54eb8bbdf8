"""Cross-document comparison: cosine similarity, measure alignment, keyness, indicator overlap.

Every function takes and returns DataFrames; pairwise results are long
(``doc_a, doc_b, similarity``), sorted by key, so they can be written as tables
and diffed between rebuilds.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import squareform
from scipy.stats import chi2 as chi2_dist
from sklearn.metrics.pairwise import cosine_similarity

from eduanalysis.errors import EduAnalysisError
from eduanalysis.features import JiebaTokenizer, make_vectorizer


def similarity(texts: pd.Series, analyzer: str = "word", extra_stopwords=(), **vectorizer_args) -> pd.DataFrame:
    """Cosine similarity of TF-IDF vectors of ``texts`` (indexed by ``doc_id``), in long form.

    Returns ``doc_a, doc_b, similarity`` for every ordered pair including the
    diagonal (1.0), sorted by ``doc_a, doc_b``.

    >>> s = similarity(pd.Series({"a": "学前教育 普惠性幼儿园", "b": "学前教育 普惠性幼儿园", "c": "职业教育 产教融合"}))
    >>> s.loc[(s.doc_a == "a") & (s.doc_b == "b"), "similarity"].round(6).item()
    1.0
    >>> s.loc[(s.doc_a == "a") & (s.doc_b == "c"), "similarity"].item()
    0.0
    """
    if len(texts) == 0:
        raise EduAnalysisError("no documents to compare: the measures table has no text measures")
    vec = make_vectorizer(analyzer, extra_stopwords=extra_stopwords, **vectorizer_args)
    x = vec.fit_transform(texts.tolist())
    sim = np.clip(cosine_similarity(x), 0.0, 1.0)
    return square_to_long(pd.DataFrame(sim, index=texts.index, columns=texts.index))


def square_to_long(square: pd.DataFrame, value: str = "similarity") -> pd.DataFrame:
    """Long form ``doc_a, doc_b, <value>`` of a square frame."""
    out = square.rename_axis(index="doc_a", columns="doc_b").stack().rename(value).reset_index()
    out[value] = out[value].astype(float).round(12)
    return out.sort_values(["doc_a", "doc_b"], kind="mergesort").reset_index(drop=True)


def long_to_square(long: pd.DataFrame, value: str = "similarity") -> pd.DataFrame:
    """Square frame (``doc_a`` rows, ``doc_b`` columns) of a long pairwise table."""
    return long.pivot(index="doc_a", columns="doc_b", values=value).sort_index().sort_index(axis=1)


def cluster_order(square: pd.DataFrame, method: str = "average") -> tuple[list, np.ndarray]:
    """Order the rows of a similarity matrix by hierarchical clustering of ``1 - similarity``.

    Returns the ordered labels and the linkage matrix (for a dendrogram). The
    leaf order is made optimal (adjacent leaves most similar), which is unique,
    so the heatmap does not depend on input order.

    >>> sq = pd.DataFrame([[1, .1, .9], [.1, 1, .2], [.9, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> cluster_order(sq)[0]
    ['b', 'c', 'a']
    """
    labels = list(square.index)
    if len(labels) < 2:
        return labels, np.zeros((0, 4))
    dist = 1.0 - square.loc[labels, labels].to_numpy(dtype=float)
    dist = (dist + dist.T) / 2
    np.fill_diagonal(dist, 0.0)
    condensed = squareform(np.clip(dist, 0.0, None), checks=False)
    z = linkage(condensed, method=method)
    if len(labels) > 2:
        z = optimal_leaf_ordering(z, condensed)
    return [labels[i] for i in leaves_list(z)], z


def alignments(
    measures: pd.DataFrame,
    top_n: int = 10,
    min_similarity: float = 0.2,
    analyzer: str = "word",
    extra_stopwords=(),
) -> pd.DataFrame:
    """For each pair of documents, their best-matching measures: what the two plans share.

    TF-IDF is fitted on all measures, then for documents A < B every measure of
    A is matched to its most similar measure of B; pairs that are each other's
    best match (mutual) and score at least ``min_similarity`` are kept, the
    ``top_n`` highest per document pair. Columns: ``doc_a, doc_b, rank,
    measure_a, measure_b, similarity, text_a, text_b``.
    """
    m = measures[["measure_id", "doc_id", "text"]].sort_values("measure_id", kind="mergesort").reset_index(drop=True)
    cols = ["doc_a", "doc_b", "rank", "measure_a", "measure_b", "similarity", "text_a", "text_b"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    vec = make_vectorizer(analyzer, extra_stopwords=extra_stopwords)
    x = vec.fit_transform(m["text"].tolist())
    rows = []
    docs = sorted(m["doc_id"].unique())
    for a, b in itertools.combinations(docs, 2):
        ia = np.flatnonzero(m["doc_id"].to_numpy() == a)
        ib = np.flatnonzero(m["doc_id"].to_numpy() == b)
        sim = cosine_similarity(x[ia], x[ib])
        best_b = sim.argmax(axis=1)
        best_a = sim.argmax(axis=0)
        pairs = [
            (sim[i, j], ia[i], ib[j])
            for i, j in enumerate(best_b)
            if best_a[j] == i and sim[i, j] >= min_similarity
        ]
        # Highest score first; ties broken by measure ids so the order is stable.
        pairs.sort(key=lambda p: (-round(p[0], 12), m.at[p[1], "measure_id"], m.at[p[2], "measure_id"]))
        for rank, (s, i, j) in enumerate(pairs[:top_n], start=1):
            rows.append((a, b, rank, m.at[i, "measure_id"], m.at[j, "measure_id"], round(float(s), 12),
                         m.at[i, "text"], m.at[j, "text"]))
    return pd.DataFrame(rows, columns=cols)


def keyness(
    texts: pd.Series,
    groups: pd.Series | None = None,
    tokenizer: JiebaTokenizer | None = None,
    min_count: int = 3,
    top_n: int | None = 20,
) -> pd.DataFrame:
    """Distinctive terms of each group against the rest: log-likelihood (G²) and chi-square.

    ``texts`` is indexed by ``doc_id``; ``groups`` maps ``doc_id`` to a group
    label (e.g. region), default each document its own group. For term *w* and
    group *g*, with *a* = count of *w* in *g*, *b* = count in the rest, *c*, *d*
    = the other tokens in *g* and the rest, G² = 2 Σ O ln(O/E) over the 2×2
    table (Dunning 1993) and chi² is Pearson's without continuity correction.
    Both are signed: negative when *w* is under-represented in *g*. Only
    over-represented terms with ``a >= min_count`` are kept, the ``top_n`` by G²
    per group.

    Columns: ``group, term, count_group, count_rest, total_group, total_rest,
    g2, chi2, p_value, rank``.
    """
    tokenizer = tokenizer or JiebaTokenizer()
    groups = pd.Series(texts.index, index=texts.index) if groups is None else groups
    counts: dict[str, pd.Series] = {}
    for doc_id, text in texts.items():
        g = groups[doc_id]
        c = pd.Series(tokenizer(text), dtype="object").value_counts()
        counts[g] = counts[g].add(c, fill_value=0) if g in counts else c
    table = pd.DataFrame(counts).fillna(0).astype(np.int64).sort_index().sort_index(axis=1)
    return keyness_from_counts(table, min_count=min_count, top_n=top_n)


def keyness_from_counts(table: pd.DataFrame, min_count: int = 3, top_n: int | None = 20) -> pd.DataFrame:
    """Keyness from a term × group count matrix (see :func:`keyness`).

    >>> t = pd.DataFrame({"A": [10, 0], "B": [0, 10]}, index=["x", "y"])
    >>> k = keyness_from_counts(t, min_count=1)
    >>> k[["group", "term", "chi2"]].values.tolist()
    [['A', 'x', 20.0], ['B', 'y', 20.0]]
    >>> round(float(k.g2.iloc[0]), 4)  # 2 * 20 * ln 2
    27.7259
    """
    cols = ["group", "term", "count_group", "count_rest", "total_group", "total_rest", "g2", "chi2", "p_value", "rank"]
    if table.shape[1] < 2:
        return pd.DataFrame(columns=cols)
    total = table.to_numpy().sum()
    out = []
    for g in table.columns:
        a = table[g].to_numpy(dtype=float)
        b = table.drop(columns=g).sum(axis=1).to_numpy(dtype=float)
        c = a.sum() - a
        d = b.sum() - b
        g2, chi2 = _g2_chi2(a, b, c, d, total)
        sign = np.sign(a / max(a.sum(), 1) - b / max(b.sum(), 1))
        df = pd.DataFrame({
            "group": g, "term": table.index, "count_group": a.astype(int), "count_rest": b.astype(int),
            "total_group": int(a.sum()), "total_rest": int(b.sum()),
            "g2": np.round(sign * g2, 9), "chi2": np.round(sign * chi2, 9),
        })
        df["p_value"] = chi2_dist.sf(np.abs(df["g2"]), 1)
        df = df.loc[(df["count_group"] >= min_count) & (df["g2"] > 0)]
        df = df.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort")
        if top_n is not None:
            df = df.head(top_n)
        df["rank"] = np.arange(1, len(df) + 1)
        out.append(df)
    res = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)
    return res[cols].reset_index(drop=True)


def _g2_chi2(a, b, c, d, total):
    n = a + b + c + d
    obs = np.stack([a, b, c, d])
    row1, row2 = a + b, c + d
    col1, col2 = a + c, b + d
    exp = np.stack([row1 * col1, row1 * col2, row2 * col1, row2 * col2]) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * np.nansum(np.where(obs > 0, obs * np.log(obs / exp), 0.0), axis=0)
        chi2 = np.nansum(np.where(exp > 0, (obs - exp) ** 2 / exp, 0.0), axis=0)
    return g2, chi2


def indicator_overlap(targets: pd.DataFrame, documents: pd.DataFrame, by: str = "region_zh") -> pd.DataFrame:
    """Canonical indicators two regions both set targets or baselines for.

    Returns ``region_a, region_b, n_a, n_b, n_shared, jaccard, shared`` for
    every ordered pair (diagonal included), where ``shared`` lists the shared
    ``indicator_id`` values joined by ``|``.

    >>> docs = pd.DataFrame({"doc_id": ["d1", "d2"], "region_zh": ["甲", "乙"]})
    >>> t = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "indicator_id": ["x", "y", "y"]})
    >>> indicator_overlap(t, docs).query("region_a == '甲' and region_b == '乙'")[["n_shared", "jaccard"]].values.tolist()
    [[1.0, 0.5]]
    """
    t = targets.dropna(subset=["indicator_id"]).merge(documents[["doc_id", by]], on="doc_id")
    sets = {r: frozenset(g["indicator_id"]) for r, g in t.groupby(by, sort=True)}
    regions = sorted(documents[by].dropna().unique())
    rows = []
    for ra in regions:
        for rb in regions:
            sa, sb = sets.get(ra, frozenset()), sets.get(rb, frozenset())
            union = sa | sb
            shared = sorted(sa & sb)
            rows.append((ra, rb, len(sa), len(sb), len(shared),
                         len(shared) / len(union) if union else np.nan, "|".join(shared)))
    return pd.DataFrame(rows, columns=["region_a", "region_b", "n_a", "n_b", "n_shared", "jaccard", "shared"])


def keyness_by_region(documents: pd.DataFrame, texts: pd.Series, min_count: int = 3,
                      top_n: int | None = 20) -> pd.DataFrame:
    """The ``keyness`` table: :func:`keyness` with the documents grouped by region, place names dropped."""
    from eduanalysis.features import region_stopwords

    groups = documents.set_index("doc_id")["region_zh"]
    places = pd.concat([documents["region_zh"], documents.get("province_zh", pd.Series(dtype=str))])
    tok = JiebaTokenizer(region_stopwords(places))
    k = keyness(texts, groups.reindex(texts.index), tokenizer=tok, min_count=min_count, top_n=top_n)
    k = k.rename(columns={"group": "region_zh"})
    en = documents.drop_duplicates("region_zh").set_index("region_zh")["region_en"]
    k.insert(1, "region_en", k["region_zh"].map(en))
    return k
