"""Print the place :func:`eduanalysis.read.regions.locate` gives each file of a folder, and score it.

The issuer is the file name before 关于 (pkulaw exports are named 发文机关关于…), the title the
whole name without pkulaw's (FBM-…) tail. With ``--expected`` (a CSV of ``file`` and the expected
``region_zh, region_en, province_zh, province_en, admin_level``) it prints the rows that differ
and the share of files whose five fields are all right::

    python tools/check_regions.py ../shared/meiyu/local --expected tests/read/data/meiyu_local_places.csv
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eduanalysis.read.regions import locate  # noqa: E402

FIELDS = ("region_zh", "region_en", "province_zh", "province_en", "admin_level")
PKULAW_TAIL_RE = re.compile(r"\s*[(（]FBM-[^)）]*[)）]\s*$")


def issuer_and_title(file_name: str) -> tuple[str | None, str]:
    """``(issuer, title)`` of a pkulaw file name: the text before the first 关于, and the whole stem.

    >>> issuer_and_title("金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1511394).txt")
    ('金华市人民政府办公室', '金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见')
    """
    title = PKULAW_TAIL_RE.sub("", Path(file_name).stem)
    issuer = title.split("关于", 1)[0] if "关于" in title[1:] else None
    return issuer, title


def places(folder: Path) -> list[dict[str, str]]:
    rows = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".txt", ".html", ".htm", ".docx", ".pdf"):
            continue
        issuer, title = issuer_and_title(path.name)
        place = locate(issuer, title)
        row = {"file": path.name, "issuer": issuer or ""}
        row.update({f: (getattr(place, f) if place else None) or "" for f in FIELDS})
        row["prefecture_zh"] = (place.prefecture_zh if place else None) or ""
        row["adcode"] = (place.adcode if place else None) or ""
        row["label_en"] = (place.label_en if place else None) or ""
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--expected", type=Path)
    args = ap.parse_args(argv)
    rows = places(args.folder)
    for r in rows:
        print(" | ".join((r["issuer"] or r["file"][:20], *(r[f] for f in (*FIELDS, "prefecture_zh", "adcode", "label_en")))))
    if args.expected:
        with open(args.expected, encoding="utf-8", newline="") as f:
            expected = {e["file"]: e for e in csv.DictReader(f)}
        right = 0
        for r in rows:
            e = expected.get(r["file"])
            if e is None:
                print(f"not in {args.expected}: {r['file']}")
                continue
            wrong = [f"{f}: {r[f]!r} != {e[f]!r}" for f in FIELDS if r[f] != e[f]]
            right += not wrong
            if wrong:
                print(f"WRONG {r['file']}: " + "; ".join(wrong))
        print(f"{right}/{len(rows)} files right in all of {', '.join(FIELDS)} ({right / max(len(rows), 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
