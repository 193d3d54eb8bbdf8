"""The temporal frame of a document: which year each of its numbers speaks about, and why.

A number's year and kind depend on where it stands in time, and most documents say so once,
not next to every number. The frame is built once per document from its ``documents`` row
(plan period, document type, dates: whatever reading stated or a manifest gave) and its text,
then consulted clause by clause:

- **plan period** ``plan_start_year``–``plan_end_year``; targets without a year of their own take
  its end (``year_origin`` ``horizon``). Without metadata, a five-year plan named in the title
  (“十四五”…规划) gives it;
- **previous period**: a review section (发展基础, “十三五”成就) or a 十三五期间 clause reports the
  year before the plan starts (``review``);
- **annual documents** (工作要点, 为民办实事, 招生计划, YYYY年度 …): every commitment is dated to the
  year the title or opening line states, or the plan year or document year (``annual``);
- **stage blocks** (到2018年…;到2020年…): a stage year governs the clauses after it, until the
  next stage or the end of its paragraph (``stage``); a vision year beyond the plan (到2035年)
  governs only the clause that states it;
- **status blocks** (截至9月, 截至目前): a progress report of the current year: its numbers are
  baselines of the document's year (``document_year``), until the paragraph ends or turns back to
  what is still to be done (至年底,将…).

Years inside cited titles (《…(2010-2020年)》) never set a frame: quoted spans are cut first.

>>> doc = {"plan_start_year": None, "plan_end_year": None, "doc_type_zh": None, "title_zh": None,
...        "written_date": None, "published_date": None, "text": "关于下达2015年全区小学秋季招生计划的通知", "body_start": 0}
>>> frame = document_frame(doc)
>>> frame.annual, frame.plan_end_year, frame.doc_year
(True, 2015, 2015)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pandas as pd

from eduanalysis.extract.clauses import STAGE_BLOCK_RE, Context, stage_year
from eduanalysis.extract.vocab import (
    ANNUAL_DOCUMENT_RE,
    ANNUAL_TYPES,
    REVIEW_HEADING_RE,
    STATUS_CLAUSE_RE,
    STATUS_END_RE,
    period_years,
)

ISO_YEAR_RE = re.compile(r"\d{4}")
#: A cited document's title (《…(2010-2020年)》, 《…2017年为民办实事…》): its years are not the document's.
#: A title next to 印发 is the enclosed document itself (关于印发《…2020年工作要点》的通知;
#: 《…2019年工作要点》已经研究通过,现予印发), not a citation.
CITED_TITLE_RE = re.compile(r"(?<!印发)《[^《》]*》(?![^。;《]{0,14}印发)")
#: How much of the body after its start counts as the document's opening (title lines, date line,
#: first sentence) when looking for an annual title.
HEAD_CHARS = 400
#: A stage year more than this beyond the plan's end is a vision (到2035年 in a 十四五 plan): it
#: governs only the clause that states it.
VISION_GAP = 5
#: A clause ending its sentence (。!?): an inline stage (到2018年重点建设…) stops governing here.
SENTENCE_END_RE = re.compile(r"[。!?]\s*$")


def _year(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _head(doc) -> str:
    """Title and opening lines of a document, cited titles cut out."""
    text = doc.get("text") or ""
    start = _year(doc.get("body_start")) or 0
    title = doc.get("enclosed_title_zh")  # a cover notice's enclosed document states the horizon
    title = title if isinstance(title, str) else doc.get("title_zh")
    head = (title if isinstance(title, str) else "") + "\n" + text[start: start + HEAD_CHARS]
    return CITED_TITLE_RE.sub("", head)


def annual_year(doc) -> int | None:
    """The year an annual document states in its title or opening line (2020年工作要点), else None."""
    m = ANNUAL_DOCUMENT_RE.search(_head(doc))
    return int(m.group("year") or m.group("year_du")) if m else None


def final_stage(doc, end: int | None) -> int | None:
    """The last stage block year of the body (到2018年,…;到2020年,…) that is no vision beyond ``end``.

    A plan's horizon is its last stage: when reading took an earlier stage for the end (a
    2016 opinion with stages 2018 and 2020), the later stage still governs what has no year.
    """
    text = doc.get("text") or ""
    start = _year(doc.get("body_start")) or 0
    stages = sorted({int(y) for y in STAGE_BLOCK_RE.findall(CITED_TITLE_RE.sub("", text[start:]))})
    if not stages:
        return None
    base = end if end is not None else stages[0]
    within = [y for y in stages if y < base + VISION_GAP]
    return max(within + ([end] if end is not None else [])) if within else None


def document_frame(doc) -> Context:
    """The frame of one ``documents`` row: plan period, annual year and writing year."""
    start, end = _year(doc.get("plan_start_year")), _year(doc.get("plan_end_year"))
    doc_year = None
    for col in ("written_date", "published_date"):
        v = doc.get(col)
        if isinstance(v, str) and ISO_YEAR_RE.match(v):
            doc_year = int(v[:4])
            break
    type_zh = doc.get("doc_type_zh")
    typed_annual = isinstance(type_zh, str) and any(t in type_zh for t in ANNUAL_TYPES)
    multi_year = start is not None and end is not None and start < end
    stated_year = None if multi_year else annual_year(doc)
    annual = (start is not None and start == end) or typed_annual or stated_year is not None
    if annual:
        year = end if start is not None and start == end else stated_year or end or doc_year
        return Context(plan_start_year=year, plan_end_year=year, annual=True, doc_year=year or doc_year)
    if doc.get("plan_end_year_origin") != "manifest":
        end = final_stage(doc, end) or end
    if end is None:
        title = doc.get("enclosed_title_zh")
        title = title if isinstance(title, str) else doc.get("title_zh")
        if not isinstance(title, str):  # the body's first line stands for a title reading did not find
            title = next((line for line in _head(doc).splitlines() if line.strip()), "")
        period = period_years(CITED_TITLE_RE.sub("", title))
        if period:
            start, end = start or period[0], period[1]
    return Context(plan_start_year=start, plan_end_year=end, annual=False, doc_year=doc_year or start)


def review_sections(sections: pd.DataFrame) -> set[str]:
    """Sections that report the past (发展基础, “十三五”教育发展成就), or sit below one."""
    heading = dict(zip(sections.section_id, sections.heading, strict=True))
    parent = dict(zip(sections.section_id, sections.parent_id, strict=True))
    out = set()
    for sid in heading:
        cur, seen = sid, 0
        while isinstance(cur, str) and cur and seen < 20:
            if REVIEW_HEADING_RE.search(str(heading.get(cur, "")).strip()):
                out.add(sid)
                break
            cur, seen = parent.get(cur), seen + 1
    return out


def clause_contexts(measures: pd.DataFrame, text: str, base: Context, review: set[str]) -> Iterator[tuple[object, Context]]:
    """Each text measure of one document (in reading order) with the frame that governs it.

    A stage year (到2018年, / 2018年,) or a status cue (截至9月) set by one clause carries to the
    next clauses of the same section and paragraph; a new paragraph or section resets both, a
    later stage replaces the earlier one, and a status block ends where the text turns back to
    what is still to be done. A vision year beyond the plan's end is not carried.
    """
    horizon: int | None = None
    block_stage: int | None = None  # the stage of the paragraph, restored when an inline stage ends
    sentence_stage: int | None = None
    status = False
    prev_section, prev_end = None, None
    for m in measures.itertuples():
        if m.section_id != prev_section or (prev_end is not None and "\n" in text[prev_end: m.char_start]):
            horizon, block_stage, sentence_stage, status = None, None, None, False
        prev_section, prev_end = m.section_id, m.char_end
        if STATUS_CLAUSE_RE.search(m.text):
            status = True
        elif STATUS_END_RE.search(m.text):
            status = False
        yield m, replace(base, horizon_year=horizon, review=m.section_id in review, status=status)
        if sentence_stage is not None and SENTENCE_END_RE.search(m.text):
            horizon, sentence_stage = block_stage, None  # an inline stage ends with its sentence
        found, opens_block = stage_year(m.text)
        if found is not None and (base.plan_end_year is None or found <= base.plan_end_year + VISION_GAP):
            status = False
            if opens_block:
                horizon = block_stage = found
            elif not SENTENCE_END_RE.search(m.text):
                horizon = sentence_stage = found
