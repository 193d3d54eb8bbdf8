"""Text primitives that several stages share, each defined once.

The analysis text is the raw text folded character by character (NFKC, CRLF -> LF)
so that every offset maps back to the raw text; lines keep their offsets; brackets
and quotes nest; years, Chinese numerals, five-year-plan names and administrative
suffixes are written one way here and compiled into the patterns of the stages.

>>> normalise("到２０２５年，达９５％\\r\\n")
'到2025年,达95%\\n'
>>> [line.text for line in split_lines("甲\\n乙")]
['甲', '乙']
>>> inside_brackets("《关于2035年的意见》", 5), inside_brackets("《意见》到2035年", 6)
(True, False)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- patterns: years, numerals, plans, places --------------------------------------

#: A year as the documents write it (1900-2099), as a pattern fragment to build regexes from.
YEAR = r"(?:19|20)\d{2}"
#: ``2025年`` with the year captured.
YEAR_RE = re.compile(rf"({YEAR})\s*年")
#: Chinese numeral characters (counts, ordinals, heading labels).
CN_NUMERALS = "一二三四五六七八九十百零〇两"
#: Circled numbers: list labels (①), kept apart from digits by the normalisation.
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: The name of a numbered five-year plan period: 十一五 … 十九五 (十五 alone is also the number 15).
PLAN_NAME_RE = re.compile(r"十[一二三四五六七八九]五")
#: Administrative suffixes, longest first: what a place name ends in (盘锦市, 巴音郭楞蒙古自治州).
REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "省", "市", "县",
                   "区", "州", "盟", "旗")
REGION_SUFFIX_RE = re.compile(f"(?:{'|'.join(REGION_SUFFIXES)})$")

# --- brackets and quotes ---------------------------------------------------------------

#: Opening marks and the mark that closes each (after normalisation: ASCII brackets).
OPENERS = {"“": "”", "‘": "’", "《": "》", "(": ")", "[": "]", "【": "】", "〔": "〕", "「": "」", "『": "』",
           "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}


def inside_brackets(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside an open bracket or quote of ``text`` (stray closers ignored)."""
    depth = 0
    for ch in text[:pos]:
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS and depth:
            depth -= 1
    return depth > 0


# --- lines -----------------------------------------------------------------------------


@dataclass
class Line:
    """One line of a text and its offsets (the line break excluded)."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with their offsets (line breaks excluded)."""
    out, pos = [], 0
    for piece in text.split("\n"):
        out.append(Line(pos, pos + len(piece), piece))
        pos += len(piece) + 1
    return out


# --- normalisation and offsets ---------------------------------------------------------

#: Characters NFKC would fold but that carry structure: circled numbers mark list items.
NFKC_KEEP = frozenset(CIRCLED)


def _nfkc(ch: str) -> str:
    return ch if ch in NFKC_KEEP else unicodedata.normalize("NFKC", ch)


def normalise(raw: str) -> str:
    """NFKC analysis text (full-width digits, letters, punctuation folded; CRLF -> LF).

    Characters are folded one by one (never composed across characters), so
    offsets map back to the raw text with :func:`raw_offsets`.
    """
    table = {ord(ch): _nfkc(ch) for ch in set(raw) if _nfkc(ch) != ch}
    table[ord("\r")] = "\n"
    return raw.replace("\r\n", "\n").translate(table)


def raw_offsets(raw: str) -> list[int]:
    """For each offset of the analysis text (and its end), the matching offset in ``raw``.

    >>> raw = "达９５％"
    >>> offsets = raw_offsets(raw)
    >>> raw[offsets[1]:offsets[3]]
    '９５'
    """
    out: list[int] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        step = 2 if ch == "\r" and raw[i + 1 : i + 2] == "\n" else 1
        piece = "\n" if ch == "\r" else _nfkc(ch)
        out.extend([i] * len(piece))
        i += step
    out.append(len(raw))
    return out


def raw_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of the analysis text to the raw text."""
    offsets = raw_offsets(raw)
    return offsets[start], offsets[end]
