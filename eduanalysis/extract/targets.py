"""The ``targets`` table: every number a policy commits to, reports or sets as a norm.

One row per quantity, assembled from the clause-level ``measures``: each text clause goes
through :func:`eduanalysis.extract.clauses.extract_clause` with its document's context (plan
horizon, annual year, review section, the horizon a preceding clause set), each table section
through the indicator-table parser (:mod:`eduanalysis.extract.indicator_tables`), and every
quantity's indicator phrase is mapped to the registry (:mod:`eduanalysis.extract.indicators`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from eduanalysis import schema
from eduanalysis.extract.clauses import HORIZON_RE, Context, Quantity, extract_clause
from eduanalysis.extract.indicator_tables import parse_flat_table, parse_tab_table, table_quantity
from eduanalysis.extract.indicators import map_indicator
from eduanalysis.extract.vocab import REVIEW_HEADING_RE

ISO_YEAR_RE = re.compile(r"\d{4}")

ANNUAL_TYPES = re.compile(r"工作要点|工作计划|年度计划|年度工作")


def document_context(doc) -> Context:
    """The plan horizon, annual flag and writing year of one ``documents`` row."""
    def year(v):
        return None if v is None or pd.isna(v) else int(v)

    start, end = year(doc.get("plan_start_year")), year(doc.get("plan_end_year"))
    type_zh = doc.get("doc_type_zh")
    annual = (start is not None and start == end) or bool(isinstance(type_zh, str) and ANNUAL_TYPES.search(type_zh))
    doc_year = None
    for col in ("written_date", "published_date"):
        v = doc.get(col)
        if isinstance(v, str) and ISO_YEAR_RE.match(v):
            doc_year = int(v[:4])
            break
    if annual:
        doc_year = end or doc_year
    return Context(plan_start_year=start, plan_end_year=end, annual=annual, doc_year=doc_year or start)


def _review_sections(sections: pd.DataFrame) -> set[str]:
    heading = dict(zip(sections.section_id, sections.heading, strict=True))
    parent = dict(zip(sections.section_id, sections.parent_id, strict=True))
    out = set()
    for sid in heading:
        cur, seen = sid, 0
        while isinstance(cur, str) and cur and seen < 20:
            if REVIEW_HEADING_RE.search(str(heading.get(cur, "")).strip()):
                out.add(sid)
                break
            cur, seen = parent.get(cur), seen + 1
    return out


def _row(m, q: Quantity, order: int, sentence: str, start: int, end: int, indicator) -> dict:
    ind_id, ind_zh, ind_en = indicator
    return {
        "target_id": f"{m.measure_id}-t{order:02d}", "doc_id": m.doc_id, "measure_id": m.measure_id,
        "section_id": m.section_id, "char_start": start, "char_end": end, "sentence": sentence,
        "kind": q.kind, "indicator_text": q.indicator_text, "indicator_id": ind_id, "indicator_zh": ind_zh,
        "indicator_en": ind_en, "value": q.value, "value_max": q.value_max, "value_text": q.value_text,
        "unit_text": q.unit_text, "unit": q.unit, "value_norm": q.value_norm, "comparator": q.comparator,
        "hedged": q.hedged, "year": q.year, "baseline_value": q.baseline_value,
        "baseline_year": q.baseline_year, "attribute": q.attribute,
    }


def targets(documents: pd.DataFrame, sections: pd.DataFrame, measures: pd.DataFrame,
            validate: bool = True) -> pd.DataFrame:
    rows: list[dict] = []
    review = _review_sections(sections)
    table_titles = dict(zip(sections.section_id[sections.kind == "table"],
                            sections.heading[sections.kind == "table"], strict=True))
    for doc in documents.to_dict("records"):
        base = document_context(doc)
        text = doc["text"]
        doc_measures = measures[measures.doc_id == doc["doc_id"]].sort_values("char_start")
        horizon, prev_section, prev_end = None, None, None
        for m in doc_measures.itertuples():
            if m.section_id in table_titles:
                continue
            if m.section_id != prev_section or (prev_end is not None and "\n" in text[prev_end: m.char_start]):
                horizon = None
            prev_section, prev_end = m.section_id, m.char_end
            if m.kind == "responsibility":
                continue
            ctx = replace(base, horizon_year=horizon, review=m.section_id in review)
            for k, q in enumerate(extract_clause(m.text, ctx), start=1):
                rows.append(_row(m, q, k, m.text, m.char_start + q.start, m.char_start + q.end,
                                 map_indicator(q.indicator_text, q.phrase)))
            found = [a or b for a, b in HORIZON_RE.findall(m.text)]
            if found:
                horizon = int(found[-1])
        for sid, title in table_titles.items():
            lines = doc_measures[doc_measures.section_id == sid]
            if lines.empty:
                continue
            texts = [t.strip() for t in lines.text]
            if texts and texts[0] == str(title).strip():
                lines, texts = lines.iloc[1:], texts[1:]
            cells = parse_tab_table(texts) if any("\t" in t for t in texts) else parse_flat_table(texts)
            order: dict[str, int] = {}
            ctx = replace(base, review=sid in review)
            for cell in cells:
                q = table_quantity(cell, str(title), ctx)
                if q is None:
                    continue
                m = lines.iloc[cell.line]
                order[m.measure_id] = order.get(m.measure_id, 0) + 1
                offset = m.text.find(q.value_text)
                start = m.char_start + max(offset, 0)
                rows.append(_row(m, q, order[m.measure_id], q.sentence, start, start + len(q.value_text),
                                 map_indicator(q.indicator_text, q.phrase)))
    df = pd.DataFrame(rows, columns=schema.TARGETS.column_names) if rows else schema.empty("targets")
    return schema.validate(df, "targets") if validate else df
