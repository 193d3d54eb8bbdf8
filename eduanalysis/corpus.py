"""Reading: files in a corpus folder -> the ``documents`` and ``boilerplate`` tables.

This is the only module that touches input files. It decodes each file
(UTF-8 with or without BOM, UTF-16, GB18030/GBK), reduces HTML to its visible
text, keeps the raw text, builds an NFKC-normalised analysis text with an
offset map back to the raw text, separates web-page furniture and the cover
notice from the body, and extracts the metadata the text states. A manifest
(``manifest.csv`` in the corpus folder) fills gaps and wins on conflict; every
field records its origin (text / manifest / inferred).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError

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

    Built character by character so offsets map back to the raw text with
    :func:`raw_offsets`.

    >>> normalise("到２０２５年，达９５％\\r\\n")
    '到2025年,达95%\\n'
    """
    return "".join(_normalised_pieces(raw))


#: Characters NFKC would fold but that carry structure: circled numbers mark list items.
NFKC_KEEP = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")


def _nfkc(ch: str) -> str:
    return ch if ch in NFKC_KEEP else unicodedata.normalize("NFKC", ch)


def _normalised_pieces(raw: str):
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\r":
            yield "\n"
            i += 2 if raw[i + 1 : i + 2] == "\n" else 1
            continue
        yield _nfkc(ch)
        i += 1


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


# --- boilerplate ----------------------------------------------------------------

#: Labels of the metadata block government sites print above a document.
#: field -> label words; spaces may stand between the label's characters (索 引 号).
METADATA_LABELS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号",),
    "issuer_zh": ("发文机关", "发布机构", "发布单位", "发文单位", "来源单位"),
    "written_date": ("成文日期", "成文时间"),
    "published_date": ("发布日期", "发布时间", "公开日期", "印发日期"),
    "doc_number": ("发文字号", "文号"),
    "title_zh": ("标题", "名称"),
    "": ("主题分类", "内容分类", "主题词", "公开方式", "公开范围", "公开目录", "有效性", "截止日期",
         "浏览次数", "点击次数", "浏览量", "阅读次数", "时间", "来源", "字号", "分类", "体裁分类",
         "信息来源", "组配分类", "服务对象", "生效日期", "废止日期", "有效期"),
}
_LABEL_TO_FIELD = {label: fld for fld, labels in METADATA_LABELS.items() for label in labels}
_LABEL_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{2,6}\s*/\s*)?(" + "|".join(r"\s*".join(map(re.escape, label))
                   for label in sorted(_LABEL_TO_FIELD, key=len, reverse=True)) + r")\s*[:|]"
)
BREADCRUMB_RE = re.compile(r"(您现在所在的位置|您现在的位置|您的位置|当前位置|所在位置)\s*[:]?|^\s*首页\s*>|^\s*>\s*\S")
PUBLICATION_NOTE_RE = re.compile(r"^\s*[(](此件|本件)[^()]{0,6}(公开|发布|删减)[^()]{0,6}[)]\s*$")
TRAILER_RE = re.compile(r"^\s*(文件解读|政策解读|相关解读|图解|扫一扫|打印本页|关闭窗口|【打印】|【关闭】|分享到|相关链接|附件下载)")
NOTICE_TITLE_RE = re.compile(r"关于(印发|转发|下发|公布)(.+?)的(通知|函|决定)\s*$")
ADDRESSEE_RE = re.compile(r"^\s*各[^。]{2,150}[:]\s*$")
DATE_LINE_RE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
TOC_HEAD_RE = re.compile(r"^\s*目\s*录\s*$")
TOC_LINE_RE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{3,})\s*\d+\s*$|^\s*\S.{0,40}\s+\d{1,3}\s*$")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(]\s*(\d{4})\s*[〕\])]\s*\d{1,4}\s*号")
DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass
class Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with their offsets (line breaks excluded)."""
    out, pos = [], 0
    for piece in text.split("\n"):
        out.append(Line(pos, pos + len(piece), piece))
        pos += len(piece) + 1
    return out


@dataclass
class Header:
    """What :func:`separate_boilerplate` finds: spans, body extent and stated metadata."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    body_start: int = 0
    body_end: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    notice_title: str | None = None


def metadata_pairs(line: str) -> dict[str, str]:
    """Label/value pairs of one metadata line (``索 引 号: x 主题分类: y`` or ``索引号 | x | 发布机构 | y |``).

    >>> metadata_pairs("发文机关: 盘锦市政府 成文日期: 2019-05-30")
    {'issuer_zh': '盘锦市政府', 'written_date': '2019-05-30'}
    """
    found = list(_LABEL_RE.finditer(line))
    out: dict[str, str] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        value = line[m.end():end].strip(" |\t")
        fld = _LABEL_TO_FIELD[re.sub(r"\s", "", m.group(1))]
        if fld and value and fld not in out:
            out[fld] = value
    return out


def _is_metadata_line(text: str) -> bool:
    found = list(_LABEL_RE.finditer(text))
    if not found:
        return False
    # A metadata line is mostly labels and short values, never prose.
    return found[0].start() <= 2 and "。" not in text and len(text) < 200


def separate_boilerplate(text: str) -> Header:
    """Find web-page furniture and the cover notice; return their spans and the body extent.

    Header zone: breadcrumbs, metadata lines, the notice title (关于印发…的通知),
    addressees, the notice text, signature, date and (此件公开发布), and a
    table of contents. Trailer zone: 文件解读 links, publication notes and
    page furniture after the body.
    """
    lines = split_lines(text)
    head = Header(body_end=len(text))
    nonblank = [ln for ln in lines if ln.stripped]
    if not nonblank:
        return head

    def mark(ln: Line, kind: str) -> None:
        s = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        e = ln.start + len(ln.text.rstrip())
        head.spans.append((s, e, kind))

    i = 0
    n = len(nonblank)
    notice_at = None
    # Header zone: consume furniture lines from the top.
    while i < n:
        t = nonblank[i].stripped
        if BREADCRUMB_RE.search(t) and len(t) < 200 and "。" not in t:
            mark(nonblank[i], "breadcrumb")
        elif _is_metadata_line(t):
            for fld, value in metadata_pairs(t).items():
                head.fields.setdefault(fld, value)
            mark(nonblank[i], "metadata")
        elif PUBLICATION_NOTE_RE.match(t):
            mark(nonblank[i], "publication_note")
        elif NOTICE_TITLE_RE.search(t) and len(t) < 150 and notice_at is None and "。" not in t:
            notice_at = i
            head.notice_title = t
            mark(nonblank[i], "cover_notice")
        elif notice_at is not None and i - notice_at <= 12 and _is_notice_line(t):
            mark(nonblank[i], "cover_notice")
        else:
            break
        i += 1
    # The notice's signature and date: short lines up to a date line.
    if notice_at is not None:
        j = i
        while j < n and j - i < 6:
            t = nonblank[j].stripped
            if DATE_LINE_RE.match(t):
                for k in range(i, j + 1):
                    mark(nonblank[k], "cover_notice")
                i = j + 1
                break
            if len(t) > 60 or "。" in t[:-1]:
                break
            j += 1
        while i < n and PUBLICATION_NOTE_RE.match(nonblank[i].stripped):
            mark(nonblank[i], "publication_note")
            i += 1
    # A table of contents right after the title or at the top.
    i = _skip_toc(nonblank, i, mark)
    if i + 1 < n and TOC_HEAD_RE.match(nonblank[i + 1].stripped):
        _skip_toc(nonblank, i + 1, mark)  # the title stays in the body, its contents list does not
    # Trailer zone: from the bottom.
    k = n - 1
    while k >= i:
        t = nonblank[k].stripped
        if TRAILER_RE.match(t):
            mark(nonblank[k], "trailer")
        elif PUBLICATION_NOTE_RE.match(t):
            mark(nonblank[k], "publication_note")
        elif (_is_metadata_line(t) or BREADCRUMB_RE.search(t)) and "。" not in t:
            mark(nonblank[k], "metadata")
        else:
            break
        k -= 1
    if i <= k:
        head.body_start = nonblank[i].start + (len(nonblank[i].text) - len(nonblank[i].text.lstrip()))
        head.body_end = nonblank[k].start + len(nonblank[k].text.rstrip())
    else:
        head.body_start = head.body_end = len(text)
    head.spans.sort()
    return head


def _is_notice_line(t: str) -> bool:
    """Addressees and the one-paragraph notice text of a 关于印发…的通知 cover."""
    if ADDRESSEE_RE.match(t):
        return True
    return bool(re.search(r"(印发给你们|现予印发|现印发给|予以印发|请认真(贯彻|组织|抓好)|请结合(实际|本单位)|遵照执行|贯彻执行)", t)) and len(t) < 400


def _skip_toc(nonblank: list[Line], i: int, mark) -> int:
    """Mark a 目录 block (heading plus dot-leader/page-number lines) starting at ``i``."""
    if i >= len(nonblank) or not TOC_HEAD_RE.match(nonblank[i].stripped):
        return i
    mark(nonblank[i], "toc")
    j = i + 1
    while j < len(nonblank) and TOC_LINE_RE.search(nonblank[j].stripped) and "。" not in nonblank[j].stripped:
        mark(nonblank[j], "toc")
        j += 1
    return j


# --- metadata -------------------------------------------------------------------

#: Five-year plan ordinals: the Nth plan starts in 2001 + 5 * (N - 10) (十五 = 2001–2005).
FIVE_YEAR_RE = re.compile(r"[“\"]?十([一二三四五六七八九]?)五[”\"]?(?:规划|时期|期间|计划|教育|$|[\u4e00-\u9fff])")
YEAR_SPAN_RE = re.compile(r"(20\d{2})\s*[-—–~～至到]\s*(20\d{2})\s*年")
BY_YEAR_RE = re.compile(r"(?:到|至|截至|截止到?)\s*(20\d{2})\s*年")
YEAR_RE = re.compile(r"(20\d{2}|19\d{2})\s*年")
REGION_RE = re.compile(r"^(?:中共)?((?![全本各我])[\u4e00-\u9fff]{1,9}?(?:自治区|自治州|特别行政区|省|市|州|盟|地区|县|区|旗))")
REGION_LEVEL_CHARS = "市县区盟旗"
#: "<organ>关于<subject>的<type>": the organ before 关于 issues the document.
ISSUER_IN_TITLE_RE = re.compile(r"^([\u4e00-\u9fff()]{4,40}?)(?:关于|印发)")
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def read_doc_types() -> pd.DataFrame:
    """The document-type vocabulary (``resources/doc_types.csv``): zh word, en name, annual flag."""
    return pd.read_csv(config.resource_path("doc_types.csv"), dtype=str, keep_default_na=False)


def doc_type(title: str, types: pd.DataFrame | None = None) -> tuple[str | None, str | None]:
    """The document type named by a title: the type word that ends latest (the head noun).

    >>> doc_type("保山市教育高质量发展三年攻坚行动计划补充方案")
    ('方案', 'plan')
    >>> doc_type("2020年大连市教育工作要点")
    ('工作要点', 'annual work plan')
    """
    types = read_doc_types() if types is None else types
    best = None
    for row in types.itertuples():
        pos = title.rfind(row.type_zh)
        if pos < 0:
            continue
        end = pos + len(row.type_zh)
        if best is None or end > best[0] or (end == best[0] and len(row.type_zh) > len(best[1])):
            best = (end, row.type_zh, row.type_en)
    return (best[1], best[2]) if best else (None, None)


def is_annual(type_zh: str | None, types: pd.DataFrame | None = None) -> bool:
    types = read_doc_types() if types is None else types
    return bool(type_zh) and type_zh in set(types.loc[types.annual == "yes", "type_zh"])


def five_year_span(text: str) -> tuple[int, int] | None:
    """The horizon of a 十X五 plan named in ``text``.

    >>> five_year_span("萍乡市“十四五”教育事业发展规划")
    (2021, 2025)
    """
    m = FIVE_YEAR_RE.search(text)
    if not m:
        return None
    n = 10 + _CN_DIGIT.get(m.group(1), 0) if m.group(1) else 10
    start = 2001 + 5 * (n - 10)
    return start, start + 4


def plan_horizon(title: str, body: str, annual: bool, issue_year: int | None) -> tuple[int | None, int | None]:
    """Plan start and end years from the title, else the body (到2022年), else the issue year.

    >>> plan_horizon("某市教育三年行动计划(2021-2023年)", "", False, None)
    (2021, 2023)
    >>> plan_horizon("2020年大连市教育工作要点", "", True, None)
    (2020, 2020)
    >>> plan_horizon("盘锦市推进教育高质量发展行动计划", "到2022年,教育…", False, 2019)
    (2019, 2022)
    """
    title = title or ""
    if m := YEAR_SPAN_RE.search(title):
        return int(m.group(1)), int(m.group(2))
    if span := five_year_span(title):
        return span
    if annual:
        m = YEAR_RE.search(title) or YEAR_RE.search(body[:300])
        year = int(m.group(1)) if m else issue_year
        return year, year
    if m := BY_YEAR_RE.search(body):
        end = int(m.group(1))
        start = issue_year if issue_year and issue_year <= end else None
        return start, end
    if span := five_year_span(body[:500]):
        return span
    return issue_year, None


def iso_date(value: str | None) -> str | None:
    """``2019年5月30日`` / ``2019-05-30`` / ``2019/5/30`` -> ``2019-05-30``; None when not a real date.

    >>> iso_date("2019年2月14日"), iso_date("2019-02-30")
    ('2019-02-14', None)
    """
    if not value:
        return None
    m = DATE_RE.search(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def region_of(*names: str | None) -> str | None:
    """The region named at the start of an issuer or title.

    >>> region_of("盘锦市人民政府办公室"), region_of(None, "杭州市人民政府关于加快学前教育发展的意见")
    ('盘锦市', '杭州市')
    """
    for name in names:
        if not name:
            continue
        name = YEAR_RE.sub("", name, count=1) if YEAR_RE.match(name) else name
        if m := REGION_RE.match(name):
            region = m.group(1)
            # 杭州市, 某州县: a name ending in 州 may go on to its level.
            while name[len(region):len(region) + 1] in REGION_LEVEL_CHARS and name[len(region):len(region) + 1]:
                region += name[len(region)]
            return region
    return None


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


def stated_metadata(text: str, head: Header, types: pd.DataFrame) -> dict[str, str]:
    """Metadata the text itself states: header fields, the notice title and the body's title line."""
    stated: dict[str, str] = {}
    fields = head.fields
    first_line = text[head.body_start:head.body_end].split("\n", 1)[0].strip()
    if head.notice_title and (m := NOTICE_TITLE_RE.search(head.notice_title)):
        stated["title_zh"] = m.group(2).strip("《》")
        # The organ before 关于 is the issuer's full formal name (发布单位 is often abbreviated).
        stated["issuer_zh"] = DOC_NUMBER_RE.sub("", head.notice_title[: m.start()]).strip()
    if looks_like_title(first_line, types):
        stated["title_zh"] = first_line
    elif "title_zh" not in stated and fields.get("title_zh"):
        title = fields["title_zh"]
        if m := NOTICE_TITLE_RE.search(title):
            title = m.group(2).strip("《》")
        stated["title_zh"] = DOC_NUMBER_RE.sub("", title).strip()
    if not stated.get("issuer_zh") and fields.get("issuer_zh"):
        stated["issuer_zh"] = fields["issuer_zh"]
    if not stated.get("issuer_zh") and (m := ISSUER_IN_TITLE_RE.match(stated.get("title_zh", ""))):
        stated["issuer_zh"] = m.group(1)
    for fld in ("written_date", "published_date"):
        if d := iso_date(fields.get(fld)):
            stated[fld] = d
    number_source = " ".join(filter(None, (fields.get("doc_number"), fields.get("title_zh"), head.notice_title)))
    if m := DOC_NUMBER_RE.search(number_source):
        stated["doc_number"] = re.sub(r"\s", "", m.group(0))
    if fields.get("index_number"):
        stated["index_number"] = fields["index_number"]
    return {k: v for k, v in stated.items() if v}


def inferred_metadata(source_file: str, text: str, head: Header) -> dict[str, str]:
    """Metadata guessed where the text states none: a Chinese file name as title, the notice's date line."""
    inferred = {}
    stem = Path(source_file).stem
    if re.search(r"[\u4e00-\u9fff]{4}", stem):
        inferred["title_zh"] = stem
    notice = "\n".join(text[s:e] for s, e, k in head.spans if k == "cover_notice")
    if (m := DATE_LINE_RE.search(notice)) and (d := iso_date(m.group(0))):
        inferred["written_date"] = d
    return inferred


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
    settle("region_zh", ("inferred", {"region_zh": region_of(record["issuer_zh"], record["title_zh"])}))
    for col in ("region_en", "province_zh", "province_en", "admin_level"):
        record[col] = manifest_row.get(col) or None
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


TITLE_MAX_CHARS = 60


def looks_like_title(line: str, types: pd.DataFrame) -> bool:
    """A document's own title line: short, no sentence punctuation, ends with a document-type word."""
    line = line.strip()
    if not line or len(line) > TITLE_MAX_CHARS or re.search(r"[。,;:!?、]", line):
        return False
    line = re.sub(r"[((][^()]*[))]\s*$", "", line).strip()  # (2021-2025年) after the type word
    return any(line.endswith(t) for t in types.type_zh)
