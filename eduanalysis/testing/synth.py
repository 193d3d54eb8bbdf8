"""Synthetic corpora for benchmarks and scale tests, composed from the real documents.

A synthetic document takes a real document as its template — its header,
cover notice, title and preamble, its heading style and its number of
chapters — and fills each numbered top-level chapter with a chapter drawn at
random from any real document (with its sub-headings, measures, boxes, tables
and targets), renumbered in the template's style (一、 or 第一章). Region and
province names are replaced by a new prefecture (``resources/synth_regions.csv``)
and the years shifted by a few years, so the result reads like another city's
policy document, not a copy. Generation is deterministic: document ``i`` of a
seed is the same whatever the corpus size.

>>> cn_numeral(14), cn_numeral(20), cn_numeral(31)
('十四', '二十', '三十一')
>>> shift_years("到2022年,〔2019〕24号,2021-2025年,培训2000人", 2)
'到2024年,〔2021〕24号,2023-2027年,培训2000人'
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eduanalysis import config, resources
from eduanalysis.read import documents as corpus
from eduanalysis.text import CN_NUMERALS, REGION_SUFFIXES, YEAR

#: Years move by at most this many years either way.
MAX_YEAR_SHIFT = 3
#: Share of documents saved as GB18030 instead of UTF-8, as many government sites still serve.
GB18030_SHARE = 0.1
#: Heading styles whose top-level chapters can be renumbered and exchanged.
NUMBERED_STYLES = ("cn_comma", "chapter")

# A year, where it is written as one: 2019年, 〔2019〕, 2019-05-30, the first of 2021-2025年.
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?=\s*(?:年|[〕\]]|-\d{{1,2}}-\d{{1,2}}|[-—–~～至到]\s*{YEAR}\s*年))")
# The label of a top-level heading at the start of a chapter: 二、 or 第三章.
TOP_LABEL_RE = re.compile(rf"^(\s*)(?:第[{CN_NUMERALS}]+章\s*|[{CN_NUMERALS}]+、)")
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Chapter:
    """A numbered top-level chapter of a real document, as raw text, with where it came from."""

    text: str
    style: str
    region: str
    province: str
    year: int


@dataclass(frozen=True)
class Template:
    """A real document cut at its top-level chapters: text before, chapter slots, text after."""

    head: str
    slots: tuple[Chapter | str, ...]  # a Chapter slot is replaced; a str (unnumbered chapter) is kept
    tail: str
    style: str
    region: str
    province: str
    year: int
    plan_span: tuple[int | None, int | None]
    doc_type_zh: str | None


def cn_numeral(n: int) -> str:
    """Chinese numeral of 1–99 as headings write it."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def shift_years(text: str, by: int) -> str:
    """Move every written year by ``by`` years (counts such as 2000人 are left alone)."""
    return YEAR_RE.sub(lambda m: str(int(m.group(1)) + by), text) if by else text


def short_region(name: str) -> str:
    """The short form used in running text: 盘锦市 -> 盘锦, 辽宁省 -> 辽宁."""
    for suffix in REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def relabel(chapter: str, number: int, style: str) -> str:
    """Give a chapter's heading the ``number``-th label in ``style`` (一、 or 第一章)."""
    label = f"第{cn_numeral(number)}章 " if style == "chapter" else f"{cn_numeral(number)}、"
    return TOP_LABEL_RE.sub(lambda m: m.group(1) + label, chapter, count=1)


def read_regions() -> list[tuple[str, str]]:
    """``(province_zh, region_zh)`` pairs new documents are assigned to."""
    return [(row["province_zh"], row["region_zh"]) for row in resources.table("testing/synth_regions.csv")]


def templates(source_dir: str | Path = config.DEFAULT_CORPUS_DIR) -> list[Template]:
    """Cut every document of a real corpus at its top-level chapters."""
    from eduanalysis.build.pipeline import build_tables

    tables = build_tables(source_dir).tables
    out = []
    for doc in tables["documents"].itertuples():
        secs = tables["sections"]
        top = secs[(secs.doc_id == doc.doc_id) & (secs.level == 1)].sort_values("char_start")
        if top.empty:
            continue
        offsets = corpus.raw_offsets(doc.raw_text)
        raw = doc.raw_text
        year = _year(doc)
        region, province = doc.region_zh or "", doc.province_zh or ""
        slots = []
        for sec in top.itertuples():
            text = raw[offsets[sec.char_start]:offsets[sec.char_end]]
            slots.append(Chapter(text, sec.style, region, province, year) if sec.style in NUMBERED_STYLES else text)
        styles = [s.style for s in slots if isinstance(s, Chapter)]
        if not styles:
            continue
        out.append(Template(raw[:offsets[top.char_start.iloc[0]]], tuple(slots), raw[offsets[top.char_end.iloc[-1]]:],
                            styles[0], region, province, year,
                            (_int(doc.plan_start_year), _int(doc.plan_end_year)), _str(doc.doc_type_zh)))
    return out


def compose(template: Template, chapters: list[Chapter], region: tuple[str, str], year: int) -> str:
    """A new document: the template's frame, ``chapters`` in its numbered slots, set in ``region`` and ``year``."""
    pieces, k = [_localise(template.head, template, region, year)], 0
    for slot in template.slots:
        if isinstance(slot, Chapter):
            chapter = chapters[k]
            k += 1
            pieces.append(relabel(_localise(chapter.text, chapter, region, year), k, template.style))
        else:
            pieces.append(_localise(slot, template, region, year))
    pieces.append(_localise(template.tail, template, region, year))
    # A document's last chapter has no line break after it; elsewhere a chapter must end its line.
    return "".join(p if p.endswith("\n") or p is pieces[-1] else p + "\n\n" for p in pieces)


def _localise(text: str, source: Chapter | Template, region: tuple[str, str], year: int) -> str:
    province, city = region
    for old, new in ((source.region, city), (source.province, province)):
        if old:
            text = text.replace(short_region(old), short_region(new))
    return shift_years(text, year - source.year)


def document(i: int, temps: list[Template], regions: list[tuple[str, str]], seed: int = config.SEED) -> tuple[str, dict]:
    """Document ``i`` of the synthetic corpus of ``seed``: its text and manifest row (without ``file``)."""
    rng = random.Random(f"{seed}-{i}")
    template = rng.choice(temps)
    chapters = _draw_chapters(rng, template, temps)
    region = rng.choice(regions)
    shift = rng.randint(-MAX_YEAR_SHIFT, MAX_YEAR_SHIFT)
    text = compose(template, chapters, region, template.year + shift)
    start, end = template.plan_span
    row = {"region_zh": region[1], "province_zh": region[0], "admin_level": "prefecture",
           "doc_type_zh": template.doc_type_zh or "",
           "plan_start_year": str(start + shift) if start else "", "plan_end_year": str(end + shift) if end else ""}
    return text, row


def _draw_chapters(rng: random.Random, template: Template, temps: list[Template]) -> list[Chapter]:
    """Chapters for the template's numbered slots, none twice: an opening chapter (总体要求 …) first, a closing
    one (保障措施 …) last, and middle chapters between, each drawn from the same position in any real document."""
    pools: dict[str, list[Chapter]] = {"first": [], "middle": [], "last": []}
    for t in temps:
        numbered = [s for s in t.slots if isinstance(s, Chapter)]
        for k, chapter in enumerate(numbered):
            pools[_position(k, len(numbered))].append(chapter)
    n = sum(isinstance(s, Chapter) for s in template.slots)
    wanted = [_position(k, n) for k in range(n)]
    drawn = {p: rng.sample(pool, min(wanted.count(p), len(pool))) for p, pool in pools.items()}
    return [drawn[p].pop() if drawn[p] else rng.choice(pools[p]) for p in wanted]


def _position(k: int, n: int) -> str:
    return "first" if k == 0 else "last" if k == n - 1 else "middle"


def generate(out_dir: str | Path, n_docs: int, source_dir: str | Path = config.DEFAULT_CORPUS_DIR,
             seed: int = config.SEED) -> list[Path]:
    """Write a corpus of ``n_docs`` distinct synthetic documents (in province folders) and its ``manifest.csv``.

    Returns the files written. The folder must be new or empty of documents.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    temps, regions = templates(source_dir), read_regions()
    seen: set[str] = set()
    rows, files = [], []
    i = 0
    while len(files) < n_docs:
        text, row = document(i, temps, regions, seed)
        i += 1
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if digest in seen:  # the same draw twice: take the next one
            continue
        seen.add(digest)
        rel = f"{row['province_zh']}/{len(files):05d}_{digest[:16]}.txt"
        encoding = "gb18030" if random.Random(f"{seed}-enc-{i}").random() < GB18030_SHARE else "utf-8"
        (out / rel).parent.mkdir(exist_ok=True)
        (out / rel).write_bytes(text.encode(encoding))
        rows.append({"file": rel, **row})
        files.append(out / rel)
    pd.DataFrame(rows).to_csv(out / config.MANIFEST_NAME, index=False, encoding="utf-8", lineterminator="\n")
    return files


def _year(doc) -> int:
    for value in (doc.plan_start_year, doc.written_date, doc.published_date):
        if isinstance(value, str) and value[:4].isdigit():
            return int(value[:4])
        if pd.notna(value) and not isinstance(value, str):
            return int(value)
    return 2020


def _int(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _str(value) -> str | None:
    return None if pd.isna(value) else str(value)
