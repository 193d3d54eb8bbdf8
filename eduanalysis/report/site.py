"""The HTML report: notebook pages without code, a gallery index, a CJK web font that travels with it.

:func:`export_html` writes an executed notebook as a page of its outputs only (nbconvert's
``exclude_input``: no code cells), with a link back to the index and the report's font.
:func:`write_index` writes ``index.html``: the run's parameters and corpus summary, every figure
as a thumbnail linking to the notebook page that made it and to its PDF and SVG (when the run wrote
them: ``formats``), and every
exported table. :func:`write_font` puts a subset of Noto Sans SC (SIL Open Font License) holding
only the characters the pages use beside them, referenced by ``@font-face``, so Chinese renders on
a machine without a CJK font; the CSS falls back to common system CJK fonts.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pandas as pd

from eduanalysis.analyse.selection import resolve_regions

#: The web font written beside the pages, and the CSS that uses it (system CJK fonts as fallbacks).
FONT_FILE = "fonts/NotoSansSC-report.ttf"
FONT_STACK = ('"Noto Sans SC Report", "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
              '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')
CSS = f"""
@font-face {{ font-family: "Noto Sans SC Report"; src: url("{FONT_FILE}") format("truetype"); font-display: swap; }}
body, .jp-Notebook, .jp-RenderedHTMLCommon, table, th, td, pre {{ font-family: {FONT_STACK}; }}
body {{ margin: 0 auto; max-width: 1100px; padding: 0 16px; color: #222; }}
nav.eduanalysis {{ padding: 10px 0; border-bottom: 1px solid #ddd; margin-bottom: 12px; font-size: 14px; }}
.gallery {{ display: flex; flex-wrap: wrap; gap: 14px; }}
.gallery figure {{ margin: 0; width: 230px; border: 1px solid #e3e3e3; padding: 6px; background: #fff; }}
.gallery img {{ width: 100%; height: 200px; object-fit: contain; background: #fafafa; }}
.gallery figcaption {{ font-size: 12px; line-height: 1.4; word-break: break-all; }}
table.params td, table.params th {{ text-align: left; padding: 2px 10px 2px 0; font-size: 13px; vertical-align: top; }}
.jp-RenderedHTMLCommon table {{ font-size: 12px; }}
"""
#: Figures are named ``NN_what`` (``NN`` the notebook's number) and split pages ``NN_what-2``.
FIGURE_RE = re.compile(r"^(\d\d)_")
TABLE_SUFFIXES = (".xlsx", ".csv", ".dta", ".tex", ".md", ".parquet")
#: Folder (beside the pages) of the gallery's thumbnails, and their width in pixels.
THUMBS, THUMB_WIDTH = "thumbs", 460


def style_tags(depth: str = "") -> str:
    return f"<style>{CSS.replace(FONT_FILE, depth + FONT_FILE)}</style>"


def export_html(notebook: Path, index: str = "index.html", replace: dict[str, str] | None = None) -> Path:
    """Write ``notebook`` as HTML (same name, ``.html``): outputs only, a back-link, the report's font.

    ``replace`` maps strings (e.g. a staging folder) to what the page should say instead.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter()
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    for old, new in (replace or {}).items():
        body = body.replace(old, new)
    nav = (f'<nav class="eduanalysis"><a href="{html.escape(index)}">← index</a> · '
           f'{html.escape(notebook.stem)}</nav>')
    body = body.replace("</head>", style_tags() + "\n</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav, body, count=1)
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8", newline="\n")
    return target


def corpus_summary(processed_dir: Path, regions) -> dict[str, str]:
    """Counts a reader checks first: documents, regions, provinces, document types, years."""
    path = processed_dir / "documents.parquet"
    if not path.is_file():
        return {}
    cols = ["doc_id", "region_zh", "region_en", "province_zh", "doc_type_zh", "published_date", "plan_start_year"]
    d = pd.read_parquet(path, columns=cols)
    unplaced = int(d["region_zh"].isna().sum())
    d = d.loc[d["region_zh"].isin(resolve_regions(d, regions))]
    years = pd.to_numeric(d["published_date"].astype("string").str[:4], errors="coerce").fillna(
        pd.to_numeric(d["plan_start_year"], errors="coerce")).dropna()
    types = d["doc_type_zh"].value_counts().head(6)
    return {
        "documents": f"{len(d)}",
        "regions": f"{d['region_zh'].nunique()}",
        "provinces": f"{d['province_zh'].nunique()}" if d["province_zh"].notna().any() else "unknown (no manifest)",
        "years": f"{int(years.min())}–{int(years.max())}" if len(years) else "unknown",
        "document types": ", ".join(f"{t} {n}" for t, n in types.items()) or "unknown",
        **({"left out (no region)": f"{unplaced} documents"} if unplaced else {}),
    }


def write_index(out_dir: Path, pages: list[Path], params, figures_dir: Path, analysis_dir: Path,
                figure_names: list[str], table_files: list[Path]) -> Path:
    """``index.html``: parameters and corpus summary, the figure gallery, the tables, the notebook pages.

    Thumbnails are read from ``THUMBS/`` beside the index (:func:`write_thumbnails`).
    """
    def rel(path: Path) -> str:
        return html.escape(Path(os.path.relpath(path, out_dir)).as_posix())

    by_number = {p.stem[:2]: p for p in pages}
    rows = []
    for key, value in params_rows(params):
        rows.append(f"<tr><th>{html.escape(key)}</th><td><code>{html.escape(value)}</code></td></tr>")
    summary = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                      for k, v in corpus_summary(params.processed_dir, params.regions).items())
    figures = []
    for name in figure_names:
        m = FIGURE_RE.match(name)
        page = by_number.get(m.group(1)) if m else None
        links = [f'<a href="{rel(figures_dir / f"{name}.{fmt}")}">{fmt.upper()}</a>' for fmt in ("pdf", "svg", "png")
                 if fmt == "png" or (figures_dir / f"{name}.{fmt}").is_file()]  # a draft run writes PNG only
        if page is not None:
            links.insert(0, f'<a href="{html.escape(page.stem)}.html">{html.escape(page.stem)}</a>')
        img = f'<img src="{THUMBS}/{html.escape(name)}.png" alt="{html.escape(name)}">'
        target = f"{html.escape(page.stem)}.html" if page is not None else rel(figures_dir / f"{name}.png")
        figures.append(f'<figure><a href="{target}">{img}</a><figcaption><b>{html.escape(name)}</b><br>'
                       f'{" · ".join(links)}</figcaption></figure>')
    tables = "".join(f'<li><a href="{rel(p)}">{html.escape(p.name)}</a> '
                     f'<small>({html.escape(p.parent.name)}/, {p.stat().st_size / 1024:,.0f} KB)</small></li>'
                     for p in table_files)
    nb_items = "".join(f'<li><a href="{html.escape(p.stem)}.html">{html.escape(p.stem)}</a></li>' for p in pages)
    page_html = (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>eduanalysis report</title>'
        f"{style_tags()}</head>\n<body>\n<h1>eduanalysis report</h1>\n"
        f"<h2>Corpus</h2>\n<table class=\"params\">{summary}</table>\n"
        f"<h2>Notebooks</h2>\n<ol>{nb_items}</ol>\n"
        f"<h2>Figures ({len(figure_names)})</h2>\n<div class=\"gallery\">\n" + "\n".join(figures) + "\n</div>\n"
        f"<h2>Tables ({len(table_files)})</h2>\n<ul>{tables}</ul>\n"
        f"<h2>Parameters of this run</h2>\n<table class=\"params\">{''.join(rows)}</table>\n"
        "</body></html>\n")
    path = out_dir / "index.html"
    path.write_text(page_html, encoding="utf-8", newline="\n")
    return path


def params_rows(params) -> list[tuple[str, str]]:
    """The run's parameters as (name, value) rows, paths absolute."""
    out = []
    for key in ("corpus_dir", "processed_dir", "figures_dir", "analysis_dir", "notebooks_dir"):
        out.append((key, str(Path(getattr(params, key)).resolve())))
    for key in ("regions", "lang", "seed", "max_labels", "user_dictionaries", "notebooks"):
        out.append((key, str(getattr(params, key))))
    if hasattr(params, "formats"):  # jobs is left out: it changes how fast a report is made, not what it holds
        out.append(("formats", str(list(params.formats))))
    return out


def figure_names(figures_dir: Path) -> list[str]:
    """Figure names (without suffix) in ``figures_dir`` that have a PNG, in name order."""
    return sorted(p.stem for p in figures_dir.glob("*.png") if not p.name.startswith("."))


def table_files(*folders: Path) -> list[Path]:
    """Exported tables of the folders (workbook first), in name order."""
    files = [p for f in folders for p in sorted(f.glob("*")) if p.suffix in TABLE_SUFFIXES
             and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (p.suffix != ".xlsx", p.parent.name, p.name))


def write_thumbnails(out_dir: Path, figures_dir: Path, names: list[str]) -> list[Path]:
    """Small PNGs of the figures for the gallery (the 300-dpi originals stay linked)."""
    from PIL import Image

    folder = out_dir / THUMBS
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        with Image.open(figures_dir / f"{name}.png") as im:
            im.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
            im.save(folder / f"{name}.png", optimize=True)
        written.append(folder / f"{name}.png")
    return written


def write_font(out_dir: Path, pages: list[Path]) -> Path:
    """Subset the bundled Noto Sans SC to the characters of ``pages`` and write it to ``out_dir/FONT_FILE``."""
    from fontTools import subset

    from eduanalysis.report.plots import cjk_font_path

    text = "".join(p.read_text(encoding="utf-8") for p in pages if p.is_file())
    chars = {ch for ch in text if ord(ch) > 0x7F} | {chr(c) for c in range(0x20, 0x7F)}
    target = out_dir / FONT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(str(cjk_font_path()), options)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(chars)))
    sub.subset(font)
    subset.save_font(font, str(target), options)
    return target
