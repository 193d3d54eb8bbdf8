"""The ``measure_tokens`` table: every text measure tokenised once, for all the analyses of a report.

Similarity and keyness (document tokens), measure alignment and clustering
(measure tokens) all read the same tokens, so a report tokenises its corpus
once (quanteda's corpus → tokens → dfm). A row holds a measure's tokens
without place names: each analysis drops those itself
(:class:`eduanalysis.analyse.features.PreTokenized`), which gives the tokens a
tokenizer with the place names as stopwords gives, since the filter looks at
one token at a time. A row is keyed by ``measure_id`` and the tokenizer's
:attr:`~eduanalysis.analyse.features.Tokenizer.version`, and carries a digest
of the text it came from, so rows of an earlier run are reused only for the
same text and the same tokenizer (:func:`measure_tokens` with ``previous``);
:mod:`eduanalysis.report.steps` keeps the table in a report's analysis folder.

>>> m = pd.DataFrame({"measure_id": ["D1-m0002", "D1-m0001"], "doc_id": ["D1", "D1"], "kind": ["text", "text"],
...                   "text": ["发展职业教育", "普及学前教育"], "char_start": [9, 0]})
>>> t = measure_tokens(m, "jieba")
>>> t["measure_id"].tolist(), t["tokens"].tolist()
(['D1-m0001', 'D1-m0002'], [['普及', '学前教育'], ['职业教育']])
>>> document_tokens(t, m).to_dict()
{'D1': ['普及', '学前教育', '职业教育']}
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from eduanalysis.analyse.features import (
    Tokenizer,
    iter_tokenized,
    make_tokenizer,
    release_memory,
    text_order,
)
from eduanalysis.errors import EduAnalysisError

if TYPE_CHECKING:
    from scipy import sparse

#: Columns of the ``measure_tokens`` table, in order.
TOKEN_COLUMNS = ["measure_id", "doc_id", "text_digest", "tokenizer", "tokens"]
#: Arrow type of the ``tokens`` column: one list of strings per measure, kept in Arrow (25 M tokens of
#: 10,000 documents: 0.3 GB, against 1.3 GB as Python lists).
TOKENS_TYPE = pa.list_(pa.string())
#: Distinct texts turned into Python strings at once to be digested.
DIGEST_SLICE = 20_000
#: New token lists gathered as Python lists before they go into Arrow.
TOKENS_BATCH = 20_000


def text_digest(text: str) -> str:
    """A short digest of a measure's text: its tokens are reused only for the same text.

    >>> text_digest("普及学前教育")
    'c0f479ff5f273952'
    """
    return hashlib.blake2b((text or "").encode("utf-8"), digest_size=8).hexdigest()


def measure_tokens(measures: pd.DataFrame, tokenizer: str | Tokenizer | None = None,
                   previous: pd.DataFrame | None = None, n_jobs: int | None = 1) -> pd.DataFrame:
    """The ``measure_tokens`` table of ``measures``: one row per measure, sorted by ``measure_id``.

    Columns :data:`TOKEN_COLUMNS`; ``tokens`` is the list of the measure's tokens (packaged
    stopwords dropped, place names kept) as an Arrow list column (:data:`TOKENS_TYPE`;
    ``.tolist()`` gives Python lists), ``tokenizer`` the tokenizer's version. ``tokenizer`` is a
    backend name or a :class:`~eduanalysis.analyse.features.Tokenizer` without extra stopwords
    (None: the default backend). Rows of ``previous`` with the same measure, text digest and
    tokenizer version are taken as they are; only the other measures are tokenised, each distinct
    text once (Python jieba in ``n_jobs`` processes, see :func:`~eduanalysis.analyse.features.iter_tokenized`).
    """
    tok = make_tokenizer(tokenizer)
    if tok.extra_stopwords:
        raise EduAnalysisError("measure_tokens keeps place names so every analysis can drop its own: pass a "
                               "tokenizer without extra_stopwords and give them to the analysis")
    m = measures[["measure_id", "doc_id", "text"]].sort_values("measure_id", kind="mergesort")
    if m["measure_id"].duplicated().any():
        raise EduAnalysisError(f"measure_id values repeat: {sorted(m.loc[m.measure_id.duplicated(), 'measure_id'])[:5]}")
    # Each distinct text is digested and tokenised once: policy documents repeat clauses word for word.
    # Numbered in Arrow, and digested a slice at a time: no Python string per measure.
    encoded = pc.dictionary_encode(pc.fill_null(strings(m["text"]), ""))
    distinct, codes = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    digests = pa.array([text_digest(t) for a in range(0, len(distinct), DIGEST_SLICE)
                        for t in distinct.slice(a, DIGEST_SLICE).to_pylist()], pa.large_string()).take(encoded.indices)
    del encoded
    ids = strings(m["measure_id"])
    version = tok.version
    # Where each row's tokens come from: a row of the reused lists, or (from len(reused)) a new list.
    source = np.full(len(m), -1, dtype=np.int64)
    reused = pa.array([], TOKENS_TYPE)
    if previous is not None and len(previous):
        reused, keys = token_lists(previous["tokens"]), row_keys(previous)
        same = pc.equal(strings(previous["tokenizer"]), pa.scalar(version, pa.large_string()))
        if not pc.all(same).as_py():
            reused, keys = reused.filter(same), keys.filter(same)
        # The last row of a measure and text counts (a store with repeated rows): look up in reverse.
        backwards = pa.array(np.arange(len(keys) - 1, -1, -1, dtype=np.int64))
        at = pc.index_in(_joined(ids, digests), value_set=keys.take(backwards))
        found = at.is_valid().to_numpy(zero_copy_only=False)
        source[found] = len(keys) - 1 - at.fill_null(0).to_numpy(zero_copy_only=False)[found]
    todo = np.flatnonzero(source < 0)
    wanted = pd.unique(codes[todo])
    # Each batch of token lists goes into Arrow as it comes: 1 M new texts as Python lists would take gigabytes.
    parts = [pa.array([], TOKENS_TYPE)]
    with contextlib.closing(iter_tokenized(distinct.take(pa.array(wanted)), tok, n_jobs)) as made:  # pool ends
        while batch := list(itertools.islice(made, TOKENS_BATCH)):
            parts.append(pa.array(batch, TOKENS_TYPE))
    new = pa.concat_arrays(parts)
    slot = np.full(len(distinct), -1, dtype=np.int64)
    slot[wanted] = np.arange(len(wanted))
    source[todo] = len(reused) + slot[codes[todo]]
    if not len(new) and len(source) == len(reused) and (source == np.arange(len(source))).all():
        lists = reused  # every row read back in its stored order (an unchanged selection): no copy
    else:
        lists = pa.concat_arrays([reused, new]).take(pa.array(source))
    del distinct, reused, new
    return pd.DataFrame({"measure_id": pd.arrays.ArrowStringArray(ids),
                         "doc_id": pd.arrays.ArrowStringArray(strings(m["doc_id"])),
                         "text_digest": pd.arrays.ArrowStringArray(digests),
                         "tokenizer": pd.arrays.ArrowStringArray(pa.repeat(pa.scalar(version, pa.large_string()),
                                                                           len(m))),
                         "tokens": pd.arrays.ArrowExtensionArray(lists)}, columns=TOKEN_COLUMNS)


def strings(column) -> pa.Array:
    """A column of strings (pandas, Arrow or a list) as one Arrow ``large_string`` array, missing values as nulls."""
    return _one_array(column if isinstance(column, pa.Array | pa.ChunkedArray) else pa.array(column, from_pandas=True),
                      pa.large_string())


def _one_array(arr: pa.Array | pa.ChunkedArray, kind: pa.DataType) -> pa.Array:
    """``arr`` as one array (chunks combined) of type ``kind``."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return arr if arr.type == kind else pc.cast(arr, kind)


def _joined(ids: pa.Array, digests: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(ids, digests, pa.scalar("\x1f", pa.large_string()))


def row_keys(table: pd.DataFrame) -> pa.Array:
    """Each token row's measure and text digest as one string: the key under which its tokens are reused."""
    return _joined(strings(table["measure_id"]), strings(table["text_digest"]))


def token_lists(column) -> pa.ListArray:
    """A ``tokens`` column (an Arrow list column, or Python lists) as one Arrow array of :data:`TOKENS_TYPE`."""
    values = getattr(column, "array", column)
    if isinstance(getattr(values, "dtype", None), pd.ArrowDtype):
        return _one_array(values.__arrow_array__(), TOKENS_TYPE)
    return pa.array([list(t) for t in values], TOKENS_TYPE)


def tokens_for(tokens: pd.DataFrame, measure_ids) -> list[list[str]]:
    """The token lists of ``measure_ids``, in that order (for :class:`~eduanalysis.analyse.clustering.MeasureClusterer`
    and :func:`~eduanalysis.analyse.similarity.alignments` with ``analyzer="tokens"``)."""
    return _lists_for(tokens, measure_ids).to_pylist()


def _lists_for(tokens: pd.DataFrame, measure_ids) -> pa.ListArray:
    """The stored token lists of ``measure_ids``, in that order, as an Arrow array."""
    wanted = strings(measure_ids)
    at = pc.index_in(wanted, value_set=strings(tokens["measure_id"]))
    if at.null_count:
        missing = pd.Index(wanted.filter(at.is_null()).to_pylist()).unique().sort_values()
        raise EduAnalysisError(f"{len(missing)} measures have no tokens (e.g. {list(missing[:3])}); tokenise the "
                               "measures the analysis reads (measure_tokens of the same selection)")
    lists = token_lists(tokens["tokens"])
    if len(at) == len(lists) and np.array_equal(at.to_numpy(zero_copy_only=False), np.arange(len(lists))):
        return lists  # every row in stored order (text order is measure order): a copy of 25 M tokens saved
    return lists.take(at)


def _document_tokens_flat(tokens: pd.DataFrame, measures: pd.DataFrame) -> tuple[pa.Array, pd.Index, np.ndarray]:
    """Every document's tokens in text order, end to end: (the tokens, the documents sorted, where each one's start)."""
    rows, docs, starts = text_order(measures)
    lists = _lists_for(tokens, strings(measures["measure_id"]).take(pa.array(rows)))
    lengths = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False)
    ends = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    return lists.flatten(), docs, ends[starts]


def document_tokens(tokens: pd.DataFrame, measures: pd.DataFrame) -> pd.Series:
    """One token list per document, indexed by ``doc_id`` (sorted): its text measures' tokens in text order.

    Equal to tokenising :func:`eduanalysis.analyse.features.document_texts`: the texts are joined by
    line breaks, where jieba cuts anyway. :func:`document_counts` counts them without the lists.
    """
    flat, docs, bounds = _document_tokens_flat(tokens, measures)
    words = flat.to_pylist()
    out = {doc_id: words[a:b] for doc_id, a, b in zip(docs.tolist(), bounds[:-1], bounds[1:], strict=True)}
    return pd.Series(out, dtype=object, name="tokens").rename_axis("doc_id").sort_index()


def document_counts(tokens: pd.DataFrame, measures: pd.DataFrame,
                    extra_stopwords=()) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts per document (rows: documents sorted by ``doc_id``) and the terms, from the stored tokens.

    The matrix and terms of ``count_matrix(document_tokens(tokens, measures), "tokens",
    extra_stopwords=...)`` (:func:`eduanalysis.analyse.features.count_matrix`): terms sorted, 64-bit
    counts, each row's entries in the order the corpus first used their terms (as the vectoriser
    leaves them); counted in Arrow and numpy from the token codes, without a Python list per
    document (at 10,000 documents, 25 M tokens).

    >>> m = pd.DataFrame({"measure_id": ["D1-m1", "D1-m2", "D2-m1"], "doc_id": ["D1", "D1", "D2"],
    ...                   "kind": ["text"] * 3, "text": ["普及学前教育", "盘锦学前教育", "发展职业教育"],
    ...                   "char_start": [0, 7, 0]})
    >>> counts, terms = document_counts(measure_tokens(m, "jieba"), m, extra_stopwords=["盘锦"])
    >>> terms.tolist(), counts.toarray().tolist()
    (['学前教育', '普及', '职业教育'], [[2, 1, 0], [0, 0, 1]])
    """
    from scipy import sparse

    flat, docs, bounds = _document_tokens_flat(tokens, measures)
    encoded = pc.dictionary_encode(flat)
    words = np.array(encoded.dictionary.to_pylist(), dtype=object)
    stop = frozenset(extra_stopwords)
    kept = np.flatnonzero([w not in stop for w in words]) if stop else np.arange(len(words))
    if not len(kept):
        raise EduAnalysisError("no document has a token left once stopwords and place names are dropped: "
                               "nothing to count (are the measures' texts empty?)")
    # The dictionary numbers words in the order the documents first use them, the order in which
    # CountVectorizer numbers its vocabulary: each row's entries are sorted by that number, as the
    # vectoriser's are, and only then renamed to the sorted terms' columns (which leaves them unsorted).
    ordinal = np.full(len(words), -1, dtype=np.int64)
    ordinal[kept] = np.arange(len(kept))
    cols = ordinal[encoded.indices.to_numpy(zero_copy_only=False)]
    del encoded
    counted = cols >= 0
    # Each bound less the tokens dropped before it (few: stopwords, place names), not a running sum of 25 M.
    indptr = bounds - np.searchsorted(np.flatnonzero(~counted), bounds)
    index_dtype = np.int32 if max(len(kept), indptr[-1]) <= np.iinfo(np.int32).max else np.int64
    counts = sparse.csr_matrix((np.ones(int(indptr[-1]), dtype=np.int64), cols[counted].astype(index_dtype),
                                indptr.astype(index_dtype)), shape=(len(docs), len(kept)))
    counts.sum_duplicates()  # sorts each row by ordinal
    terms = np.array(sorted(words[kept].tolist()), dtype=object)  # code point order, as CountVectorizer sorts
    column = pd.Index(terms).get_indexer(words[kept]).astype(index_dtype)  # each ordinal's column
    counts.indices = column[counts.indices]
    del flat, cols, counted
    release_memory()  # the tokens taken in text order and their codes
    return counts, terms
