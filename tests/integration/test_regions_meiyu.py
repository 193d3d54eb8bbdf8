"""The 82 local 美育 exports read as a user's folder without a manifest: the issuer and title the
reader finds in each text give the region, province, level and English name of the frozen table
(``tests/read/data/meiyu_local_places.csv``, checked by reading) for at least 95% of them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eduanalysis.read.documents import document_record, read_file
from eduanalysis.read.regions import locate

ROOT = Path(__file__).resolve().parents[2]
MEIYU_LOCAL = ROOT.parent / "shared" / "meiyu" / "local"
EXPECTED = ROOT / "tests" / "read" / "data" / "meiyu_local_places.csv"
FIELDS = ("region_zh", "region_en", "province_zh", "province_en", "admin_level")

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not MEIYU_LOCAL.is_dir(), reason="../shared/meiyu/local is not next to the repository")]


def test_places_from_the_texts_issuer_and_title():
    with open(EXPECTED, encoding="utf-8", newline="") as f:
        expected = {row["file"]: row for row in csv.DictReader(f)}
    files = sorted(MEIYU_LOCAL.glob("*.txt"))
    assert {p.name for p in files} == set(expected)
    wrong = []
    for path in files:
        raw = read_file(path)
        record, _ = document_record(path.name, raw.raw, raw.encoding, raw.file_format, properties=raw.properties)
        place = locate(record["issuer_zh"], record["title_zh"])
        got = {f: (getattr(place, f) if place else None) or "" for f in FIELDS}
        if got != {f: expected[path.name][f] for f in FIELDS}:
            wrong.append((path.name, record["issuer_zh"], got))
    assert len(wrong) <= 0.05 * len(files), wrong
