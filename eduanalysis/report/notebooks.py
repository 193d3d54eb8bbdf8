"""The one-command report: build the tables if needed, run the notebooks, export HTML.

``eduanalysis report [--params FILE] [--out DIR]`` brings ``processed_dir`` up
to date with :func:`eduanalysis.build` (incremental: nothing is redone when the
corpus, manifest, code and resources are unchanged), then executes every notebook of
``notebooks_dir`` in name order with papermill, passing the parameters, and
writes the executed notebook and an HTML export of it to ``--out`` (default
``reports/``), plus ``index.html`` linking them. The kernel is named
explicitly: ``eduanalysis`` (installed by ``make setup``) when present,
otherwise ``python3``; a notebook's own metadata is never trusted.

The parameters file is YAML (read with ``yaml.safe_load``)::

    processed_dir: data/processed
    figures_dir: figures
    regions: all            # or a list: [Panjin, 大连市]
    lang: en                # zh, en or both
    seed: 20190530
    notebooks:              # optional knobs of single notebooks
      20_themes: {n_clusters: 8}

Relative paths are taken from the working directory. A notebook that fails
stops the run with exit status 1 and a message naming the notebook and the
cell.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError

PREFERRED_KERNEL = "eduanalysis"
FALLBACK_KERNEL = "python3"
LANGS = ("zh", "en", "both")

#: Keys a parameters file may hold, with their defaults.
DEFAULTS: dict[str, object] = {
    "corpus_dir": str(config.DEFAULT_CORPUS_DIR),
    "processed_dir": str(config.DEFAULT_PROCESSED_DIR),
    "figures_dir": str(config.DEFAULT_FIGURES_DIR),
    "analysis_dir": str(config.DEFAULT_ANALYSIS_DIR),
    "notebooks_dir": "notebooks",
    "regions": "all",
    "lang": "zh",
    "seed": config.SEED,
    "max_labels": 40,
    "notebooks": {},
}
#: The parameters every notebook takes (the others are per-notebook knobs).
COMMON = ("processed_dir", "figures_dir", "analysis_dir", "regions", "lang", "seed", "max_labels")


@dataclass
class ReportParams:
    corpus_dir: Path
    processed_dir: Path
    figures_dir: Path
    notebooks_dir: Path
    regions: str | list[str]
    lang: str
    seed: int
    notebooks: dict[str, dict] = field(default_factory=dict)
    analysis_dir: Path = config.DEFAULT_ANALYSIS_DIR
    max_labels: int = 40

    def for_notebook(self, name: str) -> dict:
        """Parameters passed to notebook ``name`` (paths absolute, as the kernel runs in notebooks_dir)."""
        params = {"processed_dir": str(self.processed_dir.resolve()), "figures_dir": str(self.figures_dir.resolve()),
                  "analysis_dir": str(self.analysis_dir.resolve()), "regions": self.regions, "lang": self.lang,
                  "seed": self.seed, "max_labels": self.max_labels}
        params.update(self.notebooks.get(name, {}))
        return params


def load_params(path: str | Path | None) -> ReportParams:
    """Read and validate a YAML parameters file (None: all defaults)."""
    import yaml

    raw: dict = {}
    if path is not None:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise EduAnalysisError(f"cannot read parameters file {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise EduAnalysisError(f"parameters file {path} is not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise EduAnalysisError(f"parameters file {path} must be a mapping of name: value")
    return validate_params(raw, source=str(path or "defaults"))


def validate_params(raw: dict, source: str = "parameters") -> ReportParams:
    """Check names and types of report parameters; raise :class:`EduAnalysisError` naming the bad one.

    >>> validate_params({"lang": "en", "regions": ["Panjin"]}).lang
    'en'
    >>> validate_params({"seed": "42"})
    Traceback (most recent call last):
    ...
    eduanalysis.errors.EduAnalysisError: parameters: seed must be an integer, got '42' (str)
    """
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise EduAnalysisError(f"{source}: unknown parameters {unknown}; allowed: {sorted(DEFAULTS)}")
    p = {**DEFAULTS, **raw}

    def fail(name, expected):
        v = p[name]
        raise EduAnalysisError(f"{source}: {name} must be {expected}, got {v!r} ({type(v).__name__})")

    for name in ("corpus_dir", "processed_dir", "figures_dir", "analysis_dir", "notebooks_dir"):
        if not isinstance(p[name], str) or not p[name]:
            fail(name, "a folder path (string)")
    if isinstance(p["seed"], bool) or not isinstance(p["seed"], int):
        fail("seed", "an integer")
    if isinstance(p["max_labels"], bool) or not isinstance(p["max_labels"], int) or p["max_labels"] < 1:
        fail("max_labels", "a positive integer")
    if p["lang"] not in LANGS:
        fail("lang", f"one of {', '.join(LANGS)}")
    regions = p["regions"]
    if regions != "all" and not (isinstance(regions, list) and regions and all(isinstance(r, str) for r in regions)):
        fail("regions", '"all" or a non-empty list of region names')
    if not isinstance(p["notebooks"], dict) or not all(isinstance(v, dict) for v in p["notebooks"].values()):
        fail("notebooks", "a mapping of notebook name to a mapping of its parameters")
    for nb, knobs in p["notebooks"].items():
        clash = sorted(set(knobs) & set(COMMON))
        if clash:
            raise EduAnalysisError(f"{source}: notebooks.{nb} sets {clash}; set them at the top level for all notebooks")
    return ReportParams(Path(p["corpus_dir"]), Path(p["processed_dir"]), Path(p["figures_dir"]),
                        Path(p["notebooks_dir"]), regions, p["lang"], p["seed"], dict(p["notebooks"]),
                        Path(p["analysis_dir"]), p["max_labels"])


def notebook_paths(notebooks_dir: Path) -> list[Path]:
    """The notebooks to run, in name order (``00_…``, ``10_…``); checkpoints and executed copies excluded."""
    paths = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if not p.name.startswith((".", "_")))
    if not paths:
        raise EduAnalysisError(f"no notebooks in {notebooks_dir}; run from the repository root or set notebooks_dir")
    return paths


def check_notebook_params(paths: list[Path], params: ReportParams) -> None:
    """Every knob in the parameters file must exist in its notebook's parameters cell with a matching type."""
    import papermill

    names = {p.stem: p for p in paths}
    for nb, knobs in params.notebooks.items():
        if nb not in names:
            raise EduAnalysisError(f"parameters name notebook {nb!r}, which is not in {params.notebooks_dir}; "
                                   f"notebooks: {sorted(names)}")
        declared = papermill.inspect_notebook(str(names[nb]))
        for key, value in knobs.items():
            if key not in declared:
                raise EduAnalysisError(f"notebook {nb} has no parameter {key!r}; it takes {sorted(declared)}")
            default = declared[key]["default"]
            if not _same_kind(value, default):
                raise EduAnalysisError(f"notebooks.{nb}.{key} = {value!r} does not match the notebook's "
                                       f"default {default} ({declared[key]['inferred_type_name']})")


def _same_kind(value, default_source: str) -> bool:
    """Compare a YAML value with a parameter default as written in the notebook (a Python literal)."""
    import ast

    try:
        default = ast.literal_eval(default_source)
    except (ValueError, SyntaxError):
        return True
    if default is None or value is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float) and isinstance(value, int | float):
        return isinstance(value, int) or isinstance(default, float)
    return type(value) is type(default)


def kernel_name() -> str:
    """``eduanalysis`` when that kernel is installed, else ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return PREFERRED_KERNEL if PREFERRED_KERNEL in specs else FALLBACK_KERNEL


class NotebookFailed(EduAnalysisError):
    """A notebook raised; the message names the notebook and the cell."""


def run_notebook(path: Path, out_dir: Path, parameters: dict, kernel: str) -> Path:
    """Execute one notebook with papermill into ``out_dir`` and export it as HTML next to it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    out_nb = out_dir / path.name
    try:
        papermill.execute_notebook(str(path), str(out_nb), parameters=parameters, kernel_name=kernel,
                                   cwd=str(path.parent), progress_bar=False, log_output=False)
    except PapermillExecutionError as exc:
        number, first_line = _source_cell(out_nb, exc.cell_index)
        raise NotebookFailed(
            f"notebook {path.name} failed in cell {number} (counting cells from 1 in {path}; "
            f"execution count {exc.exec_count}) starting {first_line!r}: "
            f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}; "
            f"the executed copy with the traceback is {out_nb}") from exc
    export_html(out_nb)
    return out_nb


def _source_cell(executed: Path, index: int) -> tuple[int, str]:
    """Number (from 1) in the source notebook of cell ``index`` of the executed copy, and its first line.

    papermill inserts an ``injected-parameters`` cell (cells after it shift by one) and, on failure,
    error-marker cells that were not there while the notebook ran.
    """
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return index + 1, ""
    cells = [c for c in cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.metadata.get("tags", [])]
    shift = 1 if injected and injected[0] < index else 0
    first = cells[index].source.strip().splitlines()[0] if index < len(cells) and cells[index].source.strip() else ""
    return index + 1 - shift, first


def export_html(notebook: Path) -> Path:
    """Write ``notebook`` as HTML (same name, ``.html``), without the input prompts' clutter."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8", newline="\n")
    return target


def write_index(out_dir: Path, notebooks: list[Path], params: ReportParams) -> Path:
    """``index.html`` linking the executed notebooks' HTML exports."""
    items = "\n".join(f'<li><a href="{html.escape(p.stem)}.html">{html.escape(p.stem)}</a></li>' for p in notebooks)
    regions = params.regions if params.regions == "all" else ", ".join(params.regions)
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>eduanalysis report</title></head>\n"
        f"<body><h1>eduanalysis report</h1>\n<p>Regions: {html.escape(str(regions))}; labels: {params.lang}; "
        f"seed: {params.seed}; figures in <code>{html.escape(str(params.figures_dir))}</code>.</p>\n"
        f"<ol>\n{items}\n</ol>\n</body></html>\n"
    )
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8", newline="\n")
    return path


def report(params: ReportParams, out_dir: str | Path = config.DEFAULT_REPORTS_DIR, progress: bool = True,
           kernel: str | None = None) -> list[Path]:
    """Build if needed, run every notebook, export HTML; returns the executed notebooks."""
    out_dir = Path(out_dir)
    paths = notebook_paths(params.notebooks_dir)
    check_notebook_params(paths, params)
    kernel = kernel or kernel_name()
    say = (lambda msg: print(msg, file=sys.stderr, flush=True)) if progress else (lambda msg: None)
    # The build is incremental: it fingerprints the corpus files, the manifest and the package's code
    # and resources, and returns at once when the tables are up to date.
    from eduanalysis import build
    from eduanalysis.report import steps

    say(f"tables: {params.corpus_dir} -> {params.processed_dir}")
    say(build(params.corpus_dir, params.processed_dir).summary())
    out_dir.mkdir(parents=True, exist_ok=True)
    params.figures_dir.mkdir(parents=True, exist_ok=True)
    # Everything is written to staging folders and published only when every notebook ran, so an
    # interrupted or failed run leaves the previous report and figures whole.
    stage_out = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    stage_figures = Path(tempfile.mkdtemp(prefix=".staging-", dir=params.figures_dir))
    params.analysis_dir.mkdir(parents=True, exist_ok=True)
    stage_analysis = Path(tempfile.mkdtemp(prefix=".staging-", dir=params.analysis_dir))
    steps.carry_over(params.analysis_dir, stage_analysis)  # stored tokens and theme tags, checked on use
    staged = dataclasses.replace(params, figures_dir=stage_figures, analysis_dir=stage_analysis)
    try:
        done = []
        for i, path in enumerate(paths, start=1):
            start = time.monotonic()
            say(f"[{i}/{len(paths)}] {path.stem} (kernel {kernel}) …")
            done.append(run_notebook(path, stage_out, staged.for_notebook(path.stem), kernel))
            say(f"[{i}/{len(paths)}] {path.stem} done in {time.monotonic() - start:.1f} s")
        write_index(stage_out, done, params)
    except NotebookFailed as exc:
        shutil.rmtree(stage_figures, ignore_errors=True)
        shutil.rmtree(stage_analysis, ignore_errors=True)
        failed = out_dir / FAILED_DIR
        shutil.rmtree(failed, ignore_errors=True)
        os.replace(stage_out, failed)
        raise NotebookFailed(str(exc).replace(str(stage_out), str(failed))
                             + "; the previous report and figures are unchanged") from exc
    except BaseException:
        shutil.rmtree(stage_out, ignore_errors=True)
        shutil.rmtree(stage_figures, ignore_errors=True)
        shutil.rmtree(stage_analysis, ignore_errors=True)
        raise
    published = [_publish(stage_out, out_dir), _publish(stage_figures, params.figures_dir),
                 _publish(stage_analysis, params.analysis_dir)]
    shutil.rmtree(out_dir / FAILED_DIR, ignore_errors=True)
    say(f"report: {out_dir / 'index.html'} ({published[0]} files; {published[1]} figure files in {params.figures_dir})")
    return [out_dir / p.name for p in done]


#: Where the executed copies of a failed run go (the published report stays as it was).
FAILED_DIR = "failed"


def _publish(staging: Path, target: Path) -> int:
    """Move every file of ``staging`` into ``target`` (each move atomic) and remove ``staging``."""
    files = sorted(p for p in staging.iterdir() if p.is_file())
    for path in files:
        os.replace(path, target / path.name)
    shutil.rmtree(staging, ignore_errors=True)
    return len(files)


def _cli(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    try:
        report(params, args.out, progress=not args.quiet)
    except NotebookFailed as exc:
        print(f"eduanalysis report: {exc}", file=sys.stderr)
        return 1
    return 0


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand to the CLI's subparsers."""
    p = subparsers.add_parser("report", help="build if needed, run the analysis notebooks, write HTML to reports/")
    p.add_argument("--params", type=Path, help="YAML parameters file (regions, lang, seed, folders, notebook knobs)")
    p.add_argument("--out", type=Path, default=config.DEFAULT_REPORTS_DIR, help="output folder (default reports/)")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=_cli)
    return p
