"""Indicator tables: cells of a table section, and the quantity each value cell states.

Policy documents print their main indicators as a table (指标 / 2020年 / 2025年 / 属性).
Converted to text, a table reaches the segmenter in one of three shapes, all handled here:

- **flattened column after column** (萍乡): per group, its name, its row labels, then the
  values of the first column for those rows, then the next column, then the 属性 lines
  (merged cells such as 预期性预期性 are split);
- **flattened row after row** (the common layout of Word tables): per row, its label, one value
  per column, its 属性; group rows (一、发展水平) stand alone; a label with 其中 sub-rows is
  followed by the sub-row labels, then the values column after column, then one 属性;
- **tab-separated rows**: one line per row, the header row first.

The first two are one shape: a run of text lines (group name, labels) followed by a run of
value and attribute lines whose length is (number of rows) × (number of value columns). The
number of value columns is read off the header (stub, column names, 属性), so the layout is
recognised from the cell sequence, not from the document. Each value cell becomes one
quantity whose kind and year come from its column: a past year, 现状 or 基期 → baseline,
2025年, 目标 or “十四五”末 → target (see :func:`column_role`).

>>> cells = parse_flat_table(["指  标", "2020年", "2025年", "属性", "一、发展水平",
...                           "1.学前教育毛入园率(%)", "99%", "99%以上", "约束性"])
>>> [(c.row_label, c.column, c.cell_text, c.attribute) for c in cells]
[('1.学前教育毛入园率(%)', '2020年', '99%', None), ('1.学前教育毛入园率(%)', '2025年', '99%以上', '约束性')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eduanalysis.extract.clauses import Context, Quantity
from eduanalysis.extract.vocab import CUES as _CUES
from eduanalysis.extract.vocab import MULTIPLIERS, PLAN_NAME_RE, TABLE_ONLY_UNITS, UNITS
from eduanalysis.extract.vocab import alternation as _alternation
from eduanalysis.numbers import five_year_plan_years, to_ascii

_CELL_UNITS = _alternation([w for w, u in UNITS.items() if u.role != "multiplier"] + list(TABLE_ONLY_UNITS))
#: A value cell: optional comparator sign or word, a number or range, an optional unit (万人, %, 年),
#: an optional comparator suffix: 7.8, ≥96, 99%以上, 12.3年以上, 不低于95%, 3-5所, 约60.
VALUE_CELL_RE = re.compile(
    r"(?P<cmp>[≥≤]|[<>]=?|不低于|不少于|不超过|不高于|不大于|不小于|低于|高于|超过|约|达到|达)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)(?:\s*%?\s*(?:[-—–~～至])\s*(?P<max>\d+(?:\.\d+)?))?\s*"
    rf"(?P<mult>{_alternation(MULTIPLIERS)})?\s*(?P<unit>{_CELL_UNITS})?\s*"
    r"(?P<sfx>及以上|以上|以下|以内|左右)?"
)
#: A value cell stating no number: "-" for no data.
NO_DATA_CELL_RE = re.compile(r"[-—–―/~～]+|无|暂无")
#: A qualitative value cell (持续提高, 稳步提升, 全覆盖): read as a cell only between a value and
#: the next value or attribute, so a group heading such as 质量提升 stays a heading.
QUALITATIVE_CELL_RE = re.compile(
    r"(?:持续|稳步|逐步|进一步|有所|不断|明显|显著|大幅|保持|稳定)[^\d]{0,6}|[^\d]{0,4}(?:提高|提升|增长|下降|降低|减少|改善)"
    r"|全覆盖|(?:基本|全面)?(?:普及|达标)"
)
ATTRIBUTE_LINE_RE = re.compile(rf"(?:{_CUES['attribute']})+")
ATTRIBUTE_RE = re.compile(_CUES["attribute"])
ATTRIBUTE_COLUMN_RE = re.compile(rf"(?:指标)?(?:{_CUES['attribute_column']})")
BASELINE_COLUMN_RE = re.compile(_CUES["baseline_column"])
TARGET_COLUMN_RE = re.compile(_CUES["target_column"])
#: The stub column's heading (the column of row labels) and other non-value columns.
STUB_RE = re.compile(r"(?:指\s*标|项\s*目|类\s*别|名\s*称|序\s*号|领\s*域|维\s*度|主要指标)(?:名称|类别)?")
UNIT_COLUMN_RE = re.compile(r"(?:计量)?单\s*位")
NUMBER_COLUMN_RE = re.compile(r"序\s*号")
#: A value column's heading: a year, a plan name (“十四五”末), or a column word (目标值, 现状, 基期).
COLUMN_HEAD_RE = re.compile(
    rf"(?=.{{1,16}}$).*(?:(?:19|20)\d{{2}}|十[一二三四五六七八九]五|{_CUES['baseline_column']}|{_CUES['target_column']}"
    r"|基准|基线|现值|末)"
)
YEAR_ONLY_RE = re.compile(r"((?:19|20)\d{2})\s*年?")
#: A column heading that is a year (2020年, 2025年目标值), never a value cell.
YEAR_HEAD_RE = re.compile(r"(?:19|20)\d{2}\s*年.*")
YEAR_IN_RE = re.compile(r"((?:19|20)\d{2})\s*年?")
LABEL_UNIT_RE = re.compile(r"[((]([^()()]+)[))]\s*$")
SUB_ROW_RE = re.compile(r"其中\s*[::]?")
#: Row numbering before a label: 1.学前教育毛入园率, (3)…, 一、…
ROW_NUMBER_RE = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.、.]\s*|^\s*[((]\s*\d+\s*[))]\s*")
#: Row labels this short (毛入园率, 在校生) name their indicator only with their section or parent.
SHORT_LABEL = 5
#: A row label's unit split into multiplier and measure word: 万人 -> 万 + 人.
LABEL_UNIT_SPLIT_RE = re.compile(rf"({_alternation(MULTIPLIERS)})?(.+)")
#: A tab-separated or wide-space-separated table row.
TAB_RE = re.compile(r"\t")
_CMP = {"≥": ">=", ">=": ">=", ">": ">=", "≤": "<=", "<=": "<=", "<": "<=", "不低于": ">=", "不少于": ">=",
        "不小于": ">=", "高于": ">=", "超过": ">=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "低于": "<=",
        "约": "~", "及以上": ">=", "以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}


@dataclass(frozen=True)
class Cell:
    """One value cell of an indicator table."""

    line: int
    section: str
    row_label: str
    column: str
    column_year: int | None
    cell_text: str
    attribute: str | None
    #: The label giving the unit: the row's own, or for a unit-less 其中 sub-row the row above it.
    unit_label: str = ""
    #: The indicator as the table names it (sub-rows joined to their parent, short labels to their section).
    indicator: str = ""
    #: The latest year any value column of the table names (a table's earlier year columns are baselines).
    latest_year: int | None = None
    #: The cell of a 单位 column, when the table has one.
    unit_cell: str = ""


@dataclass(frozen=True)
class Column:
    name: str
    year: int | None


def line_kind(line: str) -> str:
    """V a value, E a value cell without a number, A an attribute, B blank, T text (labels, groups)."""
    line = to_ascii(line.strip())
    if not line:
        return "B"
    if VALUE_CELL_RE.fullmatch(line) and not YEAR_HEAD_RE.fullmatch(line):
        return "V"
    if ATTRIBUTE_LINE_RE.fullmatch(line):
        return "A"
    if NO_DATA_CELL_RE.fullmatch(line):
        return "E"
    return "T"


def line_kinds(lines: list[str]) -> list[str]:
    """:func:`line_kind` of each line; a qualitative cell counts as a value when a value precedes it
    and a value or an attribute follows it (or it ends the table)."""
    kinds = [line_kind(s) for s in lines]
    filled = [k for k in range(len(lines)) if kinds[k] != "B"]
    for pos, k in enumerate(filled):
        if kinds[k] != "T" or not QUALITATIVE_CELL_RE.fullmatch(to_ascii(lines[k].strip())):
            continue
        prev = kinds[filled[pos - 1]] if pos else ""
        nxt = kinds[filled[pos + 1]] if pos + 1 < len(filled) else "A"
        if prev in "VE" and nxt in "VEA":
            kinds[k] = "E"
    return kinds


def parse_header(lines: list[str]) -> tuple[list[Column], int, bool, bool]:
    """Value columns of a header, the number of lines it spans, and whether it has 单位 / 序号 columns.

    A lone year line joins the column word after it (2020年 / 实现情况 is one column).

    >>> cols, n, _, _ = parse_header(["指  标", "“十三五”规划目标", "2020年", "实现情况", "学前教育"])
    >>> [(c.name, c.year) for c in cols], n
    ([('“十三五”规划目标', None), ('实现情况', 2020)], 4)
    """
    cols: list[Column] = []
    unit_col = number_col = False
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if STUB_RE.fullmatch(line):
            number_col = number_col or bool(NUMBER_COLUMN_RE.fullmatch(line))
        elif UNIT_COLUMN_RE.fullmatch(line):
            unit_col = True
        elif ATTRIBUTE_COLUMN_RE.fullmatch(line):
            pass
        elif COLUMN_HEAD_RE.match(line) and line_kind(line) in "TB":
            year = YEAR_ONLY_RE.fullmatch(line)
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if year and nxt and COLUMN_HEAD_RE.match(nxt) and not YEAR_IN_RE.search(nxt) \
                    and not PLAN_NAME_RE.search(nxt) and not ATTRIBUTE_COLUMN_RE.fullmatch(nxt) \
                    and not UNIT_COLUMN_RE.fullmatch(nxt):
                cols.append(Column(nxt, int(year.group(1))))
                i += 2
                continue
            y = YEAR_IN_RE.search(line)
            cols.append(Column(line, int(y.group(1)) if y else None))
        else:
            break
        i += 1
    return cols, i, unit_col, number_col


def _strip_label(label: str) -> str:
    return ROW_NUMBER_RE.sub("", LABEL_UNIT_RE.sub("", SUB_ROW_RE.sub("", label, count=1))).strip()


def _is_sub_label(label: str) -> bool:
    """A 其中 row, or a short bare label continuing one (其中:小学 / 初中)."""
    return bool(SUB_ROW_RE.match(label))


def _row_indicators(section: str, labels: list[str], parent: str | None) -> tuple[list[str], list[str]]:
    """Indicator phrase and unit label of each row: sub-rows lean on their parent, short labels on the section."""
    indicators, unit_labels = [], []
    current_parent, in_sub = parent, parent is not None
    for label in labels:
        sub = _is_sub_label(label) or (in_sub and len(_strip_label(label)) <= SHORT_LABEL
                                       and not LABEL_UNIT_RE.search(label) and not ROW_NUMBER_RE.match(label))
        clean = _strip_label(label)
        if sub and current_parent is not None:
            in_sub = True
            parent_clean = _strip_label(current_parent)
            indicators.append(clean + parent_clean if len(clean) <= SHORT_LABEL else clean)
            unit_labels.append(label if LABEL_UNIT_RE.search(label) else current_parent)
            continue
        in_sub = False
        current_parent = label
        indicators.append(section + clean if len(clean) <= SHORT_LABEL else clean)
        unit_labels.append(label)
    return indicators, unit_labels


def _groups(kinds: list[str]) -> list[tuple[list[int], list[int], list[int]]]:
    """Runs of (text lines, value lines, attribute lines): each text run is followed by its cells."""
    groups = []
    i = 0
    while i < len(kinds):
        t, v, a = [], [], []
        while i < len(kinds) and kinds[i] in "TB":
            if kinds[i] == "T":
                t.append(i)
            i += 1
        while i < len(kinds) and kinds[i] in "VEAB":
            if kinds[i] in "VE":
                v.append(i)
            elif kinds[i] == "A":
                a.append(i)
            i += 1
        groups.append((t, v, a))
    return groups


def _infer_columns(lines: list[str], kinds: list[str]) -> tuple[list[Column], int]:
    """Fallback when the header names no value column: the value/label ratio of the later groups."""
    groups = [g for g in _groups(kinds) if g[1]]
    if not groups:
        return [], 0
    ratios = {len(v) / (len(t) - 1) for t, v, _ in groups[1:] if len(t) > 1}
    n = int(ratios.pop()) if len(ratios) == 1 and next(iter(ratios)).is_integer() else 1
    t0, v0, _ = groups[0]
    rows0 = len(v0) // n
    header = [lines[k] for k in t0[: max(0, len(t0) - rows0 - 1)]]
    names = [h for h in header if not STUB_RE.fullmatch(h.strip()) and not ATTRIBUTE_COLUMN_RE.fullmatch(h.strip())]
    names = (names + [""] * n)[:n] if len(names) < n else names[-n:]
    cols = [Column(h, int(y.group(1)) if (y := YEAR_IN_RE.search(h)) else None) for h in names]
    return cols, (t0[len(header) - 1] + 1 if header else 0)


def parse_flat_table(lines: list[str]) -> list[Cell]:
    """Cells of an indicator table flattened to one line per cell, column after column or row after row.

    ``lines`` are the table's lines after its title. Returns [] when they do not fit a table.
    """
    lines = [to_ascii(s.strip()) for s in lines]
    columns, start, unit_col, number_col = parse_header(lines)
    kinds = line_kinds(lines)
    if number_col:  # a row number before a label is no value
        for k in range(start, len(lines) - 1):
            if kinds[k] == "V" and lines[k].isdigit() and kinds[k + 1] == "T":
                kinds[k] = "B"
    if not columns:
        columns, start = _infer_columns(lines, kinds)
    n_columns = len(columns)
    if not n_columns:
        return []
    latest = max((c.year for c in columns if c.year), default=None)
    cells: list[Cell] = []
    section = ""
    for t, v, a in _groups(kinds[start:]):
        t, v, a = [k + start for k in t], [k + start for k in v], [k + start for k in a]
        if not v or len(v) % n_columns:
            if t and not v:
                section = lines[t[-1]]  # a group heading closing the table or standing alone
            continue
        n = len(v) // n_columns
        per_row = 2 if unit_col else 1
        if len(t) < n * per_row:
            continue
        labels = [lines[k] for k in t[len(t) - n * per_row: len(t) - n * (per_row - 1)]]
        units = [lines[k] for k in t[len(t) - n:]] if unit_col else [""] * n
        extra = [lines[k] for k in t[: len(t) - n * per_row]]
        parent = extra.pop() if extra and _is_sub_label(labels[0]) else None
        if extra:
            section = extra[-1]
        indicators, unit_labels = _row_indicators(section, labels, parent)
        attributes: list[str | None] = ATTRIBUTE_RE.findall("".join(lines[k] for k in a))
        if len(attributes) == 1:
            attributes = attributes * n
        elif len(attributes) != n:
            attributes = [None] * n
        for j, col in enumerate(columns):
            for r in range(n):
                k = v[j * n + r]
                attr = attributes[r] if column_role(col.name, col.year, latest, Context())[0] == "target" else None
                cells.append(Cell(k, section, labels[r], col.name, col.year, lines[k], attr, unit_labels[r],
                                  indicators[r], latest, units[r]))
    return cells


def parse_tab_table(lines: list[str]) -> list[Cell]:
    """Cells of a table whose rows are tab-separated lines (header row first; tab-less lines are groups)."""
    rows = [[c.strip() for c in to_ascii(line).split("\t")] for line in lines]
    header_i = next((i for i, r in enumerate(rows) if len(r) > 1), None)
    if header_i is None:
        return []
    header = rows[header_i]
    attr_j = next((j for j, h in enumerate(header) if ATTRIBUTE_COLUMN_RE.fullmatch(h)), None)
    unit_j = next((j for j, h in enumerate(header) if UNIT_COLUMN_RE.fullmatch(h)), None)
    value_js = [j for j, h in enumerate(header) if j > 0 and j not in (attr_j, unit_j) and not STUB_RE.fullmatch(h)]
    years = {j: int(y.group(1)) if (y := YEAR_IN_RE.search(header[j])) else None for j in value_js}
    latest = max((y for y in years.values() if y), default=None)
    cells, section, parent = [], "", None
    for i, r in enumerate(rows[header_i + 1:], start=header_i + 1):
        if len(r) == 1 or not any(r[1:]):
            if r[0]:
                section, parent = r[0], None
            continue
        offset = 1 if len(r) == len(header) + 1 and r[0].isdigit() else 0  # a 序号 cell the header leaves unnamed
        label = r[offset]
        indicator, unit_label = _row_indicators(section, [label], parent if _is_sub_label(label) else None)
        if not _is_sub_label(label):
            parent = label
        attribute = r[attr_j + offset] if attr_j is not None and attr_j + offset < len(r) else None
        for j in value_js:
            if j + offset >= len(r) or line_kind(r[j + offset]) != "V":
                continue
            role = column_role(header[j], years[j], latest, Context())[0]
            cells.append(Cell(i, section, label, header[j], years[j], r[j + offset],
                              attribute if role == "target" and attribute and ATTRIBUTE_RE.search(attribute) else None,
                              unit_label[0], indicator[0], latest,
                              r[unit_j + offset] if unit_j is not None and unit_j + offset < len(r) else ""))
    return cells


def column_role(column: str, year: int | None, latest: int | None, context: Context) -> tuple[str, int | None]:
    """Kind and year of a column: 现状/基期/实现情况 and past years report baselines, the rest are targets.

    A plan name gives the plan's last year (“十四五”末 → 2025; “十三五”规划目标 → 2020). Without the
    document's plan period, a year column earlier than the table's latest year is a baseline.
    """
    plan = PLAN_NAME_RE.search(column)
    plan_years = five_year_plan_years(plan.group()) if plan else None
    year = year or (plan_years[1] if plan_years else None)
    says_target = bool(TARGET_COLUMN_RE.search(column))
    if BASELINE_COLUMN_RE.search(column) and not says_target:
        return "baseline", year or (context.plan_start_year - 1 if context.plan_start_year else context.doc_year)
    if year and not says_target:
        if context.plan_start_year and year < context.plan_start_year:
            return "baseline", year
        if not context.plan_start_year and latest and year < latest:
            return "baseline", year
    return "target", year or context.plan_end_year


def table_quantity(cell: Cell, title: str, context: Context) -> Quantity | None:
    """The quantity of one table cell, with kind and year from its column (None for cells without a number)."""
    m = VALUE_CELL_RE.fullmatch(to_ascii(cell.cell_text.strip()))
    if not m:
        return None
    value = float(m.group("num"))
    value_max = float(m.group("max")) if m.group("max") else None
    if value_max is not None and value_max <= value:
        return None  # not a range (a date or a code)
    unit_m = LABEL_UNIT_RE.search(cell.unit_label or cell.row_label)
    cell_unit = (m.group("mult") or "") + (m.group("unit") or "")
    unit_written = (unit_m.group(1) if unit_m else None) or cell.unit_cell or cell_unit or None
    unit_text, unit, mult = unit_written, None, 1.0
    if unit_written:
        mm = LABEL_UNIT_SPLIT_RE.fullmatch(unit_written)
        base = UNITS.get(mm.group(2))
        unit = TABLE_ONLY_UNITS.get(mm.group(2)) or (base.unit if base and base.role != "not_quantity" else None)
        mult = MULTIPLIERS[mm.group(1)].multiplier if mm.group(1) else 1.0
    kind, year = column_role(cell.column, cell.column_year, cell.latest_year, context)
    label = cell.indicator or _strip_label(cell.row_label)
    if not cell.indicator and len(label) <= SHORT_LABEL and not SUB_ROW_RE.match(cell.row_label):
        label = cell.section + label
    if value_max is not None:
        comparator = "range"
    else:
        comparator = _CMP.get(m.group("sfx") or "", _CMP.get(m.group("cmp") or "", "="))
    parts = [title, cell.section, cell.row_label, cell.column, cell.cell_text] + ([cell.attribute] if cell.attribute else [])
    return Quantity(
        start=0, end=len(cell.cell_text), value_text=m.group("num"), value=value, value_max=value_max,
        unit_text=unit_text, unit=unit, value_norm=value * mult,
        comparator=comparator, hedged=False, kind=kind, year=year,
        indicator_text=label, attribute=cell.attribute, sentence="[表]" + "|".join(parts),
        phrase=label if label.startswith(cell.section) else f"{cell.section}{label}",
    )
