"""Unsupervised clustering of measures: TF-IDF → truncated SVD → KMeans or agglomerative.

:class:`MeasureClusterer` is a scikit-learn estimator: hyper-parameters in
``__init__``, learned state in attributes ending in ``_``, randomness only
through ``random_state``. When ``n_clusters`` is None the number of clusters is
chosen by the silhouette score over ``k_range``. :func:`stability` refits with
several seeds and reports the adjusted Rand index between every pair of runs.

At scale (more than ``minibatch_above`` measures, default
:data:`MINIBATCH_ABOVE`) KMeans becomes :class:`~sklearn.cluster.MiniBatchKMeans`
with a fixed batch size, and silhouettes are computed on a random sample of
``silhouette_sample`` points (seeded by ``random_state``), so the cost grows
linearly with the number of measures.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import Normalizer
from threadpoolctl import threadpool_limits

from eduanalysis.analyse.features import make_vectorizer
from eduanalysis.errors import EduAnalysisError

#: Above this many measures KMeans is MiniBatchKMeans and silhouettes are sampled.
MINIBATCH_ABOVE = 5000
#: Points the silhouette is computed on above MINIBATCH_ABOVE measures (it is O(n²) in time).
SILHOUETTE_SAMPLE = 5000
#: MiniBatchKMeans batch size (fixed, so results do not depend on the machine's core count).
BATCH_SIZE = 2048
#: Ward agglomerative clustering stores an n × n distance matrix: refuse it above this many measures.
AGGLOMERATIVE_MAX = 20000


class MeasureClusterer(ClusterMixin, BaseEstimator):
    """Cluster short policy texts.

    Parameters
    ----------
    n_clusters : int or None
        Fixed number of clusters; None chooses k in ``k_range`` by silhouette.
    k_range : (int, int)
        Inclusive range of k tried when ``n_clusters`` is None.
    n_components : int
        SVD dimensions (capped at n_features - 1).
    method : "kmeans" or "agglomerative"
        Ward agglomerative clustering is deterministic; KMeans depends on ``random_state``.
    analyzer : "word", "char" or "tokens"
        Tokens for the TF-IDF step (see :func:`eduanalysis.analyse.features.make_vectorizer`); with
        "tokens" the texts passed to :meth:`fit` are token lists, e.g. stored measure tokens
        (:func:`eduanalysis.analyse.tokens.tokens_for`), and the clusters equal those of "word" on the texts.
    min_df : int
        Terms in fewer texts are dropped.
    n_terms : int
        Top terms kept per cluster in ``cluster_terms_``.
    minibatch_above : int
        Above this many texts, KMeans is MiniBatchKMeans (batch ``BATCH_SIZE``) and the silhouette
        is computed on ``silhouette_sample`` random points.
    silhouette_sample : int
        Sample size of the silhouette score above ``minibatch_above`` texts.

    Attributes
    ----------
    vectorizer_, svd_ : fitted transformers
    embedding_ : ndarray, the normalised SVD coordinates of the training texts
    labels_ : ndarray of int, cluster of each text, renumbered by decreasing size
    n_clusters_ : int
    silhouette_ : dict k -> silhouette score (all k tried, or the fixed one)
    k_at_edge_ : bool, True when the chosen k is the largest tried: short policy clauses often
        have no interior silhouette maximum, and then k is set by ``k_range``, not by the data
    cluster_terms_ : list of lists of the top TF-IDF terms of each cluster
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        k_range: tuple[int, int] = (4, 14),
        n_components: int = 100,
        method: str = "kmeans",
        analyzer: str = "word",
        min_df: int = 2,
        n_terms: int = 6,
        extra_stopwords: Sequence[str] = (),
        random_state: int | None = None,
        minibatch_above: int = MINIBATCH_ABOVE,
        silhouette_sample: int = SILHOUETTE_SAMPLE,
    ):
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.n_components = n_components
        self.method = method
        self.analyzer = analyzer
        self.min_df = min_df
        self.n_terms = n_terms
        self.extra_stopwords = extra_stopwords
        self.random_state = random_state
        self.minibatch_above = minibatch_above
        self.silhouette_sample = silhouette_sample

    def _at_scale(self, n: int) -> bool:
        return n > self.minibatch_above

    def _cluster(self, x: np.ndarray, k: int) -> np.ndarray:
        if self.method == "kmeans" and self._at_scale(len(x)):
            return MiniBatchKMeans(n_clusters=k, batch_size=BATCH_SIZE, n_init=3,
                                   random_state=self.random_state).fit_predict(x)
        if self.method == "kmeans":
            return KMeans(n_clusters=k, n_init=10, random_state=self.random_state).fit_predict(x)
        if self.method == "agglomerative":
            if len(x) > AGGLOMERATIVE_MAX:
                raise EduAnalysisError(
                    f"agglomerative clustering of {len(x)} measures needs an n × n matrix; use method='kmeans' "
                    f"or cluster a sample of at most {AGGLOMERATIVE_MAX} (max_measures in 20_themes)")
            return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
        raise EduAnalysisError(f"unknown clustering method {self.method!r}: use 'kmeans' or 'agglomerative'")

    def _silhouette(self, x: np.ndarray, labels: np.ndarray) -> float:
        if len(set(labels)) < 2:
            return float("nan")
        if self._at_scale(len(x)) and len(x) > self.silhouette_sample:
            return float(silhouette_score(x, labels, sample_size=self.silhouette_sample,
                                          random_state=self.random_state))
        return float(silhouette_score(x, labels))

    def fit(self, texts, y=None):
        # A few thousand short texts: BLAS/OpenMP thread start-up costs more than it saves (6x slower on 2 cores).
        with threadpool_limits(1):
            return self._fit(list(texts))

    def fit_tfidf(self, tfidf, vectorizer):
        """Fit on a TF-IDF matrix already computed by ``vectorizer`` (saves tokenising the texts again).

        :func:`stability` uses it to refit with several seeds: the vectoriser has
        no randomness, so each seed's result equals a full :meth:`fit`.
        """
        with threadpool_limits(1):
            return self._fit_matrix(tfidf, vectorizer)

    def _fit(self, texts: list[str]):
        if len(texts) < 3:
            raise EduAnalysisError(f"clustering needs at least 3 measures, got {len(texts)}")
        vectorizer = make_vectorizer(self.analyzer, extra_stopwords=self.extra_stopwords, min_df=self.min_df)
        return self._fit_matrix(vectorizer.fit_transform(texts), vectorizer)

    def _fit_matrix(self, tfidf, vectorizer):
        self.vectorizer_ = vectorizer
        n = tfidf.shape[0]
        n_comp = max(1, min(self.n_components, tfidf.shape[1] - 1, tfidf.shape[0] - 1))
        self.svd_ = TruncatedSVD(n_components=n_comp, random_state=self.random_state)
        self.embedding_ = Normalizer().fit_transform(self.svd_.fit_transform(tfidf))
        if self.n_clusters is not None:
            ks = [int(self.n_clusters)]
        else:
            lo, hi = self.k_range
            ks = [k for k in range(max(2, lo), hi + 1) if k < n]
            if not ks:
                raise EduAnalysisError(f"k_range {self.k_range} leaves no k below the {n} measures")
        self.silhouette_ = {}
        best = None
        for k in ks:
            labels = self._cluster(self.embedding_, k)
            score = self._silhouette(self.embedding_, labels)
            self.silhouette_[k] = score
            if best is None or (score > best[0] + 1e-12):
                best = (score, k, labels)
        _, self.n_clusters_, labels = best
        self.k_at_edge_ = self.n_clusters is None and len(ks) > 1 and self.n_clusters_ == max(ks)
        self.labels_ = _renumber_by_size(labels)
        self.cluster_terms_ = _top_terms(tfidf, self.labels_, self.vectorizer_.get_feature_names_out(), self.n_terms)
        return self

    def fit_predict(self, texts, y=None):
        return self.fit(texts).labels_


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Cluster 0 is the largest; ties by first appearance, so labels do not depend on solver numbering."""
    labels = np.asarray(labels)
    uniq, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-counts[i], first[i]))
    mapping = {uniq[i]: new for new, i in enumerate(order)}
    return np.array([mapping[v] for v in labels], dtype=int)


def _top_terms(tfidf, labels: np.ndarray, names: np.ndarray, n: int) -> list[list[str]]:
    """Each cluster's ``n`` terms of highest mean weight (rounded to 12 decimals), ties by term."""
    by_name = np.empty(len(names), dtype=np.int64)
    by_name[np.argsort(np.asarray(names), kind="stable")] = np.arange(len(names))
    out = []
    for c in range(labels.max() + 1):
        mean = np.asarray(tfidf[labels == c].mean(axis=0)).ravel()
        idx = np.lexsort((by_name, -np.round(mean, 12)))[:n]
        out.append([str(names[i]) for i in idx if mean[i] > 0])
    return out


def stability(texts, seeds: Sequence[int], **params) -> pd.DataFrame:
    """Refit :class:`MeasureClusterer` once per seed; adjusted Rand index between each pair of runs.

    ``params`` go to the clusterer (fix ``n_clusters`` to isolate seed effects
    from the choice of k). The texts are tokenised once: only SVD and KMeans
    depend on the seed. Returns ``seed_a, seed_b, n_clusters_a, n_clusters_b, ari``.
    """
    texts = list(texts)
    proto = MeasureClusterer(**params)
    if len(texts) < 3:
        raise EduAnalysisError(f"clustering needs at least 3 measures, got {len(texts)}")
    vectorizer = make_vectorizer(proto.analyzer, extra_stopwords=proto.extra_stopwords, min_df=proto.min_df)
    tfidf = vectorizer.fit_transform(texts)
    runs = {s: MeasureClusterer(random_state=s, **params).fit_tfidf(tfidf, vectorizer) for s in seeds}
    rows = [
        (a, b, runs[a].n_clusters_, runs[b].n_clusters_, float(adjusted_rand_score(runs[a].labels_, runs[b].labels_)))
        for a, b in itertools.combinations(seeds, 2)
    ]
    return pd.DataFrame(rows, columns=["seed_a", "seed_b", "n_clusters_a", "n_clusters_b", "ari"])


def clusters(measures: pd.DataFrame, model: MeasureClusterer) -> pd.DataFrame:
    """The ``clusters`` table: one row per clustered measure with its cluster and the cluster's label.

    ``measures`` must be the frame the model was fitted on, in the same order.
    """
    if len(measures) != len(model.labels_):
        raise EduAnalysisError(
            f"{len(measures)} measures but the model was fitted on {len(model.labels_)}; pass the same frame"
        )
    labels = [" · ".join(t[:3]) for t in model.cluster_terms_]
    out = pd.DataFrame({
        "measure_id": measures["measure_id"].to_numpy(),
        "doc_id": measures["doc_id"].to_numpy(),
        "cluster": model.labels_,
        "cluster_label": [labels[c] for c in model.labels_],
        "top_terms": ["|".join(model.cluster_terms_[c]) for c in model.labels_],
    })
    return out.sort_values("measure_id", kind="mergesort").reset_index(drop=True)


def crosstab_themes(cluster_table: pd.DataFrame, tagged: pd.DataFrame) -> pd.DataFrame:
    """Cluster × theme counts of measures (a measure with several themes counts once per theme)."""
    j = cluster_table[["measure_id", "cluster"]].merge(tagged[["measure_id", "theme_id"]], on="measure_id")
    return pd.crosstab(j["cluster"], j["theme_id"])
