"""Citations: the documents a document names in its text and title -> one row per citation.

Chinese local documents say whom they implement: the preamble cites the parent
document by title and 文号 — 为贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》
（国办发〔2015〕71号）和省政府办公厅《关于…的实施意见》（川办发〔2016〕41号）— and a
forwarding notice names in its title what it forwards (合肥市教育局转发安徽省教育厅转发…的通知).
Three forms are read, each with the patterns and word lists of
``resources/extract/citations.csv``:

- ``title`` / ``title_number``: a title in 《》 (one level of nested 《》 inside), with the
  文号 in the parenthesis after it when there is one, and the issuer written before the
  《 when the title starts with 关于 (国务院办公厅《关于…》). Quoted words that are a short
  name (以下简称《意见》), shorter than :data:`MIN_TITLE_CHARS` or not ending in a document
  type (forms, tables: 《推荐表》) are not citations;
- ``number``: a 文号 on its own (贯彻国办发〔2015〕71号文件), outside any 《》;
- ``forwarded``: each 转发 of the document's own title not followed by 《 (those are read as titles).

A line that is only a 文号 (the document's own number under its title) is not a
citation, and the title printed a second time is read once. 文号 are normalised
to ``issuer〔year〕serial号`` whatever the brackets (〔〕 [] () 〈〉 【】, NFKC folds
full width), titles to their Han characters, letters and digits.

:func:`resolve` links each citation to a document of the corpus once every
document is known: by normalised 文号, else by normalised full title; never by
a guess — a citation that matches no document, or more than one, keeps an empty
``cited_doc_id`` and says why in ``match``.

>>> rows = citations_in_text("为贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号）,制定本意见。")
>>> [(r["form"], r["cited_number"]) for r in rows]
[('title_number', '国办发〔2015〕71号')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eduanalysis import resources, schema
from eduanalysis.errors import EduAnalysisError

RESOURCE = "extract/citations.csv"
KINDS = ("open_bracket", "close_bracket", "lead_in", "issuer_suffix", "abbreviation", "title_ending", "forward",
         "issue", "forward_tail", "title_noise")
#: A quoted title shorter than this (in Han characters, letters and digits) is a short name, not a citation.
MIN_TITLE_CHARS = 6
#: Han characters before a bracketed year read as the issuer part of a 文号 (trimmed at lead-in words).
MAX_PREFIX_CHARS = 12
#: Characters before a 《 searched for an abbreviation cue (以下简称两个《实施方案》).
ABBREVIATION_WINDOW = 4


@dataclass(frozen=True)
class Patterns:
    """The compiled patterns of ``resources/extract/citations.csv``."""

    number: re.Pattern
    title: re.Pattern
    lead_in: re.Pattern
    issuer_before: re.Pattern
    abbreviation: re.Pattern
    title_ending: re.Pattern
    forward: str
    issued: re.Pattern
    forward_tail: re.Pattern
    title_noise: tuple[re.Pattern, ...]


@functools.lru_cache(maxsize=1)
def patterns() -> Patterns:
    """Read and compile ``resources/extract/citations.csv`` once per process."""
    path = resources.path_of(RESOURCE)
    table = resources.frame(RESOURCE)
    unknown = sorted(set(table["kind"]) - set(KINDS))
    if unknown:
        raise EduAnalysisError(f"{path}: every row needs a kind among {KINDS} (unknown: {unknown})")
    words = {k: table.loc[table["kind"] == k, "value"].tolist() for k in KINDS}
    for kind in KINDS:
        if not words[kind]:
            raise EduAnalysisError(f"{path}: no row of kind {kind!r}; add one")

    def alt(kind: str) -> str:
        return "|".join(re.escape(w) for w in sorted(words[kind], key=len, reverse=True))

    opening, closing = (re.escape("".join(words[k])) for k in ("open_bracket", "close_bracket"))
    try:
        noise = tuple(re.compile(p) for p in words["title_noise"])
    except re.error as exc:
        raise EduAnalysisError(f"{path}: a title_noise pattern does not compile: {exc}") from exc
    # A 文号: issuer abbreviation, bracketed year, serial, 号 (dropped in some web copies when a bracket follows).
    number = re.compile(rf"(?P<prefix>[\u4e00-\u9fff]{{1,{MAX_PREFIX_CHARS * 3}}}?)?\s*[{opening}]\s*"
                        rf"(?P<year>(?:19|20)\d{{2}})\s*[{closing}]\s*第?\s*(?P<serial>\d{{1,4}})\s*(?:号|(?=[{closing}]))")
    return Patterns(
        number=number,
        title=re.compile(r"《(?P<title>(?:[^《》\n]|《[^《》\n]*》){1,200})》"),
        lead_in=re.compile(f"(?:{alt('lead_in')})"),
        issuer_before=re.compile(rf"(?P<issuer>[\u4e00-\u9fff]{{2,20}}?(?:{alt('issuer_suffix')}))$"),
        abbreviation=re.compile(f"(?:{alt('abbreviation')})"),
        title_ending=re.compile(f"(?:{alt('title_ending')})$"),
        forward=words["forward"][0],
        issued=re.compile(rf"^(?P<issuer>.+?)关于(?:{alt('issue')})《?(?P<title>.+?)》?(?:{alt('forward_tail')})?$"),
        forward_tail=re.compile(f"(?:{alt('forward_tail')})$"),
        title_noise=noise,
    )


def normalise_number(prefix: str, year: str | int, serial: str | int) -> str:
    """A 文号 in standard form, ``issuer〔year〕serial号``.

    >>> normalise_number("陕教体办", "2016", "053")
    '陕教体办〔2016〕53号'
    """
    return f"{prefix}〔{int(year)}〕{int(serial)}号"


def parse_number(text: str) -> str | None:
    """The normalised 文号 a string holds (its first), or None.

    >>> parse_number("内政办发〈2015〉148号"), parse_number("国办发[2015]71号"), parse_number("2015年")
    ('内政办发〔2015〕148号', '国办发〔2015〕71号', None)
    """
    if not isinstance(text, str):
        return None
    m = patterns().number.search(text)
    if m is None:
        return None
    return normalise_number(_trim_prefix(m.group("prefix") or ""), m.group("year"), m.group("serial"))


def _trim_prefix(prefix: str) -> str:
    """The issuer part of a 文号: what follows the last lead-in word (关于贯彻国办发 -> 国办发), at most MAX_PREFIX_CHARS."""
    cut = 0
    for m in patterns().lead_in.finditer(prefix):
        cut = m.end()
    return prefix[cut:][-MAX_PREFIX_CHARS:]


def normalise_title(title: str | None) -> str | None:
    """A title reduced to what two spellings of it share: no pkulaw code, only Han characters, letters and digits.

    >>> normalise_title("乡村教师支持计划实施办法（2015-2020年）的通知(FBM-CLI-12-1)")
    '乡村教师支持计划实施办法20152020年的通知'
    """
    if not isinstance(title, str):
        return None
    title = title.strip()
    for noise in patterns().title_noise:
        title = noise.sub("", title).strip()
    out = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", title)
    return out or None


def clean_title(title: str | None) -> str | None:
    """A document's title without the pkulaw code of its file name, as written otherwise."""
    if not isinstance(title, str):
        return None
    for noise in patterns().title_noise:
        title = noise.sub("", title.strip()).strip()
    return title or None


def _is_document_title(title: str) -> bool:
    """A quoted string names a document: long enough and ending in a document type (after a trailing (…))."""
    bare = re.sub(r"\([^()]*\)$", "", title.strip())
    core = normalise_title(bare) or ""
    return len(core) >= MIN_TITLE_CHARS and patterns().title_ending.search(core) is not None


def _row(form: str, start: int, end: int, text: str, issuer=None, title=None, number=None, number_m=None) -> dict:
    cited_number = year = None
    if number_m is not None:
        cited_number = normalise_number(_trim_prefix(number_m.group("prefix") or ""), number_m.group("year"),
                                        number_m.group("serial"))
        year = int(number_m.group("year"))
    full = None
    if title is not None:
        full = (issuer or "") + title if issuer and title.startswith("关于") else title
    return {"form": form, "char_start": start, "char_end": end, "text": text, "cited_issuer_text": issuer,
            "cited_title_text": title, "cited_title": normalise_title(full), "cited_number_text": number,
            "cited_number": cited_number, "cited_year": year}


def citations_in_text(text: str, skip: list[tuple[int, int]] = ()) -> list[dict]:
    """Citations by title (with or without 文号) and by 文号 alone in ``text``; offsets index ``text``.

    ``skip`` lists spans not to read (a title printed twice). A line holding only a 文号
    is the document's own number and is skipped too.

    >>> [r["cited_title_text"] for r in citations_in_text("根据《关于印发《学校体育美育兼职教师管理办法》的通知》要求")]
    ['关于印发《学校体育美育兼职教师管理办法》的通知']
    >>> [r["cited_number"] for r in citations_in_text("关于贯彻国办发[2015]71号文件的意见")]
    ['国办发〔2015〕71号']
    >>> citations_in_text("(以下简称《意见》)")
    []
    """
    p = patterns()
    rows: list[dict] = []
    taken: list[tuple[int, int]] = list(skip)
    for line_start, line in _lines(text):
        if p.number.fullmatch(line.strip().strip("()（）")):  # the document's own 文号 under its title
            taken.append((line_start, line_start + len(line)))
    for m in p.title.finditer(text):
        if _inside(m.start(), taken):
            continue
        taken.append((m.start(), m.end()))  # a 文号 inside a cited title is not cited by this document
        title = m.group("title")
        before = text[max(0, m.start() - ABBREVIATION_WINDOW):m.start()]
        if p.abbreviation.search(before) or not _is_document_title(title):
            continue
        issuer = _issuer_before(text, m.start())
        end, number_text, number_m = m.end(), None, None
        after = re.match(r"\s*[(（]\s*", text[m.end():])
        if after:
            nm = p.number.match(text, m.end() + after.end())
            if nm is not None and not (nm.group("prefix") or "").startswith(("以下", "下称")):
                number_text, number_m, end = nm.group(0).strip(), nm, nm.end()
                taken.append((nm.start(), nm.end()))
        start = m.start() - len(issuer or "")
        rows.append(_row("title_number" if number_m else "title", start, end, text[start:end], issuer, title,
                         number_text, number_m))
    for nm in p.number.finditer(text):
        if _inside(nm.start("year"), taken):
            continue
        raw = nm.group("prefix") or ""
        prefix = _trim_prefix(raw)
        if not prefix:
            continue  # a bracketed year alone ((2016)3号) names no issuer: not a 文号
        begin = nm.start("prefix") + len(raw) - len(prefix)
        rows.append(_row("number", begin, nm.end(), text[begin:nm.end()], number=text[begin:nm.end()], number_m=nm))
    return sorted(rows, key=lambda r: (r["char_start"], r["char_end"]))


def _issuer_before(text: str, pos: int) -> str | None:
    """The issuer written just before a 《 (国务院办公厅《关于…》), trimmed at lead-in words, or None."""
    run = re.search(r"[\u4e00-\u9fff]{1,30}$", text[max(0, pos - 30):pos])
    if run is None:
        return None
    words = run.group(0)
    cut = 0
    for m in patterns().lead_in.finditer(words):
        cut = m.end()
    m = patterns().issuer_before.search(words[cut:])
    return m.group("issuer") if m and m.start() == 0 else None


def forwarded_in_title(title: str) -> list[tuple[int, str]]:
    """What a forwarding notice's title forwards: ``(offset in title, cited title)``, outermost first.

    A chain 甲转发乙转发丙的通知 cites 乙's notice (乙转发丙的通知) and 丙; the inner
    notices' 的通知 collapse into the one at the end. A 转发 followed by 《 is read as a title.

    >>> forwarded_in_title("合肥市教育局转发安徽省教育厅转发安徽省人民政府办公厅关于全面加强和改进学校美育工作的实施意见的通知")
    [(8, '安徽省教育厅转发安徽省人民政府办公厅关于全面加强和改进学校美育工作的实施意见的通知'), (16, '安徽省人民政府办公厅关于全面加强和改进学校美育工作的实施意见')]
    """
    p = patterns()
    out = []
    pos = title.find(p.forward)
    while pos >= 0:
        start = pos + len(p.forward)
        rest = title[start:]
        nxt = title.find(p.forward, start)
        if nxt < 0:
            rest = p.forward_tail.sub("", rest)
        if rest and not rest.startswith("《") and len(normalise_title(rest) or "") >= MIN_TITLE_CHARS:
            out.append((start, rest))
        pos = nxt
    return out


def citations(documents: pd.DataFrame, measures: pd.DataFrame, validate: bool = True) -> pd.DataFrame:
    """The ``citations`` table of some documents (``cited_doc_id`` still empty: see :func:`resolve`).

    Reads each document's ``text`` and ``title_zh``; a citation's ``measure_id``
    is the measure its first character falls in (empty in boilerplate).
    """
    rows = []
    for doc in documents.itertuples(index=False):
        text = doc.text
        enclosed = getattr(doc, "enclosed_title_zh", None)  # under a cover notice the body prints this title
        title = clean_title(enclosed if isinstance(enclosed, str) else doc.title_zh)
        title_at = text.find(title) if title else -1
        skip = []
        if title_at >= 0:  # the title printed again under itself is read once
            again = text.find(title, title_at + len(title))
            while again >= 0:
                skip.append((again, again + len(title)))
                again = text.find(title, again + len(title))
        found = citations_in_text(text, skip)
        for offset, cited in forwarded_in_title(title) if title else []:
            start = title_at + offset if title_at >= 0 else None
            found.append(_row("forwarded", start, None if start is None else start + len(cited), cited, title=cited))
        m = measures.loc[measures["doc_id"] == doc.doc_id].sort_values("char_start", kind="mergesort")
        starts, ends, ids = (m["char_start"].to_numpy(dtype=np.int64), m["char_end"].to_numpy(dtype=np.int64),
                             m["measure_id"].to_numpy())
        found.sort(key=lambda r: (-1 if r["char_start"] is None else r["char_start"], r["form"]))
        for k, r in enumerate(found):
            measure = None
            if r["char_start"] is not None and len(starts):
                i = int(np.searchsorted(starts, r["char_start"], side="right")) - 1
                if i >= 0 and r["char_start"] < ends[i]:
                    measure = ids[i]
            rows.append({"citation_id": f"{doc.doc_id}-c{k:03d}", "doc_id": doc.doc_id, "measure_id": measure,
                         **r, "cited_doc_id": None, "match": None})
    df = pd.DataFrame(rows, columns=schema.CITATIONS.column_names) if rows else schema.empty("citations")
    return schema.validate(df, "citations") if validate else df


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# --- resolution ---------------------------------------------------------------------

#: How many characters of a document's text are searched for its own 文号 when ``doc_number`` is empty.
OWN_NUMBER_HEAD_CHARS = 600


def own_number(text: str) -> str | None:
    """The document's own 文号 as its head states it: the first line that is only a (bracketed) 文号.

    Used when ``documents.doc_number`` is empty, so citations resolve from what
    the text says even where the reader recovered no metadata.

    >>> own_number("成都市人民政府办公厅关于…的实施意见\\n\\n(成办发〔2016〕48号)\\n各区县政府:")
    '成办发〔2016〕48号'
    """
    if not isinstance(text, str):
        return None
    for _, line in _lines(text[:OWN_NUMBER_HEAD_CHARS]):
        bare = line.strip().strip("()（）")
        if bare and patterns().number.fullmatch(bare):
            return parse_number(bare)
    return None


def issued_titles(title: str | None) -> list[str]:
    """Titles a document answers to besides its own: what a 印发 notice issues, alone and after its issuer.

    >>> issued_titles("海南省人民政府办公厅关于印发全面加强和改进学校美育工作的实施意见")
    ['全面加强和改进学校美育工作的实施意见', '海南省人民政府办公厅关于全面加强和改进学校美育工作的实施意见']
    """
    title = clean_title(title)
    m = patterns().issued.match(title) if title else None
    if m is None:
        return []
    inner = m.group("title")
    return [inner, m.group("issuer") + ("" if inner.startswith("关于") else "关于") + inner]


def document_keys(documents: pd.DataFrame) -> pd.DataFrame:
    """What citations are matched on: ``doc_id``, normalised ``number`` and ``title``, one row per title key.

    ``number`` is ``doc_number`` normalised, else :func:`own_number` of the text
    (when the frame has one); ``title`` is ``title_zh`` normalised, plus the
    titles of what a 印发 notice issues (:func:`issued_titles`).
    """
    numbers = [parse_number(n) if isinstance(n, str) else None for n in documents["doc_number"].astype(object)]
    if "text" in documents:
        numbers = [n if n is not None else own_number(t) for n, t in zip(numbers, documents["text"], strict=True)]
    rows = []
    for doc, number, title in zip(documents["doc_id"].astype(object), numbers, documents["title_zh"].astype(object),
                                  strict=True):
        own = normalise_title(title) if isinstance(title, str) else None
        rows.append((doc, number, own))
        for alias in issued_titles(title) if isinstance(title, str) else []:
            if (key := normalise_title(alias)) and key != own:
                rows.append((doc, number, key))
    return pd.DataFrame(rows, columns=["doc_id", "number", "title"])


def key_index(keys: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The corpus's :func:`document_keys` as lookups ``number -> doc_ids`` and ``title -> doc_ids``, for :func:`resolve`.

    Built once when the citations are resolved a batch at a time (the build does).
    """
    by_number = keys.dropna(subset=["number"]).groupby("number")["doc_id"].agg(lambda s: sorted(set(s))).to_dict()
    by_title = keys.dropna(subset=["title"]).groupby("title")["doc_id"].agg(lambda s: sorted(set(s))).to_dict()
    return by_number, by_title


def resolve(citations: pd.DataFrame, keys: pd.DataFrame | tuple[dict, dict], validate: bool = True) -> pd.DataFrame:
    """Fill ``cited_doc_id`` and ``match`` from the corpus's :func:`document_keys` (or their :func:`key_index`).

    ``match``: ``number`` (one other document has the cited 文号), ``title`` (no
    文号 match, one other document has the cited full title), ``ambiguous``
    (several documents do), ``self`` (only the citing document answers to it: a
    印发 notice naming the document it issues), ``none`` (not in the corpus).

    >>> keys = pd.DataFrame({"doc_id": ["N", "P"], "number": ["国办发〔2015〕71号", None], "title": ["甲关于乙的意见", "丙关于丁的意见"]})
    >>> c = pd.DataFrame({"doc_id": ["P", "P"], "cited_number": ["国办发〔2015〕71号", None], "cited_title": [None, "丙关于丁的意见"]})
    >>> resolve(c, keys, validate=False)[["cited_doc_id", "match"]].values.tolist()
    [['N', 'number'], [<NA>, 'self']]
    """
    by_number, by_title = keys if isinstance(keys, tuple) else key_index(keys)
    cited, match = [], []
    for doc, number, title in zip(citations["doc_id"], citations["cited_number"], citations["cited_title"],
                                  strict=True):
        found, how = None, "none"
        for value, index, kind in ((number, by_number, "number"), (title, by_title, "title")):
            if not isinstance(value, str):
                continue
            candidates = [d for d in index.get(value, []) if d != doc]
            if not candidates and doc in index.get(value, []):
                how = "self"  # a 印发 notice naming what it issues, or a document its own number
                continue
            if len(candidates) == 1:
                found, how = candidates[0], kind
                break
            if len(candidates) > 1:
                how = "ambiguous"
                break
        cited.append(found)
        match.append(how)
    out = citations.assign(cited_doc_id=pd.array(cited, dtype="string"), match=pd.array(match, dtype="string"))
    return schema.validate(out, "citations") if validate else out
