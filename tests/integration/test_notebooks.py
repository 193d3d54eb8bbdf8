"""The notebooks, executed: papermill on a small fixture corpus with non-default parameters, and nbval.

The papermill run goes through :func:`eduanalysis.report.notebooks.report` (build, run in
order, HTML export), on three of the five documents with English labels and
two regions selected. nbval executes the committed notebooks unchanged with
their default parameters (``../data/processed``, ``../figures``) from a copy of
``notebooks/`` next to a full build in a temporary folder.
"""

import csv
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

import eduanalysis
from eduanalysis.build.pipeline import read_table
from eduanalysis.report import notebooks as report

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
NOTEBOOKS = ROOT / "notebooks"
FIXTURE_FILES = ["000_b243c2944faa9261.txt", "002_3cb0529346446471.txt", "003_2e15699ac7951157.txt"]
SELECTED = ["Panjin", "Dalian"]  # English names: the notebooks resolve them to 盘锦市, 大连市

FIGURES = ["00_corpus_sizes", "00_plan_horizons", "10_similarity_word", "10_similarity_char", "10_keyness",
           "10_indicator_overlap", "20_region_themes", "20_silhouette_stability", "20_cluster_themes",
           "30_target_years", "30_trajectories", "30_theme_by_year", "40_target_matrix", "50_citation_network",
           "50_adoption", "50_reuse_additions", "50_province_vs_national"]
TABLES = ["similarity", "alignments", "keyness", "measure_themes", "clusters", "timeline", "target_matrix",
          "transposition", "transposition_pairs"]
#: A national opinion, a province citing it by 文号 alone, a city citing the province by full title alone
#: (metadata in its manifest.csv).
TRANSPOSITION_FIXTURE = ROOT / "tests" / "fixtures" / "transposition"


def _fixture_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in FIXTURE_FILES:
        shutil.copy(RAW / name, folder / name)
    with open(RAW / "manifest.csv", encoding="utf-8", newline="") as src:
        rows = list(csv.reader(src))
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as dst:
        csv.writer(dst, lineterminator="\n").writerows([rows[0]] + [r for r in rows[1:] if r[0] in FIXTURE_FILES])
    return folder


def _params(tmp: Path, figures: str = "figures") -> report.ReportParams:
    return report.validate_params({
        "corpus_dir": str(tmp / "corpus"),
        "processed_dir": str(tmp / "processed"),
        "figures_dir": str(tmp / figures),
        "analysis_dir": str(tmp / ("analysis" if figures == "figures" else f"analysis-{figures}")),
        "notebooks_dir": str(NOTEBOOKS),
        "regions": SELECTED,
        "lang": "en",
        "seed": 7,
        "notebooks": {"20_themes": {"k_range": [3, 6], "n_seeds": 2, "n_components": 30},
                      "10_similarity": {"keyness_top_n": 5}},
    })


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    """Run the whole report on the fixture corpus with English labels and two regions."""
    tmp = tmp_path_factory.mktemp("report")
    _fixture_corpus(tmp / "corpus")
    executed = report.report(_params(tmp), tmp / "reports", progress=False)
    return tmp, executed


def test_two_reports_give_identical_svg_and_pdf(fixture_report):
    """The fixture report ran its notebooks two at once (jobs 2); this one runs them one after the other."""
    import dataclasses

    tmp, _ = fixture_report
    assert _params(tmp).jobs == 2 or report.default_jobs() == 1
    report.report(dataclasses.replace(_params(tmp, "figures-again"), jobs=1), tmp / "reports-again", progress=False)
    first = sorted(p for p in (tmp / "figures").iterdir() if p.suffix in (".svg", ".pdf", ".png", ".csv", ".tex"))
    assert len(first) >= 50
    for path in first:
        assert (tmp / "figures-again" / path.name).read_bytes() == path.read_bytes(), path.name
    tables = sorted((tmp / "analysis").glob("*.csv"))
    assert len(tables) >= len(TABLES)
    for path in tables:
        assert (tmp / "analysis-figures-again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_report_builds_missing_tables_and_runs_every_notebook(fixture_report):
    tmp, executed = fixture_report
    assert [p.stem for p in executed] == [p.stem for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    for nb in executed:
        assert nb.with_suffix(".html").stat().st_size > 10_000
        params = nbformat.read(nb, as_version=4).cells[2]  # papermill's injected-parameters cell
        assert "injected-parameters" in params.metadata.tags and "lang = \"en\"" in params.source
    assert (tmp / "reports" / "index.html").exists()
    assert len(eduanalysis.load(tmp / "processed").documents) == 3


def test_every_figure_in_three_formats(fixture_report):
    tmp, _ = fixture_report
    for name in FIGURES:
        for fmt in ("png", "svg", "pdf"):
            assert (tmp / "figures" / f"{name}.{fmt}").stat().st_size > 1000, f"{name}.{fmt}"
    for ext in ("csv", "tex", "md"):
        assert (tmp / "figures" / f"40_target_matrix.{ext}").exists()


def _analysis(folder: Path) -> SimpleNamespace:
    """The analysis tables a report wrote into ``folder`` (its analysis_dir)."""
    return SimpleNamespace(**{name: read_table(folder, name) for name in TABLES
                              if (folder / f"{name}.parquet").exists()})


def test_a_draft_report_writes_png_only_and_its_gallery_works(fixture_report, tmp_path):
    """``formats: [png]``: no SVG or PDF written, last run's beside a new PNG removed, the index links PNGs."""
    tmp, _ = fixture_report
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    shutil.copy(NOTEBOOKS / "00_corpus_overview.ipynb", notebooks)
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / report.OWNER_MARKER).write_text("", encoding="utf-8")  # an earlier report's folder …
    for fmt in ("svg", "pdf"):
        (figures / f"00_corpus_sizes.{fmt}").write_text("last run's", encoding="utf-8")  # … with its vector files
    params = report.validate_params({**{k: str(getattr(_params(tmp), k)) for k in ("corpus_dir", "processed_dir")},
                                     "figures_dir": str(figures), "analysis_dir": str(tmp_path / "analysis"),
                                     "notebooks_dir": str(notebooks), "formats": ["png"]})
    report.report(params, tmp_path / "reports", progress=False)
    written = sorted(p.name for p in figures.iterdir() if not p.name.startswith("."))
    assert written == ["00_corpus_sizes.png", "00_plan_horizons.png"]
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert ".png\">PNG</a>" in index and ".svg" not in index and ".pdf\"" not in index
    assert all((tmp_path / "reports" / "thumbs" / name).is_file() for name in written)
    assert "formats" in index and "[&#x27;png&#x27;]" in index


def test_analysis_tables_stay_out_of_the_build_folder(fixture_report):
    tmp, _ = fixture_report
    built = {p.stem for p in (tmp / "processed").glob("*.parquet")}
    assert not built & set(TABLES), "analysis tables written into processed_dir"
    assert {p.stem for p in (tmp / "analysis").glob("*.parquet")} >= set(TABLES)


def test_tables_hold_only_the_selected_regions(fixture_report):
    tmp, _ = fixture_report
    t = eduanalysis.load(tmp / "processed")
    a = _analysis(tmp / "analysis")
    docs = t.documents.set_index("doc_id")
    selected = set(docs.index[docs.region_en.isin(SELECTED)])
    assert len(selected) == 2
    assert set(a.similarity.doc_a) == selected and set(a.similarity.analyzer) == {"word", "char"}
    assert len(a.similarity) == 2 * 2 * 2
    assert set(a.alignments.doc_a) | set(a.alignments.doc_b) <= selected
    assert set(a.measure_themes.doc_id) == selected
    assert set(a.clusters.doc_id) == selected and a.clusters.cluster.nunique() in range(3, 7)
    assert set(a.keyness.region_en) <= set(SELECTED) and a.keyness.groupby("region_zh").size().max() <= 5
    assert set(a.timeline.doc_id) == selected
    assert set(a.target_matrix.doc_id) <= selected


def test_clusters_cover_every_text_measure(fixture_report):
    tmp, _ = fixture_report
    t = eduanalysis.load(tmp / "processed")
    a = _analysis(tmp / "analysis")
    docs = set(a.clusters.doc_id)
    text = t.measures.query("kind == 'text'")
    assert set(a.clusters.measure_id) == set(text.loc[text.doc_id.isin(docs), "measure_id"])


def test_notebooks_are_committed_thin_and_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert "parameters" in code[0].metadata.get("tags", []), path.name
        for line in code[0].source.splitlines():
            assert " = " in line and "(" not in line, f"{path.name}: parameters must be literals: {line}"
        for cell in code:
            assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"
            assert not any(line.lstrip().startswith(("def ", "class ")) for line in cell.source.splitlines())


def test_a_cell_deletes_only_names_it_makes_itself():
    # A cell that deletes what an earlier cell made cannot be run again on its own in JupyterLab.
    import ast

    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            made = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    for t in ast.walk(target) if isinstance(t, ast.Name)}
            deleted = {t.id for node in ast.walk(tree) if isinstance(node, ast.Delete)
                       for t in node.targets if isinstance(t, ast.Name)}
            assert deleted <= made, f"{path.name}: a cell deletes {sorted(deleted - made)}, made by an earlier cell"


def test_nbval_executes_committed_notebooks(tmp_path):
    eduanalysis.build(RAW, tmp_path / "data" / "processed")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), str(tmp_path / "notebooks")],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert (tmp_path / "figures" / "10_similarity_word.png").exists()
    assert pd.read_parquet(tmp_path / "analysis" / "clusters.parquet").shape[0] > 100


#: Thresholds forced low so the 2-document selection takes the scale path of the notebooks with their own
#: scale methods (top-k, bounded alignments, group heatmaps; sampled MiniBatch clustering). 00, 30 and 40 only
#: switch figures to provinces through helpers tested in tests/analyse/test_selection.py, and each kernel costs ~12 s.
SCALE_PARAMS = {
    "10_similarity": {"dense_max_documents": 1, "top_k": 1, "block_size": 1, "alignment_max_pairs": 1,
                      "max_labels": 1, "keyness_top_n": 5},
    "20_themes": {"max_measures": 200, "minibatch_above": 50, "k_range": [3, 5], "n_seeds": 2, "n_components": 30,
                  "max_labels": 1},
}


def test_notebooks_take_the_scale_path_when_thresholds_are_low(fixture_report, tmp_path):
    import papermill

    from eduanalysis.analyse.selection import ANALYSIS_INPUTS

    tmp, _ = fixture_report
    processed = tmp_path / "processed"
    processed.mkdir()
    for name in ANALYSIS_INPUTS:
        shutil.copy(tmp / "processed" / f"{name}.parquet", processed)
    printed = {}
    for name, knobs in SCALE_PARAMS.items():
        out = tmp_path / f"{name}.ipynb"
        papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), cwd=str(NOTEBOOKS),
                                   kernel_name=report.kernel_name(), progress_bar=False,
                                   parameters={"processed_dir": str(processed), "figures_dir": str(tmp_path / "fig"),
                                               "analysis_dir": str(tmp_path / "analysis"),
                                               "regions": SELECTED, "lang": "en", "seed": 7, **knobs})
        printed[name] = "".join(o.get("text", "") for c in nbformat.read(out, as_version=4).cells
                                for o in c.get("outputs", []) if o.get("output_type") == "stream")
    a = _analysis(tmp_path / "analysis")
    # Similarity: one neighbour per document per analyzer, the same pairs for both.
    assert a.similarity.groupby(["analyzer", "doc_a"]).size().eq(1).all() and len(a.similarity) == 4
    assert (a.similarity.doc_a != a.similarity.doc_b).all()
    assert a.alignments[["doc_a", "doc_b"]].drop_duplicates().shape[0] <= 1
    assert "each keeps its 1 most similar" in printed["10_similarity"]
    # Clustering: a sample of 200 measures, MiniBatch above 50; themes still cover every measure.
    assert len(a.clusters) == 200 and "random sample of 200" in printed["20_themes"]
    assert a.measure_themes.measure_id.nunique() > 200
    for fig in FIGURES:
        if fig[:2] in {name[:2] for name in SCALE_PARAMS}:
            assert (tmp_path / "fig" / f"{fig}.png").stat().st_size > 1000, fig


def test_transposition_notebook_on_a_citing_fixture(tmp_path):
    """50_transposition on three documents: both citations resolve, the city follows its province, the added
    targets are listed, and every figure is drawn (not the empty placeholders)."""
    import papermill

    processed = tmp_path / "processed"
    eduanalysis.build(TRANSPOSITION_FIXTURE, processed)
    out = tmp_path / "50_transposition.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "50_transposition.ipynb"), str(out), cwd=str(NOTEBOOKS),
                               kernel_name=report.kernel_name(), progress_bar=False,
                               parameters={"processed_dir": str(processed), "figures_dir": str(tmp_path / "fig"),
                                           "analysis_dir": str(tmp_path / "analysis"),
                                           "lang": "en", "seed": 7, "n_labels": 2})
    t = eduanalysis.load(processed)
    analysis = tmp_path / "analysis"  # the notebook's tables, apart from the build's
    ids = t.documents.set_index("source_file")["doc_id"]
    assert t.citations["cited_doc_id"].notna().all() and sorted(t.citations["match"]) == ["number", "title"]
    tab = read_table(analysis, "transposition").set_index(["doc_id", "reference_id"])["reuse_share"]
    assert tab[(ids["city.txt"], ids["province.txt"])] > tab[(ids["city.txt"], ids["national.txt"])]
    assert set(read_table(analysis, "transposition_pairs")["class"]) == {"verbatim", "adapted", "new", "dropped"}
    added = pd.read_csv(tmp_path / "fig" / "50_added_targets.csv")
    assert sorted(added["status"]) == ["added", "added", "added", "added", "tightened"]
    printed = "".join(o.get("text", "") for c in nbformat.read(out, as_version=4).cells
                      for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "2 citations, 2 resolved" in printed and "Chengdu ← Sichuan" in printed
    for fig in [f for f in FIGURES if f.startswith("50_")]:
        # The placeholder saying there is nothing to draw is a small PNG; every figure here has content.
        assert (tmp_path / "fig" / f"{fig}.png").stat().st_size > 40_000, fig
