"""Analysis tables written by the notebooks, into their own folder (``analysis_dir``), never the build's.

The build owns ``processed_dir``; a notebook's tables (similarity, keyness, clusters …) go to
the report's ``analysis_dir``, so a rebuild never meets a stale analysis table and two report runs
with different parameters write to different folders.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eduanalysis.build.pipeline import write_table


def save_table(df: pd.DataFrame, name: str, analysis_dir: str | Path) -> Path:
    """Validate ``df`` against the schema and write it as ``name.parquet``/``.csv`` in ``analysis_dir``."""
    write_table(df, name, analysis_dir)
    return Path(analysis_dir) / f"{name}.parquet"
