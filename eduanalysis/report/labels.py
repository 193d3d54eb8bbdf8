"""Labels for figures and tables: names in the report's language, document labels, wrapping by display width.

``lang`` is ``"zh"``, ``"en"`` or ``"both"`` everywhere; English falls back to Chinese where a
name has no English form. Nothing here draws or registers a font, so tables can be labelled
without matplotlib.
"""

from __future__ import annotations

import textwrap
import unicodedata

import numpy as np
import pandas as pd

from eduanalysis.analyse.selection import issue_year
from eduanalysis.errors import EduAnalysisError

LANGS = ("zh", "en", "both")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise EduAnalysisError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def pick(zh, en, lang: str, sep: str = " ") -> str:
    """The label in ``lang``; English falls back to Chinese when missing.

    >>> pick("盘锦市", "Panjin", "both")
    '盘锦市 Panjin'
    >>> pick("盘锦市", None, "en")
    '盘锦市'
    """
    zh = "" if zh is None or (isinstance(zh, float) and np.isnan(zh)) or zh is pd.NA else str(zh)
    en = "" if en is None or (isinstance(en, float) and np.isnan(en)) or en is pd.NA else str(en)
    if lang == "zh":
        return zh or en
    if lang == "en":
        return en or zh
    return sep.join(s for s in (zh, en) if s)


def display_width(text: str) -> int:
    """Width in half-width cells (CJK characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int = 24) -> str:
    """Wrap a label to ``width`` half-width cells: words for Latin text, characters for CJK.

    >>> wrap("Governance, inspection and rule of law", 20)
    'Governance,\\ninspection and rule\\nof law'
    >>> wrap("教育治理、督导与法治", 10)
    '教育治理、\\n督导与法治'
    """
    if display_width(text) <= width:
        return text
    if display_width(text) == len(text):
        return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))
    lines, line = [], ""
    for token in _cjk_tokens(text):
        if line and display_width(line + token) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


def _cjk_tokens(text: str) -> list[str]:
    """Split into CJK characters (punctuation kept with the preceding one) and Latin words."""
    tokens: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if tokens and (unicodedata.category(ch).startswith("P") or (not wide and ch != " " and
                                                                     not _is_wide(tokens[-1][-1]))):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def doc_labels(documents: pd.DataFrame, lang: str = "zh") -> pd.Series:
    """A short label per document, unique within ``documents``, indexed by ``doc_id``.

    A region with one document is labelled by the region alone; otherwise region, issue (or plan)
    year and document type; where that still repeats (two notices of one city in one year) the
    document number (文号) is added, and failing that a counter ``(1)``, ``(2)`` in ``doc_id``
    order, so no two rows or ticks of a figure carry the same label.

    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "region_zh": ["合肥市"] * 3, "region_en": ["Hefei"] * 3,
    ...                   "doc_type_zh": ["通知"] * 3, "doc_type_en": ["notice"] * 3,
    ...                   "published_date": ["2019-01-01"] * 3, "written_date": None, "plan_start_year": None,
    ...                   "doc_number": ["合政办〔2019〕3号", None, None]})
    >>> doc_labels(d, "zh").tolist()
    ['合肥市 2019 通知 合政办〔2019〕3号', '合肥市 2019 通知 (1)', '合肥市 2019 通知 (2)']
    >>> doc_labels(d, "en").tolist()[1]
    'Hefei 2019 notice (1)'
    """
    check_lang(lang)
    years = issue_year(documents)
    per_region = documents.groupby("region_zh", dropna=False)["doc_id"].transform("count")
    base = {}
    none = [None] * len(documents)
    columns = [documents[c].tolist() if c in documents else none
               for c in ("doc_id", "region_zh", "region_en", "doc_type_zh", "doc_type_en")]
    for doc_id, region_zh, region_en, type_zh, type_en, n in zip(*columns, per_region, strict=True):
        label = pick(region_zh, region_en, lang)
        if n > 1:
            kind = pick(type_zh, type_en, lang)
            year = years.get(doc_id)
            label = f"{label} {'' if pd.isna(year) else year} {kind}".strip()
        base[doc_id] = " ".join(label.split())
    # Plain dicts: item by item, a Series took a second for 10,000 documents of few regions.
    numbers = dict(zip(documents["doc_id"], documents["doc_number"], strict=True)) if "doc_number" in documents else {}
    for numbered in (True, False):  # first the 文号, then a counter for what still repeats
        shared: dict[str, list] = {}
        for doc_id, label in base.items():
            shared.setdefault(label, []).append(doc_id)
        repeated = [(label, sorted(ids)) for label, ids in shared.items() if len(ids) > 1]
        if not repeated:
            break
        for label, ids in repeated:
            for k, i in enumerate(ids, start=1):
                no = numbers.get(i)
                if not numbered:
                    base[i] = f"{label} ({k})"
                elif isinstance(no, str) and no.strip():
                    base[i] = f"{label} {no.strip()}"
    return pd.Series(base, name="label", dtype=object)


def doc_label_column(documents: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """``documents`` with its :func:`doc_labels` as a first column ``label``, for tables shown to readers."""
    return documents.assign(label=documents["doc_id"].map(doc_labels(documents, lang)))[
        ["label", *[c for c in documents.columns if c != "label"]]]


def with_doc_labels(table: pd.DataFrame, names: pd.Series | dict) -> pd.DataFrame:
    """``table`` with each document column (``doc_id``, ``doc_a``, ``doc_b``) replaced by its label.

    For tables shown to readers: ``doc_a`` becomes ``label_a`` (first), and so on.

    >>> with_doc_labels(pd.DataFrame({"doc_a": ["x"], "doc_b": ["y"], "s": [1]}), {"x": "甲市", "y": "乙市"})
      label_a label_b  s
    0      甲市      乙市  1
    """
    names = dict(names)
    cols = {"doc_id": "label", "doc_a": "label_a", "doc_b": "label_b"}
    out = table.copy()
    for old in cols:
        if old in out:
            out[old] = out[old].map(lambda d: names.get(d, d))
    out = out.rename(columns={k: v for k, v in cols.items() if k in out})
    out.columns.name = None
    return out


def theme_labels(tax: pd.DataFrame, lang: str = "zh") -> pd.Series:
    """Theme names in ``lang`` indexed by ``theme_id``."""
    return pd.Series({r.theme_id: pick(r.name_zh, r.name_en, lang, sep=" / ") for r in tax.itertuples()})


def bilingual(zh: str, en: str, lang: str) -> str:
    """A fixed caption in ``lang`` ("both" joins them with a slash)."""
    return pick(zh, en, lang, sep=" / ")


def level_names(documents: pd.DataFrame, level: str, lang: str = "zh") -> dict[str, str]:
    """Display names of the groups of ``level``: document labels, region or province names."""
    if level == "doc_id":
        return doc_labels(documents, lang).to_dict()
    en = level.replace("_zh", "_en")
    return {z: pick(z, e, lang) for z, e in zip(documents[level], documents[en], strict=True)}


def level_caption(level: str, lang: str = "zh") -> str | None:
    """A figure title saying what one row stands for when it is not a document (None for documents)."""
    return {
        "region_zh": bilingual("按地区汇总（文档过多，无法逐一标注）", "By region (too many documents to label)", lang),
        "province_zh": bilingual("按省份与行政级别汇总（文档与地区过多，无法逐一标注；省级与地市级文件分列）",
                                 "By province and admin level (too many documents and regions to label; "
                                 "a province's own and its cities' documents are kept apart)", lang),
    }.get(level)


def region_names(documents: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """Display name of each region (keyed by ``region_zh``) in ``lang``."""
    return {z: pick(z, e, lang) for z, e in zip(documents["region_zh"], documents["region_en"], strict=True)}
