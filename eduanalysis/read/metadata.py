"""Metadata: separating page furniture from a document's body, and what the text says about itself.

Pure ``str -> ...`` functions used by :mod:`eduanalysis.read.documents`: breadcrumbs,
metadata lines, the cover notice (关于印发…的通知), tables of contents and
trailers are found as spans; the metadata they and the body's title state
(发文机关, 成文日期, 发布日期, 文号, 标题, 索引号) is extracted; the plan horizon,
document type and region are derived.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from eduanalysis import config
from eduanalysis.numbers import five_year_plan_years

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


@functools.lru_cache(maxsize=1)
def read_doc_types() -> pd.DataFrame:
    """The document-type vocabulary (``resources/doc_types.csv``): zh word, en name, annual flag.

    Read once per process (callers must not modify it): the build asks for it for every document.
    """
    return pd.read_csv(config.resource_path("read/doc_types.csv"), dtype=str, keep_default_na=False)


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
    return five_year_plan_years(f"十{m.group(1)}五") if m else None


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


TITLE_MAX_CHARS = 60


def looks_like_title(line: str, types: pd.DataFrame) -> bool:
    """A document's own title line: short, no sentence punctuation, ends with a document-type word."""
    line = line.strip()
    if not line or len(line) > TITLE_MAX_CHARS or re.search(r"[。,;:!?、]", line):
        return False
    line = re.sub(r"[((][^()]*[))]\s*$", "", line).strip()  # (2021-2025年) after the type word
    return any(line.endswith(t) for t in types.type_zh)
