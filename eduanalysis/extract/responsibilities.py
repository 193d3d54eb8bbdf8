"""Responsibilities: 责任单位/牵头单位/配合单位 lines -> one row per responsible unit.

A responsibility line closes the section it stands in (盘锦's 责任单位: lines
follow each task). Units are split on 、 , ; and the role comes from the cue
word: 牵头/主责 -> lead, 配合/参与/协同/协办 -> support, 责任单位 -> unspecified.
Unit names are normalised through ``resources/unit_aliases.csv`` (各县区政府 =
各区县政府); 人民政府 and 政府 are kept as written apart from those aliases.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from eduanalysis import resources, schema

#: cue word -> role; the cue ends at a colon.
ROLE_CUES = {
    "牵头单位": "lead", "牵头部门": "lead", "主责单位": "lead", "牵头领导": "lead", "责任主体": "lead",
    "配合单位": "support", "配合部门": "support", "参与单位": "support", "协同单位": "support",
    "协办单位": "support",
    "责任单位": "unspecified", "责任部门": "unspecified", "实施单位": "unspecified", "责任领导": "unspecified",
}
CUE_RE = re.compile("(" + "|".join(sorted(ROLE_CUES, key=len, reverse=True)) + r")\s*[:]")
UNIT_SEPARATORS_RE = re.compile(r"[、,;,;。]")


@functools.lru_cache(maxsize=1)
def read_aliases() -> dict[str, str]:
    """Unit-name aliases (``resources/unit_aliases.csv``), read once per process; callers must not modify them."""
    return {r["alias"]: r["unit_name"] for r in resources.table("extract/unit_aliases.csv")}


def parse_line(text: str, aliases: dict[str, str] | None = None) -> list[tuple[str, str, str, int, int]]:
    """Units of one responsibility line: ``(role, unit_text, unit_name, start, end)``; offsets within ``text``.

    >>> [(r, u) for r, u, _, _, _ in parse_line("牵头单位:市教育局;配合单位:市财政局、各县区政府")]
    [('lead', '市教育局'), ('support', '市财政局'), ('support', '各县区政府')]
    >>> parse_line("责任单位:各县区政府")[0][2]
    '各区县政府'
    """
    aliases = read_aliases() if aliases is None else aliases
    cues = list(CUE_RE.finditer(text))
    out = []
    for k, cue in enumerate(cues):
        role = ROLE_CUES[cue.group(1)]
        end = cues[k + 1].start() if k + 1 < len(cues) else len(text)
        pos = cue.end()
        for piece in UNIT_SEPARATORS_RE.split(text[cue.end():end]) + [""]:
            unit = piece.strip().rstrip(")").strip()
            if unit and not UNIT_SEPARATORS_RE.fullmatch(unit):
                start = text.index(unit, pos)
                out.append((role, unit, aliases.get(unit, unit), start, start + len(unit)))
                pos = start + len(unit)
    return out


def responsibilities(measures: pd.DataFrame, validate: bool = True) -> pd.DataFrame:
    """The ``responsibilities`` table from measures of kind ``responsibility`` (validated unless told not to)."""
    aliases = read_aliases()
    rows = []
    for m in measures[measures["kind"] == "responsibility"].itertuples():
        for k, (role, unit, name, s, e) in enumerate(parse_line(m.text, aliases)):
            rows.append({
                "responsibility_id": f"{m.measure_id}-r{k:02d}", "doc_id": m.doc_id, "section_id": m.section_id,
                "measure_id": m.measure_id, "role": role, "unit_text": unit, "unit_name": name,
                "char_start": m.char_start + s, "char_end": m.char_start + e,
            })
    df = pd.DataFrame(rows, columns=schema.RESPONSIBILITIES.column_names)
    return schema.validate(df, "responsibilities") if validate else df
