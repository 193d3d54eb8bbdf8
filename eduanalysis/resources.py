"""The one loader of every resource file: word lists, vocabularies, patterns and registries.

Rules that are word lists or patterns are data under ``eduanalysis/resources/<stage>/``
(the stage that reads them: ``read``, ``extract``, ``analyse``, ``testing``). Each file is
declared once in :data:`CATALOGUE` with the columns it must have, the column whose
values must be unique and the columns that hold regular expressions; :func:`table`
and :func:`words` read a file once per process, check it against its declaration and
fail with an error naming the file, the line and the fix — never a ``KeyError`` at
import. A user's own file (a theme taxonomy, stopwords …) given in the report's
parameters is checked against the same declaration with ``path=``.

>>> rows = table("extract/units.csv")
>>> rows[0]["written"], rows[0]["unit"]
('%', 'percent')
>>> "习近平" in words("analyse/stopwords.txt")
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from eduanalysis.config import RESOURCES_DIR
from eduanalysis.errors import EduAnalysisError


@dataclass(frozen=True)
class Spec:
    """What a resource file must look like.

    ``kind`` is ``"csv"`` (a header row, then one row per entry) or ``"words"`` (one
    entry a line, ``#`` starts a comment; the first whitespace-separated field is the
    word, the rest — jieba's frequency and tag — is kept in ``fields``).
    """

    kind: str
    columns: tuple[str, ...] = ()
    #: Declared columns a file may leave out (a user's registry without synonyms): read as empty.
    optional: tuple[str, ...] = ()
    key: str | None = None
    regex: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    #: How to mend the packaged file (a generated file says how to regenerate it).
    fix: str = "fix the row"


#: Every resource file the package reads, by path under ``resources/``. A file that is not
#: declared here fails :func:`check_all` (and so the tests): each rule's home is known.
CATALOGUE: dict[str, Spec] = {
    "read/doc_types.csv": Spec(
        "csv", ("type_zh", "type_en", "annual", "note"), key="type_zh", required=("type_zh", "type_en", "note"),
        allowed={"annual": ("yes", "no", "")},
        note="document types recognised in titles; annual types date every commitment to their year"),
    "read/layout_parts.csv": Spec(
        "csv", ("part", "kind", "pattern", "note"), regex=("pattern",), required=("part", "kind", "pattern", "note"),
        note="line recognisers of document parts: export headers, letterheads, 文号, addressees, signatures …"),
    "read/metadata_labels.csv": Spec(
        "csv", ("field", "label", "note"), key="label", required=("label", "note"),
        note="labels of metadata lines (发文字号, 发布日期, 索引号 …) and the field each fills (empty: a label to drop)"),
    "read/organ_suffixes.csv": Spec(
        "csv", ("suffix", "note"), key="suffix", required=("suffix", "note"),
        note="what an issuing body's name ends in (人民政府办公厅, 教育局): a line of its own is a signature"),
    "read/horizon_cues.csv": Spec(
        "csv", ("cue", "role", "note"), required=("cue", "role", "note"),
        allowed={"role": ("annual", "goal_verb", "vision")},
        note="words that make a year in a title or heading a plan horizon, an annual year or a vision"),
    "read/admin_levels.csv": Spec(
        "csv", ("match", "kind", "admin_level", "note"), required=("match", "kind", "admin_level", "note"),
        allowed={"kind": ("suffix", "issuer"),
                 "admin_level": ("national", "province", "prefecture", "county")},
        note="admin level of a place name the gazetteer does not know, from its suffix"),
    "extract/comparators.csv": Spec(
        "csv", ("cue", "comparator", "position", "note"), required=("cue", "comparator", "position"),
        allowed={"position": ("prefix", "suffix", "infix", "adjacent")},
        note="words that turn a number into a bound (不低于 -> >=, 以内 -> <=)"),
    "extract/exclusions.csv": Spec(
        "csv", ("pattern", "reason"), regex=("pattern",), required=("pattern", "reason"),
        note="numbers that are never quantities (第二批, 十九届)"),
    "extract/kind_cues.csv": Spec(
        "csv", ("pattern", "role", "note"), key="role", regex=("pattern",), required=("pattern", "role"),
        note="patterns that decide a quantity's kind (standard, baseline, recurring …)"),
    "extract/units.csv": Spec(
        "csv", ("written", "unit_text", "unit", "role", "multiplier", "not_before", "note"), key="written",
        required=("written", "role"), allowed={"role": ("quantity", "multiplier", "not_quantity", "after_frequency")},
        note="units as written and their normalised names; 万/亿 multipliers"),
    "extract/periods.csv": Spec(
        "csv", ("name", "start_year", "end_year", "note"), key="name", required=("name", "start_year", "end_year"),
        note="named plan periods (十一五 … 十五五) and their years"),
    "extract/time_cues.csv": Spec(
        "csv", ("pattern", "role", "note"), key="role", regex=("pattern",), required=("pattern", "role", "note"),
        note="patterns of the temporal frame: annual documents, status and review words, stage blocks"),
    "extract/unit_aliases.csv": Spec(
        "csv", ("alias", "unit_name"), key="alias", required=("alias", "unit_name"),
        note="responsible-unit aliases (各县区政府 = 各区县政府)"),
    "extract/indicators.csv": Spec(
        "csv", ("indicator_id", "name_zh", "name_en", "stage", "expected_unit", "family", "patterns", "synonyms"),
        key="indicator_id", optional=("stage", "expected_unit", "family", "synonyms"),
        regex=("patterns",), required=("indicator_id", "name_zh", "name_en", "patterns"),
        note="the canonical indicator registry"),
    "extract/indicator_families.csv": Spec(
        "csv", ("family", "name_zh", "name_en", "note"), key="family", required=("family", "name_zh", "name_en"),
        note="families the registry's indicators belong to (designated schools, staffing ratios, places …)"),
    "extract/table_headings.csv": Spec(
        "csv", ("pattern", "role", "note"), key="role", regex=("pattern",), required=("pattern", "role", "note"),
        note="table heading words by role: stub, unit, baseline and target columns, sub-rows, totals"),
    "extract/citations.csv": Spec(
        "csv", ("kind", "value", "note"), required=("kind", "value", "note"),
        note="how citations are written: 文号 brackets, 转发/印发 verbs, title marks"),
    "analyse/levels.csv": Spec(
        "csv", ("field", "pattern", "level", "note"), regex=("pattern",), required=("field", "pattern", "level", "note"),
        note="admin level of a document from its title or issuer where the documents table has none"),
    "analyse/themes.csv": Spec(
        "csv", ("theme_id", "name_zh", "name_en", "keywords"), key="theme_id",
        required=("theme_id", "name_zh", "name_en", "keywords"), note="the theme taxonomy"),
    "analyse/stopwords.txt": Spec("words", note="tokens dropped before similarity, keyness and clustering"),
    "analyse/userdict.txt": Spec("words", note="jieba user dictionary: policy terms kept as one token"),
    "read/divisions.csv": Spec(
        "csv", ("division_id", "adcode", "name_zh", "short_zh", "aliases_zh", "level", "parent_id", "name_en",
                "name_en_source", "status", "source", "note"), key="division_id",
        required=("division_id", "name_zh", "short_zh", "level", "name_en"),
        allowed={"level": ("province", "prefecture", "county"), "status": ("current", "former")},
        note="the gazetteer: China's provinces, prefectures and counties (generated; see divisions.md)",
        fix="regenerate it with `python tools/make_divisions.py`"),
    "read/national_bodies.csv": Spec(
        "csv", ("prefix_zh", "note"), key="prefix_zh", required=("prefix_zh",),
        note="issuers that are national bodies (国务院, 教育部)"),
    "read/place_readings.csv": Spec(
        "csv", ("zh", "pinyin", "note"), key="zh", required=("zh", "pinyin"),
        note="readings of place-name characters where pypinyin's default is wrong (长治 Changzhi)"),
    "report/unit_names.csv": Spec(
        "csv", ("unit", "name_zh", "name_en", "note"), key="unit", required=("unit", "name_zh", "name_en"),
        note="units named in a figure's language (percent -> % , 万元 …)"),
    "report/knobs.csv": Spec(
        "csv", ("knob", "type", "min", "max", "choices", "nullable", "note"), key="knob",
        required=("knob", "type", "nullable", "note"), allowed={"nullable": ("yes", "no")},
        note="every notebook parameter's type, range and choices, checked before any kernel starts"),
    "testing/synth_regions.csv": Spec(
        "csv", ("province_zh", "region_zh"), key="region_zh", required=("province_zh", "region_zh"),
        note="regions the synthetic corpus assigns documents to"),
}


@dataclass(frozen=True)
class Word:
    """One entry of a word list: the word and the rest of its line (jieba's frequency and tag)."""

    word: str
    fields: tuple[str, ...] = ()
    line: int = 0


def path_of(name: str) -> Path:
    """The packaged file of resource ``name`` (``"extract/units.csv"``)."""
    return RESOURCES_DIR / name


def spec_of(name: str) -> Spec:
    """The declaration of resource ``name``; an error naming the catalogue when it has none."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise EduAnalysisError(f"resource {name!r} is not declared in eduanalysis.resources.CATALOGUE; "
                               f"declare its columns there (known: {', '.join(sorted(CATALOGUE))})") from None


def table(name: str, path: str | Path | None = None) -> tuple[dict[str, str], ...]:
    """The rows of CSV resource ``name`` (or of a user's file at ``path`` with the same declaration), checked.

    Each row is a ``dict`` of the declared columns (extra columns are kept too), read once per
    process and shared: callers must not modify them.
    """
    return _table(name, str(path) if path is not None else None)


def frame(name: str, path: str | Path | None = None):
    """:func:`table` as a pandas DataFrame of strings, for modules that select rows by column."""
    import pandas as pd

    return pd.DataFrame(list(table(name, path)), columns=list(spec_of(name).columns), dtype=str)


def words(name: str, path: str | Path | None = None) -> tuple[str, ...]:
    """The words of word-list resource ``name`` (or of a user's file at ``path``), in file order."""
    return tuple(w.word for w in entries(name, path))


def entries(name: str, path: str | Path | None = None) -> tuple[Word, ...]:
    """The entries of word-list resource ``name`` with the rest of each line (jieba frequency and tag)."""
    return _entries(name, str(path) if path is not None else None)


def reload() -> None:
    """Forget every file read so far: the next call reads it again (for tests and long sessions)."""
    _table.cache_clear()
    _entries.cache_clear()


def check_all() -> list[str]:
    """Load and check every declared resource; return the files under ``resources/`` nobody declared."""
    for name, spec in CATALOGUE.items():
        (table if spec.kind == "csv" else entries)(name)
    present = {p.relative_to(RESOURCES_DIR).as_posix() for p in RESOURCES_DIR.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".csv", ".txt")}
    return sorted(present - set(CATALOGUE))


def _open(name: str, path: str | None) -> tuple[Path, str]:
    file = Path(path) if path is not None else path_of(name)
    try:
        return file, file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        generated = CATALOGUE[name].fix if CATALOGUE[name].fix != Spec.fix else "reinstall eduanalysis (pip install -e .)"
        fix = generated if path is None else "check the path in your parameters"
        raise EduAnalysisError(f"resource file {file} is missing; {fix}") from None
    except UnicodeDecodeError as exc:
        raise EduAnalysisError(f"resource file {file} is not UTF-8 ({exc.reason} at byte {exc.start}); "
                               "re-save it as UTF-8") from None


@cache
def _table(name: str, path: str | None) -> tuple[dict[str, str], ...]:
    spec = spec_of(name)
    if spec.kind != "csv":
        raise EduAnalysisError(f"resource {name!r} is a word list; read it with resources.words()")
    file, text = _open(name, path)
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in spec.columns if c not in (reader.fieldnames or []) and c not in spec.optional]
    if missing:
        raise EduAnalysisError(f"{file}: missing columns {missing}; {name} needs {list(spec.columns)} ({spec.fix})")
    rows, seen = [], {}
    for lineno, row in enumerate(reader, start=2):
        if None in row:
            raise EduAnalysisError(f"{file}, line {lineno}: more cells than columns; quote a cell that holds a comma")
        row = {**dict.fromkeys(spec.optional, ""), **{k: (v or "").strip() for k, v in row.items()}}
        for col in spec.required:
            if not row[col]:
                raise EduAnalysisError(f"{file}, line {lineno}: empty {col!r}; every row needs one")
        for col, values in spec.allowed.items():
            if row[col] not in values:
                raise EduAnalysisError(f"{file}, line {lineno}: {col} {row[col]!r} is not one of {list(values)}")
        for col in spec.regex:
            try:
                re.compile(row[col])
            except re.error as exc:
                raise EduAnalysisError(f"{file}, line {lineno}: invalid pattern in {col!r}: {exc}") from None
        if spec.key:
            if row[spec.key] in seen:
                raise EduAnalysisError(f"{file}, line {lineno}: duplicate {spec.key} {row[spec.key]!r} "
                                       f"(first on line {seen[row[spec.key]]}); keys must be unique")
            seen[row[spec.key]] = lineno
        rows.append(row)
    return tuple(rows)


@cache
def _entries(name: str, path: str | None) -> tuple[Word, ...]:
    spec = spec_of(name)
    if spec.kind != "words":
        raise EduAnalysisError(f"resource {name!r} is a table; read it with resources.table()")
    _, text = _open(name, path)
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            word, *rest = line.split()
            out.append(Word(word, tuple(rest), lineno))
    return tuple(out)
