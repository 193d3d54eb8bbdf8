"""Files on disk: which paths of a corpus are documents, opening them safely, formats and decoding.

Every path below a corpus folder is accounted for (:func:`corpus_entries`): a
regular file is a candidate document; anything else — a symbolic link, a named
pipe or device, a hidden file or folder, a folder that cannot be listed, a name
that is not valid UTF-8 — is a reject with the reason and what to do. Links are
never followed: files are opened one path component at a time with
``O_NOFOLLOW`` relative to the corpus folder (:func:`read_corpus_bytes`), so
nothing outside the corpus folder is ever opened, even if a folder is swapped
for a link while the build runs.

Each file is bounded by the safety limits of :func:`eduanalysis.config.limit`
(bytes read, decompressed size of a ``.docx`` part, HTML depth), and formats are
parsed from the bytes read, never from the path.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError

# --- which paths are documents ------------------------------------------------------


def display_name(name: str) -> str:
    """A path as it can be shown and stored: bytes that are not UTF-8 become ``\\xNN`` escapes.

    >>> display_name(os.fsdecode(b"a\\xff.txt"))
    'a\\\\xff.txt'
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _valid_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


LINK_INSIDE = ("a symbolic link; links are not followed: replace it by a copy of the file it points to")
LINK_OUTSIDE = ("a symbolic link that points outside the corpus folder; links are not followed: copy the file "
                "into the corpus folder if it belongs there")
LINK_BROKEN = "a symbolic link that points nowhere (dangling, or a loop); links are not followed: remove it"
NOT_UTF8_NAME = ("the file name is not valid UTF-8; rename it (e.g. `convmv -f gbk -t utf-8 --notest NAME`), "
                 "file names are stored in the tables")
HIDDEN_FILE = "a hidden file (its name starts with '.'); not read: rename it without the dot to include it"
HIDDEN_FOLDER = ("a hidden folder (its name starts with '.'); the files in it are not read: rename it without the "
                 "dot to include them")


def _special_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a regular file"


def _link_reason(root: Path, path: str) -> str:
    """Why a symbolic link is rejected; the link is resolved as a name only (nothing is opened)."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):
        return LINK_BROKEN
    return LINK_INSIDE if target.is_relative_to(root) else LINK_OUTSIDE


def corpus_entries(corpus_dir: str | Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Account for every path below ``corpus_dir``: ``(documents, rejects)``.

    ``documents`` are the relative paths (POSIX, sorted) of the regular files to
    read, the manifest and top-level notes (README.md, SOURCE.md) excluded; ``rejects`` are ``(relative path, reason)`` for
    everything else. Symbolic links are reported, never followed.
    """
    corpus_dir = Path(corpus_dir)
    try:
        st = os.stat(corpus_dir)
    except OSError:
        st = None
    if st is None or not stat.S_ISDIR(st.st_mode):
        raise EduAnalysisError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR naming a folder of "
                               "documents")
    root = Path(os.path.realpath(corpus_dir))
    files: list[str] = []
    rejects: list[tuple[str, str]] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            rejects.append((prefix.rstrip("/") or ".", f"the folder cannot be listed ({exc.strerror}); the files "
                            "in it are not read: check its permissions"))
            return
        for entry in entries:
            rel = prefix + entry.name
            shown = display_name(rel)
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                rejects.append((shown, f"cannot be examined ({exc.strerror}); check its permissions"))
                continue
            if not _valid_utf8(entry.name):
                rejects.append((shown, NOT_UTF8_NAME if not is_dir else
                                NOT_UTF8_NAME.replace("file name", "folder name") + "; the files in it are not read"))
            elif is_link:
                rejects.append((shown, _link_reason(root, entry.path)))
            elif entry.name.startswith("."):
                rejects.append((shown, HIDDEN_FOLDER if is_dir else HIDDEN_FILE))
            elif is_dir:
                walk(entry.path, rel + "/")
            elif not stat.S_ISREG(mode):
                rejects.append((shown, f"{_special_kind(mode)}, not a regular file; only regular files are read: "
                                       "remove it from the corpus folder"))
            elif rel not in (config.MANIFEST_NAME, *config.CORPUS_NOTE_NAMES):  # the corpus's own notes
                files.append(rel)

    walk(os.fspath(corpus_dir), "")
    return sorted(files), sorted(rejects)


# --- opening files safely -------------------------------------------------------------


class FileRejected(EduAnalysisError):
    """A corpus file that cannot be read as a document; the message is the reason and what to do."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _open_below(root: str | Path, rel: str) -> int:
    """A file descriptor of ``root/rel`` opened without following any link on the way (POSIX)."""
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts or os.path.isabs(rel):
        raise FileRejected(f"{rel!r} is not a path inside the corpus folder")
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:  # no openat: check the chain, then open
        path = Path(root, *parts)
        for i in range(1, len(parts) + 1):
            if Path(root, *parts[:i]).is_symlink():
                raise OSError(errno.ELOOP, "is a symbolic link")
        return os.open(path, os.O_RDONLY | _BINARY)
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=fd)
    finally:
        os.close(fd)


def read_corpus_bytes(root: str | Path, rel: str, max_bytes: int | None = None) -> bytes:
    """The bytes of regular file ``rel`` below ``root``, at most ``max_bytes`` (default: the ``max_file_bytes`` limit).

    Raises :class:`FileRejected` (the reason, without any absolute path) for a
    link anywhere on the path, a file that is not regular (a FIFO is never
    waited on), an unreadable file or one over the limit.
    """
    limit = config.limit("max_file_bytes") if max_bytes is None else max_bytes
    try:
        fd = _open_below(root, rel)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
            raise FileRejected(LINK_INSIDE) from exc
        raise FileRejected(f"cannot be read ({exc.strerror}); check its permissions or remove it") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRejected(f"{_special_kind(st.st_mode)}, not a regular file; only regular files are read: "
                               "remove it from the corpus folder")
        if st.st_size > limit:
            raise FileRejected(_over_limit(st.st_size, limit))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileRejected(_over_limit(size, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise FileRejected(f"cannot be read ({exc.strerror}); check the file or remove it") from exc
    finally:
        os.close(fd)


def _over_limit(size: int, limit: int) -> str:
    return (f"the file is larger than the limit of {limit:,} bytes (max_file_bytes); split it, or raise the limit "
            f"with EDUANALYSIS_MAX_FILE_BYTES={max(size, limit + 1)}")


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
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
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


_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character.

    >>> has_chinese("root:x:0:0:root:/root:/bin/bash"), has_chinese("第一条")
    (False, True)
    """
    return _CJK_RE.search(text) is not None


# --- HTML -----------------------------------------------------------------------

_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button",
              "select", "svg", "template", "head")
_HTML_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                "section", "article", "ul", "ol", "dd", "dt", "blockquote", "pre")
#: class/id fragments of navigation furniture on government sites.
_HTML_NAV_HINT = re.compile(r"(^|[-_ ])(nav|menu|breadcrumb|crumb|footer|header|share|sidebar|topbar)([-_ ]|$)", re.I)
#: Elements that never have content (they do not nest).
_HTML_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")


def html_depth(html: str) -> int:
    """The deepest element nesting of a page, counted in one linear pass over its tags.

    >>> html_depth("<div><p>a<br></p><p>b</p></div>")
    2
    """
    depth = deepest = 0
    for m in _TAG_RE.finditer(html):
        tag = m.group(2).lower()
        if m.group(1):
            depth = max(0, depth - 1)
        elif not m.group(3) and tag not in _HTML_VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: scripts, styles and navigation dropped, blocks on their own lines.

    A page nested deeper than the ``max_html_depth`` limit (where a tree parser
    takes quadratic time) is read by :func:`html_to_text_linear`.

    >>> html_to_text("<html><script>x=1</script><nav>首页</nav><p>一、总体要求</p><p>正文</p></html>")
    '一、总体要求\\n正文'
    """
    if html_depth(html) > config.limit("max_html_depth"):
        return html_to_text_linear(html)
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
    return _tidy_lines(soup.get_text())


def _tidy_lines(text: str) -> str:
    lines = [re.sub(r"[ \t\r\f\v]+$", "", line).rstrip("\t") for line in text.split("\n")]
    return re.sub(r"\n(\s*\n)+", "\n", "\n".join(lines)).strip("\n")


def html_to_text_linear(html: str) -> str:
    """The same visible text as :func:`html_to_text`, by a streaming scanner in linear time (any depth).

    >>> html_to_text_linear("<div>" * 3 + "<p>一、总体要求</p><script>x</script><p>正文</p>" + "</div>" * 3)
    '一、总体要求\\n正文'
    """
    from html.parser import HTMLParser

    class _Scanner(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.skip: list[str] = []  # the dropped elements we are inside, innermost last

        def handle_starttag(self, tag, attrs):
            if self.skip:
                if tag == self.skip[-1] and tag not in _HTML_VOID:
                    self.skip.append(tag)
                return
            values = dict(attrs)
            hint = " ".join([values.get("class") or "", values.get("id") or ""]).strip()
            if tag in _HTML_DROP or (hint and _HTML_NAV_HINT.search(hint)):
                if tag not in _HTML_VOID:
                    self.skip.append(tag)
                return
            if tag in _HTML_BLOCKS:
                self.out.append("\n")

        def handle_endtag(self, tag):
            if self.skip:
                if tag == self.skip[-1]:
                    self.skip.pop()
                return
            if tag in ("td", "th"):
                self.out.append("\t")
            if tag in _HTML_BLOCKS:
                self.out.append("\n")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return _tidy_lines("".join(scanner.out))


# --- formats --------------------------------------------------------------------


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
#: Why text without a single Chinese character is not a document.
NO_CHINESE = ("no Chinese text (not one Chinese character in it); eduanalysis reads Chinese policy documents: "
              "check the file, or remove it from the corpus folder")


def read_file(path: str | Path) -> RawDocument:
    """Read one file: ``.txt``, ``.html``/``.htm``, ``.docx`` or text-layer ``.pdf`` (links are not followed).

    Raises :class:`EduAnalysisError` with the reason and what to do for empty,
    binary, undecodable, scanned, encrypted, malformed or unsupported files.
    """
    path = Path(path)
    try:
        data = read_corpus_bytes(path.parent, path.name)
    except FileRejected as exc:
        raise FileRejected(f"{path.name}: {exc}") from exc
    return parse_file(data, path.name)


def read_corpus_file(corpus_dir: str | Path, source_file: str) -> RawDocument:
    """Read file ``source_file`` of a corpus, opened below ``corpus_dir`` without following links."""
    data = read_corpus_bytes(corpus_dir, source_file)
    return parse_file(data, Path(source_file).name)


#: An HTML character reference left in a plain-text export (pkulaw's .txt files write “一校一品&quot;):
#: the named ones such texts carry and every numeric one.
TEXT_ENTITY_RE = re.compile(r"&(?:quot|amp|lt|gt|nbsp|apos|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|#\d{2,6}|#x[0-9a-fA-F]{2,5});")


def unescape_entities(text: str) -> str:
    """Plain text with the HTML character references of a web or database export decoded.

    Decoding is part of reading the file, like decoding its bytes: ``raw_text`` holds the
    characters the entities stand for, and every offset indexes that text.

    >>> unescape_entities("形成“一校一品&quot;“一校多品&quot;格局; R&amp;D; 2 &lt; 3")
    '形成“一校一品"“一校多品"格局; R&D; 2 < 3'
    """
    import html

    return TEXT_ENTITY_RE.sub(lambda m: html.unescape(m.group()), text) if "&" in text else text


def parse_file(data: bytes, name: str) -> RawDocument:
    """A :class:`RawDocument` from a file's bytes; ``name`` (a file name) decides the format and names errors."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise EduAnalysisError(f"{name}: the file is empty (0 bytes); download it again")
    if suffix in config.TEXT_SUFFIXES or suffix in config.HTML_SUFFIXES:
        if not data.strip():
            raise EduAnalysisError(f"{name}: the file holds only white space")
        if _looks_binary(data):
            raise EduAnalysisError(f"{name}: binary content in a text file; the download is probably "
                                   "broken or mislabelled: check the file")
        text, encoding = decode_bytes(data, name)
        doc = (RawDocument(html_to_text(text), encoding, "html") if suffix in config.HTML_SUFFIXES
               else RawDocument(unescape_entities(text), encoding, "txt"))
    elif suffix == ".docx":
        doc = _read_docx(data, name)
    elif suffix == ".pdf":
        doc = _read_pdf(data, name)
    elif suffix in UNREADABLE_FORMATS:
        raise EduAnalysisError(f"{name}: {UNREADABLE_FORMATS[suffix]}")
    else:
        raise EduAnalysisError(
            f"{name}: unsupported format {suffix or '(no extension)'}; save it as .txt (UTF-8), .html, .docx or .pdf"
        )
    if doc.raw.strip() and not has_chinese(doc.raw):
        raise EduAnalysisError(f"{name}: {NO_CHINESE}")
    return doc


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


#: Markup a .docx never needs and XML attacks rely on (entity expansion, external entities).
_DTD_RE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


def check_archive(data: bytes, name: str) -> None:
    """Refuse a zip-based file whose parts exceed the ``max_part_bytes`` limit or declare a DTD (before parsing it).

    The sizes checked are those the archive declares; reading a part never
    yields more than its declared size (:mod:`zipfile` stops there and checks the CRC).
    """
    import zipfile

    limit = config.limit("max_part_bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
            total = sum(m.file_size for m in members)
            big = max(members, key=lambda m: m.file_size, default=None)
            if big is not None and (big.file_size > limit or total > 4 * limit):
                raise EduAnalysisError(
                    f"{name}: a part of the file ({display_name(big.filename)}) expands to {big.file_size:,} bytes, "
                    f"over the limit of {limit:,} (max_part_bytes); an archive bomb or a huge document: check the "
                    "file, or raise the limit with EDUANALYSIS_MAX_PART_BYTES")
            for m in members:
                if m.filename.lower().endswith((".xml", ".rels")):
                    with zf.open(m) as fh:
                        if _DTD_RE.search(fh.read(4096)):
                            raise EduAnalysisError(
                                f"{name}: a malformed .docx (part {display_name(m.filename)} declares a DTD or "
                                "entities, which Word never writes); open and re-save it in Word or LibreOffice")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError) as exc:
        raise EduAnalysisError(f"{name}: not a readable .docx ({type(exc).__name__}: {exc}); open and re-save it "
                               "in Word or LibreOffice") from exc


def _read_docx(data: bytes, name: str) -> RawDocument:
    """Paragraphs and tables of a .docx in body order (table rows tab-separated), with its core properties."""
    import docx

    check_archive(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
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
        created = props.created
    except Exception as exc:  # lxml, zipfile and python-docx raise many types for broken files
        raise EduAnalysisError(f"{name}: not a readable .docx ({type(exc).__name__}: {_short(exc)}); open and "
                               "re-save it in Word or LibreOffice") from exc
    properties = {k: v for k, v in {
        "title_zh": (props.title or "").strip(),
        "issuer_zh": (props.author or "").strip(),
        "written_date": created.date().isoformat() if created else "",
    }.items() if v}
    return RawDocument("\n".join(lines), "docx", "docx", properties)


#: What to do with an encrypted PDF that cannot be opened.
DECRYPT_ADVICE = "decrypt it first (qpdf --decrypt --password=PASSWORD in.pdf out.pdf) and add the decrypted copy"


def _read_pdf(data: bytes, name: str) -> RawDocument:
    """The text layer of a PDF, page by page; a scanned or password-protected PDF is rejected."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except pypdf.errors.DependencyError as exc:
                raise EduAnalysisError(f"{name}: an encrypted PDF (AES) and the cryptography package is missing; "
                                       f"pip install cryptography, or {DECRYPT_ADVICE}") from exc
            if not opened:
                raise EduAnalysisError(f"{name}: a password-protected PDF; {DECRYPT_ADVICE}")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata or {}
        title = str(meta.get("/Title") or "").strip()
    except EduAnalysisError:
        raise
    except pypdf.errors.FileNotDecryptedError as exc:
        raise EduAnalysisError(f"{name}: a password-protected PDF; {DECRYPT_ADVICE}") from exc
    except Exception as exc:  # pypdf raises many types for broken files
        raise EduAnalysisError(f"{name}: not a readable PDF ({type(exc).__name__}: {_short(exc)}); download it "
                               "again") from exc
    text = "\n".join(pages)
    if len(text.strip()) < PDF_MIN_CHARS_PER_PAGE * max(1, len(pages)):
        raise EduAnalysisError(f"{name}: a scanned PDF without a text layer; run OCR on it "
                               "(e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) or add its text as .txt")
    return RawDocument(text, "pdf", "pdf", {"title_zh": title} if title else {})


def _short(exc: Exception, width: int = 200) -> str:
    """An exception's message cut to ``width`` characters (a bomb's message may be huge)."""
    text = str(exc)
    return text if len(text) <= width else text[:width] + "…"
