"""The schema of every table eduanalysis writes: columns, dtypes, keys, descriptions.

This module is the single place a table's shape is declared. Every stage
validates its output with :func:`validate` before it is written, and the data
dictionary (``docs/data_dictionary.md``) is generated from it by
:func:`data_dictionary_markdown`.

Conventions (PUDL-style): English snake_case names; ``_id`` keys, ``_zh``/``_en``
for Chinese/English names, ``_text`` for a value as written beside its
normalised column, ``_date`` ISO dates as strings, ``_year`` integers.
All character offsets (``char_start``/``char_end``) index the document's
analysis text ``documents.text`` (NFKC-normalised); use
:func:`eduanalysis.read.documents.raw_span` to map them back to ``documents.raw_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from eduanalysis.errors import EduAnalysisError

#: Allowed column dtypes (pandas extension dtypes, so missing values stay <NA>).
DTYPES = {"string", "Int64", "Float64", "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, dtype: str, description: str, nullable: bool = True) -> Column:
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r} for column {name}")
    return Column(name, dtype, description, nullable)


def _origin(field_name: str) -> Column:
    return _c(f"{field_name}_origin", "string",
              f"Where `{field_name}` came from: manifest, text, properties (.docx/.pdf file properties), "
              "inferred, or empty when unknown.")


# --- reading -----------------------------------------------------------------

DOCUMENTS = Table(
    "documents",
    "One row per document read from the corpus folder.",
    ("doc_id",),
    (
        _c("doc_id", "string", "Stable document key: 'D' + 10 hex digits of the SHA-1 of source_file.", False),
        _c("source_file", "string", "Path of the file relative to the corpus folder (POSIX separators).", False),
        _c("file_format", "string", "txt, html, docx or pdf.", False),
        _c("encoding", "string", "Encoding the file was decoded with (utf-8, utf-8-sig, gb18030, utf-16 …; docx, pdf).", False),
        _c("script", "string", "simplified, or traditional (then `text` is converted to simplified; `raw_text` is kept).", False),
        _c("title_zh", "string", "Document title."),
        _origin("title_zh"),
        _c("enclosed_title_zh", "string", "Title of the document a cover notice issues or forwards (印发/转发…的通知), "
                                          "as the body prints it; title_zh is then the notice's own title."),
        _origin("enclosed_title_zh"),
        _c("issuer_zh", "string", "Issuing body (发文机关/发布机构/发布单位)."),
        _origin("issuer_zh"),
        _c("doc_number", "string", "Document number (文号/发文字号), e.g. 盘政办发〔2019〕24号."),
        _origin("doc_number"),
        _c("index_number", "string", "Index number of the publication page (索引号)."),
        _origin("index_number"),
        _c("written_date", "string", "Date the document was written (成文日期), ISO YYYY-MM-DD."),
        _origin("written_date"),
        _c("published_date", "string", "Date of publication (发布日期/发布时间), ISO YYYY-MM-DD."),
        _origin("published_date"),
        _c("region_zh", "string", "Region the document governs, e.g. 盘锦市."),
        _origin("region_zh"),
        _c("region_en", "string", "English region name (manifest, else the gazetteer's pinyin or official name), e.g. Panjin."),
        _c("province_zh", "string", "Province, e.g. 辽宁省 (manifest, else the gazetteer)."),
        _c("province_en", "string", "English province name."),
        _c("prefecture_zh", "string", "Prefecture-level division the region lies in (itself for a prefecture; empty for "
                                      "provinces and for counties directly under a province), e.g. 桂林市."),
        _c("prefecture_en", "string", "English prefecture name."),
        _c("admin_level", "string", "Administrative level: national, province, prefecture or county."),
        _c("adcode", "string", "Six-digit administrative division code (GB/T 2260) of the region, from the gazetteer."),
        _c("doc_type_zh", "string", "Document type as the text names it: 规划, 行动计划, 方案, 实施意见, 工作要点 …"),
        _c("doc_type_en", "string", "English document type: plan, action plan, implementation plan, opinions, annual work plan …"),
        _origin("doc_type_zh"),
        _c("plan_start_year", "Int64", "First year of the plan horizon."),
        _c("plan_end_year", "Int64", "Last year (horizon) of the plan."),
        _origin("plan_end_year"),
        _c("n_chars", "Int64", "Length of the analysis text in characters.", False),
        _c("body_start", "Int64", "Offset in `text` where the document body (after the cover notice) starts.", False),
        _c("body_end", "Int64", "Offset in `text` where the body ends (before trailers).", False),
        _c("content_sha1", "string", "SHA-1 of the analysis text; identifies duplicates and drives incremental rebuilds.", False),
        _c("raw_text", "string", "The decoded file text as it was (HTML reduced to its visible text).", False),
        _c("text", "string", "NFKC-normalised analysis text (full-width digits, letters and punctuation folded).", False),
    ),
)

BOILERPLATE = Table(
    "boilerplate",
    "Spans of a document's text that are web-page furniture or the cover notice, not its body.",
    ("doc_id", "char_start"),
    (
        _c("doc_id", "string", "Document key.", False),
        _c("char_start", "Int64", "Start offset in documents.text.", False),
        _c("char_end", "Int64", "End offset (exclusive).", False),
        _c("kind", "string", "breadcrumb, metadata, furniture, export_header (database export lines), letterhead, listing_title (a title printed before the document's own copy), doc_number, addressee, cover_notice, toc, publication_note, attachment_list, signature, date, distribution (抄送/印发), trailer.", False),
        _c("text", "string", "The span's text.", False),
    ),
)

REJECTS = Table(
    "rejects",
    "Input files that were not read as documents, with the reason and what to do.",
    ("source_file",),
    (
        _c("source_file", "string", "Path relative to the corpus folder.", False),
        _c("reason", "string", "Why the file was rejected and how to fix it.", False),
    ),
)

# --- structure -----------------------------------------------------------------

SECTIONS = Table(
    "sections",
    "The heading hierarchy of each document: title, chapters, numbered headings, boxes, table blocks.",
    ("section_id",),
    (
        _c("section_id", "string", "Section key: doc_id + '-s' + 3-digit order.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("parent_id", "string", "Enclosing section (empty for the document title section)."),
        _c("level", "Int64", "Depth: 0 for the title, 1 for top-level headings, 2 below them …", False),
        _c("kind", "string", "title, heading, box (专栏/实施项目/【…】), block (行动目标/实施路径 …) or table.", False),
        _c("style", "string", "Heading form: chapter, cn_comma (一、), cn_paren ((一)), arabic (1.), arabic_paren ((1)), circled, box, project, bracket, block, plain, table, title.", False),
        _c("label", "string", "Number as written (\"二\", \"(三)\", \"5\"), empty for unnumbered headings."),
        _c("number", "Int64", "The label as an integer."),
        _c("heading", "string", "Heading text without its number (table title for tables).", False),
        _c("path", "string", "Coding path of the numbered ancestors, e.g. '2-3-5'.", False),
        _c("char_start", "Int64", "Start of the heading in documents.text.", False),
        _c("char_end", "Int64", "End of the section's extent (exclusive).", False),
    ),
)

MEASURES = Table(
    "measures",
    "Clause-level units (quasi-sentences). Together with boilerplate they cover every non-space character of a document exactly once.",
    ("measure_id",),
    (
        _c("measure_id", "string", "Measure key: doc_id + '-m' + 4-digit order.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("section_id", "string", "Innermost section the measure belongs to.", False),
        _c("kind", "string", "text (a clause), heading, table_cell or responsibility.", False),
        _c("text", "string", "The clause as it stands in documents.text (stripped of surrounding spaces).", False),
        _c("char_start", "Int64", "Start offset in documents.text.", False),
        _c("char_end", "Int64", "End offset (exclusive).", False),
    ),
)

RESPONSIBILITIES = Table(
    "responsibilities",
    "Units named as responsible (责任单位/牵头单位/配合单位 …), one row per unit.",
    ("responsibility_id",),
    (
        _c("responsibility_id", "string", "Key: measure_id + '-r' + 2-digit order.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("section_id", "string", "Section the responsibility line closes.", False),
        _c("measure_id", "string", "The responsibility line's measure.", False),
        _c("role", "string", "lead, support or unspecified.", False),
        _c("unit_text", "string", "The unit as written.", False),
        _c("unit_name", "string", "Normalised unit name (各县区政府 → 各区县政府).", False),
        _c("char_start", "Int64", "Start of unit_text in documents.text.", False),
        _c("char_end", "Int64", "End offset (exclusive).", False),
    ),
)

# --- targets -------------------------------------------------------------------

TARGETS = Table(
    "targets",
    "Quantitative statements: one row per number a document commits to, reports or sets as a norm.",
    ("target_id",),
    (
        _c("target_id", "string", "Key: measure_id + '-t' + 2-digit order.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("measure_id", "string", "Measure the number stands in.", False),
        _c("section_id", "string", "Section of that measure.", False),
        _c("char_start", "Int64", "Start of the number expression in documents.text.", False),
        _c("char_end", "Int64", "End offset (exclusive).", False),
        _c("sentence", "string", "The clause it came from (for table cells: [表]caption|section|row|column|cell[|sub-row][|attribute]).", False),
        _c("kind", "string", "target, baseline or standard.", False),
        _c("indicator_text", "string", "Indicator or object phrase as written."),
        _c("indicator_id", "string", "Canonical indicator key from resources/indicators.csv (empty when unmapped)."),
        _c("indicator_zh", "string", "Canonical Chinese indicator name."),
        _c("indicator_en", "string", "Canonical English indicator name."),
        _c("indicator_score", "Float64", "How surely indicator_id names the phrase: 1 for a registry pattern, the "
           "character-bigram similarity (0.75-1) for the fuzzy fallback; empty when unmapped."),
        _c("value", "Float64", "The number (万/亿 kept in the unit, as written).", False),
        _c("value_max", "Float64", "Upper end of a range."),
        _c("value_text", "string", "The number expression as written.", False),
        _c("unit_text", "string", "Unit as written (%, 所, 万人, 元/月, 个百分点 …)."),
        _c("unit", "string", "Normalised unit: percent, percentage_point, persons, person_times, schools, yuan, count, m2, hours …"),
        _c("value_norm", "Float64", "Value with 万/亿 multiplied out, in the normalised unit."),
        _c("comparator", "string", ">=, <=, =, ~, range, delta_up or delta_down.", False),
        _c("hedged", "boolean", "True when hedged by 力争/争取/基本.", False),
        _c("year", "Int64", "Target year, or the year a baseline refers to; empty for standards and recurring outputs."),
        _c("baseline_value", "Float64", "Baseline value paired in the text (由A提高到B)."),
        _c("baseline_year", "Int64", "Year of that baseline."),
        _c("attribute", "string", "预期性 or 约束性 where an indicator table states it."),
        _c("year_origin", "string", "Why year is what it is: stated (the clause or table column says it), stage "
           "(a preceding 到YYYY年 stage of the same paragraph), horizon (the plan's end year), annual (the year of "
           "an annual document: 工作要点, 为民办实事, 招生计划 …), review (a review of the previous plan reports the year "
           "before the plan starts) or document_year (现有/截至… stocks report the document's year); empty when year is."),
    ),
)

# --- citations -----------------------------------------------------------------

CITATIONS = Table(
    "citations",
    "One row per citation of another document in a document's text or title: the cited title and 文号 as written "
    "and normalised, where it stands, and the cited document when it is in the corpus.",
    ("citation_id",),
    (
        _c("citation_id", "string", "Key: doc_id + '-c' + 3-digit order (by position).", False),
        _c("doc_id", "string", "The citing document.", False),
        _c("measure_id", "string", "Measure the citation starts in (empty when it stands in boilerplate)."),
        _c("form", "string", "title_number (《title》(文号)), title (《title》 alone), number (文号 alone) or "
                             "forwarded (what a 转发 notice's title forwards).", False),
        _c("char_start", "Int64", "Start of the citation in documents.text (empty when a forwarded title is not found "
                                  "in the text)."),
        _c("char_end", "Int64", "End offset (exclusive)."),
        _c("text", "string", "The citation as written (issuer, title and 文号).", False),
        _c("cited_issuer_text", "string", "Issuer written before the 《 (国务院办公厅《关于…》), as written."),
        _c("cited_title_text", "string", "Cited title as written, without 《》."),
        _c("cited_title", "string", "Normalised full title matched against documents: issuer + title when the title "
                                    "starts with 关于; Han characters, letters and digits only."),
        _c("cited_number_text", "string", "Cited 文号 as written (any brackets, full or half width)."),
        _c("cited_number", "string", "Normalised 文号: issuer〔year〕serial号."),
        _c("cited_year", "Int64", "Year of the cited 文号."),
        _c("cited_doc_id", "string", "The cited document when it is in the corpus (empty otherwise: never guessed)."),
        _c("match", "string", "How cited_doc_id was found: number (normalised 文号), title (normalised full title), "
                              "ambiguous (several documents match: left empty), self (only the citing document answers to it: a 印发 "
                              "notice naming what it issues), none (not in the corpus)."),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (DOCUMENTS, BOILERPLATE, REJECTS, SECTIONS, MEASURES, RESPONSIBILITIES, TARGETS,
                             CITATIONS)
}


def register(table: Table) -> Table:
    """Add a table declared by a later stage (analysis outputs) to the registry."""
    TABLES[table.name] = table
    return table


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    table = TABLES[name]
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in table.columns})


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ``df`` against table ``name``; return it with declared column order and dtypes, sorted by key.

    Raises :class:`EduAnalysisError` naming the table and the offending column
    when a column is missing or extra, a non-nullable column holds a missing
    value, a value does not fit its dtype, or the key is not unique.

    >>> validate(pd.DataFrame({"source_file": ["b.txt", "a.txt"], "reason": ["x", "y"]}), "rejects").source_file.tolist()
    ['a.txt', 'b.txt']
    """
    table = TABLES[name]
    missing = [c for c in table.column_names if c not in df.columns]
    extra = [c for c in df.columns if c not in table.column_names]
    if missing or extra:
        raise EduAnalysisError(
            f"table {name!r} does not match its schema: missing columns {missing}, unexpected columns {extra}"
        )
    out = pd.DataFrame(index=df.index)
    for col in table.columns:
        try:
            out[col.name] = _coerce(df[col.name], col.dtype)
        except (TypeError, ValueError) as exc:
            raise EduAnalysisError(f"table {name!r}, column {col.name!r}: values do not fit {col.dtype}: {exc}") from exc
        if not col.nullable and out[col.name].isna().any():
            rows = out.index[out[col.name].isna()].tolist()[:5]
            raise EduAnalysisError(f"table {name!r}, column {col.name!r} must not be empty (rows {rows})")
    key = list(table.key)
    if strictly_increasing(out, key):  # sorted and unique already (a table written in key order): no sort
        return out.reset_index(drop=True)
    if out.duplicated(key).any():
        dup = out.loc[out.duplicated(key, keep=False), key].head(5).to_dict("records")
        raise EduAnalysisError(f"table {name!r}: key {key} is not unique, e.g. {dup}")
    return out.sort_values(key, kind="mergesort").reset_index(drop=True)


def strictly_increasing(df: pd.DataFrame, key: list[str]) -> bool:
    """Whether every row's ``key`` is greater than the previous row's (so the rows are sorted and unique).

    Compared pair by pair in Arrow, a column at a time, for the pairs the earlier columns leave
    equal: strings compare as UTF-8 bytes, which is code point order, the order
    ``sort_values`` gives. A key with missing values answers False (the caller's sort decides).

    >>> strictly_increasing(pd.DataFrame({"a": ["x", "x", "y"], "b": [2, 3, 1]}), ["a", "b"])
    True
    >>> strictly_increasing(pd.DataFrame({"a": ["x", "x"], "b": [1, 1]}), ["a", "b"])
    False
    """
    if len(df) < 2:
        return True
    undecided = np.ones(len(df) - 1, dtype=bool)  # pairs equal on every key column so far
    for col in key:
        values = pa.array(df[col].array)
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        if values.null_count:
            return False
        before, after = values.slice(0, len(values) - 1), values.slice(1)
        less = pc.less(before, after).to_numpy(zero_copy_only=False)
        if (undecided & ~less & ~pc.equal(before, after).to_numpy(zero_copy_only=False)).any():
            return False
        undecided &= ~less
        if not undecided.any():
            return True
    return False


def _coerce(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == "string":
        return series.astype("string")
    if dtype == "boolean":
        return series.astype("boolean")
    if dtype == "Int64":
        return pd.to_numeric(series, errors="raise").astype("Int64")
    return pd.to_numeric(series, errors="raise").astype("Float64")


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown, generated from :data:`TABLES`."""
    lines = ["# Data dictionary", "",
             "Generated from `eduanalysis/schema.py` by `eduanalysis dictionary`; do not edit by hand.", ""]
    for table in TABLES.values():
        lines += [f"## `{table.name}`", "", table.description, "",
                  f"Key: {', '.join(f'`{k}`' for k in table.key)}", "",
                  "| column | dtype | required | description |", "|---|---|---|---|"]
        for c in table.columns:
            desc = c.description.replace("|", "\\|")
            lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if not c.nullable else ''} | {desc} |")
        lines.append("")
    return "\n".join(lines)


# --- analyses -------------------------------------------------------------------
# Tables the analysis notebooks write (eduanalysis.similarity, themes, clustering,
# timeline, compare). Declared here so they validate like the core tables.

SIMILARITY = register(Table(
    "similarity",
    "Cosine similarity of the documents' TF-IDF vectors, long form: every ordered pair, diagonal included; above "
    "dense_max_documents (300) documents, each document's top_k most similar other documents (word features), "
    "with the character n-gram similarity of the same pairs.",
    ("analyzer", "doc_a", "doc_b"),
    (
        _c("analyzer", "string", "Features: word (jieba tokens, user dictionary, stopwords) or char (character 2–3-grams).", False),
        _c("doc_a", "string", "Document key.", False),
        _c("doc_b", "string", "Document key.", False),
        _c("similarity", "Float64", "Cosine similarity in [0, 1].", False),
    ),
))

ALIGNMENTS = register(Table(
    "alignments",
    "For each pair of documents, their mutually best-matching text measures, best first: what two plans share.",
    ("doc_a", "doc_b", "rank"),
    (
        _c("doc_a", "string", "First document (doc_a < doc_b).", False),
        _c("doc_b", "string", "Second document.", False),
        _c("rank", "Int64", "1 for the most similar pair of measures.", False),
        _c("measure_a", "string", "Measure of doc_a.", False),
        _c("measure_b", "string", "Measure of doc_b.", False),
        _c("similarity", "Float64", "Cosine similarity of the two measures' TF-IDF vectors.", False),
        _c("text_a", "string", "Text of measure_a.", False),
        _c("text_b", "string", "Text of measure_b.", False),
    ),
))

KEYNESS = register(Table(
    "keyness",
    "Terms over-represented in a region's documents against the rest of the corpus (log-likelihood G² and chi-square).",
    ("region_zh", "term"),
    (
        _c("region_zh", "string", "Region.", False),
        _c("region_en", "string", "English region name."),
        _c("term", "string", "jieba token (stopwords and place names removed).", False),
        _c("count_group", "Int64", "Occurrences in the region's documents.", False),
        _c("count_rest", "Int64", "Occurrences in the other documents.", False),
        _c("total_group", "Int64", "Tokens in the region's documents.", False),
        _c("total_rest", "Int64", "Tokens in the other documents.", False),
        _c("g2", "Float64", "Signed log-likelihood ratio G² (Dunning 1993).", False),
        _c("chi2", "Float64", "Signed Pearson chi-square (no continuity correction).", False),
        _c("p_value", "Float64", "P-value of G² on 1 degree of freedom (no correction for multiple terms).", False),
        _c("rank", "Int64", "Rank by G² within the region.", False),
    ),
))

MEASURE_THEMES = register(Table(
    "measure_themes",
    "Themes of the taxonomy (resources/themes.csv) each text measure mentions; one row per measure and theme.",
    ("measure_id", "theme_id"),
    (
        _c("measure_id", "string", "Measure key.", False),
        _c("theme_id", "string", "Theme key from resources/themes.csv.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("n_hits", "Int64", "Keyword occurrences in the measure.", False),
        _c("keywords", "string", "The theme's keywords found, |-joined in taxonomy order.", False),
    ),
))

CLUSTERS = register(Table(
    "clusters",
    "Unsupervised clusters of text measures (TF-IDF → SVD → KMeans/agglomerative), one row per clustered measure: "
    "all of them, or a random sample of max_measures (20_themes).",
    ("measure_id",),
    (
        _c("measure_id", "string", "Measure key.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("cluster", "Int64", "Cluster number, 0 = largest.", False),
        _c("cluster_label", "string", "The cluster's three top terms.", False),
        _c("top_terms", "string", "The cluster's top terms by mean TF-IDF, |-joined.", False),
    ),
))

TIMELINE = register(Table(
    "timeline",
    "Dated events: documents written, published, plan start and end; targets and baselines at their years.",
    ("event_id",),
    (
        _c("event_id", "string", "doc_id + '-' + event for document events; target_id for targets.", False),
        _c("doc_id", "string", "Document key.", False),
        _c("region_zh", "string", "Region."),
        _c("region_en", "string", "English region name."),
        _c("event", "string", "written, published, plan_start, plan_end, target or baseline.", False),
        _c("year", "Int64", "Year of the event.", False),
        _c("date", "string", "ISO date for written/published events."),
        _c("target_id", "string", "Target key for target and baseline events."),
        _c("indicator_id", "string", "Canonical indicator key."),
        _c("indicator_zh", "string", "Canonical Chinese indicator name."),
        _c("indicator_en", "string", "Canonical English indicator name."),
        _c("value", "Float64", "The target's number."),
        _c("unit", "string", "Normalised unit."),
        _c("comparator", "string", "The target's comparator."),
    ),
))

TARGET_MATRIX = register(Table(
    "target_matrix",
    "Indicator × region headline targets (latest target year, most ambitious value) with the most ambitious region marked.",
    ("indicator_id", "region_zh"),
    (
        _c("indicator_id", "string", "Canonical indicator key.", False),
        _c("indicator_zh", "string", "Canonical Chinese indicator name."),
        _c("indicator_en", "string", "Canonical English indicator name."),
        _c("region_zh", "string", "Region (the province when there are more regions than max_labels in 40_targets).", False),
        _c("region_en", "string", "English region (or province) name."),
        _c("doc_id", "string", "Document the target comes from.", False),
        _c("target_id", "string", "Target key.", False),
        _c("value", "Float64", "Target value (value_norm where available).", False),
        _c("value_max", "Float64", "Upper end of a range."),
        _c("unit", "string", "Normalised unit."),
        _c("comparator", "string", "Comparator.", False),
        _c("year", "Int64", "Target year."),
        _c("direction", "string", "higher or lower is more ambitious, or mixed (not marked).", False),
        _c("comparable", "boolean", "In the indicator's most common unit, so comparable with the other regions.", False),
        _c("most_ambitious", "boolean", "True for the most ambitious region(s): scale-free units (%, pp) or ceilings only.", False),
    ),
))

TRANSPOSITION = register(Table(
    "transposition",
    "How each document transposes each reference it cites (or a document those cite, or one chosen in the "
    "parameters of 50_transposition): clause reuse, coverage of the reference, additions and lag.",
    ("doc_id", "reference_id"),
    (
        _c("doc_id", "string", "The implementing (local) document.", False),
        _c("reference_id", "string", "The reference document.", False),
        _c("link", "string", "cites (a resolved citation), via (cited by a document it cites) or chosen (parameters).", False),
        _c("depth", "Int64", "Citations between the two: 1 cites, 2 via; empty for chosen."),
        _c("n_measures", "Int64", "Clause measures of the document compared (export furniture left out).", False),
        _c("n_reference_measures", "Int64", "Clause measures of the reference.", False),
        _c("n_verbatim", "Int64", "Document clauses copied from the reference (similarity >= verbatim).", False),
        _c("n_adapted", "Int64", "Document clauses adapting a reference clause (adapted <= similarity < verbatim).", False),
        _c("n_new", "Int64", "Document clauses with no counterpart in the reference.", False),
        _c("n_dropped", "Int64", "Reference clauses the document never echoes.", False),
        _c("verbatim_share", "Float64", "n_verbatim / n_measures."),
        _c("reuse_share", "Float64", "(n_verbatim + n_adapted) / n_measures."),
        _c("added_share", "Float64", "n_new / n_measures."),
        _c("coverage", "Float64", "Share of the reference's clauses the document echoes: 1 - n_dropped / n_reference_measures."),
        _c("n_added_targets", "Int64", "Targets the document adds or tightens relative to the reference.", False),
        _c("doc_date", "string", "The document's date (published, else written), ISO."),
        _c("reference_date", "string", "The reference's date, ISO."),
        _c("lag_days", "Int64", "doc_date - reference_date in days."),
    ),
))

TRANSPOSITION_PAIRS = register(Table(
    "transposition_pairs",
    "Clause-level transposition: each clause measure of a document with its most similar clause of the reference "
    "(verbatim, adapted or new), and each reference clause the document never echoes (dropped).",
    ("doc_id", "reference_id", "measure_id"),
    (
        _c("doc_id", "string", "The implementing document.", False),
        _c("reference_id", "string", "The reference document.", False),
        _c("measure_id", "string", "The clause: a measure of doc_id, or of reference_id when class is dropped.", False),
        _c("matched_measure_id", "string", "Its most similar clause in the other document.", False),
        _c("similarity", "Float64", "Cosine similarity of the two clauses' character 2–3-gram TF-IDF vectors.", False),
        _c("class", "string", "verbatim, adapted, new or dropped (thresholds: parameters of 50_transposition).", False),
        _c("text", "string", "Text of measure_id.", False),
        _c("matched_text", "string", "Text of matched_measure_id.", False),
    ),
))
