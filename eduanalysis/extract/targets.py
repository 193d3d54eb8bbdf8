"""Quantitative statements: every number a policy commits to, reports or sets as a norm.

The ``targets`` table has one row per quantity, built from the clause-level
``measures``. A number is a quantity only when a measure word follows it
(``15所``, ``94.5%``, ``3万人次``); numbers inside quotation marks and titles
(“3815”, 《…2035》), ordinals (第二批), meeting and plan names (十九届, 十三五),
dates, model labels (3+1+2) and enumeration summaries (A、B、C三项任务) are not.
The rules follow the annotation rules of the gold standard
(``tests/fixtures/gold/README.md``); their parameters (units, comparator cue
words, exclusion patterns, kind cues) are data files in ``eduanalysis/resources``.

Pure helpers work on one clause (:func:`extract_clause`); indicator tables are read by
:mod:`eduanalysis.extract.indicator_tables`; :func:`targets` assembles the table.

>>> [(q.value, q.unit_text, q.comparator) for q in extract_clause("学前三年毛入园率达94.5%以上", Context())]
[(94.5, '%', '>=')]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from eduanalysis import schema
from eduanalysis.config import resource_path
from eduanalysis.numbers import Number, find_numbers, five_year_plan_years

# --- parameters (data files) ---------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(resource_path(name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Unit:
    unit_text: str
    unit: str | None
    role: str
    multiplier: float
    not_before: str


UNITS: dict[str, Unit] = {
    r["written"]: Unit(r["unit_text"], r["unit"] or None, r["role"], float(r["multiplier"] or 1), r["not_before"])
    for r in _read_csv("extract/units.csv")
}
MULTIPLIERS = {w: u for w, u in UNITS.items() if u.role == "multiplier"}
_BASE_UNITS = {w: u for w, u in UNITS.items() if u.role != "multiplier"}
#: The unit after a number: optional 万/亿, optional 余/多 (3万余人次), the measure word.
#: ASCII units (M, m2) must not run into further letters.
UNIT_RE = re.compile(
    rf"\s*(?P<mult>{_alternation(MULTIPLIERS)})?\s*(?P<infix>余|多)?\s*"
    rf"(?P<unit>{_alternation(_BASE_UNITS)})(?![A-Za-z])"
)
#: Units that are quantities only in context: 年 after a row label or an indicator naming a 年限.
TABLE_ONLY_UNITS = {"年": "years"}

COMPARATORS = _read_csv("extract/comparators.csv")
_PREFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "prefix"}
_SUFFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "suffix"}
_INFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "infix"}
PREFIX_CUE_RE = re.compile(_alternation(_PREFIX))
SUFFIX_CUE_RE = re.compile(rf"\s*({_alternation(_SUFFIX)})")

EXCLUSION_RE = re.compile("|".join(f"(?:{r['pattern']})" for r in _read_csv("extract/exclusions.csv")))
_CUES: dict[str, str] = {r["role"]: r["pattern"] for r in _read_csv("extract/kind_cues.csv")}
FREQUENCY_NORM_RE = re.compile(_CUES["frequency_norm"])
RECURRING_RE = re.compile(_CUES["recurring"])
STANDARD_SHARE_RE = re.compile(_CUES["standard_share"])
STANDARD_UNIT_RE = re.compile(rf"(?:{_CUES['standard_unit']})$")
BASELINE_CUE_RE = re.compile(_CUES["baseline"])
REVIEW_CLAUSE_RE = re.compile(_CUES["review_clause"])
HEDGE_RE = re.compile(_CUES["hedge"])
REVIEW_HEADING_RE = re.compile(_CUES["review_section"])
DURATION_INDICATOR_RE = re.compile(_CUES["duration_indicator"])
#: 年 as a quantity, after an indicator phrase naming a 年限 (the table parser reads it from row labels).
YEARS_UNIT = Unit("年", TABLE_ONLY_UNITS["年"], "quantity", 1.0, "")
#: Units of the number forms that carry their own: fractions in words (三分之一) and ratios (17:1).
FRACTION_UNIT = Unit("", "fraction", "quantity", 1.0, "")
RATIO_UNIT = Unit(":1", "ratio", "quantity", 1.0, "")
#: A ratio is a quantity only on a named ratio (生师比17:1; 按1:1的比例配套), never a clock time (11:31).
RATIO_NAME_RE = re.compile(r"比")
#: Staffing by a ratio (按1:7配备) states a norm.
RATIO_NORM_RE = re.compile(r"按照?[^,;。]{0,8}$")
THRESHOLD_UNIT_RE = re.compile(rf"(?:{_CUES['threshold_unit']})")

# --- text patterns ---------------------------------------------------------------------

#: Spans whose numbers are names, not quantities: quotations, titles, document-number brackets.
#: Straight double quotes are paired left to right within the clause.
QUOTED_RE = re.compile(r"“[^“”]*”|《[^《》]*》|〈[^〈〉]*〉|「[^「」]*」|『[^『』]*』|〔[^〔〕]*〕|\"[^\"]*\"")
#: Clause-internal separators that end a phrase (a comparator word never reaches across them).
SEGMENT_RE = re.compile(r"[,;。!?]|(?<!\d):|:(?!\d)")  # a colon between digits is a ratio (17:1)
#: A year the clause sets for its numbers: 到2025年, 2019年底, 2020年底前, 到2025年底.
YEAR_RE = re.compile(r"(?P<lead>到|至|截至|截止|于|在)?(?P<year>(?:19|20)\d{2})\s*年(?P<tail>底前|底|末|前|内|中|初)?")
#: A governing horizon carried to the next clauses of the same paragraph (到2022年, …).
#: A clause opening with its year (2007年,全市…入园率达到96%) sets it for the clauses after it too.
HORIZON_RE = re.compile(r"(?:到|至)\s*((?:19|20)\d{2})\s*年|^\s*((?:19|20)\d{2})\s*年(?:底|末)?前?\s*,")
#: A planning ratio: 每0.3-1.2万人口, 每1200户 (the "1所" after it is part of the ratio).
RATIO_RE = re.compile(r"每\s*$")
#: Separators of an enumeration that a count may summarise (A、B、C三项任务; A和B两项工作).
ENUM_SPLIT_RE = re.compile(r"[、和及与]")
PAREN_RE = re.compile(r"\([^()]*\)")
#: What may stand before a stated year that is not the clause's horizon: the other end of a span,
#: a comparison base (比2020年), a starting point (由2020年的85%).
NOT_A_HORIZON_LEAD_RE = re.compile(r"(?:[-—–~至]|比|较|同|由|从|与)\s*$")
YEAR_SPAN_TAIL_RE = re.compile(r"\s*(?:——|--|[-—–~至])\s*\d")
#: A ratio before a number (每1200户 … 1所): the 1 is the ratio's denominator.
RATIO_BEFORE_RE = re.compile(r"每\s*[\d.]")
#: Text joining two list items (181所…学校、30所…): a list continues the kind of its first item.
LIST_JOIN_RE = re.compile(r"[^\d,;:。]*[、及和与]\s*")
PLAN_NAME_RE = re.compile(r"十[一二三四五六七八九]五")
#: Indicator phrase trimming: list joiners, a comparator cue ending the phrase, year phrases.
LEADING_JOIN_RE = re.compile(r"^[、及和与\s]+")
TRAILING_CUE_RE = re.compile(rf"(?:{PREFIX_CUE_RE.pattern})\s*$")
YEAR_PHRASE_RE = re.compile(r"(?:到|至|比|较)?(?:19|20)\d{2}年[底末]?(?:前)?")
PHRASE_END_RE = re.compile(r"[、和及与]|\d")
#: Hedges, framing verbs, joiners and 的 at either end of an indicator phrase.
PHRASE_TRIM_RE = re.compile(r"^(?:力争|争取|确保|实现|基本)+|^[\s、和及与的]+|(?:[\s、和及与的]|按照?)+$")
ISO_YEAR_RE = re.compile(r"\d{4}")
#: Units after which 一 is a real number (一小时, 新建一所学校), not an indefinite article
#: (建设一支队伍, 形成一个格局, 一批项目).
COUNTABLE_ONE = {"hours", "minutes", "days", "class_hours", "multiple", "schools"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Context:
    """What a clause needs to know beyond its own words."""

    plan_start_year: int | None = None
    plan_end_year: int | None = None
    #: An annual work plan (工作要点/工作计划): its year applies to 年内/年度/每年 items.
    annual: bool = False
    #: Year the document was written or published (current stocks in a work plan describe it).
    doc_year: int | None = None
    #: A horizon year set by a preceding clause of the same paragraph (到2022年,…).
    horizon_year: int | None = None
    #: The clause sits in a section reporting the past (发展基础): its numbers are baselines.
    review: bool = False


@dataclass(frozen=True)
class Quantity:
    """One quantitative statement of a clause; offsets index the clause."""

    start: int
    end: int
    value_text: str
    value: float
    value_max: float | None
    unit_text: str | None
    unit: str | None
    value_norm: float | None
    comparator: str
    hedged: bool
    kind: str
    year: int | None
    indicator_text: str | None
    baseline_value: float | None = None
    baseline_year: int | None = None
    attribute: str | None = None
    sentence: str | None = None
    #: The phrase around the number (its comma segment; section and row label for table cells),
    #: used to map the indicator when indicator_text names none.
    phrase: str | None = None


@dataclass
class _Candidate:
    number: Number
    unit_end: int
    mult: str
    unit: Unit
    infix: str | None
    suffix: str | None
    prefix_cue: str | None = None
    comparator: str = "="
    kind: str = "target"
    extra: dict = field(default_factory=dict)


# --- clause level ----------------------------------------------------------------------


def masked_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers are labels: quotations, titles and the exclusion patterns.

    >>> text = "围绕省委“3815”战略,落实中央八项规定精神"
    >>> [text[s:e] for s, e in masked_spans(text)]
    ['“3815”', '八项规定']
    """
    spans = [m.span() for m in QUOTED_RE.finditer(text)]
    spans += [m.span() for m in EXCLUSION_RE.finditer(text) if m.end() > m.start()]
    return sorted(spans)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def segment_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the comma-delimited segment holding ``pos``."""
    start = max((m.end() for m in SEGMENT_RE.finditer(text, 0, pos)), default=0)
    m = SEGMENT_RE.search(text, pos)
    return start, m.start() if m else len(text)


def explicit_year(text: str, pos: int) -> int | None:
    """The last year the clause states before ``pos`` (outside titles and quotations).

    >>> explicit_year("到2019年底,全面消除56人以上大班额,到2022年,实现小学班额不超过45人", 40)
    2022
    """
    titles = [m.span() for m in QUOTED_RE.finditer(text)]
    year = None
    for m in YEAR_RE.finditer(text, 0, pos):
        if _inside(m.start(), titles) or NOT_A_HORIZON_LEAD_RE.search(text[: m.start("year")]):
            continue  # year spans, comparison bases and starting points (比2020年提高; 由2020年的85%)
        if YEAR_SPAN_TAIL_RE.match(text, m.end("year")):
            continue
        year = int(m.group("year"))
    return year


def _unit_at(text: str, pos: int, number: Number) -> tuple[re.Match | None, Unit | None]:
    if number.form == "percent_words":
        return None, UNITS["%"]
    if number.form == "fraction":
        return None, FRACTION_UNIT
    if number.form == "ratio":
        start, end = segment_bounds(text, number.start)
        named = RATIO_NAME_RE.search(text[start: number.start] + number.text + text[number.end: end])
        return None, RATIO_UNIT if named or RATIO_NORM_RE.search(text[start: number.start]) else None
    m = UNIT_RE.match(text, pos)
    if not m:
        return None, None
    unit = _BASE_UNITS[m.group("unit")]
    nxt = text[m.end(): m.end() + 1]
    if nxt and nxt in unit.not_before:
        return None, None
    return m, unit


def _is_enumeration_summary(text: str, window_start: int, number: Number) -> bool:
    """A count that sums up the items listed just before it (行业扶贫、定点扶贫、协作扶贫3项)."""
    n = number.value
    if number.is_range or n != int(n) or not 2 <= n <= 10:
        return False
    before = PAREN_RE.sub("", text[window_start: number.start])
    items = [p for p in ENUM_SPLIT_RE.split(before) if p.strip()]
    return len(items) == int(n) and len(items) > 1


def _candidates(text: str) -> list[_Candidate]:
    """Numbers of a clause followed by a measure word and not masked as labels."""
    masked = masked_spans(text)
    out: list[_Candidate] = []
    prev_end = 0
    for number in find_numbers(text):
        if _inside(number.start, masked) or _inside(number.end - 1, masked):
            continue
        m, unit = _unit_at(text, number.end, number)
        seg_start, _ = segment_bounds(text, number.start)
        if m and m.group("unit") == "年" and DURATION_INDICATOR_RE.search(text, seg_start, number.start):
            unit = YEARS_UNIT  # 平均受教育年限达12.3年: the duration is the measured quantity
        if unit is None or unit.role == "not_quantity":
            continue
        end = m.end() if m else number.end
        mult = (m.group("mult") or "") if m else ""
        infix = m.group("infix") if m else None
        sfx = SUFFIX_CUE_RE.match(text, end)
        window_start = max(seg_start, prev_end)
        window = text[window_start: number.start]
        cues = list(PREFIX_CUE_RE.finditer(window))
        prefix_cue = cues[-1].group() if cues else None
        prev_end = end + (sfx.end() - end if sfx else 0)
        if number.form == "chinese" and number.value == 1 and unit.unit not in COUNTABLE_ONE and not (
            prefix_cue and _PREFIX[prefix_cue] in (">=", "<=", "~")
        ):
            continue  # 一 before a measure word is an indefinite article (建设一支队伍)
        if _is_enumeration_summary(text, window_start, number):
            continue
        if number.value == 1 and RATIO_BEFORE_RE.search(text, 0, number.start):
            continue  # the "1所" of a ratio (每1200户配套建设1所)
        cand = _Candidate(number, end + (sfx.end() - end if sfx else 0), mult, unit, infix,
                          sfx.group(1) if sfx else None, prefix_cue)
        cand.extra["window_start"] = window_start
        out.append(cand)
    return out


def comparator_of(c: _Candidate, text: str, previous: _Candidate | None) -> str:
    """Comparator from the explicit wording: range, delta, 余, 以上/以下/左右, prefix words, else =."""
    if c.number.is_range:
        return "range"
    prefix = _PREFIX.get(c.prefix_cue) if c.prefix_cue else None
    if prefix in ("delta_up", "delta_down"):
        return prefix
    if c.infix:
        return _INFIX[c.infix]
    if c.suffix:
        return _SUFFIX[c.suffix]
    if prefix:
        return prefix
    window = text[c.extra["window_start"]: c.number.start]
    if previous is not None and "、" in window and previous.prefix_cue and previous.comparator in (">=", "<=", "~"):
        if segment_bounds(text, previous.number.start) == segment_bounds(text, c.number.start):
            return previous.comparator  # 至少具有1项艺术爱好、形成1项艺术特长
    return "="


def _is_threshold(c: _Candidate, text: str) -> bool:
    """A size that defines when a rule applies: 5人以上残疾学生, 1200户以下的小区, 不少于六个班的幼儿园."""
    if c.comparator not in (">=", "<=") or not THRESHOLD_UNIT_RE.fullmatch(c.unit.unit_text or ""):
        return False
    nxt = text[c.unit_end: c.unit_end + 1]
    return bool(nxt) and (nxt == "的" or bool(_CJK.match(nxt)))


def kind_of(c: _Candidate, text: str, context: Context, previous: _Candidate | None) -> str:
    """target, baseline or standard, from the section, the clause's wording and the unit."""
    if context.review:
        return "baseline"
    seg_start, seg_end = segment_bounds(text, c.number.start)
    segment_before = text[seg_start: c.number.start]
    has_year = explicit_year(text, c.number.start) is not None
    standard = (
        _is_threshold(c, text)
        or bool(RATIO_RE.search(text[: c.number.start]))
        or bool(FREQUENCY_NORM_RE.search(segment_before))
        or bool(STANDARD_SHARE_RE.search(text[seg_start: seg_end]))
        or bool(STANDARD_UNIT_RE.search(c.unit.unit_text or ""))
        # a 其中 sub-clause continues the norm before it (轮岗比例不低于10%,其中,骨干教师不低于20%)
        or (previous is not None and previous.kind == "standard" and "其中" in text[previous.number.end: c.number.start])
    )
    if c.number.form == "ratio" and RATIO_NORM_RE.search(segment_before):
        standard = True  # staffing by a ratio: 按1:7配备保教人员
    if standard:
        return "target" if has_year else "standard"
    if BASELINE_CUE_RE.search(segment_before) or reports_past(text[: c.number.start], context):
        return "baseline"
    if (context.annual and seg_start > 0 and not segment_before.strip() and c.unit.unit != "percent"
            and not has_year and context.horizon_year is None):
        return "baseline"  # in a work plan a count opening its phrase names existing things: ,181所…学校迎接复检
    between = text[previous.number.end: c.number.start] if previous else ""
    if previous is not None and previous.kind == "baseline" and LIST_JOIN_RE.fullmatch(between):
        return "baseline"
    return "target"


def reports_past(before: str, context: Context) -> bool:
    """Whether the words before a number report the past: the previous five-year plan (“十三五”期间),
    五年来 / 截至2020年底, or a stated year before the document's own period."""
    for m in REVIEW_CLAUSE_RE.finditer(before):
        plan = PLAN_NAME_RE.search(m.group())
        years = five_year_plan_years(plan.group()) if plan else None
        if years is None or context.plan_start_year is None or years[1] < context.plan_start_year:
            return True
    stated = explicit_year(before, len(before))
    first_year = context.plan_start_year or context.doc_year
    return stated is not None and first_year is not None and stated < first_year


def year_of(c: _Candidate, text: str, context: Context) -> int | None:
    """Year rules: standards none; baselines the year they describe; targets the stated or planned year."""
    stated = explicit_year(text, c.number.start)
    if c.kind == "standard":
        return None
    if c.kind == "baseline":
        if stated:
            return stated
        if (context.review or reports_past(text[: c.number.start], context)) and context.plan_start_year \
                and not context.annual:
            return context.plan_start_year - 1
        return context.doc_year or context.plan_end_year
    seg_start, _ = segment_bounds(text, c.number.start)
    if RECURRING_RE.search(text[seg_start: c.number.start]) and not context.annual:
        return None
    return stated or context.horizon_year or context.plan_end_year


def indicator_of(c: _Candidate, text: str) -> str | None:
    """The indicator or object phrase: what follows ``N个`` when a noun does, else what precedes the number."""
    seg_start, seg_end = segment_bounds(text, c.number.start)
    before = text[c.extra["window_start"]: c.number.start]
    before = LEADING_JOIN_RE.sub("", before)
    cue = TRAILING_CUE_RE.search(before)
    if cue:
        before = before[: cue.start()]
    before = PHRASE_TRIM_RE.sub("", YEAR_PHRASE_RE.sub("", before))
    after = PHRASE_TRIM_RE.sub("", PHRASE_END_RE.split(text[c.unit_end: seg_end])[0])
    if cue is None and len(after) > 2 and _CJK.match(after.lstrip("“\"")):
        return after
    return before or after or None


def ratio_value(a: float, b: float) -> tuple[float, str, float]:
    """``(value, unit_text, value_norm)`` of a ratio A:B: the term that is not 1 as the value, the side
    of the 1 in the unit (17:1 -> 17, ":1"; 1:13.5 -> 13.5, "1:"), and A/B as the normalised value.

    >>> ratio_value(17, 1), ratio_value(1, 2), ratio_value(3, 2)
    ((17, ':1', 17.0), (2, '1:', 0.5), (1.5, ':1', 1.5))
    """
    if b == 1:
        return a, ":1", a / b
    if a == 1:
        return b, "1:", a / b
    return round(a / b, 4), ":1", a / b


def extract_clause(text: str, context: Context = Context()) -> list[Quantity]:
    """Every quantity of one clause with its unit, comparator, kind, year and indicator.

    >>> [(q.value, q.unit_text, q.comparator, q.kind, q.year)
    ...  for q in extract_clause("到2019年底,全面消除56人以上大班额,到2022年,实现小学班额不超过45人", Context(plan_end_year=2022))]
    [(56.0, '人', '>=', 'target', 2019), (45.0, '人', '<=', 'target', 2022)]
    """
    out: list[Quantity] = []
    previous: _Candidate | None = None
    cands = _candidates(text)
    for c in cands:
        c.comparator = comparator_of(c, text, previous)
        c.kind = kind_of(c, text, context, previous)
        c.extra["year"] = year_of(c, text, context)
        previous = c
    _pair_baselines(cands, text, context)
    _comparison_base(cands, text)
    for c in cands:
        year = c.extra["year"]
        unit_text = (c.mult + (c.unit.unit_text or "")) or None
        multiplier = MULTIPLIERS[c.mult].multiplier if c.mult else 1.0
        value, value_norm = c.number.value, c.number.value * multiplier
        if c.number.form == "ratio":
            value, unit_text, value_norm = ratio_value(c.number.value, c.number.denominator)
        out.append(Quantity(
            start=c.number.start, end=c.number.end, value_text=c.number.text, value=value,
            value_max=c.number.value_max, unit_text=unit_text, unit=c.unit.unit,
            value_norm=value_norm, comparator=c.comparator,
            hedged=bool(HEDGE_RE.search(text[: c.number.start])), kind=c.kind, year=year,
            indicator_text=indicator_of(c, text),
            baseline_value=c.extra.get("baseline_value"), baseline_year=c.extra.get("baseline_year"),
            phrase=_phrase_without(text, c),
        ))
    return out


def _phrase_without(text: str, c: _Candidate) -> str:
    """The comma segment of a number with the quantity cut out (班主任300元/月津贴标准 -> 班主任津贴标准)."""
    start, end = segment_bounds(text, c.number.start)
    return text[start: c.number.start] + text[c.unit_end: end]


#: The text between a baseline and the level it changes to: 由A提高到B, 从2020年的A到2025年的B.
FROM_RE = re.compile(r"[由从](?:(?:19|20)\d{2}\s*年(?:底|末)?的?)?[^,;。]{0,12}$")
TO_RE = re.compile(r"[^,;。\d]{0,8}(?:到|至)\s*(?:(?:19|20)\d{2}\s*年(?:底|末)?的?)?\s*")


#: The year a change is measured from: 较2020年提高5个百分点, 比2020年增加.
COMPARISON_BASE_RE = re.compile(r"(?:比|较|同)\s*((?:19|20)\d{2})\s*年(?:底|末)?")


def _comparison_base(cands: list[_Candidate], text: str) -> None:
    """Record the stated base year of a change (较2020年提高5个百分点) as its baseline_year."""
    for c in cands:
        if c.comparator in ("delta_up", "delta_down") and "baseline_year" not in c.extra:
            seg_start, _ = segment_bounds(text, c.number.start)
            base = COMPARISON_BASE_RE.findall(text, seg_start, c.number.start)
            if base:
                c.extra["baseline_year"] = int(base[-1])


def _pair_baselines(cands: list[_Candidate], text: str, context: Context) -> None:
    """Mark A of 由A提高到B as a baseline and record it on B (baseline_value, baseline_year)."""
    for a, b in zip(cands, cands[1:], strict=False):
        if segment_bounds(text, a.number.start) != segment_bounds(text, b.number.start):
            continue
        seg_start, _ = segment_bounds(text, a.number.start)
        start = FROM_RE.search(text[seg_start: a.number.start])
        if not (start and TO_RE.fullmatch(text, a.unit_end, b.number.start)):
            continue
        a.kind = "baseline"
        year = YEAR_RE.search(start.group())
        stated = int(year.group("year")) if year else None
        a.extra["year"] = stated or (context.doc_year if context.annual or not context.plan_start_year
                                     else context.plan_start_year - 1)
        if a.comparator in ("delta_up", "delta_down"):
            a.comparator = "="
        b.extra["baseline_value"], b.extra["baseline_year"] = a.number.value, a.extra["year"]


# --- table level -----------------------------------------------------------------------

ANNUAL_TYPES = re.compile(r"工作要点|工作计划|年度计划|年度工作")


def document_context(doc) -> Context:
    """The plan horizon, annual flag and writing year of one ``documents`` row."""
    def year(v):
        return None if v is None or pd.isna(v) else int(v)

    start, end = year(doc.get("plan_start_year")), year(doc.get("plan_end_year"))
    type_zh = doc.get("doc_type_zh")
    annual = (start is not None and start == end) or bool(isinstance(type_zh, str) and ANNUAL_TYPES.search(type_zh))
    doc_year = None
    for col in ("written_date", "published_date"):
        v = doc.get(col)
        if isinstance(v, str) and ISO_YEAR_RE.match(v):
            doc_year = int(v[:4])
            break
    if annual:
        doc_year = end or doc_year
    return Context(plan_start_year=start, plan_end_year=end, annual=annual, doc_year=doc_year or start)


def _review_sections(sections: pd.DataFrame) -> set[str]:
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


def _row(m, q: Quantity, order: int, sentence: str, start: int, end: int, indicator) -> dict:
    ind_id, ind_zh, ind_en, ind_score = indicator
    return {
        "target_id": f"{m.measure_id}-t{order:02d}", "doc_id": m.doc_id, "measure_id": m.measure_id,
        "section_id": m.section_id, "char_start": start, "char_end": end, "sentence": sentence,
        "kind": q.kind, "indicator_text": q.indicator_text, "indicator_id": ind_id, "indicator_zh": ind_zh,
        "indicator_en": ind_en, "indicator_score": ind_score,
        "value": q.value, "value_max": q.value_max, "value_text": q.value_text,
        "unit_text": q.unit_text, "unit": q.unit, "value_norm": q.value_norm, "comparator": q.comparator,
        "hedged": q.hedged, "year": q.year, "baseline_value": q.baseline_value,
        "baseline_year": q.baseline_year, "attribute": q.attribute,
    }


def targets(documents: pd.DataFrame, sections: pd.DataFrame, measures: pd.DataFrame,
            validate: bool = True) -> pd.DataFrame:
    """The ``targets`` table: one row per quantitative statement of every document (validated unless told not to)."""
    from eduanalysis.extract.indicator_tables import caption_of, read_tables, table_quantity
    from eduanalysis.extract.indicators import map_indicator

    rows: list[dict] = []
    review = _review_sections(sections)
    table_titles = dict(zip(sections.section_id[sections.kind == "table"],
                            sections.heading[sections.kind == "table"], strict=True))
    for doc in documents.to_dict("records"):
        base = document_context(doc)
        text = doc["text"]
        doc_measures = measures[measures.doc_id == doc["doc_id"]].sort_values("char_start")
        horizon, prev_section, prev_end = None, None, None
        for m in doc_measures.itertuples():
            if m.section_id in table_titles:
                continue
            if m.section_id != prev_section or (prev_end is not None and "\n" in text[prev_end: m.char_start]):
                horizon = None
            prev_section, prev_end = m.section_id, m.char_end
            if m.kind == "responsibility":
                continue
            ctx = replace(base, horizon_year=horizon, review=m.section_id in review)
            for k, q in enumerate(extract_clause(m.text, ctx), start=1):
                rows.append(_row(m, q, k, m.text, m.char_start + q.start, m.char_start + q.end,
                                 map_indicator(q.indicator_text, q.phrase)))
            found = [a or b for a, b in HORIZON_RE.findall(m.text)]
            if found:
                horizon = int(found[-1])
        for sid, title in table_titles.items():
            lines = doc_measures[doc_measures.section_id == sid]
            if lines.empty:
                continue
            texts = [t.strip() for t in lines.text]
            if texts and texts[0] == str(title).strip():
                lines, texts = lines.iloc[1:], texts[1:]
            before = doc_measures[doc_measures.char_end <= lines.char_start.min()]
            caption = caption_of(str(title), before.text.iloc[-1] if len(before) else None)
            order: dict[str, int] = {}
            ctx = replace(base, review=sid in review)
            for table, cell in ((t, c) for t in read_tables(texts, caption) for c in t.cells):
                q = table_quantity(cell, table.caption, ctx)
                if q is None:
                    continue
                m = lines.iloc[cell.line]
                order[m.measure_id] = order.get(m.measure_id, 0) + 1
                offset = m.text.find(q.value_text)
                start = m.char_start + max(offset, 0)
                rows.append(_row(m, q, order[m.measure_id], q.sentence, start, start + len(q.value_text),
                                 map_indicator(q.indicator_text, q.phrase)))
    df = pd.DataFrame(rows, columns=schema.TARGETS.column_names) if rows else schema.empty("targets")
    return schema.validate(df, "targets") if validate else df
