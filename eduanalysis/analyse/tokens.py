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
>>> t[["measure_id", "tokens"]].values.tolist()
[['D1-m0001', ['普及', '学前教育']], ['D1-m0002', ['职业教育']]]
>>> document_tokens(t, m).to_dict()
{'D1': ['普及', '学前教育', '职业教育']}
"""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pandas as pd

from eduanalysis.analyse.features import Tokenizer, make_tokenizer, text_order, tokenize_all
from eduanalysis.errors import EduAnalysisError

#: Columns of the ``measure_tokens`` table, in order.
TOKEN_COLUMNS = ["measure_id", "doc_id", "text_digest", "tokenizer", "tokens"]


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
    stopwords dropped, place names kept), ``tokenizer`` the tokenizer's version. ``tokenizer`` is a
    backend name or a :class:`~eduanalysis.analyse.features.Tokenizer` without extra stopwords
    (None: the default backend). Rows of ``previous`` with the same measure, text digest and
    tokenizer version are taken as they are; only the other measures are tokenised, each distinct
    text once (Python jieba in ``n_jobs`` processes, see :func:`~eduanalysis.analyse.features.tokenize_all`).
    """
    tok = make_tokenizer(tokenizer)
    if tok.extra_stopwords:
        raise EduAnalysisError("measure_tokens keeps place names so every analysis can drop its own: pass a "
                               "tokenizer without extra_stopwords and give them to the analysis")
    m = measures[["measure_id", "doc_id", "text"]].sort_values("measure_id", kind="mergesort")
    if m["measure_id"].duplicated().any():
        raise EduAnalysisError(f"measure_id values repeat: {sorted(m.loc[m.measure_id.duplicated(), 'measure_id'])[:5]}")
    # Each distinct text is digested and tokenised once: policy documents repeat clauses word for word.
    codes, distinct = pd.factorize(m["text"], use_na_sentinel=False)
    distinct = np.asarray(distinct, dtype=object)
    digests = np.array([text_digest(t) for t in distinct], dtype=object)[codes]
    version = tok.version
    tokens = np.full(len(m), None, dtype=object)
    if previous is not None and len(previous):
        p = previous.loc[previous["tokenizer"] == version]
        ids = m["measure_id"].to_numpy(dtype=object)
        if p["measure_id"].is_unique:
            pos = pd.Index(p["measure_id"].to_numpy(dtype=object)).get_indexer(ids)
            same = pos >= 0
            same[same] = p["text_digest"].to_numpy(dtype=object)[pos[same]] == digests[same]
            tokens[same] = p["tokens"].to_numpy(dtype=object)[pos[same]]
        else:  # a store with repeated rows: the last one of a measure and text counts
            reuse = dict(zip(zip(p["measure_id"].to_numpy(dtype=object), p["text_digest"].to_numpy(dtype=object),
                                 strict=True), p["tokens"], strict=True))
            for i, key in enumerate(zip(ids, digests, strict=True)):
                tokens[i] = reuse.get(key)
    todo = np.flatnonzero([t is None for t in tokens])
    wanted = pd.unique(codes[todo])
    tokenised = dict(zip(wanted.tolist(), tokenize_all(distinct[wanted].tolist(), tok, n_jobs), strict=True))
    for i in todo:
        tokens[i] = list(tokenised[codes[i]])
    digests = digests.tolist()
    tokens = [t if isinstance(t, list) else list(t) for t in tokens]
    return pd.DataFrame({"measure_id": m["measure_id"].to_numpy(), "doc_id": m["doc_id"].to_numpy(),
                         "text_digest": digests, "tokenizer": version, "tokens": tokens}, columns=TOKEN_COLUMNS)


def tokens_for(tokens: pd.DataFrame, measure_ids) -> list[list[str]]:
    """The token lists of ``measure_ids``, in that order (for :class:`~eduanalysis.analyse.clustering.MeasureClusterer`
    and :func:`~eduanalysis.analyse.similarity.alignments` with ``analyzer="tokens"``)."""
    return [list(t) for t in _lists_for(tokens, measure_ids)]


def _lists_for(tokens: pd.DataFrame, measure_ids) -> np.ndarray:
    """The stored token lists of ``measure_ids`` (an object array of the table's own lists, not copies)."""
    by_id = pd.Series(tokens["tokens"].to_numpy(), index=tokens["measure_id"].to_numpy())
    ids = pd.Index(measure_ids)
    missing = ids.difference(by_id.index)
    if len(missing):
        raise EduAnalysisError(f"{len(missing)} measures have no tokens (e.g. {list(missing[:3])}); tokenise the "
                               "measures the analysis reads (measure_tokens of the same selection)")
    return by_id.reindex(ids).to_numpy()


def document_tokens(tokens: pd.DataFrame, measures: pd.DataFrame) -> pd.Series:
    """One token list per document, indexed by ``doc_id`` (sorted): its text measures' tokens in text order.

    Equal to tokenising :func:`eduanalysis.analyse.features.document_texts`: the texts are joined by
    line breaks, where jieba cuts anyway.
    """
    rows, docs, starts = text_order(measures)
    lists = _lists_for(tokens, measures["measure_id"].to_numpy(dtype=object)[rows])
    out = {doc_id: list(itertools.chain.from_iterable(lists[a:b]))
           for doc_id, a, b in zip(docs.tolist(), starts[:-1], starts[1:], strict=True)}
    return pd.Series(out, dtype=object, name="tokens").rename_axis("doc_id").sort_index()
