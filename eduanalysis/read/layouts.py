"""Document layouts: which lines of a text are page furniture, database headers or official-document parts.

Pure ``str -> ...`` functions. The line recognisers are data
(``resources/read/layout_parts.csv``: part, boilerplate kind, pattern, note), so
another database's export header or another site's furniture is one row more.
:func:`separate_boilerplate` walks a text from the top and from the bottom:

- top: database export lines (北大法宝【法宝引证码】, 原文链接), breadcrumbs,
  navigation words, metadata lines (索引号/发布机构/时间/来源 …), a letterhead
  (XX市教育局文件), the title block (a listing or page title printed before the
  document's own copy of it), the 文号 ((金政办发〔2016〕103号)), the addressees
  (各县(市、区)人民政府,市政府各部门:) and a cover notice that issues an
  enclosed document (关于印发…的通知, with its signature and date);
- bottom: site footers and trailers, 抄送 / 印发 lines, the 成文日期, the
  signature block (issuing body on its own line) and the 附件 list above it.

Every such line becomes a boilerplate span with its kind; the document's own
title stays in the body (the title section). Parts that state metadata
(titles, 文号, signature, dates) are kept in :attr:`Header.parts`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pandas as pd

from eduanalysis import resources
from eduanalysis.errors import EduAnalysisError
from eduanalysis.text import Line, split_lines  # noqa: F401  (Line: the type of split_lines' items)

# --- resources ------------------------------------------------------------------------


def read_resource(name: str) -> pd.DataFrame:
    """A ``resources/read/`` table as strings, checked by the one loader (:mod:`eduanalysis.resources`)."""
    return resources.frame(f"read/{name}")


@dataclass(frozen=True)
class Rule:
    part: str
    kind: str
    pattern: re.Pattern


@functools.lru_cache(maxsize=1)
def layout_rules() -> tuple[Rule, ...]:
    """The line recognisers of ``layout_parts.csv``, compiled once, in file order."""
    table = read_resource("layout_parts.csv")
    rules = []
    for row in table.itertuples():
        try:
            rules.append(Rule(row.part, row.kind, re.compile(row.pattern)))
        except re.error as exc:
            raise EduAnalysisError(f"{resources.path_of('read/layout_parts.csv')}: pattern of part {row.part!r} "
                                   f"is not a valid regular expression ({exc}); fix the row") from exc
    return tuple(rules)


def match_part(line: str, *parts: str) -> tuple[Rule, re.Match] | None:
    """The first rule of the given parts (in the order the parts are given) that matches ``line``, with its match.

    >>> match_part("原文链接:https://www.pkulaw.com/lar/x.html", "export_header")[0].kind
    'export_header'
    >>> match_part("(金政办发〔2016〕103号)", "doc_number")[1].group("value")
    '金政办发〔2016〕103号'
    """
    by_part = _rules_by_part()
    for part in parts:
        for rule in by_part.get(part, ()):
            if m := rule.pattern.search(line):
                return rule, m
    return None


@functools.lru_cache(maxsize=1)
def _rules_by_part() -> dict[str, tuple[Rule, ...]]:
    out: dict[str, list[Rule]] = {}
    for rule in layout_rules():
        out.setdefault(rule.part, []).append(rule)
    return {part: tuple(rules) for part, rules in out.items()}


@functools.lru_cache(maxsize=1)
def organ_re() -> re.Pattern:
    """An issuing body's name on a line of its own (several bodies may share the line, space-separated)."""
    suffixes = read_resource("organ_suffixes.csv").suffix.tolist()
    one = r"(?:中共)?[\u4e00-\u9fff()、]{1,40}?(?:" + "|".join(map(re.escape, sorted(suffixes, key=len, reverse=True))) + r")(?:\([^()]{2,20}\))?"
    return re.compile(rf"^{one}(?:\s+{one})*$")


def is_organ_line(line: str) -> bool:
    """A signature line: one or more issuing bodies and nothing else.

    >>> is_organ_line("金华市人民政府办公室"), is_organ_line("中共某市委 某市人民政府"), is_organ_line("牵头单位:市教育局")
    (True, True, False)
    """
    line = line.strip()
    return 2 < len(line) <= 60 and bool(organ_re().match(line))


# --- lines ----------------------------------------------------------------------------


@dataclass
class Header:
    """What :func:`separate_boilerplate` finds: spans, body extent, stated metadata and document parts."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    body_start: int = 0
    body_end: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    notice_title: str | None = None
    #: Metadata-bearing parts as printed: listing_title, doc_number, notice_signature, notice_date,
    #: signature, signature_date, print_issuer, print_date.
    parts: dict[str, str] = field(default_factory=dict)


# --- metadata lines -------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _labels() -> tuple[dict[str, str], re.Pattern]:
    table = read_resource("metadata_labels.csv")
    to_field = dict(zip(table.label, table.field, strict=True))
    # A label, its characters possibly spaced (索 引 号), bare or in 【】, then ':' or '|' (or the closing 】).
    alternatives = "|".join(r"\s*".join(map(re.escape, label)) for label in sorted(to_field, key=len, reverse=True))
    label_re = re.compile(rf"(?:[\u4e00-\u9fff]{{2,6}}\s*/\s*)?【?\s*({alternatives})\s*(?:】\s*[:]?|[:|])")
    return to_field, label_re


def metadata_pairs(line: str) -> dict[str, str]:
    """Label/value pairs of one metadata line (``索 引 号: x 主题分类: y`` or ``索引号 | x | 发布机构 | y |``).

    >>> metadata_pairs("发文机关: 盘锦市政府 成文日期: 2019-05-30")
    {'issuer_zh': '盘锦市政府', 'written_date': '2019-05-30'}
    >>> metadata_pairs("【发布部门】 山东省人民政府办公厅")
    {'issuer_zh': '山东省人民政府办公厅'}
    """
    to_field, label_re = _labels()
    found = list(label_re.finditer(line))
    out: dict[str, str] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        value = line[m.end():end].strip(" |\t")
        fld = to_field[re.sub(r"\s", "", m.group(1))]
        if fld and value and fld not in out:
            out[fld] = value
    return out


def is_metadata_line(text: str) -> bool:
    found = list(_labels()[1].finditer(text))
    if not found:
        return False
    # A metadata line is mostly labels and short values, never prose.
    return found[0].start() <= 2 and "。" not in text and len(text) < 200


# --- title block -------------------------------------------------------------------------

def notice_title(t: str) -> re.Match | None:
    """A cover notice's title (part ``notice_title``); groups ``enclosed`` (the document it issues) and ``type``.

    >>> notice_title("景德镇市人民政府办公室印发关于全面加强和改进学校美育工作实施意见的通知").group("enclosed")
    '关于全面加强和改进学校美育工作实施意见'
    """
    hit = match_part(t, "notice_title")
    return hit[1] if hit else None


#: Sentence punctuation a title never holds (、 and , do occur: 市委、市政府).
TITLE_PUNCT_RE = re.compile(r"[。;:!?]|[,:]$")
TITLE_CANDIDATE_MAX = 90


def same_title(a: str, b: str) -> bool:
    """Two printings of one title: equal once spaces and bracket styles are unified, or one a cut-off copy of the other.

    >>> same_title("关于贯彻国办发〔2015〕71号文件的实施意见", "关于贯彻国办发[2015]71号文件的实施意见")
    True
    >>> same_title("关于下达2015年全区小学秋季招生计划的通知", "关于下达2015年全区小学秋季招生计划的")
    True
    """
    a, b = _title_key(a), _title_key(b)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return a == b or (long_.startswith(short) and len(short) >= 0.8 * len(long_) and len(short) >= 8)


def _title_key(t: str) -> str:
    t = re.sub(r"\s", "", t)
    t = re.sub(r"[\[【〔]", "〔", t)
    t = re.sub(r"[\]】〕]", "〕", t)
    return re.sub(r"[“”\"‘’'《》]", "", t)


def is_title_candidate(t: str) -> bool:
    """A line that could be a title: short, no sentence punctuation, not a metadata, 文号 or heading line."""
    return (4 <= len(t) <= TITLE_CANDIDATE_MAX and not TITLE_PUNCT_RE.search(t) and not is_metadata_line(t)
            and match_part(t, "doc_number", "date_line", "addressee") is None
            and not re.match(r"^([一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+[.、])", t))


HEAD_PARTS = ("export_header", "furniture", "publication_note", "letterhead", "doc_number", "title_date")


def _head_part(t: str) -> tuple[Rule, re.Match] | None:
    """A top-of-document line that is not the body: database header, furniture, metadata, 文号, addressees."""
    if (hit := match_part(t, "breadcrumb")) and len(t) < 200 and "。" not in t:
        return hit
    if is_metadata_line(t):
        return Rule("metadata", "metadata", re.compile("")), None  # type: ignore[return-value]
    return match_part(t, *HEAD_PARTS, "addressee")


# --- the walk ---------------------------------------------------------------------------


def separate_boilerplate(text: str) -> Header:
    """Find furniture, database headers and official-document parts; return their spans and the body extent.

    Header zone, from the top: breadcrumbs, metadata lines, database export
    lines, a letterhead, a listing or page title printed before the document's
    own copy, the 文号, the addressees, the cover notice (关于印发…的通知 with its
    text, signature, date and (此件公开发布)) and a table of contents. A title
    followed by header lines stays in the body and the header lines after it
    are masked. Trailer zone, from the bottom: site footers and links,
    publication notes, 抄送/印发 lines, the date, the signature and the 附件 list.
    """
    lines = split_lines(text)
    head = Header(body_end=len(text))
    nonblank = [ln for ln in lines if ln.stripped]
    if not nonblank:
        return head

    def mark(ln: Line, kind: str, end: int | None = None) -> None:
        s = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        e = ln.start + len(ln.text.rstrip()) if end is None else end
        head.spans.append((s, e, kind))

    i = 0
    n = len(nonblank)
    notice_at = None
    title_at = None  # the document's own title, kept in the body while header lines after it are masked
    body_from = None  # offset inside a line where the body starts (addressees run into the first paragraph)
    while i < n:
        t = nonblank[i].stripped
        hit = _head_part(t)
        part = hit[0].part if hit else None
        if part == "metadata":
            for fld, value in metadata_pairs(t).items():
                head.fields.setdefault(fld, value)
            mark(nonblank[i], "metadata")
        elif part in ("breadcrumb", "export_header", "furniture", "publication_note"):
            mark(nonblank[i], hit[0].kind)
        elif notice_title(t) and len(t) < 150 and notice_at is None and "。" not in t and title_at is None:
            notice_at = i
            head.notice_title = t
            mark(nonblank[i], "cover_notice")
        elif notice_at is not None and i - notice_at <= 12 and (
                _is_notice_line(t) or part in ("doc_number", "title_date") or same_title(t, head.notice_title)):
            _keep_number(head, hit)
            lead = nonblank[i].start + len(nonblank[i].text) - len(nonblank[i].text.lstrip())
            if (cut := notice_text_end(t)) is not None:
                # 现将方案印发给你们。到2020年…达到50%…: only the notice's formula is boilerplate.
                mark(nonblank[i], "cover_notice", lead + cut)
                body_from = lead + cut
                while body_from < nonblank[i].end and text[body_from].isspace():
                    body_from += 1
                break
            mark(nonblank[i], "cover_notice")
        elif part in ("letterhead", "doc_number", "title_date", "addressee") and notice_at is None:
            _keep_number(head, hit)
            mark(nonblank[i], hit[0].kind)
        elif (notice_at is None and title_at is None and "listing_title" not in head.parts
              and (m := match_part(t, "addressee_prefix"))):
            ln = nonblank[i]
            body_from = ln.start + len(ln.text) - len(ln.text.lstrip()) + m[1].end("value")
            mark(ln, "addressee", body_from)
            while body_from < ln.end and text[body_from].isspace():
                body_from += 1
            break
        elif title_at is None and notice_at is None and is_title_candidate(t):
            kind = _title_role(nonblank, i)
            if kind is None:
                break
            if kind == "chrome":
                mark(nonblank[i], "furniture")
            elif kind == "copy":  # a listing/page title printed before the document's own copy
                head.parts.setdefault("listing_title", re.sub(r"^《(.+)》$", r"\1", t))
                mark(nonblank[i], "listing_title")
            else:
                title_at = i
                head.parts["own_title"] = t
        else:
            break
        i += 1
    # The notice's signature and date: short lines up to a date line.
    if notice_at is not None:
        j = i
        while j < n and j - i < 6:
            t = nonblank[j].stripped
            if match_part(t, "date_line"):
                for k in range(i, j + 1):
                    mark(nonblank[k], "cover_notice")
                signature = [nonblank[k].stripped for k in range(i, j) if is_organ_line(nonblank[k].stripped)]
                if signature:
                    head.parts["notice_signature"] = signature[0]
                head.parts["notice_date"] = t
                i = j + 1
                break
            if len(t) > 60 or "。" in t[:-1]:
                break
            j += 1
        while i < n and match_part(nonblank[i].stripped, "publication_note"):
            mark(nonblank[i], "publication_note")
            i += 1
    # A table of contents right after the title or at the top.
    i = _skip_toc(nonblank, i, mark)
    if i + 1 < n and TOC_HEAD_RE.match(nonblank[i + 1].stripped):
        _skip_toc(nonblank, i + 1, mark)  # the title stays in the body, its contents list does not
    first = title_at if title_at is not None else i
    k = _trailer_zone(nonblank, first, head, mark)
    marked = {sp[0] for sp in head.spans}
    for ln in nonblank[first:k + 1]:
        if match_part(ln.stripped, "export_header") and ln.start + len(ln.text) - len(ln.text.lstrip()) not in marked:
            mark(ln, "export_header")
    if "signature_date" not in head.parts and "notice_date" not in head.parts:
        _inner_signature(nonblank, first, k, head, mark)
    if first > k and (copies := [ln for ln in nonblank if _is_title_copy(ln, head)]):
        # A record with nothing but its header: the last copy of the title is the document.
        last = copies[-1]
        head.spans = [sp for sp in head.spans if sp[0] != last.start + len(last.text) - len(last.text.lstrip())]
        first = k = nonblank.index(last)
        body_from = None
    if first <= k and (body_from is None or body_from < nonblank[k].end):
        ln = nonblank[first]
        head.body_start = body_from if body_from is not None else ln.start + (len(ln.text) - len(ln.text.lstrip()))
        head.body_end = nonblank[k].start + len(nonblank[k].text.rstrip())
    else:
        head.body_start = head.body_end = len(text)
    head.spans.sort()
    return head


def _is_title_copy(ln: Line, head: Header) -> bool:
    t = ln.stripped
    return any(title and same_title(t, title) for title in (head.notice_title, head.parts.get("listing_title")))


def _keep_number(head: Header, hit) -> None:
    """Keep the 文号 and the date a 文号 / title-date line states."""
    if hit and hit[0].part in ("doc_number", "title_date"):
        groups = hit[1].groupdict()
        if groups.get("value"):
            head.parts.setdefault("doc_number", groups["value"])
        if groups.get("date"):
            head.parts.setdefault("title_date", groups["date"])


#: How many header lines may stand between a listing title and the document's own copy (a pkulaw
#: record prints 【发布部门】 … 【法规类别】, 【法宝引证码】 and 正文 in between).
TITLE_LOOKAHEAD = 14


def _title_role(nonblank: list[Line], i: int) -> str | None:
    """Whether the title candidate at ``i`` is a listing/page copy ("copy"), the document's title kept in
    the body ("own", header lines follow it), the site's name above a breadcrumb ("chrome") or not a
    header title at all (None: the body starts here)."""
    t = nonblank[i].stripped
    if i + 1 < len(nonblank) and (hit := _head_part(nonblank[i + 1].stripped)) and hit[0].part == "breadcrumb":
        return "chrome"  # the site's name above its breadcrumb, not a title
    j = i + 1
    while j < len(nonblank) and j - i <= TITLE_LOOKAHEAD:
        nxt = nonblank[j].stripped
        joined = nxt + (nonblank[j + 1].stripped if j + 1 < len(nonblank) else "")
        if same_title(t, nxt) or (len(nxt) < len(t) and _title_key(joined) == _title_key(t)):
            return "copy"
        if _head_part(nxt) is None:
            return "own" if j > i + 1 else None
        j += 1
    return "own" if j > i + 1 else None


def _trailer_zone(nonblank: list[Line], first: int, head: Header, mark) -> int:
    """Mark the trailer zone from the bottom; return the index of the body's last line."""
    k = len(nonblank) - 1
    signed = False
    while k >= first:
        t = nonblank[k].stripped
        if hit := match_part(t, "trailer", "publication_note", "distribution", "print_line", "export_header"):
            mark(nonblank[k], hit[0].kind)
            if hit[0].part == "print_line":
                head.parts.setdefault("print_issuer", hit[1].group("value").strip())
                head.parts.setdefault("print_date", hit[1].group("date"))
        elif (is_metadata_line(t) or match_part(t, "breadcrumb")) and "。" not in t:
            mark(nonblank[k], "metadata")
        elif not signed and (hit := match_part(t, "date_line", "damaged_date_line")):
            above = [nonblank[m].stripped for m in range(max(first + 1, k - 3), k)]
            organs = [a for a in above if is_organ_line(a)]
            if hit[0].part == "damaged_date_line" and not (above and is_organ_line(above[-1])):
                break
            signed = True
            head.parts["signature_date"] = t
            mark(nonblank[k], "date")
            m = k - 1
            while m > first and is_organ_line(nonblank[m].stripped) and k - m <= 3:
                mark(nonblank[m], "signature")
                m -= 1
            if organs:
                head.parts["signature"] = nonblank[m + 1].stripped if m + 1 < k else organs[-1]
            k = _attachment_list(nonblank, first, m, mark)
            continue
        elif k > first and match_part(t, "attachment") and len(t) <= 80 and "。" not in t:
            mark(nonblank[k], "attachment_list")
        else:
            break
        k -= 1
    return k


def _inner_signature(nonblank: list[Line], first: int, k: int, head: Header, mark) -> None:
    """A signature block inside the text: issuing body and date followed by the 附件 themselves
    (附件1 / a table) or by the document a notice issues (its title line)."""
    for m in range(first + 1, k):
        organ, when = nonblank[m].stripped, nonblank[m + 1].stripped
        if not (is_organ_line(organ) and match_part(when, "date_line")):
            continue
        after = nonblank[m + 2].stripped if m + 2 <= k else ""
        if not after or match_part(after, "attachment") or is_title_candidate(after):
            mark(nonblank[m], "signature")
            mark(nonblank[m + 1], "date")
            head.parts["signature"], head.parts["signature_date"] = organ, when
            return


def _attachment_list(nonblank: list[Line], first: int, k: int, mark) -> int:
    """Mark a 附件 list ending at ``k`` (just above the signature); return the index above it."""
    for start in range(k, max(first, k - 8), -1):
        t = nonblank[start].stripped
        if match_part(t, "attachment"):
            if all(len(nonblank[m].stripped) <= 80 and "。" not in nonblank[m].stripped for m in range(start, k + 1)):
                for m in range(start, k + 1):
                    mark(nonblank[m], "attachment_list")
                return start - 1
            break
        if len(t) > 80 or "。" in t:
            break
    return k


#: A sentence of a paragraph, up to and with its closing stop.
SENTENCE_RE = re.compile(r"[^。;!?]+[。;!?]*")
#: A number in a sentence: content (a level to reach, a date), never a notice's formula.
DIGIT_RE = re.compile(r"\d")


def notice_text_end(t: str) -> int | None:
    """Where a cover notice's formula ends when the paragraph goes on with content holding a number,
    else None (the whole paragraph is the notice's text).

    The formula is everything up to the last sentence matching ``notice_text``; what follows is the
    body when it holds a number (a target such as 优良率达到50%).

    >>> notice_text_end("现将方案印发给你们。到2020年,学生体质健康优良率达到50%。")
    10
    >>> notice_text_end("现将《方案》印发给你们,请认真贯彻执行。") is None
    True
    """
    sentences = list(SENTENCE_RE.finditer(t))
    last = max((k for k, m in enumerate(sentences) if match_part(m.group(), "notice_text")), default=None)
    if last is None or last == len(sentences) - 1:
        return None
    cut = sentences[last].end()
    return cut if DIGIT_RE.search(t[cut:]) else None


def _is_notice_line(t: str) -> bool:
    """Addressees and the one-paragraph notice text of a 关于印发…的通知 cover."""
    if match_part(t, "addressee"):
        return True
    return bool(match_part(t, "notice_text")) and len(t) < 400


TOC_HEAD_RE = re.compile(r"^\s*目\s*录\s*$")
TOC_LINE_RE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{3,})\s*\d+\s*$|^\s*\S.{0,40}\s+\d{1,3}\s*$")


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
