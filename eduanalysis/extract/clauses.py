"""Clause extraction: every quantity one clause commits to, reports or sets as a norm.

A number is a quantity only when a measure word follows it (``15所``, ``94.5%``, ``3万人次``);
numbers inside quotation marks and titles (“3815”, 《…2035》), ordinals (第二批), meeting and
plan names (十九届, 十三五), dates, model labels (3+1+2) and enumeration summaries
(A、B、C三项任务) are not. For each quantity a clause holds, the pure helpers here decide the
candidates, the comparator, the kind, the year and the indicator phrase, and
:func:`extract_clause` returns them as :class:`Quantity` records. The rules follow the
annotation rules of the gold standard (``tests/fixtures/gold/README.md``); their word lists are
the vocabulary of :mod:`eduanalysis.extract.vocab`.

>>> [(q.value, q.unit_text, q.comparator) for q in extract_clause("学前三年毛入园率达94.5%以上", Context())]
[(94.5, '%', '>=')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eduanalysis.extract.vocab import (
    ADJACENT_CUE_RE,
    BASE_UNITS,
    BASELINE_CUE_RE,
    CURRICULUM_NORM_RE,
    DURATION_INDICATOR_RE,
    EXCLUSION_RE,
    FRACTION_UNIT,
    FREQUENCY_DUTY_RE,
    FREQUENCY_NORM_RE,
    HEDGE_RE,
    INFIX,
    MULTIPLIERS,
    PER_UNIT_FREQUENCY_RE,
    PER_UNIT_SUBJECT_RE,
    PREFIX,
    PREFIX_CUE_RE,
    RATIO_UNIT,
    RECURRING_RE,
    REVIEW_CLAUSE_RE,
    STANDARD_SHARE_RE,
    STANDARD_UNIT_RE,
    SUFFIX,
    SUFFIX_CUE_RE,
    THRESHOLD_UNIT_RE,
    UNIT_RE,
    UNITS,
    YEARS_UNIT,
    Unit,
    period_years,
)
from eduanalysis.numbers import Number, find_numbers

#: A ratio is a quantity only on a named ratio (生师比17:1; 按1:1的比例配套), never a clock time (11:31).
#: Measure words that may be printed at both ends of a range (1项至2项, 3所至5所), longest first; years,
#: months and days are no quantity (2021年至2025年 is a period, not a range of counts).
#: After a number and its unit, 的 and a comparator: the number is a band a rule applies to (…所的不超过).
BAND_RULE_RE = re.compile(rf"\s*的\s*(?:{PREFIX_CUE_RE.pattern})")
RANGE_UNITS = tuple(sorted((w for w, u in BASE_UNITS.items() if u.role == "quantity"), key=len, reverse=True))
RATIO_NAME_RE = re.compile(r"比")
#: Staffing by a ratio (按1:7配备) states a norm.
RATIO_NORM_RE = re.compile(r"按照?[^,;。]{0,8}$")

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
HORIZON_RE = re.compile(r"(?:到|至)\s*((?:19|20)\d{2})\s*年|^\s*((?:19|20)\d{2})\s*年(?:底|末|起)?前?\s*,")
#: A stage that opens a block (到2018年, / 2017年起,): it governs the clauses after it to the end of
#: its paragraph. A stage inside a sentence (到2018年重点建设…) governs only its own sentence.
STAGE_BLOCK_RE = re.compile(r"(?:^|[,;。:\n])\s*(?:到|至)?\s*((?:19|20)\d{2})\s*年(?:底|末|起)?前?\s*[,:]")
#: A planning ratio: 每0.3-1.2万人口, 每1200户 (the "1所" after it is part of the ratio).
RATIO_RE = re.compile(r"每\s*$")
#: Separators of an enumeration that a count may summarise (A、B、C三项任务; A和B两项工作).
#: A 每 frequency before a count of events (每年举办一次, 每3年组织一次): 一次 is the real number 1.
EVENT_FREQUENCY_RE = re.compile(r"每\s*(?:[\d一二两三四五]\s*)?(?:年|学年|学期|月|周)")
#: A date of an event (2017年7月): in a review it dates the event, not the number reported after it.
EVENT_DATE_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月")
#: 各 right before a number gives it to each listed item (音乐、美术各2课时; 专职教师各1名).
PER_ITEM_RE = re.compile(r"各\s*$")
#: Units of events, counted as 一 after a frequency (每年举办一次, 每三年举办一届).
EVENT_UNITS = {"times", "editions"}
ENUM_SPLIT_RE = re.compile(r"[、和及与]")
PAREN_RE = re.compile(r"\([^()]*\)")
#: What may stand before a stated year that is not the clause's horizon: the other end of a span,
#: a comparison base (比2020年), a starting point (由2020年的85%).
#: 至 is a span only after a year (2015至2018年); opening a clause (至2018年,) it sets the horizon.
NOT_A_HORIZON_LEAD_RE = re.compile(r"(?:[-—–~]|\d\s*年?\s*至|比|较|同|由|从|与)\s*$")
YEAR_SPAN_TAIL_RE = re.compile(r"\s*(?:——|--|[-—–~至])\s*\d")
#: A ratio before a number (每1200户 … 1所): the 1 is the ratio's denominator.
RATIO_BEFORE_RE = re.compile(r"每\s*[\d.]")
#: Text joining two list items (181所…学校、30所…): a list continues the kind of its first item.
LIST_JOIN_RE = re.compile(r"[^\d,;:。]*[、及和与]\s*")
#: Indicator phrase trimming: list joiners, a comparator cue ending the phrase, year phrases.
LEADING_JOIN_RE = re.compile(r"^[、及和与\s]+")
TRAILING_CUE_RE = re.compile(rf"(?:{PREFIX_CUE_RE.pattern})\s*$")
YEAR_PHRASE_RE = re.compile(r"(?:到|至|比|较)?(?:19|20)\d{2}年[底末]?(?:前)?")
PHRASE_END_RE = re.compile(r"[、和及与]|\d")
#: Hedges, framing verbs, joiners and 的 at either end of an indicator phrase.
PHRASE_TRIM_RE = re.compile(r"^(?:力争|争取|确保|实现|基本)+|^[\s、和及与的]+|(?:[\s、和及与的]|按照?)+$")
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
    #: The clause sits in a progress status (截至9月,…): its numbers are baselines of the document's year.
    status: bool = False


#: Why a quantity's year is what it is (the ``year_origin`` column); empty exactly when the year is.
YEAR_ORIGINS = ("stated", "stage", "horizon", "annual", "review", "document_year")


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
    #: Why ``year`` is what it is: stated, stage, horizon, annual, review or document_year.
    year_origin: str | None = None


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


def stage_year(text: str) -> tuple[int | None, bool]:
    """The last stage year a clause sets for the clauses after it, titles cut out, and whether it
    opens a block (到2018年, …) rather than standing inside a sentence (到2018年重点建设…).

    >>> stage_year("至2018年,新增音乐专职教师222人"), stage_year("按照《纲要(2010-2020年)》要求")
    ((2018, True), (None, False))
    >>> stage_year("持续开展评比,到2018年重点建设20个艺术团")
    (2018, False)
    """
    text = QUOTED_RE.sub("", text)
    found = [a or b for a, b in HORIZON_RE.findall(text)]
    if not found:
        return None, False
    return int(found[-1]), bool(STAGE_BLOCK_RE.search(text))


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
    unit = BASE_UNITS[m.group("unit")]
    nxt = text[m.end(): m.end() + 1]
    if nxt and nxt in unit.not_before and not SUFFIX_CUE_RE.match(text, m.end()):
        return None, None  # 所有/所以 are words, but 140所以上 is a count with its comparator
    return m, unit


def _is_enumeration_summary(text: str, window_start: int, number: Number) -> bool:
    """A count that sums up the items listed just before it (行业扶贫、定点扶贫、协作扶贫3项)."""
    n = number.value
    if number.is_range or n != int(n) or not 2 <= n <= 10:
        return False
    before = PAREN_RE.sub("", text[window_start: number.start])
    if PER_ITEM_RE.search(before):
        return False  # 音乐、美术各2课时: a number for each item, not their count
    items = [p for p in ENUM_SPLIT_RE.split(before) if p.strip()]
    return len(items) == int(n) and len(items) > 1


def _candidates(text: str) -> list[_Candidate]:
    """Numbers of a clause followed by a measure word and not masked as labels."""
    masked = masked_spans(text)
    out: list[_Candidate] = []
    prev_end = 0
    for number in find_numbers(text, RANGE_UNITS):
        if _inside(number.start, masked) or _inside(number.end - 1, masked):
            continue
        m, unit = _unit_at(text, number.end, number)
        seg_start, _ = segment_bounds(text, number.start)
        if m and m.group("unit") == "年" and DURATION_INDICATOR_RE.search(text, seg_start, number.start):
            unit = YEARS_UNIT  # 平均受教育年限达12.3年: the duration is the measured quantity
        if unit is None or unit.role == "not_quantity":
            continue
        if unit.role == "after_frequency" and not EVENT_FREQUENCY_RE.search(text, seg_start, number.start):
            continue  # 十九届 names a session; 每三年举办一届 counts an edition
        end = m.end() if m else number.end
        mult = (m.group("mult") or "") if m else ""
        infix = m.group("infix") if m else None
        sfx = SUFFIX_CUE_RE.match(text, end)
        window_start = max(seg_start, prev_end)
        window = text[window_start: number.start]
        cues = list(PREFIX_CUE_RE.finditer(window))
        prefix_cue = cues[-1].group() if cues else None
        adjacent = ADJACENT_CUE_RE.search(window)
        if adjacent:
            prefix_cue = adjacent.group().strip()
        elif (prefix_cue and PREFIX[prefix_cue] == "~" and len(cues) > 1 and PREFIX[cues[-2].group()].startswith("delta")
              and not window[cues[-2].end(): cues[-1].start()].strip()):
            prefix_cue = cues[-2].group()  # 比上年增加约0.06万人: the change, approximately
        prev_end = end + (sfx.end() - end if sfx else 0)
        # a frequency earlier in the clause carries to the events listed after it (每年举办一次…,举办一次…)
        frequency_count = unit.unit in EVENT_UNITS and EVENT_FREQUENCY_RE.search(text, 0, number.start)
        if number.form == "chinese" and number.value == 1 and not number.is_range and unit.unit not in COUNTABLE_ONE and not (
            (prefix_cue and PREFIX[prefix_cue] in (">=", "<=", "~")) or sfx
            or frequency_count
        ):
            continue  # 一 before a measure word is an indefinite article (建设一支队伍), unless a comparator
            # (一门以上) or a frequency (每年举办一次) makes it a count
        bound = prefix_cue is not None and PREFIX[prefix_cue] in (">=", "<=", "~")
        if not bound and _is_enumeration_summary(text, window_start, number):
            continue  # a bound (…、…不低于2个学分) states a level, never a summary of the list
        if number.value == 1 and RATIO_BEFORE_RE.search(text, 0, number.start) and not frequency_count:
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
    prefix = PREFIX.get(c.prefix_cue) if c.prefix_cue else None
    if prefix in ("delta_up", "delta_down"):
        return prefix
    if c.infix:
        return INFIX[c.infix]
    if c.suffix:
        return SUFFIX[c.suffix]
    if prefix:
        return prefix
    window = text[c.extra["window_start"]: c.number.start]
    if previous is not None and "、" in window and previous.prefix_cue and previous.comparator in (">=", "<=", "~"):
        if segment_bounds(text, previous.number.start) == segment_bounds(text, c.number.start) and (
                _cue_governs_phrase(text, previous) or not text[previous.unit_end: c.number.start].strip("、 ")):
            # 至少具有1项艺术爱好、形成1项艺术特长 (the cue governs the verbs); 不低于60%、80% (a list of values);
            # but in 不少于10所、市级示范校20所 the cue bound only its own number.
            return previous.comparator
    return "="


def _cue_governs_phrase(text: str, c: _Candidate) -> bool:
    """Whether a candidate's prefix cue stands before words rather than right before its number
    (至少具有1项: the cue governs the verb phrase, and the items listed after it)."""
    window = text[c.extra["window_start"]: c.number.start]
    at = window.rfind(c.prefix_cue or "")
    return at >= 0 and bool(window[at + len(c.prefix_cue or ""):].strip())


def _is_threshold(c: _Candidate, text: str) -> bool:
    """A size that defines when a rule applies: 5人以上残疾学生, 1200户以下的小区, 不少于六个班的幼儿园."""
    if c.comparator in (">=", "<=", "range") and BAND_RULE_RE.match(text, c.unit_end):
        return True  # a band a rule applies to: 高校数21-50所的不超过25篇, 80所以上的不超过45篇
    if c.comparator not in (">=", "<=") or not THRESHOLD_UNIT_RE.fullmatch(c.unit.unit_text or ""):
        return False
    nxt = text[c.unit_end: c.unit_end + 1]
    return bool(nxt) and (nxt == "的" or bool(_CJK.match(nxt)))


def per_unit_frequency(text: str, seg_start: int, pos: int) -> bool:
    """Whether the frequency of the event counted at ``pos`` is a norm each school, county or person keeps
    (a standard) rather than an event the issuer holds (a target): its subject is each school or county
    (学校每年应举办一次; 学校每学年要…,开展一次; 各级各类学校…,每年举办1次), or it is a rule or a duty
    (原则上每三年更新一次; 每五年要接受一次培训).

    >>> per_unit_frequency("省每3年举办1次大中小学生艺术展演活动", 0, 5)
    False
    >>> per_unit_frequency("学校每学年要以美育课程开课率等为重点,开展一次美育工作自评", 20, 22)
    True
    """
    before = text[seg_start:pos]
    if PER_UNIT_FREQUENCY_RE.search(before) or FREQUENCY_DUTY_RE.search(text, 0, pos):
        return True
    freqs = list(EVENT_FREQUENCY_RE.finditer(text, 0, pos))
    if not freqs:
        return False
    last = freqs[-1]
    if any(m.end() == last.end() for m in PER_UNIT_FREQUENCY_RE.finditer(text, 0, last.end())):
        return True  # the last frequency is the school's or county's own, in an earlier segment
    if last.start() >= seg_start and PER_UNIT_FREQUENCY_RE.search(text, 0, seg_start):
        return True  # 各地至少每3年…,…每年举办1次…
    # The sentence's subject is each school or county and the frequency names none of its own.
    own_subject = text[max((m.end() for m in SEGMENT_RE.finditer(text, 0, last.start())), default=0): last.start()].strip()
    return bool(PER_UNIT_SUBJECT_RE.match(text)) and last.start() >= seg_start and not own_subject


def kind_of(c: _Candidate, text: str, context: Context, previous: _Candidate | None) -> str:
    """target, baseline or standard, from the section, the clause's wording and the unit."""
    if context.review or context.status:
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
        or bool(CURRICULUM_NORM_RE.search(segment_before))
        # events each school or county holds (学校每年应举办一次; 各县区每三年…,每年举办一次…)
        or (c.unit.unit in EVENT_UNITS and per_unit_frequency(text, seg_start, c.number.start))
        # the limit a band sets, in the band's segment (高校数21-50所的不超过25篇)
        or (previous is not None and previous.kind == "standard" and _is_threshold(previous, text)
            and segment_bounds(text, previous.number.start) == (seg_start, seg_end))
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
    first_year = context.plan_start_year or context.doc_year
    for m in REVIEW_CLAUSE_RE.finditer(before):
        years = period_years(m.group())
        # a plan period is past only when it ended before the document's own period or year
        # (“十三五”期间 reviews the past in a 十四五 plan, but is the current period in a 2016 opinion)
        if years is None or first_year is None or years[1] < first_year:
            return True
    stated = explicit_year(before, len(before))
    return stated is not None and first_year is not None and stated < first_year


def year_of(c: _Candidate, text: str, context: Context) -> tuple[int | None, str | None]:
    """Year of a quantity and why (``year_origin``): standards none; baselines the year they describe
    (stated, the year before the plan for a review, else the document's year); targets the stated
    year, the stage year governing the clause, else the plan's (or annual document's) year.

    >>> c = _candidates("到2020年,建设10所")[0]; c.kind = "target"
    >>> year_of(c, "到2020年,建设10所", Context(plan_end_year=2022))
    (2020, 'stated')
    """
    stated = explicit_year(text, c.number.start)
    if c.kind == "standard":
        return None, None
    if c.kind == "baseline":
        event = EVENT_DATE_RE.search(text, 0, c.number.start)
        if stated and not (context.review and event and int(event.group()[:4]) == stated):
            return stated, "stated"  # a review's 2017年7月,成立… dates an event, not the count after it
        if (context.review or reports_past(text[: c.number.start], context)) and context.plan_start_year \
                and not context.annual:
            return context.plan_start_year - 1, "review"
        year = context.doc_year or context.plan_end_year
        return year, "document_year" if year is not None else None
    seg_start, _ = segment_bounds(text, c.number.start)
    recurring = RECURRING_RE.search(text[seg_start: c.number.start]) or (
        c.unit.unit in EVENT_UNITS and RECURRING_RE.search(text, 0, c.number.start))  # 每年举办一次…,举办一次…
    if recurring and not context.annual:
        return None, None
    if stated:
        return stated, "stated"
    if context.horizon_year:
        return context.horizon_year, "stage"
    if context.plan_end_year:
        return context.plan_end_year, "annual" if context.annual else "horizon"
    return None, None


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
        c.extra["year"], c.extra["year_origin"] = year_of(c, text, context)
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
            phrase=_phrase_without(text, c), year_origin=c.extra["year_origin"] if year is not None else None,
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
        a.extra["year_origin"] = ("stated" if stated else "document_year" if context.annual or not context.plan_start_year
                                  else "review")
        if a.comparator in ("delta_up", "delta_down"):
            a.comparator = "="
        b.extra["baseline_value"], b.extra["baseline_year"] = a.number.value, a.extra["year"]

