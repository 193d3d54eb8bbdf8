"""Promise: folders and files the tool does not own are never deleted or overwritten (issue 13, case 11)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from reliability_helpers import GOOD, write_corpus

from eduanalysis.build.pipeline import build
from eduanalysis.cli import main
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import notebooks as report


def _notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("00_a", "10_b"):
        nb = nbformat.v4.new_notebook()
        # the parameters every notebook of a report declares (report.COMMON), as the real ones do
        cell = nbformat.v4.new_code_cell('processed_dir = ""\nfigures_dir = ""\nanalysis_dir = ""\nregions = "all"\n'
                                         'lang = "zh"\nseed = 1\nmax_labels = 40\nuser_dictionaries = {}\n'
                                         'formats = ["png", "svg", "pdf"]')
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    """A one-document corpus, two notebooks whose runs are faked (no kernel), the folders of a report."""
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": GOOD})
    notebooks = _notebooks(tmp_path / "nb")

    def fake_run(path, out_dir, parameters, kernel, replace=None, fail_at=None):
        Path(parameters["figures_dir"], f"{path.stem}.svg").write_text("new", encoding="utf-8")
        out = out_dir / path.name
        out.write_text("new", encoding="utf-8")
        out.with_suffix(".html").write_text("new", encoding="utf-8")
        if path.stem == getattr(fake_run, "fail_at", None):
            raise report.NotebookFailed(f"notebook {path.name} failed in cell 3; the executed copy is {out}")
        return out

    monkeypatch.setattr(report, "run_notebook", fake_run)
    params = report.validate_params({"corpus_dir": str(corpus), "processed_dir": str(tmp_path / "processed"),
                                     "figures_dir": str(tmp_path / "figures"), "notebooks_dir": str(notebooks),
                                     "analysis_dir": str(tmp_path / "analysis")})
    return params, tmp_path / "reports", fake_run, corpus


def test_a_successful_report_keeps_a_user_folder_named_failed(setup):
    params, reports, _, _ = setup
    (reports / "failed").mkdir(parents=True)
    (reports / "failed" / "my notes.txt").write_text("keep me", encoding="utf-8")
    report.report(params, reports, progress=False, kernel="python3")
    assert (reports / "failed" / "my notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (reports / "10_b.html").read_text(encoding="utf-8") == "new"


def test_a_failed_report_goes_beside_a_user_folder_named_failed(setup):
    params, reports, fake_run, _ = setup
    (reports / "failed").mkdir(parents=True)
    (reports / "failed" / "my notes.txt").write_text("keep me", encoding="utf-8")
    fake_run.fail_at = "10_b"
    with pytest.raises(report.NotebookFailed, match="failed-2/10_b.ipynb"):
        report.report(params, reports, progress=False, kernel="python3")
    assert sorted(p.name for p in (reports / "failed").iterdir()) == ["my notes.txt"]
    fake_run.fail_at = None
    report.report(params, reports, progress=False, kernel="python3")
    assert not (reports / "failed-2").exists() and (reports / "failed" / "my notes.txt").exists()


def test_a_report_never_overwrites_files_it_did_not_write(setup):
    params, reports, _, _ = setup
    reports.mkdir()
    (reports / "index.html").write_text("my own page", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match="already holds .*index.html.* nothing was overwritten"):
        report.report(params, reports, progress=False, kernel="python3")
    assert (reports / "index.html").read_text(encoding="utf-8") == "my own page"
    assert not list(reports.glob(".staging-*"))


def test_the_cache_prunes_only_the_folders_it_wrote(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": GOOD})
    cache_dir = tmp_path / "my-folder"
    (cache_dir / "v-2024 holiday photos").mkdir(parents=True)
    (cache_dir / "v-2024 holiday photos" / "beach.jpg").write_bytes(b"\xff\xd8")
    build(corpus, tmp_path / "out", workers=1, cache_dir=cache_dir)
    old = next(p for p in cache_dir.iterdir() if p.name.startswith("v-") and "photos" not in p.name)
    old.rename(cache_dir / "v-0000000000000000")  # an entry of another code version, written by a build
    (tmp_path / "out" / ".build.json").unlink()
    build(corpus, tmp_path / "out", workers=1, cache_dir=cache_dir)
    assert (cache_dir / "v-2024 holiday photos" / "beach.jpg").exists()
    assert not (cache_dir / "v-0000000000000000").exists()


def test_a_build_never_overwrites_tables_it_did_not_write(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": GOOD})
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "documents.csv").write_text("my,own,87,documents\n", encoding="utf-8")
    assert main(["build", "--corpus", str(corpus), "--out", str(mine), "--quiet"]) == 2
    assert "documents.csv that no eduanalysis build wrote" in capsys.readouterr().err
    assert (mine / "documents.csv").read_text(encoding="utf-8") == "my,own,87,documents\n"


def test_a_report_refuses_to_rebuild_a_processed_folder_from_another_corpus(tmp_path, monkeypatch, capsys):
    theirs = write_corpus(tmp_path / "their-corpus", {"a.txt": GOOD, "b.txt": GOOD.replace("某市", "某县")})
    processed = tmp_path / "processed-87"
    build(theirs, processed, workers=1)
    before = (processed / "documents.parquet").read_bytes()
    monkeypatch.chdir(tmp_path)  # corpus_dir defaults to data/raw, which is not the corpus the tables came from
    params = tmp_path / "p.yml"
    params.write_text(f"processed_dir: {processed}\nnotebooks_dir: {_notebooks(tmp_path / 'nb')}\n", encoding="utf-8")
    assert main(["report", "--params", str(params), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"was built from the corpus {theirs.resolve()}" in err and "set corpus_dir" in err
    assert (processed / "documents.parquet").read_bytes() == before
