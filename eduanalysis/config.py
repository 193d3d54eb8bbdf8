"""Project-wide settings: default folders, the one random seed, resource paths.

Everything tunable lives here or in ``eduanalysis/resources/``; modules import
these constants instead of repeating literals.
"""

from __future__ import annotations

from pathlib import Path

#: The single seed every random step derives from (clustering, SVD, layouts).
SEED = 20190530

#: Default corpus and output folders, relative to the working directory.
DEFAULT_CORPUS_DIR = Path("data/raw")
DEFAULT_PROCESSED_DIR = Path("data/processed")
DEFAULT_FIGURES_DIR = Path("figures")
#: Where a report's analysis tables go (similarity, keyness, clusters …): apart from the build's folder.
DEFAULT_ANALYSIS_DIR = Path("analysis")
DEFAULT_REPORTS_DIR = Path("reports")

#: The optional metadata file a corpus folder may carry.
MANIFEST_NAME = "manifest.csv"
#: Notes a corpus folder may carry at its top level about where its files come from (not documents).
CORPUS_NOTE_NAMES = ("README.md", "SOURCE.md")

#: File extensions the reader accepts (lower case, with the dot).
TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")


#: The packaged resources, one folder per stage that reads them (read, extract, analyse, testing).
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"


def resource_path(name: str) -> Path:
    """Return the path of a packaged resource file, ``eduanalysis/resources/<stage>/<name>``.

    >>> resource_path("extract/indicators.csv").parent.name
    'extract'
    """
    return RESOURCES_DIR / name


#: Per-file safety limits: what one input file may cost the build. Each can be raised (or lowered) for a
#: run with the environment variable ``EDUANALYSIS_<NAME upper-cased>``, e.g.
#: ``EDUANALYSIS_MAX_FILE_BYTES=1000000000 eduanalysis build``; the values enter the cache key.
LIMITS: dict[str, int] = {
    # bytes read from one corpus file (or the manifest); a larger file is rejected
    "max_file_bytes": 256 * 2**20,
    # decompressed bytes of one part of an archive format (.docx members); a larger part rejects the file
    "max_part_bytes": 256 * 2**20,
    # characters of one clause fed to extraction; a longer clause is split at a safe boundary (not skipped)
    "max_clause_chars": 1_000,
    # nesting depth of HTML elements parsed as a tree; deeper pages are read by a linear-time scanner
    "max_html_depth": 256,
    # bytes of a report parameters file
    "max_params_bytes": 2**20,
}


def limit(name: str) -> int:
    """The safety limit ``name`` (:data:`LIMITS`), or the positive integer in ``EDUANALYSIS_<NAME>``.

    >>> limit("max_html_depth")
    256
    """
    import os

    from eduanalysis.errors import EduAnalysisError

    default = LIMITS[name]
    env = f"EDUANALYSIS_{name.upper()}"
    value = os.environ.get(env)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise EduAnalysisError(f"{env}={value!r}: give a positive whole number (default {default})")
    return number


def limits() -> dict[str, int]:
    """Every safety limit in force (defaults and environment overrides)."""
    return {name: limit(name) for name in LIMITS}
