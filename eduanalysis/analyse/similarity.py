"""Cross-document comparison: cosine similarity, measure alignment, keyness, indicator overlap.

Every function takes and returns DataFrames; pairwise results are long
(``doc_a, doc_b, similarity``), sorted by key, so they can be written as tables
and diffed between rebuilds.

At scale (more than :data:`MAX_DENSE_DOCUMENTS` documents) the N × N matrix is
never formed: :func:`top_k_neighbours` keeps each document's ``top_k`` most
similar documents, computing the sparse product in blocks of rows (memory
grows with ``block_size × N``); :func:`group_similarity` gives the exact mean
similarity between the documents of two regions or provinces from their summed
rows; :func:`alignment_pairs` bounds measure alignment to the most similar
pairs of documents.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import squareform
from scipy.stats import chi2 as chi2_dist
from sklearn.metrics.pairwise import cosine_similarity

from eduanalysis.analyse.features import (
    Tokenizer,
    count_matrix,
    make_tokenizer,
    make_vectorizer,
    tfidf,
)
from eduanalysis.analyse.tokens import tokens_for
from eduanalysis.errors import EduAnalysisError

#: Above this many documents similarity keeps each document's top-k neighbours, not all N² pairs.
MAX_DENSE_DOCUMENTS = 300
#: Neighbours kept per document on the top-k path.
TOP_K = 10
#: Rows of the similarity matrix computed at once on the top-k path (memory: BLOCK_SIZE × N floats).
BLOCK_SIZE = 256
#: Up to this many bytes, top_k_neighbours multiplies a dense copy of the vectors (BLAS: a small vocabulary
#: makes the sparse product slow, e.g. 10,000 documents × 3,000 terms); above it, the sparse product.
DENSE_BYTES = 512 * 2**20
#: Pairs of documents whose measures are aligned (the most similar first).
ALIGNMENT_MAX_PAIRS = 50
#: Rows taken at once for norms, group sums and the partners of a pair score (a character n-gram row of a
#: long plan holds about 10,000 entries).
PAIR_CHUNK = 256


def similarity(texts: pd.Series, analyzer: str = "word", extra_stopwords=(), top_k: int = TOP_K,
               max_documents: int = MAX_DENSE_DOCUMENTS, block_size: int = BLOCK_SIZE,
               **vectorizer_args) -> pd.DataFrame:
    """Cosine similarity of TF-IDF vectors of ``texts`` (indexed by ``doc_id``), in long form.

    Returns ``doc_a, doc_b, similarity`` for every ordered pair including the
    diagonal (1.0), sorted by ``doc_a, doc_b``; with more than ``max_documents``
    texts, each document's ``top_k`` neighbours instead (see :func:`pairwise`).

    >>> s = similarity(pd.Series({"a": "学前教育 普惠性幼儿园", "b": "学前教育 普惠性幼儿园", "c": "职业教育 产教融合"}))
    >>> s.loc[(s.doc_a == "a") & (s.doc_b == "b"), "similarity"].round(6).item()
    1.0
    >>> s.loc[(s.doc_a == "a") & (s.doc_b == "c"), "similarity"].item()
    0.0
    """
    if len(texts) == 0:
        raise EduAnalysisError("no documents to compare: the measures table has no text measures")
    sublinear_tf = vectorizer_args.pop("sublinear_tf", True)
    counts, _ = count_matrix(texts, analyzer, extra_stopwords=extra_stopwords, **vectorizer_args)
    return pairwise(tfidf(counts, sublinear_tf), texts.index, top_k=top_k, max_documents=max_documents,
                    block_size=block_size)


def pairwise(x: sparse.spmatrix, doc_ids, top_k: int = TOP_K, max_documents: int = MAX_DENSE_DOCUMENTS,
             block_size: int = BLOCK_SIZE) -> pd.DataFrame:
    """Long similarity table of the L2-normalised rows of ``x`` (one per ``doc_ids``).

    Up to ``max_documents`` rows: every ordered pair, diagonal included. Above:
    :func:`top_k_neighbours` (``top_k`` per document, no diagonal), so memory and
    output grow with N, not N².
    """
    doc_ids = pd.Index(doc_ids)
    if x.shape[0] != len(doc_ids):
        raise EduAnalysisError(f"{x.shape[0]} rows of vectors but {len(doc_ids)} doc_ids; pass one id per row")
    if len(doc_ids) > max_documents:
        return top_k_neighbours(x, doc_ids, top_k, block_size)
    sim = np.clip(cosine_similarity(rows64(x) if getattr(x, "dtype", None) == np.float32 else x), 0.0, 1.0)
    return square_to_long(pd.DataFrame(sim, index=doc_ids, columns=doc_ids))


def top_k_neighbours(x: sparse.spmatrix, doc_ids, k: int = TOP_K, block_size: int = BLOCK_SIZE,
                     dense_bytes: int = DENSE_BYTES) -> pd.DataFrame:
    """Each document's ``k`` most similar other documents: ``doc_a, doc_b, similarity``, sorted by key.

    ``x`` holds L2-normalised rows (TF-IDF), so a dot product is the cosine.
    Rows are multiplied ``block_size`` at a time against all of ``x``, so the
    similarities held are ``block_size × N``; ``x`` itself is multiplied as a
    dense copy when that takes at most ``dense_bytes`` (a small vocabulary),
    else as sparse. Scores are rounded to 12 decimals and ties broken by
    ``doc_b`` order, so the result does not depend on ``block_size``.

    >>> x = sparse.csr_matrix(np.array([[1, 0], [0.8, 0.6], [0, 1]]))
    >>> top_k_neighbours(x, ["a", "b", "c"], k=1).values.tolist()
    [['a', 'b', 0.8], ['b', 'a', 0.8], ['c', 'b', 0.6]]
    """
    if k < 1 or block_size < 1:
        raise EduAnalysisError(f"top_k ({k}) and block_size ({block_size}) must be at least 1")
    x = rows64(x)  # 32-bit rows come here only from small corpora (char vectors: every pair, <= max_documents)
    ids = np.asarray(pd.Index(doc_ids), dtype=object)
    order = np.argsort(ids, kind="stable")  # ties go to the smaller doc_id
    x, ids = x[order], ids[order]
    n = x.shape[0]
    k = min(k, n - 1)
    dense = x.toarray() if n * x.shape[1] * 8 <= dense_bytes else None
    xt = x.T.tocsr() if dense is None else dense.T
    rows_a, rows_b, scores = [], [], []
    for start in range(0, n, block_size):
        stop = min(start + block_size, n)
        product = (x[start:stop] @ xt).toarray() if dense is None else dense[start:stop] @ xt
        block = np.clip(np.round(product, 12), 0.0, 1.0)
        block[np.arange(stop - start), np.arange(start, stop)] = -1.0  # not its own neighbour
        best = _top_k_columns(block, k)
        rows_a.append(np.repeat(np.arange(start, stop), k))
        rows_b.append(best.ravel())
        scores.append(np.take_along_axis(block, best, axis=1).ravel())
    out = pd.DataFrame({"doc_a": ids[np.concatenate(rows_a)] if n else [],
                        "doc_b": ids[np.concatenate(rows_b)] if n else [],
                        "similarity": np.concatenate(scores) if n else []})
    return out.sort_values(["doc_a", "doc_b"], kind="mergesort").reset_index(drop=True)


def _top_k_columns(block: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the ``k`` largest values, largest first, ties by column: what
    ``np.argsort(-block, axis=1, kind="stable")[:, :k]`` gives, in time linear in the row length.

    >>> _top_k_columns(np.array([[0.2, 0.9, 0.2, 0.5], [0.1, 0.1, 0.1, 0.1]]), 2).tolist()
    [[1, 3], [0, 1]]
    """
    if k >= block.shape[1]:
        return np.argsort(-block, axis=1, kind="stable")[:, :k]
    kth = -np.partition(-block, k - 1, axis=1)[:, k - 1:k]  # each row's k-th largest value
    above = block > kth
    # All values above the k-th, then as many equal to it as are needed, the first columns first.
    tied = block == kth
    needed = k - above.sum(axis=1, keepdims=True)
    chosen = above | (tied & (np.cumsum(tied, axis=1) <= needed))
    rows, cols = np.nonzero(chosen)  # k per row, in column order
    cols = cols.reshape(len(block), k)
    values = np.take_along_axis(block, cols, axis=1)
    return np.take_along_axis(cols, np.argsort(-values, axis=1, kind="stable"), axis=1)


def pair_similarity(x: sparse.spmatrix, doc_ids, pairs: pd.DataFrame) -> pd.DataFrame:
    """Cosine of the L2-normalised rows of ``x`` for the given ``doc_a, doc_b`` pairs only.

    Used at scale to score one feature set (character n-grams) on the pairs
    another (jieba tokens) found, so the two are compared pair for pair without
    a second top-k search.

    >>> x = sparse.csr_matrix(np.array([[1, 0], [0.8, 0.6]]))
    >>> pair_similarity(x, ["a", "b"], pd.DataFrame({"doc_a": ["b"], "doc_b": ["a"]})).similarity.tolist()
    [0.8]
    """
    x = float_rows(x)
    pos = pd.Series(np.arange(len(doc_ids)), index=pd.Index(doc_ids))
    ia, ib = pos[pairs["doc_a"]].to_numpy(), pos[pairs["doc_b"]].to_numpy()
    sims = _pair_dots(x, ia, ib)
    if x.dtype == np.float32:
        # 32-bit rows: products summed in 64 bits and divided by the rows' 64-bit norms, which is the cosine
        # of the rows normalised again in 64 bits (rows64) without a 64-bit copy of the matrix.
        norms = np.sqrt(_squared_norms(x, normalise=False))
        scale = norms[ia] * norms[ib]
        sims = np.divide(sims, scale, out=np.zeros_like(sims), where=scale > 0)
    out = pairs[["doc_a", "doc_b"]].reset_index(drop=True).assign(similarity=np.clip(np.round(sims, 12), 0.0, 1.0))
    return out.sort_values(["doc_a", "doc_b"], kind="mergesort").reset_index(drop=True)


def _pair_dots(x: sparse.csr_matrix, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Dot products of rows ``ia[i]`` and ``ib[i]`` of ``x``, summed in 64 bits.

    Each unordered pair is computed once (a top-k list holds most pairs both ways). The pairs are
    grouped by their first row, which is spread into a dense 64-bit vector; one sparse product with
    its partners' rows gives their dots, each summed in the partner's entry order (an elementwise
    product's row sum adds pairwise: the two agree to a few units in the last place). The work is
    the partners' entries, with no intersection of index lists and no 64-bit copy of a block of
    rows; partners are taken :data:`PAIR_CHUNK` rows at a time.
    """
    n = x.shape[0]
    if not len(ia):
        return np.zeros(0)
    first, second = np.minimum(ia, ib).astype(np.int64), np.maximum(ia, ib).astype(np.int64)
    keys, inverse = np.unique(first * n + second, return_inverse=True)
    first, second = keys // n, keys % n
    out = np.empty(len(keys))
    dense = np.zeros(x.shape[1])
    starts = np.flatnonzero(np.r_[True, first[1:] != first[:-1]])
    for s, e in zip(starts, np.r_[starts[1:], len(keys)], strict=True):
        row = x.indptr[first[s]], x.indptr[first[s] + 1]
        columns = x.indices[row[0]:row[1]]
        dense[columns] = x.data[row[0]:row[1]]
        for a in range(s, e, PAIR_CHUNK):  # a document many list as a neighbour: its partners a chunk at a time
            b = min(a + PAIR_CHUNK, e)
            out[a:b] = x[second[a:b]] @ dense
        dense[columns] = 0.0
    return out[inverse.ravel()]


def similarity_table(x_word: sparse.spmatrix, x_char: sparse.spmatrix, doc_ids, top_k: int = TOP_K,
                     max_documents: int = MAX_DENSE_DOCUMENTS, block_size: int = BLOCK_SIZE) -> pd.DataFrame:
    """The ``similarity`` table: word and character-n-gram similarities with an ``analyzer`` column.

    Up to ``max_documents`` documents both are dense (every pair). Above, the
    word vectors give each document's ``top_k`` neighbours and the character
    vectors are scored on those same pairs (:func:`pair_similarity`): a top-k
    search on character n-grams, which nearly every document shares, costs
    about as much as the dense product.
    """
    word = pairwise(x_word, doc_ids, top_k, max_documents, block_size)
    char = (pairwise(x_char, doc_ids, top_k, max_documents, block_size) if len(doc_ids) <= max_documents
            else pair_similarity(x_char, doc_ids, word))
    return pd.concat([word.assign(analyzer="word"), char.assign(analyzer="char")], ignore_index=True)


def group_similarity(x: sparse.spmatrix, doc_ids, groups: pd.Series) -> pd.DataFrame:
    """Exact mean cosine similarity between the documents of two groups (regions, provinces), square.

    For L2-normalised rows the mean over all pairs (a in A, b in B) is
    ``(Σ x_a) · (Σ x_b) / (n_A n_B)``: one sum per group, no N × N matrix.
    The diagonal is the mean over distinct pairs within a group
    (``(|Σ x_a|² − Σ |x_a|²) / (n (n − 1))``), NaN for a group of one document.
    ``groups`` maps each doc_id to its group.

    >>> x = sparse.csr_matrix(np.array([[1, 0], [0.6, 0.8], [0, 1]]))
    >>> group_similarity(x, ["a", "b", "c"], pd.Series({"a": "G", "b": "G", "c": "H"})).round(2).values.tolist()
    [[0.6, 0.4], [0.4, nan]]
    """
    x = float_rows(x)
    g = pd.Series(groups).reindex(pd.Index(doc_ids))
    if g.isna().any():
        missing = list(pd.Index(doc_ids)[g.isna().to_numpy()][:5])
        raise EduAnalysisError(f"documents {missing} have no group; every doc_id needs a region/province")
    names = np.array(sorted(g.unique()), dtype=object)
    codes = pd.Categorical(g, categories=names).codes
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(names), len(codes)))
    if x.dtype == np.float64:
        sums = member @ x
    else:  # 32-bit rows summed in 64 bits, a block of rows at a time (no 64-bit copy of the whole matrix)
        sums = sum(member[:, a:a + PAIR_CHUNK] @ rows64(x[a:a + PAIR_CHUNK]) for a in range(0, x.shape[0], PAIR_CHUNK))
    n = np.asarray(member.sum(axis=1)).ravel()
    dots = (sums @ sums.T).toarray() if sparse.issparse(sums) else sums @ sums.T
    sq_norms = member @ _squared_norms(x)
    mean = dots / np.outer(n, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(n > 1, (np.diag(dots) - sq_norms) / (n * (n - 1)), np.nan)
    np.fill_diagonal(mean, within)
    return pd.DataFrame(np.round(mean, 12), index=names, columns=names)


def float_rows(x) -> sparse.csr_matrix:
    """``x`` as CSR rows of floats: 32- or 64-bit floats as they are (a character n-gram matrix in
    float32 is not copied to float64: 0.8 GB at 10,000 documents), other values as float64."""
    x = sparse.csr_matrix(x)
    return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)


def rows64(x) -> sparse.csr_matrix:
    """Rows to multiply, in 64 bits: 64-bit rows as they are; 32-bit rows (:func:`eduanalysis.analyse.features.char_tfidf`)
    converted and L2-normalised again in 64 bits, so a document's similarity with itself is 1 and sums over
    many rows keep 64-bit precision. Give it blocks of rows: the whole of a large matrix would be copied."""
    from sklearn.preprocessing import normalize

    x = float_rows(x)
    return x if x.dtype == np.float64 else normalize(x.astype(np.float64), copy=False)


def _squared_norms(x: sparse.csr_matrix, rows: int = PAIR_CHUNK, normalise: bool = True) -> np.ndarray:
    """Each row's squared norm, ``x.multiply(x).sum(axis=1)`` computed ``rows`` rows at a time (the same
    sums, added as that sum adds them, without a copy of a matrix that can hold a gigabyte); 32-bit rows in
    64 bits, normalised again (:func:`rows64`) unless ``normalise`` is False."""
    out = np.zeros(x.shape[0])
    for a in range(0, x.shape[0], rows):
        if normalise:
            block = rows64(x[a:a + rows])
            squares, indptr = block.data * block.data, block.indptr
        else:  # the rows' entries in place: no row slicing
            lo = int(x.indptr[a])
            squares = x.data[lo:int(x.indptr[min(a + rows, x.shape[0])])].astype(np.float64)
            squares *= squares
            indptr = x.indptr[a:a + rows + 1] - lo
        filled = np.flatnonzero(np.diff(indptr))
        if len(filled):
            out[a + filled] = np.add.reduceat(squares, indptr[filled])
    return out


def top_pairs(sim: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` most similar unordered pairs of documents: ``doc_a < doc_b, similarity``, most similar first.

    ``sim`` is a long similarity table (dense or top-k, where a pair may appear
    in one direction only). Ties are broken by the doc ids, so the choice is
    stable (a corpus with duplicated documents has many pairs at 1.0).

    >>> s = pd.DataFrame({"doc_a": ["a", "b", "c", "a"], "doc_b": ["b", "a", "a", "c"], "similarity": [.9, .9, .2, .2]})
    >>> top_pairs(s, 1).values.tolist()
    [['a', 'b', 0.9]]
    """
    s = sim.loc[sim["doc_a"] != sim["doc_b"], ["doc_a", "doc_b", "similarity"]]
    a = np.where(s["doc_a"] < s["doc_b"], s["doc_a"], s["doc_b"])
    b = np.where(s["doc_a"] < s["doc_b"], s["doc_b"], s["doc_a"])
    u = pd.DataFrame({"doc_a": a, "doc_b": b, "similarity": s["similarity"].astype(float).round(12).to_numpy()})
    u = u.drop_duplicates(["doc_a", "doc_b"]).sort_values(["similarity", "doc_a", "doc_b"],
                                                          ascending=[False, True, True], kind="mergesort")
    return u.head(n).reset_index(drop=True)


def alignment_pairs(sim: pd.DataFrame, max_pairs: int = ALIGNMENT_MAX_PAIRS) -> list[tuple[str, str]]:
    """The ``max_pairs`` most similar pairs of documents (:func:`top_pairs`) as ``(a, b)``, a < b, in key order.

    >>> s = pd.DataFrame({"doc_a": ["a", "b", "c", "a"], "doc_b": ["b", "a", "a", "c"], "similarity": [.9, .9, .2, .2]})
    >>> alignment_pairs(s, 1)
    [('a', 'b')]
    """
    u = top_pairs(sim, max_pairs)
    return sorted(zip(u["doc_a"], u["doc_b"], strict=True))


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
    pairs: list[tuple[str, str]] | None = None,
    tokens: pd.DataFrame | Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """For each pair of documents, their best-matching measures: what the two plans share.

    ``pairs`` limits the work to some pairs of documents (a < b), e.g. the most
    similar ones from :func:`alignment_pairs`; only their documents' measures
    are read. Default: every pair. ``tokens`` (a ``measure_tokens`` table,
    :func:`eduanalysis.analyse.tokens.measure_tokens`, or a function that makes it for the measures
    read, such as :func:`eduanalysis.report.steps.measure_tokens` with a folder: at 10,000 documents
    the 50 pairs' measures are 1% of all) gives the measures' word tokens instead of tokenising them
    again; the result is the same.

    TF-IDF is fitted on the measures read, then for documents A < B every measure of
    A is matched to its most similar measure of B; pairs that are each other's
    best match (mutual) and score at least ``min_similarity`` are kept, the
    ``top_n`` highest per document pair. Columns: ``doc_a, doc_b, rank,
    measure_a, measure_b, similarity, text_a, text_b``.
    """
    m = measures[["measure_id", "doc_id", "text"]]
    if pairs is not None:
        m = m.loc[m["doc_id"].isin({d for p in pairs for d in p})]
    m = m.sort_values("measure_id", kind="mergesort").reset_index(drop=True)
    cols = ["doc_a", "doc_b", "rank", "measure_a", "measure_b", "similarity", "text_a", "text_b"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    if tokens is not None and analyzer == "word":
        tokens = tokens(m) if callable(tokens) else tokens
        x = make_vectorizer("tokens", extra_stopwords=extra_stopwords).fit_transform(tokens_for(tokens, m["measure_id"]))
    else:
        x = make_vectorizer(analyzer, extra_stopwords=extra_stopwords).fit_transform(m["text"].tolist())
    rows = []
    docs = sorted(m["doc_id"].unique())
    by_doc = {d: np.flatnonzero(m["doc_id"].to_numpy() == d) for d in docs}
    for a, b in (itertools.combinations(docs, 2) if pairs is None else sorted(pairs)):
        ia, ib = by_doc.get(a, np.array([], dtype=int)), by_doc.get(b, np.array([], dtype=int))
        if len(ia) == 0 or len(ib) == 0:
            continue
        sim = cosine_similarity(x[ia], x[ib])
        best_b = sim.argmax(axis=1)
        best_a = sim.argmax(axis=0)
        matches = [
            (sim[i, j], ia[i], ib[j])
            for i, j in enumerate(best_b)
            if best_a[j] == i and sim[i, j] >= min_similarity
        ]
        # Highest score first; ties broken by measure ids so the order is stable.
        matches.sort(key=lambda p: (-round(p[0], 12), m.at[p[1], "measure_id"], m.at[p[2], "measure_id"]))
        for rank, (s, i, j) in enumerate(matches[:top_n], start=1):
            rows.append((a, b, rank, m.at[i, "measure_id"], m.at[j, "measure_id"], round(float(s), 12),
                         m.at[i, "text"], m.at[j, "text"]))
    return pd.DataFrame(rows, columns=cols)


def keyness(
    texts: pd.Series,
    groups: pd.Series | None = None,
    tokenizer: str | Tokenizer | None = None,
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
    tokenizer = make_tokenizer(tokenizer)
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
    values = table.to_numpy()
    total = values.sum()
    row_total = values.sum(axis=1)
    out = []
    for k, g in enumerate(table.columns):
        a_all = values[:, k].astype(float)
        b_all = (row_total - values[:, k]).astype(float)
        # Only terms that can be kept (a >= min_count) are scored: with many groups and a large
        # vocabulary most are not, and the totals below use every term.
        keep = a_all >= min_count
        a, b = a_all[keep], b_all[keep]
        c = a_all.sum() - a
        d = b_all.sum() - b
        g2, chi2 = _g2_chi2(a, b, c, d, total)
        sign = np.sign(a / max(a_all.sum(), 1) - b / max(b_all.sum(), 1))
        df = pd.DataFrame({
            "group": g, "term": table.index[keep], "count_group": a.astype(int), "count_rest": b.astype(int),
            "total_group": int(a_all.sum()), "total_rest": int(b_all.sum()),
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
    # The two columns first: the targets of 10,000 documents copied whole took a second and a half.
    t = targets[["doc_id", "indicator_id"]].dropna(subset=["indicator_id"]).merge(documents[["doc_id", by]], on="doc_id")
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


def group_counts(counts: sparse.spmatrix, terms, doc_ids, groups: pd.Series) -> pd.DataFrame:
    """Term × group count table (for :func:`keyness_from_counts`) from a document × term count matrix.

    ``groups`` maps doc_id to a group; terms no group uses are dropped.

    >>> c = sparse.csr_matrix(np.array([[1, 0], [2, 0], [0, 3]]))
    >>> group_counts(c, ["x", "y"], ["d1", "d2", "d3"], pd.Series({"d1": "A", "d2": "A", "d3": "B"})).to_dict()
    {'A': {'x': 3, 'y': 0}, 'B': {'x': 0, 'y': 3}}
    """
    g = pd.Series(groups).reindex(pd.Index(doc_ids))
    names = sorted(g.dropna().unique())
    codes = pd.Categorical(g, categories=names).codes
    rows = np.flatnonzero(codes >= 0)
    member = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (codes[rows], rows)),
                               shape=(len(names), counts.shape[0]))
    summed = np.asarray((member @ sparse.csr_matrix(counts, dtype=np.int64)).todense()).T
    table = pd.DataFrame(summed, index=pd.Index(np.asarray(terms, dtype=object)), columns=names)
    return table.loc[table.sum(axis=1) > 0].sort_index().sort_index(axis=1)


def keyness_from_matrix(counts: sparse.spmatrix, terms, doc_ids, documents: pd.DataFrame, by: str = "region_zh",
                        min_count: int = 3, top_n: int | None = 20) -> pd.DataFrame:
    """Keyness by ``by`` (``region_zh`` or ``province_zh``) from a count matrix tokenised once.

    ``counts`` must come from :func:`eduanalysis.analyse.features.count_matrix` with the
    place names as stopwords (as :func:`keyness_by_region` tokenises), so the
    table equals :func:`keyness_by_region`'s for ``by="region_zh"``. Columns:
    ``by``, its English name (``region_en``/``province_en``), then as :func:`keyness`.
    """
    en_col = by.replace("_zh", "_en")
    d = documents.set_index("doc_id")
    k = keyness_from_counts(group_counts(counts, terms, doc_ids, d[by]), min_count=min_count, top_n=top_n)
    k = k.rename(columns={"group": by})
    en = documents.drop_duplicates(by).set_index(by)[en_col] if en_col in documents else pd.Series(dtype=object)
    k.insert(1, en_col, k[by].map(en))
    return k


def keyness_by_region(documents: pd.DataFrame, texts: pd.Series, min_count: int = 3,
                      top_n: int | None = 20) -> pd.DataFrame:
    """The ``keyness`` table: :func:`keyness` with the documents grouped by region, place names dropped."""
    from eduanalysis.analyse.features import region_stopwords

    groups = documents.set_index("doc_id")["region_zh"]
    places = pd.concat([documents["region_zh"], documents.get("province_zh", pd.Series(dtype=str))])
    tok = make_tokenizer(None, region_stopwords(places))
    k = keyness(texts, groups.reindex(texts.index), tokenizer=tok, min_count=min_count, top_n=top_n)
    k = k.rename(columns={"group": "region_zh"})
    en = documents.drop_duplicates("region_zh").set_index("region_zh")["region_en"]
    k.insert(1, "region_en", k["region_zh"].map(en))
    return k
