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

import csv
import re
from dataclasses import dataclass

from eduanalysis.config import resource_path


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a resource CSV (``extract/units.csv``) as dictionaries."""
    with open(resource_path(name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 个百分点 wins over 个).

    >>> alternation(["个", "个班", "%"])
    '个班|%|个'
    """
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


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
PREFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "prefix"}
SUFFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "suffix"}
INFIX = {r["cue"]: r["comparator"] for r in COMPARATORS if r["position"] == "infix"}
PREFIX_CUE_RE = re.compile(alternation(PREFIX))
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

# --- time words shared by clauses and tables --------------------------------------------

#: A five-year plan's name (十三五, 十四五): its years come from :func:`eduanalysis.numbers.five_year_plan_years`.
PLAN_NAME_RE = re.compile(r"十[一二三四五六七八九]五")
