"""The build: corpus folder -> validated tables in the processed folder, and loading them back.

``build`` chains the named tables — documents -> sections/measures ->
responsibilities / targets — validates each against :mod:`eduanalysis.schema`
and writes it as Parquet and CSV (UTF-8, LF, rows sorted by key).

It scales to tens of thousands of documents on one machine:

- **per document**: :func:`process_document` is the unit of work; workers (a
  local process pool, or a Dask cluster — :mod:`eduanalysis.build.executors`) run it
  on tasks of :data:`TASK_DOCS` documents and store each result on disk;
- **incremental**: results are cached by a hash of the file's bytes, its
  manifest row and the code/resource version (:mod:`eduanalysis.build.cache`), so a
  rebuild re-reads only changed documents, and writes nothing when no input
  changed and the outputs are those it wrote last (``.build.json``);
- **streaming**: the tables are merged in batches of about :data:`BATCH_DOCS`
  documents, in ``doc_id`` order (every key starts with the doc_id), and written
  as they go (:mod:`eduanalysis.build.store`), so memory is bounded by the
  batch, not the corpus; with two or more workers the groups of tables in
  :data:`MERGE_GROUPS` are written by processes of their own, side by side, in
  the pool that read the documents. The files do not depend on workers,
  scheduler or batch size;
- **incremental merge**: each table's merged batch is kept in the cache
  (:mod:`eduanalysis.build.segments`) and reused while its documents are
  unchanged; batches are cut by content, so a changed, added or removed
  document re-merges its batch only, and the rest is copied.

Every file is written into a staging folder and moved into place at the end, so
an interrupted build leaves the previous outputs intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from eduanalysis import schema
from eduanalysis.build import cache, executors, links, segments
from eduanalysis.build import store as tablefiles
from eduanalysis.build.store import TableWriter, read_table, write_frame
from eduanalysis.errors import EduAnalysisError
from eduanalysis.extract.citations import citations, document_keys, key_index, resolve
from eduanalysis.extract.responsibilities import responsibilities
from eduanalysis.extract.structure import sections_and_measures
from eduanalysis.extract.targets import targets
from eduanalysis.read import documents as corpus

#: Tables in the order they are built (and listed by ``load``).
CORE_TABLES = ("documents", "boilerplate", "rejects", "sections", "measures", "responsibilities", "targets",
               "citations")

#: Documents per task handed to a worker: enough to amortise the hand-off, few enough to balance the load.
TASK_DOCS = 8
#: Documents whose tables are merged and written at a time: the build's memory grows with this, not the corpus.
BATCH_DOCS = 200
#: The core tables but rejects, in groups of about equal cost to merge and write (CPU seconds at 1,000 synthetic
#: documents: documents 2.95, citations 1.21, boilerplate 0.32 | measures 1.69, targets 1.66, sections 0.85,
#: responsibilities 0.38): with two or more workers each group is written by its own process.
MERGE_GROUPS = (("documents", "boilerplate", "citations"), ("sections", "measures", "targets", "responsibilities"))
#: The cache folder inside the output folder unless ``cache_dir`` names another.
CACHE_DIRNAME = ".cache"
#: Written beside the tables: the inputs' fingerprint and the files as written, so an unchanged rebuild can stop early.
STAMP_NAME = ".build.json"


@dataclass
class BuildResult:
    """What a build produced: the tables, warnings (manifest problems) and the output folder.

    After :func:`build`, ``tables`` reads each table from the output folder when
    first used (a large corpus's tables need not fit in memory), ``stats`` holds
    row counts, and ``processed`` / ``reused`` count the documents read afresh
    and those taken from the cache.
    """

    tables: Mapping[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)
    out_dir: Path | None = None
    stats: dict[str, int] | None = None
    processed: int | None = None
    reused: int | None = None
    #: Things the user should know that are not problems of the input (a corrupt cache entry re-read …).
    notes: list[str] = field(default_factory=list)

    def _rows(self, name: str) -> int:
        return self.stats[name] if self.stats is not None else len(self.tables[name])

    def summary(self) -> str:
        rows = self._rows
        line = (f"{rows('documents')} documents ({rows('rejects')} rejected): {rows('sections')} sections, "
                f"{rows('measures')} measures, {rows('targets')} targets")
        if rows("targets"):
            mapped = (self.stats["targets_mapped"] / self.stats["targets"] if self.stats is not None
                      else self.tables["targets"]["indicator_id"].notna().mean())
            line += f" ({mapped:.0%} mapped to canonical indicators)"
        line += f", {rows('responsibilities')} responsibilities, {rows('citations')} citations"
        if self.processed is not None:
            line += f"; {self.processed} documents read, {self.reused} from the cache"
        return line + (f" -> {self.out_dir}" if self.out_dir else "")


class LazyTables(Mapping):
    """The core tables of an output folder, each read (and validated) on first access."""

    def __init__(self, folder: str | Path, names: tuple[str, ...] = CORE_TABLES):
        self.folder = Path(folder)
        self._names = names
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._loaded:
            if not self._loaded:
                check_table_set(self.folder)
            self._loaded[name] = read_table(self.folder, name)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def process_document(corpus_dir: str | Path, source_file: str, manifest_row: dict[str, str] | None = None,
                     types: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every per-document table for one file of the corpus (pure apart from reading that file).

    Returns ``{"rejects": …}`` with one row when the file cannot be read as a
    document, else the document's rows of documents, boilerplate, sections,
    measures, responsibilities and targets. This is the unit of work that
    parallel and incremental builds distribute and cache.
    """
    types = corpus.read_doc_types() if types is None else types
    name = Path(source_file).name
    try:
        read = corpus.read_corpus_file(corpus_dir, source_file)
    except EduAnalysisError as exc:
        return {"rejects": _reject(source_file, str(exc).removeprefix(f"{name}: "), corpus_dir)}
    except Exception as exc:  # no single file may stop the build: an unforeseen failure is a reject too
        return {"rejects": _reject(source_file, _unexpected("reading", exc), corpus_dir)}
    if not read.raw.strip():
        return {"rejects": _reject(source_file, "no text: the file holds only white space")}
    try:
        return _tables(source_file, read, manifest_row, types)
    except EduAnalysisError as exc:
        return {"rejects": _reject(source_file, str(exc), corpus_dir)}
    except Exception as exc:
        return {"rejects": _reject(source_file, _unexpected("analysing", exc), corpus_dir)}


def _tables(source_file: str, read: corpus.RawDocument, manifest_row: dict[str, str] | None,
            types: pd.DataFrame) -> dict[str, pd.DataFrame]:
    record, spans = corpus.document_record(source_file, read.raw, read.encoding, read.file_format, manifest_row,
                                           types, read.properties)
    if record["body_start"] >= record["body_end"]:
        return {"rejects": _reject(source_file, "no body found: the file holds only page furniture "
                                                "(navigation, metadata, notices)")}
    documents = pd.DataFrame([record], columns=schema.DOCUMENTS.column_names)
    boilerplate = pd.DataFrame(spans, columns=schema.BOILERPLATE.column_names)
    # Pieces are validated once, when combine() joins them, not once per document.
    sections, measures = sections_and_measures(documents, boilerplate, validate=False)
    return {
        "documents": documents, "boilerplate": boilerplate, "sections": sections, "measures": measures,
        "responsibilities": responsibilities(measures, validate=False),
        "targets": targets(documents, sections, measures, validate=False),
        "citations": citations(documents, measures, validate=False),
    }


def _unexpected(stage: str, exc: Exception) -> str:
    message = str(exc).splitlines()[0][:200] if str(exc) else ""
    return (f"an unexpected error while {stage} the file ({type(exc).__name__}: {message}); the file is skipped: "
            "please report it, with the file, as an eduanalysis bug")


def _reject(source_file: str, reason: str, corpus_dir: str | Path | None = None) -> pd.DataFrame:
    """One ``rejects`` row; a reason never carries the corpus folder's absolute path (rebuilds of a moved corpus agree)."""
    if corpus_dir is not None:
        for root in sorted({str(Path(corpus_dir)), str(Path(corpus_dir).resolve())}, key=len, reverse=True):
            if len(root) > 1:
                reason = reason.replace(root + os.sep, "").replace(root, "the corpus folder")
    return pd.DataFrame([{"source_file": source_file, "reason": reason}])


def combine(results: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate per-document results into validated tables.

    A document whose text duplicates an earlier one (in ``source_file`` order)
    moves to ``rejects`` and its rows leave every other table.
    """
    summaries = [_summary(r) for r in results]
    duplicates = duplicate_texts(summaries)
    kept, rejects = [], []
    for r, s in zip(results, summaries, strict=True):
        if s["reject"] is not None:
            rejects.append(r["rejects"])
        elif s["source_file"] in duplicates:
            rejects.append(_reject(s["source_file"], duplicates[s["source_file"]]))
        else:
            kept.append(r)
    tables = {"rejects": _concat(rejects, "rejects")}
    for name in CORE_TABLES:
        if name != "rejects":
            tables[name] = _concat([r[name] for r in kept], name)
    return {name: tables[name] for name in CORE_TABLES}


def _summary(result: dict[str, pd.DataFrame]) -> dict:
    """What deciding duplicates and rejects needs of a document's result: file, doc_id, text hash, reject reason."""
    if "rejects" in result:
        row = result["rejects"].iloc[0]
        return {"source_file": row["source_file"], "doc_id": corpus.doc_id_for(row["source_file"]),
                "content_sha1": None, "reject": row["reason"]}
    doc = result["documents"].iloc[0]
    return {"source_file": doc["source_file"], "doc_id": doc["doc_id"], "content_sha1": doc["content_sha1"],
            "reject": None}


def duplicate_texts(summaries: list[dict]) -> dict[str, str]:
    """``{source_file: reason}`` for each document whose text an earlier one (in ``source_file`` order) has.

    >>> duplicate_texts([{"source_file": "b.txt", "content_sha1": "x", "reject": None},
    ...                  {"source_file": "a.txt", "content_sha1": "x", "reject": None}])
    {'b.txt': 'duplicate of a.txt (same text)'}
    """
    seen: dict[str, str] = {}
    duplicates = {}
    for s in sorted(summaries, key=lambda s: str(s["source_file"])):
        if s["reject"] is not None:
            continue
        if s["content_sha1"] in seen:
            duplicates[s["source_file"]] = f"duplicate of {seen[s['content_sha1']]} (same text)"
        else:
            seen[s["content_sha1"]] = s["source_file"]
    return duplicates


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    df = pd.concat(frames, ignore_index=True) if frames else schema.empty(name)
    return schema.validate(df, name)


def build_tables(corpus_dir: str | Path, progress: bool = False) -> BuildResult:
    """Build every core table in memory (nothing is written)."""
    corpus_dir = Path(corpus_dir)
    files, skipped = corpus.corpus_entries(corpus_dir)
    manifest, warnings = corpus.read_manifest(corpus_dir)
    types = corpus.read_doc_types()
    results = [{"rejects": _reject(rel, reason)} for rel, reason in skipped]
    for rel in _progress(files, progress, "reading"):
        results.append(process_document(corpus_dir, rel, manifest.get(rel), types))
    tables = combine(results)
    # Citations link documents: resolved once every document is known (build() does it after the merge).
    tables["citations"] = resolve(tables["citations"], document_keys(tables["documents"]))
    return BuildResult(tables, warnings)


@dataclass(frozen=True)
class _Doc:
    """One file of the corpus as the build plans it: where it is, its key in the cache, its manifest row."""

    source_file: str
    doc_id: str
    key: str
    manifest_row: dict[str, str] | None
    #: The file's size in bytes: the largest are read first, so that no worker is left with a long one at the end.
    size: int = 0


def build(corpus_dir: str | Path = "data/raw", out_dir: str | Path = "data/processed", progress: bool = False, *,
          workers: int | None = None, scheduler: str = "processes", address: str | None = None,
          cache_dir: str | Path | None = None, use_cache: bool = True, batch_size: int = BATCH_DOCS,
          task_size: int = TASK_DOCS) -> BuildResult:
    """Read ``corpus_dir`` and write every table to ``out_dir`` as Parquet and CSV.

    ``workers`` processes (default: the cores) read the documents not in the
    cache (``cache_dir``, default ``out_dir/.cache``; ``use_cache=False`` reads
    every document and keeps nothing); ``scheduler="dask"`` runs them on the
    Dask scheduler at ``address`` or on a local cluster. The tables are the same
    whatever the workers, scheduler, batch size or cache. Returns the
    :class:`BuildResult` (tables read from ``out_dir`` on use, warnings, counts).

    The output folder is locked while the build runs (a second build into it
    stops at once with a message), and its table set is installed as a unit
    (:func:`eduanalysis.build.store.install`): a build that fails or is killed
    leaves the previous tables whole.
    """
    corpus_dir, out = Path(corpus_dir), Path(out_dir)
    for name, value in (("--batch-size", batch_size), ("task_size", task_size)):
        if value < 1:
            raise EduAnalysisError(f"{name} {value}: give a positive number of documents")
    n_workers = executors.check(scheduler, workers, address)
    if out.exists() and not out.is_dir():
        raise EduAnalysisError(f"--out {out} is a file, not a folder; name a folder for the tables")
    docs, skipped, warnings, version = _plan(corpus_dir)
    fingerprint = _fingerprint(version, docs, skipped)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tablefiles.locked(out, "build"):
            tablefiles.recover(out)
            if use_cache and (stats := _up_to_date(out, fingerprint)) is not None:
                return BuildResult(LazyTables(out), warnings, out, stats, processed=0, reused=len(docs))
            _refuse_foreign_tables(out)
            notes: list[str] = []
            stats, processed = _build_into(corpus_dir, out, docs, skipped, version, fingerprint, notes,
                                           scheduler=scheduler, workers=workers, address=address,
                                           n_workers=n_workers, cache_dir=cache_dir, use_cache=use_cache,
                                           batch_size=batch_size, task_size=task_size, progress=progress)
    except OSError as exc:
        raise _write_error(exc, out) from exc
    result = BuildResult(LazyTables(out), warnings, out, stats, processed=processed, reused=len(docs) - processed)
    result.notes = notes
    return result


def _build_into(corpus_dir: Path, out: Path, docs: list[_Doc], skipped: list[tuple[str, str]], version: str,
                fingerprint: str, notes: list[str], *, scheduler, workers, address, n_workers, cache_dir, use_cache,
                batch_size, task_size, progress) -> tuple[dict[str, int], int]:
    """Process, merge and install (the output folder is locked); returns row counts and documents read."""
    staging = Path(tempfile.mkdtemp(prefix=tablefiles.STAGING_PREFIX, dir=out))
    try:
        local = executors.default_workers() if scheduler == "dask" else n_workers
        # One pool of local processes for reading and merging, started now: it imports the package meanwhile;
        # it is shut down (its tasks done) before the staging folder its tasks write into is removed.
        with executors.local_pool(local, warm=__name__) as pool:
            store_root = (Path(cache_dir) if cache_dir else out / CACHE_DIRNAME) if use_cache else staging / "store"
            store = cache.ResultStore(store_root, version)
            missing = [d for d in docs if not store.has(d.key)]
            summaries = _process(corpus_dir, missing, store, scheduler, workers, address, task_size, progress,
                                 pool)
            processed = len(missing)
            for d in docs:
                if d.key not in summaries:
                    try:
                        summaries[d.key] = store.summary(d.key)
                    except cache.CorruptEntry as exc:
                        summaries.update(_reread(corpus_dir, [d], store, exc, notes))
                        processed += 1
            for _ in range(len(docs) + 1):
                try:
                    shutil.rmtree(staging / "tables", ignore_errors=True)
                    stats, used = _merge(docs, skipped, summaries, store, staging / "tables", batch_size, local,
                                         notes, use_cache, progress, pool)
                    break
                except cache.CorruptEntry as exc:
                    bad = [d for d in docs if d.key == exc.key]
                    if not bad:
                        raise
                    summaries.update(_reread(corpus_dir, bad, store, exc, notes))
                    processed += 1
            record = {"fingerprint": fingerprint, "corpus": str(corpus_dir.resolve()), "stats": stats}
            _install(staging / "tables", out, record)
            if use_cache:
                store.prune_other_versions()
                segments.SegmentStore(_segments_folder(store)).prune(used)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return stats, processed


def _reread(corpus_dir: Path, docs: list[_Doc], store: cache.ResultStore, exc: cache.CorruptEntry,
            notes: list[str]) -> dict[str, dict]:
    """Drop a corrupt cache entry and read its document again, here; note it for the user."""
    notes.append(str(exc))
    store.drop(exc.key)
    root = str(corpus_dir.resolve())
    return dict(process_batch(root, [(d.source_file, d.manifest_row, d.key) for d in docs],
                              str(store.root.resolve()), store.version))


def _refuse_foreign_tables(out: Path) -> None:
    """Never overwrite tables a build did not write: table files in a folder no install marked are the user's."""
    if (out / STAMP_NAME).exists() or (out / tablefiles.OWNER_MARKER).exists():
        return
    theirs = sorted(p.name for n in CORE_TABLES for p in (out / f"{n}.parquet", out / f"{n}.csv") if p.exists())
    if theirs:
        raise EduAnalysisError(f"{out} holds {', '.join(theirs)} that no eduanalysis build wrote (there is no "
                               f"{tablefiles.OWNER_MARKER}); move them elsewhere or choose another output folder "
                               "(the build would overwrite them)")


def _write_error(exc: OSError, out: Path) -> EduAnalysisError:
    """A clear message for a failed write into the output folder (read-only, disk full …)."""
    import errno

    where = exc.filename or out
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        advice = "the disk is full: free some space (or choose another --out) and build again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = f"the output folder is not writable: fix its permissions or choose another --out than {out}"
    else:
        advice = f"check the output folder {out} (or choose another --out)"
    return EduAnalysisError(f"{where}: cannot write ({exc.strerror or exc}); {advice}; the previous tables are "
                            "unchanged")


def _plan(corpus_dir: Path) -> tuple[list[_Doc], list[tuple[str, str]], list[str], str]:
    """The corpus's files with their cache keys (bytes + manifest row + code version), the paths rejected before
    reading (links, hidden, unreadable …), the manifest warnings and the code version."""
    files, skipped = corpus.corpus_entries(corpus_dir)
    manifest, warnings = corpus.read_manifest(corpus_dir)
    version = cache.code_version()
    docs = []
    for rel in files:
        try:
            data = corpus.read_corpus_bytes(corpus_dir, rel)
        except corpus.FileRejected as exc:
            skipped.append((rel, str(exc)))
            continue
        docs.append(_Doc(rel, corpus.doc_id_for(rel), cache.document_key(rel, data, manifest.get(rel), version),
                         manifest.get(rel), len(data)))
    return docs, sorted(skipped), warnings, version


def _fingerprint(version: str, docs: list[_Doc], skipped: list[tuple[str, str]] = ()) -> str:
    h = hashlib.sha256(version.encode())
    for d in docs:
        h.update(f"\n{d.source_file}\t{d.key}".encode())
    for rel, reason in skipped:
        h.update(f"\n{rel}\t!{reason}".encode())
    return h.hexdigest()


def _process(corpus_dir: Path, docs: list[_Doc], store: cache.ResultStore, scheduler: str, workers: int | None,
             address: str | None, task_size: int, progress: bool, pool=None) -> dict[str, dict]:
    """Read the documents (in workers), store their results, return their summaries by key."""
    root = str(corpus_dir.resolve())
    # Dask workers may be other installs: they check their code version. Local workers are this checkout.
    client = f"{socket.gethostname()}:{os.getpid()}" if scheduler == "dask" else None
    docs = sorted(docs, key=lambda d: -d.size)  # longest first: the last tasks to finish are short ones
    tasks = [(root, [(d.source_file, d.manifest_row, d.key) for d in docs[i:i + task_size]],
              str(store.root.resolve()), store.version, client) for i in range(0, len(docs), task_size)]
    if scheduler != "dask" and not tasks:
        return {}
    summaries: dict[str, dict] = {}
    bar = _bar(len(docs), progress, "reading")
    for done in executors.run(process_batch, tasks, scheduler, workers, address, pool):
        summaries.update(done)
        bar.update(len(done))
    bar.close()
    return summaries


def process_batch(corpus_dir: str, items: list[tuple[str, dict | None, str]], store_root: str,
                  version: str, client: str | None = None) -> list[tuple[str, dict]]:
    """Worker side: process each ``(source_file, manifest_row, key)`` and store its result under ``key``.

    Returns ``(key, summary)`` pairs. Given a ``client`` (a Dask build), a
    worker other than that process refuses to run when its code version differs
    from the client's: its results would be stored under keys that do not
    describe them.
    """
    if (client is not None and client != f"{socket.gethostname()}:{os.getpid()}"
            and (mine := cache.code_version()) != version):
        raise EduAnalysisError(f"worker on {socket.gethostname()} runs eduanalysis code version {mine}, the build "
                               f"{version}: install the same eduanalysis (code and resources) on every worker, "
                               "and do not edit the package while a build runs")
    store = cache.ResultStore(store_root, version)
    types = corpus.read_doc_types()
    done = []
    for source_file, manifest_row, key in items:
        result = process_document(corpus_dir, source_file, manifest_row, types)
        summary = _summary(result)
        if summary["reject"] is None:  # what resolving citations needs of it, so the merge need not read it
            summary["citation_keys"] = links.citation_keys(result["documents"])
        store.put(key, summary, result)
        done.append((key, summary))
    return done


def _segments_folder(store: cache.ResultStore) -> Path:
    return store.folder / segments.SEGMENTS_DIRNAME


def _merge(docs: list[_Doc], skipped: list[tuple[str, str]], summaries: dict[str, dict], store: cache.ResultStore,
           folder: Path, batch_size: int, workers: int, notes: list[str], use_segments: bool,
           progress: bool, pool=None) -> tuple[dict[str, int], list[Path]]:
    """Write every core table into ``folder``; return row counts and the merged segments the tables were made of.

    The kept documents, in doc_id order, are cut into content-defined batches
    (:func:`eduanalysis.build.segments.batches`); with ``use_segments`` each
    table's batch is taken from the cache's segment when there is one, else
    merged from the documents' results and stored as a segment. The groups of
    :data:`MERGE_GROUPS` are written side by side: the first in this process,
    the others in ``workers - 1`` more processes (one after the other here when
    ``workers`` is 1).
    """
    duplicates = duplicate_texts(list(summaries.values()))
    rejects = [{"source_file": d.source_file, "reason": summaries[d.key]["reject"] or duplicates[d.source_file]}
               for d in docs if summaries[d.key]["reject"] is not None or d.source_file in duplicates]
    rejects += [{"source_file": rel, "reason": reason} for rel, reason in skipped]
    rejected = {r["source_file"] for r in rejects}
    kept = sorted((d for d in docs if d.source_file not in rejected), key=lambda d: d.doc_id)
    keys = [d.key for d in kept]
    batches = [keys[cut] for cut in segments.batches([d.doc_id for d in kept], batch_size)]
    citation_keys = links.corpus_keys(summaries[k]["citation_keys"] for k in keys)
    seg_root = str(_segments_folder(store).resolve()) if use_segments else None
    here = len(MERGE_GROUPS) if workers == 1 else 1  # the groups this process writes (and the bar shows)
    bar = _bar(len(keys) * here, progress, "writing")
    tasks = [({n: tablefiles.group_rows(n) for n in group}, batches, str(store.root.resolve()), store.version,
              str(folder.resolve()), seg_root, citation_keys if "citations" in group else None)
             for group in MERGE_GROUPS]
    stats = {"rejects": len(rejects)}
    for counts, group_notes in executors.run_alongside(write_group, tasks, workers, pool, progress=bar.update):
        stats.update(counts)
        notes.extend(group_notes)
    bar.close()
    write_frame(_concat([pd.DataFrame(rejects, columns=schema.REJECTS.column_names)], "rejects"), "rejects", folder)
    used = []
    if use_segments:
        seg_store = segments.SegmentStore(seg_root)
        salt = links.keys_digest(citation_keys)
        used = [seg_store.path(kind, key) for group in MERGE_GROUPS for batch in batches
                for kind, key in segment_digests(group, batch, salt).items()]
    return stats, used


#: The segments of citations before they are resolved against the corpus's keys.
CITATION_ROWS = "citations-rows"


def segment_digests(names, batch: list[str], salt: str) -> dict[str, str]:
    """The segments of one batch of tables ``names``: folder -> digest (:func:`eduanalysis.build.segments.digest`).

    Citations have two: the resolved rows, named with ``salt`` (the digest of
    the corpus's citation keys) as well, and the rows before resolution
    (:data:`CITATION_ROWS`), for when the keys change.
    """
    digests = {n: segments.digest(n, batch, salt if n == "citations" else "") for n in names}
    if "citations" in names:
        digests[CITATION_ROWS] = segments.digest(CITATION_ROWS, batch)
    return digests


def write_group(group: dict[str, int], batches: list[list[str]], store_root: str, version: str, folder: str,
                segments_root: str | None = None, citation_keys: pd.DataFrame | None = None,
                progress: Callable[[int], object] | None = None) -> tuple[dict[str, int], list[str]]:
    """Write tables ``group`` (name: rows per row group) of the documents in ``batches`` (lists of cache keys, in
    doc_id order) into ``folder``.

    Each table's batch comes from its segment below ``segments_root`` when
    there is one (a segment that cannot be read is dropped, noted, and made
    again), else is merged from the documents' results and, given
    ``segments_root``, stored as a segment. Citations are resolved against
    ``citation_keys`` (the corpus's, :func:`eduanalysis.build.links.corpus_keys`):
    their segment is named with a digest of those keys too, and when the keys
    changed (a document added, say), the batch is resolved again from a second
    segment, of its rows before resolution (:func:`segment_digests`).
    ``progress(n)`` is called after each batch of ``n``. Returns the row count
    of each table (and ``targets_mapped`` when ``targets`` is among them), and
    notes for the user.
    """
    store = cache.ResultStore(store_root, version)
    seg_store = segments.SegmentStore(segments_root) if segments_root else None
    index = key_index(citation_keys) if "citations" in group else None
    salt = links.keys_digest(citation_keys) if "citations" in group else ""
    names, counts, notes = list(group), {"targets_mapped": 0} if "targets" in group else {}, []
    with ExitStack() as stack:
        writers = {n: stack.enter_context(TableWriter(n, folder, rows)) for n, rows in group.items()}
        for batch in batches:
            found, digests = {}, segment_digests(names, batch, salt)
            for kind, key in digests.items() if seg_store else ():
                if kind == CITATION_ROWS and "citations" in found:
                    continue  # the resolved batch is there: its rows are not needed
                try:
                    if (segment := seg_store.get(kind, key, "citations" if kind == CITATION_ROWS else kind)):
                        found[kind] = segment
                except cache.CorruptEntry as exc:
                    notes.append(str(exc))
                    seg_store.drop(kind, key)
            wanted = [n for n in names if n not in found and not (n == "citations" and CITATION_ROWS in found)]
            results = [store.get(key, wanted) for key in batch] if wanted else []
            for name in names:
                segment, meta = found.get(name), {}
                if segment:
                    writers[name].write_arrow(segment.csv, segment.table)
                    meta = segment.meta
                elif name == "citations":  # resolved against the corpus's keys: from its rows when they changed
                    rows_segment = found.get(CITATION_ROWS)
                    rows = (schema.validate(rows_segment.table.to_pandas(), name) if rows_segment
                            else _concat([r[name] for r in results], name))
                    if seg_store and not rows_segment:
                        seg_store.put_rows(CITATION_ROWS, digests[CITATION_ROWS], rows)
                    csv, table = writers[name].write(resolve(rows, index))
                    if seg_store:
                        seg_store.put(name, digests[name], csv, table)
                else:
                    piece = _concat([r[name] for r in results], name)
                    if name == "targets":
                        meta = {"targets_mapped": int(piece["indicator_id"].notna().sum())}
                    csv, table = writers[name].write(piece)
                    if seg_store:
                        seg_store.put(name, digests[name], csv, table, meta)
                if name == "targets":
                    counts["targets_mapped"] += meta["targets_mapped"]
            del found, results
            if progress is not None:
                progress(len(batch))
    counts.update({n: writers[n].rows for n in names})
    return counts, notes


def _install(folder: Path, out: Path, record: dict) -> None:
    """Install the written tables into ``out`` as a unit, ``.build.json`` (with the files as installed) last."""
    tablefiles.install(folder, out, STAMP_NAME, lambda: {**record, "outputs": _outputs(out)})


def _outputs(out: Path) -> dict[str, list[int]]:
    files = sorted(out / f"{n}.{ext}" for n in CORE_TABLES for ext in ("parquet", "csv"))
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in files if p.exists()}


def _up_to_date(out: Path, fingerprint: str) -> dict[str, int] | None:
    """The last build's row counts if it had these inputs and its outputs are untouched, else None."""
    try:
        record = json.loads((out / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    expected = {n: list(v) for n, v in record.get("outputs", {}).items()}
    if record.get("fingerprint") != fingerprint or len(expected) != 2 * len(CORE_TABLES) or _outputs(out) != expected:
        return None
    return record["stats"]


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path, wait: bool = False) -> None:
    """Write several tables so that an interruption leaves the previous set intact.

    Every file is first written into a staging folder beside ``out_dir``; only
    when all are written are they installed, as a unit
    (:func:`eduanalysis.build.store.install`), holding the folder's lock. A second
    writer stops with an error naming the holder, or with ``wait`` waits for it to finish.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tablefiles.locked(out, "write_tables", wait=wait):
            tablefiles.recover(out)
            staging = Path(tempfile.mkdtemp(prefix=tablefiles.STAGING_PREFIX, dir=out))
            try:
                for name, df in tables.items():
                    write_frame(schema.validate(df, name), name, staging)
                tablefiles.install(staging, out)
                if set(tables) & set(CORE_TABLES):  # the core set is no longer the one a build vouched for
                    (out / STAMP_NAME).unlink(missing_ok=True)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise _write_error(exc, out) from exc


def write_table(df: pd.DataFrame, name: str, out_dir: str | Path, wait: bool = False) -> None:
    """Validate ``df`` as table ``name`` and write ``name.parquet`` and ``name.csv`` (installed together).

    ``wait``: when another writer holds the folder, wait for it rather than stop (see :func:`write_tables`).
    """
    write_tables({name: df}, out_dir, wait=wait)


def check_table_set(folder: str | Path) -> None:
    """Refuse to read a folder whose core tables are not the set its last build installed.

    An interrupted install (its journal is there) or core table files whose
    sizes differ from those ``.build.json`` records (a file from another build
    or edited by hand) raise :class:`EduAnalysisError` saying how to rebuild.
    """
    folder = Path(folder)
    tablefiles.check_installed(folder)
    try:
        record = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
        recorded = {name: int(v[0]) for name, v in record["outputs"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return  # no build stamp: tables written by write_tables, or by hand
    changed = sorted(n for n, size in recorded.items() if not (folder / n).exists() or (folder / n).stat().st_size != size)
    if changed:
        raise EduAnalysisError(f"{folder}: {', '.join(changed)} differ from the table set the last build installed "
                               f"({STAMP_NAME}); the tables may be a mix of builds: run `eduanalysis build --out "
                               f"{folder}` again")


class Tables:
    """The tables of a processed folder as attributes (``t.documents``, ``t.targets`` …), for notebooks."""

    def __init__(self, processed_dir: str | Path, tables: dict[str, pd.DataFrame]):
        self.processed_dir = Path(processed_dir)
        self._tables = tables

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("_tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table {name!r} in {self.__dict__.get('processed_dir')}; "
                             f"available: {', '.join(tables)}")

    def __dir__(self):
        return [*super().__dir__(), *self._tables]

    @property
    def names(self) -> list[str]:
        return list(self._tables)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(df)}" for n, df in self._tables.items())
        return f"<Tables {self.processed_dir}: {parts}>"


def load(processed_dir: str | Path = "data/processed") -> Tables:
    """Load every table of a processed folder.

    >>> t = load("data/processed")  # doctest: +SKIP
    >>> t.targets.head()  # doctest: +SKIP
    """
    folder = Path(processed_dir)
    if not (folder / "documents.parquet").exists() and not (folder / "documents.csv").exists():
        raise EduAnalysisError(f"{folder} holds no built tables; run `eduanalysis build --out {folder}` first")
    check_table_set(folder)
    names = [n for n in CORE_TABLES if (folder / f"{n}.parquet").exists() or (folder / f"{n}.csv").exists()]
    tables = {n: read_table(folder, n) for n in names}
    for name in sorted({p.stem for p in folder.glob("*.parquet")} - set(names)):
        # An analysis table written by an older version must not stop the core tables from loading.
        try:
            tables[name] = read_table(folder, name)
        except EduAnalysisError as exc:
            warnings.warn(f"{folder / name}.parquet skipped: {exc}; rerun `eduanalysis report` to rewrite it",
                          stacklevel=2)
    return Tables(folder, tables)


def _progress(items, enabled: bool, desc: str):
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="file", file=sys.stderr, leave=False)


def _bar(total: int, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False, disable=not enabled)
