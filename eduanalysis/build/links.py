"""The corpus-level step of the build: link each citation to the cited document.

Citations are found per document (:func:`eduanalysis.extract.citations.citations`, in the
workers, cached with the document); which document of the corpus a citation names
can only be decided when all are known. What the matching needs of a document —
its :func:`~eduanalysis.extract.citations.document_keys` (doc_id, 文号, titles) — is
small, so each worker computes it with the document's result and stores it in the
result's summary (:func:`citation_keys`); the build gathers those of every document
it keeps (:func:`corpus_keys`) before merging, and resolves the citations of each
merged batch as it writes them (:func:`~eduanalysis.extract.citations.resolve` works
row by row given the keys' :func:`~eduanalysis.extract.citations.key_index`). A
merged batch of resolved citations kept in the cache is named with a digest of the
keys (:func:`keys_digest`); the rows before resolution are kept too, so a change to
any document's keys (a new document, a renamed one) re-resolves every batch but
re-merges only its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pandas as pd

from eduanalysis.extract.citations import OWN_NUMBER_HEAD_CHARS, document_keys

#: The columns of :func:`corpus_keys`.
KEY_COLUMNS = ["doc_id", "number", "title"]


def citation_keys(documents: pd.DataFrame) -> list[tuple]:
    """One document's (or several's) :func:`document_keys` as ``(doc_id, number, title)`` tuples, for its summary.

    Only the head of the text is kept (:func:`own_number` reads no further).
    """
    docs = documents[["doc_id", "title_zh", "doc_number", "text"]].copy()
    docs["text"] = docs["text"].str.slice(0, OWN_NUMBER_HEAD_CHARS)
    return list(document_keys(docs).itertuples(index=False, name=None))


def corpus_keys(per_document: Iterable[list[tuple]]) -> pd.DataFrame:
    """The keys of every document the tables keep, from their summaries' :func:`citation_keys` (in doc_id order)."""
    return pd.DataFrame([row for rows in per_document for row in rows], columns=KEY_COLUMNS)


def keys_digest(keys: pd.DataFrame) -> str:
    """A digest of the corpus's keys: a batch's resolved citations depend on them and on its documents only."""
    h = hashlib.sha256()
    for row in keys.itertuples(index=False, name=None):
        h.update(repr(row).encode("utf-8") + b"\n")
    return h.hexdigest()
