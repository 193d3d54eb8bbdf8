"""The canonical indicator registry and the mapper from indicator phrases to it.

``resources/indicators.csv`` holds one row per indicator that recurs across
regions: ``indicator_id``, ``name_zh``, ``name_en`` (fit for a paper), the
education ``stage``, the ``expected_unit`` and ``patterns``, a regular
expression of the phrasings that name it. A phrase maps to the indicator named nearest
its end (Chinese noun phrases are head-final), the longest match among those, and
the earlier row on ties, so 骨干教师交流轮岗比例 maps to the rotation share.

>>> map_indicator("学前三年毛入园率")[0]
'preschool_gross_enrolment'
>>> map_indicator("九年义务教育巩固率")[1]
'九年义务教育巩固率'
>>> map_indicator("某项不存在的指标")
(None, None, None)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from eduanalysis.config import resource_path
from eduanalysis.errors import EduAnalysisError

REGISTRY_FILE = "extract/indicators.csv"
REGISTRY_COLUMNS = ("indicator_id", "name_zh", "name_en", "stage", "expected_unit", "patterns")


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_zh: str
    name_en: str
    stage: str
    expected_unit: str
    pattern: re.Pattern


@lru_cache(maxsize=1)
def registry() -> tuple[Indicator, ...]:
    """The registry read from ``resources/indicators.csv`` (checked: columns, unique ids, valid patterns)."""
    return read_registry(resource_path(REGISTRY_FILE))


def read_registry(path) -> tuple[Indicator, ...]:
    """An indicator registry file in the format of ``resources/indicators.csv``, checked row by row."""
    try:
        f = open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise EduAnalysisError(f"cannot read indicator registry {path}: {exc.strerror}") from exc
    with f:
        reader = csv.DictReader(f)
        missing = [c for c in REGISTRY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise EduAnalysisError(f"{path}: missing columns {missing}; the registry needs {list(REGISTRY_COLUMNS)}")
        rows = list(reader)
    out, seen = [], set()
    for lineno, r in enumerate(rows, start=2):
        if r["indicator_id"] in seen:
            raise EduAnalysisError(f"{path}, line {lineno}: duplicate indicator_id {r['indicator_id']!r}; ids must be unique")
        seen.add(r["indicator_id"])
        try:
            pattern = re.compile(r["patterns"])
        except re.error as exc:
            raise EduAnalysisError(f"{path}, line {lineno}: invalid pattern for {r['indicator_id']!r}: {exc}") from exc
        out.append(Indicator(r["indicator_id"], r["name_zh"], r["name_en"], r["stage"], r["expected_unit"], pattern))
    return tuple(out)


def best_match(text: str | None, indicators: tuple[Indicator, ...] | None = None) -> Indicator | None:
    """The indicator named nearest the end of ``text``, the longest such match, earlier rows on ties.

    Chinese noun phrases put their head last, so in 骨干教师交流轮岗比例 the indicator is the
    rotation share (轮岗比例), not the key teachers (骨干教师) that qualify it.
    """
    if not isinstance(text, str) or not text:
        return None
    best, best_key = None, (-1, 0)
    for ind in registry() if indicators is None else indicators:
        for m in ind.pattern.finditer(text):
            key = (m.end(), len(m.group()))
            if m.group() and key > best_key:
                best, best_key = ind, key
    return best


def map_indicator(indicator_text: str | None, context: str | None = None) -> tuple[str | None, str | None, str | None]:
    """``(indicator_id, name_zh, name_en)`` for an indicator phrase, trying ``context`` when the phrase names none."""
    ind = best_match(indicator_text) or best_match(context)
    return (ind.indicator_id, ind.name_zh, ind.name_en) if ind else (None, None, None)


def mapping_rate(targets: pd.DataFrame) -> float:
    """Share of ``targets`` rows mapped to a canonical indicator (0.0 for an empty table).

    >>> mapping_rate(pd.DataFrame({"indicator_id": ["a", None, "b", None]}))
    0.5
    """
    if targets.empty:
        return 0.0
    return float(targets["indicator_id"].notna().mean())
