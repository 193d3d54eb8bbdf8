"""Merged batches of the tables, kept in the build's cache, so that a rebuild re-merges only the batches that changed.

The build merges its tables a batch of documents at a time (in ``doc_id``
order). For every table and batch it keeps a *segment* in the cache: the
batch's CSV lines (the bytes the table's CSV holds for those rows) and its rows
as Arrow data. A rebuild whose batch holds the same documents, with the same
results, copies the CSV bytes and hands the Arrow rows, read memory-mapped, to
the Parquet writer — no per-document pickles, pandas or CSV formatting — and
merges only the changed batch from the documents' results. The table files do
not depend on how they were cut into pieces (:mod:`eduanalysis.build.store`),
so a build from segments is byte-identical to one without.

Batch boundaries are content-defined (:func:`batches`): a batch starts at a
document whose ``doc_id`` hashes to 0 modulo the batch size, so adding or
removing a document changes its own batch only instead of shifting every later
one. A segment is named by a digest of its table, the cache keys of its
documents (which hold the code version) and, for citations, the corpus's
citation keys (:func:`digest`).

Segments live in ``<cache>/v-<version>/segments/<table>/<digest>.seg`` (pruned
with their version; a build removes the segments it did not use). A segment
that cannot be read back (truncated, garbled) is dropped and its batch merged
from the documents' results again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from eduanalysis import schema
from eduanalysis.build.cache import CorruptEntry

#: The folder of segments inside a cache version folder.
SEGMENTS_DIRNAME = "segments"
#: The first bytes of a segment file (the format's version).
MAGIC = b"EDUSEG1\n"
#: Byte alignment of the CSV and Arrow parts (Arrow reads its buffers in place when they are aligned).
ALIGN = 64
#: A batch holds at most this many times the batch size of documents (a run without a boundary is cut there).
CAP_FACTOR = 2
#: Seconds after which a temporary segment file is taken for the leftover of a killed build.
STALE_TMP_SECONDS = 3600


def starts_batch(doc_id: str, size: int) -> bool:
    """Whether a batch starts at ``doc_id``: its hash modulo ``size`` is 0 (about one document in ``size``).

    >>> starts_batch("x", 1)
    True
    """
    return int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:8], "big") % size == 0


def batches(doc_ids: Sequence[str], size: int) -> list[slice]:
    """Cut documents (sorted by ``doc_id``) into batches of about ``size``, at most ``CAP_FACTOR * size``.

    A batch ends before each document that :func:`starts_batch`, so the cuts
    depend on the doc_ids around them only: one added or removed document
    changes its batch (and, within a run cut at the cap, the batches up to the
    next boundary), not every later batch.

    >>> batches(["a", "b", "c"], 1)
    [slice(0, 1, None), slice(1, 2, None), slice(2, 3, None)]
    """
    cuts, start = [], 0
    for i, doc_id in enumerate(doc_ids):
        if i > start and (i - start >= CAP_FACTOR * size or starts_batch(doc_id, size)):
            cuts.append(slice(start, i))
            start = i
    if start < len(doc_ids):
        cuts.append(slice(start, len(doc_ids)))
    return cuts


def digest(name: str, keys: Iterable[str], salt: str = "") -> str:
    """The name of table ``name``'s segment of the documents ``keys`` (their cache keys, in order); ``salt`` names
    whatever else the rows depend on (the corpus's citation keys, for citations)."""
    h = hashlib.sha256(f"{name}\0{salt}\0".encode())
    for key in keys:
        h.update(key.encode() + b"\n")
    return h.hexdigest()


@dataclass
class Segment:
    """One table's rows of one batch: the CSV bytes, the Arrow rows and the counts stored with them."""

    csv: pa.Buffer
    table: pa.Table
    meta: dict


def _pad(n: int) -> int:
    return -n % ALIGN


class SegmentStore:
    """Segment files below ``folder`` (``<cache>/v-<version>/segments``), one per table and batch.

    Writes are atomic (temporary file, then rename), so two builds sharing a
    cache never see half a segment; a reader checks the magic, the lengths and a
    CRC of both parts before using one.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, name: str, key: str) -> Path:
        return self.folder / name / f"{key}.seg"

    def get(self, name: str, key: str, table: str | None = None) -> Segment | None:
        """The segment, or None when there is none; raises :class:`CorruptEntry` when it cannot be read back.

        Its columns must be those of table ``table`` (default ``name``).
        """
        table_name = table or name
        path = self.path(name, key)
        try:
            buf = pa.memory_map(str(path)).read_buffer()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._unreadable(path, key, exc) from exc
        try:
            view = memoryview(buf)
            if bytes(view[:len(MAGIC)]) != MAGIC:
                raise ValueError("not a segment file")
            size = int.from_bytes(view[len(MAGIC):len(MAGIC) + 8], "little")
            start = len(MAGIC) + 8
            meta = json.loads(bytes(view[start:start + size]))
            csv_at, arrow_at = meta.pop("csv_at"), meta.pop("arrow_at")
            csv_len, arrow_len, crc = meta.pop("csv_bytes"), meta.pop("arrow_bytes"), meta.pop("crc")
            if arrow_at + arrow_len != len(buf):
                raise ValueError(f"{len(buf)} bytes, not the {arrow_at + arrow_len} its header states")
            csv, arrow = buf.slice(csv_at, csv_len), buf.slice(arrow_at, arrow_len)
            if zlib.crc32(arrow, zlib.crc32(csv)) != crc:
                raise ValueError("the checksum does not match")
            table = pa.ipc.open_file(arrow).read_all()
            if table_name in schema.TABLES and table.column_names != schema.TABLES[table_name].column_names:
                raise ValueError(f"columns {table.column_names} are not those of table {table_name!r}")
            if table.num_rows != meta["rows"]:
                raise ValueError(f"{table.num_rows} rows, not the {meta['rows']} its header states")
        except Exception as exc:  # a garbled file raises many types
            raise self._unreadable(path, key, exc) from exc
        return Segment(csv, table, meta)

    @staticmethod
    def _unreadable(path: Path, key: str, exc: Exception) -> CorruptEntry:
        return CorruptEntry(f"{path}: cannot read the merged batch ({type(exc).__name__}: {str(exc)[:200]}); it is "
                            "dropped and the batch merged again from the documents' cached results", key)

    def put(self, name: str, key: str, csv: bytes, table: pa.Table, meta: dict | None = None) -> None:
        """Store table ``name``'s segment ``key``: its CSV bytes, its Arrow rows and ``meta`` (small JSON counts)."""
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        arrow = sink.getvalue()
        header = {**(meta or {}), "rows": table.num_rows, "csv_bytes": len(csv), "arrow_bytes": arrow.size,
                  "crc": zlib.crc32(arrow, zlib.crc32(csv)), "csv_at": 0, "arrow_at": 0}
        # The offsets are in the header, whose length depends on them: fixed-width numbers make it settle at once.
        head = len(MAGIC) + 8 + len(json.dumps(header)) + 2 * 20
        header["csv_at"] = head + _pad(head)
        header["arrow_at"] = header["csv_at"] + len(csv) + _pad(len(csv))
        text = json.dumps(header).encode()
        text += b" " * (header["csv_at"] - len(MAGIC) - 8 - len(text))
        path = self.path(name, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + len(text).to_bytes(8, "little") + text)
                fh.write(csv)
                fh.write(b"\0" * _pad(len(csv)))
                fh.write(arrow)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def put_rows(self, name: str, key: str, df) -> None:
        """Store the rows of a validated frame only, no CSV (the citations of a batch before they are resolved)."""
        self.put(name, key, b"", pa.Table.from_pandas(df, preserve_index=False))

    def drop(self, name: str, key: str) -> None:
        self.path(name, key).unlink(missing_ok=True)

    def prune(self, keep: Iterable[Path]) -> int:
        """Remove every segment but those in ``keep`` (the ones the build just used); return how many went.

        Temporary files are removed once they are :data:`STALE_TMP_SECONDS` old
        (a younger one may be another build's, being written).
        """
        keep = {Path(p) for p in keep}
        removed = 0
        if not self.folder.is_dir():
            return 0
        now = time.time()
        for table_dir in self.folder.iterdir():
            if not table_dir.is_dir() or table_dir.is_symlink():
                continue
            for path in table_dir.iterdir():
                try:
                    if path.suffix == ".seg" and path not in keep:
                        path.unlink()
                        removed += 1
                    elif path.suffix == ".tmp" and now - path.stat().st_mtime > STALE_TMP_SECONDS:
                        path.unlink()
                except FileNotFoundError:
                    pass
        return removed
