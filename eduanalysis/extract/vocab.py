"""The vocabulary of quantities: units, comparator words and kind cues, read once from resources.

Every word list the clause extractor (:mod:`eduanalysis.extract.clauses`) and the indicator-table
parser (:mod:`eduanalysis.extract.indicator_tables`) share lives in a data file under
``eduanalysis/resources/extract/`` and is compiled here, once, into named constants:

- ``units.csv``: measure words after a number (``所``, ``%``, ``个班``), multipliers (万, 亿) and
  words that end a number without making it a quantity (年, 岁, 届);
- ``comparators.csv``: comparator cue words before (不低于), inside (余) or after (以上) a number;
- ``exclusions.csv``: patterns whose numbers are labels (第二批, 十四五, 1+X);
- ``kind_cues.csv``: cue patterns for kinds (standard, baseline) and for review sections.

>>> UNIT_RE.match("万余人次").group("mult", "infix", "unit")
('万', '余', '人次')
>>> PREFIX[PREFIX_CUE_RE.search("比例不低于").group()]
'>='
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eduanalysis import resources
from eduanalysis.errors import EduAnalysisError
from eduanalysis.text import PLAN_NAME_RE  # noqa: F401  (the callers' name for it)


def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a resource CSV (``extract/units.csv``), read and checked once by the one resource loader."""
    return resources.table(name)


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 个百分点 wins over 个), in a stable order.

    >>> alternation(["个", "个班", "%"])
    '个班|%|个'
    """
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# --- units -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    unit_text: str
    unit: str | None
    role: str
    multiplier: float
    not_before: str


UNITS: dict[str, Unit] = {
    r["written"]: Unit(r["unit_text"], r["unit"] or None, r["role"], float(r["multiplier"] or 1), r["not_before"])
    for r in read_csv("extract/units.csv")
}
MULTIPLIERS = {w: u for w, u in UNITS.items() if u.role == "multiplier"}
BASE_UNITS = {w: u for w, u in UNITS.items() if u.role != "multiplier"}
#: The unit after a number: optional 万/亿, optional 余/多 (3万余人次), the measure word.
#: ASCII units (M, m2) must not run into further letters.
UNIT_RE = re.compile(
    rf"\s*(?P<mult>{alternation(MULTIPLIERS)})?\s*(?P<infix>余|多)?\s*"
    rf"(?P<unit>{alternation(BASE_UNITS)})(?![A-Za-z])"
)
#: Units that are quantities only in context: 年 after a row label or an indicator naming a 年限.
TABLE_ONLY_UNITS = {"年": "years"}
#: 年 as a quantity, after an indicator phrase naming a 年限 (the table parser reads it from row labels).
YEARS_UNIT = Unit("年", TABLE_ONLY_UNITS["年"], "quantity", 1.0, "")
#: Units of the number forms that carry their own: fractions in words (三分之一) and ratios (17:1).
FRACTION_UNIT = Unit("", "fraction", "quantity", 1.0, "")
RATIO_UNIT = Unit(":1", "ratio", "quantity", 1.0, "")

# --- comparators -----------------------------------------------------------------------

COMPARATORS = read_csv("extract/comparators.csv")
PREFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] in ("prefix", "adjacent")}
#: Prefix cues that count only right before the number (超 15 万个, 突破10万个): elsewhere they start words.
ADJACENT = {r["cue"] for r in COMPARATORS if r["position"] == "adjacent"}
SUFFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "suffix"}
INFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "infix"}
PREFIX_CUE_RE = re.compile(alternation(set(PREFIX) - ADJACENT))
ADJACENT_CUE_RE = re.compile(rf"(?:{alternation(ADJACENT)})\s*$")
SUFFIX_CUE_RE = re.compile(rf"\s*({alternation(SUFFIX)})")

# --- labels and kind cues --------------------------------------------------------------

EXCLUSION_RE = re.compile("|".join(f"(?:{r['pattern']})" for r in read_csv("extract/exclusions.csv")))
CUES: dict[str, str] = {r["role"]: r["pattern"] for r in read_csv("extract/kind_cues.csv")}
FREQUENCY_NORM_RE = re.compile(CUES["frequency_norm"])
RECURRING_RE = re.compile(CUES["recurring"])
STANDARD_SHARE_RE = re.compile(CUES["standard_share"])
STANDARD_UNIT_RE = re.compile(rf"(?:{CUES['standard_unit']})$")
BASELINE_CUE_RE = re.compile(CUES["baseline"])
REVIEW_CLAUSE_RE = re.compile(CUES["review_clause"])
HEDGE_RE = re.compile(CUES["hedge"])
REVIEW_HEADING_RE = re.compile(CUES["review_section"])
DURATION_INDICATOR_RE = re.compile(CUES["duration_indicator"])
THRESHOLD_UNIT_RE = re.compile(rf"(?:{CUES['threshold_unit']})")
CURRICULUM_NORM_RE = re.compile(CUES["curriculum_norm"])
PER_UNIT_FREQUENCY_RE = re.compile(CUES["per_unit_frequency"])
PER_UNIT_SUBJECT_RE = re.compile(CUES["per_unit_subject"])
FREQUENCY_DUTY_RE = re.compile(CUES["frequency_duty"])

# --- time words shared by clauses and tables --------------------------------------------



def _periods() -> dict[str, tuple[int, int]]:
    out = {}
    for r in read_csv("extract/periods.csv"):
        try:
            start, end = int(r["start_year"]), int(r["end_year"])
        except ValueError as e:
            raise EduAnalysisError(f"resources/extract/periods.csv: row {r['name']!r} needs integer years ({e})") from e
        if not PLAN_NAME_RE.fullmatch(r["name"]) or end < start:
            raise EduAnalysisError(f"resources/extract/periods.csv: row {r['name']!r} is not a 十X五 name with "
                                   "start_year <= end_year")
        out[r["name"]] = (start, end)
    return out


#: The five-year plans a document may name, with their years: 十三五 -> (2016, 2020).
PERIODS: dict[str, tuple[int, int]] = _periods()


def period_years(text: str) -> tuple[int, int] | None:
    """Years of the five-year plan a text names (the first one), or None.

    >>> period_years("“十三五”期间"), period_years("到2025年")
    ((2016, 2020), None)
    """
    m = PLAN_NAME_RE.search(text)
    return PERIODS.get(m.group()) if m else None


#: Words of a document type that is annual (doc_types.csv, the reader's vocabulary).
#: Words that, next to one year in a title or an opening line, make a document annual (工作要点, 招生计划,
#: 为民办实事 …): the annual cues of ``resources/read/horizon_cues.csv``, which the reader's horizon uses too.
ANNUAL_WORDS = frozenset(r["cue"] for r in read_csv("read/horizon_cues.csv") if r["role"] == "annual")
ANNUAL_TYPES = frozenset(r["type_zh"] for r in read_csv("read/doc_types.csv") if r["annual"] == "yes")
_TIME = {r["role"]: r["pattern"] for r in read_csv("extract/time_cues.csv")}
#: One year next to an annual-document word in a title or opening line (no bracket or dash between,
#: so the end of a span (2021—2023年) does not count): 2020年工作要点,
#: 2020年泉州市教育局承担市委、市政府为民办实事…, 关于下达2015年全区小学秋季招生计划的通知, 2022年度.
ANNUAL_DOCUMENT_RE = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}})\s*年[^\d,;:。!?\n《》()—-]{{0,24}}?(?:{alternation(ANNUAL_WORDS)}|{alternation(ANNUAL_TYPES)})"
    rf"|(?P<year_du>(?:19|20)\d{{2}})\s*(?:{_TIME['annual_year_word']})"
)
#: A progress status as of now (截至9月, 截至目前) and the wording that ends it (至年底,将…).
STATUS_CLAUSE_RE = re.compile(_TIME["status_clause"])
STATUS_END_RE = re.compile(_TIME["status_end"])
