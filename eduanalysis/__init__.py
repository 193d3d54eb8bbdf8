"""eduanalysis: comparative analytics for Chinese local-government education policy documents.

>>> import eduanalysis
>>> callable(eduanalysis.build) and callable(eduanalysis.load)
True
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["build", "load", "EduAnalysisError", "__version__"]

from eduanalysis.errors import EduAnalysisError


def build(corpus_dir="data/raw", out_dir="data/processed", **kwargs):
    """Read a corpus folder and write every table to ``out_dir``; see :func:`eduanalysis.pipeline.build`."""
    from eduanalysis.pipeline import build as _build

    return _build(corpus_dir, out_dir, **kwargs)


def load(processed_dir="data/processed"):
    """Load the tables of a processed folder; see :func:`eduanalysis.pipeline.load`."""
    from eduanalysis.pipeline import load as _load

    return _load(processed_dir)
