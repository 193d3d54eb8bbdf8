"""Promise: report parameters are read without alias expansion and every knob is checked — types, element
types, ranges, null, file names that stay in their folder, regions — before any kernel starts, with exit
status 2 (issue 13, cases 8, 9, 13)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from reliability_helpers import GOOD, write_corpus

from eduanalysis.cli import main
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import notebooks as report
from eduanalysis.report import params as params_module
from eduanalysis.report.paper_tables import save_paper_table

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

#: 394 bytes that expand to 10^9 list items if aliases are followed.
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _file(tmp_path, text, name="p.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- case 8: alias bombs ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    pytest.param(ALIAS_BOMB, id="top-level"),
    pytest.param("notebooks:\n  20_themes:\n    k_range: &k [4, 14]\n  10_similarity:\n    top_k: *k\n",
                 id="as-a-knob"),
    pytest.param(ALIAS_BOMB.replace("a: &a", "regions: &a"), id="as-regions"),
])
def test_anchors_and_aliases_are_refused_at_once(tmp_path, text):
    start = time.monotonic()
    with pytest.raises(EduAnalysisError, match="anchors and aliases .* are not accepted") as info:
        report.load_params(_file(tmp_path, text))
    assert time.monotonic() - start < 2 and len(str(info.value)) < 400


def test_python_tags_and_huge_files_are_refused(tmp_path, monkeypatch):
    with pytest.raises(EduAnalysisError, match="not valid YAML"):
        report.load_params(_file(tmp_path, "seed: !!python/object/apply:os.system ['echo pwned']\n"))
    monkeypatch.setenv("EDUANALYSIS_MAX_PARAMS_BYTES", "100")
    with pytest.raises(EduAnalysisError, match="larger than 100 bytes"):
        report.load_params(_file(tmp_path, "lang: en\n" + "# padding\n" * 20))


def test_error_messages_stay_short_whatever_the_value(tmp_path):
    with pytest.raises(EduAnalysisError) as info:
        report.load_params(_file(tmp_path, "seed: [" + ", ".join(["1"] * 2_000) + "]\n"))
    assert "seed must be an integer" in str(info.value) and len(str(info.value)) < 300


# --- cases 9 and 13: every knob checked before any kernel -------------------------------------------


def _check(knobs: dict):
    params = report.validate_params({"notebooks_dir": str(NOTEBOOKS), "notebooks": knobs})
    report.check_notebook_params(report.notebook_paths(NOTEBOOKS), params)


@pytest.mark.parametrize(("knobs", "message"), [
    pytest.param({"40_targets": {"table_name": "../../x"}}, "must be a plain file name", id="table-name-escapes"),
    pytest.param({"40_targets": {"table_name": "/etc/cron.d/x"}}, "must be a plain file name", id="table-name-abs"),
    pytest.param({"40_targets": {"table_name": ".hidden"}}, "must be a plain file name", id="table-name-dot"),
    pytest.param({"40_targets": {"max_rows": None}}, "max_rows may not be null", id="null"),
    pytest.param({"40_targets": {"max_rows": -1}}, "out of range", id="negative-count"),
    pytest.param({"20_themes": {"k_range": ["4", 14]}}, "list of two whole numbers", id="list-element-type"),
    pytest.param({"20_themes": {"k_range": [14, 4]}}, "must not exceed", id="list-order"),
    pytest.param({"20_themes": {"n_clusters": "eight"}}, "whole number", id="none-default-type"),
    pytest.param({"20_themes": {"n_clusters": [3, 4]}}, "whole number", id="none-default-list"),
    pytest.param({"20_themes": {"method": "kmeens"}}, "did you mean 'kmeans'", id="choice"),
    pytest.param({"10_similarity": {"n_jobs": 0}}, "out of range", id="zero-jobs"),
    pytest.param({"10_similarity": {"alignment_min_similarity": 2.5}}, "from 0 to 1", id="fraction"),
    pytest.param({"10_similarity": {"top_k": True}}, "whole number", id="bool-for-int"),
])
def test_bad_knobs_are_refused(knobs, message):
    with pytest.raises(EduAnalysisError, match=message):
        _check(knobs)


def test_good_knobs_pass():
    _check({"20_themes": {"n_clusters": None, "k_range": [3, 6], "method": "agglomerative"},
            "10_similarity": {"n_jobs": None, "alignment_min_similarity": 0.3},
            "40_targets": {"table_name": "targets_表", "max_rows": 5}})


@pytest.mark.parametrize("raw", [
    pytest.param({"seed": None}, id="seed"), pytest.param({"regions": None}, id="regions"),
    pytest.param({"lang": None}, id="lang"), pytest.param({"processed_dir": None}, id="dir"),
    pytest.param({"notebooks": None}, id="notebooks"),
])
def test_null_top_level_parameters_are_refused(raw):
    with pytest.raises(EduAnalysisError, match="must be"):
        report.validate_params(raw)


def test_every_rule_names_a_knob_some_notebook_takes():
    import papermill

    declared = {k for p in report.notebook_paths(NOTEBOOKS) for k in papermill.inspect_notebook(str(p))}
    assert set(params_module.knob_rules()) <= declared


def test_the_paper_table_cannot_be_written_outside_figures_dir(tmp_path):
    import pandas as pd

    with pytest.raises(EduAnalysisError, match="plain file name"):
        save_paper_table(pd.DataFrame(), "../../x", tmp_path / "figures")
    assert not (tmp_path / "x.csv").exists()


def test_an_unknown_region_exits_2_before_any_kernel_with_did_you_mean(tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "c", {"a.txt": GOOD, "manifest.csv": "file,region_zh,region_en\na.txt,大连市,Dalian\n"})
    started = []
    monkeypatch.setattr(report, "run_notebook", lambda *a, **k: started.append(a))
    monkeypatch.setattr(report, "kernel_name", lambda: "python3")
    params = _file(tmp_path, f"corpus_dir: {corpus}\nprocessed_dir: {tmp_path / 'processed'}\n"
                             f"figures_dir: {tmp_path / 'figures'}\nnotebooks_dir: {NOTEBOOKS}\nregions: [Dalain]\n")
    assert main(["report", "--params", str(params), "--out", str(tmp_path / "reports"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "regions 'Dalain' (did you mean 'Dalian'?) are not in the corpus" in err
    assert not started
