"""Integration: build the dev set (13 real documents from nine other provinces) and score it.

The project keeps its own copies: the texts and hand-made gold in ``tests/fixtures/devset``
(copied byte for byte from ``../shared/devset``; 100 KB of text, so CI needs nothing next to the
repository) and the two scorers in ``benchmarks/scorers`` (verbatim ``../shared/eval``). When the
shared folder is present, the copies are checked to be identical, so a corrected gold or scorer
upstream fails loudly here instead of drifting.

The issue's thresholds (targets detect F1 >= 0.95, full F1 >= 0.85, macro detect F1 >= 0.95;
metadata accuracy >= 0.95) are asserted as they are; those not reached yet are xfail (not strict)
with the value measured when they were marked, and a second test keeps the dev scores from
falling below what has been reached.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = Path(__file__).parents[1] / "fixtures" / "devset"
SCORERS = ROOT / "benchmarks" / "scorers"
SHARED = ROOT.parent / "shared"

THRESHOLDS = {"detect": 0.95, "full": 0.85, "macro_detect": 0.95, "metadata": 0.95}
#: Measured on branch targets-tables (tables and indicators) before the layout, metadata and
#: temporal work of issue 11 is merged; the floors of test_dev_set_does_not_regress.
MEASURED = {"detect": 0.935, "full": 0.620, "macro_detect": 0.904, "metadata": 0.127}
MARGIN = 0.02

pytestmark = pytest.mark.integration

TARGETS_LINE_RE = re.compile(r"detect P=\S+ R=\S+ F1=(?P<detect>\S+) \| full P=\S+ R=\S+ F1=(?P<full>\S+)")
MACRO_RE = re.compile(r"macro over \d+ documents with gold rows: detect f1=(?P<macro>\S+)")
METADATA_RE = re.compile(r"metadata accuracy=(?P<acc>\S+)")


@pytest.fixture(scope="module")
def dev_out(tmp_path_factory) -> Path:
    from eduanalysis.build.pipeline import build

    out = tmp_path_factory.mktemp("devset")
    build(DEV / "raw", out)
    return out


def _score(script: str, *args: str) -> str:
    run = subprocess.run([sys.executable, str(SCORERS / script), *args], capture_output=True, text=True, check=True)
    return run.stdout


@pytest.fixture(scope="module")
def scores(dev_out) -> dict[str, float]:
    targets = _score("score_targets.py", str(DEV / "gold" / "targets.csv"), str(dev_out),
                     "--manifest", str(DEV / "raw" / "manifest.csv"))
    metadata = _score("score_metadata.py", str(DEV / "gold" / "metadata.csv"), str(dev_out))
    line, macro, meta = TARGETS_LINE_RE.search(targets), MACRO_RE.search(targets), METADATA_RE.search(metadata)
    assert line and macro and meta, targets + metadata
    return {"detect": float(line["detect"]), "full": float(line["full"]), "macro_detect": float(macro["macro"]),
            "metadata": float(meta["acc"])}


def _threshold(name: str):
    marks = [] if MEASURED[name] >= THRESHOLDS[name] else [pytest.mark.xfail(
        strict=False, reason=f"{name} measured {MEASURED[name]:.3f} < {THRESHOLDS[name]} on branch targets-tables")]
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [_threshold(n) for n in THRESHOLDS])
def test_dev_set_meets_the_issue_thresholds(scores, name):
    assert scores[name] >= THRESHOLDS[name], scores


def test_dev_set_does_not_regress(scores):
    low = {n: (scores[n], MEASURED[n]) for n in MEASURED if scores[n] < MEASURED[n] - MARGIN}
    assert not low, f"dev scores fell below what was reached (now, before): {low}"


@pytest.mark.skipif(not (SHARED / "devset").is_dir(), reason="../shared/devset is not next to the repository")
@pytest.mark.parametrize("kept, shared", [
    pytest.param(SCORERS / "score_targets.py", SHARED / "eval" / "score_targets.py", id="score_targets"),
    pytest.param(SCORERS / "score_metadata.py", SHARED / "eval" / "score_metadata.py", id="score_metadata"),
    pytest.param(DEV / "gold" / "targets.csv", SHARED / "devset" / "gold" / "targets.csv", id="gold-targets"),
    pytest.param(DEV / "gold" / "metadata.csv", SHARED / "devset" / "gold" / "metadata.csv", id="gold-metadata"),
    pytest.param(DEV / "raw", SHARED / "devset" / "raw", id="raw-texts"),
])
def test_kept_copies_match_the_shared_ones(kept, shared):
    files = sorted(p.name for p in kept.iterdir()) if kept.is_dir() else [None]
    for name in files:
        a, b = (kept / name, shared / name) if name else (kept, shared)
        assert a.read_bytes() == b.read_bytes(), f"{a} differs from {b}: copy the shared file again (cp {b} {a})"
    if kept.is_dir():
        assert files == sorted(p.name for p in shared.iterdir()), f"{kept} and {shared} hold different files"
