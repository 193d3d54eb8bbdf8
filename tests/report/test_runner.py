"""The report command: parameter validation, kernel choice, failures that name notebook and cell."""

import argparse
import os
from pathlib import Path

import nbformat
import pytest

from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import notebooks as report


@pytest.mark.parametrize("raw, message", [
    pytest.param({"lang": "fr"}, "lang must be one of zh, en, both", id="lang"),
    pytest.param({"seed": "42"}, "seed must be an integer", id="seed-string"),
    pytest.param({"seed": True}, "seed must be an integer", id="seed-bool"),
    pytest.param({"regions": "Panjin"}, "regions must be", id="regions-bare-string"),
    pytest.param({"regions": []}, "regions must be", id="regions-empty"),
    pytest.param({"regions": ["Panjin", 3]}, "regions must be", id="regions-non-string"),
    pytest.param({"processed_dir": 5}, "processed_dir must be a folder path", id="path"),
    pytest.param({"colour": "red"}, "unknown parameters \\['colour'\\]", id="unknown"),
    pytest.param({"notebooks": {"20_themes": 3}}, "notebooks must be a mapping", id="knobs-not-mapping"),
    pytest.param({"notebooks": {"20_themes": {"processed_dir": "x"}}}, "set them at the top level", id="folder-in-knobs"),
    pytest.param({"notebooks": {"20_themes": {"lang": "fr"}}}, "notebooks.20_themes.lang must be", id="bad-override"),
    pytest.param({"max_labels": 0}, "max_labels must be a positive integer", id="max-labels"),
    pytest.param({"user_dictionaries": {"themes": "x.csv"}}, "unknown kind 'themes'", id="dictionary-kind"),
    pytest.param({"user_dictionaries": {"taxonomy": "no/such.csv"}}, "does not exist", id="dictionary-file"),
    pytest.param({"user_dictionaries": {"replace": ["taxonomy"]}}, "gives no file", id="replace-without-file"),
])
def test_validate_params_names_the_bad_parameter(raw, message):
    with pytest.raises(EduAnalysisError, match=message):
        report.validate_params(raw)


def test_load_params_reads_yaml_and_defaults(tmp_path):
    f = tmp_path / "params.yml"
    f.write_text("lang: en\nregions: [Panjin, 大连市]\nseed: 3\nnotebooks:\n  20_themes: {n_clusters: 8}\n",
                 encoding="utf-8")
    p = report.load_params(f)
    assert (p.lang, p.regions, p.seed) == ("en", ["Panjin", "大连市"], 3)
    nb = p.for_notebook("20_themes")
    assert nb["n_clusters"] == 8 and os.path.isabs(nb["processed_dir"]) and nb["lang"] == "en"
    assert "n_clusters" not in p.for_notebook("10_similarity")
    assert report.load_params(None).lang == "zh"


def test_load_params_rejects_bad_yaml_and_non_mapping(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("lang: [en\n", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match="not valid YAML"):
        report.load_params(bad)
    (tmp_path / "list.yml").write_text("- en\n", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match="must be a mapping"):
        report.load_params(tmp_path / "list.yml")
    with pytest.raises(EduAnalysisError, match="cannot read"):
        report.load_params(tmp_path / "missing.yml")


#: The report-wide parameters every notebook declares (check_notebook_params refuses one that lacks them).
COMMON_CELL = "\n".join(f"{k} = None" for k in report.COMMON)


def _notebook(path, source, params="x = 1"):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell(COMMON_CELL + "\n" + params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), p, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "no-such-kernel", "display_name": "x", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_notebook_knobs_are_checked_against_the_parameters_cell(tmp_path):
    _notebook(tmp_path / "20_themes.ipynb", "pass", params="n_clusters = None\nk_range = [4, 14]\nn_seeds = 5")
    paths = report.notebook_paths(tmp_path)
    ok = report.validate_params({"notebooks_dir": str(tmp_path), "notebooks": {"20_themes": {"n_clusters": 6}}})
    report.check_notebook_params(paths, ok)
    for knobs, message in [({"n_seeds": "5"}, "n_seeds = '5' must be a whole number"),
                           ({"k": 5}, "has no parameter 'k'"),
                           ({"k_range": 4}, "k_range = 4 must be a list of two whole numbers")]:
        params = report.validate_params({"notebooks_dir": str(tmp_path), "notebooks": {"20_themes": knobs}})
        with pytest.raises(EduAnalysisError, match=message):
            report.check_notebook_params(paths, params)
    params = report.validate_params({"notebooks_dir": str(tmp_path), "notebooks": {"99_nope": {}}})
    with pytest.raises(EduAnalysisError, match="99_nope"):
        report.check_notebook_params(paths, params)


def test_kernel_falls_back_to_python3(monkeypatch):
    from jupyter_client import kernelspec

    monkeypatch.setattr(kernelspec.KernelSpecManager, "find_kernel_specs", lambda self: {"python3": "/x"})
    assert report.kernel_name() == "python3"
    monkeypatch.setattr(kernelspec.KernelSpecManager, "find_kernel_specs",
                        lambda self: {"python3": "/x", "eduanalysis": "/y"})
    assert report.kernel_name() == "eduanalysis"


def test_ipykernel_kernels_start_without_their_tcp_warning_and_other_kernels_without_arguments(tmp_path, monkeypatch):
    import json

    for name, argv in {"ipk": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                       "xeus": ["xpython", "-f", "{connection_file}"]}.items():
        (tmp_path / "kernels" / name).mkdir(parents=True)
        (tmp_path / "kernels" / name / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": name, "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert report.kernel_arguments("ipk") == list(report.IPYKERNEL_ARGUMENTS)
    assert report.kernel_arguments("xeus") == [] and report.kernel_arguments("no-such-kernel") == []


def test_a_notebook_run_prints_no_kernel_warning(tmp_path, capfd):
    nb = _notebook(tmp_path / "10_ok.ipynb", "print(x * 2)")
    report.run_notebook(nb, tmp_path / "out", {"x": 2}, report.FALLBACK_KERNEL)
    err = capfd.readouterr().err
    assert "without encryption" not in err and "WARNING" not in err, err
    assert "4" in nbformat.read(tmp_path / "out" / "10_ok.ipynb", as_version=4).cells[-1].outputs[0]["text"]


def test_failing_notebook_names_notebook_and_cell(tmp_path):
    nb = _notebook(tmp_path / "10_broken.ipynb", "raise ValueError('no such region')")
    with pytest.raises(report.NotebookFailed, match=r"10_broken.ipynb failed in cell 3 .*starting .raise ValueError.*ValueError: no such region"):
        report.run_notebook(nb, tmp_path / "out", {"x": 2}, report.FALLBACK_KERNEL)
    assert (tmp_path / "out" / "10_broken.ipynb").exists()  # the executed copy keeps the traceback


def test_cli_exits_non_zero_on_failure(tmp_path, capsys, monkeypatch):
    sub = argparse.ArgumentParser().add_subparsers(dest="command")
    report.register_cli(sub)
    args = sub.choices["report"].parse_args(["--params", str(tmp_path / "p.yml"), "--out", str(tmp_path / "r")])
    (tmp_path / "p.yml").write_text("lang: en\n", encoding="utf-8")

    def fail(*a, **k):
        raise report.NotebookFailed("notebook 20_themes.ipynb failed in cell 5")

    monkeypatch.setattr(report, "report", fail)
    assert args.func(args) == 1
    assert "20_themes.ipynb failed in cell 5" in capsys.readouterr().err


def _atomic_setup(tmp_path, monkeypatch, fail_at=None, interrupt_at=None):
    """Two notebooks whose runs are faked (no kernel), a one-document corpus, and a previous report."""
    import shutil
    from pathlib import Path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(Path("data/raw").glob("000_*.txt")), corpus)
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for name in ("00_a", "10_b"):
        _notebook(notebooks / f"{name}.ipynb", "pass")
    figures, reports = tmp_path / "figures", tmp_path / "reports"
    figures.mkdir()
    reports.mkdir()
    for path in (figures / "00_a.svg", figures / "10_b.svg", reports / "00_a.html", reports / "index.html"):
        path.write_text("old", encoding="utf-8")
    for folder in (figures, reports):  # written by an earlier report, which marks its folders
        (folder / report.OWNER_MARKER).write_text("", encoding="utf-8")

    def fake_run(path, out_dir, parameters, kernel, replace=None):
        Path(parameters["figures_dir"], f"{path.stem}.svg").write_text("new", encoding="utf-8")
        out = out_dir / path.name
        out.write_text("new", encoding="utf-8")
        out.with_suffix(".html").write_text("new", encoding="utf-8")
        if path.stem == interrupt_at:
            raise KeyboardInterrupt
        if path.stem == fail_at:
            raise report.NotebookFailed(f"notebook {path.name} failed in cell 3; the executed copy is {out}")
        return out

    monkeypatch.setattr(report, "run_notebook", fake_run)
    params = report.validate_params({"corpus_dir": str(corpus), "processed_dir": str(tmp_path / "processed"),
                                     "figures_dir": str(figures), "notebooks_dir": str(notebooks),
                                     "analysis_dir": str(tmp_path / "analysis")})
    return params, figures, reports


def _contents(*folders):
    return {p: p.read_text(encoding="utf-8") for f in folders for p in sorted(f.rglob("*")) if p.is_file()}


def test_interrupted_report_leaves_the_previous_report_and_figures(tmp_path, monkeypatch):
    params, figures, reports = _atomic_setup(tmp_path, monkeypatch, interrupt_at="10_b")
    before = _contents(figures, reports)
    with pytest.raises(KeyboardInterrupt):
        report.report(params, reports, progress=False, kernel="python3")
    assert _contents(figures, reports) == before
    leftovers = {p.name for p in [*figures.iterdir(), *reports.iterdir()] if p.name.startswith(".")}
    assert leftovers <= {report.OWNER_MARKER}


def test_failed_report_keeps_the_previous_one_and_the_failed_copy_apart(tmp_path, monkeypatch):
    params, figures, reports = _atomic_setup(tmp_path, monkeypatch, fail_at="10_b")
    before = _contents(figures, reports)
    with pytest.raises(report.NotebookFailed, match=r"failed/10_b.ipynb; the previous report and figures are unchanged"):
        report.report(params, reports, progress=False, kernel="python3")
    after = _contents(figures, reports)
    assert {p: t for p, t in after.items() if "failed" not in p.parts} == before
    assert (reports / "failed" / "10_b.ipynb").exists()


def test_successful_report_replaces_the_previous_one(tmp_path, monkeypatch):
    params, figures, reports = _atomic_setup(tmp_path, monkeypatch)
    (reports / "failed").mkdir()  # the copies of an earlier failed run
    (reports / "failed" / report.OWNER_MARKER).write_text("", encoding="utf-8")
    report.report(params, reports, progress=False, kernel="python3")
    assert (figures / "10_b.svg").read_text(encoding="utf-8") == "new"
    assert (reports / "10_b.html").read_text(encoding="utf-8") == "new"
    assert "10_b.html" in (reports / "index.html").read_text(encoding="utf-8")
    assert not (reports / "failed").exists()


def test_params_file_names_every_input_once_with_a_per_notebook_override(tmp_path):
    tax = tmp_path / "themes.csv"
    tax.write_text("theme_id,name_zh,name_en,keywords\narts,美育,Arts,美育|艺术\n", encoding="utf-8")
    f = tmp_path / "run.yml"
    f.write_text(f"""
corpus_dir: {tmp_path}/corpus
processed_dir: {tmp_path}/processed
figures_dir: {tmp_path}/figures
analysis_dir: {tmp_path}/analysis
notebooks_dir: {tmp_path}/nb
regions: [Panjin, 大连市]
lang: both
seed: 7
max_labels: 60
user_dictionaries: {{taxonomy: {tax}, replace: [taxonomy]}}
notebooks:
  20_themes: {{n_clusters: 6, max_labels: 100, lang: en}}
""", encoding="utf-8")
    p = report.load_params(f)
    common = p.for_notebook("00_corpus_overview")
    assert set(common) == set(report.COMMON)
    assert common["analysis_dir"] == str((tmp_path / "analysis").resolve())
    assert (common["lang"], common["seed"], common["max_labels"]) == ("both", 7, 60)
    assert common["regions"] == ["Panjin", "大连市"]
    assert common["user_dictionaries"] == {"taxonomy": str(tax.resolve()), "replace": ["taxonomy"]}
    themes = p.for_notebook("20_themes")
    assert (themes["max_labels"], themes["lang"], themes["n_clusters"]) == (100, "en", 6)
    assert p.corpus_dir == tmp_path / "corpus" and p.notebooks_dir == tmp_path / "nb"


def test_cli_flags_override_the_params_file(tmp_path, monkeypatch):
    sub = argparse.ArgumentParser().add_subparsers(dest="command")
    report.register_cli(sub)
    (tmp_path / "p.yml").write_text("lang: en\nmax_labels: 10\n", encoding="utf-8")
    args = sub.choices["report"].parse_args(["--params", str(tmp_path / "p.yml"), "--corpus", "c", "--analysis", "a",
                                             "--regions", "Panjin,大连市", "--max-labels", "70"])
    seen = {}
    monkeypatch.setattr(report, "report", lambda params, out, progress: seen.setdefault("p", params))
    assert args.func(args) == 0
    p = seen["p"]
    assert (str(p.corpus_dir), str(p.analysis_dir), p.regions, p.max_labels, p.lang) == (
        "c", "a", ["Panjin", "大连市"], 70, "en")


def test_report_refuses_a_processed_folder_of_another_corpus(tmp_path):
    import shutil
    from pathlib import Path

    import eduanalysis

    raw = sorted(Path("data/raw").glob("00[01]_*.txt"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(raw[0], tmp_path / "a")
    shutil.copy(raw[1], tmp_path / "b")
    eduanalysis.build(tmp_path / "a", tmp_path / "processed")
    own = report.validate_params({"corpus_dir": str(tmp_path / "a"), "processed_dir": str(tmp_path / "processed")})
    report.check_processed_dir(own)  # its own corpus: fine
    other = report.validate_params({"corpus_dir": str(tmp_path / "b"), "processed_dir": str(tmp_path / "processed")})
    with pytest.raises(EduAnalysisError, match="was built from the corpus .*set corpus_dir"):
        report.check_processed_dir(other)


def test_report_refuses_a_build_of_no_documents(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.doc").write_bytes(b"x")
    params = report.validate_params({"corpus_dir": str(tmp_path / "corpus"), "processed_dir": str(tmp_path / "p"),
                                     "notebooks_dir": "notebooks", "analysis_dir": str(tmp_path / "an"),
                                     "figures_dir": str(tmp_path / "f")})
    with pytest.raises(EduAnalysisError, match=r"read 0 documents .*legacy Word \.doc"):
        report.report(params, tmp_path / "r", progress=False, kernel="python3")


def test_analysis_dir_of_another_run_is_never_overwritten(tmp_path):
    base = {"analysis_dir": str(tmp_path / "an"), "seed": 1}
    first = report.validate_params(base)
    first.analysis_dir.mkdir()
    (first.analysis_dir / report.RUN_RECORD).write_text(report._run_record(first), encoding="utf-8")
    report.check_analysis_dir(first)
    report.check_analysis_dir(report.validate_params({**base, "lang": "en"}))  # labels only: same tables
    with pytest.raises(EduAnalysisError, match="other parameters \\(seed: 1 -> 2\\).*--analysis DIR"):
        report.check_analysis_dir(report.validate_params({**base, "seed": 2}))


# --- notebooks at once (jobs) ---------------------------------------------------------------

def _paths(*names):
    from pathlib import Path

    return [Path(f"{n}.ipynb") for n in names]


def test_run_all_keeps_name_order_and_runs_at_most_jobs_at_once():
    import threading
    import time

    active, most, lock, said = [0], [0], threading.Lock(), []

    def run(path):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep({"00_a": 0.3, "10_b": 0.05, "20_c": 0.1, "30_d": 0.05}[path.stem])
        with lock:
            active[0] -= 1
        return path.stem

    out = report.run_all(_paths("00_a", "10_b", "20_c", "30_d"), run, 2, said.append, "k")
    assert out == ["00_a", "10_b", "20_c", "30_d"] and most[0] == 2
    assert [m for m in said if m.endswith("…")] == [f"[{i}/4] {n} (kernel k) …" for i, n in
                                                     enumerate(["00_a", "10_b", "20_c", "30_d"], start=1)]
    done = [m for m in said if " done in " in m]
    assert len(done) == 4 and done[-1].startswith("[1/4] 00_a done in ")  # the slow first one ends last
    assert report.run_all(_paths("00_a", "10_b"), run, 1, said.append) == ["00_a", "10_b"]


def test_a_failure_while_another_notebook_runs_stops_new_starts_and_names_the_first_failure():
    import time

    started, finished = [], []

    def run(path):
        started.append(path.stem)
        if path.stem == "00_a":
            time.sleep(0.4)  # still running when 10_b fails
            finished.append(path.stem)
            return path.stem
        if path.stem in ("10_b", "20_c"):
            raise report.NotebookFailed(f"notebook {path.name} failed in cell 3")
        return path.stem

    with pytest.raises(report.NotebookFailed, match="10_b.ipynb failed in cell 3"):
        report.run_all(_paths("00_a", "10_b", "20_c", "30_d"), run, 2, lambda m: None)
    assert finished == ["00_a"]  # the running notebook finished …
    assert "30_d" not in started  # … and none started after the failure


def test_failed_parallel_report_keeps_the_previous_one_and_moves_every_executed_copy_to_failed(tmp_path, monkeypatch):
    import dataclasses
    import time

    params, figures, reports = _atomic_setup(tmp_path, monkeypatch, fail_at="00_a")
    fake = report.run_notebook

    def timed(path, *args, **kwargs):  # 10_b is still running when 00_a fails
        time.sleep(0.5 if path.stem == "10_b" else 0.1)
        return fake(path, *args, **kwargs)

    monkeypatch.setattr(report, "run_notebook", timed)
    before = _contents(figures, reports)
    with pytest.raises(report.NotebookFailed, match=r"failed/00_a.ipynb; the previous report and figures are unchanged"):
        report.report(dataclasses.replace(params, jobs=2), reports, progress=False, kernel="python3")
    after = _contents(figures, reports)
    assert {p: t for p, t in after.items() if "failed" not in p.parts} == before
    assert (reports / "failed" / "00_a.ipynb").exists() and (reports / "failed" / "10_b.ipynb").exists()


def test_parallel_report_publishes_what_a_sequential_one_does(tmp_path, monkeypatch):
    import dataclasses

    params, figures, reports = _atomic_setup(tmp_path, monkeypatch)

    def files():
        return {p.relative_to(tmp_path): p.read_bytes() for f in (figures, reports) for p in sorted(f.rglob("*"))
                if p.is_file()}

    report.report(dataclasses.replace(params, jobs=2), reports, progress=False, kernel="python3")
    parallel = files()
    report.report(dataclasses.replace(params, jobs=1), reports, progress=False, kernel="python3")
    assert parallel == files() and b"10_b.html" in parallel[Path("reports/index.html")]


def test_two_real_kernels_at_once_one_failing(tmp_path):
    """papermill and nbclient driven from two threads: each kernel in its notebook's folder, the failure named."""
    import time

    (tmp_path / "nb").mkdir()
    ok = _notebook(tmp_path / "nb" / "00_ok.ipynb",
                   "import os, time\ntime.sleep(1)\nopen('ran.txt', 'w').write(str(x))\nprint(os.getcwd())")
    broken = _notebook(tmp_path / "nb" / "10_broken.ipynb", "raise ValueError('no such region')")
    cwd = os.getcwd()
    start = time.monotonic()
    with pytest.raises(report.NotebookFailed, match=r"10_broken.ipynb failed in cell 3 .*ValueError: no such region"):
        report.run_all([ok, broken], lambda p: report.run_notebook(p, tmp_path / "out", {"x": 2}, report.FALLBACK_KERNEL),
                       2, lambda m: None)
    assert os.getcwd() == cwd  # the report process never changes its working directory
    assert (tmp_path / "nb" / "ran.txt").read_text() == "2"  # 00_ok ran (in its folder) beside the failing one
    executed = nbformat.read(tmp_path / "out" / "00_ok.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"].strip() == str(tmp_path / "nb")
    assert time.monotonic() - start < 60


@pytest.mark.parametrize("raw, message", [
    pytest.param({"jobs": 0}, "jobs must be a positive integer", id="jobs-zero"),
    pytest.param({"jobs": "2"}, "jobs must be a positive integer", id="jobs-string"),
    pytest.param({"formats": ["png", "jpg"]}, r"formats \['jpg'\] are not figure formats.*; choose among png, svg, pdf",
                 id="format-unknown"),
    pytest.param({"formats": ["PDF", "png"]}, r"\(did you mean 'pdf'\?\)", id="format-case"),
    pytest.param({"formats": ["svg", "pdf"]}, "formats must include 'png' .*gallery show the PNG", id="no-png"),
    pytest.param({"formats": []}, "formats must be a list of figure formats", id="formats-empty"),
    pytest.param({"formats": "png"}, "formats must be a list of figure formats", id="formats-string"),
    pytest.param({"formats": ["png", "png"]}, "names a format twice", id="formats-twice"),
    pytest.param({"notebooks": {"20_themes": {"formats": ["png"]}}}, "set them at the top level", id="formats-per-notebook"),
])
def test_jobs_and_formats_are_checked(raw, message):
    with pytest.raises(EduAnalysisError, match=message):
        report.validate_params(raw)


def test_jobs_default_and_formats_reach_every_notebook(monkeypatch):
    p = report.validate_params({"formats": ["pdf", "png"]})
    assert p.formats == ("png", "pdf") and p.jobs == report.default_jobs() and 1 <= p.jobs <= 2
    assert all(p.for_notebook(n)["formats"] == ["png", "pdf"] for n in ("00_corpus_overview", "20_themes"))
    assert report.validate_params({"jobs": 3}).jobs == 3
    assert "formats" not in report._run_record(p) and "jobs" not in report._run_record(p)  # not in the tables
    assert "jobs" not in dict(report.site.params_rows(p))  # the index is the same whatever jobs
    sub = argparse.ArgumentParser().add_subparsers(dest="command")
    report.register_cli(sub)
    args = sub.choices["report"].parse_args(["--jobs", "1", "--formats", "png"])
    seen = {}
    monkeypatch.setattr(report, "report", lambda params, out, progress: seen.setdefault("p", params))
    assert args.func(args) == 0
    assert (seen["p"].jobs, seen["p"].formats) == (1, ("png",))


def test_notebooks_run_one_at_a_time_when_two_kernels_would_not_fit_the_memory(tmp_path):
    # A corpus of 2.6 M measures (10,000 documents) needs about 3 GB a kernel: two at once on a machine with
    # 4 GB free would swap, so the run goes one at a time and says why; a small corpus keeps both kernels.
    import pandas as pd

    pd.DataFrame({"measure_id": [f"m{i}" for i in range(1000)]}).to_parquet(tmp_path / "measures.parquet")
    said = []
    small = report.kernel_memory(tmp_path)
    assert small is not None and report.memory_jobs(2, tmp_path, said.append, available=int(4e9)) == 2 and not said
    assert report.memory_jobs(2, tmp_path, said.append, available=int(small * 1.5)) == 1
    assert said and "1 notebook at a time, not 2" in said[0] and "GB of memory is available" in said[0]
    assert report.memory_jobs(3, tmp_path, said.append, available=int(small * 2.2)) == 2
    assert report.memory_jobs(1, tmp_path, said.append, available=1) == 1
    assert report.memory_jobs(2, tmp_path / "missing", said.append, available=1) == 2  # nothing to estimate from
