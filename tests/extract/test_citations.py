"""Citation parsing on real forms from the example corpus (data/examples/meiyu), and their resolution.

Snippets are copied from the pkulaw files (the file named in each id's comment) and
NFKC-normalised as the reader does, so full-width （） become ().
"""

import pandas as pd
import pytest

from eduanalysis.extract import citations as c
from eduanalysis.read.documents import normalise


def parsed(snippet: str) -> list[tuple]:
    return [(r["form"], r["cited_issuer_text"], r["cited_title_text"], r["cited_number"])
            for r in c.citations_in_text(normalise(snippet))]


NATIONAL = "国务院办公厅关于全面加强和改进学校美育工作的意见"
CASES = [
    # 成都市…实施意见: title and 文号 in full-width parentheses
    pytest.param("为贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号），促进",
                 [("title_number", None, NATIONAL, "国办发〔2015〕71号")], id="title-number-fullwidth"),
    # 成都市…: the issuer before 《关于…》, and a relative issuer (省政府办公厅) with its own 文号
    pytest.param("国务院办公厅《关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号）和省政府办公厅《关于全面加强和改进"
                 "学校美育工作的实施意见》（川办发〔2016〕41号）",
                 [("title_number", "国务院办公厅", "关于全面加强和改进学校美育工作的意见", "国办发〔2015〕71号"),
                  ("title_number", "省政府办公厅", "关于全面加强和改进学校美育工作的实施意见", "川办发〔2016〕41号")],
                 id="issuer-outside-brackets"),
    # 东营市…: the 文号 parenthesis goes on with 以下简称, whose short name is not a citation
    pytest.param("贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号，以下简称《意见》）精神",
                 [("title_number", None, NATIONAL, "国办发〔2015〕71号")], id="number-then-abbreviation"),
    # 重庆市教育委员会关于召开…座谈会的通知: title alone, then its short name
    pytest.param("决定召开学习贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（以下简称《意见》）座谈会",
                 [("title", None, NATIONAL, None)], id="title-only-abbreviation"),
    # 西安市教育局办公室转发…: half-width brackets, no 号 before the parenthesis closes
    pytest.param("现将陕西省《关于贯彻落实教育部“三个办法”要求深化我省学校美育工作改革的通知》（陕教体办[2016]53）号文件转发你们",
                 [("title_number", "陕西省", "关于贯彻落实教育部“三个办法”要求深化我省学校美育工作改革的通知",
                   "陕教体办〔2016〕53号")], id="half-width-no-hao"),
    # 呼伦贝尔市…转发: 〈〉 as year brackets
    pytest.param("现将《内蒙古自治区人民政府办公厅关于全面加强和改进学校美育工作的实施意见》（内政办发〈2015〉148号）转发给你们",
                 [("title_number", None, "内蒙古自治区人民政府办公厅关于全面加强和改进学校美育工作的实施意见",
                   "内政办发〔2015〕148号")], id="angle-brackets"),
    # 山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件…: 文号 alone, after a lead-in verb
    pytest.param("山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件全面加强和改进学校美育工作的实施意见",
                 [("number", None, None, "国办发〔2015〕71号")], id="number-alone-in-title"),
    # 潍坊市…: a cited title that itself holds a 文号 cites only its own 文号
    pytest.param("根据《山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件全面加强和改进学校美育工作的实施意见》（鲁政办发〔2016〕36号）",
                 [("title_number", None, "山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件全面加强和改进学校美育工作的实施意见",
                   "鲁政办发〔2016〕36号")], id="number-inside-title-not-cited"),
    # 滨州/东营 style: 文号 alone with half-width brackets (东政办发[2017]24号 in 东营市…)
    pytest.param("按照东政办发[2017]24号文件要求", [("number", None, None, "东政办发〔2017〕24号")], id="half-width-number-alone"),
    # 山东省…: 文号 alone in the body, 按照…文件精神
    pytest.param("各级各类学校要按照国办发〔2015〕71号文件精神,开齐开足美育课程", [("number", None, None, "国办发〔2015〕71号")],
                 id="number-alone-body"),
    # 陕西省教育厅关于贯彻落实…: nested 〈〉 inside 《》
    pytest.param("教育部下发了《教育部关于印发〈中小学生艺术素质测评办法〉等三个文件的通知》（教体艺〔2015〕5号）",
                 [("title_number", None, "教育部关于印发〈中小学生艺术素质测评办法〉等三个文件的通知", "教体艺〔2015〕5号")],
                 id="nested-angle-title"),
    # 福建省教育厅办公室关于印发《福建省学校美育指导专家库管理办法(试行)》的通知, quoted as another document would
    pytest.param("根据《福建省教育厅办公室关于印发《福建省学校美育指导专家库管理办法(试行)》的通知》要求",
                 [("title", None, "福建省教育厅办公室关于印发《福建省学校美育指导专家库管理办法(试行)》的通知", None)],
                 id="nested-guillemets"),
    # 黑龙江省…: a title ending in a parenthesised span, with a 文号
    pytest.param("按照《黑龙江省中长期教育改革和发展规划纲要（2010-2020年）》（黑发〔2010〕17号）要求",
                 [("title_number", None, "黑龙江省中长期教育改革和发展规划纲要(2010-2020年)", "黑发〔2010〕17号")],
                 id="title-with-years"),
    # 福建省…: the round-bracket year of a web copy (闽政办〔2016〕69号 written with ())
    pytest.param("和《福建省人民政府办公厅关于全面加强和改进学校美育工作的实施意见》（闽政办（2016）69号）",
                 [("title_number", None, "福建省人民政府办公厅关于全面加强和改进学校美育工作的实施意见", "闽政办〔2016〕69号")],
                 id="round-bracket-year"),
    # 云南省教育厅 / 全国…: forms and attachments are not documents cited
    pytest.param("填写《全国中小学美育教学指导专业委员会委员人选推荐表》（附件1）", [], id="form-not-cited"),
    # 四川省…: a 《》 title without 文号, ending in a document type
    pytest.param("落实《国家中长期教育改革和发展规划纲要（2010-2020年）》", [
        ("title", None, "国家中长期教育改革和发展规划纲要(2010-2020年)", None)], id="title-alone"),
    # 天津市…: a 文号 with 第 and no year bracket is not parsed as a 文号 (教育部令第39号): the title stands alone
    pytest.param("按照新颁布的《幼儿园工作规程》（教育部令第39号）", [("title", None, "幼儿园工作规程", None)], id="ling-number"),
    # 成都市…: the document's own 文号 under its title is not a citation
    pytest.param("成都市人民政府办公厅关于全面加强和改进学校美育工作的实施意见\n\n（成办发〔2016〕48号）\n\n各区（市）县政府:", [],
                 id="own-number-line"),
]


@pytest.mark.parametrize(("snippet", "expected"), CASES)
def test_citation_forms(snippet, expected):
    assert parsed(snippet) == expected


@pytest.mark.parametrize(("title", "expected"), [
    # 合肥市教育局转发安徽省教育厅转发…的通知: a chain of two 转发
    pytest.param("合肥市教育局转发安徽省教育厅转发安徽省人民政府办公厅关于全面加强和改进学校美育工作的实施意见的通知",
                 ["安徽省教育厅转发安徽省人民政府办公厅关于全面加强和改进学校美育工作的实施意见的通知",
                  "安徽省人民政府办公厅关于全面加强和改进学校美育工作的实施意见"], id="forward-chain"),
    pytest.param("西藏自治区人民政府办公厅转发教育厅等部门关于全面加强和改进学校美育工作若干意见的通知",
                 ["教育厅等部门关于全面加强和改进学校美育工作若干意见"], id="forward-one"),
    pytest.param("西安市教育局办公室转发关于贯彻落实教育部“三个办法”要求深化我省学校美育工作改革的通知的通知",
                 ["关于贯彻落实教育部“三个办法”要求深化我省学校美育工作改革的通知"], id="forward-notice"),
    # 南昌市教育局关于转发《…》的通知: the 《》 title is read as a title citation, not twice
    pytest.param("南昌市教育局关于转发《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》的通知", [],
                 id="forward-quoted"),
    pytest.param("呼和浩特市人民政府办公厅关于印发呼和浩特市全面加强和改进学校美育工作实施方案的通知", [], id="issue-not-forward"),
])
def test_forwarded_titles(title, expected):
    assert [t for _, t in c.forwarded_in_title(title)] == expected


@pytest.mark.parametrize(("written", "normalised"), [
    ("国办发〔2015〕71号", "国办发〔2015〕71号"), ("国办发[2015]71号", "国办发〔2015〕71号"),
    ("国办发(2015)71号", "国办发〔2015〕71号"), (normalise("国办发（2015）71号"), "国办发〔2015〕71号"),
    ("内政办发〈2015〉148号", "内政办发〔2015〕148号"), ("陕教体办[2016]53)", "陕教体办〔2016〕53号"),
    ("国办发〔 2015 〕 071 号", "国办发〔2015〕71号"), ("2015年", None), ("教育部令第39号", None),
])
def test_number_normalisation(written, normalised):
    assert c.parse_number(written) == normalised


def test_titles_normalise_across_brackets_width_and_the_pkulaw_code():
    a = c.normalise_title("四川省人民政府办公厅关于印发乡村教师支持计划实施办法（2015-2020年）的通知")
    b = c.normalise_title(normalise("四川省人民政府办公厅关于印发乡村教师支持计划实施办法(2015－2020年)的通知(FBM-CLI-12-9)"))
    assert a == b == "四川省人民政府办公厅关于印发乡村教师支持计划实施办法20152020年的通知"


def _keys():
    return pd.DataFrame({
        "doc_id": ["N", "P", "C", "X1", "X2"],
        "number": ["国办发〔2015〕71号", "川办发〔2016〕41号", None, "甲发〔2016〕1号", "甲发〔2016〕1号"],
        "title": [c.normalise_title(NATIONAL), "四川省人民政府办公厅关于全面加强和改进学校美育工作的实施意见",
                  "成都市人民政府办公厅关于全面加强和改进学校美育工作的实施意见", "甲", "乙"],
    })


def test_resolution_by_number_then_full_title_and_never_a_guess():
    cites = pd.DataFrame({
        "doc_id": ["C", "C", "C", "C", "C", "N"],
        "cited_number": ["国办发〔2015〕71号", "川办发〔2016〕41号", None, None, "甲发〔2016〕1号", None],
        "cited_title": [None, "省政府办公厅关于全面加强和改进学校美育工作的实施意见",
                        "四川省人民政府办公厅关于全面加强和改进学校美育工作的实施意见",
                        "省政府办公厅关于全面加强和改进学校美育工作的实施意见", None, c.normalise_title(NATIONAL)],
    })
    out = c.resolve(cites, _keys(), validate=False)
    assert out["cited_doc_id"].tolist()[:3] == ["N", "P", "P"]
    assert out["match"].tolist() == ["number", "number", "title", "none", "ambiguous", "self"]
    assert out["cited_doc_id"].isna().tolist()[3:] == [True, True, True]  # relative title, two candidates, itself


def test_own_number_fills_a_missing_doc_number():
    docs = pd.DataFrame({"doc_id": ["A", "B"], "title_zh": ["甲(FBM-CLI-12-1)", "乙"], "doc_number": [None, "国办发[2015]71号"],
                         "text": ["甲\n\n(成办发〔2016〕48号)\n\n正文引用国办发〔2015〕71号", "乙"]})
    keys = c.document_keys(docs)
    assert keys["number"].tolist() == ["成办发〔2016〕48号", "国办发〔2015〕71号"]
    assert keys["title"].tolist() == ["甲", "乙"]


def test_citations_table_spans_and_measures():
    text = normalise("标题\n为贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号），制定本意见。")
    docs = pd.DataFrame({"doc_id": ["D1"], "title_zh": ["标题"], "text": [text]})
    measures = pd.DataFrame({"measure_id": ["D1-m0000", "D1-m0001"], "doc_id": ["D1", "D1"],
                             "char_start": [0, 3], "char_end": [2, len(text)]})
    out = c.citations(docs, measures)
    assert len(out) == 1
    row = out.iloc[0]
    assert row.measure_id == "D1-m0001" and row.citation_id == "D1-c000"
    assert text[row.char_start:row.char_end] == row.text
    assert row.text.startswith("《国务院办公厅") and row.text.endswith("71号")


@pytest.mark.parametrize(("title", "aliases"), [
    # 海南省人民政府办公厅关于印发…实施意见 (pkulaw drops the 的通知): cited as 《海南省人民政府办公厅关于…的实施意见》
    pytest.param("海南省人民政府办公厅关于印发全面加强和改进学校美育工作的实施意见",
                 ["全面加强和改进学校美育工作的实施意见", "海南省人民政府办公厅关于全面加强和改进学校美育工作的实施意见"], id="issue-no-tail"),
    pytest.param("山西省人民政府办公厅关于印发山西省全面加强和改进学校美育工作实施方案的通知",
                 ["山西省全面加强和改进学校美育工作实施方案", "山西省人民政府办公厅关于山西省全面加强和改进学校美育工作实施方案"],
                 id="issue-notice"),
    pytest.param("教育部关于印发《学校体育美育兼职教师管理办法》的通知",
                 ["学校体育美育兼职教师管理办法", "教育部关于学校体育美育兼职教师管理办法"], id="issue-quoted"),
    pytest.param("成都市人民政府办公厅关于全面加强和改进学校美育工作的实施意见", [], id="not-an-issue"),
])
def test_issued_titles(title, aliases):
    assert c.issued_titles(title) == aliases


def test_a_citation_of_what_a_notice_issues_resolves_to_the_notice():
    docs = pd.DataFrame({"doc_id": ["H", "X"], "doc_number": [None, None],
                         "title_zh": ["海南省人民政府办公厅关于印发全面加强和改进学校美育工作的实施意见", "某市教育局关于…的通知"]})
    cites = pd.DataFrame({"doc_id": ["X"], "cited_number": [None], "cited_title": [
        c.normalise_title("海南省人民政府办公厅关于全面加强和改进学校美育工作的实施意见")]})
    assert c.resolve(cites, c.document_keys(docs), validate=False)[["cited_doc_id", "match"]].values.tolist() == [
        ["H", "title"]]
