"""Figures of 50_transposition: the citation network, the adoption curve, reuse against additions.

Built for corpora of 80+ documents: the network is drawn in layers (national,
provinces, prefectures, counties), each city under the province it cites, so
edges stay short and labels do not collide; scatter plots label only their
extremes. House style, fonts and :func:`~eduanalysis.report.plots.save` come from
:mod:`eduanalysis.report.plots`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from eduanalysis.report.labels import bilingual, display_width, doc_labels
from eduanalysis.report.plots import OKABE_ITO

#: Layer of each level in the network (top = 0) and its colour.
LEVELS = ("national", "province", "prefecture", "county")
LEVEL_COLOURS = dict(zip(LEVELS, OKABE_ITO[:4], strict=True))
LEVEL_NAMES = {"national": ("中央", "National"), "province": ("省级", "Province"),
               "prefecture": ("地市级", "Prefecture"), "county": ("县区级", "County")}
UNKNOWN_COLOUR = "0.6"


def level_name(level: str, lang: str) -> str:
    zh, en = LEVEL_NAMES.get(level, ("未知", "Unknown"))
    return bilingual(zh, en, lang)


def node_labels(documents: pd.DataFrame, lang: str = "zh", citations: pd.DataFrame | None = None) -> pd.Series:
    """A short label per document: its region (with year and type when a region has several), else its 文号
    (the one the corpus's ``citations`` cite it by when it states none), else its issuer or title (national
    documents have no region)."""
    labels = doc_labels(documents, lang)
    cited_as = pd.Series(dtype=object)
    if citations is not None and len(citations):
        cited_as = (citations.dropna(subset=["cited_doc_id", "cited_number"]).groupby("cited_doc_id")["cited_number"]
                    .agg(lambda s: sorted(s.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0][0]))
    out = {}
    for d in documents.itertuples(index=False):
        label = labels.get(d.doc_id, "")
        if not label:
            label = next((v for v in (d.doc_number, cited_as.get(d.doc_id), d.issuer_zh) if isinstance(v, str) and v),
                         None) or (d.title_zh[:10] if isinstance(d.title_zh, str) else d.doc_id)
        out[d.doc_id] = label
    return pd.Series(out, name="label")


def network_layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """x, y of each node (``doc_id``, ``level``, ``label``): one row per level, each lower-level document
    under the higher-level document it cites (its parent), siblings side by side, parents centred on them.

    ``edges`` holds ``doc_id`` (citing) and ``cited_doc_id``.
    """
    layer = {lv: i for i, lv in enumerate(LEVELS)}
    n = nodes.assign(layer=nodes["level"].map(layer).fillna(len(LEVELS)).astype(int)).set_index("doc_id")
    parent = {}
    for doc, g in edges.groupby("doc_id"):
        ups = [c for c in g["cited_doc_id"] if c in n.index and n.at[c, "layer"] < n.at[doc, "layer"]]
        if ups:  # the nearest level above (a city citing its province and the State Council goes under the province)
            parent[doc] = sorted(ups, key=lambda c: (-n.at[c, "layer"], n.at[c, "label"], c))[0]
    children: dict[str, list[str]] = {}
    for doc, p in parent.items():
        children.setdefault(p, []).append(doc)
    x: dict[str, float] = {}
    slot = [0.0]

    def place(doc: str) -> float:
        kids = sorted(children.get(doc, []), key=lambda c: (n.at[c, "layer"], n.at[c, "label"], c))
        below = [place(k) for k in kids if k not in x]
        if below:  # a parent sits over the middle of its children
            x[doc] = float(np.mean([min(below), max(below)]))
        else:
            x[doc] = slot[0]
            slot[0] += 1.0
        return x[doc]

    # Lay out the trees whose roots sit lowest in the hierarchy last: provinces without a national parent, etc.
    roots = sorted((d for d in n.index if d not in parent), key=lambda d: (n.at[d, "layer"], n.at[d, "label"], d))
    for root in roots:
        if root not in x:
            place(root)
    out = n.assign(x=pd.Series(x), y=-n["layer"].astype(float)).reset_index()
    return out


def citation_network(documents: pd.DataFrame, citations: pd.DataFrame, levels: pd.Series, lang: str = "zh",
                     label_levels: tuple[str, ...] = ("national", "province", "prefecture")) -> plt.Figure:
    """Documents as nodes in layers by level, coloured by level; an edge where one cites another (resolved).

    Only documents citing or cited by another are drawn (the others are counted
    in the title). Labels are drawn for ``label_levels``: horizontal above the
    top layers, vertical below the others.
    """
    e = citations.dropna(subset=["cited_doc_id"])
    e = e.loc[e["doc_id"] != e["cited_doc_id"], ["doc_id", "cited_doc_id"]].drop_duplicates()
    linked = sorted(set(e["doc_id"]) | set(e["cited_doc_id"]))
    labels = node_labels(documents, lang, citations)
    nodes = pd.DataFrame({"doc_id": linked, "level": [levels.get(d) for d in linked],
                          "label": [labels.get(d, d) for d in linked]})
    pos = network_layout(nodes, e).set_index("doc_id")
    width = max(6.3, 0.16 * len(pos) + 1.5)
    fig, ax = plt.subplots(figsize=(min(width, 18.0), 6.2))
    for a, b in e.itertuples(index=False):
        if a in pos.index and b in pos.index:
            colour = LEVEL_COLOURS.get(pos.at[b, "level"], UNKNOWN_COLOUR)
            ax.plot([pos.at[a, "x"], pos.at[b, "x"]], [pos.at[a, "y"], pos.at[b, "y"]], color=colour, alpha=0.35,
                    linewidth=0.7, zorder=1)
    present = pos["level"].fillna("unknown")
    for level in [lv for lv in (*LEVELS, "unknown") if lv in set(present)]:
        g = pos.loc[present == level]
        ax.scatter(g["x"], g["y"], s=36, color=LEVEL_COLOURS.get(level, UNKNOWN_COLOUR), edgecolor="white",
                   linewidth=0.6, zorder=3, label=level_name(level, lang))
    bottom = pos["y"].min()
    for _, r in pos.iterrows():
        if r["level"] not in label_levels:
            continue
        if r["y"] > bottom or r["y"] == pos["y"].max():  # upper layers: slanted labels above the node
            ax.annotate(str(r["label"]), (r["x"], r["y"]), xytext=(-2, 5), textcoords="offset points", ha="left",
                        va="bottom", fontsize=6.5, rotation=45, rotation_mode="anchor")
        else:  # the bottom layer: vertical labels below
            ax.annotate(str(r["label"]), (r["x"], r["y"]), xytext=(0, -6), textcoords="offset points", ha="center",
                        va="top", fontsize=6.5, rotation=90)
    isolated = len(documents) - len(pos)
    ax.set_title(bilingual(f"引用网络：{len(pos)} 份文件相互引用（另有 {isolated} 份未引用语料中的文件、亦未被引用）",
                           f"Citation network: {len(pos)} documents cite or are cited "
                           f"({isolated} others neither)", lang))
    ax.set_yticks(sorted(pos["y"].unique()),
                  [level_name(LEVELS[int(-y)] if int(-y) < len(LEVELS) else "unknown", lang)
                   for y in sorted(pos["y"].unique())])
    ax.set_xticks([])
    ax.spines[["bottom", "left"]].set_visible(False)
    ax.set_ylim(pos["y"].min() - 1.1, pos["y"].max() + 0.9)
    ax.set_xlim(pos["x"].min() - 1, pos["x"].max() + 1)
    ax.legend(loc="upper left", ncols=len(set(present)), fontsize=7)
    return fig


def adoption_curve(adoption: pd.DataFrame, reference_label: str, lang: str = "zh") -> plt.Figure:
    """Cumulative share of localities of each level that issued a document, by days after the reference."""
    fig, ax = plt.subplots(figsize=(6.3, 3.4))
    for level in [lv for lv in LEVELS if lv in set(adoption["level"])]:
        g = adoption.loc[adoption["level"] == level].sort_values("days", kind="mergesort")
        days = np.concatenate([[min(0.0, float(g["days"].min()))], g["days"].to_numpy(dtype=float)])
        share = np.concatenate([[0.0], g["share"].to_numpy(dtype=float)])
        n, undated = int(g["n_localities"].iloc[0]), int(g["n_undated"].iloc[0])
        extra = bilingual(f"，{undated} 个无日期", f", {undated} undated", lang) if undated else ""
        ax.step(days, share, where="post", color=LEVEL_COLOURS[level], linewidth=1.4,
                label=f"{level_name(level, lang)} (n = {n}{extra})")
    ax.axvline(0, color="0.5", linewidth=0.8, linestyle="--")
    ax.annotate(reference_label, (0, 1.0), xytext=(4, -2), textcoords="offset points", fontsize=7, va="top",
                color="0.3")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(bilingual("参照文件发布后的天数", "Days after the reference document", lang))
    ax.set_ylabel(bilingual("已发文地区的累计比例", "Cumulative share of localities that issued", lang))
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.grid(axis="y", color="0.93", linewidth=0.6)
    ax.legend(loc="lower right")
    return fig


def reuse_additions(table: pd.DataFrame, levels: pd.Series, labels: pd.Series, lang: str = "zh",
                    n_labels: int = 6) -> plt.Figure:
    """Reuse share (x) against added targets (y) per document, coloured by level; the ``n_labels`` documents
    at each extreme (most and least reuse, most added targets) are labelled."""
    t = table.assign(level=table["doc_id"].map(levels).fillna("unknown"))
    fig, ax = plt.subplots(figsize=(6.3, 4.4))
    rng = np.random.default_rng(0)
    jitter = rng.uniform(-0.25, 0.25, len(t))  # added targets are counts: spread ties a little
    y = t["n_added_targets"].astype(float).to_numpy() + jitter
    for level in [*LEVELS, "unknown"]:
        mask = (t["level"] == level).to_numpy()
        if mask.any():
            ax.scatter(t.loc[mask, "reuse_share"].astype(float), y[mask], s=24,
                       color=LEVEL_COLOURS.get(level, UNKNOWN_COLOUR), alpha=0.85, edgecolor="white", linewidth=0.5,
                       label=level_name(level, lang), zorder=2)
    order = t.assign(_y=y).reset_index(drop=True)
    cited = order.loc[order["link"] != "chosen"] if "link" in order else order
    picks = set(cited.nlargest(n_labels, "reuse_share").index) | set(cited.nsmallest(n_labels, "reuse_share").index)
    picks |= set(order.nlargest(n_labels, "n_added_targets").index)
    ax.set_xlim(-0.03, 1.08)
    ax.set_ylim(-0.6, max(float(np.nanmax(y)) if len(y) else 1.0, 1.0) * 1.08 + 1)
    ax.yaxis.set_major_locator(plt.matplotlib.ticker.MaxNLocator(integer=True))
    spread_labels(ax, [(float(order.at[i, "reuse_share"]), float(order.at[i, "_y"]),
                        str(labels.get(order.at[i, "doc_id"], order.at[i, "doc_id"]))) for i in sorted(picks)])
    ax.set_xlim(-0.03, 1.08)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(bilingual("复用比例（照搬或改写自参照文件的条款）",
                            "Reuse share (clauses copied or adapted from the reference)", lang))
    ax.set_ylabel(bilingual("新增或提高的量化目标数", "Quantified targets added or tightened", lang))
    ax.grid(color="0.93", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper right")
    return fig


def spread_labels(ax, points: list[tuple[float, float, str]], fontsize: float = 6.5) -> None:
    """Label points without overlaps: each label goes right of its point, moved up (with a leader line) until
    its box clears the labels already placed. Boxes are estimated from the text's display width."""


    fig = ax.figure
    fig.canvas.draw_idle()
    to_px = ax.transData.transform
    px_per_pt = fig.dpi / 72.0
    placed: list[tuple[float, float, float, float]] = []
    for x, y, text in sorted(points, key=lambda p: (p[0], p[1])):
        px, py = to_px((x, y))
        w, h = display_width(text) * fontsize * 0.55 * px_per_pt, fontsize * 1.3 * px_per_pt
        dy = 3 * px_per_pt
        for _ in range(12):
            box = (px + 3 * px_per_pt, py + dy, px + 3 * px_per_pt + w, py + dy + h)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
            dy += h
        placed.append(box)
        ax.annotate(text, (x, y), xytext=(3, dy / px_per_pt), textcoords="offset points", fontsize=fontsize,
                    zorder=3, arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.4}
                    if dy > 3 * px_per_pt else None)


def province_vs_national(comparison: pd.DataFrame, labels: pd.Series, lang: str = "zh",
                         n_labels: int = 6) -> plt.Figure:
    """Each local document's reuse share against its province's document (y) and the national one (x).

    Above the diagonal a document follows its province more than the national text. ``comparison`` is
    :func:`eduanalysis.analyse.transposition.level_comparison`; the documents furthest from the diagonal on
    either side are labelled.
    """
    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    ax.plot([0, 1], [0, 1], color="0.6", linewidth=0.8, linestyle="--", zorder=1)
    ax.scatter(comparison["reuse_national"].astype(float), comparison["reuse_province"].astype(float), s=24,
               color=LEVEL_COLOURS["prefecture"], edgecolor="white", linewidth=0.5, zorder=2)
    gap = (comparison["reuse_province"] - comparison["reuse_national"]).astype(float).reset_index(drop=True)
    c = comparison.reset_index(drop=True)
    picks = set(gap.nlargest(n_labels).index) | set(gap.nsmallest(n_labels).index)
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, 1.05)
    spread_labels(ax, [(float(c.at[i, "reuse_national"]), float(c.at[i, "reuse_province"]),
                        str(labels.get(c.at[i, "doc_id"], c.at[i, "doc_id"]))) for i in sorted(picks)])
    above = int((gap > 0).sum())
    ax.set_title(bilingual(f"{above} / {len(c)} 份文件更接近省级文件", f"{above} of {len(c)} documents follow "
                           "their province more than the national text", lang))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(bilingual("对中央文件的复用比例", "Reuse share against the national document", lang))
    ax.set_ylabel(bilingual("对省级文件的复用比例", "Reuse share against the provincial document", lang))
    ax.set_aspect("equal")
    ax.grid(color="0.93", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def save_table_files(table: pd.DataFrame, name: str, figures_dir) -> dict[str, object]:
    """Write a table for a paper beside the figures: ``name.csv`` and ``name.md`` (UTF-8, LF)."""
    from pathlib import Path

    from eduanalysis.report.paper_tables import to_markdown

    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{name}.csv", "md": out / f"{name}.md"}
    table.to_csv(paths["csv"], index=False, encoding="utf-8", lineterminator="\n")
    paths["md"].write_text(to_markdown(table.set_index(table.columns[0])) if len(table) else "(none)\n",
                           encoding="utf-8", newline="\n")
    return paths
