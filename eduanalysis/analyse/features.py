"""Text features: a jieba tokenizer for policy Chinese and the scikit-learn vectorisers built on it.

The tokenizer segments with jieba plus a user dictionary of policy terms
(``resources/userdict.txt``: 立德树人, 集团化办学, 县管校聘 …) so they stay
one token, then drops stopwords (``resources/stopwords.txt``: function words
and the political formulae every document shares), numbers, punctuation and
single characters. Vectorisers are plain scikit-learn objects, so fitted
vocabularies and IDF weights live in their learned attributes
(``vocabulary_``, ``idf_``).

>>> tok = JiebaTokenizer()
>>> tok("推进集团化办学，落实立德树人根本任务")
['集团化办学', '立德树人']
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from eduanalysis.build.executors import default_workers
from eduanalysis.config import resource_path
from eduanalysis.errors import EduAnalysisError

#: A token is kept only if it contains a Han character or is a Latin word of 2+ letters.
KEEP_TOKEN = re.compile(r"[\u4e00-\u9fff]|^[A-Za-z][A-Za-z+\-]+$")
#: Characters the character n-gram analyser ignores: everything but Han characters and letters.
NON_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z]+")
#: Administrative suffixes stripped from region names to get the bare place name (盘锦市 → 盘锦).
REGION_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|地区|新区|省|市|县|区|州|盟|旗)$")

USERDICT = "analyse/userdict.txt"
STOPWORDS = "analyse/stopwords.txt"
#: Environment variables naming a user's jieba dictionary and stopword file (set by
#: :func:`eduanalysis.analyse.dictionaries.use`; environment so that tokenizer worker processes see them),
#: and which of the two replace the packaged list instead of adding to it ("userdict,stopwords").
USERDICT_ENV, STOPWORDS_ENV, REPLACE_ENV = "EDUANALYSIS_USERDICT", "EDUANALYSIS_STOPWORDS", "EDUANALYSIS_REPLACE"

#: Texts each worker process tokenises per batch in :func:`count_matrix` (bounds the results held in memory).
PARALLEL_BATCH = 64
#: Texts below which :func:`count_matrix` tokenises in one process whatever ``n_jobs`` says: starting
#: worker processes (each loads jieba's dictionary, about 1 s) costs more than it saves on a few texts.
PARALLEL_MIN_TEXTS = 200


def read_word_list(name: str | Path) -> list[str]:
    """Read a one-word-a-line file (a packaged resource name or a path), skipping blank lines and ``#`` comments."""
    path = Path(name) if Path(name).is_absolute() else resource_path(name)
    if not path.is_file():
        raise EduAnalysisError(f"word list {path} is missing; reinstall eduanalysis (pip install -e .) "
                               "or fix the path in the report's parameters")
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words


def _user_file(env: str) -> tuple[Path | None, bool]:
    """The user's file named in ``env`` and whether it replaces the packaged list."""
    value = os.environ.get(env)
    replace = env.removeprefix("EDUANALYSIS_").lower() in os.environ.get(REPLACE_ENV, "").split(",")
    return (Path(value) if value else None), replace


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The packaged stopword list, plus (or replaced by) the user's (:data:`STOPWORDS_ENV`)."""
    user, replace = _user_file(STOPWORDS_ENV)
    words = set() if user and replace else set(read_word_list(STOPWORDS))
    return frozenset(words | set(read_word_list(user) if user else ()))


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    user, replace = _user_file(USERDICT_ENV)
    if not (user and replace):
        tokenizer.load_userdict(str(resource_path(USERDICT)))
    if user:
        if not user.is_file():
            raise EduAnalysisError(f"jieba user dictionary {user} is missing; fix the path in the report's parameters")
        tokenizer.load_userdict(str(user))
    return tokenizer


def region_stopwords(region_names: Iterable[str]) -> frozenset[str]:
    """Place names to drop so keyness and similarity do not rest on a region naming itself.

    >>> sorted(region_stopwords(["盘锦市", "萍乡市"]))
    ['盘锦', '盘锦市', '萍乡', '萍乡市']
    """
    out: set[str] = set()
    for name in region_names:
        if isinstance(name, str) and name:
            out.add(name)
            bare = REGION_SUFFIX.sub("", name)
            if len(bare) >= 2:
                out.add(bare)
    return frozenset(out)


class JiebaTokenizer:
    """Callable tokenizer for scikit-learn vectorisers (picklable; jieba is loaded lazily once).

    ``extra_stopwords`` adds words to the packaged list, e.g. region names.
    """

    def __init__(self, extra_stopwords: Iterable[str] = (), hmm: bool = True):
        self.extra_stopwords = tuple(sorted(set(extra_stopwords)))
        self.hmm = hmm

    def __call__(self, text: str) -> list[str]:
        stop = stopwords() | set(self.extra_stopwords)
        tokens = []
        for tok in _jieba().cut(text or "", HMM=self.hmm):
            tok = tok.strip()
            if len(tok) < 2 or tok in stop or not KEEP_TOKEN.search(tok):
                continue
            tokens.append(tok)
        return tokens

    def __repr__(self) -> str:
        return f"JiebaTokenizer(extra_stopwords={list(self.extra_stopwords)!r}, hmm={self.hmm})"


def chars_only(text: str) -> str:
    """Preprocessor for the character n-gram analyser: keep Han characters and letters only.

    >>> chars_only("到2025年,毛入园率达95%")
    '到年毛入园率达'
    """
    return NON_TEXT.sub("", text or "")


def make_vectorizer(
    analyzer: str = "word",
    *,
    extra_stopwords: Iterable[str] = (),
    ngram_range: tuple[int, int] | None = None,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    sublinear_tf: bool = True,
) -> TfidfVectorizer:
    """A TF-IDF vectoriser over jieba tokens (``analyzer="word"``) or character n-grams (``"char"``).

    Character n-grams (default 2–3) need no dictionary and serve as a check that
    a similarity result does not hinge on segmentation choices.
    """
    if analyzer == "word":
        return TfidfVectorizer(
            tokenizer=JiebaTokenizer(extra_stopwords),
            token_pattern=None,
            lowercase=False,
            ngram_range=ngram_range or (1, 1),
            min_df=min_df,
            max_df=max_df,
            sublinear_tf=sublinear_tf,
        )
    if analyzer == "char":
        return TfidfVectorizer(
            analyzer="char",
            preprocessor=chars_only,
            ngram_range=ngram_range or (2, 3),
            min_df=min_df,
            max_df=max_df,
            sublinear_tf=sublinear_tf,
        )
    raise EduAnalysisError(f"unknown analyzer {analyzer!r}: use 'word' (jieba tokens) or 'char' (character n-grams)")


def _pre_analyzed(tokens: list[str]) -> list[str]:
    return tokens


def _analyzed_in(pool, analyze, texts: list[str], batch: int):
    """``analyze(text)`` for each text, in order, computed by ``pool`` one batch ahead of the consumer.

    Pool.imap would queue every finished result however far the consumer lags
    (character n-grams: gigabytes); here at most two batches are in memory.
    """
    batches = [texts[s:s + batch] for s in range(0, len(texts), batch)]
    pending = pool.map_async(analyze, batches[0], chunksize=8) if batches else None
    for nxt in batches[1:] + [None]:
        ahead = pool.map_async(analyze, nxt, chunksize=8) if nxt is not None else None
        yield from pending.get()
        pending = ahead


def count_matrix(
    texts: pd.Series | list[str],
    analyzer: str = "word",
    *,
    extra_stopwords: Iterable[str] = (),
    n_jobs: int | None = 1,
    **vectorizer_args,
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts of ``texts`` (rows in input order) and the terms (columns), tokenising each text once.

    The tokens are those of :func:`make_vectorizer` with the same arguments, so
    ``tfidf(counts)`` equals ``make_vectorizer(...).fit_transform(texts)`` and the
    same counts serve keyness (:func:`eduanalysis.analyse.similarity.keyness_from_matrix`):
    jieba runs at about 200,000 characters per second, so on a large corpus one
    pass instead of several matters. With ``n_jobs`` > 1 (None: the cores this process may use) and
    at least :data:`PARALLEL_MIN_TEXTS` texts, jieba runs in that many worker
    processes; the result does not depend on ``n_jobs``.

    >>> counts, terms = count_matrix(["学前教育 学前教育", "职业教育"])
    >>> terms.tolist(), counts.toarray().tolist()
    (['学前教育', '职业教育'], [[2, 0], [0, 1]])
    """
    vectorizer_args.pop("sublinear_tf", None)  # a TF-IDF setting: see tfidf()
    analyze = make_vectorizer(analyzer, extra_stopwords=extra_stopwords, **vectorizer_args).build_analyzer()
    args = {k: v for k, v in vectorizer_args.items() if k in ("min_df", "max_df")}
    texts = list(texts)
    jobs = n_jobs or default_workers()
    # Only jieba is worth a pool: character n-grams cost less to compute than to send between processes.
    if analyzer == "word" and jobs > 1 and len(texts) >= PARALLEL_MIN_TEXTS:
        # spawn, not fork: notebooks run in a kernel with live threads.
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            vec = CountVectorizer(analyzer=_pre_analyzed, **args)
            counts = vec.fit_transform(_analyzed_in(pool, analyze, texts, PARALLEL_BATCH * jobs))
    else:
        vec = CountVectorizer(analyzer=analyze, **args)
        counts = vec.fit_transform(texts)
    return counts.tocsr(), vec.get_feature_names_out()


def tfidf(counts: sparse.spmatrix, sublinear_tf: bool = True) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows of a count matrix (smooth IDF, as :func:`make_vectorizer`)."""
    return TfidfTransformer(sublinear_tf=sublinear_tf).fit_transform(counts).tocsr()


def text_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """The clause measures (``kind == "text"``), the units analyses compare."""
    return measures.loc[measures["kind"] == "text"].reset_index(drop=True)


def document_texts(measures: pd.DataFrame) -> pd.Series:
    """One text per document: its clause measures joined in order, indexed by ``doc_id``."""
    m = text_measures(measures).sort_values(["doc_id", "char_start"], kind="mergesort")
    return m.groupby("doc_id", sort=True)["text"].agg("\n".join)


def tokens_table(texts: pd.Series, tokenizer: JiebaTokenizer | None = None) -> pd.DataFrame:
    """Token counts per text in long form: index name of ``texts``, ``term``, ``count``."""
    tokenizer = tokenizer or JiebaTokenizer()
    key = texts.index.name or "id"
    rows = []
    for idx, text in texts.items():
        counts = pd.Series(tokenizer(text), dtype="string").value_counts()
        rows.append(pd.DataFrame({key: idx, "term": counts.index, "count": counts.to_numpy()}))
    if not rows:
        return pd.DataFrame({key: [], "term": [], "count": []})
    return pd.concat(rows, ignore_index=True).sort_values([key, "term"], kind="mergesort").reset_index(drop=True)
