"""The optional ``manifest.csv`` of a corpus folder: metadata rows keyed by file, and warnings.

Manifest problems never crash or stop the build and never read outside the
corpus folder: the manifest is opened like a corpus file (no links followed,
regular files only, at most ``max_file_bytes``), and a manifest that cannot be
read or decoded, a malformed line, an over-long value, unknown columns, rows
naming missing files or paths outside the folder, duplicate rows and impossible
dates are warnings naming the line; the offending value (or row, or manifest)
is ignored.
"""

from __future__ import annotations

import csv
import posixpath
import re
import stat
from pathlib import Path

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError
from eduanalysis.read.files import FileRejected, decode_bytes, display_name, read_corpus_bytes
from eduanalysis.read.metadata import iso_date

#: Manifest columns the reader knows; every column but ``file`` is optional.
MANIFEST_COLUMNS = (
    "file", "region_zh", "region_en", "province_zh", "province_en", "admin_level", "issuer_zh",
    "title_zh", "doc_number", "doc_type_zh", "doc_type_en", "written_date", "published_date",
    "plan_start_year", "plan_end_year", "metadata_notes",
)
#: Longest manifest value kept (characters); a longer one is ignored with a warning.
MAX_VALUE_CHARS = 10_000


def _exists_below(corpus_dir: Path, rel: str) -> bool:
    """Whether ``rel`` names a regular file reached without links (checked with lstat, nothing is read)."""
    path = corpus_dir
    for part in rel.split("/"):
        path = path / part
        try:
            mode = path.lstat().st_mode
        except (OSError, ValueError):  # ValueError: a NUL byte in the name
            return False
        if stat.S_ISLNK(mode):
            return False
    return stat.S_ISREG(mode)


def read_manifest(corpus_dir: str | Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Read ``manifest.csv`` of a corpus folder: rows keyed by relative path, and warnings."""
    corpus_dir = Path(corpus_dir)
    path = corpus_dir / config.MANIFEST_NAME
    where_file = str(path)
    try:
        path.lstat()
    except OSError:
        return {}, []
    try:
        data = read_corpus_bytes(corpus_dir, config.MANIFEST_NAME)
    except FileRejected as exc:
        return {}, [f"{where_file}: {exc}; the manifest is ignored"]
    try:
        text, _ = decode_bytes(data, where_file)
    except EduAnalysisError as exc:
        return {}, [f"{exc}; the manifest is ignored"]
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        return _parse(corpus_dir, text, where_file)
    except Exception as exc:  # manifest problems never stop the build, even unforeseen ones
        return {}, [f"{where_file}: cannot be read ({type(exc).__name__}: {str(exc)[:200]}); the manifest is ignored"]
    finally:
        csv.field_size_limit(old_limit)


def _parse(corpus_dir: Path, text: str, where_file: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    reader = csv.DictReader(text.splitlines())
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        return {}, [f"{where_file}, line 1: malformed header ({exc}); the manifest is ignored"]
    if not fieldnames or "file" not in [(f or "").strip() for f in fieldnames]:
        return {}, [f"{where_file}: no 'file' column; the manifest is ignored (add a header row with a 'file' column)"]
    warnings = []
    unknown = [f for f in fieldnames if (f or "").strip() not in MANIFEST_COLUMNS]
    if unknown:
        warnings.append(f"{where_file}: unknown columns {unknown} are ignored (known: {', '.join(MANIFEST_COLUMNS)})")
    rows: dict[str, dict[str, str]] = {}
    lineno = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            warnings.append(f"{where_file}, line {reader.line_num}: malformed ({exc}); the rest of the manifest is "
                            "ignored")
            break
        lineno = reader.line_num
        where = f"{where_file}, line {lineno}"
        row = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items() if k}
        for col, value in list(row.items()):
            if len(value) > MAX_VALUE_CHARS:
                warnings.append(f"{where}: {col} is {len(value):,} characters long (more than {MAX_VALUE_CHARS:,}); "
                                "ignored")
                row[col] = ""
        name = row.get("file", "").replace("\\", "/")
        if not name:
            warnings.append(f"{where}: empty 'file'; row ignored")
            continue
        rel = posixpath.normpath(name)
        shown = display_name(name)[:200]
        if posixpath.isabs(rel) or rel == ".." or rel.startswith("../") or re.match(r"^[A-Za-z]:", rel):
            warnings.append(f"{where}: {shown!r} points outside the corpus folder; row ignored")
            continue
        if not _exists_below(corpus_dir, rel):
            warnings.append(f"{where}: file {shown!r} does not exist in the corpus folder (or is a link, which is "
                            "not followed); row ignored")
            continue
        if rel in rows:
            warnings.append(f"{where}: duplicate row for {shown!r}; the first one is kept")
            continue
        for col in ("written_date", "published_date"):
            if row.get(col) and not iso_date(row[col]):
                warnings.append(f"{where}: {col} {row[col]!r} is not a valid date; ignored")
                row[col] = ""
        for col in ("plan_start_year", "plan_end_year"):
            if row.get(col) and not re.fullmatch(r"\d{4}", row[col]):
                warnings.append(f"{where}: {col} {row[col]!r} is not a year; ignored")
                row[col] = ""
        rows[rel] = {k: v for k, v in row.items() if k in MANIFEST_COLUMNS and v}
    return rows, warnings

