"""Text features: tokenizers for policy Chinese and the scikit-learn vectorisers built on them.

A tokenizer segments with jieba's dictionary and algorithm plus a user
dictionary of policy terms (``resources/analyse/userdict.txt``: 立德树人,
集团化办学, 县管校聘 …) so they stay one token, then drops stopwords
(``resources/analyse/stopwords.txt``: function words and the political formulae
every document shares), numbers, punctuation and single characters. Two
backends sit behind one interface (:class:`Tokenizer`, :func:`make_tokenizer`):
:class:`JiebaTokenizer`, Python jieba, the reference; and
:class:`RJiebaTokenizer`, jieba-rs (``rjieba``), the default when installed,
about ten times faster with the same tokens (the agreement is measured by
``tests/analyse/test_tokenizers.py``). ``EDUANALYSIS_TOKENIZER=jieba`` selects
the reference. Vectorisers are plain scikit-learn objects, so fitted
vocabularies and IDF weights live in their learned attributes
(``vocabulary_``, ``idf_``).

>>> tok = JiebaTokenizer()
>>> tok("推进集团化办学，落实立德树人根本任务")
['集团化办学', '立德树人']
>>> RJiebaTokenizer()("推进集团化办学，落实立德树人根本任务")
['集团化办学', '立德树人']
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import logging
import multiprocessing
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from eduanalysis import resources
from eduanalysis.analyse.ngrams import char_counts, chars_only, supported
from eduanalysis.build.executors import default_workers
from eduanalysis.errors import EduAnalysisError
from eduanalysis.text import REGION_SUFFIX_RE

if TYPE_CHECKING:  # scipy and sklearn are imported where vectors are made: other notebooks never load them
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

#: A token is kept only if it contains a Han character or is a Latin word of 2+ letters.
KEEP_TOKEN = re.compile(r"[\u4e00-\u9fff]|^[A-Za-z][A-Za-z+\-]+$")
#: Administrative suffixes stripped from region names to get the bare place name (盘锦市 → 盘锦).
REGION_SUFFIX = REGION_SUFFIX_RE

#: A Han character (a token without one may be re-split, see :class:`RJiebaTokenizer`).
HAN = re.compile(r"[\u4e00-\u9fff]")
#: A character that is neither a letter nor a digit.
NOT_ALNUM = re.compile(r"[^a-zA-Z0-9]")
#: How jieba's HMM step (``jieba.finalseg``, its ``re_skip``) cuts a run of non-Han characters: letters
#: and digits (with one decimal part and a percent sign) apart from everything else.
HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")

USERDICT = "analyse/userdict.txt"
STOPWORDS = "analyse/stopwords.txt"
#: Environment variables naming a user's jieba dictionary and stopword file (set by
#: :func:`eduanalysis.analyse.dictionaries.use`; environment so that tokenizer worker processes see them),
#: and which of the two replace the packaged list instead of adding to it ("userdict,stopwords").
USERDICT_ENV, STOPWORDS_ENV, REPLACE_ENV = "EDUANALYSIS_USERDICT", "EDUANALYSIS_STOPWORDS", "EDUANALYSIS_REPLACE"
#: Environment variable naming the tokenizer backend (``jieba`` or ``rjieba``) when not passed explicitly.
TOKENIZER_ENV = "EDUANALYSIS_TOKENIZER"
#: Bump when the token filter (:meth:`Tokenizer._filter`) changes: it enters :attr:`Tokenizer.version`.
FILTER_VERSION = "filter-1"
#: Distinct raw tokens whose filtered form a tokenizer remembers (beyond it, it starts afresh).
MAX_REMEMBERED = 2_000_000

#: Entries :func:`tfidf` transforms at once (its temporaries: a few times this many floats).
TFIDF_BLOCK = 2_000_000
#: Texts each worker process tokenises per batch in :func:`count_matrix` (bounds the results held in memory).
PARALLEL_BATCH = 64
#: Texts below which :func:`count_matrix` tokenises in one process whatever ``n_jobs`` says: starting
#: worker processes (each loads jieba's dictionary, about 1 s) costs more than it saves on a few texts.
PARALLEL_MIN_TEXTS = 200
#: Texts turned into Python strings at once when tokenised in this process (:func:`iter_tokenized`).
TOKENIZE_BATCH = 10_000


def read_word_list(name: str | Path) -> list[str]:
    """The words of a one-word-a-line list: a packaged resource (``analyse/stopwords.txt``) or a user's file
    (an absolute path), read and checked by the one resource loader (blank lines and ``#`` comments skipped)."""
    if Path(name).is_absolute():
        return list(resources.words(STOPWORDS, path=name))
    return list(resources.words(str(name)))


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


def userdict_files() -> list[Path]:
    """The user dictionaries every tokenizer loads, in order: the packaged one (unless the user's
    replaces it, :data:`REPLACE_ENV`), then the user's (:data:`USERDICT_ENV`)."""
    user, replace = _user_file(USERDICT_ENV)
    files = [] if user and replace else [resources.path_of(USERDICT)]
    if user:
        if not user.is_file():
            raise EduAnalysisError(f"jieba user dictionary {user} is missing; fix the path in the report's parameters")
        files.append(user)
    return files


def user_dictionary(path: str | Path | None = None) -> list[tuple[str, int | None, str | None]]:
    """A user dictionary (default the packaged one) as ``(word, frequency, tag)`` rows, read as jieba's
    ``load_userdict`` reads it.

    One entry a line, ``word [freq] [tag]``; blank lines and ``#`` comments are skipped.

    >>> ("立德树人", 2000, "n") in user_dictionary()
    True
    """
    rows = []
    for entry in resources.entries(USERDICT, path):
        freq, tag = (entry.fields + (None, None))[:2]
        if len(entry.fields) > 2 or (freq is not None and not freq.isdigit() and tag is None and not freq.isalpha()):
            raise EduAnalysisError(f"{path or resources.path_of(USERDICT)} line {entry.line}: "
                                   f"{' '.join((entry.word, *entry.fields))!r} is not 'word [freq] [tag]'")
        if freq is not None and not freq.isdigit():  # 'word tag': jieba reads a lone letter field as the tag
            freq, tag = None, freq
        rows.append((entry.word, int(freq) if freq else None, tag))
    return rows


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for path in userdict_files():
        tokenizer.load_userdict(str(path))
    return tokenizer


@lru_cache(maxsize=1)
def _rjieba():
    import rjieba

    # rjieba has no load_userdict: each entry goes through add_word, as jieba's load_userdict does.
    tokenizer = rjieba.Jieba()
    for path in userdict_files():
        for word, freq, tag in user_dictionary(path):
            tokenizer.add_word(word, freq, tag)
    return tokenizer


def reload_dictionaries() -> None:
    """Forget the loaded dictionaries and stopwords, so the next tokenizer reads the files named now
    (:func:`eduanalysis.analyse.dictionaries.use` changes them)."""
    resources.reload()
    for cached in (stopwords, _jieba, _rjieba):
        cached.cache_clear()


def _resources_digest() -> str:
    """Hash of what decides a tokenizer's output besides its code: user dictionaries, stopwords, filter rules."""
    h = hashlib.sha1(FILTER_VERSION.encode())
    for path in userdict_files():
        h.update(path.read_bytes() + b"\x00")
    h.update("\n".join(sorted(stopwords())).encode("utf-8"))
    return h.hexdigest()


class Tokenizer:
    """Callable tokenizer for scikit-learn vectorisers: a segmenter, then the filter every backend shares.

    The segmenter is the backend's (:class:`JiebaTokenizer`, :class:`RJiebaTokenizer`), loaded lazily
    once per process with the user dictionary, so a tokenizer pickles to a few bytes (worker
    processes, fitted vectorisers). The filter strips each token and drops stopwords (the packaged
    list plus ``extra_stopwords``, e.g. region names), single characters, numbers and punctuation
    (:data:`KEEP_TOKEN`); it is applied once per distinct token and remembered.
    """

    #: The backend's name, as :func:`make_tokenizer` and ``EDUANALYSIS_TOKENIZER`` spell it.
    backend = ""
    #: The distribution whose version enters :attr:`version`.
    distribution = ""

    def __init__(self, extra_stopwords: Iterable[str] = (), hmm: bool = True):
        self.extra_stopwords = tuple(sorted(set(extra_stopwords)))
        self.hmm = hmm

    def _segment(self, text: str) -> list[str]:
        raise NotImplementedError

    def _pieces(self, token: str) -> tuple[str, ...]:
        """The tokens the reference (jieba) makes of a token of this backend's."""
        return (token,)

    def __call__(self, text: str) -> list[str]:
        kept = self.__dict__.get("_kept")
        if kept is None or len(kept) > MAX_REMEMBERED:
            kept = self._kept = {}
        tokens: list[str] = []
        for tok in self._segment(text or ""):
            out = kept.get(tok)
            if out is None:  # each distinct token is filtered once
                out = kept[tok] = self._filter(tok)
            tokens.extend(out)
        return tokens

    def _filter(self, token: str) -> tuple[str, ...]:
        stop = self.__dict__.get("_stop")
        if stop is None:
            stop = self._stop = stopwords() | frozenset(self.extra_stopwords)
        out = []
        for tok in self._pieces(token):
            tok = tok.strip()
            if len(tok) >= 2 and tok not in stop and KEEP_TOKEN.search(tok):
                out.append(tok)
        return tuple(out)

    @property
    def version(self) -> str:
        """What the tokens depend on: backend and its version, user dictionary, stopwords, filter, options.

        Tokens stored under one version are valid for any tokenizer with the same version.
        """
        h = hashlib.sha1(_resources_digest().encode())
        h.update(repr((self.hmm, self.extra_stopwords)).encode())
        return f"{self.backend}-{importlib.metadata.version(self.distribution)}-{h.hexdigest()[:12]}"

    def __getstate__(self) -> dict:
        return {"extra_stopwords": self.extra_stopwords, "hmm": self.hmm}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.__getstate__() == self.__getstate__()

    def __hash__(self) -> int:
        return hash((type(self), self.extra_stopwords, self.hmm))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(extra_stopwords={list(self.extra_stopwords)!r}, hmm={self.hmm})"


class JiebaTokenizer(Tokenizer):
    """The reference tokenizer: Python jieba (``Tokenizer.cut``) with the user dictionary."""

    backend = "jieba"
    distribution = "jieba"

    def _segment(self, text: str) -> list[str]:
        return _jieba().lcut(text, HMM=self.hmm)


class RJiebaTokenizer(Tokenizer):
    """jieba-rs (the ``rjieba`` package): jieba's dictionary and algorithm in Rust, about 10× faster.

    Its tokens equal jieba's on policy text (``tests/analyse/test_tokenizers.py`` measures it) but
    for one rule: jieba sends a run of characters its dictionary does not know to its HMM, which
    splits letters and digits from other symbols (``2019-2030`` → ``2019``, ``-``, ``2030``;
    ``www.pkulaw.com`` → ``www``, ``.``, …), where jieba-rs keeps the run whole. Such tokens are
    split here as jieba's HMM splits them (:data:`HMM_SKIP`), so ``www`` survives the filter in both.
    """

    backend = "rjieba"
    distribution = "rjieba"

    def _segment(self, text: str) -> list[str]:
        return _rjieba().cut(text, self.hmm)

    def _pieces(self, token: str) -> tuple[str, ...]:
        if len(token) < 2 or HAN.search(token) or not NOT_ALNUM.search(token.strip()) or _rjieba().has_word(token):
            return (token,)
        return tuple(p for p in HMM_SKIP.split(token) if p)


#: Tokenizer backends by name; :func:`default_backend` picks one.
TOKENIZERS: dict[str, type[Tokenizer]] = {"jieba": JiebaTokenizer, "rjieba": RJiebaTokenizer}


def default_backend() -> str:
    """``EDUANALYSIS_TOKENIZER`` when set (``jieba`` or ``rjieba``), else ``rjieba`` when installed, else ``jieba``."""
    chosen = os.environ.get(TOKENIZER_ENV, "").strip()
    if chosen:
        if chosen not in TOKENIZERS:
            raise EduAnalysisError(f"{TOKENIZER_ENV}={chosen!r} is not a tokenizer; use one of {sorted(TOKENIZERS)}")
        return chosen
    return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"


def make_tokenizer(backend: str | Tokenizer | None = None, extra_stopwords: Iterable[str] = (),
                   hmm: bool = True) -> Tokenizer:
    """A tokenizer of ``backend`` (None: :func:`default_backend`); a :class:`Tokenizer` is returned as it is.

    >>> make_tokenizer("jieba")("推进集团化办学") == make_tokenizer("rjieba")("推进集团化办学") == ["集团化办学"]
    True
    """
    if isinstance(backend, Tokenizer):
        return backend
    name = backend or default_backend()
    if name not in TOKENIZERS:
        raise EduAnalysisError(f"unknown tokenizer {name!r}: use one of {sorted(TOKENIZERS)}")
    return TOKENIZERS[name](extra_stopwords, hmm)


class PreTokenized:
    """Analyzer for texts already tokenised (lists of tokens, e.g. stored measure tokens): drops ``extra_stopwords``.

    Filtering place names after tokenising equals tokenising with them as stopwords: the filter
    looks at one token at a time.

    >>> PreTokenized(["盘锦"])(["盘锦", "学前教育"])
    ['学前教育']
    """

    def __init__(self, extra_stopwords: Iterable[str] = ()):
        self.extra_stopwords = tuple(sorted(set(extra_stopwords)))

    def __call__(self, tokens: list[str]) -> list[str]:
        if not self.extra_stopwords:
            return list(tokens)
        stop = frozenset(self.extra_stopwords)
        return [t for t in tokens if t not in stop]

    def __repr__(self) -> str:
        return f"PreTokenized(extra_stopwords={list(self.extra_stopwords)!r})"


def make_vectorizer(
    analyzer: str = "word",
    *,
    extra_stopwords: Iterable[str] = (),
    ngram_range: tuple[int, int] | None = None,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    sublinear_tf: bool = True,
    tokenizer: str | Tokenizer | None = None,
) -> TfidfVectorizer:
    """A TF-IDF vectoriser over word tokens (``analyzer="word"``) or character n-grams (``"char"``).

    ``tokenizer`` is a backend name or a :class:`Tokenizer` (None: :func:`default_backend`);
    ``extra_stopwords`` are added to its stopwords. ``analyzer="tokens"`` takes texts already
    tokenised (lists of tokens, e.g. :func:`eduanalysis.analyse.tokens.measure_tokens`) and gives
    the same matrix as ``"word"`` on the texts they came from. Character n-grams (default 2–3) need
    no dictionary and serve as a check that a similarity result does not hinge on segmentation choices.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if analyzer == "tokens":
        return TfidfVectorizer(analyzer=PreTokenized(extra_stopwords), min_df=min_df, max_df=max_df,
                               sublinear_tf=sublinear_tf)
    if analyzer == "word":
        if isinstance(tokenizer, Tokenizer) and extra_stopwords:
            tokenizer = type(tokenizer)(set(tokenizer.extra_stopwords) | set(extra_stopwords), tokenizer.hmm)
        return TfidfVectorizer(
            tokenizer=make_tokenizer(tokenizer, extra_stopwords),
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
    raise EduAnalysisError(f"unknown analyzer {analyzer!r}: use 'word' (jieba tokens), 'char' (character n-grams) "
                           "or 'tokens' (texts already tokenised)")


def _pre_analyzed(tokens: list[str]) -> list[str]:
    return tokens


def _batches(texts, size: int):
    """``texts`` (a list, or an Arrow string array turned into Python strings a batch at a time) in batches."""
    for start in range(0, len(texts), size):
        piece = texts[start:start + size]
        yield piece.to_pylist() if isinstance(piece, pa.Array) else list(piece)


def _analyzed_in(pool, analyze, batches):
    """``analyze(text)`` for each text of ``batches``, in order, computed by ``pool`` one batch ahead of the consumer.

    Pool.imap would queue every finished result however far the consumer lags
    (character n-grams: gigabytes); here at most two batches are in memory.
    """
    batches = iter(batches)
    first = next(batches, None)
    pending = pool.map_async(analyze, first, chunksize=8) if first is not None else None
    while pending is not None:
        nxt = next(batches, None)
        ahead = pool.map_async(analyze, nxt, chunksize=8) if nxt is not None else None
        yield from pending.get()
        pending = ahead


def iter_tokenized(texts, tokenizer: str | Tokenizer | None = None, n_jobs: int | None = 1):
    """``tokenizer(text)`` for each of ``texts`` (a list of strings or an Arrow string array), in order, as made.

    Python jieba runs in ``n_jobs`` processes (None: every core), one batch ahead; an Arrow array
    becomes Python strings a batch at a time, so a caller that stores each result as it comes
    (:func:`eduanalysis.analyse.tokens.measure_tokens`) never holds every text and token list at once.
    Only the Python jieba backend is worth a pool, and only from :data:`PARALLEL_MIN_TEXTS`
    texts: jieba-rs tokenises faster than texts and tokens travel between processes.
    """
    tok = make_tokenizer(tokenizer)
    jobs = n_jobs or default_workers()
    if tok.backend != "jieba" or jobs < 2 or len(texts) < PARALLEL_MIN_TEXTS:
        for batch in _batches(texts, TOKENIZE_BATCH):
            yield from map(tok, batch)
        return
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        yield from _analyzed_in(pool, tok, _batches(texts, PARALLEL_BATCH * jobs))


def tokenize_all(texts: list[str], tokenizer: str | Tokenizer | None = None, n_jobs: int | None = 1) -> list[list[str]]:
    """``tokenizer(text)`` for each text, in order (:func:`iter_tokenized`, as one list).

    >>> tokenize_all(["普及学前教育", "发展职业教育"], "jieba")
    [['普及', '学前教育'], ['职业教育']]
    """
    return list(iter_tokenized(texts, tokenizer, n_jobs))


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
    Python jieba runs at about 200,000 characters per second, so on a large corpus one
    pass instead of several matters. With ``n_jobs`` > 1 (None: the cores this process may use),
    at least :data:`PARALLEL_MIN_TEXTS` texts and the Python jieba backend, tokenising runs in that
    many worker processes (jieba-rs is faster than sending texts and tokens between processes); the
    result does not depend on ``n_jobs``. ``analyzer="tokens"`` counts texts already tokenised.
    Character n-grams are counted in numpy (:func:`eduanalysis.analyse.ngrams.char_counts`: the
    vectoriser's matrix and terms, about ten times faster and in a fraction of the memory).

    >>> counts, terms = count_matrix(["学前教育 学前教育", "职业教育"])
    >>> terms.tolist(), counts.toarray().tolist()
    (['学前教育', '职业教育'], [[2, 0], [0, 1]])
    """
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer_args.pop("sublinear_tf", None)  # a TF-IDF setting: see tfidf()
    ngram_range = vectorizer_args.get("ngram_range") or (2, 3)
    if analyzer == "char" and set(vectorizer_args) <= {"ngram_range", "min_df", "max_df", "tokenizer", "dtype"} \
            and supported(ngram_range):
        # The same matrix and terms as the vectoriser's, counted in numpy (eduanalysis.analyse.ngrams).
        return char_counts(texts, ngram_range, vectorizer_args.get("min_df", 1), vectorizer_args.get("max_df", 1.0),
                           dtype=vectorizer_args.get("dtype", np.int64))
    analyze = make_vectorizer(analyzer, extra_stopwords=extra_stopwords,
                              **{k: v for k, v in vectorizer_args.items() if k != "dtype"}).build_analyzer()
    args = {k: v for k, v in vectorizer_args.items() if k in ("min_df", "max_df", "dtype")}
    texts = list(texts)
    jobs = n_jobs or default_workers()
    # Only Python jieba is worth a pool: character n-grams and jieba-rs cost less to compute than to send
    # between processes.
    backend = make_tokenizer(vectorizer_args.get("tokenizer")).backend if analyzer == "word" else None
    if backend == "jieba" and jobs > 1 and len(texts) >= PARALLEL_MIN_TEXTS:
        # spawn, not fork: notebooks run in a kernel with live threads.
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            vec = CountVectorizer(analyzer=_pre_analyzed, **args)
            counts = vec.fit_transform(_analyzed_in(pool, analyze, _batches(texts, PARALLEL_BATCH * jobs)))
    else:
        vec = CountVectorizer(analyzer=analyze, **args)
        counts = vec.fit_transform(texts)
    return counts.tocsr(), vec.get_feature_names_out()


def tfidf(counts: sparse.spmatrix, sublinear_tf: bool = True, copy: bool = True,
          dtype: np.dtype | type | None = None) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows of a count matrix (smooth IDF, as :func:`make_vectorizer`).

    scikit-learn's ``TfidfTransformer`` fitted on all of ``counts`` transforms blocks of about
    :data:`TFIDF_BLOCK` entries (every step works row by row or entry by entry, so the result is
    the same bit for bit), so no temporary as large as the matrix is made. ``copy=False`` consumes
    ``counts`` (64-bit integer or float counts, CSR): the result is written over its arrays,
    which saves a matrix-sized copy (a character n-gram matrix at 10,000 documents is 1.2 GB);
    ``counts`` is unusable afterwards. ``dtype``: the weights' float type (None: the counts' own
    float type, float64 for integer counts); 32-bit integer counts and ``dtype=np.float32`` take
    half the memory and are written over in place too (:func:`char_tfidf`). Rows already in column
    order (canonical CSR) are weighted in numpy (:func:`_weights`), with the transformer's own
    values but without its copy and sort of each block.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = counts.tocsr()
    model = TfidfTransformer(sublinear_tf=sublinear_tf)
    if dtype is None:
        dtype = counts.dtype if counts.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    dtype = np.dtype(dtype)
    if counts.nnz <= TFIDF_BLOCK:
        return model.fit_transform(counts).tocsr().astype(dtype, copy=False)
    # Integer counts: the IDF in 64 bits, as the transformer fits it on the whole matrix, so float32
    # weights are the 64-bit ones rounded, whatever the matrix's size.
    _fit_in_blocks(model, counts, np.dtype(np.float64) if counts.dtype.kind in "iu" else dtype)
    if not copy and counts.data.dtype.itemsize == dtype.itemsize:
        data, indices, indptr = counts.data.view(dtype), counts.indices, counts.indptr
    else:
        data, indices, indptr = np.empty(counts.nnz, dtype=dtype), counts.indices.copy(), counts.indptr.copy()
    sorted_rows = counts.has_canonical_format  # rows in column order, no duplicates: no block needs a sort
    ends = np.searchsorted(indptr, np.arange(TFIDF_BLOCK, counts.nnz, TFIDF_BLOCK), side="right")
    for a, b in zip([0, *ends], [*ends, counts.shape[0]], strict=True):
        if b > a:
            if sorted_rows:  # weighted in numpy: the transformer would copy the block to 64 bits and sort it
                data[indptr[a]:indptr[b]] = _weights(counts, a, b, model.idf_, sublinear_tf)
                continue
            # A copy of the block, read before it is overwritten. Converting integer counts to floats
            # sorts each row's entries (scipy's astype), so the block's indices are taken too.
            part = model.transform(counts[a:b])
            if part.nnz != indptr[b] - indptr[a]:  # duplicate entries were summed: no block-wise shortcut
                if not copy:
                    raise EduAnalysisError("tfidf(copy=False) needs counts without duplicate entries (as "
                                           "count_matrix gives); call it with copy=True")
                return model.transform(counts).tocsr().astype(dtype, copy=False)
            data[indptr[a]:indptr[b]], indices[indptr[a]:indptr[b]] = part.data, part.indices
    return sparse.csr_matrix((data, indices, indptr), shape=counts.shape)


def char_tfidf(texts: pd.Series | list[str], n_jobs: int | None = 1) -> sparse.csr_matrix:
    """TF-IDF rows of character 2–3-grams (:func:`count_matrix` with ``"char"``), in 32-bit floats.

    The character matrix is by far the largest an analysis holds (100 M entries at 10,000
    documents: 1.2 GB in 64 bits, 0.8 GB in 32); it serves as a robustness check beside the word
    vectors, where 7 significant digits are ample. Counted in 32-bit integers, each row's entries in
    column order, ``n_jobs`` chunks at once (threads, None: every core; :func:`char_counts`), and
    weighted in place (:func:`tfidf`).
    """
    counts, _ = char_counts(texts, dtype=np.int32, sorted_rows=True, n_jobs=n_jobs)
    release_memory()  # the chunks' temporaries
    return tfidf(counts, copy=False, dtype=np.float32)


def _weights(counts: sparse.csr_matrix, a: int, b: int, idf: np.ndarray, sublinear_tf: bool) -> np.ndarray:
    """TF-IDF weights of rows ``a:b`` of ``counts`` (rows in column order), L2-normalised, in 64 bits.

    The transformer's steps (``log(tf) + 1``, times the IDF, each row divided by its norm, the squares
    summed in column order as ``normalize`` sums them), so the weights equal its own bit for bit.
    """
    lo, hi = int(counts.indptr[a]), int(counts.indptr[b])
    w = counts.data[lo:hi].astype(np.float64)
    if sublinear_tf:
        np.log(w, out=w)
        w += 1.0
    w *= idf[counts.indices[lo:hi]]
    rows = np.repeat(np.arange(b - a), np.diff(counts.indptr[a:b + 1]))
    norms = np.sqrt(np.bincount(rows, weights=w * w, minlength=b - a))
    w /= norms[rows]
    return w


def _fit_in_blocks(model: TfidfTransformer, counts: sparse.csr_matrix, dtype: np.dtype) -> None:
    """``model.fit(counts)`` with the document frequencies counted a block of entries at a time.

    The transformer's own fit counts them with one ``np.bincount`` of all column indices, which
    copies them to 64 bits (0.8 GB for the character matrix at 10,000 documents). The IDF is
    then computed as ``TfidfTransformer.fit`` does (smoothed, ``log(n / df) + 1`` in ``dtype``);
    ``tests/analyse/test_ngrams.py`` checks the weights against the transformer's bit for bit.
    """
    df = np.zeros(counts.shape[1], dtype=np.int64)
    for a in range(0, counts.nnz, TFIDF_BLOCK):
        df += np.bincount(counts.indices[a:a + TFIDF_BLOCK], minlength=counts.shape[1])
    df = df.astype(dtype, copy=False)
    df += float(model.smooth_idf)
    idf = np.full_like(df, fill_value=counts.shape[0] + int(model.smooth_idf), dtype=dtype)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    model.idf_, model.n_features_in_ = idf, counts.shape[1]


def text_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """The clause measures (``kind == "text"``), the units analyses compare."""
    clauses = measures["kind"] == "text"
    return (measures if clauses.all() else measures.loc[clauses]).reset_index(drop=True)


def release_memory() -> None:
    """Give back to the system what the allocators keep after large temporaries.

    Arrow's allocator (mimalloc or jemalloc) holds on to what reading and sorting a table of
    millions of rows took (a third of a gigabyte after reading the measures of 10,000 documents);
    glibc's heap keeps what numpy's medium-sized temporaries took (a quarter of a gigabyte after
    counting the character n-grams of 10,000 documents), which ``malloc_trim`` returns. Elsewhere
    than glibc only Arrow's pool is released.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def text_order(measures: pd.DataFrame) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """The clause measures in text order without copying them: (row positions in ``measures``, sorted by
    ``doc_id`` then ``char_start``, ties in row order; the documents, sorted; where each one's rows start).

    >>> m = pd.DataFrame({"doc_id": ["b", "a", "a", "b"], "kind": ["text", "text", "heading", "text"],
    ...                   "char_start": [5, 9, 0, 1]})
    >>> rows, docs, starts = text_order(m)
    >>> rows.tolist(), docs.tolist(), starts.tolist()
    ([1, 3, 0], ['a', 'b'], [0, 1, 3])
    """
    rows = np.flatnonzero((measures["kind"] == "text").fillna(False).to_numpy(dtype=bool))
    codes, docs = pd.factorize(measures["doc_id"].iloc[rows], sort=True)
    start = measures["char_start"].iloc[rows].to_numpy(dtype="float64", na_value=np.inf)
    order = np.lexsort((start, codes))  # stable: ties keep the table's order
    starts = np.searchsorted(codes[order], np.arange(len(docs) + 1))
    return rows[order], pd.Index(docs, name="doc_id"), starts


def document_ids(measures: pd.DataFrame) -> pd.Index:
    """The documents with clause measures, sorted: the index of :func:`document_texts` and the rows of
    the vectors made from it, without joining the texts.

    >>> document_ids(pd.DataFrame({"doc_id": ["b", "a", "c"], "kind": ["text", "text", "heading"],
    ...                            "char_start": [0, 0, 0]})).tolist()
    ['a', 'b']
    """
    return _doc_index(text_order(measures)[1], measures)


def _doc_index(docs: pd.Index, measures: pd.DataFrame) -> pd.Index:
    return docs.astype(measures["doc_id"].dtype)


def document_texts(measures: pd.DataFrame) -> pd.Series:
    """One text per document: its clause measures joined in order, indexed by ``doc_id``.

    Joined in Arrow from the table's own text column (no copy of the measures as Python strings).
    """
    rows, docs, starts = text_order(measures)
    column = measures["text"].array
    data = column.__arrow_array__() if hasattr(column, "__arrow_array__") else pa.array(column, pa.large_string())
    texts = pc.cast(data.take(pa.array(rows)), pa.large_string())
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    lists = pa.ListArray.from_arrays(pa.array(starts, pa.int32()), texts)
    joined = pc.binary_join(lists, pa.scalar("\n", pa.large_string()))
    out = pd.Series(pd.array(joined, dtype=measures["text"].dtype), index=_doc_index(docs, measures),
                    name="text")
    del texts, lists, joined
    release_memory()
    return out


def tokens_table(texts: pd.Series, tokenizer: str | Tokenizer | None = None) -> pd.DataFrame:
    """Token counts per text in long form: index name of ``texts``, ``term``, ``count``."""
    tokenizer = make_tokenizer(tokenizer)
    key = texts.index.name or "id"
    rows = []
    for idx, text in texts.items():
        counts = pd.Series(tokenizer(text), dtype="string").value_counts()
        rows.append(pd.DataFrame({key: idx, "term": counts.index, "count": counts.to_numpy()}))
    if not rows:
        return pd.DataFrame({key: [], "term": [], "count": []})
    return pd.concat(rows, ignore_index=True).sort_values([key, "term"], kind="mergesort").reset_index(drop=True)
