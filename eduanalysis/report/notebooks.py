"""The one-command report: build the tables if needed, run the notebooks, export HTML.

``eduanalysis report [--params FILE] [--out DIR]`` brings ``processed_dir`` up
to date with :func:`eduanalysis.build` (incremental: nothing is redone when the
corpus, manifest, code and resources are unchanged), then executes every notebook of
``notebooks_dir`` in name order with papermill, passing the parameters, and
writes the executed notebook and an HTML export of it to ``--out`` (default
``reports/``), plus ``index.html`` linking them. The kernel is named
explicitly: ``eduanalysis`` (installed by ``make setup``) when present,
otherwise ``python3``; a notebook's own metadata is never trusted.

The parameters file is YAML (read by :func:`eduanalysis.report.params.safe_yaml`: no
anchors or aliases, no tags beyond plain YAML) and names every input of a run once::

    corpus_dir: ../shared/meiyu/local    # the documents (the build reads it)
    processed_dir: meiyu/processed       # the build's tables (created; refused if built from another corpus)
    figures_dir: meiyu/figures           # PNG/SVG/PDF figures and the paper tables
    analysis_dir: meiyu/analysis         # this run's analysis tables (Parquet, CSV, Stata-friendly CSV, XLSX)
    notebooks_dir: notebooks
    regions: all            # or a list: [Panjin, 大连市]
    lang: zh                # zh, en or both
    seed: 20190530
    max_labels: 40          # more rows than this: figures group documents by region, regions by province
    user_dictionaries:      # optional files merged with the package's (or replacing it: replace)
      taxonomy: params/meiyu_themes.csv
      replace: [taxonomy]
    notebooks:              # knobs of single notebooks, and overrides of max_labels, lang, seed
      20_themes: {n_clusters: 8, max_labels: 60}

Two settings shape the run, not its tables::

    jobs: 2                 # notebooks run at once (default: min(2, cores)); 1 runs them one after the other
    formats: [png]          # figure files written (default [png, svg, pdf]); png is required

With ``jobs`` above 1 the notebooks start in name order as soon as a slot is free, each
papermill execution driven by a thread of this process in its own kernel; progress lines
(``[i/n] name done in x s``) come as notebooks finish, and the executed notebooks, pages and
index are the same as with ``jobs: 1``. The steps several notebooks share (tokens, theme tags;
:mod:`eduanalysis.report.steps`) are locked, so two notebooks at once never compute one twice.
``formats: [png]`` is a draft run: no SVG or PDF is written (those of an earlier run beside a
rewritten PNG are removed, so no figure file is older than its PNG).

Command-line flags of ``eduanalysis report`` (``--corpus``, ``--processed``, ``--figures``,
``--analysis``, ``--notebooks``, ``--regions``, ``--lang``, ``--seed``, ``--max-labels``,
``--jobs``, ``--formats``) override the file's values.
Relative paths are taken from the working directory. A notebook that fails
stops the run with exit status 1 and a message naming the notebook and the
cell; with ``jobs`` above 1 no further notebook starts, those running finish (their executed
copies join the failed one in ``failed/``), and the first failed notebook in name order is named.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from eduanalysis import config
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import site
from eduanalysis.report.params import (
    FIGURE_FORMATS,
    check_formats,
    check_knob,
    check_regions,
    safe_yaml,
    show,
)

PREFERRED_KERNEL = "eduanalysis"
FALLBACK_KERNEL = "python3"
#: Command-line arguments an ipykernel kernel gets: its own log only from errors up. ipykernel 7 warns at
#: every start that a kernel on localhost TCP does not encrypt its traffic (Jupyter's standard set-up,
#: messages signed with the session's key), which printed one warning per notebook among the report's
#: progress lines. The notebooks' own warnings are outputs of their cells and stay there.
IPYKERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)
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
    "user_dictionaries": {},
    "notebooks": {},
    "jobs": None,  # None: default_jobs()
    "formats": list(FIGURE_FORMATS),
}
#: The parameters every notebook takes (the others are per-notebook knobs).
COMMON = ("processed_dir", "figures_dir", "analysis_dir", "regions", "lang", "seed", "max_labels",
          "user_dictionaries", "formats")
#: Report-wide knobs a single notebook may override under ``notebooks:`` (folders, regions and
#: dictionaries define the run and are set once).
OVERRIDABLE = ("lang", "seed", "max_labels")


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
    user_dictionaries: dict = field(default_factory=dict)
    jobs: int = 1
    formats: tuple[str, ...] = FIGURE_FORMATS

    def for_notebook(self, name: str) -> dict:
        """Parameters passed to notebook ``name`` (paths absolute, as the kernel runs in notebooks_dir)."""
        params = {"processed_dir": str(self.processed_dir.resolve()), "figures_dir": str(self.figures_dir.resolve()),
                  "analysis_dir": str(self.analysis_dir.resolve()), "regions": self.regions, "lang": self.lang,
                  "seed": self.seed, "max_labels": self.max_labels,
                  "user_dictionaries": {k: v if k == "replace" else str(Path(v).resolve())
                                        for k, v in self.user_dictionaries.items()},
                  "formats": list(self.formats)}
        params.update(self.notebooks.get(name, {}))
        return params


def default_jobs() -> int:
    """Notebooks run at once by default: two (a kernel each), or one on a one-core machine."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


#: A kernel's peak memory, estimated from the corpus: a base and bytes per measure. The largest kernel
#: (10_similarity) took 2.9 GB for the 2.6 M measures of 10,000 synthetic documents, 0.8 GB for 82 documents.
KERNEL_BASE_BYTES, KERNEL_BYTES_PER_MEASURE = 0.6e9, 900


def kernel_memory(processed_dir: str | Path) -> float | None:
    """Estimated peak bytes of the largest analysis kernel on ``processed_dir`` (None: no measures table there)."""
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(Path(processed_dir) / "measures.parquet").metadata.num_rows
    except (OSError, ValueError):
        return None
    return KERNEL_BASE_BYTES + KERNEL_BYTES_PER_MEASURE * rows


def available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux ``MemAvailable``; None elsewhere)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def memory_jobs(jobs: int, processed_dir: str | Path, say, available: int | None = None) -> int:
    """``jobs``, or fewer when that many kernels at once would not fit the memory available.

    Each kernel of a large corpus holds its vectors (about 3 GB at 10,000 documents); two at once
    on a machine without room for both would swap or be killed. Says why when it lowers ``jobs``.
    """
    need = kernel_memory(processed_dir) if jobs > 1 else None
    available = available_memory() if available is None else available
    if need is None or available is None or jobs * need <= available:
        return jobs
    fit = max(1, min(jobs, int(available // need)))
    say(f"running {fit} notebook{'s' if fit > 1 else ''} at a time, not {jobs}: each kernel may need about "
        f"{need / 1e9:.1f} GB at this corpus size and {available / 1e9:.1f} GB of memory is available")
    return fit


def load_params(path: str | Path | None, overrides: dict | None = None) -> ReportParams:
    """Read and validate a YAML parameters file (None: all defaults), ``overrides`` (e.g. CLI flags) on top."""
    raw: dict = {}
    if path is not None:
        path = Path(path)
        raw = safe_yaml(path)
        raw = {} if raw is None else raw
        if not isinstance(raw, dict):
            raise EduAnalysisError(f"parameters file {path} must be a mapping of name: value")
    raw = {**raw, **{k: v for k, v in (overrides or {}).items() if v is not None}}
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
    unknown = sorted(map(str, set(raw) - set(DEFAULTS)))
    if unknown:
        raise EduAnalysisError(f"{source}: unknown parameters {unknown}; allowed: {sorted(DEFAULTS)}")
    p = {**DEFAULTS, **raw}

    def fail(name, expected):
        v = p[name]
        raise EduAnalysisError(f"{source}: {name} must be {expected}, got {show(v)} ({type(v).__name__})")

    for name in ("corpus_dir", "processed_dir", "figures_dir", "analysis_dir", "notebooks_dir"):
        if not isinstance(p[name], str) or not p[name]:
            fail(name, "a folder path (string)")
    if isinstance(p["seed"], bool) or not isinstance(p["seed"], int):
        fail("seed", "an integer")
    if isinstance(p["max_labels"], bool) or not isinstance(p["max_labels"], int) or p["max_labels"] < 1:
        fail("max_labels", "a positive integer")
    if p["lang"] not in LANGS:
        fail("lang", f"one of {', '.join(LANGS)}")
    if p["jobs"] is not None and (isinstance(p["jobs"], bool) or not isinstance(p["jobs"], int) or p["jobs"] < 1):
        fail("jobs", "a positive integer (notebooks run at once; 1: one after the other)")
    formats = check_formats(p["formats"], source)
    regions = p["regions"]
    if regions != "all" and not (isinstance(regions, list) and regions and all(isinstance(r, str) for r in regions)):
        fail("regions", '"all" or a non-empty list of region names')
    if not isinstance(p["notebooks"], dict) or not all(isinstance(v, dict) for v in p["notebooks"].values()):
        fail("notebooks", "a mapping of notebook name to a mapping of its parameters")
    for nb, knobs in p["notebooks"].items():
        clash = sorted(set(knobs) & set(COMMON) - set(OVERRIDABLE))
        if clash:
            raise EduAnalysisError(f"{source}: notebooks.{nb} sets {clash}; set them at the top level for all notebooks")
        if "lang" in knobs and knobs["lang"] not in LANGS:
            raise EduAnalysisError(f"{source}: notebooks.{nb}.lang must be one of {', '.join(LANGS)}")
    if not isinstance(p["user_dictionaries"], dict):
        fail("user_dictionaries", "a mapping of taxonomy/indicators/stopwords/userdict to a file")
    from eduanalysis.analyse.dictionaries import check

    check(p["user_dictionaries"], f"{source}: user_dictionaries")
    return ReportParams(Path(p["corpus_dir"]), Path(p["processed_dir"]), Path(p["figures_dir"]),
                        Path(p["notebooks_dir"]), regions, p["lang"], p["seed"], dict(p["notebooks"]),
                        Path(p["analysis_dir"]), p["max_labels"], dict(p["user_dictionaries"]),
                        default_jobs() if p["jobs"] is None else p["jobs"], formats)


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
    for path in paths:
        lacking = [k for k in COMMON if k not in papermill.inspect_notebook(str(path))]
        if lacking:
            raise EduAnalysisError(f"notebook {path} does not declare the report-wide parameters {lacking} in its "
                                   "parameters cell; add them (every notebook takes all of them)")
    for nb, knobs in params.notebooks.items():
        if nb not in names:
            raise EduAnalysisError(f"parameters name notebook {nb!r}, which is not in {params.notebooks_dir}; "
                                   f"notebooks: {sorted(names)}")
        declared = papermill.inspect_notebook(str(names[nb]))
        for key, value in knobs.items():
            if key not in declared:
                raise EduAnalysisError(f"notebook {nb} has no parameter {show(key)}; it takes {sorted(declared)}")
            check_knob(nb, key, value, declared[key]["default"])


def kernel_name() -> str:
    """``eduanalysis`` when that kernel is installed, else ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return PREFERRED_KERNEL if PREFERRED_KERNEL in specs else FALLBACK_KERNEL


def kernel_arguments(kernel: str) -> list[str]:
    """Extra arguments for kernel ``kernel``: :data:`IPYKERNEL_ARGUMENTS` when its kernelspec starts
    ipykernel, none for another kernel (which may not take them) or an unknown name."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(kernel).argv
    except NoSuchKernel:
        return []
    return list(IPYKERNEL_ARGUMENTS) if any("ipykernel" in part for part in argv) else []


class NotebookFailed(EduAnalysisError):
    """A notebook raised; the message names the notebook and the cell."""


def run_notebook(path: Path, out_dir: Path, parameters: dict, kernel: str,
                 replace: dict[str, str] | None = None) -> Path:
    """Execute one notebook with papermill into ``out_dir`` and export it as HTML next to it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    out_nb = out_dir / path.name
    # papermill's cwd= changes this process's working directory while the notebook runs, which two
    # notebooks running at once (threads) must not do: the paths are made absolute and the kernel is
    # started in the notebook's folder by nbclient (resources.metadata.path), the process's cwd untouched.
    # Once the last cell's outputs are in, the kernel is stopped at once ("immediate"): a graceful
    # shutdown waits about 0.7 s for an interpreter that has nothing left to do.
    try:
        papermill.execute_notebook(str(path.resolve()), str(out_nb.resolve()), parameters=parameters,
                                   kernel_name=kernel, progress_bar=False, log_output=False,
                                   resources={"metadata": {"path": str(path.parent.resolve())}},
                                   shutdown_kernel="immediate", extra_arguments=kernel_arguments(kernel))
    except PapermillExecutionError as exc:
        number, first_line = _source_cell(out_nb, exc.cell_index)
        raise NotebookFailed(
            f"notebook {path.name} failed in cell {number} (counting cells from 1 in {path}; "
            f"execution count {exc.exec_count}) starting {first_line!r}: "
            f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}; "
            f"the executed copy with the traceback is {out_nb}") from exc
    site.export_html(out_nb, replace=replace)
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


def report(params: ReportParams, out_dir: str | Path = config.DEFAULT_REPORTS_DIR, progress: bool = True,
           kernel: str | None = None) -> list[Path]:
    """Build if needed, run every notebook, export HTML; returns the executed notebooks.

    Every check that can fail on the input — parameters, notebook knobs, the
    processed folder's corpus, the regions — runs before any kernel starts and
    raises :class:`EduAnalysisError` (exit status 2). The output and figures
    folders are locked while the report runs; files are replaced only in
    folders the report owns (:data:`OWNER_MARKER`).
    """
    from eduanalysis.build import store

    out_dir = Path(out_dir)
    for name, folder in (("--out", out_dir), ("figures_dir", params.figures_dir)):
        if folder.exists() and not folder.is_dir():
            raise EduAnalysisError(f"{name} {folder} is a file, not a folder; name a folder for the report")
    paths = notebook_paths(params.notebooks_dir)
    check_notebook_params(paths, params)
    check_processed_dir(params)
    kernel = kernel or kernel_name()
    say = (lambda msg: print(msg, file=sys.stderr, flush=True)) if progress else (lambda msg: None)
    # The build is incremental: it fingerprints the corpus files, the manifest and the package's code
    # and resources, and returns at once when the tables are up to date.
    from eduanalysis import build
    from eduanalysis.build.pipeline import read_table

    say(f"tables: {params.corpus_dir} -> {params.processed_dir}")
    built = build(params.corpus_dir, params.processed_dir)
    say(built.summary())
    check_documents_read(built, params)
    check_regions(read_table(params.processed_dir, "documents"), params.regions)
    out_dir.mkdir(parents=True, exist_ok=True)
    params.figures_dir.mkdir(parents=True, exist_ok=True)
    params.analysis_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as locks:
        for folder in sorted({out_dir.resolve(), params.figures_dir.resolve(), params.analysis_dir.resolve()}):
            locks.enter_context(store.locked(folder, "report"))
        return _run_and_publish(params, out_dir, paths, kernel, say)


def _run_and_publish(params: ReportParams, out_dir: Path, paths: list[Path], kernel: str, say) -> list[Path]:
    # Everything is written to staging folders and published only when every notebook ran, so an
    # interrupted or failed run leaves the previous report and figures whole.
    from eduanalysis.build.store import STAGING_PREFIX
    from eduanalysis.report import steps

    check_analysis_dir(params)
    stage_out = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    stage_figures = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=params.figures_dir))
    stage_analysis = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=params.analysis_dir))
    if _owned(params.analysis_dir):  # the last report's stored tokens and theme tags, checked on use
        steps.carry_over(params.analysis_dir, stage_analysis)
    staged = dataclasses.replace(params, figures_dir=stage_figures, analysis_dir=stage_analysis)
    jobs = memory_jobs(params.jobs, params.processed_dir, say)
    if jobs > 1:
        # jupyter_client keeps the ports it hands to kernels in a process-wide singleton; made here, before
        # two threads start kernels at once, so both use the one cache and never get the same port.
        from jupyter_client.connect import LocalPortCache

        LocalPortCache.instance()
    replace = {str(stage_figures): str(params.figures_dir.resolve()),
               str(stage_analysis): str(params.analysis_dir.resolve()), str(stage_out): str(out_dir.resolve())}
    try:
        done = run_all(paths, lambda path: run_notebook(path, stage_out, staged.for_notebook(path.stem), kernel,
                                                        replace=replace),
                       jobs, say, kernel)
        if any(stage_analysis.glob("*.parquet")):
            from eduanalysis.report.exports import write_workbook

            write_workbook(stage_analysis)
        (stage_analysis / RUN_RECORD).write_text(_run_record(params), encoding="utf-8", newline="\n")
        figures = site.figure_names(stage_figures)
        # Every folder is checked before anything is published: the index, thumbnails and font are
        # written into out_dir after the figures, so their names are checked here too.
        _check_publishable(stage_out, out_dir, also=("index.html", site.THUMBS, Path(site.FONT_FILE).parts[0]))
        _check_publishable(stage_figures, params.figures_dir)
        _check_publishable(stage_analysis, params.analysis_dir)
    except NotebookFailed as exc:
        shutil.rmtree(stage_figures, ignore_errors=True)
        shutil.rmtree(stage_analysis, ignore_errors=True)
        failed = _failed_dir(out_dir)
        shutil.rmtree(failed, ignore_errors=True)
        _mark(stage_out)
        os.replace(stage_out, failed)
        raise NotebookFailed(str(exc).replace(str(stage_out), str(failed))
                             + "; the previous report and figures are unchanged") from exc
    except BaseException:
        shutil.rmtree(stage_out, ignore_errors=True)
        shutil.rmtree(stage_figures, ignore_errors=True)
        shutil.rmtree(stage_analysis, ignore_errors=True)
        raise
    published = [0, _publish(stage_figures, params.figures_dir), _publish(stage_analysis, params.analysis_dir)]
    _remove_other_formats(params.figures_dir, figures, params.formats)
    site.write_thumbnails(out_dir, params.figures_dir, figures)
    site.write_index(stage_out, done, params, params.figures_dir, params.analysis_dir, figures,
                     site.table_files(params.analysis_dir, params.figures_dir))
    site.write_font(out_dir, sorted(stage_out.glob("*.html")))
    published[0] = _publish(stage_out, out_dir)
    for failed in _owned_failed_dirs(out_dir):
        shutil.rmtree(failed, ignore_errors=True)
    say(f"report: {out_dir / 'index.html'} ({published[0]} files; {published[1]} figure files in {params.figures_dir})")
    return [out_dir / p.name for p in done]


def run_all(paths: list[Path], run, jobs: int, say, kernel: str = "") -> list[Path]:
    """``run(path)`` for every notebook, up to ``jobs`` at once, in name order; returns the results in that order.

    ``jobs`` 1 runs each in this thread, one after the other. Above 1, worker threads take the
    next notebook as they free up (each ``run`` drives its own kernel; papermill and nbclient keep
    their state per call and their event loop per thread). The first failure stops new starts;
    the notebooks running then finish, and the exception of the first failed notebook in name
    order is raised. Progress lines are those of a sequential run, printed as notebooks start and end.
    """
    n = len(paths)
    lock = threading.Lock()

    def one(i: int, path: Path):
        start = time.monotonic()
        with lock:
            say(f"[{i}/{n}] {path.stem} (kernel {kernel}) …")
        out = run(path)
        with lock:
            say(f"[{i}/{n}] {path.stem} done in {time.monotonic() - start:.1f} s")
        return out

    if jobs <= 1 or n <= 1:
        return [one(i, path) for i, path in enumerate(paths, start=1)]
    queue = list(enumerate(paths, start=1))
    results: dict[int, Path] = {}
    failures: dict[int, BaseException] = {}

    stop = threading.Event()  # set when this thread is interrupted: no further notebook starts

    def worker() -> None:
        while True:
            with lock:
                if failures or not queue or stop.is_set():
                    return
                i, path = queue.pop(0)
            try:
                results[i] = one(i, path)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
                with lock:
                    failures[i] = exc
                return

    # Daemon threads: an interrupt of the main thread ends the process without waiting for the kernels
    # (each exits with its parent); failures inside a notebook are waited for and raised below.
    threads = [threading.Thread(target=worker, name=f"notebook-{k}", daemon=True) for k in range(min(jobs, n))]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # short waits: KeyboardInterrupt reaches the main thread at once
    except BaseException:
        stop.set()
        raise
    if failures:
        raise failures[min(failures)]
    return [results[i] for i in range(1, n + 1)]


def _remove_other_formats(figures_dir: Path, names: list[str], formats: tuple[str, ...]) -> None:
    """Delete, in a figures folder the report owns, the files of ``names`` in formats this run did not write.

    A draft run (``formats: [png]``) after a full one would otherwise leave last run's SVG and PDF
    beside this run's PNG.
    """
    if not _owned(figures_dir):
        return
    for name in names:
        for fmt in FIGURE_FORMATS:
            if fmt not in formats:
                (figures_dir / f"{name}.{fmt}").unlink(missing_ok=True)


#: The parameters of the run whose tables an analysis_dir holds.
RUN_RECORD = "run.yaml"
#: Parameters that do not change an analysis table (a rerun that differs only in them may reuse the folder).
NOT_IN_TABLES = ("figures_dir", "notebooks_dir", "lang", "max_labels", "jobs", "formats")


def _run_record(params: ReportParams) -> str:
    import yaml

    record = {k: v for k, v in site.params_rows(params) if k not in NOT_IN_TABLES}
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=True)


def check_analysis_dir(params: ReportParams) -> None:
    """Refuse an ``analysis_dir`` holding the tables of a run with other parameters: never overwrite them."""
    import yaml

    record = params.analysis_dir / RUN_RECORD
    if not record.is_file():
        return
    old = yaml.safe_load(record.read_text(encoding="utf-8")) or {}
    new = yaml.safe_load(_run_record(params))
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    if changed:
        raise EduAnalysisError(
            f"analysis_dir {params.analysis_dir} holds the tables of a run with other parameters ({', '.join(changed)}: "
            f"{', '.join(f'{old.get(k)!s} -> {new.get(k)!s}' for k in changed[:2])}); set analysis_dir to a new "
            f"folder (--analysis DIR) so both runs' tables are kept, or delete {params.analysis_dir} to replace them")


def check_documents_read(result, params: ReportParams) -> None:
    """Refuse to run the notebooks on a build that read no document, naming why the files were rejected."""
    n = result.stats["documents"] if result.stats is not None else len(result.tables["documents"])
    if n:
        return
    rejects = result.tables["rejects"]
    reasons = rejects["reason"].value_counts()
    summary = "; ".join(f"{count} × {reason}" for reason, count in reasons.head(3).items()) or "the folder has no files"
    raise EduAnalysisError(f"the build read 0 documents from corpus_dir {params.corpus_dir} ({summary}); "
                           "put .txt, .html, .docx or .pdf files there, or set corpus_dir to the folder that has them")


#: Where the executed copies of a failed run go (the published report stays as it was).
FAILED_DIR = "failed"
#: Written into every folder the report writes: files there are the report's to replace. A folder without it is
#: the user's, and a file of the same name as one the report writes is never overwritten there.
OWNER_MARKER = ".eduanalysis-report"


def _owned(folder: Path) -> bool:
    return (folder / OWNER_MARKER).is_file()


def _mark(folder: Path) -> None:
    marker = folder / OWNER_MARKER
    if not marker.exists():
        marker.write_text("written by eduanalysis report: files here are replaced by the next report\n",
                          encoding="utf-8")


def _failed_dir(out_dir: Path) -> Path:
    """``out/failed``, or ``failed-2``, ``failed-3`` … when a folder of that name is the user's (never deleted)."""
    for n in range(1, 1000):
        candidate = out_dir / (FAILED_DIR if n == 1 else f"{FAILED_DIR}-{n}")
        if not candidate.exists() or (candidate.is_dir() and not candidate.is_symlink() and _owned(candidate)):
            return candidate
    raise EduAnalysisError(f"{out_dir}: too many folders named {FAILED_DIR}-N; remove some")


def _owned_failed_dirs(out_dir: Path) -> list[Path]:
    return [p for p in sorted(out_dir.glob(f"{FAILED_DIR}*"))
            if p.is_dir() and not p.is_symlink() and _owned(p)
            and (p.name == FAILED_DIR or p.name.removeprefix(f"{FAILED_DIR}-").isdigit())]


def _check_publishable(staging: Path, target: Path, also: tuple[str, ...] = ()) -> None:
    """Refuse to publish over files the report did not write: ``target`` must be the report's, or hold none of
    the names (those in ``staging`` and ``also``)."""
    if _owned(target):
        return
    clash = sorted(n for n in {p.name for p in staging.iterdir()} | set(also) if (target / n).exists())
    if clash:
        shown = ", ".join(clash[:5]) + (" …" if len(clash) > 5 else "")
        raise EduAnalysisError(f"{target} already holds {shown}, which eduanalysis report did not write there (no "
                               f"{OWNER_MARKER} file); move them away or choose another folder — nothing was "
                               "overwritten. If they are from an earlier report, delete them")


def _publish(staging: Path, target: Path) -> int:
    """Move every file of ``staging`` into ``target`` (each move atomic), mark ``target`` as the report's, remove ``staging``."""
    files = sorted(p for p in staging.iterdir() if p.is_file() and p.name != OWNER_MARKER)
    _mark(target)
    for path in files:
        os.replace(path, target / path.name)
    shutil.rmtree(staging, ignore_errors=True)
    return len(files)


def check_processed_dir(params: ReportParams) -> None:
    """Refuse to rebuild a processed folder that was built from another corpus (``.build.json`` records it).

    A processed folder of tables that no build wrote is refused by the build
    itself; so a report never replaces a user's tables with those of the
    default corpus.
    """
    import json

    from eduanalysis.build.pipeline import STAMP_NAME

    stamp = params.processed_dir / STAMP_NAME
    try:
        built_from = json.loads(stamp.read_text(encoding="utf-8")).get("corpus")
    except (OSError, ValueError, AttributeError):
        return
    wanted = str(params.corpus_dir.resolve())
    if built_from and built_from != wanted:
        raise EduAnalysisError(f"{params.processed_dir} was built from the corpus {built_from}, not from "
                               f"{params.corpus_dir}; set corpus_dir: {built_from} in the parameters file to keep "
                               "using it, or choose another processed_dir (nothing was rebuilt)")


#: ``eduanalysis report`` flags and the parameter each sets.
FLAGS = {"corpus": "corpus_dir", "processed": "processed_dir", "figures": "figures_dir", "analysis": "analysis_dir",
         "notebooks": "notebooks_dir", "regions": "regions", "lang": "lang", "seed": "seed", "max_labels": "max_labels",
         "jobs": "jobs", "formats": "formats"}


def _cli(args: argparse.Namespace) -> int:
    overrides = {FLAGS[k]: getattr(args, k) for k in FLAGS}
    if overrides["regions"] is not None and overrides["regions"] != "all":
        overrides["regions"] = [r.strip() for r in overrides["regions"].split(",") if r.strip()]
    if overrides["formats"] is not None:
        overrides["formats"] = [f.strip() for f in overrides["formats"].split(",") if f.strip()]
    for key in ("corpus_dir", "processed_dir", "figures_dir", "analysis_dir", "notebooks_dir"):
        if overrides[key] is not None:
            overrides[key] = str(overrides[key])
    params = load_params(args.params, overrides)
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
    for flag, help_ in (("--corpus", "corpus folder (corpus_dir)"), ("--processed", "the build's tables (processed_dir)"),
                        ("--figures", "figures folder (figures_dir)"), ("--analysis", "analysis tables (analysis_dir)"),
                        ("--notebooks", "notebooks folder (notebooks_dir)")):
        p.add_argument(flag, type=Path, metavar="DIR", help=f"{help_}; overrides the parameters file")
    p.add_argument("--regions", help='"all" or comma-separated region names (Chinese or English)')
    p.add_argument("--lang", choices=LANGS, help="label language")
    p.add_argument("--seed", type=int, help="random seed")
    p.add_argument("--max-labels", type=int, dest="max_labels", help="most rows a figure labels one by one")
    p.add_argument("--jobs", type=int, help="notebooks run at once (default min(2, cores); 1: one after the other)")
    p.add_argument("--formats", help="figure formats, comma-separated, png required (default png,svg,pdf; "
                                     "png alone for a draft)")
    p.set_defaults(func=_cli)
    return p
