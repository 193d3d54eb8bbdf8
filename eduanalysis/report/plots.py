"""Figures for papers: one style, Chinese rendered with a bundled font, deterministic files.

Importing this module registers Noto Sans SC (SIL Open Font License) with
matplotlib. The font comes from the PyPI package ``justmytype-intl-cjk`` as a
variable TrueType font whose default instance is *Thin*; matplotlib cannot pick
a weight of a variable font, so on first use the Regular (400) instance is cut
with fontTools and cached under matplotlib's cache folder (about 20 s, once per
machine). TrueType outlines embed cleanly in PDF as Type 42 fonts.

:func:`save` writes every figure as PNG (300 dpi), SVG and PDF with no
timestamps and a fixed SVG hash salt, so the same input gives byte-identical
SVG and PDF files. Colours are the Okabe–Ito palette (categorical) and viridis
(sequential), both readable with colour-vision deficiencies.

Every plotting function takes tidy frames and a ``lang`` of ``"zh"``, ``"en"``
or ``"both"`` and returns a :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from scipy.cluster.hierarchy import dendrogram

from eduanalysis.analyse.selection import issue_year
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report.labels import bilingual, display_width, pick, wrap

#: Where the variable Noto Sans SC sits inside the ``justmytype-intl-cjk`` wheel.
FONT_PACKAGE = "justmytype_intl_cjk"
FONT_RESOURCE = "fonts/ofl/notosanssc/NotoSansSC[wght].ttf"
FONT_FAMILY = "Noto Sans SC"
FONT_WEIGHT = 400

#: Okabe & Ito (2008) colour-blind-safe categorical palette (black last: it is also the text colour).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Qualitative colour map for more categories than OKABE_ITO holds (up to its 20 colours).
MANY_CATEGORIES = "tab20"
SEQUENTIAL = "viridis"
FORMATS = ("png", "svg", "pdf")
DPI = 300

STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "normal",
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "axes.unicode_minus": True,
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "eduanalysis",
    "image.cmap": SEQUENTIAL,
}

#: Metadata without dates so files do not change between runs.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


# --- font -------------------------------------------------------------------------

def cjk_font_path() -> Path:
    """Path of the Regular instance of Noto Sans SC, cutting and caching it on first use."""
    try:
        src = resources.files(FONT_PACKAGE) / FONT_RESOURCE
    except ModuleNotFoundError as exc:
        raise EduAnalysisError(
            "the CJK font package justmytype-intl-cjk is not installed; run `pip install -e .`") from exc
    src = Path(str(src))
    if not src.is_file():
        raise EduAnalysisError(f"CJK font {src} is missing; reinstall justmytype-intl-cjk")
    import fontTools

    key = hashlib.sha1(f"{src.stat().st_size}:{fontTools.version}:{FONT_WEIGHT}".encode()).hexdigest()[:10]
    cache = Path(os.environ.get("EDUANALYSIS_FONT_CACHE") or Path(matplotlib.get_cachedir()) / "eduanalysis")
    out = cache / f"NotoSansSC-{FONT_WEIGHT}-{key}.ttf"
    if out.is_file():
        return out
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    cache.mkdir(parents=True, exist_ok=True)
    font = instancer.instantiateVariableFont(TTFont(str(src)), {"wght": FONT_WEIGHT}, updateFontNames=True)
    fd, tmp = tempfile.mkstemp(suffix=".ttf", dir=cache)
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may be shared
        os.replace(tmp, out)  # atomic: parallel kernels may race to write the same file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def setup() -> None:
    """Register the CJK font and apply the house style (idempotent)."""
    path = str(cjk_font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    plt.rcParams.update(STYLE)


setup()


# --- saving -----------------------------------------------------------------------

def save(fig: plt.Figure, name: str, figures_dir: str | Path) -> dict[str, Path]:
    """Write ``fig`` as ``name.png`` (300 dpi), ``name.svg`` and ``name.pdf`` under ``figures_dir``.

    Returns the paths by format. The figure is closed afterwards.
    """
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    with plt.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
        for fmt in FORMATS:
            path = folder / f"{name}.{fmt}"
            partial = folder / f".{name}.{fmt}.partial"  # moved into place whole: no half-written figure
            fig.savefig(partial, format=fmt, dpi=DPI, metadata=METADATA[fmt])
            os.replace(partial, path)
            paths[fmt] = path
    plt.close(fig)
    return paths


# --- cell text -------------------------------------------------------------------

def _text_colour(rgba) -> str:
    r, g, b = to_rgb(rgba)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def _annotate(ax, values: np.ndarray, cmap, norm, fmt: str = "{:.2f}", size: float = 7) -> None:
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if np.isnan(v):
                continue
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=size,
                    color=_text_colour(cmap(norm(v))))


# --- corpus overview ----------------------------------------------------------------

def corpus_bars(stats: pd.DataFrame, labels: pd.Series, columns: dict[str, str]) -> plt.Figure:
    """Small multiples of horizontal bars, one panel per statistic, one bar per document.

    ``stats`` is indexed by ``doc_id``; ``columns`` maps column → panel title.
    """
    order = stats.index.tolist()
    ylabels = [wrap(labels.get(d, d), 22) for d in order]
    fig, axes = plt.subplots(1, len(columns), figsize=(1.9 * len(columns) + 1.4, 0.32 * len(order) + 1.1),
                             sharey=True)
    axes = np.atleast_1d(axes)
    y = np.arange(len(order))
    for ax, (col, title) in zip(axes, columns.items(), strict=True):
        vals = stats[col].astype(float).to_numpy()
        ax.barh(y, vals, color=OKABE_ITO[0], height=0.65)
        for yi, v in zip(y, vals, strict=True):
            ax.text(v, yi, f" {v:,.0f}", va="center", fontsize=7)
        ax.set_title(wrap(title, 22))
        ax.set_xlim(0, (np.nanmax(vals) if len(vals) and np.nanmax(vals) > 0 else 1) * 1.35)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(2, integer=True))
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(y, ylabels)
    axes[0].invert_yaxis()
    return fig


def plan_horizons(documents: pd.DataFrame, labels: pd.Series, lang: str = "zh") -> plt.Figure:
    """Documents on a time axis: a bar for each plan horizon and a marker at the issue year."""
    docs = documents.copy()
    docs["issue_year"] = docs["doc_id"].map(issue_year(documents))
    docs = docs.sort_values(["issue_year", "plan_start_year", "doc_id"], kind="mergesort").reset_index(drop=True)
    # An issue year no date states (the plan's first year stands in) is drawn hollow.
    stated = documents.set_index("doc_id")[["published_date", "written_date"]].notna().any(axis=1)
    legend_labels = {
        "horizon": bilingual("规划期", "Plan horizon", lang),
        "issued": bilingual("发布年份", "Issued", lang),
        "inferred": bilingual("发布年份（推定：规划首年）", "Issued (inferred: plan's first year)", lang),
    }

    def once(key: str) -> str | None:
        return legend_labels.pop(key, None)

    fig, ax = plt.subplots(figsize=(6.3, 0.42 * len(docs) + 1.2))
    for i, d in docs.iterrows():
        start, end = d["plan_start_year"], d["plan_end_year"]
        if pd.notna(start) and pd.notna(end):
            ax.barh(i, end - start + 1, left=start - 0.5, height=0.5, color=OKABE_ITO[4], alpha=0.9,
                    label=once("horizon"))
            ax.text(end + 0.55, i, f"{int(start)}–{int(end)}" if start != end else f"{int(end)}",
                    va="center", fontsize=7)
        if pd.notna(d["issue_year"]):
            inferred = not bool(stated.get(d["doc_id"], False))
            ax.plot(d["issue_year"], i, marker="D", markersize=5, linestyle="none", color=OKABE_ITO[5],
                    markerfacecolor="white" if inferred else OKABE_ITO[5],
                    label=once("inferred" if inferred else "issued"))
    ax.set_yticks(range(len(docs)), [wrap(labels.get(d, d), 24) for d in docs["doc_id"]])
    ax.invert_yaxis()
    years = pd.concat([docs["plan_start_year"], docs["plan_end_year"], docs["issue_year"]]).dropna().astype(int)
    if len(years):
        ax.set_xlim(years.min() - 1, years.max() + 2.5)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(bilingual("年份", "Year", lang))
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return fig


# --- similarity -----------------------------------------------------------------------

def similarity_heatmap(square: pd.DataFrame, order: list, z: np.ndarray, labels: pd.Series,
                       lang: str = "zh", title: str | None = None, show_diagonal: bool = False) -> plt.Figure:
    """Cosine-similarity heatmap ordered by hierarchical clustering, dendrogram on top.

    The diagonal (a document with itself, 1) is left blank unless ``show_diagonal``: for
    regions or provinces it is the mean similarity within the group, worth showing.
    """
    names = [wrap(labels.get(d, d), 20) for d in order]
    values = square.loc[order, order].to_numpy(dtype=float)
    n = len(order)
    side = max(3.2, 0.55 * n + 1.6)
    fig = plt.figure(figsize=(side + 1.4, side + 0.9))
    gs = fig.add_gridspec(2, 2, height_ratios=[0.9, max(n, 2)], width_ratios=[max(n, 2), 0.25])
    ax_d = fig.add_subplot(gs[0, 0])
    ax = fig.add_subplot(gs[1, 0])
    cax = fig.add_subplot(gs[1, 1])
    if len(z):
        dendrogram(z, ax=ax_d, no_labels=True, color_threshold=0, above_threshold_color="0.35")
    # Leaves sit at 5, 15, 25 … in dendrogram units: match them to the heatmap's column centres.
    ax_d.set_xlim(0, 10 * n)
    ax_d.set_axis_off()
    cmap = plt.get_cmap(SEQUENTIAL)
    off = values.copy()
    if not show_diagonal:
        np.fill_diagonal(off, np.nan)
    # Colour range: the off-diagonal values rounded out to tenths, so differences stay visible.
    lo = np.floor(np.nanmin(off) * 10) / 10 if n > 1 else 0.0
    hi = np.ceil(np.nanmax(off) * 10) / 10 if n > 1 else 1.0
    norm = matplotlib.colors.Normalize(lo, max(hi, lo + 0.1))
    im = ax.imshow(off, cmap=cmap, norm=norm, aspect="auto", interpolation="none")
    _annotate(ax, off, cmap, norm, size=7 if n <= 12 else 5)
    ax.set_xticks(range(n), names, rotation=45 if max(display_width(s) for s in names) > 8 else 0,
                  ha="right" if max(display_width(s) for s in names) > 8 else "center")
    ax.set_yticks(range(n), names)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    cb = fig.colorbar(im, cax=cax)
    cb.set_label(bilingual("余弦相似度", "Cosine similarity", lang))
    cb.outline.set_visible(False)
    if title:
        ax_d.set_title(title)
    return fig


def keyness_panels(keyness: pd.DataFrame, labels: dict, lang: str = "zh", n_terms: int = 10,
                   ncols: int = 3, group: str = "region_zh") -> plt.Figure:
    """One panel per region (or the ``group`` column, e.g. province): its most distinctive terms by G²."""
    groups = sorted(keyness[group].unique())
    if not groups:
        raise EduAnalysisError("keyness table is empty: no region has a term above min_count")
    ncols = min(ncols, len(groups))
    nrows = int(np.ceil(len(groups) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.5 * ncols + 0.6, 0.23 * n_terms * nrows + 0.9 * nrows),
                             squeeze=False)
    for ax, g in zip(axes.flat, groups, strict=False):
        k = keyness.loc[keyness[group] == g].sort_values("rank").head(n_terms)
        y = np.arange(len(k))
        ax.barh(y, k["g2"], color=OKABE_ITO[2], height=0.7)
        ax.set_yticks(y, k["term"])
        ax.invert_yaxis()
        ax.set_title(labels.get(g, g))
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
        ax.set_xlabel("G²")
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    return fig


def pair_heatmap(long: pd.DataFrame, value: str, labels: dict, lang: str = "zh", fmt: str = "{:.2f}",
                 colorbar_label: str = "", diagonal_label: str | None = None) -> plt.Figure:
    """Heatmap of a long pairwise table ``region_a, region_b, value`` (e.g. indicator overlap).

    The diagonal (a region with itself) is printed on grey and left out of the colour scale, so it
    does not wash out the pairs.
    """
    sq = long.pivot(index="region_a", columns="region_b", values=value).sort_index().sort_index(axis=1)
    names = [wrap(labels.get(r, r), 14) for r in sq.index]
    n = len(names)
    side = max(3.0, 0.6 * n + 1.5)
    fig, ax = plt.subplots(figsize=(side + 0.9, side + 0.3))
    vals = sq.to_numpy(dtype=float)
    diag = np.diag(vals).copy()
    off = vals.copy()
    np.fill_diagonal(off, np.nan)
    cmap = plt.get_cmap(SEQUENTIAL).with_extremes(bad="0.92")
    top = np.nanmax(off) if n > 1 and np.isfinite(off).any() else 1.0
    norm = matplotlib.colors.Normalize(0, max(top, 1e-9))
    im = ax.imshow(off, cmap=cmap, norm=norm, interpolation="none")
    _annotate(ax, off, cmap, norm, fmt=fmt)
    for i, v in enumerate(diag):
        if np.isfinite(v):
            ax.text(i, i, fmt.format(v), ha="center", va="center", fontsize=7, color="0.25", style="italic")
    rot = 45 if max((display_width(s) for s in names), default=0) > 8 else 0
    ax.set_xticks(range(n), names, rotation=rot, ha="right" if rot else "center")
    ax.set_yticks(range(n), names)
    ax.tick_params(length=0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.8)
    cb.set_label(colorbar_label)
    cb.outline.set_visible(False)
    if diagonal_label:
        ax.set_xlabel(diagonal_label, fontsize=7)
    return fig


# --- themes and clusters ----------------------------------------------------------------

def share_heatmap(shares: pd.DataFrame, group: str, group_labels: dict, theme_names: pd.Series,
                  lang: str = "zh", colorbar_label: str | None = None) -> plt.Figure:
    """Theme × group (region, year …) heatmap of shares in %, themes down the side in taxonomy order."""
    wide = shares.pivot(index="theme_id", columns=group, values="share")
    themes = [t for t in theme_names.index if t in wide.index]
    wide = wide.reindex(index=themes).sort_index(axis=1)
    cols = [wrap(str(group_labels.get(g, g)), 12) for g in wide.columns]
    rows = [theme_names[t] for t in themes]
    width = 0.75 * len(cols) + 0.11 * max((display_width(r) for r in rows), default=10) + 1.6
    fig, ax = plt.subplots(figsize=(width, 0.27 * len(rows) + 1.3))
    vals = wide.to_numpy(dtype=float) * 100
    cmap = plt.get_cmap(SEQUENTIAL)
    norm = matplotlib.colors.Normalize(0, max(np.nanmax(vals) if vals.size else 1, 1))
    im = ax.imshow(vals, cmap=cmap, norm=norm, aspect="auto", interpolation="none")
    _annotate(ax, vals, cmap, norm, fmt="{:.0f}", size=7)
    ax.set_xticks(range(len(cols)), cols)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.6, pad=0.02, aspect=30)
    cb.set_label(colorbar_label or bilingual("含该主题的措施占比 (%)", "Measures mentioning the theme (%)", lang))
    cb.outline.set_visible(False)
    return fig


def silhouette_curve(scores: dict, chosen: int, ari: pd.DataFrame | None = None, lang: str = "zh") -> plt.Figure:
    """Silhouette score by number of clusters (chosen k marked); seed-pair ARI beside it."""
    ncols = 2 if ari is not None and len(ari) else 1
    fig, axes = plt.subplots(1, ncols, figsize=(3.3 * ncols + 0.3, 2.7), squeeze=False)
    ax = axes[0, 0]
    ks = sorted(scores)
    ax.plot(ks, [scores[k] for k in ks], marker="o", color=OKABE_ITO[0], markersize=4)
    ax.axvline(chosen, color=OKABE_ITO[5], linestyle="--", linewidth=1)
    ax.annotate(f"k = {chosen}", (chosen, scores[chosen]), textcoords="offset points", xytext=(6, 6), fontsize=8,
                color=OKABE_ITO[5])
    ax.set_xlabel(bilingual("聚类数 k", "Number of clusters k", lang))
    ax.set_ylabel(bilingual("轮廓系数", "Silhouette score", lang))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    if ncols == 2:
        ax2 = axes[0, 1]
        ax2.hist(ari["ari"], bins=np.linspace(0, 1, 11), color=OKABE_ITO[2], edgecolor="white")
        ax2.axvline(ari["ari"].mean(), color=OKABE_ITO[5], linestyle="--", linewidth=1)
        ax2.annotate(f"{bilingual('均值', 'mean', lang)} {ari['ari'].mean():.2f}", (ari["ari"].mean(), 1),
                     textcoords="offset points", xytext=(4, -10), ha="left", fontsize=8, color=OKABE_ITO[5],
                     xycoords=("data", "axes fraction"))
        ax2.set_xlim(0, 1)
        ax2.set_xlabel(bilingual("不同随机种子间的调整兰德指数", "Adjusted Rand index between seeds", lang))
        ax2.set_ylabel(bilingual("种子对数", "Seed pairs", lang))
        ax2.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    return fig


def crosstab_heatmap(table: pd.DataFrame, row_labels: dict, col_labels: pd.Series, lang: str = "zh",
                     colorbar_label: str = "") -> plt.Figure:
    """Counts heatmap (e.g. cluster × theme), columns in ``col_labels`` order, each row as % of its total."""
    cols = [c for c in col_labels.index if c in table.columns]
    t = table.reindex(columns=cols).fillna(0)
    share = t.div(t.sum(axis=1).replace(0, np.nan), axis=0) * 100
    rows = [str(row_labels.get(r, r)) for r in t.index]
    fig, ax = plt.subplots(figsize=(0.36 * len(cols) + 0.1 * max((display_width(r) for r in rows), default=10) + 1.8,
                                    0.3 * len(rows) + 0.09 * max((display_width(col_labels[c]) for c in cols),
                                                                 default=10) + 0.8))
    vals = share.to_numpy(dtype=float)
    cmap = plt.get_cmap(SEQUENTIAL)
    norm = matplotlib.colors.Normalize(0, max(np.nanmax(vals) if vals.size else 1, 1))
    im = ax.imshow(vals, cmap=cmap, norm=norm, aspect="auto", interpolation="none")
    _annotate(ax, vals, cmap, norm, fmt="{:.0f}", size=6.5)
    ax.set_xticks(range(len(cols)), [col_labels[c] for c in cols], rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.7, pad=0.01, aspect=30)
    cb.set_label(colorbar_label)
    cb.outline.set_visible(False)
    return fig


# --- timeline and targets -------------------------------------------------------------------

#: Largest dot (points², above the 18 every dot has) in :func:`target_years`.
TARGET_DOT_MAX = 600.0


def target_years(timeline: pd.DataFrame, labels: dict, lang: str = "zh") -> plt.Figure:
    """Number of targets each region sets for each year (dot area ∝ count), with plan horizons behind."""
    t = timeline.loc[timeline["event"] == "target"]
    counts = t.groupby(["region_zh", "year"]).size().rename("n").reset_index()
    regions = sorted(timeline["region_zh"].dropna().unique())
    fig, ax = plt.subplots(figsize=(6.3, 0.45 * len(regions) + 1.3))
    ypos = {r: i for i, r in enumerate(regions)}
    spans = timeline.loc[timeline["event"].isin(["plan_start", "plan_end"])]
    for r, g in spans.groupby("region_zh"):
        if g["event"].eq("plan_start").any() and g["event"].eq("plan_end").any():
            lo, hi = g.loc[g.event == "plan_start", "year"].min(), g.loc[g.event == "plan_end", "year"].max()
            ax.plot([lo, hi], [ypos[r]] * 2, color="0.85", linewidth=6, solid_capstyle="round", zorder=1)
    if len(counts):
        sizes = 22 * counts["n"].to_numpy(dtype=float) ** 0.8
        # Dot area grows with the count up to TARGET_DOT_MAX points² (a province may set thousands).
        sizes = 18 + sizes * min(1.0, TARGET_DOT_MAX / sizes.max())
        ax.scatter(counts["year"].astype(float), counts["region_zh"].map(ypos), s=sizes, color=OKABE_ITO[0],
                   alpha=0.85, zorder=2, edgecolor="white", linewidth=0.5)
        for (_, c), size in zip(counts.iterrows(), sizes, strict=True):
            radius = np.sqrt(size / np.pi)  # marker area is in points²
            ax.annotate(str(c["n"]), (float(c["year"]), ypos[c["region_zh"]]), textcoords="offset points",
                        xytext=(0, radius + 1.5), ha="center", va="bottom", fontsize=6.5, zorder=3)
    ax.set_yticks(range(len(regions)), [wrap(labels.get(r, r), 16) for r in regions])
    ax.set_ylim(len(regions) - 0.4, -0.8)
    years = timeline["year"].dropna().astype(int)
    if len(years):
        ax.set_xlim(years.min() - 0.8, years.max() + 0.8)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(bilingual("目标年份（灰条：规划期；数字：目标数）", "Target year (grey: plan horizon; numbers: targets)", lang))
    ax.grid(axis="x", color="0.93", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def categorical_colours(n: int) -> list:
    """``n`` distinct colours: Okabe–Ito up to 8, then tab20 up to 20, then evenly spaced hues.

    Cycling a short palette would give two regions one colour in a legend.

    >>> len(set(map(str, categorical_colours(34))))
    34
    """
    if n <= len(OKABE_ITO):
        return OKABE_ITO[:n]
    cmap = matplotlib.colormaps[MANY_CATEGORIES]
    if n <= cmap.N:
        return [cmap(i) for i in range(n)]
    return [matplotlib.colormaps["hsv"](i / n) for i in range(n)]


def trajectory_panels(points: pd.DataFrame, region_labels: dict, lang: str = "zh", ncols: int = 3,
                      max_panels: int = 12) -> plt.Figure:
    """Baseline → target lines per canonical indicator (one panel each), one colour per region."""
    inds = points.groupby("indicator_id")["region_zh"].nunique().sort_values(ascending=False, kind="mergesort")
    inds = sorted(inds.index[:max_panels])
    regions = sorted(points["region_zh"].unique())
    colour = dict(zip(regions, categorical_colours(len(regions)), strict=True))
    ncols = max(1, min(ncols, len(inds)))
    nrows = int(np.ceil(len(inds) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 0.4, 2.1 * nrows + 0.7), squeeze=False,
                             sharex=True)
    years = points["year"].astype(int)
    for ax, ind in zip(axes.flat, inds, strict=False):
        p = points.loc[points["indicator_id"] == ind]
        first = p.iloc[0]
        for r, g in p.groupby("region_zh"):
            base = g.loc[g["role"] == "baseline"].sort_values("year")
            tgt = g.loc[g["role"] == "target"].sort_values("year")
            # The line runs from the latest baseline to each later target; same-year points are not joined.
            if len(base):
                b0 = base.iloc[-1]
                for _, t in tgt.loc[tgt["year"] > b0["year"]].iterrows():
                    ax.plot([float(b0["year"]), float(t["year"])], [float(b0["value"]), float(t["value"])],
                            color=colour[r], linewidth=1.2, zorder=2)
            ax.scatter(base["year"].astype(float), base["value"].astype(float), marker="o", s=22, zorder=3,
                       facecolor="white", edgecolor=colour[r], linewidth=1.2)
            ax.scatter(tgt["year"].astype(float), tgt["value"].astype(float), marker="^", s=26, zorder=3,
                       color=colour[r])
        unit = "%" if first["unit"] == "percent" else (first["unit"] or "")
        ax.set_title(wrap(pick(first["indicator_zh"], first["indicator_en"], lang, sep="\n"), 26), fontsize=8.5)
        ax.set_ylabel(unit, fontsize=7)
        ax.margins(x=0.08, y=0.15)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
    span = years.max() - years.min()
    axes[0, 0].xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(1 if span <= 6 else 2))
    axes[0, 0].set_xlim(years.min() - 0.6, years.max() + 0.6)
    for k, ax in enumerate(axes.flat):
        if k >= len(inds):
            ax.set_visible(False)
            above = k - ncols
            if above >= 0:
                axes.flat[above].xaxis.set_tick_params(labelbottom=True)
        ax.tick_params(axis="x", labelsize=7)
    handles = [matplotlib.lines.Line2D([], [], color=colour[r], marker="o", label=region_labels.get(r, r))
               for r in regions]
    handles += [matplotlib.lines.Line2D([], [], color="0.3", marker="o", markerfacecolor="white", linestyle="none",
                                        label=bilingual("基线", "baseline", lang)),
                matplotlib.lines.Line2D([], [], color="0.3", marker="^", linestyle="none",
                                        label=bilingual("目标", "target", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4))
    return fig


def target_matrix_heatmap(matrix: pd.DataFrame, lang: str = "zh", max_rows: int = 30) -> plt.Figure:
    """Indicator × region grid of targets; colour = value relative to the indicator's range
    (1 = most ambitious), boxed cell = most ambitious, text = the target as written."""
    from eduanalysis.analyse.compare import format_target

    m = matrix.copy()
    n_reg = m.groupby("indicator_id")["region_zh"].transform("nunique")
    m = m.loc[n_reg >= 2] if (n_reg >= 2).any() else m
    keep = m.groupby("indicator_id")["region_zh"].nunique().sort_values(ascending=False, kind="mergesort")
    m = m.loc[m["indicator_id"].isin(sorted(keep.index[:max_rows]))]
    sign = np.where(m["direction"] == "lower", -1.0, 1.0)
    score = pd.Series(sign * m["value"].astype(float), index=m.index).where(m["comparable"].astype(bool))
    lo = score.groupby(m["indicator_id"]).transform("min")
    hi = score.groupby(m["indicator_id"]).transform("max")
    # Shade only comparable cells; a lone or non-comparable value gets no shade.
    m["rel"] = np.where(hi > lo, (score - lo) / (hi - lo).replace(0, np.nan), np.nan)
    m["cell"] = [format_target(r) for _, r in m.iterrows()]
    inds = sorted(m["indicator_id"].unique())
    regions = sorted(m["region_zh"].unique())
    ind_name = {r.indicator_id: pick(r.indicator_zh, r.indicator_en, lang, sep=" / ") for r in m.itertuples()}
    reg_name = {r.region_zh: pick(r.region_zh, r.region_en, lang) for r in m.itertuples()}
    vals = np.full((len(inds), len(regions)), np.nan)
    row_labels = [wrap(ind_name[i], 30 if lang == "zh" else 40) for i in inds]
    label_width = max(display_width(line) for lab in row_labels for line in lab.splitlines())
    fig, ax = plt.subplots(figsize=(1.05 * len(regions) + 0.075 * label_width + 0.8, 0.34 * len(inds) + 1.2))
    # A light single-hue ramp: black text stays legible and the vermillion box stands out.
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list("light_blues", ["#F7FBFF", "#9ECAE1"])
    norm = matplotlib.colors.Normalize(0, 1)
    for r in m.itertuples():
        i, j = inds.index(r.indicator_id), regions.index(r.region_zh)
        vals[i, j] = r.rel
    ax.imshow(vals, cmap=cmap, norm=norm, aspect="auto", interpolation="none")
    for r in m.itertuples():
        i, j = inds.index(r.indicator_id), regions.index(r.region_zh)
        ax.text(j, i, r.cell, ha="center", va="center", fontsize=7, color="black")
        if bool(r.most_ambitious):
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.47, i - 0.44), 0.94, 0.88, fill=False,
                                                      edgecolor=OKABE_ITO[5], linewidth=1.4))
    ax.set_xticks(np.arange(len(regions) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(inds) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(range(len(regions)), [wrap(reg_name[r], 12) for r in regions])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(inds)), row_labels)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlabel(wrap(bilingual("底色越深，目标相对越高（按指标方向，同单位比较）；红框：比率或上限类指标中最具雄心的地区",
                     "Darker: higher relative to the other regions (same unit, by direction); "
                     "red box: most ambitious, marked for rates and ceilings only", lang),
                       int(fig.get_figwidth() * 17)), fontsize=7)
    return fig


def empty_figure(message: str, size=(4.0, 1.2)) -> plt.Figure:
    """A placeholder figure that states why there is nothing to show (e.g. no targets extracted)."""
    fig, ax = plt.subplots(figsize=size)
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=9, color="0.3", wrap=True)
    return fig
