"""Structure: a document's body -> ``sections`` (heading hierarchy) and ``measures`` (clauses).

Chinese policy documents number their headings in a fixed order of forms —
第X章 > 一、 > (一) > 1. > (1) > ① — with boxes (专栏N), numbered projects
(实施项目N:), bracketed headings (【重点任务N】) and labelled blocks
(行动目标:, 实施路径——) in between. Each form has a rank; a heading closes
every open section of equal or lower rank and opens its own. Inline headings
("(一)指导思想。以习近平…") are split into a heading measure and body clauses.
Flattened indicator tables (cells listed line by line, or tab-separated rows)
become ``table`` sections whose lines are ``table_cell`` measures.

Measures are clause-level units split on 。;!? and line breaks, never inside
quotes or brackets. Invariant: a document's measures and boilerplate spans
cover every non-space character of its text exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from eduanalysis import config, schema
from eduanalysis.numbers import parse_chinese
from eduanalysis.resources import table as _resource_table
from eduanalysis.text import CIRCLED, CLOSERS, CN_NUMERALS, OPENERS, inside_brackets, split_lines

_N = f"[{CN_NUMERALS}\\d]+"


@dataclass(frozen=True)
class HeadingStyle:
    """One heading form: its regex (groups: label, heading text), rank and section kind."""

    style: str
    pattern: re.Pattern
    rank: float
    kind: str = "heading"
    numbered_path: bool = True  # the number enters the coding path as an integer


#: Heading forms in the order they are tried. Ranks follow the national
#: convention for official documents (GB/T 9704): 一、 > (一) > 1. > (1).
HEADING_STYLES: tuple[HeadingStyle, ...] = (
    HeadingStyle("part", re.compile(rf"^(第{_N}(?:部分|编|篇))\s*(.*)$"), 1),
    HeadingStyle("chapter", re.compile(rf"^(第{_N}章)\s*(.*)$"), 2),
    HeadingStyle("section", re.compile(rf"^(第{_N}节)\s*(.*)$"), 3),
    HeadingStyle("cn_comma", re.compile(rf"^([{CN_NUMERALS}]+)\s*[、.]\s*(.+)$"), 4),
    HeadingStyle("cn_paren", re.compile(rf"^\(([{CN_NUMERALS}]+)\)\s*(.+)$"), 5),
    # 专栏 boxes belong to the chapter they stand in: they rank with (一).
    HeadingStyle("box", re.compile(r"^(专栏\s*[\d一二三四五六七八九十]+)\s*[:]?\s*(.*)$"), 5, "box", False),
    HeadingStyle("project", re.compile(
        r"^((?:实施|重点|建设|专项|子)?(?:项目|工程|任务|行动|专项行动))\s*(\d{1,3})\s*[:]\s*(.*)$"), 6, "box", False),
    HeadingStyle("bracket", re.compile(r"^(【[^】]{1,24}】)\s*(.*)$"), 6, "box", False),
    HeadingStyle("block", re.compile(
        r"^(行动目标|实施路径|主要目标|目标任务|主要任务|工作任务|主要举措|工作措施|主要措施|具体措施|"
        r"实施步骤|进度安排|责任分工|预期成效|工作要求|实施内容|建设内容|建设目标)\s*(?:——|—|:)\s*(.*)$"),
        6.5, "block", False),
    HeadingStyle("arabic", re.compile(r"^(\d{1,3})\s*[.、](?![\d%])\s*(.+)$"), 7),
    HeadingStyle("arabic_paren", re.compile(r"^\((\d{1,3})\)\s*(.+)$"), 8),
    HeadingStyle("circled", re.compile(r"^([①-⑳])\s*(.+)$"), 9),
)
STYLE_BY_NAME = {s.style: s for s in HEADING_STYLES}

#: An inline heading ends at its first full stop within this many characters.
INLINE_HEADING_MAX = 45
#: A stand-alone line this short with no sentence punctuation may be an unnumbered heading.
PLAIN_HEADING_MAX = 20
#: A line this short without sentence punctuation may be a flattened table cell.
TABLE_CELL_MAX = 32
#: A run of cell-like lines is a table when it has this many lines and numeric cells.
TABLE_MIN_LINES, TABLE_MIN_NUMERIC = 6, 3

#: A first line of a table this long that is not a row is its caption even without a table word.
CAPTION_MIN = 8
#: A line naming a table (表1 主要指标, 主要指标完成情况表), the caption row of ``extract/table_headings.csv``.
CAPTION_RE = re.compile(next(r["pattern"] for r in _resource_table("extract/table_headings.csv") if r["role"] == "caption"))
SENTENCE_PUNCT_RE = re.compile(r"[。,;!?、]")
NUMERIC_CELL_RE = re.compile(
    r"^(?:[≥≤<>~约]|不低于|不少于|达到)?\s*-?\d+(?:\.\d+)?\s*(?:%|‰|年|万人|万|人|所|个|亿元|万元|元)?"
    r"\s*(?:以上|以下|左右|以内)?$|^[-—–/]$|^(?:预期性|约束性)+$")
#: Cells of a space-aligned table row, apart by runs of spaces (NFKC has folded the ideographic space).
SPACED_CELLS_RE = re.compile(r" {2,}")
#: Punctuation that never stands in a table cell (、 does: 三(四、五)星级学校比例).
CELL_BREAK_RE = re.compile(r"[。,;!?]")
CLAUSE_END = set("。;!?")
RESPONSIBILITY_RE = re.compile(
    r"^[(]?\s*(责任单位|牵头单位|配合单位|责任部门|牵头部门|配合部门|参与单位|协同单位|协办单位|"
    r"实施单位|主责单位|责任主体|牵头领导|责任领导)\s*[:]")


def label_number(label: str) -> int | None:
    """The integer a heading label writes: 二十三 -> 23, (5) -> 5, 第十四章 -> 14, ③ -> 3.

    >>> [label_number(x) for x in ("二", "十", "二十三", "一百零五", "5", "第十四章", "③", "专栏2")]
    [2, 10, 23, 105, 5, 14, 3, 2]
    """
    if m := re.search(r"\d+", label):
        return int(m.group(0))
    for ch in label:
        if ch in CIRCLED:
            return CIRCLED.index(ch) + 1
    value = parse_chinese(re.sub(f"[^{CN_NUMERALS}]", "", label))
    return None if value is None else int(value)


@dataclass
class Paragraph:
    """A non-blank line of the body with its stripped span."""

    start: int
    end: int
    text: str


@dataclass
class _Open:
    row: dict
    rank: float


@dataclass
class Structure:
    sections: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)


def body_paragraphs(text: str, body_start: int, body_end: int, masked: list[tuple[int, int]]) -> list[Paragraph]:
    """Non-blank lines inside the body, minus boilerplate spans, stripped."""
    out = []
    for ln in split_lines(text):
        s, e = max(ln.start, body_start), min(ln.end, body_end)
        if s >= e:
            continue
        for ms, me in masked:
            if ms <= s and me >= e:
                s = e
            elif ms <= s < me:
                s = me
            elif s < ms < e and me >= e:
                e = ms
        piece = text[s:e]
        if not piece.strip():
            continue
        lead = len(piece) - len(piece.lstrip())
        out.append(Paragraph(s + lead, s + len(piece.rstrip()), piece.strip()))
    return out


def match_heading(text: str) -> tuple[HeadingStyle, re.Match] | None:
    """The heading form a paragraph starts with, if any.

    >>> match_heading("(一)指导思想。以习近平…")[0].style
    'cn_paren'
    >>> match_heading("1.5万人参加") is None
    True
    """
    for style in HEADING_STYLES:
        if m := style.pattern.match(text):
            return style, m
    return None


def split_inline(rest: str) -> tuple[str, int]:
    """Split the text after a heading label into (heading, length of the heading part incl. its stop).

    >>> split_inline("指导思想。以习近平新时代中国特色社会主义思想为指导")
    ('指导思想', 5)
    >>> split_inline("总体要求")
    ('总体要求', 4)
    >>> split_inline("x" * 80 + "。")[0]
    ''
    """
    m = re.search(r"[。!?]", rest)
    if m and m.start() <= INLINE_HEADING_MAX and not inside_brackets(rest, m.start()):
        return rest[: m.start()].strip(), m.end()
    if not re.search(r"[。;!?]", rest) and len(rest) <= INLINE_HEADING_MAX + 15:
        return rest.strip(), len(rest)
    return "", 0


def split_clauses(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Clause spans of one paragraph: cut after 。;!? outside quotes and brackets.

    >>> t = "加强领导;“一校一策。”推进改革。到2025年达95%"
    >>> [t[s:e] for s, e in split_clauses(t)]
    ['加强领导;', '“一校一策。”推进改革。', '到2025年达95%']
    """
    spans, start, stack = [], 0, []
    for i, ch in enumerate(text):
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in OPENERS:
            stack.append(OPENERS[ch])
        elif ch in CLOSERS and CLOSERS[ch] in OPENERS:
            continue  # a stray closer: ignore
        elif ch in CLAUSE_END and not stack:
            spans.append((start, i + 1))
            start = i + 1
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((offset + s + lead, offset + s + len(piece.rstrip())))
    return out


#: Where an over-long clause may be cut, best first: after a comma or enumeration mark, then at white space.
SAFE_CUT_RE = (re.compile(r"[,、:]"), re.compile(r"\s"))


def split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into spans of at most ``max_chars`` characters, each cut at a safe boundary.

    Extraction costs grow faster than a clause's length, so a clause longer than
    the ``max_clause_chars`` limit (a page of text without a full stop) is split,
    never skipped: after the last comma or enumeration mark of the window, else
    at its last white space, else between two characters that are not both
    ASCII letters or digits (a number is never cut), else at the limit. The
    spans cover every non-space character once and are stripped of white space.

    >>> t = "甲" * 5 + "," + "乙" * 5 + "2025" + "丙" * 3
    >>> [t[s:e] for s, e in split_long(t, 0, len(t), 8)]
    ['甲甲甲甲甲,', '乙乙乙乙乙', '2025丙丙丙']
    """
    spans = []
    while end - start > max_chars:
        window_end = start + max_chars
        cut = None
        floor = start + max_chars // 2
        for pattern in SAFE_CUT_RE:
            hits = [m.end() for m in pattern.finditer(text, floor, window_end)]
            if hits:
                cut = hits[-1]
                break
        if cut is None:
            cut = window_end
            while cut > floor and text[cut - 1].isascii() and text[cut - 1].isalnum() and \
                    text[cut].isascii() and text[cut].isalnum():
                cut -= 1
            if cut == floor:
                cut = window_end
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    out = []
    for s, e in spans:
        piece = text[s:e]
        if piece.strip():
            out.append((s + len(piece) - len(piece.lstrip()), s + len(piece.rstrip())))
    return out


def is_cell_like(text: str) -> bool:
    """A line that can be a flattened table cell: short and without sentence punctuation.

    Numbered lines qualify too: indicator tables number their groups and rows
    (一、发展水平 / 1.学前教育毛入园率(%)); :func:`find_tables` trims headings
    off the ends of a run.
    """
    if "\t" in text:
        return len([c for c in text.split("\t") if c.strip()]) >= 2
    if is_row_line(text):
        return True
    return len(text) <= TABLE_CELL_MAX and not CELL_BREAK_RE.search(text)


def is_row_line(text: str) -> bool:
    """A table row printed on one line: tab-separated, or three or more space-aligned cells one of
    which is a number (a line of web-page chrome spaced the same way holds no value cell).

    >>> [is_row_line(x) for x in ("毛入园率(%)\t96\t98", "学前教育毛入园率(%)    96    98", "主办: 区政府办公室    承办: 区教育局")]
    [True, True, False]
    """
    if "\t" in text:
        return True
    cells = SPACED_CELLS_RE.split(text.strip())
    return len(cells) >= 3 and not CELL_BREAK_RE.search(text) and any(is_numeric_cell(c) for c in cells)


def _is_heading_not_row(text: str) -> bool:
    """A heading at the edge of a run of cell-like lines (not a numbered table row printed on one line)."""
    return bool(match_heading(text)) and not is_numeric_cell(text) and not is_row_line(text)


def find_tables(paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of paragraphs that form flattened tables.

    A table is a run of cell-like lines with enough numeric cells; headings
    standing at either end of the run (the chapter heading after a table) are
    left out of it.
    """
    out, i, n = [], 0, len(paragraphs)
    while i < n:
        if not is_cell_like(paragraphs[i].text):
            i += 1
            continue
        j = i
        while j < n and is_cell_like(paragraphs[j].text):
            j += 1
        start, end = i, j
        while start < end and _is_heading_not_row(paragraphs[start].text):
            start += 1
        while end > start and _is_heading_not_row(paragraphs[end - 1].text):
            end -= 1
        run = paragraphs[start:end]
        numeric = sum(1 for p in run if is_numeric_cell(p.text) or is_row_line(p.text))
        tabbed = sum(1 for p in run if is_row_line(p.text))
        if (len(run) >= TABLE_MIN_LINES and numeric >= TABLE_MIN_NUMERIC) or tabbed >= 2:
            out.append((start, end))
        i = j
    return out


def is_numeric_cell(text: str) -> bool:
    """A table cell holding a value: 95, ≥96, 99%以上, 12.3年以上, -, 预期性.

    >>> [is_numeric_cell(x) for x in ("≥96", "99%以上", "12.3年", "-", "预期性预期性", "毛入园率(%)")]
    [True, True, True, True, True, False]
    """
    return NUMERIC_CELL_RE.match(text.strip()) is not None


def table_caption(line: str) -> str:
    """The caption a table's first line gives it, or "" when that line is a row (a header row of
    several cells is never a caption, nor is a value cell). A line naming a table (CAPTION_RE) is a
    caption however short; a longer line that is no row stands as one too (“十四五”时期萍乡教育事业发展主要指标).

    >>> [table_caption(x) for x in ("表1 主要指标", "主要指标完成情况表", "指标名称    2020年    2025年    属性", "95")]
    ['表1 主要指标', '主要指标完成情况表', '', '']
    """
    text = line.strip()
    if "\t" in text or is_row_line(text) or len(SPACED_CELLS_RE.split(text)) >= 2 or NUMERIC_CELL_RE.match(text):
        return ""
    return text if CAPTION_RE.search(text) or len(text) >= CAPTION_MIN else ""


def is_plain_heading(par: Paragraph, following: Paragraph | None) -> bool:
    """An unnumbered stand-alone heading (发展基础): short, no punctuation, followed by prose."""
    t = par.text
    if len(t) > PLAIN_HEADING_MAX or len(t) < 2 or SENTENCE_PUNCT_RE.search(t) or ":" in t:
        return False
    if re.fullmatch(r"[\d\s.%-]+", t) or re.search(r"(局|厅|委|政府|办公室|委员会|\d{4}年\d{1,2}月\d{1,2}日)$", t):
        return False
    return following is not None and len(following.text) >= 2 * len(t) and bool(SENTENCE_PUNCT_RE.search(following.text))


def structure(doc_id: str, text: str, body_start: int, body_end: int, title: str | None = None,
              masked: list[tuple[int, int]] | None = None, is_title=None) -> Structure:
    """Sections and measures of one document (pure).

    ``is_title`` decides whether the first body line is the document's own
    title (default: it equals ``title`` or is short, unpunctuated and ends like
    a title); otherwise a title section spanning the body is created.
    """
    pars = body_paragraphs(text, body_start, body_end, masked or [])
    out = Structure()
    numbered_ranks = [hit[0].rank for p in pars if (hit := match_heading(p.text)) and hit[0].kind == "heading"]
    top_rank = min(numbered_ranks) if numbered_ranks else 4

    def new_section(kind, style, label, heading, start, rank, parent: _Open | None) -> _Open:
        number = label_number(label) if label else None
        parent_row = parent.row if parent else None
        path = parent_row["path"] if parent_row else ""
        spec = STYLE_BY_NAME.get(style)
        if number is not None and spec is not None:
            part = str(number) if spec.numbered_path else label.strip("【】")
            path = f"{path}-{part}" if path else part
        row = {
            "section_id": f"{doc_id}-s{len(out.sections):03d}", "doc_id": doc_id,
            "parent_id": parent_row["section_id"] if parent_row else None,
            "level": parent_row["level"] + 1 if parent_row else 0, "kind": kind, "style": style,
            "label": label or None, "number": number, "heading": heading, "path": path,
            "char_start": start, "char_end": body_end,
        }
        out.sections.append(row)
        return _Open(row, rank)

    max_chars = config.limit("max_clause_chars")

    def add_measure(kind, start, end, section: _Open):
        # A measure over the limit is split (never skipped): extraction then costs linear time in the document.
        for s, e in split_long(text, start, end, max_chars) if end - start > max_chars else [(start, end)]:
            out.measures.append({
                "measure_id": f"{doc_id}-m{len(out.measures):04d}", "doc_id": doc_id,
                "section_id": section.row["section_id"], "kind": kind, "text": text[s:e],
                "char_start": s, "char_end": e,
            })

    def add_clauses(start, end, section: _Open):
        for s, e in split_clauses(text[start:end], start):
            kind = "responsibility" if RESPONSIBILITY_RE.match(text[s:e]) else "text"
            add_measure(kind, s, e, section)

    # The title section: the first body line when it is the document's title.
    first = pars[0] if pars else None
    title_hit = first is not None and (is_title(first.text) if is_title else
                                       (title is not None and first.text == title.strip()))
    root = new_section("title", "title", None, first.text if title_hit else (title or ""),
                       first.start if title_hit else body_start, 0, None)
    if title_hit:
        add_measure("heading", first.start, first.end, root)
    stack: list[_Open] = [root]

    def close_to(rank: float, at: int) -> None:
        while len(stack) > 1 and stack[-1].rank >= rank:
            stack.pop().row["char_end"] = at

    i = 1 if title_hit else 0
    # Tables are found after the title: a short title line is cell-like and would otherwise open a
    # run that starts at the skipped paragraph 0, dropping a table that directly follows the title.
    tables = {a + i: b + i for a, b in find_tables(pars[i:])}
    while i < len(pars):
        par = pars[i]
        if i in tables:
            j = tables[i]
            run = pars[i:j]
            caption = table_caption(run[0].text)
            close_to(100, par.start)
            tab = new_section("table", "table", None, caption, par.start, 100, stack[-1])
            tab.row["char_end"] = run[-1].end
            for p in run:
                add_measure("table_cell", p.start, p.end, tab)
            i = j
            continue
        hit = match_heading(par.text)
        following = pars[i + 1] if i + 1 < len(pars) else None
        if hit:
            style, m = hit
            label, rest = m.group(1), m.group(m.lastindex)
            if style.style == "project":
                label = m.group(1) + m.group(2)
            heading, used = split_inline(rest)
            if style.kind == "block" and not heading:
                heading, used = label, 0
                label = ""
            close_to(style.rank, par.start)
            sec = new_section(style.kind, style.style, label if style.kind != "block" else None,
                              heading if style.kind != "block" else m.group(1), par.start, style.rank, stack[-1])
            stack.append(sec)
            rest_start = par.start + m.start(m.lastindex)
            if style.kind == "block":
                # 行动目标: / 实施路径—— : the label and its mark are the heading.
                head_end = rest_start
            elif heading:
                head_end = rest_start + used
            else:
                head_end = par.start  # a numbered item with no heading: the label opens its first clause
            if head_end > par.start:
                add_measure("heading", par.start, head_end, sec)
            if head_end < par.end:
                add_clauses(head_end, par.end, sec)
        elif is_plain_heading(par, following):
            close_to(top_rank, par.start)
            sec = new_section("heading", "plain", None, par.text, par.start, top_rank, stack[-1])
            stack.append(sec)
            add_measure("heading", par.start, par.end, sec)
        else:
            add_clauses(par.start, par.end, stack[-1])
        i += 1
    return out


def sections_and_measures(documents: pd.DataFrame, boilerplate: pd.DataFrame,
                          validate: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``sections`` and ``measures`` tables of every document.

    Validated unless ``validate`` is False: the build checks per-document
    pieces once, when it combines them, instead of once per document.
    """
    from eduanalysis.read.metadata import looks_like_title, read_doc_types

    types = read_doc_types()
    spans = {d: list(zip(g.char_start, g.char_end, strict=True)) for d, g in boilerplate.groupby("doc_id")}
    sections, measures = [], []
    for doc in documents.itertuples():
        # The body prints the enclosed document's title under a cover notice, not the notice's own.
        enclosed = getattr(doc, "enclosed_title_zh", None)
        own_title = enclosed if isinstance(enclosed, str) else doc.title_zh
        result = structure(doc.doc_id, doc.text, int(doc.body_start), int(doc.body_end),
                           None if pd.isna(own_title) else own_title, spans.get(doc.doc_id, []),
                           is_title=lambda line, t=own_title: looks_like_title(line, types)
                           or (isinstance(t, str) and line.strip() == t.strip()))
        sections += result.sections
        measures += result.measures
    sections = pd.DataFrame(sections, columns=schema.SECTIONS.column_names)
    measures = pd.DataFrame(measures, columns=schema.MEASURES.column_names)
    if not validate:
        return sections, measures
    return schema.validate(sections, "sections"), schema.validate(measures, "measures")


def coverage_errors(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Problems with the coverage invariant: non-space characters covered zero or several times.

    >>> coverage_errors("ab cd", [(0, 2), (3, 5)])
    []
    >>> coverage_errors("ab cd", [(0, 2)])
    ["2 non-space characters not covered, first at 3: 'cd'"]
    """
    count = [0] * len(text)
    for s, e in spans:
        for k in range(s, e):
            count[k] += 1
    errors = []
    lost = [k for k, ch in enumerate(text) if not ch.isspace() and count[k] == 0]
    doubled = [k for k, c in enumerate(count) if c > 1]
    if lost:
        errors.append(f"{len(lost)} non-space characters not covered, first at {lost[0]}: "
                      f"{text[lost[0]:lost[0] + 20]!r}")
    if doubled:
        errors.append(f"{len(doubled)} characters covered twice, first at {doubled[0]}")
    return errors

