"""Every figure fits a page at 5, 20 and 100 regions: size in inches, no two tick labels overlapping.

The inputs are synthetic tables with the region names of ``resources/testing/synth_regions.csv``
(the synthetic corpus's prefectures), shaped as the notebooks pass them to :mod:`plots`.
"""

import itertools
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from eduanalysis.analyse import similarity
from eduanalysis.report import labels, plots
from eduanalysis.testing import synth

MAX_W, MAX_H = 7.5, 10.0
SIZES = [5, 20, 100]


def _regions(n):
    pairs = synth.read_regions()[:n]
    assert len(pairs) == n
    return [r for _, r in pairs]


def _pages(fig):
    return list(fig) if isinstance(fig, plots.FigurePages) else [fig]


def overlapping_ticks(fig) -> list[tuple[str, str]]:
    """Pairs of visible tick labels of one axis whose drawn boxes intersect."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    clashes = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ticks if t.get_visible() and t.get_text()]
            for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
                if a.overlaps(b) and a.intersection(a, b).width > 0.5 and a.intersection(a, b).height > 0.5:
                    clashes.append((ta, tb))
    return clashes


def check(fig, name):
    pages = _pages(fig)
    for k, page in enumerate(pages, start=1):
        w, h = page.get_size_inches()
        assert w <= MAX_W + 1e-6 and h <= MAX_H + 1e-6, f"{name} page {k}: {w:.1f} × {h:.1f} in"
        clashes = overlapping_ticks(page)
        assert not clashes, f"{name} page {k}: overlapping tick labels {clashes[:3]}"
        plt.close(page)
    return len(pages)


def _docs(n, per_region=1):
    regions = _regions(n)
    rows = []
    for i, r in enumerate(regions):
        for k in range(per_region):
            rows.append({"doc_id": f"d{i:03d}{k}", "region_zh": r, "region_en": None, "doc_type_zh": "通知",
                         "doc_type_en": "notice", "published_date": f"{2016 + i % 8}-05-01", "written_date": None,
                         "plan_start_year": 2016 + i % 8, "plan_end_year": 2020 + i % 8, "doc_number": None})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n", SIZES)
def test_corpus_figures_fit_a_page(n):
    docs = _docs(n, per_region=2 if n <= 20 else 1)
    names = labels.doc_labels(docs, "zh")
    assert names.is_unique
    rng = np.random.default_rng(n)
    stats = pd.DataFrame({c: rng.integers(1, 20000, len(docs)) for c in ("n_chars", "n_sections", "n_measures",
                                                                          "n_targets")}, index=docs.doc_id)
    cols = {"n_chars": "字符数", "n_sections": "章节数", "n_measures": "措施（条款）数", "n_targets": "量化目标数"}
    assert check(plots.corpus_bars(stats, names, cols), "corpus_bars") >= 1
    check(plots.plan_horizons(docs, names, "zh"), "plan_horizons")


@pytest.mark.parametrize("n", SIZES)
def test_similarity_heatmaps_fit_a_page_and_draw_fast(n):
    rng = np.random.default_rng(n)
    ids = [f"r{i:03d}" for i in range(n)]
    x = rng.random((n, 30))
    sq = pd.DataFrame(x @ x.T / np.outer(np.linalg.norm(x, axis=1), np.linalg.norm(x, axis=1)), index=ids, columns=ids)
    order, z = similarity.cluster_order(sq)
    names = pd.Series(dict(zip(ids, _regions(n), strict=True)))
    start = time.monotonic()
    fig = plots.similarity_heatmap(sq, order, z, names, "both", title="By region")
    check(fig, "similarity_heatmap")
    assert time.monotonic() - start < 20
    long = pd.DataFrame([(a, b, int(rng.integers(0, 9))) for a in names for b in names],
                        columns=["region_a", "region_b", "n_shared"])
    check(plots.pair_heatmap(long, "n_shared", {}, "zh", fmt="{:.0f}", colorbar_label="共同指标"), "pair_heatmap")


@pytest.mark.parametrize("n", SIZES)
def test_theme_and_keyness_figures_fit_a_page(n):
    rng = np.random.default_rng(n)
    regions = _regions(n)
    themes = pd.Series({f"t{k:02d}": f"主题名称第{k}号（较长的名字）" for k in range(22)})
    shares = pd.DataFrame([(r, t, rng.random()) for r in regions for t in themes.index],
                          columns=["region_zh", "theme_id", "share"])
    check(plots.share_heatmap(shares, "region_zh", {}, themes, "zh"), "share_heatmap")
    key = pd.DataFrame([(r, f"词语{k}{r[:1]}", 100.0 - k, k + 1) for r in regions for k in range(15)],
                       columns=["region_zh", "term", "g2", "rank"])
    pages = check(plots.keyness_panels(key, {}, "zh", n_terms=15), "keyness_panels")
    assert pages == int(np.ceil(n / 12))
    xt = pd.DataFrame(rng.integers(0, 50, (14, 22)), index=range(14), columns=themes.index)
    check(plots.crosstab_heatmap(xt, {c: f"{c}: 词 · 词语 · 较长的词语" for c in range(14)}, themes, "zh"),
          "crosstab_heatmap")


@pytest.mark.parametrize("n", SIZES)
def test_timeline_and_target_figures_fit_a_page(n):
    rng = np.random.default_rng(n)
    regions = _regions(n)
    events = []
    for r in regions:
        events += [{"region_zh": r, "event": "plan_start", "year": 2018}, {"region_zh": r, "event": "plan_end",
                                                                            "year": 2022}]
        events += [{"region_zh": r, "event": "target", "year": int(y)} for y in rng.integers(2019, 2026, 6)]
    check(plots.target_years(pd.DataFrame(events), {}, "zh"), "target_years")
    points = pd.DataFrame([{"indicator_id": f"i{k}", "indicator_zh": f"指标{k}", "indicator_en": f"Indicator {k}",
                            "region_zh": r, "unit": "schools", "year": y, "value": float(rng.integers(1, 99)),
                            "role": role}
                           for k in range(9) for r in regions for y, role in ((2019, "baseline"), (2025, "target"))])
    fig = plots.trajectory_panels(points, {}, "en", max_panels=9)
    assert fig.axes[0].get_ylabel() == "schools"  # the unit in the figure's language, not the code
    check(fig, "trajectory_panels")
    rows = []
    for k in range(30):
        for r in regions:
            rows.append({"indicator_id": f"i{k:02d}", "indicator_zh": f"某项规范指标名称{k}", "indicator_en": f"Ind {k}",
                         "region_zh": r, "region_en": None, "doc_id": r, "target_id": f"{r}{k}",
                         "value": float(rng.integers(50, 100)), "value_max": None, "unit": "percent",
                         "comparator": ">=", "year": 2025, "direction": "higher", "comparable": True,
                         "most_ambitious": False})
    check(plots.target_matrix_heatmap(pd.DataFrame(rows), "zh", max_rows=30), "target_matrix_heatmap")


def test_overlap_check_can_fail():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_yticks(range(100), [f"标签{i}" for i in range(100)])
    assert overlapping_ticks(fig)
    plt.close(fig)


def test_unit_names_are_in_the_figure_language():
    assert plots.unit_name("schools", "zh") == "所" and plots.unit_name("schools", "en") == "schools"
    assert plots.unit_name("percent", "both") == "%"
