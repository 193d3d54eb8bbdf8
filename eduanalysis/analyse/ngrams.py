"""Character n-gram counts computed with numpy: the matrix scikit-learn's character analyser gives, without its loop.

``CountVectorizer(analyzer="char", preprocessor=chars_only)`` builds every n-gram as a Python
string and looks it up in a dict: at 10,000 documents (90 M characters, 180 M n-grams) that
is minutes and gigabytes. :func:`char_counts` gives the **identical** matrix (same terms,
values, dtypes and the same order of the entries inside each row, which later floating-point
sums follow) and the identical terms:

- a text becomes an array of character codes; the characters :func:`chars_only` (the vectoriser's
  preprocessor) keeps are numbered 1, 2, … in code-point order, the others 0 and removed, so an
  n-gram is one integer in base ``B`` (its codes, shorter n-grams padded with 0 at the end) and
  integer order is the vectoriser's term order (Python string order: 学前 < 学前教);
- documents are counted a chunk at a time: one stable sort of (document, n-gram) keys gives each
  document's distinct n-grams, their counts and first positions;
- scikit-learn stores a row's entries in the order the corpus first met each term (its
  vocabulary is built as it reads, then renumbered alphabetically): terms get that ordinal as
  they are first met, rows are sorted by it, and columns are renumbered alphabetically at the end,
  after ``min_df``/``max_df`` (document frequencies, as the vectoriser counts them).

``tests/analyse/test_ngrams.py`` checks the equality on the seed corpus and on inline texts
(letters, mixed scripts, empty texts, ``min_df``/``max_df``, 1-grams).

>>> counts, terms = char_counts(["学前教育", "学前"], ngram_range=(2, 2))
>>> terms.tolist(), counts.toarray().tolist()
(['前教', '学前', '教育'], [[1, 1, 1], [0, 1, 0]])
"""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from numbers import Integral

import numpy as np
import pandas as pd
from scipy import sparse

from eduanalysis.build.executors import default_workers

#: Characters the character n-gram analyser ignores: everything but Han characters and letters.
NON_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z]+")
#: Characters of text counted at once, shared among the threads (memory: about 60 bytes per character for
#: n-grams of 2–3).
CHUNK_CHARS = 2_000_000
#: The smallest share of a thread (many cores would otherwise make chunks of a few documents).
MIN_CHUNK_CHARS = 500_000
#: Entries converted at once when the counts are assembled.
BLOCK = 4_000_000
#: One past the largest code point.
UNICODE = 0x110000
#: The largest key (document in a chunk × n-gram) that fits a signed 64-bit integer.
MAX_KEY = np.iinfo(np.int64).max


def chars_only(text: str) -> str:
    """Preprocessor for the character n-gram analyser: keep Han characters and letters only.

    >>> chars_only("到2025年,毛入园率达95%")
    '到年毛入园率达'
    """
    return NON_TEXT.sub("", text or "")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


@lru_cache(maxsize=1)
def alphabet() -> tuple[np.ndarray, np.ndarray]:
    """The characters :func:`chars_only` keeps: (rank + 1 of each code point, 0 where dropped; kept code points).

    Ranks follow code points, so comparing rank sequences compares the strings.
    """
    kept = _codes(chars_only("".join(map(chr, range(1, UNICODE))))).astype(np.int64)
    rank = np.zeros(UNICODE, dtype=np.int64)
    rank[kept] = np.arange(1, len(kept) + 1)
    return rank, kept


def supported(ngram_range: tuple[int, int]) -> bool:
    """Whether n-grams of this length fit 64-bit keys (with at least one document per chunk)."""
    base = len(alphabet()[1]) + 1
    return 1 <= ngram_range[0] <= ngram_range[1] and base ** ngram_range[1] < MAX_KEY // 2


def _document(doc) -> str:
    """A document as the vectoriser decodes it (bytes as UTF-8, NaN refused); :func:`chars_only` is applied
    to the chunk's character codes (:func:`_chunk_ngrams`), not to the string."""
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8")
    if doc is np.nan:
        raise ValueError("np.nan is an invalid document, expected byte or unicode string.")
    return doc or ""


def _chunks(texts: Iterable, max_docs: int, chunk_chars: int):
    """Lists of decoded texts of at most ``max_docs`` documents and about ``chunk_chars`` characters."""
    chunk, size = [], 0
    for doc in texts:
        text = _document(doc)
        chunk.append(text)
        size += len(text)
        if size >= chunk_chars or len(chunk) >= max_docs:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _chunk_ngrams(chunk: list[str], rank: np.ndarray, base: int, ngram_range: tuple[int, int], ordered: bool = True):
    """The n-grams of a chunk: (doc, id), in the vectoriser's order (document, then length, then position)
    when ``ordered``, else grouped by length (for counts whose rows are sorted by term anyway).

    The characters :func:`chars_only` drops have rank 0 and are removed from the codes, as the
    vectoriser's preprocessor removes them from the text.
    """
    min_n, max_n = ngram_range
    raw = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
    r = rank[_codes("".join(chunk))]
    kept = r > 0
    if kept.all():
        lens = raw
    else:  # the characters kept of each text
        lens = np.diff(np.concatenate([[0], np.cumsum(kept)])[np.concatenate([[0], np.cumsum(raw)])])
        r = r[kept]
    left = np.repeat(np.cumsum(lens), lens) - np.arange(len(r), dtype=np.int64)  # characters to its text's end
    doc_of = np.repeat(np.arange(len(chunk), dtype=np.int64), lens)
    value = np.zeros(len(r), dtype=np.int64)  # the n-gram starting at each position, grown one character a time
    if ordered:
        local = lens[doc_of] - left  # position in its text
        per_n = [np.maximum(lens - n + 1, 0) for n in range(min_n, max_n + 1)]
        sizes = np.sum(per_n, axis=0)
        first = np.cumsum(sizes) - sizes  # where each document's n-grams start
        ids = np.zeros(int(sizes.sum()), dtype=np.int64)
    else:
        docs, parts = [], []
    for n in range(1, max_n + 1):
        value[:max(len(r) - n + 1, 0)] += r[n - 1:] * base ** (max_n - n)
        if n >= min_n:
            ok = left >= n
            if ordered:
                ids[(first[doc_of] + local)[ok]] = value[ok]
                first += per_n[n - min_n]
            else:
                docs.append(doc_of[ok])
                parts.append(value[ok])
    if ordered:
        return np.repeat(np.arange(len(chunk), dtype=np.int64), sizes), ids
    return np.concatenate(docs), np.concatenate(parts)


class _Vocabulary:
    """Terms (n-gram ids) in the order the corpus first met them: each id's ``ordinal``, new ids appended."""

    def __init__(self):
        self.ids = np.zeros(0, dtype=np.int64)  # sorted
        self.ordinals = np.zeros(0, dtype=np.int64)  # of self.ids

    def __len__(self) -> int:
        return len(self.ids)

    def ordinal(self, uid: np.ndarray) -> np.ndarray:
        """Ordinals of the distinct ids ``uid``, given in the order the corpus first met them (unknown ones added)."""
        pos = np.searchsorted(self.ids, uid)
        known = pos < len(self.ids)
        known[known] = self.ids[pos[known]] == uid[known]
        out = np.empty(len(uid), dtype=np.int64)
        out[known] = self.ordinals[pos[known]]
        new = np.flatnonzero(~known)
        out[new] = np.arange(len(self), len(self) + len(new))
        if len(new):  # merged in: a sort of the whole vocabulary per chunk would grow with it
            order = np.argsort(uid[new])
            at = np.searchsorted(self.ids, uid[new][order])
            self.ids, self.ordinals = np.insert(self.ids, at, uid[new][order]), np.insert(self.ordinals, at, out[new][order])
        return out


def _distinct(chunk: list[str], rank: np.ndarray, base: int, ngram_range: tuple[int, int], by_term: bool):
    """What a chunk's rows need from the chunk alone: ``(n_docs, uid, rest)``, ``uid`` its distinct n-gram ids
    in the order they first occur (``pd.factorize``, the order new terms take in the vocabulary).

    ``by_term``: rows in term order, which n-gram ids sort in, so the counting needs no vocabulary and
    ``rest`` is each entry's (document, distinct id) key, its count, and the ids' sort order.
    Otherwise ``rest`` is the n-grams' documents and codes, counted once their ordinals are known
    (:func:`_count_chunk`). Chunks are independent here: threads may compute several at once.
    """
    doc, ids = _chunk_ngrams(chunk, rank, base, ngram_range, ordered=not by_term)
    codes, uid = pd.factorize(ids, sort=False)
    del ids
    if not by_term:
        return len(chunk), uid, (doc, codes)
    by_id = np.argsort(uid)
    return len(chunk), uid, (*_unique_keys(doc, codes, by_id, len(chunk)), by_id)


def _unique_keys(doc: np.ndarray, codes: np.ndarray, order: np.ndarray, n_docs: int):
    """The distinct (document, rank of the code in ``order``) keys, sorted, and how often each occurs."""
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    key = doc * len(order) + rank[codes]
    if n_docs * len(order) <= np.iinfo(np.int32).max:
        key = key.astype(np.int32)  # sorts faster
    key, counts = np.unique(key, return_counts=True)
    return key.astype(np.int64, copy=False), counts


def _count_chunk(n_docs: int, uid: np.ndarray, rest: tuple, vocab: _Vocabulary):
    """One chunk's rows (from :func:`_distinct`, chunks in corpus order): each entry's document, term ordinal
    and count, rows in ordinal order (in term order, which is the columns' order, for ``by_term``).

    Renumbered by ordinal, one sort of (document, number) keys gives every row's entries, in
    ordinal order, with their counts.
    """
    ordinals = vocab.ordinal(uid)
    if len(rest) == 2:
        doc, codes = rest
        order = np.argsort(ordinals)
        key, counts = _unique_keys(doc, codes, order, n_docs)
    else:
        key, counts, order = rest
    return ordinals[order][key % len(uid)], counts, key // len(uid)


def _in_threads(work, items, n_jobs: int | None):
    """``map(work, items)`` in order, in ``n_jobs`` threads (None: the cores this process may use), at most
    one item waiting beside those in work: the numpy and pandas steps of a chunk release the GIL."""
    jobs = n_jobs or default_workers()
    if jobs < 2:
        yield from map(work, items)
        return
    with ThreadPoolExecutor(jobs) as pool:
        pending = collections.deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _squeeze(indices: np.ndarray, data: np.ndarray, at: int, column: np.ndarray, lengths: np.ndarray):
    """Ordinals to columns in place, the entries of dropped terms (column -1) squeezed out, order kept;
    returns the rows' new lengths and the entries left."""
    starts = np.concatenate([[0], np.cumsum(lengths)])
    new_lengths, written = np.zeros(len(lengths), dtype=np.int64), 0
    for a in range(0, at, BLOCK):
        b = min(a + BLOCK, at)
        col = column[indices[a:b]]
        keep = col >= 0
        first, last = np.searchsorted(starts, [a, b - 1], side="right") - 1  # the rows this block touches
        span = np.minimum(starts[first + 1:last + 2], b) - np.maximum(starts[first:last + 1], a)
        rows = np.repeat(np.arange(first, last + 1), span)
        new_lengths += np.bincount(rows[keep], minlength=len(lengths))
        kept = col[keep]
        indices[written:written + len(kept)], data[written:written + len(kept)] = kept, data[a:b][keep]
        written += len(kept)
    return new_lengths, written


def _terms(ids: np.ndarray, kept: np.ndarray, base: int, max_n: int) -> np.ndarray:
    """The n-gram ids as strings (object array)."""
    codes = np.zeros((len(ids), max_n), dtype="<u4")
    for j in range(max_n):
        digit = (ids // base ** (max_n - 1 - j)) % base
        codes[:, j] = np.where(digit > 0, kept[np.maximum(digit - 1, 0)], 0)
    return codes.view(f"<U{max_n}").ravel().astype(object)


def char_counts(texts: Iterable, ngram_range: tuple[int, int] = (2, 3), min_df: int | float = 1,
                max_df: int | float = 1.0, chunk_chars: int | None = None,
                dtype: np.dtype | type = np.int64, sorted_rows: bool = False,
                n_jobs: int | None = 1) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Character n-gram counts of ``texts`` (rows in order) and the terms (columns), as scikit-learn gives them.

    Equal to ``CountVectorizer(analyzer="char", preprocessor=chars_only, ngram_range=ngram_range,
    min_df=min_df, max_df=max_df, dtype=dtype)``'s ``fit_transform(texts)`` (same entries, dtypes and order
    within rows) and ``get_feature_names_out()``, with the same ValueErrors for an empty
    vocabulary or one that ``min_df``/``max_df`` empty. ``ngram_range`` must be
    :func:`supported` (n-grams of up to 4 characters are). ``sorted_rows``: each row's entries in
    column order instead (what ``sort_indices()`` gives, without its pass over the matrix).
    ``n_jobs``: threads counting chunks at once (None: the cores this process may use); the matrix
    does not depend on it. ``chunk_chars``: characters per chunk (None: :data:`CHUNK_CHARS` shared
    among the threads, at least :data:`MIN_CHUNK_CHARS`: each thread works on a chunk and one waits,
    about the memory of one thread's chunks; at 10,000 documents two threads count in 11 s what one
    counts in 18.6).
    """
    min_n, max_n = ngram_range
    if not supported(ngram_range):
        raise ValueError(f"ngram_range {ngram_range} is not supported by char_counts: use 1 <= min_n <= max_n <= 4")
    rank, kept_chars = alphabet()
    base = len(kept_chars) + 1
    span = base ** max_n
    texts = list(texts)
    # Every text's n-grams bound the entries (a text only loses characters to chars_only): the entries
    # are written straight into arrays of that size, of which only the used part ever takes memory.
    bound = sum(max(len(t) - n + 1, 0) for t in texts if isinstance(t, str | bytes) for n in range(min_n, max_n + 1))
    wide = bound > np.iinfo(np.int32).max
    indices = np.empty(max(bound, 1), dtype=np.int64 if wide else np.int32)  # term ordinals, then columns
    data = np.empty(max(bound, 1), dtype=dtype)
    vocab, df, lengths, at = _Vocabulary(), np.zeros(0, dtype=np.int64), [], 0
    work = functools.partial(_distinct, rank=rank, base=base, ngram_range=ngram_range, by_term=sorted_rows)
    jobs = max(n_jobs or default_workers(), 1)
    if chunk_chars is None:  # not below MIN_CHUNK_CHARS: each chunk costs the vocabulary's merge in the main thread
        chunk_chars = max(CHUNK_CHARS // jobs, MIN_CHUNK_CHARS)
    for n_chunk, uid, rest in _in_threads(work, _chunks(texts, MAX_KEY // span, chunk_chars), jobs):
        o, c, d = _count_chunk(n_chunk, uid, rest, vocab)
        del uid, rest
        df = np.concatenate([df, np.zeros(len(vocab) - len(df), dtype=np.int64)]) + np.bincount(o, minlength=len(vocab))
        indices[at:at + len(o)], data[at:at + len(o)] = o, c
        at += len(o)
        lengths.append(np.bincount(d, minlength=n_chunk))
    n_docs = len(texts)
    if not len(vocab):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    high = max_df if isinstance(max_df, Integral) else max_df * n_docs
    low = min_df if isinstance(min_df, Integral) else min_df * n_docs
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    keep_sorted = (df[vocab.ordinals] <= high) & (df[vocab.ordinals] >= low)  # in term (alphabetical) order
    if not keep_sorted.any():
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    column = np.full(len(vocab), -1, dtype=indices.dtype)
    column[vocab.ordinals[keep_sorted]] = np.arange(int(keep_sorted.sum()))
    lengths = np.concatenate(lengths)
    if keep_sorted.all():  # no term dropped (min_df 1, max_df 1.0): ordinals become columns in place
        for a in range(0, at, BLOCK):
            indices[a:min(a + BLOCK, at)] = column[indices[a:min(a + BLOCK, at)]]
        new_lengths, written = lengths, at
    else:
        new_lengths, written = _squeeze(indices, data, at, column, lengths)
    index_dtype = np.int32 if written <= np.iinfo(np.int32).max else np.int64
    indptr = np.concatenate([[0], np.cumsum(new_lengths)]).astype(index_dtype)
    counts = sparse.csr_matrix((data[:written], indices[:written].astype(index_dtype, copy=False), indptr),
                               shape=(n_docs, int(keep_sorted.sum())))
    if sorted_rows:
        counts.has_canonical_format = True  # sorted, no duplicates: known, so scipy does not check it again
    return counts, _terms(vocab.ids[keep_sorted], kept_chars, base, max_n)
