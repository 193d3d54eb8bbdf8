"""Reading: files in a corpus folder -> the ``documents`` and ``boilerplate`` tables.

Files on disk (which paths are documents, opening them safely, formats,
decoding, limits) are :mod:`eduanalysis.read.files`; the manifest is
:mod:`eduanalysis.read.manifest`; both are re-exported here. This module keeps
the raw text, builds an NFKC-normalised analysis text with an
offset map back to the raw text (traditional characters converted to
simplified), and assembles each ``documents`` row: the page furniture and the
metadata the text states come from :mod:`eduanalysis.read.metadata`; a manifest
(``manifest.csv`` in the corpus folder) fills gaps and wins on conflict; every
field records its origin (manifest / text / properties / inferred).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pandas as pd

from eduanalysis.read.files import (  # noqa: F401  (re-exported: the reading API in one place)
    NO_CHINESE,
    PDF_MIN_CHARS_PER_PAGE,
    UNREADABLE_FORMATS,
    FileRejected,
    RawDocument,
    corpus_entries,
    decode_bytes,
    has_chinese,
    html_to_text,
    parse_file,
    plausibility,
    read_corpus_bytes,
    read_corpus_file,
    read_file,
)
from eduanalysis.read.manifest import MANIFEST_COLUMNS, read_manifest  # noqa: F401  (re-exported)
from eduanalysis.read.metadata import (  # noqa: F401  (read_doc_types re-exported)
    doc_type,
    inferred_metadata,
    is_annual,
    plan_horizon,
    read_doc_types,
    region_fields,
    separate_boilerplate,
    stated_metadata,
)
from eduanalysis.text import normalise, raw_offsets, raw_span  # noqa: F401  (re-exported)

# The analysis text and its offsets: eduanalysis.text (re-exported here, where callers look for them).


# --- files -> documents ------------------------------------------------------------


def doc_id_for(source_file: str) -> str:
    """Stable document key from the file's path in the corpus (any name, even one that is not UTF-8).

    >>> doc_id_for("000_b243c2944faa9261.txt")
    'D59aad5c74d'
    """
    return "D" + hashlib.sha1(source_file.encode("utf-8", "surrogateescape")).hexdigest()[:10]


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The regular files below the corpus folder that are read as documents, in a stable order.

    The manifest, links, hidden files and anything that is not a regular file
    are left out; :func:`eduanalysis.read.files.corpus_entries` says why for each.
    """
    corpus_dir = Path(corpus_dir)
    return [corpus_dir / rel for rel in corpus_entries(corpus_dir)[0]]


def read_text_file(path: Path) -> tuple[str, str, str]:
    """``(raw_text, encoding, file_format)`` of :func:`read_file`, for callers that need no file properties."""
    doc = read_file(path)
    return doc.raw, doc.encoding, doc.file_format


#: Place columns filled from the manifest, else from the gazetteer's reading of the region.
PLACE_COLUMNS = ("region_en", "province_zh", "province_en", "prefecture_zh", "prefecture_en", "admin_level", "adcode")


def document_record(source_file: str, raw: str, encoding: str, file_format: str,
                    manifest_row: dict[str, str] | None = None,
                    types: pd.DataFrame | None = None,
                    properties: dict[str, str] | None = None) -> tuple[dict, list[dict]]:
    """One ``documents`` row and its ``boilerplate`` rows for a decoded file (pure).

    Each field is taken from the first source that has it — manifest, text,
    file properties (.docx/.pdf core properties), inferred — and ``*_origin``
    records which.
    """
    types = read_doc_types() if types is None else types
    manifest_row = manifest_row or {}
    text, script = to_simplified(normalise(raw))
    doc_id = doc_id_for(source_file)
    head = separate_boilerplate(text)
    body = text[head.body_start:head.body_end]
    sources = (("manifest", manifest_row), ("text", stated_metadata(text, head, types)),
               ("properties", properties or {}), ("inferred", inferred_metadata(source_file, text, head)))
    record: dict = {"doc_id": doc_id, "source_file": source_file, "file_format": file_format,
                    "encoding": encoding, "script": script}

    def settle(fld: str, *extra: tuple[str, dict]) -> None:
        record[fld], record[f"{fld}_origin"] = next(
            ((found[fld], origin) for origin, found in (*sources, *extra) if found.get(fld)), (None, None))

    for fld in ("title_zh", "enclosed_title_zh", "issuer_zh", "doc_number", "index_number", "written_date", "published_date"):
        settle(fld)
    place = region_fields(record["issuer_zh"], record["title_zh"])
    settle("region_zh", ("inferred", place))
    if record["region_zh_origin"] == "manifest":  # the manifest's region, located (its province, level …)
        place = region_fields(record["region_zh"], None)
    for col in PLACE_COLUMNS:
        record[col] = manifest_row.get(col) or place.get(col)
    # A cover notice's type is its enclosed document's (方案, 规划), as is its horizon.
    plan_title = record["enclosed_title_zh"] or record["title_zh"] or ""
    type_zh, type_en = doc_type(plan_title, types)
    title_origin = record["title_zh_origin"] if record["title_zh_origin"] in ("text", "properties") else "inferred"
    settle("doc_type_zh", (title_origin, {"doc_type_zh": type_zh}))
    if record["doc_type_zh_origin"] == "manifest":
        type_en = doc_type(record["doc_type_zh"], types)[1]
    record["doc_type_en"] = manifest_row.get("doc_type_en") or type_en
    issue_date = record["written_date"] or record["published_date"]
    start, end = plan_horizon(plan_title, body, is_annual(record["doc_type_zh"], types),
                              int(issue_date[:4]) if issue_date else None)
    record["plan_start_year"] = int(manifest_row.get("plan_start_year") or 0) or start
    settle("plan_end_year", ("inferred", {"plan_end_year": end}))
    if record["plan_end_year"] is not None:
        record["plan_end_year"] = int(record["plan_end_year"])
    record.update(
        n_chars=len(text), body_start=head.body_start, body_end=head.body_end,
        content_sha1=hashlib.sha1(text.encode("utf-8")).hexdigest(), raw_text=raw, text=text,
    )
    boiler = [{"doc_id": doc_id, "char_start": s, "char_end": e, "kind": k, "text": text[s:e]}
              for s, e, k in head.spans]
    return record, boiler


#: Share of CJK characters OpenCC must change before a text counts as traditional.
TRADITIONAL_MIN_SHARE = 0.02


def to_simplified(text: str) -> tuple[str, str]:
    """Convert a traditional-character text to simplified (OpenCC t2s); return ``(text, script)``.

    Conversion keeps every character's offset (OpenCC maps characters one to
    one; where a phrase would change length, characters are converted singly),
    so spans still map back to the raw text.

    >>> to_simplified("發展規劃,學前教育")
    ('发展规划,学前教育', 'traditional')
    >>> to_simplified("发展规划")
    ('发展规划', 'simplified')
    """
    converter = _opencc()
    converted = converter.convert(text)
    if len(converted) != len(text):
        converted = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in text)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") or 1
    changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    if changed / cjk < TRADITIONAL_MIN_SHARE:
        return text, "simplified"
    return converted, "traditional"


@functools.lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")
