"""eduanalysis: comparative analytics for Chinese local-government education policy documents.

The package follows the data: ``read`` (files -> documents), ``extract``
(documents -> sections, measures, targets …), ``build`` (orchestration, cache,
table store), ``analyse`` (core tables -> analysis tables) and ``report``
(labels, figures, notebooks); each imports only from itself or a lower layer.

>>> import eduanalysis
>>> callable(eduanalysis.build) and callable(eduanalysis.load)
True
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["build", "load", "EduAnalysisError", "__version__"]

from eduanalysis import build
from eduanalysis.errors import EduAnalysisError


def load(processed_dir="data/processed"):
    """Load the tables of a processed folder; see :func:`eduanalysis.build.store.load`."""
    from eduanalysis.build.pipeline import load as _load

    return _load(processed_dir)
