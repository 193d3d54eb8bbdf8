"""What the notebooks start from: a processed folder restricted to some regions, and per-document helpers.

The analyses themselves live in :mod:`eduanalysis.analyse.similarity`,
:mod:`eduanalysis.analyse.themes`, :mod:`eduanalysis.analyse.clustering`,
:mod:`eduanalysis.analyse.timeline` and :mod:`eduanalysis.analyse.compare`; the level a figure
shows (documents, regions, provinces) is :mod:`eduanalysis.analyse.levels`; labels, figures and
the files written are :mod:`eduanalysis.report`. This module keeps the notebooks free of glue code
(no ``def`` in notebooks) and never imports the report layer.

>>> tables = load("data/processed", regions="all")  # doctest: +SKIP
>>> tables.documents.region_zh.tolist()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eduanalysis import config
from eduanalysis.analyse.features import region_stopwords, release_memory, text_measures
from eduanalysis.errors import EduAnalysisError

#: The built tables the analyses read (each restricted to the selected documents).
ANALYSIS_INPUTS = ("documents", "sections", "measures", "responsibilities", "targets")
#: Document columns the analyses never read (the full texts: 2 × the corpus in memory); load() leaves them "".
UNREAD_COLUMNS = {"documents": ("raw_text", "text")}
#: The clause measures' rows (:func:`eduanalysis.analyse.features.text_measures`), as a read filter.
TEXT_KIND = ("kind", "text")



class Deferred:
    """A table of a processed folder not read yet: read (restricted to the selected documents) when first used.

    A notebook that never looks at a table does not pay for it (00_corpus_overview and 40_targets
    read no measure text); :meth:`Selection.columns` reads just the columns a count needs.
    """

    def __init__(self, folder: Path, name: str, doc_ids: frozenset[str] | None):
        self.folder, self.name, self.doc_ids = folder, name, doc_ids

    def read(self, columns: list[str] | None = None, where: tuple[str, str] | None = None) -> pd.DataFrame:
        """The table (all columns, validated against the schema), or only ``columns`` as stored;
        ``where``: ``(column, value)``, only those rows, dropped as the file is read."""
        from eduanalysis.build.pipeline import read_table

        parquet = self.folder / f"{self.name}.parquet"
        if columns is not None and parquet.exists():
            df = pd.read_parquet(parquet, columns=list(dict.fromkeys(["doc_id", *columns, *(where or ())[:1]])))
            df = df if where is None else df.loc[df[where[0]] == where[1]].reset_index(drop=True)
            df = _keep(df, self.doc_ids)[columns]
        else:
            df = _keep(read_table(self.folder, self.name, where), self.doc_ids)
        release_memory()
        return df

    def __repr__(self) -> str:
        return f"Deferred({self.name!r} of {self.folder})"


def _keep(df: pd.DataFrame, doc_ids: frozenset[str] | None) -> pd.DataFrame:
    """The rows of ``doc_ids`` (all, uncopied, when None), renumbered from 0."""
    if doc_ids is None:
        return df
    return df.loc[df["doc_id"].isin(doc_ids)].reset_index(drop=True)


@dataclass
class Selection:
    """The tables of a processed folder restricted to some regions (attributes as in :func:`eduanalysis.load`).

    Tables other than ``documents`` are read when first used (:class:`Deferred`); derive a
    selection with :meth:`replace`, which keeps them unread (``dataclasses.replace`` reads them).
    """

    processed_dir: Path
    regions: list[str]
    documents: pd.DataFrame
    sections: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    responsibilities: pd.DataFrame
    #: The clause measures once read (:attr:`text_measures`); not a constructor argument.
    _text_measures: pd.DataFrame | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        if type(value) is Deferred:
            value = value.read()
            object.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        if name == "measures":  # measures given anew: their clauses are selected anew
            object.__setattr__(self, "_text_measures", None)

    def replace(self, **changes) -> Selection:
        """A copy with ``changes`` (e.g. ``documents=``), tables not read yet left unread."""
        raw = {f.name: object.__getattribute__(self, f.name) for f in dataclasses.fields(self) if f.init}
        return Selection(**{**raw, **changes})

    def columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        """``columns`` of table ``name``: from the table when it is read, else only they are read."""
        value = object.__getattribute__(self, name)
        return value.read(columns) if type(value) is Deferred else value[columns]

    @property
    def text_measures(self) -> pd.DataFrame:
        """Clause measures only (``kind == "text"``), selected once and kept.

        When the measures are not read yet, they are read, filtered and let go: a notebook that
        reads only clause measures (all but 50_transposition) never holds the whole table, which at
        10,000 documents is a gigabyte beside the clauses' 0.8. Treat the frame as read-only: every
        later use gets the same one.
        """
        kept = object.__getattribute__(self, "_text_measures")
        if kept is None:
            value = object.__getattribute__(self, "measures")
            kept = text_measures(value.read(where=TEXT_KIND) if type(value) is Deferred else value)
            release_memory()
            object.__setattr__(self, "_text_measures", kept)
        return kept

    @property
    def place_names(self) -> frozenset[str]:
        """Region names to treat as stopwords."""
        names = pd.concat([self.documents["region_zh"], self.documents.get("province_zh", pd.Series(dtype=str))])
        return region_stopwords(names)


def resolve_regions(documents: pd.DataFrame, regions) -> list[str]:
    """Region names (``region_zh``) selected by ``regions``: "all", or a list of Chinese or English names.

    >>> d = pd.DataFrame({"region_zh": ["盘锦市", "大连市"], "region_en": ["Panjin", "Dalian"]})
    >>> resolve_regions(d, ["Dalian"])
    ['大连市']
    """
    available = sorted(documents["region_zh"].dropna().unique())
    if regions == "all" or regions is None:
        return available
    if isinstance(regions, str):
        regions = [regions]
    by_en = {str(e).lower(): z for z, e in zip(documents["region_zh"], documents["region_en"], strict=True)
             if pd.notna(e)}
    out, unknown = [], []
    for r in regions:
        z = r if r in available else by_en.get(str(r).lower())
        (out if z else unknown).append(z or r)
    if unknown:
        names = ", ".join(f"{z} ({e})" for z, e in sorted(zip(documents["region_zh"], documents["region_en"],
                                                               strict=True)))
        raise EduAnalysisError(f"regions {unknown} are not in the corpus; choose from: {names}")
    return sorted(set(out))


def load(processed_dir: str | Path, regions="all") -> Selection:
    """Read the core tables of a processed folder and keep the documents of ``regions``.

    Only the tables the analyses read are loaded, so an analysis table left by
    an older version (with other columns) cannot stop a notebook; the
    notebooks rewrite those tables anyway. Documents are read at once, the other tables
    when first used (:class:`Deferred`).
    """
    folder = Path(processed_dir)
    if not (folder / "documents.parquet").exists() and not (folder / "documents.csv").exists():
        raise EduAnalysisError(f"{folder} holds no built tables; run `eduanalysis build --out {folder}` first")
    docs = _read(folder, "documents")
    unplaced = docs.loc[docs["region_zh"].isna(), "source_file"].tolist()
    if unplaced:
        warnings.warn(f"{len(unplaced)} documents have no region and are left out of the analyses: "
                      f"{', '.join(unplaced[:5])}{' …' if len(unplaced) > 5 else ''}; give their region_zh in the "
                      f"corpus's {config.MANIFEST_NAME}", stacklevel=2)
    chosen = resolve_regions(docs, regions)
    picked = docs["region_zh"].isin(chosen).fillna(False).to_numpy(dtype=bool)
    keep = None if picked.all() else frozenset(docs.loc[picked, "doc_id"])
    later = {name: Deferred(folder, name, keep) for name in ANALYSIS_INPUTS if name != "documents"}
    return Selection(folder, chosen, _keep(docs, keep), later["sections"], later["measures"], later["targets"],
                     later["responsibilities"])


def _read(folder: Path, name: str) -> pd.DataFrame:
    """Read a table without its :data:`UNREAD_COLUMNS` (left empty), validated against the schema."""
    from eduanalysis import schema
    from eduanalysis.build.pipeline import read_table

    parquet = folder / f"{name}.parquet"
    if not parquet.exists():
        return read_table(folder, name)
    skip = UNREAD_COLUMNS[name]
    df = pd.read_parquet(parquet, columns=[c for c in schema.TABLES[name].column_names if c not in skip])
    return schema.validate(df.assign(**{c: "" for c in skip}), name)


def issue_year(documents: pd.DataFrame) -> pd.Series:
    """The year a document was issued: published, else written, else its plan's first year.

    >>> d = pd.DataFrame({"doc_id": ["a", "b"], "published_date": ["2019-05-31", None],
    ...                   "written_date": [None, None], "plan_start_year": [2019, 2021]})
    >>> issue_year(d).tolist()
    [2019, 2021]
    """
    pub = pd.to_numeric(documents["published_date"].astype("string").str[:4], errors="coerce")
    wri = pd.to_numeric(documents["written_date"].astype("string").str[:4], errors="coerce")
    start = pd.to_numeric(documents["plan_start_year"], errors="coerce")
    out = pub.fillna(wri).fillna(start).astype("Int64")
    out.index = documents["doc_id"].to_numpy()
    return out


def sample_measures(measures: pd.DataFrame, max_measures: int | None, seed: int) -> pd.DataFrame:
    """At most ``max_measures`` measures, drawn at random with ``seed`` and kept in ``measure_id`` order.

    All of them (unchanged) when there are no more than ``max_measures`` or it is None.
    """
    if max_measures is None or len(measures) <= max_measures:
        return measures
    picked = measures.sample(n=max_measures, random_state=seed)
    return picked.sort_values("measure_id", kind="mergesort").reset_index(drop=True)


def corpus_stats(sel: Selection) -> pd.DataFrame:
    """Per document: characters, sections, structure depth, clause measures, targets, responsibilities.

    Reads only the columns it counts (:meth:`Selection.columns`), not the measure texts.
    """
    d = sel.documents.set_index("doc_id")
    sections = sel.columns("sections", ["doc_id", "level"])
    measures = sel.columns("measures", ["doc_id", "kind"])
    targets = sel.columns("targets", ["doc_id", "kind"])
    out = pd.DataFrame(index=d.index)
    out["n_chars"] = d["n_chars"].astype("Int64")
    out["n_sections"] = sections.groupby("doc_id").size().reindex(d.index, fill_value=0)
    out["max_depth"] = sections.groupby("doc_id")["level"].max().reindex(d.index).fillna(0).astype(int)
    out["n_measures"] = _per_document(measures["doc_id"], measures["kind"] == "text", d.index)
    out["n_targets"] = _per_document(targets["doc_id"], targets["kind"] == "target", d.index)
    out["n_responsibilities"] = sel.columns("responsibilities", ["doc_id"]).groupby("doc_id").size().reindex(
        d.index, fill_value=0)
    return out


def _per_document(doc_ids: pd.Series, mask: pd.Series, index: pd.Index) -> pd.Series:
    """Rows per document where ``mask`` holds, 0 for the others."""
    return doc_ids[mask.fillna(False).to_numpy(dtype=bool)].to_frame().groupby("doc_id").size().reindex(
        index, fill_value=0)
