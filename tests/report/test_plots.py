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


def test_save_lays_out_once_with_the_pngs_layout_and_leaves_the_figure_as_it_was(tmp_path):
    # The PNG is what savefig with the layout engine writes; the figure keeps its engine and resolution.
    fig, reference = _figure(), _figure()
    engine, dpi = fig.get_layout_engine(), fig.dpi
    png = plots.save(fig, "heat", tmp_path)["png"]
    reference.savefig(tmp_path / "reference.png", format="png", dpi=plots.DPI, metadata=plots.METADATA["png"])
    assert png.read_bytes() == (tmp_path / "reference.png").read_bytes()
    assert fig.get_layout_engine() is engine and fig.dpi == dpi
    failing = _figure()
    failing.axes[0].set_title("$\\frac{$")  # mathtext that cannot be parsed: drawing raises
    with pytest.raises(ValueError):
        plots.save(failing, "broken", tmp_path)
    assert failing.dpi == dpi and failing.get_layout_engine() is not None


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
    texts = [" ".join(t.get_text().split()) for t in fig.legends[0].get_texts()]
    plt.close(fig)
    assert not set(texts) & set(regions) and any("11: too many to tell apart by colour" in t for t in texts)


# --- formats, font subsets cut once, the saved PNG shown, one text rule for heatmaps -----------------

def test_save_writes_only_the_formats_asked_for_png_always_first(tmp_path):
    paths = plots.save(_figure(), "heat", tmp_path, formats=["png"])
    assert list(paths) == ["png"] and sorted(p.name for p in tmp_path.iterdir()) == ["heat.png"]
    assert list(plots.save(_figure(), "heat2", tmp_path, formats=("pdf", "png"))) == ["png", "pdf"]
    with pytest.raises(EduAnalysisError, match=r"plots.save\('heat3'\): formats must include 'png'"):
        plots.save(_figure(), "heat3", tmp_path, formats=["svg"])


def test_pdf_from_a_cached_font_subset_is_byte_identical(tmp_path, monkeypatch):
    from matplotlib.backends import _backend_pdf_ps as pdf_ps

    cached = pdf_ps.get_glyphs_subset
    if not getattr(cached, "eduanalysis_cached", False):
        pytest.skip("this matplotlib has no SubsetResults: PDFs are subset by matplotlib itself")
    monkeypatch.setattr(plots, "subset_cache_dir", lambda: tmp_path / "subsets")
    fig = _figure()
    monkeypatch.setattr(pdf_ps, "get_glyphs_subset", cached.__wrapped__)
    fig.savefig(tmp_path / "plain.pdf", format="pdf", metadata=plots.METADATA["pdf"])
    monkeypatch.setattr(pdf_ps, "get_glyphs_subset", cached)
    fig.savefig(tmp_path / "cut.pdf", format="pdf", metadata=plots.METADATA["pdf"])  # cut, kept
    assert len(list((tmp_path / "subsets").glob("*.subset"))) == 1
    fig.savefig(tmp_path / "kept.pdf", format="pdf", metadata=plots.METADATA["pdf"])  # read back
    plain = (tmp_path / "plain.pdf").read_bytes()
    assert plain == (tmp_path / "cut.pdf").read_bytes() == (tmp_path / "kept.pdf").read_bytes()
    fig.axes[0].set_title("另一组字")  # other characters: another subset
    fig.savefig(tmp_path / "other.pdf", format="pdf", metadata=plots.METADATA["pdf"])
    assert len(list((tmp_path / "subsets").glob("*.subset"))) == 2


def test_a_saved_figure_is_shown_from_its_png(tmp_path):
    from PIL import Image

    paths = plots.save(_figure(), "heat", tmp_path)
    with Image.open(paths["png"]) as im:
        full = im.size
    import io

    with Image.open(io.BytesIO(plots.preview_png(paths["png"]))) as small:
        assert small.size == (full[0] // 3, full[1] // 3)  # the notebook's 100 dpi
    pages = plots.FigurePages([_figure(), _figure()])
    for k, page in enumerate(pages, start=1):
        setattr(page, plots.PREVIEW_ATTR, plots.save(page, f"p-{k}", tmp_path)["png"])
    html = pages._repr_html_()
    assert html.count("<img") == 2 and "<p>2/2</p>" in html


def _cell_texts(fig) -> int:
    """Texts drawn inside a heatmap's axes (cell values), not tick labels or titles."""
    return sum(len(ax.texts) for ax in fig.axes)


def _square(n):
    rng = np.random.default_rng(0)
    m = rng.uniform(0.1, 0.9, (n, n))
    m = (m + m.T) / 2
    np.fill_diagonal(m, 1.0)
    ids = [f"d{i:03d}" for i in range(n)]
    return pd.DataFrame(m, index=ids, columns=ids)


def _shares(n_themes, n_groups):
    themes = [f"t{i:02d}" for i in range(n_themes)]
    rows = [{"theme_id": t, "region_zh": f"r{g:03d}", "share": (i + g) % 7 / 10} for i, t in enumerate(themes)
            for g in range(n_groups)]
    return pd.DataFrame(rows), pd.Series({t: f"主题{t}" for t in themes})


@pytest.mark.parametrize("shape, printed", [
    pytest.param((22, 14), True, id="themes-by-14-regions"),
    pytest.param((40, 12), False, id="480-cells"),
])
def test_share_heatmap_follows_the_one_text_rule(shape, printed):
    shares, names = _shares(*shape)
    fig = plots.share_heatmap(shares, "region_zh", {}, names)
    assert (_cell_texts(fig) == shape[0] * shape[1]) is printed and (_cell_texts(fig) == 0) is not printed
    plt.close("all")


def test_every_heatmap_prints_values_only_under_the_cap(monkeypatch):
    square = _square(6)
    order, z = similarity.cluster_order(square)
    names = pd.Series({d: d for d in square.index})
    long = square.stack().rename("n_shared").rename_axis(["region_a", "region_b"]).reset_index()
    xtab = pd.DataFrame(np.arange(36).reshape(6, 6), index=range(6), columns=[f"t{i}" for i in range(6)])
    col_names = pd.Series({c: c for c in xtab.columns})
    draw = {
        "similarity": lambda: plots.similarity_heatmap(square, order, z, names, "zh"),
        "pair": lambda: plots.pair_heatmap(long, "n_shared", {}, "zh"),
        "crosstab": lambda: plots.crosstab_heatmap(xtab, {}, col_names, "zh"),
    }
    assert not plots.annotate_values((12, 12), fits=False) and plots.annotate_values((20, 20))
    assert not plots.annotate_values((20, 21))  # 420 cells > ANNOTATE_MAX_CELLS
    for name, make in draw.items():  # 36 cells: values printed
        assert _cell_texts(make()) >= 30, name
    monkeypatch.setattr(plots, "ANNOTATE_MAX_CELLS", 35)
    for name, make in draw.items():  # the same heatmaps above the cap: no cell text at all
        assert _cell_texts(make()) == 0, name
    plt.close("all")
