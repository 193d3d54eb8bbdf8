"""Shared fixtures: the embedded corpus built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The embedded corpus built into a temporary folder: a :class:`BuildResult` with ``out_dir`` set."""
    from eduanalysis.pipeline import build

    out = tmp_path_factory.mktemp("processed")
    return build(CORPUS, out)


@pytest.fixture(scope="session")
def docs_by_prefix(built):
    """Document rows keyed by the first three characters of their file name (000 … 004)."""
    docs = built.tables["documents"]
    return {row.source_file[:3]: row for row in docs.itertuples()}
