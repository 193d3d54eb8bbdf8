"""Figures: the bundled CJK font, embedded fonts in PDFs, byte-identical reruns, labels."""

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager

from eduanalysis.analyse import similarity
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import labels, plots


def test_cjk_font_is_registered_and_chosen_for_chinese():
    path = plots.cjk_font_path()
    assert path.is_file() and path.suffix == ".ttf"
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found == str(path)
    assert font_manager.FontProperties(fname=str(path)).get_name() == plots.FONT_FAMILY


def test_cut_instance_is_regular_weight():
    from fontTools.ttLib import TTFont

    font = TTFont(str(plots.cjk_font_path()), lazy=True)
    assert font["OS/2"].usWeightClass == 400 and "fvar" not in font


def _figure():
    square = pd.DataFrame([[1, .3, .5], [.3, 1, .2], [.5, .2, 1]], index=["d1", "d2", "d3"], columns=["d1", "d2", "d3"])
    order, z = similarity.cluster_order(square)
    labels = pd.Series({"d1": "盘锦市", "d2": "保山市", "d3": "萍乡市"})
    return plots.similarity_heatmap(square, order, z, labels, "zh")


def test_chinese_renders_without_missing_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        plots.save(_figure(), "heat", tmp_path)


def test_save_writes_png_svg_pdf_at_300_dpi(tmp_path):
    paths = plots.save(_figure(), "heat", tmp_path)
    assert sorted(paths) == ["pdf", "png", "svg"] and all(p.stat().st_size > 0 for p in paths.values())
    from PIL import Image

    with Image.open(paths["png"]) as im:
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.1)


def test_pdf_embeds_the_font_as_truetype(tmp_path):
    pdf = plots.save(_figure(), "heat", tmp_path)["pdf"].read_bytes()
    assert b"/FontFile2" in pdf, "Type 42 (TrueType) font program must be embedded"
    assert b"/Subtype /Type3" not in pdf
    names = set(re.findall(rb"/BaseFont /([A-Z]{6}\+)?([\w-]+)", pdf))
    assert any(b"NotoSansSC" in n for _, n in names)


def test_two_runs_give_identical_svg_and_pdf(tmp_path):
    a = plots.save(_figure(), "heat", tmp_path / "a")
    b = plots.save(_figure(), "heat", tmp_path / "b")
    assert a["svg"].read_bytes() == b["svg"].read_bytes()
    assert a["pdf"].read_bytes() == b["pdf"].read_bytes()
    assert b"CreationDate" not in a["pdf"].read_bytes()
    assert b"<dc:date>" not in a["svg"].read_bytes()


def test_labels_do_not_overlap_in_heatmaps():
    shares = pd.DataFrame({"region_zh": ["盘锦市"] * 3 + ["保山市"] * 3, "theme_id": ["a", "b", "c"] * 2,
                           "share": np.linspace(0, .5, 6)})
    names = pd.Series({"a": "教育治理、督导与法治", "b": "教育公平、资助与乡村振兴", "c": "终身教育与社区教育"})
    fig = plots.share_heatmap(shares, "region_zh", {}, names, "zh")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.get_yticklabels() + ax.get_xticklabels() if t.get_text()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    plt.close(fig)


@pytest.mark.parametrize("zh, en, lang, expected", [
    ("盘锦市", "Panjin", "zh", "盘锦市"),
    ("盘锦市", "Panjin", "en", "Panjin"),
    ("盘锦市", "Panjin", "both", "盘锦市 Panjin"),
    ("盘锦市", None, "en", "盘锦市"),
    ("盘锦市", pd.NA, "both", "盘锦市"),
])
def test_pick(zh, en, lang, expected):
    assert labels.pick(zh, en, lang) == expected


def test_doc_labels_in_english_and_check_lang():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "region_zh": ["盘锦市", "盘锦市", "大连市"],
                         "region_en": ["Panjin", "Panjin", "Dalian"], "doc_type_zh": ["规划", "工作要点", "规划"],
                         "doc_type_en": ["plan", "work plan", "plan"], "published_date": ["2019-01-01", None, None],
                         "written_date": [None, None, None], "plan_start_year": [2019, 2020, 2020]})
    assert labels.doc_labels(docs, "en").to_dict() == {"a": "Panjin 2019 plan", "b": "Panjin 2020 work plan",
                                                      "c": "Dalian"}
    with pytest.raises(EduAnalysisError, match="lang"):
        labels.doc_labels(docs, "fr")


def test_wrap_counts_cjk_as_double_width():
    assert all(labels.display_width(line) <= 10 for line in labels.wrap("教育公平、资助与乡村振兴", 10).splitlines())
    assert labels.wrap("short", 10) == "short"


@pytest.mark.parametrize("n", [1, 5, 8, 10, 20, 34])
def test_categorical_colours_are_distinct(n):
    colours = plots.categorical_colours(n)
    assert len(colours) == n and len({str(c) for c in colours}) == n
    if n <= len(plots.OKABE_ITO):
        assert colours == plots.OKABE_ITO[:n]


def test_trajectory_legend_gives_ten_regions_ten_colours():
    regions = [f"地区{i}" for i in range(10)]
    points = pd.DataFrame([{"indicator_id": "x", "region_zh": r, "role": role, "year": year, "value": v,
                            "unit": "percent", "indicator_zh": "入园率", "indicator_en": "enrolment"}
                           for r in regions for role, year, v in (("baseline", 2020, 80.0), ("target", 2025, 90.0))])
    fig = plots.trajectory_panels(points, {r: r for r in regions})
    legend = fig.legends[0]
    colours = [str(h.get_color()) for h in legend.legend_handles if h.get_label() in regions]
    plt.close(fig)
    assert len(colours) == 10 and len(set(colours)) == 10


def test_trajectories_beyond_ten_regions_are_one_grey_with_a_note():
    regions = [f"地区{i}" for i in range(11)]
    points = pd.DataFrame([{"indicator_id": "x", "region_zh": r, "role": role, "year": year, "value": v,
                            "unit": "percent", "indicator_zh": "入园率", "indicator_en": "enrolment"}
                           for r in regions for role, year, v in (("baseline", 2020, 80.0), ("target", 2025, 90.0))])
    fig = plots.trajectory_panels(points, {r: r for r in regions}, "en")
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    plt.close(fig)
    assert not set(texts) & set(regions) and any("11: too many to tell apart by colour" in t for t in texts)
