"""The per-document result cache of incremental builds.

A document's tables depend on its file's bytes, its manifest row and the code
and resources that read it. :func:`document_key` hashes exactly those, with
:func:`code_version` standing for "the code and resources": a hash of the
modules the build runs (the shared top-level modules, ``read/``, ``extract/``
and ``build/``) and of the resources they read (``resources/read/`` and
``resources/extract/``), plus the versions of the libraries whose objects are
pickled. Editing the indicator registry or an extraction module invalidates
every cached result; editing an analysis or report module, the theme taxonomy
or the user dictionary keeps them all (no build step reads those). Entries live in ``<cache>/v-<version>/<key[:2]>/<key>.pkl``; a build
removes the folders of other versions it wrote (they hold a marker file), so the cache holds one code version.

Entries are pickles written by this package into a folder the user chose:
never point ``--cache`` at a folder written by anyone you do not trust.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError

#: The package folder whose code and resources make up the code version.
PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: What enters the code version: exactly what a build runs and reads. The top-level modules
#: (config, errors, schema, numbers, text, resources; cli and __init__ are thin and harmless),
#: the three build stages and their resources — not analyse/, report/, testing/ or their resources.
CODE_GLOBS = ("*.py", "read/**/*.py", "extract/**/*.py", "build/**/*.py",
              "resources/read/**/*", "resources/extract/**/*")

#: Prefix of a version folder inside a cache folder.
VERSION_PREFIX = "v-"
#: Written into every folder the cache creates: only folders holding it are ever pruned.
MARKER_NAME = ".eduanalysis-cache"


class CorruptEntry(EduAnalysisError):
    """A cached result that cannot be read back; the build drops it and reads the document again."""

    def __init__(self, message: str, key: str):
        super().__init__(message)
        self.key = key

    def __reduce__(self):
        return (CorruptEntry, (str(self), self.key))


def code_version(package_dir: str | Path | None = None) -> str:
    """Hash of the build's modules and resources (path and bytes of each), and of pandas/pyarrow versions.

    Computed afresh on every call (a few milliseconds), so an edited resource
    file is seen by the next build of a long-running session.

    >>> len(code_version())
    16
    """
    package_dir = Path(package_dir or PACKAGE_DIR)
    h = hashlib.sha256(f"pandas {pd.__version__} pyarrow {pyarrow.__version__}\n".encode())
    h.update(json.dumps(config.limits(), sort_keys=True).encode() + b"\n")  # the safety limits shape the results
    files = sorted({p for pattern in CODE_GLOBS for p in package_dir.glob(pattern)
                    if p.is_file() and "__pycache__" not in p.parts})
    for path in files:
        h.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def document_key(source_file: str, data: bytes, manifest_row: dict[str, str] | None, version: str) -> str:
    """Cache key of one document: its path in the corpus, its bytes, its manifest row and the code version.

    >>> document_key("a.txt", b"x", None, "v1") == document_key("a.txt", b"x", {}, "v1")
    True
    >>> document_key("a.txt", b"x", None, "v1") == document_key("a.txt", b"y", None, "v1")
    False
    """
    h = hashlib.sha256()
    for part in (version, source_file, json.dumps(manifest_row or {}, sort_keys=True, ensure_ascii=False)):
        h.update(part.encode("utf-8") + b"\0")
    h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


class ResultStore:
    """Per-document results on disk, one file per key, in the folder of one code version.

    Each file holds two pickles: a small summary (source file, doc_id, content
    hash or reject reason), then the document's tables, each pickled on its own,
    so a build can decide duplicates from the summaries without loading any
    table, and each process of a parallel merge unpickles only its tables.
    Writes are atomic (temporary file, then rename), so workers on the same
    machine, or on machines sharing the folder, can write concurrently.
    """

    def __init__(self, root: str | Path, version: str):
        self.root = Path(root)
        self.version = version
        self.folder = self.root / f"{VERSION_PREFIX}{version}"

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pkl"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def summary(self, key: str) -> dict:
        """The small summary stored with a result (the tables are not read)."""
        return self._load(key, 1)[0]

    def get(self, key: str, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
        """The document's tables (only ``names`` when given; a rejected document has only ``rejects``)."""
        tables = self._load(key, 2)[1]
        wanted = tables if names is None else [n for n in names if n in tables]
        try:
            return {name: pickle.loads(tables[name]) for name in wanted}
        except Exception as exc:
            raise self._unreadable(key, exc) from exc

    def _load(self, key: str, count: int) -> list:
        path = self.path(key)
        try:
            with open(path, "rb") as fh:
                return [pickle.load(fh) for _ in range(count)]
        except Exception as exc:  # a truncated or garbled pickle raises many types
            raise self._unreadable(key, exc) from exc

    def _unreadable(self, key: str, exc: Exception) -> CorruptEntry:
        return CorruptEntry(f"{self.path(key)}: cannot read the cached result ({type(exc).__name__}: "
                            f"{str(exc)[:200]}); it is dropped and the document read again", key)

    def drop(self, key: str) -> None:
        """Remove one entry (a corrupt one: the next lookup misses and the document is read again)."""
        self.path(key).unlink(missing_ok=True)

    def _mark(self) -> None:
        """Create the version folder, marking it and the cache root as written by this package."""
        if not (self.folder / MARKER_NAME).is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            for folder in (self.root, self.folder):
                marker = folder / MARKER_NAME
                if not marker.exists():
                    marker.write_text("eduanalysis build cache: folders holding this file may be pruned\n",
                                      encoding="utf-8")

    def put(self, key: str, summary: dict, result: dict[str, pd.DataFrame]) -> None:
        path = self.path(key)
        self._mark()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(summary, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump({name: pickle.dumps(df, protocol=pickle.HIGHEST_PROTOCOL) for name, df in result.items()},
                            fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def prune_other_versions(self) -> list[Path]:
        """Remove the folders of other code versions (their entries can never be hit again).

        Only folders this package wrote (holding :data:`MARKER_NAME`) are removed,
        so ``--cache DIR`` never deletes a user's own ``v-…`` folders.
        """
        removed = []
        if self.root.is_dir():
            for child in sorted(self.root.iterdir()):
                if (child.is_dir() and not child.is_symlink() and child.name.startswith(VERSION_PREFIX)
                        and child != self.folder and (child / MARKER_NAME).is_file()):
                    shutil.rmtree(child, ignore_errors=True)
                    removed.append(child)
        return removed
