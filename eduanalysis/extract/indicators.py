"""The canonical indicator registry and the mapper from indicator phrases to it.

``resources/extract/indicators.csv`` holds one row per indicator that recurs across
regions: ``indicator_id``, ``name_zh``, ``name_en`` (fit for a paper), the
education ``stage``, the ``expected_unit``, its ``family`` (``indicator_families.csv``:
designated schools, staffing, curriculum, places and enrolment, investment, …), ``patterns``,
a regular expression of the phrasings that name it, and ``synonyms`` (|-separated names the
fuzzy fallback compares against).

A phrase maps to the indicator whose pattern matches nearest its end (Chinese noun phrases are
head-final), the longest match among those, and the earlier row on ties, so 骨干教师交流轮岗比例
maps to the rotation share; a trailing bracketed qualifier (新增学位(新建公办普高)) is no head.
A phrase no pattern names is compared with every name and synonym by character bigrams
(:func:`fuzzy_match`, rapidfuzz's token-set ratio over bigram tokens); it maps only when the
best score reaches :data:`FUZZY_THRESHOLD`, and the score is kept (``indicator_score``:
1.0 for a pattern match).

>>> map_indicator("学前三年毛入园率")[0]
'preschool_gross_enrolment'
>>> map_indicator("九年义务教育巩固率")[1]
'九年义务教育巩固率'
>>> map_indicator("某项不存在的指标")
(None, None, None, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from eduanalysis import resources
from eduanalysis.errors import EduAnalysisError

REGISTRY_FILE = "extract/indicators.csv"
FAMILIES_FILE = "extract/indicator_families.csv"
#: The fuzzy fallback maps a phrase only at this bigram similarity or above (0-1). Chosen on the
#: seed and dev gold phrases that no pattern names: below it most best candidates are wrong.
FUZZY_THRESHOLD = 0.75
#: Candidates the fuzzy fallback considers, best first; the first whose head (last bigram) stands in
#: the phrase's last HEAD_WINDOW characters wins. Chinese phrases are head-final, so a phrase sharing
#: the qualifiers of a name but not its head (音乐、美术教研组长听课 vs 音乐美术教师) is another indicator.
FUZZY_CANDIDATES, HEAD_WINDOW = 5, 4
#: A trailing bracketed qualifier: (新建公办普高), (每3年), (截至9月进展).
TRAILING_QUALIFIER_RE = re.compile(r"\s*[((][^()()]*[))]\s*$")
_PUNCT_RE = re.compile(r"[\s“”\"‘’、,，;；:：()（）《》]")


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_zh: str
    name_en: str
    stage: str
    expected_unit: str
    pattern: re.Pattern
    family: str = ""
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Family:
    family: str
    name_zh: str
    name_en: str
    note: str


@lru_cache(maxsize=1)
def families() -> dict[str, Family]:
    """The indicator families read from ``resources/extract/indicator_families.csv``."""
    return {r["family"]: Family(r["family"], r["name_zh"], r["name_en"], r["note"])
            for r in resources.table(FAMILIES_FILE)}


@lru_cache(maxsize=1)
def registry() -> tuple[Indicator, ...]:
    """The packaged registry, ``resources/extract/indicators.csv`` (checked as :func:`read_registry` says)."""
    return read_registry()


def read_registry(path: str | Path | None = None) -> tuple[Indicator, ...]:
    """An indicator registry: the packaged one, or a user's file of the same columns at ``path``.

    Checked by the resource loader (columns, unique ids, valid patterns) and here (known families),
    with errors naming the file and the line.
    """
    file = resources.path_of(REGISTRY_FILE) if path is None else Path(path)
    known = families()
    out = []
    for lineno, r in enumerate(resources.table(REGISTRY_FILE, path), start=2):
        if r["family"] and r["family"] not in known:
            raise EduAnalysisError(f"{file}, line {lineno}: family {r['family']!r} of {r['indicator_id']!r} is not in "
                                   f"{FAMILIES_FILE}; add it there or use one of {sorted(known)}")
        synonyms = tuple(s.strip() for s in r["synonyms"].split("|") if s.strip())
        out.append(Indicator(r["indicator_id"], r["name_zh"], r["name_en"], r["stage"], r["expected_unit"],
                             re.compile(r["patterns"]), r["family"], synonyms))
    return tuple(out)


def _pattern_match(text: str, indicators: tuple[Indicator, ...]) -> Indicator | None:
    best, best_key = None, (-1, 0)
    for ind in indicators:
        for m in ind.pattern.finditer(text):
            key = (m.end(), len(m.group()))
            if m.group() and key > best_key:
                best, best_key = ind, key
    return best


def best_match(text: str | None, indicators: tuple[Indicator, ...] | None = None) -> Indicator | None:
    """The indicator named nearest the end of ``text``, the longest such match, earlier rows on ties.

    Chinese noun phrases put their head last, so in 骨干教师交流轮岗比例 the indicator is the
    rotation share (轮岗比例), not the key teachers (骨干教师) that qualify it. A trailing bracketed
    qualifier is tried without first: 新增学位(新建公办普高) names the places, not the schools.
    ``indicators`` defaults to the packaged registry.
    """
    if not isinstance(text, str) or not text:
        return None
    indicators = registry() if indicators is None else indicators
    head = TRAILING_QUALIFIER_RE.sub("", text)
    return (_pattern_match(head, indicators) if head and head != text else None) or _pattern_match(text, indicators)


def bigrams(text: str) -> str:
    """The character bigrams of a phrase as space-separated tokens (punctuation dropped).

    >>> bigrams("艺术特色学校")
    '艺术 术特 特色 色学 学校'
    """
    t = _PUNCT_RE.sub("", text)
    return " ".join(t[i: i + 2] for i in range(len(t) - 1)) or t


@lru_cache(maxsize=1)
def _choices() -> tuple[tuple[str, ...], tuple[Indicator, ...]]:
    names, owners = [], []
    for ind in registry():
        for name in (ind.name_zh, *ind.synonyms):
            names.append(bigrams(name))
            owners.append(ind)
    return tuple(names), tuple(owners)


def fuzzy_match(text: str | None, threshold: float = FUZZY_THRESHOLD) -> tuple[Indicator | None, float | None]:
    """The indicator whose name or synonym shares most character bigrams with ``text`` and its score
    (0-1, rapidfuzz token-set ratio over bigram tokens); ``(None, best score)`` below ``threshold``.
    A candidate counts only when its head (last bigram) ends the phrase too, and its score shrinks
    by the share of the name's bigrams a shorter phrase can hold.

    >>> ind, score = fuzzy_match("各级校园足球特色学校")
    >>> ind.indicator_id, score >= FUZZY_THRESHOLD
    ('sports_schools', True)
    >>> fuzzy_match("音乐、美术教研组长每学期听课")[0] is None  # shares 音乐美术教, not the head 教师
    True
    """
    if not isinstance(text, str) or len(_PUNCT_RE.sub("", text)) < 2:
        return None, None
    phrase = _PUNCT_RE.sub("", TRAILING_QUALIFIER_RE.sub("", text) or text)
    names, owners = _choices()
    best = None
    grams = bigrams(phrase)
    n_grams = grams.count(" ") + 1
    for _, score, k in process.extract(grams, names, scorer=fuzz.token_set_ratio, limit=FUZZY_CANDIDATES):
        if _head_token(names[k]) in phrase[-HEAD_WINDOW:]:
            # a phrase vaguer than the name (津贴标准 against 班主任津贴标准) is no match for it
            coverage = min(1.0, n_grams / (names[k].count(" ") + 1))
            best = (owners[k], round(score / 100 * coverage, 3))
            break
    if best is None:
        return None, None
    return best if best[1] >= threshold else (None, best[1])


def _head_token(name_bigrams: str) -> str:
    """The head of a name: its last bigram (学校 of 足球特色学校, 教师 of 音乐美术教师)."""
    return name_bigrams.rsplit(" ", 1)[-1]


def map_indicator(indicator_text: str | None, context: str | None = None
                  ) -> tuple[str | None, str | None, str | None, float | None]:
    """``(indicator_id, name_zh, name_en, indicator_score)`` for an indicator phrase.

    Patterns first (the phrase, then ``context``, the words around the number), then the fuzzy
    fallback on the phrase; the score is 1.0 for a pattern match, the fuzzy score otherwise, and
    None when nothing maps.
    """
    ind = best_match(indicator_text) or best_match(context)
    score: float | None = 1.0
    if ind is None:
        ind, score = fuzzy_match(indicator_text)
    return (ind.indicator_id, ind.name_zh, ind.name_en, score) if ind else (None, None, None, None)


def family_of(indicator_id: str | None) -> str | None:
    """The family of a registry indicator (None for None or an unknown id).

    >>> family_of("sports_schools"), family_of(None)
    ('designated_schools', None)
    """
    return next((i.family for i in registry() if i.indicator_id == indicator_id), None)


def mapping_rate(targets: pd.DataFrame) -> float:
    """Share of ``targets`` rows mapped to a canonical indicator (0.0 for an empty table).

    >>> mapping_rate(pd.DataFrame({"indicator_id": ["a", None, "b", None]}))
    0.5
    """
    if targets.empty:
        return 0.0
    return float(targets["indicator_id"].notna().mean())
