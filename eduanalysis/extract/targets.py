"""The ``targets`` table: every number a policy commits to, reports or sets as a norm.

One row per quantity, assembled from the clause-level ``measures``: each text clause goes
through :func:`eduanalysis.extract.clauses.extract_clause` with its document's context (plan
horizon, annual year, review section, the horizon a preceding clause set), each table section
through the indicator-table parser (:mod:`eduanalysis.extract.indicator_tables`), and every
quantity's indicator phrase is mapped to the registry (:mod:`eduanalysis.extract.indicators`).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from eduanalysis import schema
from eduanalysis.extract.clauses import Context, Quantity, extract_clause
from eduanalysis.extract.frame import clause_contexts, document_frame, review_sections
from eduanalysis.extract.indicator_tables import Cell, caption_of, read_tables, table_quantity
from eduanalysis.extract.indicators import map_indicator
from eduanalysis.extract.vocab import PLAN_NAME_RE


def table_year_origin(cell: Cell, q: Quantity, context: Context) -> str | None:
    """Why a table cell's year is what it is: its column states it (2025年, “十三五”规划目标), the
    plan before the document's (a 现状 column of a 十四五 plan), the document's year, or the horizon."""
    if q.year is None:
        return None
    if cell.column_year is not None or PLAN_NAME_RE.search(cell.column):
        return "stated"
    if q.kind == "baseline":
        review = context.plan_start_year is not None and q.year == context.plan_start_year - 1 and not context.annual
        return "review" if review else "document_year"
    return "annual" if context.annual else "horizon"


def _row(m, q: Quantity, order: int, sentence: str, start: int, end: int, indicator) -> dict:
    ind_id, ind_zh, ind_en, ind_score = indicator
    return {
        "target_id": f"{m.measure_id}-t{order:02d}", "doc_id": m.doc_id, "measure_id": m.measure_id,
        "section_id": m.section_id, "char_start": start, "char_end": end, "sentence": sentence,
        "kind": q.kind, "indicator_text": q.indicator_text, "indicator_id": ind_id, "indicator_zh": ind_zh,
        "indicator_en": ind_en, "indicator_score": ind_score,
        "value": q.value, "value_max": q.value_max, "value_text": q.value_text,
        "unit_text": q.unit_text, "unit": q.unit, "value_norm": q.value_norm, "comparator": q.comparator,
        "hedged": q.hedged, "year": q.year, "baseline_value": q.baseline_value,
        "baseline_year": q.baseline_year, "attribute": q.attribute, "year_origin": q.year_origin,
    }


def targets(documents: pd.DataFrame, sections: pd.DataFrame, measures: pd.DataFrame,
            validate: bool = True) -> pd.DataFrame:
    """The ``targets`` table: one row per quantitative statement of every document (validated unless told not to)."""
    rows: list[dict] = []
    review = review_sections(sections)
    table_titles = dict(zip(sections.section_id[sections.kind == "table"],
                            sections.heading[sections.kind == "table"], strict=True))
    for doc in documents.to_dict("records"):
        base = document_frame(doc)
        text = doc["text"]
        doc_measures = measures[measures.doc_id == doc["doc_id"]].sort_values("char_start")
        clauses = doc_measures[~doc_measures.section_id.isin(table_titles)]
        for m, ctx in clause_contexts(clauses, text, base, review):
            if m.kind == "responsibility":
                continue
            for k, q in enumerate(extract_clause(m.text, ctx), start=1):
                rows.append(_row(m, q, k, m.text, m.char_start + q.start, m.char_start + q.end,
                                 map_indicator(q.indicator_text, q.phrase)))
        for sid, title in table_titles.items():
            lines = doc_measures[doc_measures.section_id == sid]
            if lines.empty:
                continue
            texts = [t.strip() for t in lines.text]
            if texts and texts[0] == str(title).strip():
                lines, texts = lines.iloc[1:], texts[1:]
            before = doc_measures[doc_measures.char_end <= lines.char_start.min()]
            caption = caption_of(str(title), before.text.iloc[-1] if len(before) else None)
            order: dict[str, int] = {}
            ctx = replace(base, review=sid in review)
            for table, cell in ((t, c) for t in read_tables(texts, caption) for c in t.cells):
                q = table_quantity(cell, table.caption, ctx)
                if q is None:
                    continue
                q = replace(q, year_origin=table_year_origin(cell, q, ctx))
                m = lines.iloc[cell.line]
                order[m.measure_id] = order.get(m.measure_id, 0) + 1
                offset = m.text.find(q.value_text)
                start = m.char_start + max(offset, 0)
                rows.append(_row(m, q, order[m.measure_id], q.sentence, start, start + len(q.value_text),
                                 map_indicator(q.indicator_text, q.phrase)))
    df = pd.DataFrame(rows, columns=schema.TARGETS.column_names) if rows else schema.empty("targets")
    return schema.validate(df, "targets") if validate else df
