"""Reading: files in a corpus folder -> the ``documents`` and ``boilerplate`` tables.

This is the only module that touches input files. It decodes each file
(UTF-8 with or without BOM, UTF-16, GB18030/GBK), reduces HTML to its visible
text, keeps the raw text, builds an NFKC-normalised analysis text with an
offset map back to the raw text (traditional characters converted to
simplified), and assembles each ``documents`` row: the page furniture and the
metadata the text states come from :mod:`eduanalysis.read.metadata`; a manifest
(``manifest.csv`` in the corpus folder) fills gaps and wins on conflict; every
field records its origin (manifest / text / properties / inferred).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError
from eduanalysis.read.metadata import (
    doc_type,
    inferred_metadata,
    is_annual,
    iso_date,
    plan_horizon,
    read_doc_types,
    region_fields,
    separate_boilerplate,
    stated_metadata,
)

# --- decoding -------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``.

    Order: a BOM decides; then strict UTF-8; otherwise GB18030 (a superset of
    GBK and GB2312) and UTF-16 LE/BE without BOM are tried and the decoding that
    reads most like Chinese text wins. Raises :class:`EduAnalysisError` naming the file when none fits.

    >>> decode_bytes("教育".encode("gbk"))
    ('教育', 'gb18030')
    >>> decode_bytes(b"\\xef\\xbb\\xbf" + "教育".encode())
    ('教育', 'utf-8-sig')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = None
    for encoding in ("gb18030", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[:4000])
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] < 0.8:
        raise EduAnalysisError(
            f"{name}: cannot decode as UTF-8, UTF-16 or GB18030 (the bytes do not read as Chinese text); "
            "re-save the file as UTF-8"
        )
    return best[1], best[2]


def plausibility(text: str) -> float:
    """Share of characters a Chinese policy text is made of: CJK ideographs, ASCII, CJK and full-width punctuation."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
             or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·")
    return ok / len(text)


# --- HTML -----------------------------------------------------------------------

_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button",
              "select", "svg", "template", "head")
_HTML_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                "section", "article", "ul", "ol", "dd", "dt", "blockquote", "pre")
#: class/id fragments of navigation furniture on government sites.
_HTML_NAV_HINT = re.compile(r"(^|[-_ ])(nav|menu|breadcrumb|crumb|footer|header|share|sidebar|topbar)([-_ ]|$)", re.I)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: scripts, styles and navigation dropped, blocks on their own lines.

    >>> html_to_text("<html><script>x=1</script><nav>首页</nav><p>一、总体要求</p><p>正文</p></html>")
    '一、总体要求\\n正文'
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(list(_HTML_DROP)):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        hint = " ".join([*(tag.get("class") or []), tag.get("id") or ""])
        if hint and _HTML_NAV_HINT.search(hint):
            tag.decompose()
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after("\t")
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = soup.get_text()
    lines = [re.sub(r"[ \t\r\f\v]+$", "", line).rstrip("\t") for line in text.split("\n")]
    return re.sub(r"\n(\s*\n)+", "\n", "\n".join(lines)).strip("\n")


# --- normalisation --------------------------------------------------------------


def normalise(raw: str) -> str:
    """NFKC analysis text (full-width digits, letters, punctuation folded; CRLF -> LF).

    Characters are folded one by one (never composed across characters), so
    offsets map back to the raw text with :func:`raw_offsets`.

    >>> normalise("到２０２５年，达９５％\\r\\n")
    '到2025年,达95%\\n'
    """
    table = {ord(ch): _nfkc(ch) for ch in set(raw) if _nfkc(ch) != ch}
    table[ord("\r")] = "\n"
    return raw.replace("\r\n", "\n").translate(table)


#: Characters NFKC would fold but that carry structure: circled numbers mark list items.
NFKC_KEEP = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")


def _nfkc(ch: str) -> str:
    return ch if ch in NFKC_KEEP else unicodedata.normalize("NFKC", ch)


def raw_offsets(raw: str) -> list[int]:
    """For each offset of the analysis text (and its end), the matching offset in ``raw``.

    >>> raw = "达９５％"
    >>> offsets = raw_offsets(raw)
    >>> raw[offsets[1]:offsets[3]]
    '９５'
    """
    out: list[int] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        step = 2 if ch == "\r" and raw[i + 1 : i + 2] == "\n" else 1
        piece = "\n" if ch == "\r" else _nfkc(ch)
        out.extend([i] * len(piece))
        i += step
    out.append(len(raw))
    return out


def raw_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of the analysis text to the raw text."""
    offsets = raw_offsets(raw)
    return offsets[start], offsets[end]


# --- manifest -------------------------------------------------------------------

#: Manifest columns the reader knows; every column but ``file`` is optional.
MANIFEST_COLUMNS = (
    "file", "region_zh", "region_en", "province_zh", "province_en", "admin_level", "issuer_zh",
    "title_zh", "doc_number", "doc_type_zh", "doc_type_en", "written_date", "published_date",
    "plan_start_year", "plan_end_year", "metadata_notes",
)


def read_manifest(corpus_dir: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Read ``manifest.csv`` of a corpus folder: rows keyed by relative path, and warnings.

    Problems never stop the build: unknown columns, rows naming files outside the
    folder or missing, duplicate rows and impossible dates are reported as
    warnings naming the row, and the offending value is ignored.
    """
    path = corpus_dir / config.MANIFEST_NAME
    if not path.exists():
        return {}, []
    text, _ = decode_bytes(path.read_bytes(), str(path))
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "file" not in [f.strip() for f in reader.fieldnames]:
        return {}, [f"{path}: no 'file' column; the manifest is ignored (add a header row with a 'file' column)"]
    warnings = []
    unknown = [f for f in reader.fieldnames if f.strip() not in MANIFEST_COLUMNS]
    if unknown:
        warnings.append(f"{path}: unknown columns {unknown} are ignored (known: {', '.join(MANIFEST_COLUMNS)})")
    rows: dict[str, dict[str, str]] = {}
    root = corpus_dir.resolve()
    for lineno, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        name = row.get("file", "").replace("\\", "/")
        where = f"{path}, line {lineno}"
        if not name:
            warnings.append(f"{where}: empty 'file'; row ignored")
            continue
        target = (corpus_dir / name).resolve()
        if not target.is_relative_to(root):
            warnings.append(f"{where}: {name!r} points outside the corpus folder; row ignored")
            continue
        rel = target.relative_to(root).as_posix()
        if not target.exists():
            warnings.append(f"{where}: file {name!r} does not exist in {corpus_dir}; row ignored")
            continue
        if rel in rows:
            warnings.append(f"{where}: duplicate row for {name!r}; the first one is kept")
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


# --- files -> documents ------------------------------------------------------------


def doc_id_for(source_file: str) -> str:
    """Stable document key from the file's path in the corpus.

    >>> doc_id_for("000_b243c2944faa9261.txt")
    'D59aad5c74d'
    """
    return "D" + hashlib.sha1(source_file.encode("utf-8")).hexdigest()[:10]


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every file below the corpus folder, sub-folders included, in a stable order (manifest and hidden files excluded)."""
    if not corpus_dir.is_dir():
        raise EduAnalysisError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR naming a folder of documents")
    files = [p for p in corpus_dir.rglob("*") if p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
             and p.relative_to(corpus_dir).as_posix() != config.MANIFEST_NAME]
    return sorted(files, key=lambda p: p.relative_to(corpus_dir).as_posix())


@dataclass
class RawDocument:
    """A file's text as read, before any analysis: what :func:`read_file` returns."""

    raw: str
    encoding: str
    file_format: str
    properties: dict[str, str] = field(default_factory=dict)


#: Formats that are recognised but not read, with what the user should do.
UNREADABLE_FORMATS = {
    ".doc": "legacy Word .doc is not read; save it as .docx (Word or LibreOffice: "
            "`libreoffice --headless --convert-to docx FILE`)",
    ".wps": "WPS .wps is not read; save it as .docx or .txt",
    ".rtf": "RTF is not read; save it as .docx or .txt",
    ".xls": "spreadsheets are not policy texts; save the text as .txt if it is one",
    ".xlsx": "spreadsheets are not policy texts; save the text as .txt if it is one",
    ".jpg": "an image has no text layer; run OCR and add the text as .txt",
    ".jpeg": "an image has no text layer; run OCR and add the text as .txt",
    ".png": "an image has no text layer; run OCR and add the text as .txt",
    ".zip": "archives are not opened; unpack it into the corpus folder",
}
#: A PDF page with fewer extractable characters than this on average is taken as scanned.
PDF_MIN_CHARS_PER_PAGE = 20


def read_file(path: Path) -> RawDocument:
    """Read one corpus file: ``.txt``, ``.html``/``.htm``, ``.docx`` or text-layer ``.pdf``.

    Raises :class:`EduAnalysisError` with the reason and what to do for empty,
    binary, undecodable, scanned or unsupported files.
    """
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if not data:
        raise EduAnalysisError(f"{path.name}: the file is empty (0 bytes); download it again")
    if suffix in config.TEXT_SUFFIXES or suffix in config.HTML_SUFFIXES:
        if not data.strip():
            raise EduAnalysisError(f"{path.name}: the file holds only white space")
        if _looks_binary(data):
            raise EduAnalysisError(f"{path.name}: binary content in a text file; the download is probably "
                                   "broken or mislabelled: check the file")
        text, encoding = decode_bytes(data, path.name)
        if suffix in config.HTML_SUFFIXES:
            return RawDocument(html_to_text(text), encoding, "html")
        return RawDocument(text, encoding, "txt")
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path)
    if suffix in UNREADABLE_FORMATS:
        raise EduAnalysisError(f"{path.name}: {UNREADABLE_FORMATS[suffix]}")
    raise EduAnalysisError(
        f"{path.name}: unsupported format {suffix or '(no extension)'}; save it as .txt (UTF-8), .html, .docx or .pdf"
    )


def read_text_file(path: Path) -> tuple[str, str, str]:
    """``(raw_text, encoding, file_format)`` of :func:`read_file`, for callers that need no file properties."""
    doc = read_file(path)
    return doc.raw, doc.encoding, doc.file_format


def _looks_binary(data: bytes) -> bool:
    """NUL bytes outside a UTF-16 text, or many control characters, mean binary content."""
    head = data[:4000]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        half = max(1, len(head) // 2)
        return not (head[1::2].count(0) / half > 0.2 or head[0::2].count(0) / half > 0.2)
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / max(1, len(head)) > 0.05


def _read_docx(path: Path) -> RawDocument:
    """Paragraphs and tables of a .docx in body order (table rows tab-separated), with its core properties."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise EduAnalysisError(f"{path.name}: not a readable .docx ({exc}); open and re-save it in Word or "
                               "LibreOffice") from exc
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip()
                             for cell in row.iterchildren() if cell.tag.endswith("}tc")]
                    lines.append("\t".join(cells))
    props = document.core_properties
    properties = {k: v for k, v in {
        "title_zh": (props.title or "").strip(),
        "issuer_zh": (props.author or "").strip(),
        "written_date": props.created.date().isoformat() if props.created else "",
    }.items() if v}
    return RawDocument("\n".join(lines), "docx", "docx", properties)


def _read_pdf(path: Path) -> RawDocument:
    """The text layer of a PDF, page by page; a PDF without one (scanned) is rejected."""
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (pypdf.errors.PdfReadError, ValueError, KeyError, OSError) as exc:
        raise EduAnalysisError(f"{path.name}: not a readable PDF ({exc}); download it again") from exc
    text = "\n".join(pages)
    if len(text.strip()) < PDF_MIN_CHARS_PER_PAGE * max(1, len(pages)):
        raise EduAnalysisError(f"{path.name}: a scanned PDF without a text layer; run OCR on it "
                               "(e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) or add its text as .txt")
    meta = reader.metadata or {}
    properties = {"title_zh": str(meta.get("/Title") or "").strip()}
    return RawDocument(text, "pdf", "pdf", {k: v for k, v in properties.items() if v})


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

    for fld in ("title_zh", "issuer_zh", "doc_number", "index_number", "written_date", "published_date"):
        settle(fld)
    place = region_fields(record["issuer_zh"], record["title_zh"])
    settle("region_zh", ("inferred", place))
    for col in ("region_en", "province_zh", "province_en", "admin_level"):
        record[col] = manifest_row.get(col) or place.get(col)
    type_zh, type_en = doc_type(record["title_zh"] or "", types)
    title_origin = record["title_zh_origin"] if record["title_zh_origin"] in ("text", "properties") else "inferred"
    settle("doc_type_zh", (title_origin, {"doc_type_zh": type_zh}))
    if record["doc_type_zh_origin"] == "manifest":
        type_en = doc_type(record["doc_type_zh"], types)[1]
    record["doc_type_en"] = manifest_row.get("doc_type_en") or type_en
    issue_date = record["written_date"] or record["published_date"]
    start, end = plan_horizon(record["title_zh"] or "", body, is_annual(record["doc_type_zh"], types),
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
