"""Central → local transposition: how each document implements the documents it cites.

For a local document and a reference (an in-corpus document it cites, one those
cite in turn, or a reference chosen in the parameters), every clause measure of
the local document is paired with its most similar clause of the reference
(cosine of character 2–3-gram TF-IDF vectors, :mod:`eduanalysis.analyse.features`)
and classed:

- ``verbatim``: similarity ≥ ``verbatim`` (:data:`VERBATIM`) — copied, perhaps with the
  place name or a date changed;
- ``adapted``: ≥ ``adapted`` (:data:`ADAPTED`) — the same provision reworded, extended or cut;
- ``new``: below — a provision the reference does not have.

Reference clauses no local clause echoes (best similarity below ``adapted``) are
``dropped``. Targets the local document adds — a canonical indicator the reference
sets no target for, or a number its counterpart clause does not state — or
tightens (same canonical indicator, stricter value or earlier year) are the
``added targets``. The lag is the days between the two documents' dates.

The similarity is computed one (document, reference) block at a time — the
local document's clauses × the reference's — never all clauses × all clauses,
over one vocabulary fitted on the documents involved.

Lines above a document's title (export furniture such as 北大法宝【法宝引证码】) are
left out (:func:`clause_measures`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from eduanalysis import resources
from eduanalysis.analyse.compare import LOWER_IS_AMBITIOUS
from eduanalysis.analyse.features import count_matrix, text_measures, tfidf
from eduanalysis.analyse.tokens import strings
from eduanalysis.errors import EduAnalysisError
from eduanalysis.extract.citations import clean_title, document_keys, normalise_title, parse_number

#: Similarity from which a clause counts as copied (see README: on the example corpus, clause pairs above
#: 0.8 differ by place names, dates and a word or two; between 0.3 and 0.8 they share the provision's wording
#: but reword, extend or cut it; below 0.3 they share a few common words at most).
VERBATIM = 0.8
#: Similarity from which a clause counts as an adaptation of its counterpart (below: new).
ADAPTED = 0.3
#: How far citations are followed: 1 = the documents cited, 2 = also the documents they cite.
MAX_DEPTH = 2
#: Character n-grams of the clause vectors.
NGRAM_RANGE = (2, 3)
CLASSES = ("verbatim", "adapted", "new", "dropped")
LEVELS_FILE = "analyse/levels.csv"
#: Clauses with fewer Han characters than this are not compared: dates, numbers, one-word lines.
MIN_CLAUSE_CHARS = 6
HAN = re.compile(r"[\u4e00-\u9fff]")
LEVEL_ORDER = ("national", "province", "prefecture", "county")


@functools.lru_cache(maxsize=1)
def level_rules() -> pd.DataFrame:
    """``resources/analyse/levels.csv``: field, pattern, level, note — the first matching row wins."""
    path = resources.path_of(LEVELS_FILE)
    rules = resources.frame(LEVELS_FILE)  # columns, filled cells and compiling patterns checked by the loader
    bad = sorted(set(rules["level"]) - set(LEVEL_ORDER))
    if bad:
        raise EduAnalysisError(f"{path}: unknown levels {bad}; use {LEVEL_ORDER}")
    rules["regex"] = [re.compile(p) for p in rules["pattern"]]
    return rules


def document_levels(documents: pd.DataFrame) -> pd.Series:
    """Administrative level of each document (``doc_id`` index): ``admin_level`` when set, else by
    :func:`level_rules` on its title and region; empty when nothing says.

    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "admin_level": [None, None, "county"],
    ...                   "title_zh": ["国务院办公厅关于…", "成都市人民政府办公厅关于…", "x"], "region_zh": [None, "成都市", "y"]})
    >>> document_levels(d).tolist()
    ['national', 'prefecture', 'county']
    """
    rules = level_rules()
    out = {}
    for d in documents.itertuples(index=False):
        level = getattr(d, "admin_level", None)
        if not isinstance(level, str) or not level:
            level = None
            for rule in rules.itertuples(index=False):
                value = getattr(d, rule.field, None)
                if isinstance(value, str) and rule.regex.search(value):
                    level = rule.level
                    break
        out[d.doc_id] = level
    return pd.Series(out, name="level", dtype="object")


def document_dates(documents: pd.DataFrame) -> pd.Series:
    """Each document's date (``published_date``, else ``written_date``) as a Timestamp, NaT when unknown."""
    dates = documents["published_date"].astype(object).where(documents["published_date"].notna(),
                                                             documents["written_date"].astype(object))
    return pd.Series(pd.to_datetime(dates.to_numpy(), errors="coerce"), index=documents["doc_id"].to_numpy(),
                     name="date")


def find_reference(documents: pd.DataFrame, reference: str, citations: pd.DataFrame | None = None) -> str:
    """The ``doc_id`` a parameter names: a doc_id, a 文号 (any brackets) or a full title.

    A 文号 is looked up in the documents' ``doc_number`` (or their own number when
    the frame has ``text``), then among the 文号 the corpus's resolved citations
    carry; it must name exactly one document.
    """
    if reference in set(documents["doc_id"]):
        return reference
    keys = document_keys(documents)
    number, title = parse_number(reference), normalise_title(reference)
    hits = set(keys.loc[(keys["number"] == number) if number else (keys["title"] == title), "doc_id"])
    if not hits and citations is not None:
        column, value = ("cited_number", number) if number else ("cited_title", title)
        hits = set(citations.loc[citations[column] == value, "cited_doc_id"].dropna())
    if len(hits) != 1:
        raise EduAnalysisError(f"reference {reference!r} names {len(hits)} documents of the corpus; give a doc_id, "
                               "a 文号 or a full title that names exactly one")
    return hits.pop()


def reference_pairs(citations: pd.DataFrame, documents: pd.DataFrame, references: list[str] | None = None,
                    max_depth: int = MAX_DEPTH) -> pd.DataFrame:
    """The (document, reference) pairs to compare: ``doc_id, reference_id, link, depth``.

    ``link`` is ``cites`` (a resolved citation, depth 1), ``via`` (a document a
    cited document cites, up to ``max_depth``) or ``chosen`` (every document of a
    lower administrative level, or of none known, against each of ``references``:
    doc_ids, 文号 or titles).
    """
    docs = set(documents["doc_id"])
    c = citations.dropna(subset=["cited_doc_id"])
    c = c.loc[c["doc_id"].isin(docs) & c["cited_doc_id"].isin(docs) & (c["doc_id"] != c["cited_doc_id"])]
    cites = c.groupby("doc_id")["cited_doc_id"].agg(lambda s: sorted(set(s))).to_dict()
    rows = {}
    for doc, direct in cites.items():
        frontier, seen = list(direct), {doc}
        for depth in range(1, max_depth + 1):
            nxt = []
            for ref in frontier:
                if ref in seen:
                    continue
                seen.add(ref)
                rows[(doc, ref)] = ("cites" if depth == 1 else "via", depth)
                nxt += cites.get(ref, [])
            frontier = nxt
    levels = document_levels(documents) if references else pd.Series(dtype=object)
    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    for ref in references or []:
        ref_id = find_reference(documents, ref, citations)
        below = {d for d in docs if rank.get(levels.get(d), len(rank)) > rank.get(levels.get(ref_id), -1)}
        for doc in sorted(below - {ref_id}):
            rows.setdefault((doc, ref_id), ("chosen", pd.NA))
    out = pd.DataFrame([(d, r, link, depth) for (d, r), (link, depth) in rows.items()],
                       columns=["doc_id", "reference_id", "link", "depth"])
    return out.sort_values(["doc_id", "reference_id"], kind="mergesort").reset_index(drop=True)


def han_counts(distinct) -> np.ndarray:
    """Han characters in each of the distinct texts (missing: 0).

    >>> han_counts(["2016年4月28日", "加强美育", None]).tolist()
    [3, 4, 0]
    """
    return np.array([len(HAN.findall(t if isinstance(t, str) else "")) for t in distinct], dtype=np.int64)


def clause_measures(measures: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Text measures of the documents with at least :data:`MIN_CLAUSE_CHARS` Han characters (a date line,
    2016年4月28日, would match any other date), without what precedes each document's title line;
    sorted by ``measure_id`` (ties by document, then position).

    Lines above the title are export furniture when the reader kept them in the
    body (北大法宝【法宝引证码】 CLI.12.…, 原文链接:https://… of every pkulaw export):
    copied from one document to the next, they would read as verbatim reuse. A
    document whose title stands in no measure keeps every measure.

    The rows kept are found from the columns they depend on and taken once: at 10,000 documents
    each copy of the clauses' texts took a second.
    """
    m = text_measures(measures)
    codes, distinct = pd.factorize(m["text"], use_na_sentinel=False)  # clauses repeat: each text once
    rows = np.flatnonzero(han_counts(distinct)[codes] >= MIN_CLAUSE_CHARS)
    codes = codes[rows]
    docs = documents.set_index("doc_id")
    # Under a cover notice the body's title line is the enclosed document's title, not the notice's own.
    own = docs["enclosed_title_zh"].fillna(docs["title_zh"]) if "enclosed_title_zh" in docs else docs["title_zh"]
    titles = own.map(clean_title)
    doc, doc_names = pd.factorize(m["doc_id"], sort=True)
    doc = np.where(doc < 0, len(doc_names), doc)[rows]  # a missing document: its own slot, last, with no title
    start = m["char_start"].to_numpy(dtype=float, na_value=np.nan)[rows]
    # A title line is a text equal to its own document's title: the texts equal to any title first, once each.
    title_of = np.append(titles.reindex(doc_names).to_numpy(dtype=object), None)
    title_set = {t for t in title_of if isinstance(t, str)}
    maybe = np.array([isinstance(t, str) and t.strip() in title_set for t in distinct], dtype=bool)[codes]
    is_title = np.zeros(len(rows), dtype=bool)
    is_title[maybe] = [distinct[c].strip() == title_of[d] for c, d in zip(codes[maybe], doc[maybe], strict=True)]
    first = np.full(len(title_of), np.nan)  # each document's first title line (NaN: none)
    np.fmin.at(first, doc[is_title], start[is_title])
    title_start = first[doc]
    keep = ~(start < np.where(np.isnan(title_start), -np.inf, title_start))
    rows, doc, start = rows[keep], doc[keep], start[keep]
    ids = pc.rank(strings(m["measure_id"]).take(pa.array(rows)), tiebreaker="dense").to_numpy()
    order = np.lexsort((rows, start, doc, ids))
    return m.iloc[rows[order]].reset_index(drop=True)


def align(measures: pd.DataFrame, pairs: pd.DataFrame, verbatim: float = VERBATIM, adapted: float = ADAPTED,
          ngram_range: tuple[int, int] = NGRAM_RANGE) -> pd.DataFrame:
    """The ``transposition_pairs`` table: each local clause with its best reference clause, and the dropped ones.

    ``measures`` are the clause measures to compare (:func:`clause_measures`).
    One TF-IDF vocabulary is fitted on the clauses of the documents in ``pairs``;
    each pair's block of similarities is local clauses × reference clauses.

    >>> m = pd.DataFrame({"measure_id": ["a1", "a2", "r1", "r2"], "doc_id": ["A", "A", "R", "R"],
    ...                   "text": ["开齐开足美育课程", "建设艺术特色学校", "开齐开足美育课程", "加强美育教师队伍建设"]})
    >>> p = align(m, pd.DataFrame({"doc_id": ["A"], "reference_id": ["R"]}))
    >>> p[["measure_id", "class"]].values.tolist()
    [['a1', 'verbatim'], ['a2', 'new'], ['r2', 'dropped']]
    """
    if not 0 <= adapted <= verbatim <= 1:
        raise EduAnalysisError(f"thresholds must satisfy 0 <= adapted ({adapted}) <= verbatim ({verbatim}) <= 1")
    cols = ["doc_id", "reference_id", "measure_id", "matched_measure_id", "similarity", "class", "text",
            "matched_text"]
    involved = set(pairs["doc_id"]) | set(pairs["reference_id"])
    m = measures.loc[measures["doc_id"].isin(involved)].sort_values("measure_id", kind="mergesort")
    m = m.reset_index(drop=True)
    if m.empty or pairs.empty:
        return pd.DataFrame(columns=cols)
    x = tfidf(count_matrix(m["text"], "char", ngram_range=ngram_range)[0])
    rows_of = row_positions(m["doc_id"])
    ids, texts = m["measure_id"].to_numpy(), m["text"].to_numpy()
    out = []
    for doc, ref in zip(pairs["doc_id"], pairs["reference_id"], strict=True):
        ia, ir = rows_of.get(doc), rows_of.get(ref)
        if ia is None or ir is None:
            continue
        sim = np.round((x[ia] @ x[ir].T).toarray(), 12)
        best_r, score_r = sim.argmax(axis=1), sim.max(axis=1)
        for i, j, s in zip(ia, ir[best_r], score_r, strict=True):
            cls = "verbatim" if s >= verbatim else "adapted" if s >= adapted else "new"
            out.append((doc, ref, ids[i], ids[j], float(s), cls, texts[i], texts[j]))
        best_a, score_a = sim.argmax(axis=0), sim.max(axis=0)
        for j, i, s in zip(ir, ia[best_a], score_a, strict=True):
            if s < adapted:
                out.append((doc, ref, ids[j], ids[i], float(s), "dropped", texts[j], texts[i]))
    return pd.DataFrame(out, columns=cols)


def _stricter(local: pd.Series, ref: pd.DataFrame) -> bool:
    """A local target is stricter than every reference target of its indicator: value or an earlier year."""
    lower = local["comparator"] in LOWER_IS_AMBITIOUS
    value = local["value_norm"] if pd.notna(local["value_norm"]) else local["value"]
    for r in ref.itertuples(index=False):
        rv = r.value_norm if pd.notna(r.value_norm) else r.value
        if (local["unit"] if pd.notna(local["unit"]) else None) != (r.unit if pd.notna(r.unit) else None):
            return False
        better = value < rv if lower else value > rv
        same = value == rv
        earlier = pd.notna(local["year"]) and pd.notna(r.year) and local["year"] < r.year
        if not (better or (same and earlier)):
            return False
    return True


def row_positions(keys: pd.Series) -> dict:
    """Each key's row positions, ascending (missing keys left out): ``keys.groupby(keys).indices``, but keyed
    in order of first appearance.

    pandas reads an Arrow column's keys one by one there (2.6 s for the 420,000 targets of 10,000
    documents); numbering them first takes a tenth of that.

    >>> {k: v.tolist() for k, v in row_positions(pd.Series(["b", "a", None, "b"])).items()}
    {'b': [0, 3], 'a': [1]}
    """
    codes, uniques = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    ranked = codes[order]
    bounds = np.flatnonzero(np.diff(ranked, prepend=-2, append=-2)).tolist()
    names, first = uniques.tolist(), ranked[bounds[:-1]].tolist()
    return {names[c]: order[a:b] for c, a, b in zip(first, bounds[:-1], bounds[1:], strict=True) if c >= 0}


def added_targets(targets: pd.DataFrame, pairs_table: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Targets each local document adds or tightens against each reference.

    A local target (``kind == "target"``) is compared with the reference's targets
    of the same canonical indicator, or, when the reference has none (or the target
    is not mapped to one), with the targets of the same unit in the reference clause
    its clause is paired with (verbatim or adapted). It is ``tightened`` when it is
    stricter than all of them (higher, or lower for ceilings; or the same value by an
    earlier year), ``added`` when there are none; an equal value is echoed and a
    looser one is neither. Columns: ``doc_id, reference_id,
    target_id, status, indicator_id, indicator_en, value, unit, year, sentence``.
    """
    cols = ["doc_id", "reference_id", "target_id", "status", "indicator_id", "indicator_en", "value", "unit", "year",
            "sentence"]
    t = targets.loc[targets["kind"] == "target"].reset_index(drop=True)
    doc_rows, measure_rows = row_positions(t["doc_id"]), row_positions(t["measure_id"])
    involved = set(pairs["doc_id"]) | set(pairs["reference_id"])  # only their targets are looked at
    by_doc = {d: t.iloc[i] for d, i in doc_rows.items() if d in involved}
    matched = pairs_table.loc[pairs_table["class"] != "dropped"].set_index(
        ["doc_id", "reference_id", "measure_id"])["matched_measure_id"]
    cls = pairs_table.loc[pairs_table["class"] != "dropped"].set_index(
        ["doc_id", "reference_id", "measure_id"])["class"]
    rows = []
    for doc, ref in zip(pairs["doc_id"], pairs["reference_id"], strict=True):
        local, reference = by_doc.get(doc), by_doc.get(ref, t.iloc[0:0])
        if local is None:
            continue
        for _, target in local.iterrows():
            same = reference.loc[reference["indicator_id"] == target["indicator_id"]] if pd.notna(
                target["indicator_id"]) else reference.iloc[0:0]
            if len(same):
                status = "tightened" if _stricter(target, same) else None
            else:
                key = (doc, ref, target["measure_id"])
                other = matched.get(key) if cls.get(key, "new") != "new" else None
                counterpart = t.iloc[measure_rows[other]] if other in measure_rows else None
                status = "added"
                if counterpart is not None:
                    same_unit = counterpart.loc[counterpart["unit"].astype(object) == target["unit"]]
                    if (same_unit["value"] == target["value"]).any():
                        status = None  # echoed from the reference clause
                    elif len(same_unit):
                        status = "tightened" if _stricter(target, same_unit) else None
            if status:
                rows.append((doc, ref, target["target_id"], status, target["indicator_id"], target["indicator_en"],
                             target["value"], target["unit"], target["year"], target["sentence"]))
    return pd.DataFrame(rows, columns=cols)


def summarise(pairs: pd.DataFrame, pairs_table: pd.DataFrame, added: pd.DataFrame, documents: pd.DataFrame,
              clauses: pd.DataFrame) -> pd.DataFrame:
    """The ``transposition`` table: one row per (document, reference) with shares, added targets and lag.

    ``reuse_share`` = (verbatim + adapted) / local clauses, ``added_share`` = new /
    local clauses, ``coverage`` = reference clauses echoed (not dropped) / reference clauses.
    """
    counts = (pairs_table.groupby(["doc_id", "reference_id", "class"]).size().unstack("class")
              .reindex(columns=list(CLASSES)).fillna(0).astype(int))
    key = pd.MultiIndex.from_frame(pairs[["doc_id", "reference_id"]])
    c = counts.reindex(key).fillna(0).astype(int)
    n_local = (c["verbatim"] + c["adapted"] + c["new"]).to_numpy()
    n_reference = pairs["reference_id"].map(clauses.groupby("doc_id").size()).fillna(0).astype(int).to_numpy()
    n_added = (added.groupby(["doc_id", "reference_id"]).size().reindex(key).fillna(0).astype(int).to_numpy()
               if len(added) else np.zeros(len(pairs), dtype=int))
    dates = document_dates(documents)
    d_doc, d_ref = pairs["doc_id"].map(dates), pairs["reference_id"].map(dates)

    def share(num, den):
        return np.where(den > 0, num / np.maximum(den, 1), np.nan)

    return pd.DataFrame({
        "doc_id": pairs["doc_id"], "reference_id": pairs["reference_id"], "link": pairs["link"],
        "depth": pairs["depth"], "n_measures": n_local, "n_reference_measures": n_reference,
        "n_verbatim": c["verbatim"].to_numpy(), "n_adapted": c["adapted"].to_numpy(), "n_new": c["new"].to_numpy(),
        "n_dropped": c["dropped"].to_numpy(),
        "verbatim_share": share(c["verbatim"].to_numpy(), n_local),
        "reuse_share": share((c["verbatim"] + c["adapted"]).to_numpy(), n_local),
        "added_share": share(c["new"].to_numpy(), n_local),
        "coverage": share(n_reference - c["dropped"].to_numpy(), n_reference),
        "n_added_targets": n_added,
        "doc_date": d_doc.dt.strftime("%Y-%m-%d"), "reference_date": d_ref.dt.strftime("%Y-%m-%d"),
        "lag_days": (d_doc - d_ref).dt.days,
    })


def transposition(documents: pd.DataFrame, measures: pd.DataFrame, targets: pd.DataFrame, citations: pd.DataFrame,
                  references: list[str] | None = None, verbatim: float = VERBATIM, adapted: float = ADAPTED,
                  max_depth: int = MAX_DEPTH, selected: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(transposition, transposition_pairs, added targets)`` for the documents (``selected``: only those as
    implementing documents) and what they cite."""
    pairs = reference_pairs(citations, documents, references, max_depth)
    if selected is not None:
        pairs = pairs.loc[pairs["doc_id"].isin(set(selected))].reset_index(drop=True)
    clauses = clause_measures(measures, documents)
    pairs_table = align(clauses, pairs, verbatim, adapted)
    added = added_targets(targets, pairs_table, pairs)
    return summarise(pairs, pairs_table, added, documents, clauses), pairs_table, added


def adoption(documents: pd.DataFrame, reference_id: str, levels: pd.Series | None = None,
             implementing: set[str] | None = None) -> pd.DataFrame:
    """Cumulative share of localities that issued a document implementing the reference, by days after it.

    A locality is a ``region_zh`` of the documents (the reference's excepted),
    grouped by level; it has issued on the date of its earliest dated document
    among ``implementing`` (default: all its documents). Columns: ``level,
    region_zh, date, days, share`` (of the level's localities), ``n_localities``,
    ``n_undated`` (localities whose implementing documents carry no date); one row
    per locality that issued, in date order. Empty when the reference has no date.
    """
    levels = document_levels(documents) if levels is None else levels
    dates = document_dates(documents)
    start = dates.get(reference_id)
    cols = ["level", "region_zh", "date", "days", "share", "n_localities", "n_undated"]
    if pd.isna(start):  # no date for the reference: no time axis
        return pd.DataFrame(columns=cols)
    d = documents.loc[documents["doc_id"] != reference_id, ["doc_id", "region_zh"]].dropna(subset=["region_zh"])
    d = d.assign(level=d["doc_id"].map(levels), date=d["doc_id"].map(dates)).dropna(subset=["level"])
    implementing = set(d["doc_id"]) if implementing is None else set(implementing)
    rows = []
    for _, g in d.groupby("level", sort=True):
        n = g["region_zh"].nunique()
        imp = g.loc[g["doc_id"].isin(implementing)]
        first = imp.groupby("region_zh")["date"].min()
        undated = int(first.isna().sum())
        dated = first.dropna().rename("date").reset_index().sort_values(["date", "region_zh"], kind="mergesort")
        rows.append(dated.assign(level=g["level"].iloc[0], days=(dated["date"] - start).dt.days,
                                 share=np.arange(1, len(dated) + 1) / n, n_localities=n, n_undated=undated))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    return out[cols]


def implementing_documents(table: pd.DataFrame, reference_id: str) -> set[str]:
    """Documents that cite ``reference_id``, directly or through a document they cite (not merely chosen)."""
    return set(table.loc[(table["reference_id"] == reference_id) & (table["link"] != "chosen"), "doc_id"])


# --- what the notebook calls ------------------------------------------------------------

#: The tables the transposition analysis reads.
INPUTS = ("documents", "measures", "targets", "citations")


@dataclass
class Corpus:
    """The tables 50_transposition reads: every document (references stay whatever the regions), its clause
    measures (``kind == "text"``, all :func:`transposition` compares), and the documents selected as
    implementing documents (``selected``)."""

    processed_dir: Path
    documents: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    citations: pd.DataFrame
    selected: list[str]


def load(processed_dir: str | Path, regions="all") -> Corpus:
    """Read the tables of a processed folder; ``regions`` ("all" or names) selects the implementing documents.

    Documents without a region (national ones) are selected by "all"; the
    documents they cite are kept in any case, as references.
    """
    from eduanalysis import schema
    from eduanalysis.analyse.selection import TEXT_KIND, UNREAD_COLUMNS, resolve_regions
    from eduanalysis.build.pipeline import read_table

    folder = Path(processed_dir)
    parquet = folder / "documents.parquet"
    if not parquet.exists():
        raise EduAnalysisError(f"{folder} holds no built tables; run `eduanalysis build --out {folder}` first")
    skip = UNREAD_COLUMNS["documents"]
    docs = pd.read_parquet(parquet, columns=[c for c in schema.DOCUMENTS.column_names if c not in skip])
    docs = schema.validate(docs.assign(**{c: "" for c in skip}), "documents")
    try:
        # Only the clause measures: the transposition compares nothing else (a third fewer rows to read).
        tables = {name: read_table(folder, name, TEXT_KIND if name == "measures" else None) for name in INPUTS[1:]}
    except EduAnalysisError as exc:
        raise EduAnalysisError(f"{exc}; a processed folder built before the citations table needs "
                               f"`eduanalysis build --out {folder}` again") from exc
    if regions == "all" or regions is None:
        selected = docs["doc_id"].tolist()
    else:
        selected = docs.loc[docs["region_zh"].isin(resolve_regions(docs, regions)), "doc_id"].tolist()
    return Corpus(folder, docs, tables["measures"], tables["targets"], tables["citations"], sorted(selected))


def adoption_reference(documents: pd.DataFrame, citations: pd.DataFrame, reference: str = "") -> str | None:
    """The document the adoption curve starts from: ``reference`` (doc_id, 文号 or title) when given, else the
    document the most documents cite (ties by doc_id); None when no citation is resolved."""
    if reference:
        return find_reference(documents, reference, citations)
    c = citations.dropna(subset=["cited_doc_id"])
    if c.empty:
        return None
    counts = c.groupby("cited_doc_id")["doc_id"].nunique()
    return sorted(counts.index, key=lambda d: (-counts[d], d))[0]


def primary_reference(table: pd.DataFrame) -> pd.DataFrame:
    """One row per document of a ``transposition`` table: the reference it follows most (highest reuse share,
    ties by reference_id), among those it cites when there are any."""
    t = table.assign(_cites=(table["link"] == "cites").astype(int))
    t = t.sort_values(["doc_id", "_cites", "reuse_share", "reference_id"], ascending=[True, False, False, True],
                      kind="mergesort")
    return t.drop_duplicates("doc_id").drop(columns="_cites").reset_index(drop=True)


def side_by_side(pairs_table: pd.DataFrame, doc_id: str, reference_id: str, max_rows: int | None = None
                 ) -> pd.DataFrame:
    """One pair's clauses in document order beside their counterparts: ``class, similarity, document, reference``.

    Dropped reference clauses follow, with an empty document side.
    """
    p = pairs_table.loc[(pairs_table["doc_id"] == doc_id) & (pairs_table["reference_id"] == reference_id)]
    if p.empty:
        raise EduAnalysisError(f"no transposition pairs for {doc_id} and {reference_id}; choose a pair of the "
                               "transposition table")
    local = p.loc[p["class"] != "dropped"].sort_values("measure_id", kind="mergesort")
    dropped = p.loc[p["class"] == "dropped"].sort_values("measure_id", kind="mergesort")
    out = pd.concat([
        pd.DataFrame({"class": local["class"], "similarity": local["similarity"].round(2),
                      "document": local["text"],
                      "reference": np.where(local["class"] == "new", "", local["matched_text"])}),
        pd.DataFrame({"class": dropped["class"], "similarity": dropped["similarity"].round(2), "document": "",
                      "reference": dropped["text"]}),
    ], ignore_index=True)
    return out if max_rows is None else out.head(max_rows)


def chosen_pair(table: pd.DataFrame, levels: pd.Series, doc_id: str = "", reference_id: str = "",
                documents: pd.DataFrame | None = None, citations: pd.DataFrame | None = None) -> tuple[str, str]:
    """The pair the side-by-side shows: the one given (doc_ids, or 文号/titles with ``documents``), else the
    document citing a province-level reference with the highest reuse share (else any, highest reuse share)."""
    if documents is not None:
        doc_id, reference_id = (find_reference(documents, v, citations) if v else "" for v in (doc_id, reference_id))
    if doc_id and reference_id:
        return doc_id, reference_id
    t = table.loc[table["link"] == "cites"] if (table["link"] == "cites").any() else table
    if doc_id:
        t = t.loc[t["doc_id"] == doc_id]
    provincial = t.loc[t["reference_id"].map(levels).eq("province")]
    t = provincial if len(provincial) else t
    if t.empty:
        raise EduAnalysisError("no transposition pair to show: no document cites another of the corpus")
    best = t.sort_values(["reuse_share", "doc_id", "reference_id"], ascending=[False, True, True],
                         kind="mergesort").iloc[0]
    return best["doc_id"], best["reference_id"]


def added_targets_table(added: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """The added and tightened targets for reading: document and reference labels, status, indicator, value,
    unit, year and the clause, sorted by document and reference."""
    cols = ["document", "reference", "status", "indicator", "value", "unit", "year", "clause"]
    if added.empty:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame({
        "document": added["doc_id"].map(labels).fillna(added["doc_id"]),
        "reference": added["reference_id"].map(labels).fillna(added["reference_id"]),
        "status": added["status"],
        "indicator": added["indicator_en"].astype(object).where(added["indicator_en"].notna(), "(not mapped)"),
        "value": added["value"], "unit": added["unit"], "year": added["year"], "clause": added["sentence"],
    })
    return out.sort_values(["document", "reference", "status"], kind="mergesort").reset_index(drop=True)


def level_comparison(table: pd.DataFrame, levels: pd.Series, upper: str = "national",
                     middle: str = "province") -> pd.DataFrame:
    """Documents compared with both a ``middle``-level reference they cite and an ``upper``-level one:
    ``doc_id, province_id, reuse_province, national_id, reuse_national`` (the most reused of each level).

    Tells whether a city's text follows its province or the national document.
    """
    t = table.assign(ref_level=table["reference_id"].map(levels), doc_level=table["doc_id"].map(levels))
    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    t = t.loc[t["doc_level"].map(rank).fillna(-1) > rank[middle]]

    def best(level: str, cited_only: bool) -> pd.DataFrame:
        s = t.loc[(t["ref_level"] == level) & ((t["link"] == "cites") if cited_only else True)]
        s = s.sort_values(["doc_id", "reuse_share", "reference_id"], ascending=[True, False, True], kind="mergesort")
        return s.drop_duplicates("doc_id").set_index("doc_id")[["reference_id", "reuse_share"]]

    mid, up = best(middle, True), best(upper, False)
    out = mid.reset_index().merge(up.reset_index(), on="doc_id", suffixes=("_m", "_u"), how="inner")
    return pd.DataFrame({"doc_id": out["doc_id"], "province_id": out["reference_id_m"],
                         "reuse_province": out["reuse_share_m"], "national_id": out["reference_id_u"],
                         "reuse_national": out["reuse_share_u"]})
