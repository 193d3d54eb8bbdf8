"""The whole report on a synthetic corpus of 100 regions: every figure fits a page, the HTML is fit to open.

The corpus is :mod:`eduanalysis.testing.synth`'s, its manifest given 100 distinct prefectures of
``resources/testing/synth_regions.csv`` (with their provinces), so every figure meets the
region and province levels. Figures are checked from the files (PNG pixels at 300 dpi, and the
PDF's page box); tick-label overlap is checked where the figures are drawn, in
``tests/report/test_figure_pages.py``. The HTML is opened in headless Chromium when it is installed.
"""

import csv
import re
from pathlib import Path

import pytest
from PIL import Image

from eduanalysis.report import browser, plots
from eduanalysis.report import notebooks as report
from eduanalysis.testing import synth

pytestmark = pytest.mark.notebooks

N_REGIONS = 100
ROOT = Path(__file__).resolve().parents[2]


def _hundred_regions(folder: Path) -> Path:
    synth.generate(folder, N_REGIONS)
    manifest = folder / "manifest.csv"
    with open(manifest, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row, (province, region) in zip(rows, synth.read_regions(), strict=False):
        row["province_zh"], row["region_zh"] = province, region
    with open(manifest, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def scale_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    params = report.validate_params({
        "corpus_dir": str(_hundred_regions(tmp / "corpus")), "processed_dir": str(tmp / "processed"),
        "figures_dir": str(tmp / "figures"), "analysis_dir": str(tmp / "analysis"),
        "notebooks_dir": str(ROOT / "notebooks"), "max_labels": 40, "lang": "both",
        "notebooks": {"20_themes": {"k_range": [4, 6], "n_seeds": 2, "n_components": 30}},
    })
    report.report(params, tmp / "reports", progress=False)
    return tmp


def test_every_figure_fits_a_page(scale_report):
    figures = sorted((scale_report / "figures").glob("*.png"))
    assert len(figures) >= 13
    for png in figures:
        with Image.open(png) as im:
            w, h = (px / plots.DPI for px in im.size)
        assert w <= 7.5 + 0.01 and h <= 10 + 0.01, f"{png.name}: {w:.2f} × {h:.2f} in"
        pdf = png.with_suffix(".pdf").read_bytes()
        box = [float(v) for v in re.search(rb"/MediaBox \[ *([\d. ]+)\]", pdf).group(1).split()]
        assert box[2] / 72 <= 7.5 + 0.01 and box[3] / 72 <= 10 + 0.01, png.name
    # 100 regions do not fit one page of keyness panels: numbered pages, no unnumbered leftover.
    names = {p.stem for p in figures}
    assert "10_keyness-1" in names and "10_keyness" not in names


def test_index_is_a_gallery_and_pages_have_no_code(scale_report):
    reports = scale_report / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    for png in (scale_report / "figures").glob("*.png"):
        assert f"{png.stem}.png" in index and f"{png.stem}.pdf" in index, png.stem
    assert "tables.xlsx" in index and ".staging-" not in index
    assert (reports / "fonts" / "NotoSansSC-report.ttf").stat().st_size < 3_000_000
    for page in reports.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert page.stat().st_size < browser.PAGE_MAX_BYTES, page.name
        assert ".staging-" not in text, page.name
        if page.name != "index.html":
            assert 'href="index.html"' in text and "jp-InputArea" not in text, page.name


def test_analysis_tables_export_to_excel_and_stata(scale_report):
    import pandas as pd
    from openpyxl import load_workbook

    analysis = scale_report / "analysis"
    wb = load_workbook(analysis / "tables.xlsx", read_only=True)
    assert {"similarity", "keyness", "clusters", "target_matrix", "timeline"} <= set(wb.sheetnames)
    ws = wb["keyness"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert "term" in header
    assert any(isinstance(c.value, str) and re.search(r"[\u4e00-\u9fff]", c.value)
               for row in ws.iter_rows(min_row=2, max_row=5) for c in row)
    dta = pd.read_stata(analysis / "keyness.dta")
    assert len(dta) == len(pd.read_parquet(analysis / "keyness.parquet"))


@pytest.mark.skipif(browser.browser() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_report_opens_in_headless_chromium(scale_report):
    shots = browser.check_report(scale_report / "reports", "10_similarity.html")
    assert [s.name for s in shots] == ["index.png", "10_similarity.png"]
