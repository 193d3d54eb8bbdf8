"""Report parameters made safe: a YAML loader without aliases, and checks of every knob before any kernel starts.

- :func:`safe_yaml` reads at most ``max_params_bytes`` and refuses anchors and
  aliases (a few hundred bytes of nested aliases expand to gigabytes), and
  every tag beyond plain YAML (``!!python/…``);
- :func:`check_knob` checks a notebook knob against its rule in
  ``resources/report/knobs.csv`` (type, list element types, range, choices,
  whether ``null`` is allowed, file names that must stay inside their folder),
  or, for a knob without a rule, against the type of its default;
- :func:`check_formats` checks the figure formats of a run (``formats: [png]`` for a draft);
- :func:`check_regions` turns a region that is not in the corpus into an
  input error with "did you mean", before any notebook runs;
- :func:`show` keeps error messages short whatever the value.
"""

from __future__ import annotations

import difflib
import functools
import math
from dataclasses import dataclass
from pathlib import Path

from eduanalysis import config, resources
from eduanalysis.errors import EduAnalysisError

#: The formats a figure can be written in, in the order they are written (``formats`` chooses among them).
FIGURE_FORMATS = ("png", "svg", "pdf")
#: The one format every run writes: the notebooks' pages and the gallery show it.
REQUIRED_FORMAT = "png"

#: The knob rules: one row per knob name, for every notebook that takes it.
KNOBS_FILE = "report/knobs.csv"
KNOB_TYPES = ("int", "float", "str", "bool", "name", "int_pair")


def show(value, width: int = 80) -> str:
    """``repr(value)`` cut to ``width`` characters (a value from a parameters file may be huge).

    >>> show("x" * 200)[:5], len(show("x" * 200))
    ("'xxxx", 81)
    """
    text = repr(value) if not isinstance(value, list | dict) or len(value) < 50 else \
        f"<{type(value).__name__} of {len(value)} items>"
    return text if len(text) <= width else text[:width] + "…"


def safe_yaml(path: str | Path):
    """The YAML document in ``path``; refuses anchors/aliases, non-standard tags and files over ``max_params_bytes``."""
    import yaml

    path = Path(path)
    limit = config.limit("max_params_bytes")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise EduAnalysisError(f"cannot read parameters file {path}: {exc.strerror}") from exc
    if len(data) > limit:
        raise EduAnalysisError(f"parameters file {path} is larger than {limit:,} bytes (max_params_bytes); a "
                               "parameters file is a few lines")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EduAnalysisError(f"parameters file {path} is not UTF-8 text; save it as UTF-8") from exc

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise EduAnalysisError(f"parameters file {path}, line {mark.line + 1}: YAML anchors and aliases "
                                       "(&name, *name) are not accepted; write each value out")
            return super().compose_node(parent, index)

    try:
        return yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise EduAnalysisError(f"parameters file {path} is not valid YAML: {str(exc)[:300]}") from exc


@dataclass(frozen=True)
class KnobRule:
    knob: str
    type: str
    min: float | None
    max: float | None
    choices: tuple[str, ...]
    nullable: bool
    note: str


@functools.lru_cache(maxsize=1)
def knob_rules() -> dict[str, KnobRule]:
    """The rules of ``resources/report/knobs.csv`` by knob name (validated on load)."""
    path = resources.path_of(KNOBS_FILE)
    rules = {}
    for lineno, row in enumerate(resources.table(KNOBS_FILE), start=2):
        if row["type"] not in KNOB_TYPES:
            raise EduAnalysisError(f"{path}, line {lineno}: type {row['type']!r} is not one of {KNOB_TYPES}")
        rules[row["knob"]] = KnobRule(
            row["knob"], row["type"], float(row["min"]) if row["min"] else None,
            float(row["max"]) if row["max"] else None,
            tuple(c for c in row["choices"].split("|") if c), row["nullable"] == "yes", row["note"])
    return rules


def check_file_name(value, where: str) -> None:
    """A name that becomes a file inside a folder: no folder parts, no ``..``, no leading dot, not empty.

    >>> check_file_name("40_target_matrix", "table_name")
    >>> check_file_name("../../x", "table_name")
    Traceback (most recent call last):
    ...
    eduanalysis.errors.EduAnalysisError: table_name = '../../x' must be a plain file name (letters, digits, - _ and Chinese characters; no folder, no '..', no leading dot)
    """
    ok = (isinstance(value, str) and value and len(value) <= 120 and not value.startswith(".")
          and not any(ch in value for ch in "/\\:\0*?\"<>|") and value.isprintable())
    if not ok:
        raise EduAnalysisError(f"{where} = {show(value)} must be a plain file name (letters, digits, - _ and Chinese "
                               "characters; no folder, no '..', no leading dot)")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool)) and math.isfinite(v)


def check_knob(notebook: str, knob: str, value, default_source: str | None) -> None:
    """Refuse ``value`` for ``knob`` of ``notebook`` unless it fits the knob's rule (or its default's type)."""
    where = f"notebooks.{notebook}.{knob}"
    rule = knob_rules().get(knob)
    if rule is None:
        _check_like_default(where, value, default_source)
        return
    if value is None:
        if rule.nullable:
            return
        raise EduAnalysisError(f"{where} may not be null; give {_describe(rule)}")
    good = {"int": _is_int, "float": _is_number, "str": lambda v: isinstance(v, str), "name": lambda v: True,
            "bool": lambda v: isinstance(v, bool),
            "int_pair": lambda v: isinstance(v, list) and len(v) == 2 and all(_is_int(x) for x in v)}[rule.type]
    if not good(value):
        raise EduAnalysisError(f"{where} = {show(value)} must be {_describe(rule)}")
    if rule.type == "name":
        check_file_name(value, where)
    numbers = value if rule.type == "int_pair" else [value] if rule.type in ("int", "float") else []
    for v in numbers:
        if (rule.min is not None and v < rule.min) or (rule.max is not None and v > rule.max):
            raise EduAnalysisError(f"{where} = {show(value)} is out of range: give {_describe(rule)}")
    if rule.type == "int_pair" and value[0] > value[1]:
        raise EduAnalysisError(f"{where} = {show(value)}: the first number must not exceed the second")
    if rule.choices and value not in rule.choices:
        close = difflib.get_close_matches(str(value), rule.choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise EduAnalysisError(f"{where} = {show(value)} must be one of {', '.join(rule.choices)}{hint}")


def _describe(rule: KnobRule) -> str:
    kind = {"int": "a whole number", "float": "a number", "str": "a string", "bool": "true or false",
            "name": "a plain file name", "int_pair": "a list of two whole numbers"}[rule.type]
    if rule.min is not None and rule.max is not None:
        kind += f" from {rule.min:g} to {rule.max:g}"
    elif rule.min is not None:
        kind += f" of at least {rule.min:g}"
    if rule.nullable:
        kind += ", or null"
    return f"{kind} ({rule.note})" if rule.note else kind


def _check_like_default(where: str, value, default_source: str | None) -> None:
    """A knob without a rule: its value must have its default's type, element types included, and no null."""
    import ast

    try:
        default = ast.literal_eval(default_source) if default_source is not None else None
    except (ValueError, SyntaxError):
        default = None
    if default is None:  # nothing to compare with: accept plain scalars only
        if value is not None and not isinstance(value, bool | int | float | str):
            raise EduAnalysisError(f"{where} = {show(value)}: give a single value (a number, a string or true/false)")
        return
    if not _same_shape(value, default):
        raise EduAnalysisError(f"{where} = {show(value)} does not match the notebook's default {show(default)} "
                               f"({type(default).__name__})")
    if _is_int(value) and value < 0:
        raise EduAnalysisError(f"{where} = {value}: give a number of at least 0")
    if isinstance(value, str) and where.endswith(("_name", "_file")):
        check_file_name(value, where)


def _same_shape(value, default) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if _is_number(default) and isinstance(value, int | float):
        return _is_int(value) or isinstance(default, float)
    if isinstance(default, list | tuple):
        if not isinstance(value, list):
            return False
        return all(any(_same_shape(x, d) for d in default) for x in value) if default else True
    if isinstance(default, dict):
        return isinstance(value, dict)
    return type(value) is type(default)


def check_formats(formats, source: str = "parameters") -> tuple[str, ...]:
    """``formats`` checked (a non-empty list of :data:`FIGURE_FORMATS` holding png), in writing order.

    >>> check_formats(["pdf", "png"])
    ('png', 'pdf')
    >>> check_formats(["svg"])
    Traceback (most recent call last):
    ...
    eduanalysis.errors.EduAnalysisError: parameters: formats must include 'png' (the notebooks' pages and the report's gallery show the PNG); e.g. formats: [png] for a draft run, [png, svg, pdf] for the paper
    """
    if not isinstance(formats, list | tuple) or not formats or not all(isinstance(f, str) for f in formats):
        raise EduAnalysisError(f"{source}: formats must be a list of figure formats out of "
                               f"{', '.join(FIGURE_FORMATS)}, got {show(formats)}; e.g. formats: [png]")
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        close = difflib.get_close_matches(unknown[0].lower(), FIGURE_FORMATS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise EduAnalysisError(f"{source}: formats {show(unknown)} are not figure formats{hint}; "
                               f"choose among {', '.join(FIGURE_FORMATS)}")
    if len(set(formats)) < len(formats):
        raise EduAnalysisError(f"{source}: formats {show(list(formats))} names a format twice; name each once")
    if REQUIRED_FORMAT not in formats:
        raise EduAnalysisError(f"{source}: formats must include {REQUIRED_FORMAT!r} (the notebooks' pages and the "
                               "report's gallery show the PNG); e.g. formats: [png] for a draft run, "
                               "[png, svg, pdf] for the paper")
    return tuple(f for f in FIGURE_FORMATS if f in formats)


def check_regions(documents, regions, source: str = "parameters") -> None:
    """Every region named in ``regions`` must be in the corpus (Chinese name, or English in any case).

    Raises :class:`EduAnalysisError` with "did you mean" suggestions; ``"all"`` passes.
    """
    if regions == "all":
        return
    zh = sorted({str(z) for z in documents["region_zh"].dropna()})
    en = sorted({str(e) for e in documents["region_en"].dropna()}) if "region_en" in documents else []
    known = set(zh) | {e.lower() for e in en}
    unknown = [r for r in regions if r not in known and str(r).lower() not in known]
    if not unknown:
        return
    parts = []
    for r in unknown:
        close = difflib.get_close_matches(r, zh + en, n=2, cutoff=0.5)
        parts.append(f"{r!r}" + (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""))
    listed = ", ".join(zh[:30]) + (" …" if len(zh) > 30 else "")
    raise EduAnalysisError(f"{source}: regions {', '.join(parts)} are not in the corpus; its regions: {listed}")
