"""Metadata: separating page furniture from a document's body, and what the text says about itself.

Pure ``str -> ...`` functions used by :mod:`eduanalysis.read.documents`: breadcrumbs,
metadata lines, the cover notice (关于印发…的通知), tables of contents and
trailers are found as spans; the metadata they and the body's title state
(发文机关, 成文日期, 发布日期, 文号, 标题, 索引号) is extracted; the plan horizon,
document type and region are derived.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

import pandas as pd

from eduanalysis.numbers import CN_DIGITS, five_year_plan_years, parse_chinese
from eduanalysis.read.layouts import (  # noqa: F401  (re-exported: the callers' names for them)
    Header,
    Line,
    is_metadata_line,
    is_organ_line,
    metadata_pairs,
    notice_title,
    read_resource,
    same_title,
    separate_boilerplate,
    split_lines,
)
from eduanalysis.read.regions import locate
from eduanalysis.text import REGION_SUFFIXES, YEAR_RE

# --- boilerplate ----------------------------------------------------------------
# The layouts (which lines are furniture, database headers, official-document parts)
# live in eduanalysis.read.layouts; they are re-exported here for the callers.

DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(【]\s*(\d{4})\s*[〕\])】]\s*\d{1,4}\s*号")
DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


# --- metadata -------------------------------------------------------------------

#: Five-year plan ordinals: the Nth plan starts in 2001 + 5 * (N - 10) (十五 = 2001–2005).
FIVE_YEAR_RE = re.compile(r"[“\"]?十([一二三四五六七八九]?)五[”\"]?(?:规划|时期|期间|计划|教育|$|[\u4e00-\u9fff])")
YEAR_SPAN_RE = re.compile(r"(20\d{2})\s*[-—–~～至到]\s*(20\d{2})\s*年")
#: A place name at the start of an issuer or title (not 全省/本市/各县/我区): up to nine characters and a suffix.
REGION_RE = re.compile(rf"^(?:中共)?((?![全本各我])[\u4e00-\u9fff]{{1,9}}?(?:{'|'.join(REGION_SUFFIXES)}))")
REGION_LEVEL_CHARS = "市县区盟旗"
#: "<organ>关于<subject>的<type>": the organ before 关于 issues the document.
ISSUER_IN_TITLE_RE = re.compile(r"^([\u4e00-\u9fff()、]{2,40}?)(?:关于|印发|转发)")


@functools.lru_cache(maxsize=1)
def read_doc_types() -> pd.DataFrame:
    """The document-type vocabulary (``resources/doc_types.csv``): zh word, en name, annual flag.

    Read once per process (callers must not modify it): the build asks for it for every document.
    """
    return read_resource("doc_types.csv")


def doc_type(title: str, types: pd.DataFrame | None = None) -> tuple[str | None, str | None]:
    """The document type named by a title: the type word that ends latest (the head noun).

    >>> doc_type("保山市教育高质量发展三年攻坚行动计划补充方案")
    ('方案', 'plan')
    >>> doc_type("2020年大连市教育工作要点")
    ('工作要点', 'annual work plan')
    """
    types = read_doc_types() if types is None else types
    best = None
    for row in types.itertuples():
        pos = title.rfind(row.type_zh)
        if pos < 0:
            continue
        end = pos + len(row.type_zh)
        if best is None or end > best[0] or (end == best[0] and len(row.type_zh) > len(best[1])):
            best = (end, row.type_zh, row.type_en)
    return (best[1], best[2]) if best else (None, None)


def is_annual(type_zh: str | None, types: pd.DataFrame | None = None) -> bool:
    types = read_doc_types() if types is None else types
    return bool(type_zh) and type_zh in set(types.loc[types.annual == "yes", "type_zh"])


def five_year_span(text: str) -> tuple[int, int] | None:
    """The horizon of a 十X五 plan named in ``text``.

    >>> five_year_span("萍乡市“十四五”教育事业发展规划")
    (2021, 2025)
    """
    m = FIVE_YEAR_RE.search(text)
    return five_year_plan_years(f"十{m.group(1)}五") if m else None


@functools.lru_cache(maxsize=1)
def horizon_cues() -> dict[str, tuple[str, ...]]:
    """Cue words of ``resources/read/horizon_cues.csv`` by role: ``annual`` (the year is the horizon) and
    ``vision`` (a sentence that looks beyond the plan)."""
    table = read_resource("horizon_cues.csv")
    return {role: tuple(g.cue) for role, g in table.groupby("role")}


#: A quoted title (《…》): years inside name another document, never this one's horizon.
QUOTED_RE = re.compile(r"《[^《》]{0,120}》")
#: 到2020年 / 至2018年: a stage the plan sets (截至 reports a status and is left out).
STAGE_YEAR_RE = re.compile(r"(?<!截)(?:到|至)\s*(20\d{2})\s*年")


@functools.lru_cache(maxsize=1)
def clause_year_re() -> re.Pattern:
    """A clause that opens with a bare year and sets a level (goal verbs of ``horizon_cues.csv``):
    2015年…分别达到90%; 2020年,…实现教育现代化."""
    verbs = "|".join(map(re.escape, sorted(horizon_cues().get("goal_verb", ()), key=len, reverse=True)))
    return re.compile(rf"(?:^|[。;\n]|--|——)\s*(20\d{{2}})\s*年(?![\d月底])[,]?[^。;\n]{{0,80}}?(?:{verbs})")
#: 2017年起 / 从2018年秋季学期起 / 2017年开始: the first year of the plan (起施行 is an effective date, not a start).
START_YEAR_RE = re.compile(r"(20\d{2})\s*年(?:秋季|春季)?(?:学期|学年)?(?:起|开始)(?!施行)")
SENTENCE_RE = re.compile(r"[^。;\n]+")


def _unquoted(text: str) -> str:
    return QUOTED_RE.sub(lambda m: "《" + "_" * (len(m.group(0)) - 2) + "》", text)


def annual_year(text: str) -> int | None:
    """The year an annual document names: one year (not a span, not 到…年) followed by an annual cue.

    >>> annual_year("关于下达2015年全区小学秋季招生计划的通知"), annual_year("2022年学位建设情况")
    (2015, 2022)
    >>> annual_year("某市教育事业发展规划(2021-2025年)") is None
    True
    """
    text = _unquoted(text or "")
    if YEAR_SPAN_RE.search(text) or five_year_span(text):
        return None
    cues = "|".join(map(re.escape, horizon_cues().get("annual", ())))
    m = re.search(rf"(?<![到至\d])((?:19|20)\d{{2}})\s*年(?!\s*[-—–~～至到]\s*20\d{{2}})[^。;,\n]{{0,24}}?(?:{cues})", text)
    return int(m.group(1)) if m else None


def stage_years(body: str, issue_year: int | None = None) -> list[int]:
    """Years the body sets stages for (到2018年…;到2020年…), outside quoted titles and vision sentences;
    failing those, years that open a clause setting a level (2020年分别达到98%).

    >>> stage_years("到2018年,开齐开足美育课程;到2020年,基本形成…;到2035年远景目标…")
    [2018, 2020]
    >>> stage_years("2015年学前三年毛入园率达到90%;2020年分别达到98%。")
    [2015, 2020]
    """
    body = _unquoted(body)
    vision = horizon_cues().get("vision", ())
    years = []
    for regex in (STAGE_YEAR_RE, clause_year_re()):
        for sentence in SENTENCE_RE.finditer(body):
            if any(cue in sentence.group(0) for cue in vision):
                continue
            # The clause regex anchors on the separator before the sentence: search from one character back.
            where = body[max(0, sentence.start() - 1):sentence.end()] if regex is not STAGE_YEAR_RE else sentence.group(0)
            years += [int(y) for y in regex.findall(where) if not issue_year or int(y) >= issue_year]
        if years:
            break
    return sorted(set(years))


def plan_horizon(title: str, body: str, annual: bool, issue_year: int | None) -> tuple[int | None, int | None]:
    """Plan start and end years: the title's span or 十X五; an annual document's year; the body's
    latest stage year (start: a stated 20XX年起, else the issue year); a 十X五 near the top; the issue year.

    >>> plan_horizon("某市教育三年行动计划(2021-2023年)", "", False, None)
    (2021, 2023)
    >>> plan_horizon("2020年大连市教育工作要点", "", True, None)
    (2020, 2020)
    >>> plan_horizon("盘锦市推进教育高质量发展行动计划", "到2022年,教育…", False, 2019)
    (2019, 2022)
    >>> plan_horizon("某市实施意见", "2017年起,全面加强…;到2018年,…;到2020年,…", False, 2016)
    (2017, 2020)
    >>> plan_horizon("某市实施方案", "从2018年秋季学期开始试点;到2020年,…", False, 2017)
    (2018, 2020)
    """
    title = title or ""
    if m := YEAR_SPAN_RE.search(_unquoted(title)):
        return int(m.group(1)), int(m.group(2))
    if span := five_year_span(_unquoted(title)):
        return span
    if annual:
        m = YEAR_RE.search(title) or YEAR_RE.search(body[:300])
        year = int(m.group(1)) if m else issue_year
        return year, year
    if year := annual_year(title):
        return year, year
    top = five_year_span(_unquoted(body[:500]))
    if years := stage_years(body, issue_year):
        end = years[-1]
        # A start stated in the text, not one reported from years before the document (2016年起实施的… in 2021).
        starts = [int(y) for y in START_YEAR_RE.findall(_unquoted(body))
                  if int(y) <= end and (not issue_year or int(y) >= issue_year - 1)]
        if top and top[1] == end:
            return top
        start = min(starts) if starts else (issue_year if issue_year and issue_year <= end else None)
        return start, end
    if top:
        return top
    if year := annual_year(body[:300]):
        return year, year
    return issue_year, None


CN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")


def _arabic_date(value: str) -> str:
    """二〇一六年十二月十日 -> 2016年12月10日 (a paper document's date in Chinese numerals)."""
    m = CN_DATE_RE.search(value)
    if not m:
        return value
    year = "".join(str(CN_DIGITS.get(c, 0 if c == "○" else -1)) for c in m.group(1))
    month, day = parse_chinese(m.group(2)), parse_chinese(m.group(3))
    if "-" in year or month is None or day is None:
        return value
    return f"{year}年{int(month)}月{int(day)}日"


def iso_date(value: str | None) -> str | None:
    """``2019年5月30日`` / ``2019-05-30`` / ``2019/5/30`` -> ``2019-05-30``; None when not a real date.

    >>> iso_date("2019年2月14日"), iso_date("2019-02-30")
    ('2019-02-14', None)
    >>> iso_date("二〇一六年十二月十日")
    '2016-12-10'
    """
    if not value:
        return None
    value = _arabic_date(value)
    m = DATE_RE.search(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def region_of(*names: str | None) -> str | None:
    """The region named at the start of an issuer or title.

    >>> region_of("盘锦市人民政府办公室"), region_of(None, "杭州市人民政府关于加快学前教育发展的意见")
    ('盘锦市', '杭州市')
    """
    for name in names:
        if not name:
            continue
        name = YEAR_RE.sub("", name, count=1) if YEAR_RE.match(name) else name
        if m := REGION_RE.match(name):
            region = m.group(1)
            # 杭州市, 某州县: a name ending in 州 may go on to its level.
            while name[len(region):len(region) + 1] in REGION_LEVEL_CHARS and name[len(region):len(region) + 1]:
                region += name[len(region)]
            return region
    return None


def body_title(text: str, head: Header, types: pd.DataFrame) -> str | None:
    """The body's printed title: its first line, or its first two lines joined when the title is set over two.

    >>> t = "山西省全面加强和改进学校美育\\n工作实施方案\\n为深入贯彻落实…,提出以下实施方案。"
    >>> body_title(t, Header(body_end=len(t)), read_doc_types())
    '山西省全面加强和改进学校美育工作实施方案'
    """
    masked = [(s, e) for s, e, _ in head.spans]
    lines = [ln.stripped for ln in split_lines(text)
             if ln.stripped and head.body_start <= ln.start + len(ln.text) - len(ln.text.lstrip()) < head.body_end
             and not any(s <= ln.start + len(ln.text) - len(ln.text.lstrip()) < e for s, e in masked)][:2]
    if not lines:
        return None
    if looks_like_title(lines[0], types):
        return lines[0]
    if len(lines) == 2 and len(lines[1]) <= 30 and looks_like_title(lines[0] + lines[1], types):
        return lines[0] + lines[1]
    return None


#: A title that opens with its issuer (after an optional year): 2020年泉州市教育局承担….
TITLE_ORGAN_RE_MAX = 24


def _issuer_at_start(title: str) -> str | None:
    """The issuing body a title opens with, when it opens with a region and an organ (泉州市教育局…).

    >>> _issuer_at_start("2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况")
    '泉州市教育局'
    >>> _issuer_at_start("威海市教育局(中共威海市委教育工委)2019年工作要点")
    '威海市教育局(中共威海市委教育工委)'
    >>> _issuer_at_start("遂宁市全面加强和改进学校美育工作方案") is None
    True
    """
    rest = YEAR_RE.sub("", title, count=1) if YEAR_RE.match(title) else title
    # Only whether the title opens with a place name: the region itself comes from region_fields.
    if not (place := REGION_RE.match(rest)):
        return None
    for end in range(place.end() + 1, min(len(rest), TITLE_ORGAN_RE_MAX) + 1):
        if is_organ_line(rest[:end]) and not is_organ_line(rest[:end + 1]):
            # 威海市教育局(中共威海市委教育工委)…: a second name in brackets belongs to the issuer.
            if rest[end:end + 1] == "(" and (close := rest.find(")", end)) > 0 and is_organ_line(rest[:close + 1]):
                return rest[:close + 1]
            return rest[:end]
    return None


def parse_damaged_date(value: str) -> str | None:
    """A date whose 年/月/日 were lost (``2015 624``), read only when month and day can be split one way.

    >>> parse_damaged_date("2015 624"), parse_damaged_date("2015 1115"), parse_damaged_date("2015 111")
    ('2015-06-24', '2015-11-15', None)
    """
    m = re.fullmatch(r"\s*((?:19|20)\d{2})\s+(\d{3,4})\s*", value or "")
    if not m:
        return None
    digits = m.group(2)
    found = {d for cut in (1, 2) if (d := iso_date(f"{m.group(1)}年{digits[:cut]}月{digits[cut:]}日"))
             and len(digits[cut:]) <= 2}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=1)
def _admin_levels() -> pd.DataFrame:
    return read_resource("admin_levels.csv")


def region_fields(issuer: str | None, title: str | None) -> dict[str, str]:
    """Place columns of a document from its issuer (else its title), for documents no manifest describes.

    The gazetteer (:func:`eduanalysis.read.regions.locate`) gives the region as its own
    division (districts and counties included), its prefecture and province, admin level,
    adcode and English name. A place name the gazetteer does not know (a division created
    after its data, a development zone) still gives the region as written and the level its
    suffix implies (``admin_levels.csv``), with no province or English name.

    >>> region_fields("金华市人民政府办公室", None)["province_zh"], region_fields("桂林市象山区教育局", None)["region_zh"]
    ('浙江省', '象山区')
    >>> region_fields("上海市人民政府办公厅", None)["admin_level"], region_fields("教育部办公厅", None)["admin_level"]
    ('province', 'national')
    """
    place = locate(issuer, title)
    if place is not None and place.region_zh:
        return {k: v for k, v in place.columns().items() if v}
    region = region_of(issuer, title)
    out = {"region_zh": region} if region else {}
    for row in _admin_levels().itertuples():
        if region and row.kind == "suffix" and region.endswith(row.match):
            out["admin_level"] = row.admin_level
            break
        if not region and row.kind == "issuer" and any(n and n.startswith(row.match) for n in (issuer, title)):
            out["admin_level"] = row.admin_level
            break
    if place is not None and place.province_zh:  # an ambiguous short name whose candidates share a province
        out.update(province_zh=place.province_zh, province_en=place.province_en)
    return out


def stated_metadata(text: str, head: Header, types: pd.DataFrame) -> dict[str, str]:
    """Metadata the text itself states: header fields, the title block, the 文号, signature and dates.

    Title: a database listing title, the body's title (over one or two lines), a page title kept
    above the metadata line, or the 标题 field — but a cover notice (…关于印发…的通知) is titled by
    its own title, as the gold convention takes it; the document it issues goes to
    ``enclosed_title_zh`` (the body's title, else the notice title's ``enclosed`` group). Issuer: the
    signature block, else the title's ``XX关于…`` prefix (or the organ a title opens with), else
    header lines.
    """
    stated: dict[str, str] = {}
    fields, parts = head.fields, head.parts
    own = body_title(text, head, types)
    titles = []
    if head.notice_title:
        notice_own = DOC_NUMBER_RE.sub("", head.notice_title).strip()
        titles = [own or notice_own, notice_own]
    else:
        titles = [parts.get("listing_title"), own, parts.get("own_title")]
        if fields.get("title_zh"):
            titles.append(DOC_NUMBER_RE.sub("", fields["title_zh"]).strip())
    titles = [t for t in titles if t]
    notice = next((t for t in titles if notice_title(t)), None)
    if notice:
        stated["title_zh"] = notice
        enclosed = own if own and not notice_title(own) else notice_title(notice).group("enclosed").strip("《》")
        stated["enclosed_title_zh"] = enclosed
        titles = [enclosed] + [t for t in titles if t != enclosed]  # issuers: the enclosed title's first, as before
    elif titles:
        stated["title_zh"] = titles[0]
    issuers = [parts.get("notice_signature"), parts.get("signature")]
    if head.notice_title and (m := notice_title(head.notice_title)):
        issuers.append(DOC_NUMBER_RE.sub("", head.notice_title[: m.start()]).split("关于")[0].strip())
    for title in titles:
        if m := ISSUER_IN_TITLE_RE.match(title):
            issuers.append(m.group(1))
        issuers.append(_issuer_at_start(title))
    issuers += [fields.get("issuer_zh"), print_issuer if is_organ_line(print_issuer := parts.get("print_issuer", "")) else None,
                fields.get("source_zh") if is_organ_line(fields.get("source_zh", "")) else None]
    if issuer := next((i for i in issuers if i), None):
        stated["issuer_zh"] = issuer
    written = [fields.get("written_date"), parts.get("notice_date"), parts.get("signature_date"), parts.get("title_date")]
    published = [fields.get("published_date"), parts.get("print_date")]
    for fld, values in (("written_date", written), ("published_date", published)):
        if d := next((d for v in values if v and (d := iso_date(v) or parse_damaged_date(v))), None):
            stated[fld] = d
    for source in (fields.get("doc_number"), parts.get("doc_number"), fields.get("title_zh"), head.notice_title):
        if not source:
            continue
        if m := DOC_NUMBER_RE.search(source):
            stated["doc_number"] = re.sub(r"\s", "", m.group(0))
            break
        if source == parts.get("doc_number"):  # a 文号 line as printed, characters lost in copying
            stated["doc_number"] = re.sub(r"\s", "", source)
            break
    if fields.get("index_number"):
        stated["index_number"] = fields["index_number"]
    return {k: v for k, v in stated.items() if v}


def inferred_metadata(source_file: str, text: str, head: Header) -> dict[str, str]:
    """Metadata guessed where the text states none: a Chinese file name as title."""
    inferred = {}
    # A database's record code after the title in a file name: 标题(FBM-CLI-12-1201081).txt.
    stem = re.sub(r"\s*[(（][A-Za-z0-9._-]{4,}[)）]\s*$", "", Path(source_file).stem)
    if re.search(r"[\u4e00-\u9fff]{4}", stem):
        inferred["title_zh"] = stem
    return inferred


TITLE_MAX_CHARS = 60
NUMBERED_RE = re.compile(r"^[一二三四五六七八九十]+、")


def looks_like_title(line: str, types: pd.DataFrame) -> bool:
    """A document's own title line: short, no sentence punctuation, ends with a document-type word.

    Joint issuers (中共中央办公厅、国务院办公厅印发《…意见》) may stand in it; a numbered heading (一、…) is no title.
    """
    line = line.strip()
    if not line or len(line) > TITLE_MAX_CHARS or re.search(r"[。,;:!?]", line) or NUMBERED_RE.match(line):
        return False
    line = re.sub(r"[((][^()]*[))]\s*$", "", line).strip()  # (2021-2025年) after the type word
    line = line.removesuffix("》")  # XX印发《关于…的意见》
    return any(line.endswith(t) for t in types.type_zh)
