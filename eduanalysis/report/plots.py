"""Figures for papers: one style, Chinese rendered with a bundled font, deterministic files.

Importing this module registers Noto Sans SC (SIL Open Font License) with
matplotlib. The font comes from the PyPI package ``justmytype-intl-cjk`` as a
variable TrueType font whose default instance is *Thin*; matplotlib cannot pick
a weight of a variable font, so on first use the Regular (400) instance is cut
with fontTools and cached under matplotlib's cache folder (about 20 s, once per
machine). TrueType outlines embed cleanly in PDF as Type 42 fonts.

:func:`save` writes every figure as PNG (300 dpi), SVG and PDF (or the ``formats``
asked for; PNG always) with no timestamps and a fixed SVG hash salt, so the same input
gives byte-identical SVG and PDF files. Colours are the Okabe–Ito palette (categorical) and
viridis (sequential), both readable with colour-vision deficiencies.

Two things keep figure writing from repeating work, neither changing a file written:

- in a notebook, a saved figure is shown from the PNG just written, reduced to the
  notebook's 100 dpi (:func:`preview_png`), instead of being drawn a second time;
- the subsets of the CJK font that PDFs embed are kept under the font cache
  (``pdf-subsets/``, keyed by font, glyphs and the fontTools and matplotlib versions), so a
  figure drawn with the same characters as in an earlier run is not subset again: cutting a
  subset out of the 30,000-glyph font is most of a PDF's writing time.

Every plotting function takes tidy frames and a ``lang`` of ``"zh"``, ``"en"``
or ``"both"`` and returns a :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import sys
import tempfile
from importlib import resources as importlib_resources
from pathlib import Path

import matplotlib
import matplotlib.collections
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import to_rgb

from eduanalysis import resources
from eduanalysis.analyse.selection import issue_year
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report.labels import bilingual, display_width, pick, wrap
from eduanalysis.report.params import FIGURE_FORMATS, check_formats

#: Where the variable Noto Sans SC sits inside the ``justmytype-intl-cjk`` wheel.
FONT_PACKAGE = "justmytype_intl_cjk"
FONT_RESOURCE = "fonts/ofl/notosanssc/NotoSansSC[wght].ttf"
FONT_FAMILY = "Noto Sans SC"
FONT_WEIGHT = 400

#: Okabe & Ito (2008) colour-blind-safe categorical palette (black last: it is also the text colour).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Qualitative colour map for more categories than OKABE_ITO holds (up to its 20 colours).
MANY_CATEGORIES = "tab20"
#: The most groups a figure tells apart by colour; beyond, groups are facets or one neutral colour.
MAX_HUES = 10
SEQUENTIAL = "viridis"
FORMATS = FIGURE_FORMATS
DPI = 300
#: Display names of the normalised units.
UNIT_NAMES = "report/unit_names.csv"

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
        src = importlib_resources.files(FONT_PACKAGE) / FONT_RESOURCE
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


#: Most font subsets kept in ``pdf-subsets/`` (the oldest beyond are removed; each is a few kilobytes).
SUBSET_CACHE_MAX = 2000


def subset_cache_dir() -> Path:
    """Where the PDF font subsets are kept: beside the cut Regular instance of the CJK font."""
    return cjk_font_path().parent / "pdf-subsets"


class _CachedSubset:
    """A subset font as matplotlib's PDF writer uses it: saved as the bytes fontTools wrote when it was cut."""

    def __init__(self, data: bytes):
        self._data = data

    def save(self, file, reorderTables=None) -> None:  # noqa: N803 - fontTools' name
        file.write(self._data)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _subset_key(fontfile, glyphs) -> str | None:
    """The cache key of a subset of the package's CJK font, or None for any other font (never cached)."""
    import fontTools

    path = Path(str(fontfile))
    if path != cjk_font_path() or getattr(fontfile, "face_index", 0) != 0:
        return None
    ids = ",".join(str(g) for g in sorted({int(g) for g in glyphs}))
    return hashlib.sha1(f"{path.name}:{matplotlib.__version__}:{fontTools.version}:{ids}".encode()).hexdigest()


def _install_subset_cache() -> None:
    """Wrap matplotlib's font subsetter (3.10+, ``SubsetResults``) so subsets of the CJK font are cut once.

    The bytes kept are those fontTools wrote for the subset, so a PDF written from the cache is
    byte-identical to one written without it. Older matplotlib keeps its own subsetter.
    """
    from matplotlib.backends import _backend_pdf_ps as pdf_ps

    original = getattr(pdf_ps, "get_glyphs_subset", None)
    if original is None or getattr(original, "eduanalysis_cached", False) or not hasattr(pdf_ps, "SubsetResults"):
        return

    def get_glyphs_subset(fontfile, glyphs):
        glyphs = list(glyphs)
        key = _subset_key(fontfile, glyphs)
        if key is None:
            return original(fontfile, glyphs)
        path = subset_cache_dir() / f"{key}.subset"
        try:
            blob = path.read_bytes()
            size = int.from_bytes(blob[:4], "big")
            index_map = {int(k): v for k, v in json.loads(blob[4:4 + size]).items()}
            return pdf_ps.SubsetResults(_CachedSubset(blob[4 + size:]), index_map)._as_cm()
        except (OSError, ValueError):
            pass
        with original(fontfile, glyphs) as cut:
            data = pdf_ps.font_as_file(cut.font).getvalue()
            index_map = dict(cut.glyph_index_map)
        header = json.dumps({str(k): int(v) for k, v in index_map.items()}, sort_keys=True).encode()
        _write_subset(path, len(header).to_bytes(4, "big") + header + data)
        return pdf_ps.SubsetResults(_CachedSubset(data), index_map)._as_cm()

    get_glyphs_subset.eduanalysis_cached = True
    get_glyphs_subset.__wrapped__ = original
    pdf_ps.get_glyphs_subset = get_glyphs_subset


def _write_subset(path: Path, blob: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # atomic: kernels running at once may write the same subset
        kept = sorted(path.parent.glob("*.subset"), key=lambda p: p.stat().st_mtime)
        for old in kept[:max(0, len(kept) - SUBSET_CACHE_MAX)]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only cache only costs time
        return


def setup() -> None:
    """Register the CJK font, apply the house style and cache PDF font subsets (idempotent)."""
    path = str(cjk_font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    plt.rcParams.update(STYLE)
    _install_subset_cache()


setup()


# --- page geometry ------------------------------------------------------------------

#: Every figure fits a page: at most this wide (a 7-inch column, inside A4 and US-letter text widths) …
PAGE_WIDTH = 7.0
#: … and at most this tall; a figure with more rows than fit is split into numbered pages.
PAGE_HEIGHT = 10.0
#: Row height (inches) a row-per-item figure prefers, and the least it shrinks to before splitting.
ROW_HEIGHT = 0.24
MIN_ROW_HEIGHT = 0.14
#: Square heatmaps (documents × documents, regions × regions) have room for a value in each cell up to this many rows.
ANNOTATE_MAX = 12
#: The one cap on per-cell text: no heatmap prints its values when it has more cells than this, whatever its
#: geometry (thousands of texts take minutes to draw and are read by nobody; the tables hold the values).
ANNOTATE_MAX_CELLS = 400


#: Resolution of the pages shown in a notebook (and so in its HTML page).
PAGE_PREVIEW_DPI = 90


class FigurePages(list):
    """Several figures that together show one figure's rows, saved as ``name-1``, ``name-2`` …

    Shown in a notebook as the pages one below the other.
    """

    def _repr_html_(self) -> str:
        import base64
        import io

        from PIL import Image

        parts = []
        for k, fig in enumerate(self, start=1):
            saved = getattr(fig, PREVIEW_ATTR, None)
            if saved is not None:  # the saved 300-dpi PNG, reduced: no second drawing
                with Image.open(saved) as im:
                    image = im.resize((round(im.width * PAGE_PREVIEW_DPI / DPI),
                                       round(im.height * PAGE_PREVIEW_DPI / DPI)), Image.Resampling.LANCZOS)
            else:
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=PAGE_PREVIEW_DPI, metadata=METADATA["png"])
                image = Image.open(buf)
            # A palette of 256 colours keeps a page of many pages light (the 300-dpi files are the originals).
            small = io.BytesIO()
            image.convert("RGB").quantize(256).save(small, format="png", optimize=True)
            data = base64.b64encode(small.getvalue()).decode()
            parts.append(f'<p>{k}/{len(self)}</p><img src="data:image/png;base64,{data}">')
        return "\n".join(parts)


def row_pages(n: int, overhead: float, row: float = ROW_HEIGHT, min_row: float = MIN_ROW_HEIGHT,
              height: float = PAGE_HEIGHT) -> tuple[list[slice], float]:
    """Split ``n`` rows into pages no taller than ``height`` inches (``overhead`` for titles and axes).

    Rows keep ``row`` inches while they fit, then shrink to ``min_row``; beyond that they are split
    into the fewest pages of equal length. Returns the slices and the row height.

    >>> row_pages(10, 1.0)
    ([slice(0, 10, None)], 0.24)
    >>> pages, h = row_pages(100, 1.0); len(pages), round(h, 2)
    (2, 0.18)
    """
    room = height - overhead
    if n * row <= room:
        return [slice(0, n)], row
    if n * min_row <= room:
        return [slice(0, n)], room / n
    k = int(np.ceil(n * min_row / room))
    per = int(np.ceil(n / k))
    return [slice(a, min(a + per, n)) for a in range(0, n, per)], room / per


def row_font(row: float) -> float:
    """Tick-label size (points) for rows ``row`` inches apart: 8 pt when there is room, down to 6 pt."""
    return float(np.clip(row * 72 * 0.72, 6.0, 8.0))


def _square_ticks(ax, names, n: int, side: float, fs: float) -> list[int]:
    """Label a square heatmap's rows and columns (every k-th when they do not fit); no ticks, no frame."""
    shown = sparse_ticks(n, side, fs)
    ax.set_xticks(shown, [names[i] for i in shown], rotation=90, fontsize=fs)
    ax.set_yticks(shown, [names[i] for i in shown], fontsize=fs)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return shown


def sparse_ticks(n: int, length_in: float, fontsize: float, lines: int = 1) -> list[int]:
    """Positions of the tick labels to draw on an axis of ``n`` items ``length_in`` inches long.

    Every item when they fit, else every k-th one, so labels never overlap.

    >>> sparse_ticks(10, 5, 8), sparse_ticks(100, 5, 8)[:3]
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 3, 6])
    """
    if n == 0:
        return []
    need = fontsize * 1.3 * lines / 72  # inches one label needs along the axis
    step = max(1, int(np.ceil(need / (length_in / n))))
    return list(range(0, n, step))


def pages_or_one(figs: list) -> plt.Figure | FigurePages:
    return figs[0] if len(figs) == 1 else FigurePages(figs)


# --- saving -----------------------------------------------------------------------

def save(fig: plt.Figure | FigurePages, name: str, figures_dir: str | Path,
         formats: tuple[str, ...] | list[str] = FORMATS) -> dict[str, Path]:
    """Write ``fig`` as ``name.png`` (300 dpi), ``name.svg`` and ``name.pdf`` under ``figures_dir``.

    ``formats`` (the report's ``formats``) chooses among them; PNG is always written, first.
    Pages (:class:`FigurePages`) are written as ``name-1``, ``name-2`` …; the paths returned are
    those of the first page. Figures are closed afterwards; in a notebook, displaying one shows
    its PNG (:func:`preview_png`).
    """
    formats = check_formats(list(formats), f"plots.save({name!r})")
    if isinstance(fig, FigurePages):
        first = {}
        for k, page in enumerate(fig, start=1):
            paths = save(page, f"{name}-{k}", figures_dir, formats)
            first = first or paths
        return first
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    engine = fig.get_layout_engine()
    # rc "no layout": set_layout_engine(None) then means none, not the style's constrained layout.
    with plt.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"], "figure.constrained_layout.use": False,
                         "figure.autolayout": False}):
        shown = fig.dpi
        try:
            if engine is not None:
                # Laid out once, at the files' resolution, then drawn once per format: with its layout engine,
                # every savefig draws the figure twice and lays it out each time (0.4 of the time, the same bytes).
                fig.set_dpi(DPI)
                fig.draw_without_rendering()
                fig.set_dpi(shown)
                fig.set_layout_engine(None)
            for fmt in formats:
                path = folder / f"{name}.{fmt}"
                partial = folder / f".{name}.{fmt}.partial"  # moved into place whole: no half-written figure
                fig.savefig(partial, format=fmt, dpi=DPI, metadata=METADATA[fmt])
                os.replace(partial, path)
                paths[fmt] = path
        finally:
            fig.set_dpi(shown)
            if engine is not None:
                fig.set_layout_engine(engine)
    plt.close(fig)
    if _shell() is not None:
        setattr(fig, PREVIEW_ATTR, paths["png"])
        _show_saved_png()
    return paths


#: The attribute :func:`save` sets on a figure: the PNG it wrote (shown in place of a second drawing).
PREVIEW_ATTR = "_eduanalysis_png"
#: The notebook's resolution (``figure.dpi``): the 300-dpi file reduced by ``DPI // PREVIEW_DPI``.
PREVIEW_DPI = 100


def preview_png(path: str | Path) -> bytes:
    """The PNG at ``path`` (300 dpi) reduced to :data:`PREVIEW_DPI`: what a notebook shows of a saved figure.

    Each output pixel is the mean of a 3 × 3 block: the saved picture, at the size the notebook
    shows figures, without drawing the figure again.
    """
    from PIL import Image

    with Image.open(path) as im:
        small = im.reduce(DPI // PREVIEW_DPI)
    buf = io.BytesIO()
    small.save(buf, format="png")
    return buf.getvalue()


def _shell():
    """The IPython kernel shell when running in one (a notebook), else None."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "display_formatter") else None


def _show_saved_png() -> None:
    """Make the notebook's PNG formatter show a saved figure from its file (others as before); idempotent.

    matplotlib's inline backend registers its formatter when the first figure is made, so this
    runs after it, from :func:`save`.
    """
    import base64

    formatter = _shell().display_formatter.formatters["image/png"]
    try:
        previous = formatter.lookup_by_type(plt.Figure)
    except KeyError:
        previous = None
    if getattr(previous, "eduanalysis_saved", False):
        return

    def show(fig):
        saved = getattr(fig, PREVIEW_ATTR, None)
        if saved is not None and Path(saved).is_file():
            return base64.b64encode(preview_png(saved)).decode("ascii")
        return previous(fig) if previous is not None else None

    show.eduanalysis_saved = True
    formatter.for_type(plt.Figure, show)


def unit_name(unit, lang: str = "zh") -> str:
    """How a normalised unit (``percent``, ``schools`` …) reads in ``lang`` (``resources/report/unit_names.csv``)."""
    names = _unit_names()
    if not isinstance(unit, str) or not unit:
        return ""
    zh, en = names.get(unit, (unit, unit))
    return zh if zh == en else pick(zh, en, lang, sep=" / ")


@functools.lru_cache(maxsize=1)
def _unit_names() -> dict[str, tuple[str, str]]:
    return {r["unit"]: (r["name_zh"], r["name_en"]) for r in resources.table(UNIT_NAMES)}


# --- cell text -------------------------------------------------------------------

def _text_colour(rgba) -> str:
    r, g, b = to_rgb(rgba)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def annotate_values(shape: tuple[int, int], fits: bool = True) -> bool:
    """Whether a heatmap of ``shape`` (rows, columns) prints its values: the one rule every heatmap follows.

    Values are printed when the text fits the cells (``fits``: each figure's own geometry, e.g. at
    most :data:`ANNOTATE_MAX` rows for a square heatmap) and the heatmap has at most
    :data:`ANNOTATE_MAX_CELLS` cells.

    >>> annotate_values((22, 14)), annotate_values((60, 14)), annotate_values((5, 5), fits=False)
    (True, False, False)
    """
    return bool(fits) and shape[0] * shape[1] <= ANNOTATE_MAX_CELLS


def _annotate(ax, values: np.ndarray, cmap, norm, fmt: str = "{:.2f}", size: float = 7) -> None:
    if not annotate_values(values.shape):  # the cap holds whatever the caller decided
        return
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if np.isnan(v):
                continue
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=size,
                    color=_text_colour(cmap(norm(v))))


# --- corpus overview ----------------------------------------------------------------

def corpus_bars(stats: pd.DataFrame, labels: pd.Series, columns: dict[str, str]) -> plt.Figure | FigurePages:
    """Small multiples of horizontal bars, one panel per statistic, one bar per document (or group).

    ``stats`` is indexed by ``doc_id``; ``columns`` maps column → panel title. Rows are in label
    order; more rows than a page holds are split into pages with a common scale per panel.
    """
    order = sorted(stats.index, key=lambda d: (str(labels.get(d, d)), str(d)))
    tops = {col: float(np.nanmax(stats[col].astype(float))) if len(stats) else 0.0 for col in columns}
    chunks, row = row_pages(len(order), overhead=1.2)
    return pages_or_one([_corpus_bars(stats.loc[order[c]], labels, columns, tops, row) for c in chunks])


def _corpus_bars(stats, labels, columns, tops, row) -> plt.Figure:
    order = stats.index.tolist()
    fs = row_font(row)
    ylabels = [labels.get(d, d) for d in order]
    fig, axes = plt.subplots(1, len(columns), figsize=(PAGE_WIDTH, row * len(order) + 1.2), sharey=True)
    axes = np.atleast_1d(axes)
    y = np.arange(len(order))
    for ax, (col, title) in zip(axes, columns.items(), strict=True):
        vals = stats[col].astype(float).to_numpy()
        ax.barh(y, vals, color=OKABE_ITO[0], height=0.65)
        for yi, v in zip(y, vals, strict=True):
            ax.text(v, yi, f" {v:,.0f}", va="center", fontsize=min(7, fs))
        ax.set_title(wrap(title, 16))
        ax.set_xlim(0, (tops[col] if tops[col] > 0 else 1) * 1.45)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(2, integer=True))
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.tick_params(axis="x", labelsize=7)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(y, ylabels, fontsize=fs)
    axes[0].set_ylim(len(order) - 0.5, -0.5)
    return fig


def plan_horizons(documents: pd.DataFrame, labels: pd.Series, lang: str = "zh") -> plt.Figure | FigurePages:
    """Documents on a time axis: a bar for each plan horizon and a marker at the issue year (pages beyond a page)."""
    docs = documents.copy()
    docs["issue_year"] = docs["doc_id"].map(issue_year(documents))
    docs = docs.sort_values(["issue_year", "plan_start_year", "doc_id"], kind="mergesort").reset_index(drop=True)
    # An issue year no date states (the plan's first year stands in) is drawn hollow.
    stated = documents.set_index("doc_id")[["published_date", "written_date"]].notna().any(axis=1)
    years = pd.concat([docs["plan_start_year"], docs["plan_end_year"], docs["issue_year"]]).dropna().astype(int)
    chunks, row = row_pages(len(docs), overhead=1.3, row=0.3)
    return pages_or_one([_plan_horizons(docs.iloc[c].reset_index(drop=True), stated, years, labels, lang, row)
                         for c in chunks])


def _plan_horizons(docs, stated, years, labels, lang, row) -> plt.Figure:
    legend_labels = {
        "horizon": bilingual("规划期", "Plan horizon", lang),
        "issued": bilingual("发布年份", "Issued", lang),
        "inferred": bilingual("发布年份（推定：规划首年）", "Issued (inferred: plan's first year)", lang),
    }

    def once(key: str) -> str | None:
        return legend_labels.pop(key, None)

    fs = row_font(row)
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, row * len(docs) + 1.3))
    for i, d in docs.iterrows():
        start, end = d["plan_start_year"], d["plan_end_year"]
        if pd.notna(start) and pd.notna(end):
            ax.barh(i, end - start + 1, left=start - 0.5, height=0.5, color=OKABE_ITO[4], alpha=0.9,
                    label=once("horizon"))
            ax.text(end + 0.55, i, f"{int(start)}–{int(end)}" if start != end else f"{int(end)}",
                    va="center", fontsize=min(7, fs))
        if pd.notna(d["issue_year"]):
            inferred = not bool(stated.get(d["doc_id"], False))
            ax.plot(d["issue_year"], i, marker="D", markersize=min(5, fs * 0.7), linestyle="none",
                    color=OKABE_ITO[5], markerfacecolor="white" if inferred else OKABE_ITO[5],
                    label=once("inferred" if inferred else "issued"))
    ax.set_yticks(range(len(docs)), [labels.get(d, d) for d in docs["doc_id"]], fontsize=fs)
    ax.set_ylim(len(docs) - 0.5, -0.5)
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
    regions or provinces it is the mean similarity within the group, worth showing. The figure is
    at most a page wide whatever the number of rows: cells shrink, values are printed up to
    :data:`ANNOTATE_MAX` rows, and beyond what fits only every k-th label is drawn (the
    clustered order keeps neighbours alike).
    """
    names = [labels.get(d, d) for d in order]
    values = square.loc[order, order].to_numpy(dtype=float)
    n = len(order)
    width = min(PAGE_WIDTH, max(3.6, 0.5 * n + 2.4))
    label_in = min(2.2, 0.07 * max((display_width(str(x)) for x in names), default=8) + 0.2)
    side = width - label_in - 0.7  # the heatmap's side: the page width less labels and colour bar
    fs = float(np.clip(side * 72 / max(n, 1) * 0.7, 5.0, 8.0))
    fig = plt.figure(figsize=(width, side + label_in + 0.9 + (0.3 if title else 0)))
    gs = fig.add_gridspec(2, 2, height_ratios=[0.7, side], width_ratios=[side, 0.15])
    ax_d = fig.add_subplot(gs[0, 0])
    ax = fig.add_subplot(gs[1, 0])
    cax = fig.add_subplot(gs[1, 1])
    if len(z):
        # Imported here: notebooks without a dendrogram need no scipy.
        from scipy.cluster.hierarchy import dendrogram

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
    if annotate_values((n, n), fits=n <= ANNOTATE_MAX):
        _annotate(ax, off, cmap, norm, size=7 if n <= 8 else 5.5)
    shown = _square_ticks(ax, names, n, side, fs)
    cb = fig.colorbar(im, cax=cax)
    cb.set_label(bilingual("余弦相似度", "Cosine similarity", lang))
    cb.outline.set_visible(False)
    if title or len(shown) < n:
        note = (bilingual(f"每 {shown[1] - shown[0]} 行标注一次（共 {n} 行，按聚类排序）",
                          f"one label every {shown[1] - shown[0]} rows ({n} rows, clustered order)", lang)
                if len(shown) < n else None)
        ax_d.set_title("\n".join(wrap(t, int(width * 13)) for t in (title, note) if t), fontsize=8.5)
    return fig


def keyness_panels(keyness: pd.DataFrame, labels: dict, lang: str = "zh", n_terms: int = 10,
                   ncols: int = 3, group: str = "region_zh", per_page: int = 12) -> plt.Figure | FigurePages:
    """One panel per region (or the ``group`` column, e.g. province): its most distinctive terms by G².

    At most ``per_page`` panels (``ncols`` across) on a page; more groups give numbered pages.
    """
    groups = sorted(keyness[group].unique())
    if not groups:
        raise EduAnalysisError("keyness table is empty: no region has a term above min_count")
    pages = [groups[a:a + per_page] for a in range(0, len(groups), per_page)]
    return pages_or_one([_keyness_page(keyness, page, labels, n_terms, min(ncols, len(groups)), group)
                         for page in pages])


def _keyness_page(keyness, groups, labels, n_terms, ncols, group) -> plt.Figure:
    nrows = int(np.ceil(len(groups) / ncols))
    panel_h = min(0.2 * n_terms + 0.55, (PAGE_HEIGHT - 0.3) / nrows)
    fs = row_font((panel_h - 0.55) / max(n_terms, 1))
    fig, axes = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH if ncols > 1 else 3.5, panel_h * nrows + 0.3),
                             squeeze=False)
    for ax, g in zip(axes.flat, groups, strict=False):
        k = keyness.loc[keyness[group] == g].sort_values("rank").head(n_terms)
        y = np.arange(len(k))
        ax.barh(y, k["g2"], color=OKABE_ITO[2], height=0.7)
        ax.set_yticks(y, k["term"], fontsize=fs)
        ax.set_ylim(max(n_terms, len(k)) - 0.5, -0.5)
        ax.set_title(wrap(str(labels.get(g, g)), 22), fontsize=8)
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", labelsize=6.5)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
        ax.set_xlabel("G²", fontsize=7, labelpad=1)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    return fig


def pair_heatmap(long: pd.DataFrame, value: str, labels: dict, lang: str = "zh", fmt: str = "{:.2f}",
                 colorbar_label: str = "", diagonal_label: str | None = None) -> plt.Figure:
    """Heatmap of a long pairwise table ``region_a, region_b, value`` (e.g. indicator overlap).

    The diagonal (a region with itself) is printed on grey and left out of the colour scale, so it
    does not wash out the pairs. At most a page wide: values printed up to :data:`ANNOTATE_MAX`
    rows, sparse labels beyond what fits.
    """
    sq = long.pivot(index="region_a", columns="region_b", values=value).sort_index().sort_index(axis=1)
    names = [str(labels.get(r, r)) for r in sq.index]
    n = len(names)
    width = min(PAGE_WIDTH, max(3.6, 0.55 * n + 2.2))
    label_in = min(2.0, 0.07 * max((display_width(x) for x in names), default=8) + 0.2)
    side = width - label_in - 0.8
    fs = float(np.clip(side * 72 / max(n, 1) * 0.7, 5.0, 8.0))
    fig, ax = plt.subplots(figsize=(width, side + label_in + 0.6))
    vals = sq.to_numpy(dtype=float)
    diag = np.diag(vals).copy()
    off = vals.copy()
    np.fill_diagonal(off, np.nan)
    cmap = plt.get_cmap(SEQUENTIAL).with_extremes(bad="0.92")
    top = np.nanmax(off) if n > 1 and np.isfinite(off).any() else 1.0
    norm = matplotlib.colors.Normalize(0, max(top, 1e-9))
    im = ax.imshow(off, cmap=cmap, norm=norm, interpolation="none", aspect="auto")
    annotate = annotate_values((n, n), fits=n <= ANNOTATE_MAX)
    if annotate:
        _annotate(ax, off, cmap, norm, fmt=fmt)
        for i, v in enumerate(diag):
            if np.isfinite(v):
                ax.text(i, i, fmt.format(v), ha="center", va="center", fontsize=7, color="0.25", style="italic")
    _square_ticks(ax, names, n, side, fs)
    cb = fig.colorbar(im, ax=ax, shrink=0.8)
    cb.set_label(colorbar_label)
    cb.outline.set_visible(False)
    if diagonal_label and annotate:
        ax.set_xlabel(wrap(diagonal_label, int(width * 14)), fontsize=7)
    return fig


# --- themes and clusters ----------------------------------------------------------------

#: A share heatmap with more groups than this puts the groups down the side (on pages) instead of across.
SHARE_COLUMNS_MAX = 14


def share_heatmap(shares: pd.DataFrame, group: str, group_labels: dict, theme_names: pd.Series,
                  lang: str = "zh", colorbar_label: str | None = None) -> plt.Figure | FigurePages:
    """Theme × group (region, year …) heatmap of shares in %, themes in taxonomy order.

    Up to :data:`SHARE_COLUMNS_MAX` groups run across with values printed; more groups run down
    the side, on numbered pages when they do not fit one, themes across, colour only.
    """
    wide = shares.pivot(index="theme_id", columns=group, values="share")
    themes = [t for t in theme_names.index if t in wide.index]
    wide = wide.reindex(index=themes).sort_index(axis=1)
    vals = wide.to_numpy(dtype=float) * 100
    norm = matplotlib.colors.Normalize(0, max(np.nanmax(vals) if vals.size else 1, 1))
    label = colorbar_label or bilingual("含该主题的措施占比 (%)", "Measures mentioning the theme (%)", lang)
    theme_rows = [theme_names[t] for t in themes]
    groups = [str(group_labels.get(g, g)) for g in wide.columns]
    if len(groups) <= SHARE_COLUMNS_MAX:
        return _share_grid(vals, theme_rows, [wrap(g, 10) for g in groups], norm, label,
                           annotate=annotate_values(vals.shape))
    chunks, row = row_pages(len(groups), overhead=_column_labels_height(theme_rows) + 0.7, row=0.22, min_row=0.14)
    return pages_or_one([_share_grid(vals.T[c], groups[c], theme_rows, norm, label, annotate=False, row=row,
                                     rotate=True) for c in chunks])


def _column_labels_height(cols) -> float:
    """Inches that column labels rotated by 90° take above a heatmap (7-pt text)."""
    return 0.065 * max((display_width(str(c)) for c in cols), default=8) + 0.3


def _share_grid(vals, rows, cols, norm, label, annotate, row=0.27, rotate=False) -> plt.Figure:
    cmap = plt.get_cmap(SEQUENTIAL)
    label_w = 0.075 * max((display_width(line) for r in rows for line in str(r).splitlines()), default=10) + 0.3
    col_h = _column_labels_height(cols) if rotate else 0.16 * max((len(c.splitlines()) for c in cols), default=1) + 0.2
    width = min(PAGE_WIDTH, label_w + 0.62 * len(cols) + 1.2) if not rotate else PAGE_WIDTH
    fs = row_font(row)
    fig, ax = plt.subplots(figsize=(width, row * len(rows) + col_h + 0.7))
    im = ax.imshow(vals, cmap=cmap, norm=norm, aspect="auto", interpolation="none")
    if annotate:
        _annotate(ax, vals, cmap, norm, fmt="{:.0f}", size=7)
    ax.set_xticks(range(len(cols)), cols, rotation=90 if rotate else 0, fontsize=7 if rotate else 8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), rows, fontsize=fs)
    ax.tick_params(length=0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.6 if len(rows) > 8 else 0.9, pad=0.02, aspect=30)
    cb.set_label(wrap(label, 30), fontsize=7)
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
    """Counts heatmap (e.g. cluster × theme), columns in ``col_labels`` order, each row as % of its total.

    A page wide at most; values are printed while a cell is at least 0.2 in wide.
    """
    cols = [c for c in col_labels.index if c in table.columns]
    t = table.reindex(columns=cols).fillna(0)
    share = t.div(t.sum(axis=1).replace(0, np.nan), axis=0) * 100
    rows = [wrap(str(row_labels.get(r, r)), 40) for r in t.index]
    label_w = min(2.8, 0.07 * max((display_width(line) for r in rows for line in r.splitlines()), default=10) + 0.3)
    col_h = 0.065 * max((display_width(col_labels[c]) for c in cols), default=10) + 0.3
    cell = (PAGE_WIDTH - label_w - 0.9) / max(len(cols), 1)
    width = min(PAGE_WIDTH, label_w + 0.9 + min(cell, 0.45) * len(cols))
    _, row = row_pages(len(rows), overhead=col_h + 0.5, row=max(0.3, 0.15 * max(
        (len(r.splitlines()) for r in rows), default=1)))
    fig, ax = plt.subplots(figsize=(width, row * len(rows) + col_h + 0.5))
    vals = share.to_numpy(dtype=float)
    cmap = plt.get_cmap(SEQUENTIAL)
    norm = matplotlib.colors.Normalize(0, max(np.nanmax(vals) if vals.size else 1, 1))
    im = ax.imshow(vals, cmap=cmap, norm=norm, aspect="auto", interpolation="none")
    if annotate_values(vals.shape, fits=min(cell, 0.45) >= 0.2):
        _annotate(ax, vals, cmap, norm, fmt="{:.0f}", size=6)
    ax.set_xticks(range(len(cols)), [col_labels[c] for c in cols], rotation=90, fontsize=7)
    ax.set_yticks(range(len(rows)), rows, fontsize=row_font(row / max((len(r.splitlines()) for r in rows),
                                                                      default=1)))
    ax.tick_params(length=0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.7, pad=0.01, aspect=30)
    cb.set_label(wrap(colorbar_label, 30), fontsize=7)
    cb.outline.set_visible(False)
    return fig


# --- timeline and targets -------------------------------------------------------------------

#: Largest dot (points², above the 18 every dot has) in :func:`target_years`.
TARGET_DOT_MAX = 600.0


def target_years(timeline: pd.DataFrame, labels: dict, lang: str = "zh") -> plt.Figure | FigurePages:
    """Number of targets each region sets for each year (dot area ∝ count), with plan horizons behind.

    One row per region in name order; more regions than a page holds give numbered pages on a
    common year axis and dot scale.
    """
    t = timeline.loc[timeline["event"] == "target"]
    counts = t.groupby(["region_zh", "year"]).size().rename("n").reset_index()
    regions = sorted(timeline["region_zh"].dropna().unique())
    years = timeline["year"].dropna().astype(int)
    top = float(counts["n"].max()) if len(counts) else 1.0
    chunks, row = row_pages(len(regions), overhead=1.3, row=0.42, min_row=0.2)
    return pages_or_one([_target_years(timeline, counts, regions[c], years, top, labels, lang, row) for c in chunks])


def _target_years(timeline, counts, regions, years, top, labels, lang, row) -> plt.Figure:
    counts = counts.loc[counts["region_zh"].isin(regions)]
    fs = row_font(row)
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, row * len(regions) + 1.3))
    ypos = {r: i for i, r in enumerate(regions)}
    spans = timeline.loc[timeline["event"].isin(["plan_start", "plan_end"]) & timeline["region_zh"].isin(regions)]
    for r, g in spans.groupby("region_zh"):
        if g["event"].eq("plan_start").any() and g["event"].eq("plan_end").any():
            lo, hi = g.loc[g.event == "plan_start", "year"].min(), g.loc[g.event == "plan_end", "year"].max()
            ax.plot([lo, hi], [ypos[r]] * 2, color="0.85", linewidth=row * 20, solid_capstyle="round", zorder=1)
    if len(counts):
        # Dot area grows with the count up to a maximum that fits the row (a province may set thousands).
        biggest = min(TARGET_DOT_MAX, (row * 72 * 0.8) ** 2)
        sizes = 22 * counts["n"].to_numpy(dtype=float) ** 0.8
        sizes = 8 + sizes * min(1.0, biggest / (22 * top ** 0.8))
        ax.scatter(counts["year"].astype(float), counts["region_zh"].map(ypos), s=sizes, color=OKABE_ITO[0],
                   alpha=0.85, zorder=2, edgecolor="white", linewidth=0.5)
        if row >= 0.35:
            for (_, c), size in zip(counts.iterrows(), sizes, strict=True):
                radius = np.sqrt(size / np.pi)  # marker area is in points²
                ax.annotate(str(c["n"]), (float(c["year"]), ypos[c["region_zh"]]), textcoords="offset points",
                            xytext=(0, radius + 1.5), ha="center", va="bottom", fontsize=6.5, zorder=3)
    ax.set_yticks(range(len(regions)), [labels.get(r, r) for r in regions], fontsize=fs)
    ax.set_ylim(len(regions) - 0.4, -0.8)
    if len(years):
        ax.set_xlim(years.min() - 0.8, years.max() + 0.8)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(bilingual("目标年份（灰条：规划期；点面积：目标数）" + ("" if row < 0.35 else "，数字：目标数"),
                            "Target year (grey: plan horizon; dot area: targets"
                            + (")" if row < 0.35 else "; numbers: targets)"), lang))
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
    if n <= 10:
        return [matplotlib.colormaps["tab10"](i) for i in range(n)]
    cmap = matplotlib.colormaps[MANY_CATEGORIES]
    if n <= cmap.N:
        return [cmap(i) for i in range(n)]
    return [matplotlib.colormaps["hsv"](i / n) for i in range(n)]


def trajectory_panels(points: pd.DataFrame, region_labels: dict, lang: str = "zh", ncols: int = 3,
                      max_panels: int = 12) -> plt.Figure:
    """Baseline → target lines per canonical indicator (one panel each), one colour per region.

    Colours tell regions apart only up to :data:`MAX_HUES`; with more, every region is drawn
    in one grey (the panels compare the spread, the table names the regions) instead of in hues
    nobody can match to a legend.
    """
    inds = points.groupby("indicator_id")["region_zh"].nunique().sort_values(ascending=False, kind="mergesort")
    inds = sorted(inds.index[:max_panels])
    regions = sorted(points["region_zh"].unique())
    coloured = len(regions) <= MAX_HUES
    colour = dict(zip(regions, categorical_colours(len(regions)) if coloured else ["0.45"] * len(regions),
                      strict=True))
    ncols = max(1, min(ncols, len(inds)))
    nrows = int(np.ceil(len(inds) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH if ncols > 1 else 3.4,
                                                    min(2.1 * nrows + 0.9, PAGE_HEIGHT)), squeeze=False, sharex=True)
    years = points["year"].astype(int)
    for ax, ind in zip(axes.flat, inds, strict=False):
        p = points.loc[points["indicator_id"] == ind]
        first = p.iloc[0]
        segments, seg_colours, base_pts, tgt_pts = [], [], [], []
        for r, g in p.groupby("region_zh"):
            base = g.loc[g["role"] == "baseline"].sort_values("year")
            tgt = g.loc[g["role"] == "target"].sort_values("year")
            # The line runs from the latest baseline to each later target; same-year points are not joined.
            if len(base):
                b0 = base.iloc[-1]
                for t in tgt.loc[tgt["year"] > b0["year"]].itertuples():
                    segments.append([(float(b0["year"]), float(b0["value"])), (float(t.year), float(t.value))])
                    seg_colours.append(colour[r])
            base_pts += [(float(y), float(v), colour[r]) for y, v in zip(base["year"], base["value"], strict=True)]
            tgt_pts += [(float(y), float(v), colour[r]) for y, v in zip(tgt["year"], tgt["value"], strict=True)]
        # One collection per kind of mark: fast to draw with a hundred regions.
        width = 1.2 if coloured else 0.7
        ax.add_collection(matplotlib.collections.LineCollection(segments, colors=seg_colours, linewidths=width,
                                                                zorder=2, alpha=1 if coloured else 0.6))
        for pts, marker, size, hollow in ((base_pts, "o", 22, True), (tgt_pts, "^", 26, False)):
            if pts:
                xs, ys, cs = zip(*pts, strict=True)
                ax.scatter(xs, ys, marker=marker, s=size if coloured else size * 0.5, zorder=3,
                           facecolor="white" if hollow else list(cs), edgecolor=list(cs), linewidth=1.0)
        ax.autoscale_view()
        unit = unit_name(first["unit"], lang)
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
    handles = ([matplotlib.lines.Line2D([], [], color=colour[r], marker="o", label=region_labels.get(r, r))
                for r in regions] if coloured else
               [matplotlib.lines.Line2D([], [], color="0.45", label=wrap(bilingual(
                   f"每条线一个地区（{len(regions)} 个，过多无法以颜色区分）",
                   f"one line per region ({len(regions)}: too many to tell apart by colour)", lang), 48))])
    handles += [matplotlib.lines.Line2D([], [], color="0.3", marker="o", markerfacecolor="white", linestyle="none",
                                        label=bilingual("基线", "baseline", lang)),
                matplotlib.lines.Line2D([], [], color="0.3", marker="^", linestyle="none",
                                        label=bilingual("目标", "target", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4))
    return fig


#: Width (inches) of a target-matrix cell that prints the target.
MATRIX_CELL_WIDTH = 0.95
#: Pages of printed cells a target matrix may take before it becomes a colour-only grid.
MATRIX_TEXT_PAGES = 3


def target_matrix_heatmap(matrix: pd.DataFrame, lang: str = "zh", max_rows: int = 30) -> plt.Figure | FigurePages:
    """Indicator × region grid of targets; colour = value relative to the indicator's range
    (1 = most ambitious), boxed cell = most ambitious, text = the target as written.

    As many regions as fit a page with printed cells go on a page (up to
    :data:`MATRIX_TEXT_PAGES` pages); more regions give a colour-only grid with regions down
    the side, on numbered pages, and the values in the paper table.
    """
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
    row_labels = [wrap(ind_name[i], 30 if lang == "zh" else 40) for i in inds]
    label_width = max(display_width(line) for lab in row_labels for line in lab.splitlines())
    label_in = 0.075 * label_width + 0.4
    fit = max(1, int((PAGE_WIDTH - label_in) / MATRIX_CELL_WIDTH))
    if len(regions) <= fit * MATRIX_TEXT_PAGES and annotate_values((len(inds), min(fit, len(regions)))):
        pages = [regions[a:a + fit] for a in range(0, len(regions), fit)]
        return pages_or_one([_matrix_text(m, inds, page, row_labels, reg_name, label_in, lang) for page in pages])
    # Few indicators leave room to print each target in its cell, labels across; else colour only, labels up.
    cell = (PAGE_WIDTH - 0.08 * max(display_width(str(v)) for v in reg_name.values()) - 0.6) / len(inds)
    printed = cell >= MATRIX_CELL_WIDTH
    if printed:
        col_labels = [wrap(ind_name[i], int(cell * 72 / 6.5 * 2 * 0.8)) for i in inds]
        col_h = 0.12 * max(len(lab.splitlines()) for lab in col_labels) + 0.3
    else:
        col_labels = [wrap(ind_name[i], 24 if lang == "zh" else 32) for i in inds]
        col_h = 0.065 * max(display_width(line) for lab in col_labels for line in lab.splitlines()) + 0.4
    chunks, row = row_pages(len(regions), overhead=col_h + 1.1, row=0.2)
    return pages_or_one([_matrix_grid(m, inds, regions[c], col_labels, reg_name, col_h, row, lang,
                                      printed and annotate_values((len(regions[c]), len(inds))))
                         for c in chunks])


def _matrix_cmap():
    # A light single-hue ramp: black text stays legible and the vermillion box stands out.
    return matplotlib.colors.LinearSegmentedColormap.from_list("light_blues", ["#F7FBFF", "#9ECAE1"])


def _matrix_text(m, inds, regions, row_labels, reg_name, label_in, lang) -> plt.Figure:
    m = m.loc[m["region_zh"].isin(regions)]
    row = min(0.34, (PAGE_HEIGHT - 1.6) / max(len(inds), 1))
    vals = np.full((len(inds), len(regions)), np.nan)
    fig, ax = plt.subplots(figsize=(min(PAGE_WIDTH, MATRIX_CELL_WIDTH * len(regions) + label_in + 0.3),
                                    row * len(inds) + 1.6))
    for r in m.itertuples():
        vals[inds.index(r.indicator_id), regions.index(r.region_zh)] = r.rel
    ax.imshow(vals, cmap=_matrix_cmap(), norm=matplotlib.colors.Normalize(0, 1), aspect="auto", interpolation="none")
    for r in m.itertuples():
        i, j = inds.index(r.indicator_id), regions.index(r.region_zh)
        ax.text(j, i, r.cell, ha="center", va="center", fontsize=min(7, row_font(row)), color="black")
        if bool(r.most_ambitious):
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.47, i - 0.44), 0.94, 0.88, fill=False,
                                                      edgecolor=OKABE_ITO[5], linewidth=1.4))
    ax.set_xticks(np.arange(len(regions) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(inds) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(range(len(regions)), [wrap(reg_name[r], 12) for r in regions])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(inds)), row_labels, fontsize=row_font(row / max(
        (len(lab.splitlines()) for lab in row_labels), default=1)))
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlabel(wrap(bilingual("底色越深，目标相对越高（按指标方向，同单位比较）；红框：比率或上限类指标中最具雄心的地区",
                     "Darker: higher relative to the other regions (same unit, by direction); "
                     "red box: most ambitious, marked for rates and ceilings only", lang),
                       int(fig.get_figwidth() * 17)), fontsize=7)
    return fig


def _matrix_grid(m, inds, regions, col_labels, reg_name, col_h, row, lang, printed) -> plt.Figure:
    m = m.loc[m["region_zh"].isin(regions)]
    vals = np.full((len(regions), len(inds)), np.nan)
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, row * len(regions) + col_h + 1.1))
    # Regions with a target but no comparable shade are drawn in a light grey, absent targets white.
    present = np.zeros_like(vals, dtype=bool)
    for r in m.itertuples():
        i, j = regions.index(r.region_zh), inds.index(r.indicator_id)
        vals[i, j] = r.rel
        present[i, j] = True
    shown = np.where(present & np.isnan(vals), -0.25, vals)
    # Printed targets need the light ramp to stay legible.
    ramp = ["#F7FBFF", "#9ECAE1"] if printed else ["#F7FBFF", "#08519C"]
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list("matrix", ramp).with_extremes(under="0.88", bad="white")
    ax.imshow(shown, cmap=cmap, norm=matplotlib.colors.Normalize(0, 1), aspect="auto", interpolation="none")
    for r in m.itertuples():
        if printed:
            ax.text(inds.index(r.indicator_id), regions.index(r.region_zh), r.cell, ha="center", va="center",
                    fontsize=min(7, row_font(row)))
        if bool(r.most_ambitious):
            i, j = regions.index(r.region_zh), inds.index(r.indicator_id)
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.45, i - 0.42), 0.9, 0.84, fill=False,
                                                      edgecolor=OKABE_ITO[5], linewidth=1.0))
    ax.set_xticks(range(len(inds)), col_labels, rotation=0 if printed else 90, fontsize=6.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(regions)), [reg_name[r] for r in regions], fontsize=row_font(row))
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xticks(np.arange(len(inds) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(regions) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.0)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel(wrap(bilingual("底色越深，目标相对越高；灰：有目标但不可比；红框：最具雄心；数值见表 40_target_matrix",
                                 "Darker: higher relative to the other regions; grey: a target not comparable; "
                                 "red box: most ambitious; values in table 40_target_matrix", lang),
                       int(PAGE_WIDTH * 17)), fontsize=7)
    return fig


def empty_figure(message: str, size=(4.0, 1.2)) -> plt.Figure:
    """A placeholder figure that states why there is nothing to show (e.g. no targets extracted)."""
    fig, ax = plt.subplots(figsize=size)
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=9, color="0.3", wrap=True)
    return fig
