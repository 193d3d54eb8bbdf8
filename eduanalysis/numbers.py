"""Number parsing for Chinese policy text: Arabic and Chinese numerals, percentages in words, ranges.

Pure ``str -> ...`` functions. :func:`find_numbers` returns every number
expression in a string with its span, so a caller can decide from the words
around it (unit, comparator, context) whether it is a quantity at all. Nothing
here knows about targets or units; 万/亿 *after* a number are left to the unit
(policy texts write ``3万人``, ``4.11亿元`` and the gold keeps them as units).

>>> [(n.text, n.value) for n in find_numbers("新建改扩建学校15所,开展百场活动")]
[('15', 15.0), ('百', 100.0)]
>>> n = find_numbers("创建先进示范学校3—5所")[0]
>>> (n.text, n.value, n.value_max)
('3—5', 3.0, 5.0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Chinese digit characters and their values (〇 and 零 are both zero; 两 is 2 before measure words).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
#: Small units inside a section (below 万) and large section units.
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}

_CN_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_LARGE_UNITS)

#: Arabic numbers: thousands separators only in complete groups of three (a bare ASCII
#: comma is also the clause separator of NFKC text, so "15,100所" is not read as 15100
#: unless the group is complete and not followed by another digit).
ARABIC_RE = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|(?<![\d.])\d+(?:\.\d+)?")
#: A run of Chinese numeral characters, optionally with 点 decimals (三点五).
CHINESE_RE = re.compile(rf"[{_CN_CHARS}]+(?:点[{''.join(CN_DIGITS)}]+)?")
#: Percentages written in words: 百分之九十五, 百分之95.
PERCENT_WORDS_RE = re.compile(rf"百分之([{_CN_CHARS}]+(?:点[{''.join(CN_DIGITS)}]+)?|\d+(?:\.\d+)?)")
#: Fractions in words: 三分之一, 2分之1 (百分之X is a percentage, read first).
FRACTION_WORDS_RE = re.compile(rf"([{_CN_CHARS}]+|\d+)分之([{_CN_CHARS}]+(?:点[{''.join(CN_DIGITS)}]+)?|\d+(?:\.\d+)?)")
#: Ratios: 17:1, 1:13.5, 1比1 (whether one is a quantity depends on the words before it).
#: ∶ (U+2236 RATIO), which NFKC does not fold, is printed in some documents (17∶1).
RATIO_RE = re.compile(r"(?<![\d.:∶])(\d+(?:\.\d+)?)\s*[:∶比]\s*(\d+(?:\.\d+)?)(?![\d:∶])")
#: What may stand between the two ends of a range: dashes, tildes, 至/到 (a % may follow the
#: first end: 0.15%-0.2%). Two-character dashes (——, --) are policy-text habits.
RANGE_JOIN_RE = re.compile(r"\s*(%?)\s*(——|--|[-—–―─~～至到])\s*")  # ─ (U+2500) in some database exports
#: 由/从 shortly before a number: "由85%到92%" is a change, not a range.
FROM_BEFORE_RE = re.compile(r"[由从]\S{0,8}$")
#: A five-year plan named by its ordinal: 十三五, 十四五.
PLAN_ORDINAL_RE = re.compile(r"([十一二三四五六七八九]+)五")
#: Full-width digits and signs folded to ASCII (the analysis text is NFKC already; raw strings may not be).
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％：", "0123456789.,%:")


@dataclass(frozen=True)
class Number:
    """One number expression found in a string."""

    start: int
    end: int
    text: str
    value: float
    value_max: float | None = None
    #: arabic, chinese, percent_words (百分之X, whose unit is %), fraction (三分之一: value 1/3)
    #: or ratio (17:1: value 17, denominator 1).
    form: str = "arabic"
    #: The second term of a ratio.
    denominator: float | None = None

    @property
    def is_range(self) -> bool:
        return self.value_max is not None


def to_ascii(text: str) -> str:
    """Fold full-width digits, point, comma and percent sign to ASCII (length-preserving).

    >>> to_ascii("９６．５％")
    '96.5%'
    """
    return text.translate(_FULLWIDTH)


def parse_arabic(text: str) -> float:
    """Value of an Arabic number with optional thousands separators.

    >>> parse_arabic("10,000")
    10000.0
    >>> parse_arabic("285.35")
    285.35
    """
    return float(to_ascii(text).replace(",", ""))


def parse_chinese(text: str) -> float | None:
    """Value of a Chinese numeral, or None when the characters do not form one.

    Handles 十/百/千 sections, 万/亿 groups, 零 gaps, 两, a leading 十 (十五 = 15),
    colloquial trailing digits after a unit (一千二 = 1200) and 点 decimals.
    Runs that are not numerals (十三五, 三五) give None.

    >>> [parse_chinese(s) for s in ("三十", "一百零五", "两", "百", "十五", "一千二", "三点五", "十三五")]
    [30.0, 105.0, 2.0, 100.0, 15.0, 1200.0, 3.5, None]
    """
    text = unicodedata.normalize("NFKC", text)
    if "点" in text:
        whole, _, frac = text.partition("点")
        base = parse_chinese(whole)
        if base is None or not frac or any(c not in CN_DIGITS for c in frac):
            return None
        return float(f"{int(base)}.{''.join(str(CN_DIGITS[c]) for c in frac)}")
    if not text or any(c not in _CN_CHARS for c in text):
        return None
    if all(c in CN_DIGITS for c in text):
        # a single digit; digit strings like 二〇三五 are years and handled by the caller
        return float(CN_DIGITS[text]) if len(text) == 1 else None
    total, section, digit = 0, 0, None
    last_small = None
    for i, ch in enumerate(text):
        if ch in CN_DIGITS:
            if digit is not None and CN_DIGITS[ch] != 0 and text[i - 1] not in "零〇":
                return None  # two digits in a row (三五): not a numeral
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if last_small is not None and unit >= last_small:
                return None  # 十百, 百百 …
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        else:
            unit = CN_LARGE_UNITS[ch]
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * unit if unit > 10_000 else total + section * unit
            section, digit, last_small = 0, None, None
    if digit is not None:
        prev = text[-2] if len(text) > 1 else ""
        if prev in CN_SMALL_UNITS and last_small and last_small >= 100:
            section += digit * last_small // 10  # 一千二 = 1200, 三百五 = 350
        else:
            section += digit
    return float(total + section)


def _chinese_numbers(text: str, taken: list[tuple[int, int]]) -> list[Number]:
    out = []
    for m in CHINESE_RE.finditer(text):
        start, end = m.span()
        if any(s < end and start < e for s, e in taken):
            continue
        token = m.group()
        # 万/亿 closing a numeral belong to the unit (三万人 -> 3 万人), as they do after Arabic digits
        while len(token) > 1 and token[-1] in CN_LARGE_UNITS and "点" not in token:
            token, end = token[:-1], end - 1
        if token in CN_LARGE_UNITS or all(c in "零〇" for c in token):
            continue  # a bare 万/亿 is a word (万家, 亿万), a bare 零 a slogan (零起点)
        value = parse_chinese(token)
        if value is None and len(token) == 2 and all(c in CN_DIGITS for c in token) \
                and CN_DIGITS[token[1]] == CN_DIGITS[token[0]] + 1:
            # two neighbouring digits are an approximate range: 一两项 -> 1-2, 两三个 -> 2-3
            out.append(Number(start, end, token, float(CN_DIGITS[token[0]]), float(CN_DIGITS[token[1]]), "chinese"))
        elif value is not None:
            out.append(Number(start, end, token, value, None, "chinese"))
    return out


def find_numbers(text: str, units: tuple[str, ...] = ()) -> list[Number]:
    """Every number expression in ``text`` in order, ranges merged into one :class:`Number`.

    ``units`` are measure words that may be printed at both ends of a range (1项至2项, 3所至5所);
    the caller (which knows the units) passes them, longest first.

    >>> [(n.text, n.value, n.value_max, n.form) for n in find_numbers("0.15%-0.2%,1至2项,百分之九十五,一两项")]
    [('0.15%-0.2', 0.15, 0.2, 'arabic'), ('1至2', 1.0, 2.0, 'arabic'), ('百分之九十五', 95.0, None, 'percent_words'), ('一两', 1.0, 2.0, 'chinese')]
    >>> [(n.text, n.value, n.value_max) for n in find_numbers("1项至2项,3所至5所", ("项", "所"))]
    [('1项至2', 1.0, 2.0), ('3所至5', 3.0, 5.0)]
    """
    text = to_ascii(text)
    found: list[Number] = []
    for m in PERCENT_WORDS_RE.finditer(text):
        inner = m.group(1)
        value = parse_arabic(inner) if inner[0].isdigit() else parse_chinese(inner)
        if value is not None:
            found.append(Number(m.start(), m.end(), m.group(), value, None, "percent_words"))
    taken = [(n.start, n.end) for n in found]
    for m in FRACTION_WORDS_RE.finditer(text):
        den, num = (parse_arabic(g) if g[0].isdigit() else parse_chinese(g) for g in m.groups())
        if den and num is not None and not any(s < m.end() and m.start() < e for s, e in taken):
            found.append(Number(m.start(), m.end(), m.group(), round(num / den, 4), None, "fraction"))
    for m in RATIO_RE.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e in taken) and float(m.group(2)) > 0:
            found.append(Number(m.start(), m.end(), m.group(), parse_arabic(m.group(1)), None, "ratio",
                                parse_arabic(m.group(2))))
    taken = [(n.start, n.end) for n in found]
    for m in ARABIC_RE.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            found.append(Number(m.start(), m.end(), m.group(), parse_arabic(m.group())))
    found += _chinese_numbers(text, taken)
    found.sort(key=lambda n: n.start)
    return merge_ranges(text, found, units)


def merge_ranges(text: str, numbers: list[Number], units: tuple[str, ...] = ()) -> list[Number]:
    """Join ``A—B``, ``A-B``, ``A至B``, ``A%-B%`` and ``A项至B项`` (a unit of ``units`` printed after both
    ends) into one range when A < B and both have the same form."""
    out: list[Number] = []
    i = 0
    while i < len(numbers):
        a = numbers[i]
        if i + 1 < len(numbers):
            b = numbers[i + 1]
            unit = next((u for u in units if text.startswith(u, a.end) and text.startswith(u, b.end)), "")
            join = RANGE_JOIN_RE.fullmatch(text, a.end + len(unit), b.start)
            from_to = join and join.group(2) in "至到" and FROM_BEFORE_RE.search(text[max(0, a.start - 9):a.start])
            if (join and a.form == b.form and a.form != "percent_words" and a.value < b.value and not from_to
                    and not (join.group(1) and text[b.end:b.end + 1] != "%")):
                out.append(Number(a.start, b.end, text[a.start:b.end], a.value, b.value, a.form))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def five_year_plan_years(ordinal: str) -> tuple[int, int] | None:
    """Years of the N-th five-year plan named as in 十三五 / 十四五.

    The first two plans ran 1953-1962; after the 1963-1965 adjustment years the third began in
    1966, so from the third on plan N ends in 1955 + 5·N.

    >>> five_year_plan_years("十三五"), five_year_plan_years("十四五")
    ((2016, 2020), (2021, 2025))
    """
    m = PLAN_ORDINAL_RE.fullmatch(ordinal.strip("“”\""))
    if not m:
        return None
    n = parse_chinese(m.group(1))
    if n is None:
        return None
    end = 1952 + 5 * int(n) if n < 3 else 1955 + 5 * int(n)
    return end - 4, end
