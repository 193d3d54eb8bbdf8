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
