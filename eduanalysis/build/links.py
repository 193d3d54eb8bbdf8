"""The corpus-level step of the build: link each citation to the cited document once every document is known.

Citations are found per document (:func:`eduanalysis.extract.citations.citations`, in the
workers, cached with the document); which document of the corpus a citation names
can only be decided when all are known, so :func:`resolve_citations` runs after the
merge, on the written ``documents`` and ``citations`` tables, and rewrites
``citations`` with ``cited_doc_id`` and ``match`` filled. Only the columns the
matching needs are read, a batch of documents at a time (the texts of a large
corpus need not fit in memory; of each text only its head is kept).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eduanalysis.build.store import read_table, write_frame
from eduanalysis.extract.citations import OWN_NUMBER_HEAD_CHARS, document_keys, resolve

#: Documents read at a time for their keys.
KEY_BATCH = 512


def corpus_keys(folder: Path) -> pd.DataFrame:
    """:func:`document_keys` of every document in ``folder/documents.parquet``."""
    import pyarrow.parquet as pq

    parts = []
    with pq.ParquetFile(folder / "documents.parquet") as f:
        for batch in f.iter_batches(batch_size=KEY_BATCH, columns=["doc_id", "title_zh", "doc_number", "text"]):
            docs = batch.to_pandas()
            docs["text"] = docs["text"].str.slice(0, OWN_NUMBER_HEAD_CHARS)
            parts.append(document_keys(docs))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["doc_id", "number", "title"])


def resolve_citations(folder: str | Path) -> None:
    """Rewrite ``folder``'s citations table (Parquet and CSV) with the cited documents resolved."""
    folder = Path(folder)
    write_frame(resolve(read_table(folder, "citations"), corpus_keys(folder)), "citations", folder)
