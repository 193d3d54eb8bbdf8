"""Incremental merge: batches cut by content, merged batches reused from the cache, byte-identical tables."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pyarrow as pa
import pytest

from eduanalysis import schema
from eduanalysis.build import segments
from eduanalysis.build import store as tablefiles
from eduanalysis.build.cache import CorruptEntry
from eduanalysis.build.pipeline import CORE_TABLES, STAMP_NAME, build
from eduanalysis.testing import synth

N_DOCS = 14
BATCH = 3
OUTPUTS = [f"{n}.{ext}" for n in CORE_TABLES for ext in ("parquet", "csv")]


@pytest.fixture(autouse=True)
def small_row_groups(monkeypatch):
    """Row groups of a few rows, so reused batches and merged ones meet inside row groups."""
    monkeypatch.setattr(tablefiles, "ROW_GROUP_ROWS", {"documents": 3})
    monkeypatch.setattr(tablefiles, "DEFAULT_ROW_GROUP_ROWS", 97)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("segments-corpus")
    synth.generate(root, N_DOCS)
    return root


@pytest.fixture
def built(corpus, tmp_path):
    """A copy of the corpus, built once with the cache: what each test changes and builds again."""
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    build(copy, tmp_path / "out", workers=1, batch_size=BATCH)
    return copy


@pytest.fixture
def puts(monkeypatch):
    """The (table, segment) pairs merged from the documents' results and stored, by the builds that follow."""
    stored = []
    put = segments.SegmentStore.put

    def spy(self, name, key, *args, **kwargs):
        stored.append((name, key))
        return put(self, name, key, *args, **kwargs)

    monkeypatch.setattr(segments.SegmentStore, "put", spy)
    return stored


def _files(folder):
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def _fresh(corpus, folder):
    build(corpus, folder, workers=1, use_cache=False, batch_size=BATCH)
    return _files(folder)


def _segment_files(out):
    return sorted(out.glob(".cache/v-*/segments/*/*.seg"))


def _doc_files(corpus):
    return sorted(corpus.glob("*/*.txt"))


def _edit(corpus):
    victim = _doc_files(corpus)[N_DOCS // 2]
    victim.write_bytes(victim.read_bytes() + "\n(此件公开发布)\n".encode())


def _add(corpus):
    source = _doc_files(corpus)[2]
    text = source.read_bytes().replace("一、".encode(), "一、新增".encode(), 1)
    (source.parent / f"0{source.name}").write_bytes(text)


def _remove(corpus):
    _doc_files(corpus)[N_DOCS // 3].unlink()


def _rename(corpus):
    victim = _doc_files(corpus)[N_DOCS // 4]
    victim.rename(victim.parent / f"renamed_{victim.name}")


@pytest.mark.parametrize("change, most_batches", [
    pytest.param(_edit, 1, id="one document edited"),
    pytest.param(_add, 2, id="one document added"),
    pytest.param(_remove, 2, id="one document removed"),
    pytest.param(_rename, 4, id="one document renamed"),
])
def test_a_changed_document_re_merges_its_batch_only_and_the_tables_equal_a_fresh_build(
        built, tmp_path, puts, change, most_batches):
    change(built)
    again = build(built, tmp_path / "out", workers=1, batch_size=BATCH)
    assert again.processed <= 1
    assert _files(tmp_path / "out") == _fresh(built, tmp_path / "fresh")
    merged = pd.Series([name for name, _ in puts]).value_counts().to_dict()
    n_batches = len(segments.batches(sorted(again.tables["documents"]["doc_id"]), BATCH))
    assert 1 <= merged["measures"] <= most_batches < n_batches
    assert all(count <= most_batches for name, count in merged.items() if name != "citations")
    # citations: resolved again everywhere when the corpus's keys changed, else in the changed batch only
    assert merged["citations"] == (1 if change is _edit else n_batches)
    # no stale segments: one per table and batch of this build, and the citations' rows
    assert len(_segment_files(tmp_path / "out")) == n_batches * len(CORE_TABLES)


def test_an_output_rewritten_from_segments_only_reads_no_document_result(built, tmp_path, puts, monkeypatch):
    (tmp_path / "out" / STAMP_NAME).unlink()
    reference = _fresh(built, tmp_path / "fresh")

    def refuse(*args, **kwargs):
        raise AssertionError("a document's result was read although every batch has its segment")

    monkeypatch.setattr("eduanalysis.build.cache.ResultStore.get", refuse)
    build(built, tmp_path / "out", workers=1, batch_size=BATCH)
    assert puts == []
    assert _files(tmp_path / "out") == reference


@pytest.mark.parametrize("damage", [
    pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
    pytest.param(lambda b: b[:-40] + bytes(x ^ 0x5A for x in b[-40:]), id="garbled Arrow bytes"),
    pytest.param(lambda b: b.replace(b"EDUSEG1", b"XXXXXXX"), id="not a segment"),
    pytest.param(lambda b: b"", id="empty"),
])
def test_an_unreadable_segment_is_dropped_and_its_batch_merged_again(built, tmp_path, damage):
    out = tmp_path / "out"
    (out / STAMP_NAME).unlink()
    victim = max((p for p in _segment_files(out) if p.parent.name in ("measures", "citations")),
                 key=lambda p: p.stat().st_size)
    victim.write_bytes(damage(victim.read_bytes()))
    result = build(built, out, workers=2, batch_size=BATCH)
    assert [n for n in result.notes if f"{victim.name}: cannot read the merged batch" in n]
    assert result.processed == 0
    assert _files(out) == _fresh(built, tmp_path / "fresh")
    assert segments.SegmentStore(victim.parents[1]).get(victim.parent.name, victim.stem) is not None  # made again


def test_segments_are_not_kept_without_the_cache(corpus, tmp_path):
    build(corpus, tmp_path / "out", workers=1, use_cache=False, batch_size=BATCH)
    assert not list(tmp_path.rglob("*.seg"))


def test_segment_round_trip_and_a_missing_one(tmp_path):
    store = segments.SegmentStore(tmp_path)
    df = schema.validate(pd.DataFrame({"source_file": ["a.txt", "b.txt"], "reason": ["x", "y"]}), "rejects")
    csv = df.to_csv(index=False, header=False, lineterminator="\n").encode()
    store.put("rejects", "k1", csv, pa.Table.from_pandas(df, preserve_index=False), {"targets_mapped": 3})
    segment = store.get("rejects", "k1")
    assert segment.csv.to_pybytes() == csv
    assert segment.table.to_pandas()["source_file"].tolist() == ["a.txt", "b.txt"]
    assert segment.meta == {"targets_mapped": 3, "rows": 2}
    assert store.get("rejects", "k2") is None
    store.path("rejects", "k1").write_bytes(store.path("rejects", "k1").read_bytes()[:-1])
    with pytest.raises(CorruptEntry, match="k1.seg: cannot read the merged batch"):
        store.get("rejects", "k1")


def _ids(n, seed="doc"):
    return sorted(hashlib.sha1(f"{seed}{i}".encode()).hexdigest()[:12] for i in range(n))


def _cut(ids, size):
    return [tuple(ids[s]) for s in segments.batches(ids, size)]


@pytest.mark.parametrize("size", [1, 7, 50])
def test_batches_cover_the_documents_in_order_within_the_cap(size):
    ids = _ids(3000)
    cuts = _cut(ids, size)
    assert [d for batch in cuts for d in batch] == ids
    assert max(map(len, cuts)) <= segments.CAP_FACTOR * size
    assert 0.5 * size <= len(ids) / len(cuts) <= 1.5 * size


@pytest.mark.parametrize("position", [0, 1234, 2999])
def test_adding_or_removing_a_document_changes_few_batches(position):
    ids = _ids(3000)
    before = set(_cut(ids, 50))
    removed = set(_cut(ids[:position] + ids[position + 1:], 50))
    added = set(_cut(sorted([*ids, ids[position] + "0"]), 50))
    # its own batch, plus the batches up to the next boundary when it falls in a run cut at the cap
    assert len(before - removed) <= 3 and len(before - added) <= 3
    assert len(before - removed) >= 1 and len(before - added) >= 1
