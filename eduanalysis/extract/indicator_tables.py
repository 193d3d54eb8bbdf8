"""Indicator tables: one table model for every layout, and the quantity each value cell states.

Policy documents print their indicators, plans and project lists as tables. Converted to text,
a table reaches the segmenter in one of these shapes, all read into the same :class:`Table`
(caption, header, columns with their unit and role, cells with their row label):

- **one cell per line, column after column** (萍乡): per group, its name, its row labels, then the
  values of the first column for those rows, then the next column, then the 属性 lines
  (merged cells such as 预期性预期性 are split);
- **one cell per line, row after row** (the common layout of Word tables): per row, its label, one
  value per column, its 属性; group rows (一、发展水平) stand alone; a label with 其中 sub-rows is
  followed by the sub-row labels, then the values column after column, then one 属性;
- **tab-separated or space-aligned rows**: one line per row, the header row first.

The number of value columns is read off the header: period columns (2020年, 2025年目标值, 现状,
“十四五”末) or measure columns naming their unit (毕业班数(个), 投资额(万元)); a header printed
twice for side-by-side column groups counts once. Units printed only in a header or a row label
reach every cell below or beside it. A caption or a second header inside a run of table lines
starts a new table, which takes neither the caption nor the header of the one before.

Each value cell becomes one quantity whose kind and year come from its column
(see :func:`column_role`): a past year, 现状 or 基期 → baseline, 2025年, 目标 or “十四五”末 →
target; a year-less stock column (毕业班数, 现有班数) → baseline; a caption's year (2015年秋季招生计划)
dates the year-less columns.

>>> cells = parse_flat_table(["指  标", "2020年", "2025年", "属性", "一、发展水平",
...                           "1.学前教育毛入园率(%)", "99%", "99%以上", "约束性"])
>>> [(c.row_label, c.column, c.cell_text, c.attribute) for c in cells]
[('1.学前教育毛入园率(%)', '2020年', '99%', None), ('1.学前教育毛入园率(%)', '2025年', '99%以上', '约束性')]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace

from eduanalysis.config import resource_path
from eduanalysis.extract.clauses import Context, Quantity
from eduanalysis.extract.vocab import CUES as _CUES
from eduanalysis.extract.vocab import MULTIPLIERS, PLAN_NAME_RE, TABLE_ONLY_UNITS, UNITS
from eduanalysis.extract.vocab import alternation as _alternation
from eduanalysis.numbers import five_year_plan_years, to_ascii


def _headings() -> dict[str, str]:
    """Table heading and row words by role, from ``resources/extract/table_headings.csv``."""
    with open(resource_path("extract/table_headings.csv"), encoding="utf-8", newline="") as f:
        return {r["role"]: r["pattern"] for r in csv.DictReader(f)}


_HEADINGS = _headings()
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
STUB_RE = re.compile(_HEADINGS["stub"])
UNIT_COLUMN_RE = re.compile(_HEADINGS["unit_column"])
NUMBER_COLUMN_RE = re.compile(_HEADINGS["number_column"])
NOTE_COLUMN_RE = re.compile(_HEADINGS["note_column"])
COUNT_COLUMN_RE = re.compile(_HEADINGS["count_column"])
CODE_HEADING_RE = re.compile(_HEADINGS["code_heading"])
TOTAL_ROW_RE = re.compile(_HEADINGS["total_row"])
STOCK_COLUMN_RE = re.compile(_HEADINGS["stock_column"])
CAPTION_RE = re.compile(_HEADINGS["caption"])
ROW_SUBJECT_RE = re.compile(_HEADINGS["row_subject"])
LEAD_IN_RE = re.compile(_HEADINGS["lead_in"])
#: A value column's heading: a year, a plan name (“十四五”末), or a column word (目标值, 现状, 基期).
COLUMN_HEAD_RE = re.compile(
    rf"(?=.{{1,16}}$).*(?:(?:19|20)\d{{2}}|十[一二三四五六七八九]五|{_CUES['baseline_column']}|{_CUES['target_column']}"
    r"|基准|基线|现值|末)"
)
#: A measure column's heading naming its unit in brackets: 毕业班数(个), 投资额(万元), 入园率(%).
MEASURE_HEAD_RE = re.compile(r"(?!其中)(?P<name>[^\d()]{1,16}?)\s*\((?P<unit>[^()\d]{1,6})\)")
YEAR_ONLY_RE = re.compile(r"((?:19|20)\d{2})\s*年?")
#: A column heading that is a year (2020年, 2025年目标值), never a value cell.
YEAR_HEAD_RE = re.compile(r"(?:19|20)\d{2}\s*年.*")
YEAR_IN_RE = re.compile(r"((?:19|20)\d{2})\s*年?")
#: The year a caption dates its table to (2015年秋季小学招生计划) or sets as its horizon (到2025年);
#: years inside a cited title do not count.
CAPTION_YEAR_RE = re.compile(r"(?P<lead>到|至)?\s*(?P<year>(?:19|20)\d{2})\s*年")
CITED_RE = re.compile(r"《[^《》]*》|“[^“”]*”")
LABEL_UNIT_RE = re.compile(r"[((]([^()()]+)[))]\s*$")
SUB_ROW_RE = re.compile(r"其中\s*[::]?")
#: Row numbering before a label: 1.学前教育毛入园率, (3)…, 一、…
ROW_NUMBER_RE = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.、.]\s*|^\s*[((]\s*\d+\s*[))]\s*")
#: At most this many lines (signature, date, 附件N, caption) stand before a table's header in its run.
PREAMBLE_MAX = 6
#: A 序号 sequence may skip this many numbers (a row lost in the export) and still be row numbers;
#: a table whose only values are such a run of at least NUMBERING_MIN numbers states no quantity.
ROW_NUMBER_GAP, NUMBERING_MIN = 2, 4
#: A word column's heading is at most this long (建设内容, 建设性质, 建设地点).
TEXT_HEADING_MAX = 6
#: Row labels this short (毛入园率, 在校生) name their indicator only with their section or parent.
SHORT_LABEL = 5
#: A row label's unit split into multiplier and measure word: 万人 -> 万 + 人.
LABEL_UNIT_SPLIT_RE = re.compile(rf"({_alternation(MULTIPLIERS)})?(.+)")
#: The cell separator of a row printed on one line: a tab, or a run of two or more spaces
#: (space-aligned tables; NFKC has folded the ideographic space).
CELL_SEP_RE = re.compile(r"\t| {2,}")
_CMP = {"≥": ">=", ">=": ">=", ">": ">=", "≤": "<=", "<=": "<=", "<": "<=", "不低于": ">=", "不少于": ">=",
        "不小于": ">=", "高于": ">=", "超过": ">=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "低于": "<=",
        "约": "~", "及以上": ">=", "以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}


@dataclass(frozen=True)
class Cell:
    """One value cell of a table."""

    line: int
    section: str
    #: The row as printed; for a 其中 sub-row, its parent row (the sub-row is :attr:`sub_label`).
    row_label: str
    column: str
    column_year: int | None
    cell_text: str
    attribute: str | None
    #: The label giving the unit: the row's own, or for a unit-less 其中 sub-row the row above it.
    unit_label: str = ""
    #: The indicator as the table names it (sub-rows joined to their parent, short labels to their section,
    #: row labels to the measure of their column).
    indicator: str = ""
    #: The latest year any value column of the table names (a table's earlier year columns are baselines).
    latest_year: int | None = None
    #: The cell of a 单位 column, when the table has one.
    unit_cell: str = ""
    #: The unit printed in the column's heading (毕业班数(个) -> 个).
    column_unit: str = ""
    #: The column names a measure (毕业班数(个)) rather than a period (2025年).
    measure_column: bool = False
    #: The 其中 sub-row label, when the cell belongs to a sub-row.
    sub_label: str = ""


@dataclass(frozen=True)
class Column:
    """A value column: its heading as printed, the year it names, the unit it prints."""

    name: str
    year: int | None
    unit: str = ""
    measure: bool = False
    #: A column of words, not values (建设内容, 建设性质): its cells stand beside the row label.
    text: bool = False


@dataclass(frozen=True)
class Table:
    """One table: caption, layout, header lines, value columns and value cells (lines index the input)."""

    caption: str
    layout: str
    header: tuple[str, ...]
    columns: tuple[Column, ...]
    cells: tuple[Cell, ...]


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


def _known_unit(unit: str) -> bool:
    """Whether a bracketed word is a unit: 个, 人, %, 万元 (multiplier + unit), 平方米."""
    m = LABEL_UNIT_SPLIT_RE.fullmatch(unit.strip())
    base = UNITS.get(m.group(2)) if m else None
    return bool(m) and (m.group(2) in TABLE_ONLY_UNITS or (base is not None and base.role == "quantity"))


def measure_column(line: str) -> Column | None:
    """The measure column a heading names with its unit (毕业班数(个), 投资额(万元)), else None.

    >>> measure_column("计划招生人数(人)")
    Column(name='计划招生人数(人)', year=None, unit='人', measure=True, text=False)
    >>> measure_column("名额数")
    Column(name='名额数', year=None, unit='', measure=True, text=False)
    >>> measure_column("1.学前教育毛入园率(%)") is None  # a numbered row label, not a heading
    True
    """
    line = line.strip()
    m = MEASURE_HEAD_RE.fullmatch(line)
    if ROW_NUMBER_RE.match(line) or YEAR_IN_RE.search(line):
        return None
    if m is None:
        return Column(line, None, "", True) if COUNT_COLUMN_RE.fullmatch(line) and line_kind(line) == "T" else None
    if not _known_unit(m.group("unit")):
        return None
    return Column(line, None, m.group("unit").strip(), True)


def _period_period(cols: list[Column]) -> list[Column]:
    """A header printed once per side-by-side column group counts once: [a, b, c, a, b, c] -> [a, b, c]."""
    n = len(cols)
    for p in range(1, n // 2 + 1):
        if n % p == 0 and all(cols[k].name == cols[k % p].name for k in range(n)):
            return cols[:p]
    return cols


def parse_header(lines: list[str]) -> tuple[list[Column], int, bool, bool]:
    """Value columns of a header, the number of lines it spans, and whether it has 单位 / 序号 columns.

    A lone year line joins the column word after it (2020年 / 实现情况 is one column). Measure
    headings (毕业班数(个)) form a header of their own; printed twice (two column groups side by
    side) they count once.

    >>> cols, n, _, _ = parse_header(["指  标", "“十三五”规划目标", "2020年", "实现情况", "学前教育"])
    >>> [(c.name, c.year) for c in cols], n
    ([('“十三五”规划目标', None), ('实现情况', 2020)], 4)
    >>> cols, n, _, _ = parse_header(["毕业班数(个)", "计划招生人数(人)", "毕业班数(个)", "计划招生人数(人)", "实验小学"])
    >>> [(c.name, c.unit) for c in cols], n
    ([('毕业班数(个)', '个'), ('计划招生人数(人)', '人')], 4)
    """
    cols: list[Column] = []
    unit_col = number_col = stub = False
    i = measure_start = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        measure = measure_column(line)
        if STUB_RE.fullmatch(line):
            stub = True
            number_col = number_col or bool(NUMBER_COLUMN_RE.fullmatch(line))
        elif UNIT_COLUMN_RE.fullmatch(line):
            unit_col = True
        elif ATTRIBUTE_COLUMN_RE.fullmatch(line):
            pass
        elif NOTE_COLUMN_RE.fullmatch(line) and (cols or stub):
            pass
        elif measure is not None and all(c.measure or c.text for c in cols):
            measure_start = i if not cols else measure_start
            cols.append(measure)
        elif COLUMN_HEAD_RE.match(line) and line_kind(line) in "TB" and not any(c.measure for c in cols):
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
        elif (cols or stub) and all(c.measure or c.text for c in cols) and (
                _is_text_heading(line, lines[i + 1:])
                or (number_col and any(c.measure for c in cols) and _opens_numbered_rows(line, lines[i + 1:]))):
            cols.append(Column(line, None, text=True))
        else:
            break
        i += 1
    first = i + 1 if number_col and i < len(lines) and lines[i].strip().isdigit() else i  # a row number
    if cols and all(c.measure or c.text for c in cols) and (first >= len(lines) or line_kind(lines[first]) != "T"):
        # values right after unit-bearing lines: those were row labels (萍乡's 毛入园率(%) …), no header
        return [], measure_start, unit_col, number_col
    return _period_period(cols), i, unit_col, number_col


def _is_text_heading(line: str, rest: list[str]) -> bool:
    """A short heading of a word column (建设内容, 建设性质) inside a header of measure columns: a
    measure heading (总投资(万元)) follows it before any row, possibly after further word headings."""
    for nxt in [line, *rest]:
        nxt = nxt.strip()
        if measure_column(nxt):
            return nxt != line
        if not nxt or len(nxt) > TEXT_HEADING_MAX or line_kind(nxt) != "T" or STUB_RE.fullmatch(nxt) \
                or ATTRIBUTE_COLUMN_RE.fullmatch(nxt) or UNIT_COLUMN_RE.fullmatch(nxt):
            return False
    return False


def _opens_numbered_rows(line: str, rest: list[str]) -> bool:
    """A last word heading (实验基地学校名单) after the measure columns: the rows start right after it
    with their 序号 1."""
    nxt = next((x.strip() for x in rest if x.strip()), "")
    return len(line) <= TEXT_HEADING_MAX * 2 and line_kind(line) == "T" and nxt == "1"


def _strip_label(label: str) -> str:
    return ROW_NUMBER_RE.sub("", LABEL_UNIT_RE.sub("", SUB_ROW_RE.sub("", label, count=1))).strip()


def _is_sub_label(label: str) -> bool:
    """A 其中 row, or a short bare label continuing one (其中:小学 / 初中)."""
    return bool(SUB_ROW_RE.match(label))


def _sub_row_indicator(sub: str, parent: str) -> str:
    """A sub-row's indicator: a short sub-row (其中:小学) joined to its parent; a long one (本科及以上学历比例)
    keeps the parent's words up to the subject it is about (幼儿教师…比例 -> 幼儿教师本科及以上学历比例).

    >>> _sub_row_indicator("本科及以上学历比例", "幼儿教师专科及以上学历比例")
    '幼儿教师本科及以上学历比例'
    >>> _sub_row_indicator("中职教育", "在校生")
    '中职教育在校生'
    """
    if len(sub) <= SHORT_LABEL:
        return sub + parent
    subjects = [m for m in ROW_SUBJECT_RE.finditer(parent) if m.group() not in sub]
    return parent[: subjects[-1].end()] + sub if subjects else sub


def _row_indicators(section: str, labels: list[str], parent: str | None) -> tuple[list[str], list[str], list[str]]:
    """Indicator phrase, unit label and parent row of each row: sub-rows lean on their parent, short labels
    on the section. A row that is no sub-row is its own parent."""
    indicators, unit_labels, parents = [], [], []
    current_parent, in_sub = parent, parent is not None
    for label in labels:
        sub = _is_sub_label(label) or (in_sub and len(_strip_label(label)) <= SHORT_LABEL
                                       and not LABEL_UNIT_RE.search(label) and not ROW_NUMBER_RE.match(label))
        clean = _strip_label(label)
        if sub and current_parent is not None:
            in_sub = True
            indicators.append(_sub_row_indicator(clean, _strip_label(current_parent)))
            unit_labels.append(label if LABEL_UNIT_RE.search(label) else current_parent)
            parents.append(current_parent)
            continue
        in_sub = False
        current_parent = label
        indicators.append(section + clean if len(clean) <= SHORT_LABEL else clean)
        unit_labels.append(label)
        parents.append(label)
    return indicators, unit_labels, parents


def _measure_indicator(label: str, column: Column, indicator: str) -> str:
    """In a table whose columns are measures, a row names the entity and the column the measure:
    马路口小学 × 计划招生人数(人) -> 马路口小学计划招生人数; a 合计 row totals the column."""
    measure = MEASURE_HEAD_RE.fullmatch(column.name)
    name = measure.group("name").strip() if measure else column.name
    clean = _strip_label(label)
    if TOTAL_ROW_RE.fullmatch(clean):
        return name + clean
    return (clean if len(clean) > SHORT_LABEL or not indicator else indicator) + name


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


def _cell(line: int, section: str, label: str, col: Column, text: str, attr: str | None, unit_label: str,
          indicator: str, latest: int | None, unit_cell: str, parent: str) -> Cell:
    sub = label if parent != label else ""
    if col.measure:
        indicator = _measure_indicator(label, col, indicator)
    return Cell(line, section, parent, col.name, col.year, text, attr, unit_label, indicator, latest, unit_cell,
                col.unit, col.measure, sub)


def parse_flat_table(lines: list[str]) -> list[Cell]:
    """Cells of a table flattened to one line per cell, column after column or row after row.

    ``lines`` are the table's lines after its title. Returns [] when they do not fit a table.
    """
    lines = [to_ascii(s.strip()) for s in lines]
    columns, start, unit_col, number_col = parse_header(lines)
    note_col = any(NOTE_COLUMN_RE.fullmatch(h.strip()) for h in lines[:start])
    text_cols = sum(1 for c in columns if c.text)
    # word cells printed between a row's label and its values (建设内容 before 总投资(万元)); the others
    # follow the values and so stand before the next row's label
    lead_text = next((k for k, c in enumerate(columns) if not c.text), 0)
    columns = [c for c in columns if not c.text]
    kinds = line_kinds(lines)
    stride = 2 + len(columns) + text_cols  # 序号, label, values, words: every cell printed when words are
    if number_col and text_cols and all(lines[k] == str(m + 1) for m, k in enumerate(range(start, len(lines), stride))):
        for k in range(start, len(lines), stride):
            kinds[k] = "B"  # the rows of a table with word columns are complete: 序号 every `stride` lines
    elif number_col:  # a row number before a label is no value: the next in the 序号 sequence (1, 2, 3 …)
        last = 0
        for k in range(start, len(lines) - 1):
            if kinds[k] == "V" and lines[k].isdigit() and kinds[k + 1] == "T" \
                    and last < int(lines[k]) <= last + ROW_NUMBER_GAP:
                kinds[k], last = "B", int(lines[k])
        numbers = [lines[k] for k in range(start, len(lines)) if kinds[k] == "V"]
        if numbers and numbers == [str(n) for n in range(1, len(numbers) + 1)]:
            return []  # an empty form: its only numbers are the 序号 of blank rows
    if _is_numbering([lines[k] for k in range(start, len(lines)) if kinds[k] == "V"]) and len(columns) <= 1:
        return []  # a list continued without its header: its only numbers run 8, 9, 10 … (the 序号)
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
        per_row = (2 if unit_col else 1) + (lead_text if text_cols else 0)
        if len(t) < n * per_row or (text_cols and n != 1):
            continue  # with word columns each row's cells follow its own label
        labels = [lines[k] for k in t[len(t) - n * per_row: len(t) - n * (per_row - 1)]]
        units = [lines[k] for k in t[len(t) - n:]] if unit_col else [""] * n
        extra = [] if text_cols else [lines[k] for k in t[: len(t) - n * per_row]]
        parent = extra.pop() if extra and _is_sub_label(labels[0]) else None
        if extra and not note_col:  # with a 备注 column, a line between rows is the row's remark
            section = extra[-1]
        indicators, unit_labels, parents = _row_indicators(section, labels, parent)
        attributes: list[str | None] = ATTRIBUTE_RE.findall("".join(lines[k] for k in a))
        if len(attributes) == 1:
            attributes = attributes * n
        elif len(attributes) != n:
            attributes = [None] * n
        for j, col in enumerate(columns):
            for r in range(n):
                k = v[j * n + r]
                attr = attributes[r] if column_role(col.name, col.year, latest, Context())[0] == "target" else None
                cells.append(_cell(k, section, labels[r], col, lines[k], attr, unit_labels[r], indicators[r],
                                   latest, units[r], parents[r]))
    return cells


def split_row(line: str) -> list[str]:
    """The cells of a row printed on one line, split at tabs or runs of spaces; a stub heading spaced
    out inside its cell (指  标) stays one cell.

    >>> split_row("指  标    2020年    2025年    属性")
    ['指  标', '2020年', '2025年', '属性']
    >>> split_row("学前教育毛入园率(%)\\t96\\t\\t预期性")
    ['学前教育毛入园率(%)', '96', '', '预期性']
    """
    parts = [p.strip() for p in CELL_SEP_RE.split(to_ascii(line.strip()))] if "\t" not in line else \
        [p.strip() for p in to_ascii(line).rstrip("\n").split("\t")]
    out: list[str] = []
    for p in parts:
        if out and "\t" not in line and STUB_RE.fullmatch(f"{out[-1]}{p}") and not STUB_RE.fullmatch(out[-1]):
            out[-1] = f"{out[-1]}  {p}"
        else:
            out.append(p)
    return out


def _is_header_row(row: list[str]) -> bool:
    heads = [c for c in row[1:] if c]
    return len(row) > 1 and (bool(STUB_RE.fullmatch(row[0])) or (bool(heads) and all(
        line_kind(c) in "TB" and (COLUMN_HEAD_RE.match(c) or measure_column(c) or ATTRIBUTE_COLUMN_RE.fullmatch(c)
                                   or UNIT_COLUMN_RE.fullmatch(c)) for c in heads)))


def parse_tab_table(lines: list[str]) -> list[Cell]:
    """Cells of a table whose rows are lines of tab-separated or space-aligned cells (header row first;
    one-cell lines are group rows). A row missing its leading cells continues the cells spanning
    down from the row above (a merged label is printed on its first row only)."""
    rows = [split_row(line) for line in lines]
    header_i = next((i for i, r in enumerate(rows) if len(r) > 1), None)
    if header_i is None:
        return []
    header = rows[header_i]
    width = len(header)
    attr_j = next((j for j, h in enumerate(header) if ATTRIBUTE_COLUMN_RE.fullmatch(h)), None)
    unit_j = next((j for j, h in enumerate(header) if UNIT_COLUMN_RE.fullmatch(h)), None)
    value_js = [j for j, h in enumerate(header) if j > 0 and j not in (attr_j, unit_j) and not STUB_RE.fullmatch(h)
                and not NOTE_COLUMN_RE.fullmatch(h)]
    columns = {j: measure_column(header[j]) or Column(
        header[j], int(y.group(1)) if (y := YEAR_IN_RE.search(header[j])) else None) for j in value_js}
    latest = max((c.year for c in columns.values() if c.year), default=None)
    cells, section, parent, previous = [], "", None, header
    for i, r in enumerate(rows[header_i + 1:], start=header_i + 1):
        if len(r) == 1 or not any(r[1:]):
            if r[0]:
                section, parent = r[0], None
            continue
        offset = 1 if len(r) == width + 1 and r[0].isdigit() else 0  # a 序号 cell the header leaves unnamed
        if offset == 0 and len(r) < width and line_kind(r[0]) in "VE":
            r = previous[: width - len(r)] + r  # cells spanning down from the row above
        elif not r[0] and previous:
            r = [previous[0]] + r[1:]
        previous = r
        label = r[offset]
        indicator, unit_label, parents = _row_indicators(section, [label], parent if _is_sub_label(label) else None)
        if not _is_sub_label(label):
            parent = label
        attribute = r[attr_j + offset] if attr_j is not None and attr_j + offset < len(r) else None
        for j in value_js:
            if j + offset >= len(r) or line_kind(r[j + offset]) != "V":
                continue
            col = columns[j]
            role = column_role(col.name, col.year, latest, Context())[0]
            attr = attribute if role == "target" and attribute and ATTRIBUTE_RE.search(attribute) else None
            cells.append(_cell(i, section, label, col, r[j + offset], attr, unit_label[0], indicator[0], latest,
                               r[unit_j + offset] if unit_j is not None and unit_j + offset < len(r) else "",
                               parents[0]))
    return cells


def is_row_layout(lines: list[str]) -> bool:
    """Whether a table prints one row per line (tab-separated, or at least two space-aligned rows)."""
    if any("\t" in line for line in lines):
        return True
    return sum(1 for line in lines if len(split_row(line)) >= 3) >= 2


def _table_starts(lines: list[str]) -> list[int]:
    """Where a new table starts inside a run of table lines: at a caption or a second header after cells."""
    starts, seen_value = [0], False
    for k, line in enumerate(lines):
        cells = split_row(line) if is_row_layout([line, line]) else [line.strip()]
        first = cells[0]
        if any(line_kind(c) in "VE" for c in cells) and not _is_header_row(cells):
            seen_value = True
            continue
        if not seen_value:
            continue
        if CAPTION_RE.search(first) and len(cells) == 1 and line_kind(first) == "T":
            starts.append(k)
            seen_value = False
        elif STUB_RE.fullmatch(first) or (len(cells) > 1 and _is_header_row(cells)):
            starts.append(k - 1 if k - 1 in starts else k)
            starts = sorted(set(starts))
            seen_value = False
    return starts


def read_tables(lines: list[str], caption: str = "") -> list[Table]:
    """The tables in a run of table lines: split at captions and repeated headers, each read with the
    parser of its layout. Cell ``line`` numbers index ``lines``; ``caption`` is the first table's.

    >>> lines = ["指标", "2020年", "2025年", "学前教育毛入园率(%)", "90", "95",
    ...          "表2 重点项目", "项目名称", "投资额(万元)", "新建幼儿园", "1200"]
    >>> [(t.caption, [(c.row_label, c.cell_text, c.column_unit) for c in t.cells]) for t in read_tables(lines, "主要指标")]
    [('主要指标', [('学前教育毛入园率(%)', '90', ''), ('学前教育毛入园率(%)', '95', '')]), ('表2 重点项目', [('新建幼儿园', '1200', '万元')])]
    """
    starts = _table_starts(lines) + [len(lines)]
    tables = []
    for a, b in zip(starts, starts[1:], strict=False):
        chunk = lines[a:b]
        title = caption if a == 0 else ""
        if a > 0 and CAPTION_RE.search(chunk[0].strip()) and line_kind(chunk[0]) == "T" \
                and not STUB_RE.fullmatch(chunk[0].strip()):
            title, chunk, a = chunk[0].strip(), chunk[1:], a + 1
        lead = _preamble(chunk)
        if lead:  # signature, date and 附件 lines before the header; the last may be the table's caption
            own = chunk[lead - 1].strip()
            title = own if CAPTION_RE.search(own) else title
            chunk, a = chunk[lead:], a + lead
        layout = "tab" if is_row_layout(chunk) else "flat"
        cells = parse_tab_table(chunk) if layout == "tab" else parse_flat_table(chunk)
        if CODE_HEADING_RE.search(title) or any(CODE_HEADING_RE.search(c.column + c.section) for c in cells):
            cells = []  # a table of codes (论文代码说明: 北京市 11, 天津市 12 …) states no quantity
        header = tuple(chunk[: parse_header([to_ascii(s.strip()) for s in chunk])[1]]) if layout == "flat" \
            else tuple(split_row(chunk[0])) if chunk else ()
        columns = tuple(dict.fromkeys((c.column, c.column_year, c.column_unit, c.measure_column) for c in cells))
        tables.append(Table(title, "spaced" if layout == "tab" and not any("\t" in s for s in chunk) else layout,
                            header, tuple(Column(*c) for c in columns),
                            tuple(_shift(c, a) for c in cells)))
    return tables


def _is_numbering(values: list[str]) -> bool:
    """Whether a table's value cells are row numbers: at least four integers rising by one (a lost row
    may skip one).

    >>> _is_numbering(["8", "9", "10", "11", "12", "14", "15"]), _is_numbering(["15", "15", "15", "15"])
    (True, False)
    """
    if len(values) < NUMBERING_MIN or not all(v.isdigit() for v in values):
        return False
    ints = [int(v) for v in values]
    return all(0 < b - a <= ROW_NUMBER_GAP for a, b in zip(ints, ints[1:], strict=False))


def _preamble(chunk: list[str]) -> int:
    """How many text lines stand before a table's header (its stub line: 序号, 指标, 项目名称), when the
    run of table lines starts with them (合肥市教育局 / 2017年4月20日 / 附件1 / 参会人员名额分配表 / 序号 …)."""
    for k, line in enumerate(chunk[:PREAMBLE_MAX + 1]):
        if STUB_RE.fullmatch(line.strip()):
            return k
        if line_kind(line) != "T" or is_row_layout([line, line]):
            return 0
    return 0


def _shift(cell: Cell, offset: int) -> Cell:
    return replace(cell, line=cell.line + offset) if offset else cell


def caption_of(title: str, lead_in: str | None) -> str:
    """A table's caption: its section title, else the sentence introducing it when that names a table,
    plan or list (现将2015年秋季小学招生计划下达给你们; 具体项目如下:)."""
    if title.strip():
        return title.strip()
    if lead_in and LEAD_IN_RE.search(lead_in):
        return lead_in.strip()
    return ""


def caption_year(caption: str) -> tuple[int | None, bool]:
    """The year a caption names outside cited titles, and whether it is a horizon (到2025年) rather than
    the table's own date (2015年秋季小学招生计划).

    >>> caption_year("现将2015年秋季小学招生计划下达给你们"), caption_year("到2025年主要指标"), caption_year("主要指标表")
    ((2015, False), (2025, True), (None, False))
    """
    m = CAPTION_YEAR_RE.search(CITED_RE.sub(lambda x: " " * len(x.group()), caption or ""))
    return (int(m.group("year")), bool(m.group("lead"))) if m else (None, False)


def column_role(column: str, year: int | None, latest: int | None, context: Context,
                caption: str = "") -> tuple[str, int | None]:
    """Kind and year of a column: 现状/基期/实现情况 and past years report baselines, the rest are targets.

    A plan name gives the plan's last year (“十四五”末 → 2025; “十三五”规划目标 → 2020). Without the
    document's plan period, a year column earlier than the table's latest year is a baseline. A
    year-less stock column (毕业班数(个), 现有班数) reports the document's date. A caption's own year
    (2015年秋季小学招生计划) dates every year-less column; a caption's horizon (到2025年) dates its targets.

    >>> column_role("毕业班数(个)", None, None, Context(), "2015年秋季小学招生计划")
    ('baseline', 2015)
    >>> column_role("计划招生人数(人)", None, None, Context(), "2015年秋季小学招生计划")
    ('target', 2015)
    """
    plan = PLAN_NAME_RE.search(column)
    plan_years = five_year_plan_years(plan.group()) if plan else None
    year = year or (plan_years[1] if plan_years else None)
    says_target = bool(TARGET_COLUMN_RE.search(column))
    dated, horizon = caption_year(caption)
    table_date = None if horizon else dated
    stock = bool(MEASURE_HEAD_RE.fullmatch(column)) and bool(STOCK_COLUMN_RE.search(column))
    if (BASELINE_COLUMN_RE.search(column) or stock) and not says_target:
        if year:
            return "baseline", year
        if table_date:
            return "baseline", table_date
        if context.plan_start_year and not context.annual:
            return "baseline", context.plan_start_year - 1
        return "baseline", context.doc_year or (context.plan_end_year if context.annual else None)
    if year and not says_target:
        if context.plan_start_year and year < context.plan_start_year:
            return "baseline", year
        if not context.plan_start_year and latest and year < latest:
            return "baseline", year
    return "target", year or dated or context.plan_end_year


def table_quantity(cell: Cell, title: str, context: Context) -> Quantity | None:
    """The quantity of one table cell, with kind and year from its column (None for cells without a number).

    The unit is the one printed nearest the number's meaning: the row label's (毛入园率(%)), the 单位
    cell, the column heading's (投资额(万元)), else the cell's own (99%).
    """
    m = VALUE_CELL_RE.fullmatch(to_ascii(cell.cell_text.strip()))
    if not m:
        return None
    value = float(m.group("num"))
    value_max = float(m.group("max")) if m.group("max") else None
    if value_max is not None and value_max <= value:
        return None  # not a range (a date or a code)
    unit_m = LABEL_UNIT_RE.search(cell.unit_label or cell.row_label)
    cell_unit = (m.group("mult") or "") + (m.group("unit") or "")
    row_unit = unit_m.group(1) if unit_m and _known_unit(unit_m.group(1)) else None
    unit_written = row_unit or cell.unit_cell or cell.column_unit or cell_unit or None
    unit_text, unit, mult = unit_written, None, 1.0
    if unit_written:
        mm = LABEL_UNIT_SPLIT_RE.fullmatch(unit_written)
        base = UNITS.get(mm.group(2))
        unit = TABLE_ONLY_UNITS.get(mm.group(2)) or (base.unit if base and base.role != "not_quantity" else None)
        mult = MULTIPLIERS[mm.group(1)].multiplier if mm.group(1) else 1.0
    kind, year = column_role(cell.column, cell.column_year, cell.latest_year, context, title)
    label = cell.indicator or _strip_label(cell.sub_label or cell.row_label)
    if not cell.indicator and len(label) <= SHORT_LABEL and not cell.sub_label:
        label = cell.section + label
    if value_max is not None:
        comparator = "range"
    else:
        comparator = _CMP.get(m.group("sfx") or "", _CMP.get(m.group("cmp") or "", "="))
    parts = [title, cell.section, cell.row_label, cell.column, cell.cell_text]
    parts += [cell.sub_label] if cell.sub_label else []
    parts += [cell.attribute] if cell.attribute else []
    return Quantity(
        start=0, end=len(cell.cell_text), value_text=m.group("num"), value=value, value_max=value_max,
        unit_text=unit_text, unit=unit, value_norm=value * mult,
        comparator=comparator, hedged=False, kind=kind, year=year,
        indicator_text=label, attribute=cell.attribute, sentence="[表]" + "|".join(parts),
        phrase=label if label.startswith(cell.section) else f"{cell.section}{label}",
    )
