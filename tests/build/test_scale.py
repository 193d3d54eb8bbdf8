"""Scale: parallel, incremental, streaming and Dask builds give the same tables; the synthetic corpus generator."""

from __future__ import annotations

import pickle
import shutil

import pandas as pd
import pytest
from conftest import CORPUS

from eduanalysis import schema
from eduanalysis.build import cache
from eduanalysis.build import store as tablefiles
from eduanalysis.build.pipeline import (
    CORE_TABLES,
    STAMP_NAME,
    build,
    build_tables,
    read_table,
    write_tables,
)
from eduanalysis.cli import main
from eduanalysis.errors import EduAnalysisError
from eduanalysis.testing import synth

N_SYNTH = 12
OUTPUTS = [f"{n}.{ext}" for n in CORE_TABLES for ext in ("parquet", "csv")]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small synthetic corpus (with one duplicate text and one unreadable file, so rejects are exercised)."""
    root = tmp_path_factory.mktemp("synth")
    files = synth.generate(root, N_SYNTH)
    shutil.copy(files[3], files[3].parent / "99999_copy_of_3.txt")
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture(autouse=True)
def small_row_groups(monkeypatch):
    """Row groups of a few rows, so the tests cross row-group boundaries inside and across batches."""
    monkeypatch.setattr(tablefiles, "ROW_GROUP_ROWS", {"documents": 3})
    monkeypatch.setattr(tablefiles, "DEFAULT_ROW_GROUP_ROWS", 97)


def _files(folder):
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def reference(synthetic, tmp_path_factory):
    """The in-memory build written at once: what every other way of building must reproduce byte for byte."""
    out = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tablefiles, "ROW_GROUP_ROWS", {"documents": 3})
        mp.setattr(tablefiles, "DEFAULT_ROW_GROUP_ROWS", 97)
        write_tables(build_tables(synthetic).tables, out)
    return _files(out)


def test_reference_holds_the_corpus(reference, synthetic):
    import io

    rejects = pd.read_csv(io.BytesIO(reference["rejects.csv"]))
    copy = next(synthetic.glob("*/99999_copy_of_3.txt")).relative_to(synthetic).as_posix()
    assert rejects.source_file.tolist() == ["empty.txt", copy]
    assert rejects.reason[1].startswith("duplicate of ")
    assert pd.read_csv(io.BytesIO(reference["documents.csv"])).shape[0] == N_SYNTH


def test_single_process_build_equals_the_in_memory_build(synthetic, reference, tmp_path):
    result = build(synthetic, tmp_path, workers=1, use_cache=False, batch_size=5)
    assert _files(tmp_path) == reference
    assert result.processed == N_SYNTH + 2 and not (tmp_path / ".cache").exists()
    assert result.summary().startswith(f"{N_SYNTH} documents (2 rejected):")


def test_two_workers_give_byte_identical_tables(synthetic, reference, tmp_path):
    result = build(synthetic, tmp_path, workers=2, use_cache=False, batch_size=4, task_size=3)
    assert _files(tmp_path) == reference
    assert result.stats["documents"] == N_SYNTH and result.stats["rejects"] == 2


def test_tables_load_back_equal_to_the_in_memory_tables(synthetic, tmp_path):
    build(synthetic, tmp_path, workers=1, use_cache=False, batch_size=2)
    tables = build_tables(synthetic).tables
    for name in CORE_TABLES:
        pd.testing.assert_frame_equal(read_table(tmp_path, name), tables[name], obj=name)


def test_no_change_rebuild_reads_nothing_and_writes_nothing(synthetic, tmp_path):
    first = build(synthetic, tmp_path, workers=1)
    assert (first.processed, first.reused) == (N_SYNTH + 2, 0)
    stamps = {n: (tmp_path / n).stat().st_mtime_ns for n in OUTPUTS}
    again = build(synthetic, tmp_path, workers=1)
    assert (again.processed, again.reused) == (0, N_SYNTH + 2)
    assert {n: (tmp_path / n).stat().st_mtime_ns for n in OUTPUTS} == stamps
    assert again.summary().split(";")[0] == first.summary().split(";")[0]


def test_rebuild_from_the_cache_writes_the_same_tables(synthetic, reference, tmp_path):
    build(synthetic, tmp_path, workers=1)
    (tmp_path / STAMP_NAME).unlink()  # outputs no longer vouched for: merge again, from the cache
    again = build(synthetic, tmp_path, workers=2, batch_size=3)
    assert (again.processed, again.reused) == (0, N_SYNTH + 2)
    assert _files(tmp_path) == reference


def test_unreadable_cache_entry_is_dropped_and_read_again_in_a_parallel_merge(synthetic, reference, tmp_path):
    build(synthetic, tmp_path, workers=1)
    (tmp_path / STAMP_NAME).unlink()
    # the largest entry: a document with tables to read (the first by name may be a reject's, whose
    # name, like every key, changes with the code version)
    entry = max(sorted((tmp_path / ".cache").glob("v-*/*/*.pkl")), key=lambda p: p.stat().st_size)
    with entry.open("rb") as fh:
        pickle.load(fh)
        summary_end = fh.tell()
    entry.write_bytes(entry.read_bytes()[:summary_end])  # the summary reads, the tables do not
    shutil.rmtree(next((tmp_path / ".cache").glob("v-*/segments")))  # merge from the documents' results
    result = build(synthetic, tmp_path, workers=2)
    assert [n for n in result.notes if f"{entry.name}: cannot read the cached result" in n and "read again" in n]
    assert result.processed == 1
    assert _files(tmp_path) == reference
    assert not list(tmp_path.glob(".staging-*"))


def test_edited_output_is_rewritten(synthetic, reference, tmp_path):
    build(synthetic, tmp_path, workers=1)
    (tmp_path / "measures.csv").write_text("edited by hand\n", encoding="utf-8")
    assert build(synthetic, tmp_path, workers=1).processed == 0
    assert _files(tmp_path) == reference


def test_one_changed_document_is_the_only_one_read(synthetic, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(synthetic, corpus)
    build(corpus, tmp_path / "out", workers=1)
    changed = sorted(corpus.glob("*/*.txt"))[5]
    changed.write_bytes(changed.read_bytes().replace("一、".encode(), "一、 ".encode(), 1) + b"\n")
    again = build(corpus, tmp_path / "out", workers=2, task_size=1)
    assert (again.processed, again.reused) == (1, N_SYNTH + 1)
    build(corpus, tmp_path / "fresh", workers=1, use_cache=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "fresh")


def test_changed_manifest_row_rereads_only_its_document(synthetic, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(synthetic, corpus)
    build(corpus, tmp_path / "out", workers=1)
    manifest = pd.read_csv(corpus / "manifest.csv", dtype=str, keep_default_na=False)
    manifest.loc[0, "region_zh"] = "某市"
    manifest.to_csv(corpus / "manifest.csv", index=False, lineterminator="\n")
    again = build(corpus, tmp_path / "out", workers=1)
    assert again.processed == 1
    docs = again.tables["documents"]
    assert docs.loc[docs.source_file == manifest.file[0], "region_zh"].item() == "某市"


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the package's code and resources that the code version is computed from."""
    copy = tmp_path / "package"
    shutil.copytree(cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", copy)
    return copy


def test_changed_resource_file_invalidates_every_document(synthetic, tmp_path, package_copy):
    out = tmp_path / "out"
    assert build(synthetic, out, workers=1).processed == N_SYNTH + 2
    assert build(synthetic, out, workers=1).processed == 0
    old = cache.code_version()
    registry = package_copy / "resources" / "extract" / "units.csv"
    registry.write_text(registry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.code_version() != old
    again = build(synthetic, out, workers=1)
    assert (again.processed, again.reused) == (N_SYNTH + 2, 0)
    kept = [p.name for p in (out / ".cache").iterdir() if p.name != cache.MARKER_NAME]
    assert kept == [f"v-{cache.code_version()}"]  # the old version is pruned


def test_changed_module_invalidates_every_document(package_copy):
    old = cache.code_version()
    (package_copy / "extract" / "indicators.py").write_text("# edited\n", encoding="utf-8")
    assert cache.code_version() != old


@pytest.mark.parametrize("edited", ["report/plots.py", "analyse/similarity.py", "resources/analyse/themes.csv",
                                    "resources/analyse/userdict.txt", "testing/synth.py"])
def test_analysis_and_report_code_keep_every_cached_document(synthetic, tmp_path, package_copy, edited):
    """No build step runs analyse/, report/ or their resources: editing them re-reads no document."""
    out = tmp_path / "out"
    assert build(synthetic, out, workers=1).processed == N_SYNTH + 2
    old = cache.code_version()
    path = package_copy / edited
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache.code_version() == old
    again = build(synthetic, out, workers=1)
    assert (again.processed, again.reused) == (0, N_SYNTH + 2)


def test_worker_with_other_code_refuses(synthetic, tmp_path):
    from eduanalysis.build.pipeline import process_batch

    with pytest.raises(EduAnalysisError, match="install the same eduanalysis"):
        process_batch(str(synthetic), [("empty.txt", None, "k" * 64)], str(tmp_path), "0" * 16, "elsewhere:1")


def test_dask_build_equals_the_local_build(synthetic, reference, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = build(synthetic, tmp_path, scheduler="dask", address=cluster.scheduler_address,
                       use_cache=False, task_size=2, batch_size=5)
    assert result.processed == N_SYNTH + 2
    assert _files(tmp_path) == reference


def test_cli_build_flags(synthetic, tmp_path, capsys):
    assert main(["build", "--corpus", str(synthetic), "--out", str(tmp_path / "a"), "--workers", "2",
                 "--no-cache", "--batch-size", "4", "--quiet"]) == 0
    assert f"{N_SYNTH} documents (2 rejected)" in capsys.readouterr().out
    assert not (tmp_path / "a" / ".cache").exists()
    assert main(["build", "--corpus", str(synthetic), "--out", str(tmp_path / "b"), "--cache", str(tmp_path / "c"),
                 "--workers", "1", "--quiet"]) == 0
    assert list((tmp_path / "c").glob("v-*/*/*.pkl")) and not (tmp_path / "b" / ".cache").exists()


@pytest.mark.parametrize("argv, message", [
    pytest.param(["--workers", "0"], "at least 1 worker", id="no-workers"),
    pytest.param(["--address", "tcp://127.0.0.1:1"], "add --scheduler dask", id="address-without-dask"),
    pytest.param(["--batch-size", "-1"], "positive number", id="batch-size"),
])
def test_cli_build_flag_errors(tmp_path, capsys, argv, message):
    assert main(["build", "--corpus", str(CORPUS), "--out", str(tmp_path), "--quiet", "--no-cache", *argv]) == 2
    assert message in capsys.readouterr().err


def test_table_writer_output_does_not_depend_on_the_pieces(tmp_path):
    df = schema.validate(pd.DataFrame({"source_file": [f"f{i:03d}.txt" for i in range(250)],
                                       "reason": ["x" * (i % 7) for i in range(250)]}), "rejects")
    tablefiles.write_frame(df, "rejects", tmp_path / "whole")
    with tablefiles.TableWriter("rejects", tmp_path / "pieces") as writer:
        for start in (0, 1, 40, 97, 98, 200):
            writer.write(df[(df.index >= start) & (df.index < {0: 1, 1: 40, 40: 97, 97: 98, 98: 200}.get(start, 250))])
    for name in ("rejects.parquet", "rejects.csv"):
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "pieces" / name).read_bytes()


def test_table_writer_refuses_pieces_out_of_key_order(tmp_path):
    df = schema.validate(pd.DataFrame({"source_file": ["a.txt", "b.txt"], "reason": ["x", "y"]}), "rejects")
    with pytest.raises(EduAnalysisError, match="key order"):
        with tablefiles.TableWriter("rejects", tmp_path) as writer:
            writer.write(df.iloc[1:])
            writer.write(df.iloc[:1])


# --- the synthetic corpus generator ------------------------------------------------


@pytest.mark.parametrize("n, expected", [
    pytest.param(1, "一", id="1"), pytest.param(10, "十", id="10"), pytest.param(16, "十六", id="16"),
    pytest.param(20, "二十", id="20"), pytest.param(58, "五十八", id="58"),
])
def test_cn_numeral(n, expected):
    assert synth.cn_numeral(n) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("到2022年,学前三年毛入园率达到90%", "到2024年,学前三年毛入园率达到90%", id="by-year"),
    pytest.param("盘政办发〔2019〕24号", "盘政办发〔2021〕24号", id="doc-number"),
    pytest.param("成文日期: 2019-05-30", "成文日期: 2021-05-30", id="iso-date"),
    pytest.param("(2021-2023年)", "(2023-2025年)", id="span"),
    pytest.param("年培训教师2000人次,建设1000所学校", "年培训教师2000人次,建设1000所学校", id="counts-untouched"),
    pytest.param("索引号: 01525537-2/20240318-00001", "索引号: 01525537-2/20240318-00001", id="long-numbers"),
])
def test_shift_years(text, expected):
    assert synth.shift_years(text, 2) == expected


@pytest.mark.parametrize("chapter, number, style, expected", [
    pytest.param("\n  二、重点任务\n\n  (一)", 5, "cn_comma", "\n  五、重点任务\n\n  (一)", id="comma"),
    pytest.param("第三章 学前教育\n\n(十一)", 2, "cn_comma", "二、学前教育\n\n(十一)", id="chapter-to-comma"),
    pytest.param("四、工作要求\n(一)", 12, "chapter", "第十二章 工作要求\n(一)", id="comma-to-chapter"),
])
def test_relabel(chapter, number, style, expected):
    assert synth.relabel(chapter, number, style) == expected


def test_generator_is_deterministic_and_prefix_stable(tmp_path):
    small = synth.generate(tmp_path / "a", 3)
    large = synth.generate(tmp_path / "b", 5)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in large[:3]]
    assert [p.relative_to(tmp_path / "a") for p in small] == [p.relative_to(tmp_path / "b") for p in large[:3]]


def test_generated_documents_read_as_policy_documents(synthetic):
    built = build_tables(synthetic)
    docs, secs, targets = (built.tables[n] for n in ("documents", "sections", "targets"))
    assert len(docs) == N_SYNTH and set(docs.source_file.str.split("/").str[0]) <= {p for p, _ in synth.read_regions()}
    assert docs.content_sha1.is_unique and docs.n_chars.min() > 2000
    assert built.warnings == []
    for doc in docs.itertuples():
        top = secs[(secs.doc_id == doc.doc_id) & (secs.level == 1) & secs.number.notna()]
        assert top.number.tolist() == list(range(1, len(top) + 1)), doc.source_file  # renumbered 1..n
        assert len(top) >= 3, doc.source_file
        assert synth.short_region(doc.region_zh) in doc.text, doc.source_file
    assert targets.doc_id.nunique() >= N_SYNTH - 1
    assert (secs.kind == "table").any() or (secs.kind == "box").any()
    assert docs.encoding.isin(["utf-8", "gb18030"]).all()
