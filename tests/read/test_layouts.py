"""Layouts: official-document parts, database export headers and web-page titles, with real snippets.

Snippets are copied from the dev set (../shared/devset/raw) and the pkulaw exports of ../shared/meiyu,
NFKC-normalised as the reader sees them; bodies are cut to a sentence or two.
"""

from __future__ import annotations

import pandas as pd
import pytest

from eduanalysis import schema
from eduanalysis.extract.structure import coverage_errors, sections_and_measures
from eduanalysis.read import documents as corpus
from eduanalysis.read import layouts, metadata


def _parts(text):
    text = corpus.normalise(text)
    head = layouts.separate_boilerplate(text)
    return text, head, [(text[s:e], k) for s, e, k in head.spans]


def _record(text, name="x.txt"):
    return corpus.document_record(name, text, "utf-8", "txt")


# --- line recognisers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "part", "value"),
    [
        pytest.param("北大法宝【法宝引证码】 CLI.12.1511394", "export_header", None, id="pkulaw-code-jinhua"),
        pytest.param("北大法宝【法宝引证码】 CLI.4.345235", "export_header", None, id="pkulaw-code-moe"),
        pytest.param("原文链接:https://www.pkulaw.com/lar/2678554c2ffe2dec01c62ec25f5afc6cbdfb.html", "export_header",
                     None, id="pkulaw-link-lar"),
        pytest.param("原文链接:https://www.pkulaw.com/chl/d655b8b6ba0b2992bdfb.html", "export_header", None,
                     id="pkulaw-link-chl"),
        pytest.param("菜单", "furniture", None, id="menu-word-shenzhen"),
        pytest.param("【字体:", "furniture", None, id="font-switch-zhuhui"),
        pytest.param("当前页面: 首页 > 珠晖区教育局 > 教育动态 > 最新消息", "breadcrumb", None, id="dangqian-yemian"),
        pytest.param("首页 >信息公开 >通知公告", "breadcrumb", None, id="shouye-zeku"),
        # Letterheads of documents as issued (the shared corpora hold none; the issue's XX市教育局文件 form).
        pytest.param("金华市教育局文件", "letterhead", None, id="letterhead-bureau"),
        pytest.param("中共金华市委办公室 金华市人民政府办公室文件", "letterhead", None, id="letterhead-joint"),
        pytest.param("(金政办发〔2016〕103号)", "doc_number", "金政办发〔2016〕103号", id="number-in-parens-zhejiang"),
        pytest.param("阳教体字[2017]16号", "doc_number", "阳教体字[2017]16号", id="number-own-line-shanxi"),
        pytest.param("(鲁教体发〔2018〕1号 2018年4月16日)", "doc_number", "鲁教体发〔2018〕1号", id="number-with-date"),
        pytest.param("(泉政办〔2017〕106号 2017年)", "doc_number", "泉政办〔2017〕106号", id="number-with-year"),
        pytest.param("珠教文体通〔201552", "doc_number", "珠教文体通〔201552", id="number-lost-characters"),
        pytest.param("(2017年08月14日)", "title_date", None, id="title-date-suining"),
        pytest.param("各县(市、区)人民政府,市政府各部门:", "addressee", None, id="addressee-zhejiang"),
        pytest.param("各市、县人民政府,省人民政府各委、办、厅、局,各高等院校:", "addressee", None, id="addressee-shanxi"),
        pytest.param("区直小学、乡镇中心学校、民办学校:", "addressee", None, id="addressee-without-ge"),
        pytest.param("主办: 珠晖区人民政府办公室 承办: 衡阳市珠晖区教育局 地 址:湖南路车站坪213号", "trailer", None,
                     id="site-footer-host"),
        pytest.param("湘公网安备 43040502000121 备案号:", "trailer", None, id="site-footer-registration"),
        pytest.param("相关稿件:", "trailer", None, id="related-links"),
        pytest.param("扫一扫在手机上查看当前页面", "trailer", None, id="scan-code"),
        pytest.param("附件:《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》(洪府厅发〔2017〕50号)(略)",
                     "attachment", None, id="attachment-nanchang"),
        pytest.param("附件:转发美育实施方案-副本.doc", "attachment", None, id="attachment-file-yangquan"),
    ],
)
def test_line_recognisers(line, part, value):
    hit = layouts.match_part(line, part)
    assert hit is not None
    if value is not None:
        assert hit[1].group("value") == value


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("本文件自2017年1月10日起施行。", id="effective-date-sentence"),
        pytest.param("牵头单位:市教育局", id="lead-unit"),
        pytest.param("国办发〔2015〕71号文件精神,进一步强化美育育人功能", id="cited-number-in-prose"),
    ],
)
def test_body_lines_are_no_document_parts(line):
    assert layouts.match_part(line, "doc_number", "addressee", "date_line", "export_header", "trailer") is None
    assert not layouts.is_organ_line(line)


@pytest.mark.parametrize(
    ("line", "organ"),
    [
        pytest.param("金华市人民政府办公室", True, id="city-office"),
        pytest.param("珠晖区教育文化体育局", True, id="district-bureau"),
        pytest.param("威海市教育局(中共威海市委教育工委)", True, id="bureau-with-party-committee"),
        pytest.param("新疆生产建设兵团办公厅", True, id="corps"),
        pytest.param("联系电话:0973-8752592", False, id="phone"),
        pytest.param("秘书处设在清华大学", False, id="sentence"),
    ],
)
def test_signature_lines(line, organ):
    assert layouts.is_organ_line(line) is organ


@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        pytest.param("时间:2020-05-12 15:07 浏览量:", {"published_date": "2020-05-12 15:07"}, id="time-quanzhou"),
        pytest.param("时间:2020-04-28 |浏览:16124", {"published_date": "2020-04-28"}, id="time-zeku"),
        pytest.param("时间 : 2022-12-31 14:42 来源 : 深圳市教育局",
                     {"published_date": "2022-12-31 14:42", "source_zh": "深圳市教育局"}, id="time-and-source"),
        pytest.param("【发布部门】 山东省人民政府办公厅", {"issuer_zh": "山东省人民政府办公厅"}, id="pkulaw-field"),
        pytest.param("【发文字号】 鲁政办发〔2016〕36号", {"doc_number": "鲁政办发〔2016〕36号"}, id="pkulaw-number-field"),
    ],
)
def test_metadata_lines_of_pages_and_databases(line, pairs):
    assert layouts.metadata_pairs(line) == pairs


# --- the walk -----------------------------------------------------------------------------

JINHUA = """      北大法宝【法宝引证码】 CLI.12.1511394
原文链接：https://www.pkulaw.com/lar/2678554c2ffe2dec01c62ec25f5afc6cbdfb.html
金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见

金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见

（金政办发〔2016〕103号）

各县（市、区）人民政府，市政府各部门：

　　为加快推进我市学校美育改革发展，经市政府同意，现提出如下实施意见：
　　一、指导思想
　　2017年起，全面加强和改进学校美育工作。到2018年，开齐开足美育课程。到2020年，基本形成美育体系。
　　本文件自2017年1月10日起施行。
金华市人民政府办公室

2016年12月10日
"""

SHANDONG = """      北大法宝【法宝引证码】 CLI.12.1209977
原文链接：https://www.pkulaw.com/lar/5f415720c50b252d86910567e518d79abdfb.html
山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件全面加强和改进学校美育工作的实施意见

山东省人民政府办公厅关于贯彻国办发[2015]71号文件全面加强和改进学校美育工作的实施意见

（鲁政办发〔2016〕36号）

各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构，各大企业，各高等院校：

　　为贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号）精神，提出以下实施意见：
　　（二）总体目标。到2018年，按国家部署要求开齐开足美育课程。到2020年，初步形成美育体系。
山东省人民政府办公厅

2016年8月5日
"""

SHANXI = """      北大法宝【法宝引证码】 CLI.12.1293075
原文链接：https://www.pkulaw.com/lar/d6a936317135a3b2dbb24585b79df45bbdfb.html
山西省人民政府办公厅关于印发山西省全面加强和改进学校美育工作实施方案的通知

山西省人民政府办公厅关于印发山西省全面加强和改进学校美育工作实施方案的通知

（晋政办发〔2017〕85号）

各市、县人民政府，省人民政府各委、办、厅、局，各高等院校：

　　《山西省全面加强和改进学校美育工作实施方案》已经省人民政府同意，现印发给你们，请认真贯彻执行。
山西省人民政府办公厅

2017年7月22日
山西省全面加强和改进学校美育

工作实施方案

　　为深入贯彻落实《国务院办公厅关于全面加强和改进学校美育工作的意见》（国办发〔2015〕71号），提出以下实施方案。
　　到2020年，初步形成美育体系。
"""

JINGDEZHEN = """      北大法宝【法宝引证码】 CLI.12.1495465
原文链接：https://www.pkulaw.com/lar/aa473c026341dc8517089c1ba206d298bdfb.html
景德镇市人民政府办公室印发关于全面加强和改进学校美育工作实施意见的通知

景德镇市人民政府办公室印发关于全面加强和改进学校美育工作实施意见的通知

（景府办发〔2018〕17号）

各县（市、区）人民政府，市政府各部门，市直有关单位：

　　《关于全面加强和改进学校美育工作的实施意见》已经市政府同意，现印发给你们，请认真抓好贯彻落实。
　　2018年12月12日
关于全面加强和改进学校美育工作的实施意见

　　加强学校美育工作，是落实立德树人根本任务的重要途径。
"""

NANCHANG = """      北大法宝【法宝引证码】 CLI.12.1274750
原文链接：https://www.pkulaw.com/lar/29daf8f2ab9ee436a5c811dd0c6a7128bdfb.html
南昌市教育局关于转发《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》的通知
南昌市教育局关于转发《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》的通知

各县（区）教体局，开发区（新区）教办（中心），局属学校、省属事业单位办学校、市管民办学历教育学校：

　　现将《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》（洪府厅发〔2017〕50号）转发给你们，请认真贯彻执行。
　　一、加强学习。各县（区）教育行政部门、各学校要充分认清加强和改进美育工作的重要意义。

　　附件：《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》（洪府厅发〔2017〕50号）（略）
南昌市教育局

2017年5月10日
"""

QUANZHOU = """2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况
时间:2020-05-12 15:07 浏览量:

2020年泉州市教育局承担市委、市政府为民办实事新、改扩建公办幼儿园20所,规划总投资约4.4亿元。

扫一扫在手机上查看当前页面
"""

SHENZHEN = """菜单
首页 > 教育局主站 > 信息公开 > 民生实事专栏 > 学位建设 > 项目简介

2022年学位建设情况

时间 : 2022-12-31 14:42 来源 : 深圳市教育局

  2022年度学位建设任务同时纳入年度市政府重点任务分工。全年将新改扩建幼儿园、中小学校178所,新增基础教育学位20万个。


附件:

相关稿件:
"""

HUICHANG = """会昌县“十四五”教育科技体育事业发展规划

来源:${currentUser.inDepartmentName!} 访问量: 发布日期:2022-12-13 18:50:37

会昌县“十四五”教育科技体育

事业发展规划

序 言

为加快推进我县教育科技体育改革和发展,争取到2024年,我县顺利通过国家义务教育优质均衡发展督导评估。
"""

ZHUHUI = """当前页面: 首页  > 珠晖区教育局 > 教育动态 > 最新消息

关于下达2015年全区小学秋季招生计划的通知

【字体:

珠教文体通〔201552

关于下达2015年全区小学秋季招生计划的

区直小学、乡镇中心学校、民办学校:

现将2015年秋季小学招生计划下达给你们,请遵照执行。

珠晖区教育文化体育局

2015 624

主办: 珠晖区人民政府办公室    承办: 衡阳市珠晖区教育局  地 址:湖南路车站坪213号   网站标识码:4304050007

湘公网安备 43040502000121     备案号:
"""

ZEKU = """首页 >信息公开 >通知公告

关于对泽库县教育局“三区三州”脱贫攻坚项目建设情况的公示

时间:2020-04-28 |浏览:16124

根据县脱贫攻坚指挥部和脱贫工作要求,现涉及我局教育建设项目泽库县城关第二寄宿制完小等8所学校建设项目总投资10488万元。

对项目建设地点、建设内容等若有异议,请在公示后7个工作日内向县教育局反映。

泽库县教育局

2019年12月28日"""

HUZHOU = ("各区县教育局,市属学校: 根据湖州市教育事业发展的要求,各区县教育局和市属学校要认真做好2022年教育事业计划的编报"
          "工作,并按本通知规定的时间和程序上报。有关事项通知如下: 一、教育事业计划 1.学前教育。预计全市幼儿入园人数约2.74万人。")


@pytest.mark.parametrize(
    ("text", "kinds", "body_starts"),
    [
        pytest.param(JINHUA, ["export_header", "export_header", "listing_title", "doc_number", "addressee",
                              "signature", "date"], "金华市人民政府办公室关于", id="pkulaw-opinion-zhejiang"),
        pytest.param(SHANDONG, ["export_header", "export_header", "listing_title", "doc_number", "addressee",
                                "signature", "date"], "山东省人民政府办公厅关于贯彻国办发[2015]", id="pkulaw-opinion-shandong"),
        pytest.param(SHANXI, ["export_header", "export_header"] + ["cover_notice"] * 7, "山西省全面加强和改进学校美育",
                     id="pkulaw-cover-notice-shanxi"),
        pytest.param(JINGDEZHEN, ["export_header", "export_header"] + ["cover_notice"] * 6, "关于全面加强和改进学校美育",
                     id="notice-without-guanyu-jiangxi"),
        pytest.param(NANCHANG, ["export_header", "export_header"] + ["cover_notice"] * 4
                     + ["attachment_list", "signature", "date"], "一、加强学习", id="forwarding-notice-attachment"),
        pytest.param(QUANZHOU, ["metadata", "trailer"], "2020年泉州市教育局承担", id="page-title-kept-fujian"),
        pytest.param(SHENZHEN, ["furniture", "breadcrumb", "metadata", "attachment_list", "trailer"], "2022年学位建设情况",
                     id="page-title-kept-guangdong"),
        pytest.param(HUICHANG, ["listing_title", "metadata"], "会昌县“十四五”教育科技体育\n", id="page-title-copy-jiangxi"),
        pytest.param(ZHUHUI, ["breadcrumb", "listing_title", "furniture", "doc_number", "addressee", "signature", "date",
                              "trailer", "trailer"], "关于下达2015年全区小学秋季招生计划的\n", id="damaged-web-copy-hunan"),
        pytest.param(ZEKU, ["breadcrumb", "metadata", "signature", "date"], "关于对泽库县教育局", id="public-notice-qinghai"),
        pytest.param(HUZHOU, ["addressee"], "根据湖州市", id="addressees-run-into-text"),
    ],
)
def test_document_parts_leave_the_body(text, kinds, body_starts):
    text, head, spans = _parts(text)
    assert [k for _, k in spans] == kinds
    assert text[head.body_start:].startswith(body_starts)
    # Nothing of the signature block or the database header is left after the body.
    assert all(s < head.body_end for s, _, k in head.spans if k not in ("signature", "date", "trailer", "attachment_list"))


@pytest.mark.parametrize("text", [JINHUA, SHANXI, ZHUHUI, HUZHOU, SHENZHEN],
                         ids=["pkulaw", "cover-notice", "damaged-web-copy", "addressee-prefix", "web-page"])
def test_coverage_invariant_with_document_parts(text):
    record, boiler = _record(text)
    documents = pd.DataFrame([record], columns=schema.DOCUMENTS.column_names)
    boilerplate = pd.DataFrame(boiler, columns=schema.BOILERPLATE.column_names)
    _, measures = sections_and_measures(documents, boilerplate, validate=False)
    spans = list(zip(boilerplate.char_start, boilerplate.char_end, strict=True))
    spans += list(zip(measures.char_start, measures.char_end, strict=True))
    assert coverage_errors(record["text"], spans) == []


def test_a_record_with_nothing_but_its_header_keeps_its_title():
    text = """      北大法宝【法宝引证码】 CLI.12.1491747
原文链接：https://www.pkulaw.com/lar/a3c11b920f034a34a2a2987698756d14bdfb.html
山东省教育厅关于印发山东省学校体育美育兼职教师管理实施细则的通知
山东省教育厅关于印发山东省学校体育美育兼职教师管理实施细则的通知
（鲁教体发〔2018〕1号 2018年4月16日）
山东省教育厅关于印发山东省学校体育美育兼职教师管理实施细则的通知
"""
    text, head, _ = _parts(text)
    assert text[head.body_start:head.body_end] == "山东省教育厅关于印发山东省学校体育美育兼职教师管理实施细则的通知"


# --- metadata from the parts --------------------------------------------------------------

EXPECTED = {
    "pkulaw-opinion": (JINHUA, {"title_zh": "金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见",
                                "issuer_zh": "金华市人民政府办公室", "doc_number": "金政办发〔2016〕103号",
                                "written_date": "2016-12-10", "plan_start_year": 2017, "plan_end_year": 2020,
                                "doc_type_zh": "实施意见", "region_zh": "金华市", "admin_level": "prefecture"}),
    "pkulaw-listing-title": (SHANDONG, {"title_zh": "山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件全面加强和改进学校美育工作的实施意见",
                                        "issuer_zh": "山东省人民政府办公厅", "doc_number": "鲁政办发〔2016〕36号",
                                        "written_date": "2016-08-05", "plan_end_year": 2020,
                                        "region_zh": "山东省", "admin_level": "province"}),
    # a cover notice is titled by its own title (gold convention); the document it issues is enclosed_title_zh
    "cover-notice-enclosed-title": (SHANXI, {"title_zh": "山西省人民政府办公厅关于印发山西省全面加强和改进学校美育工作实施方案的通知",
                                             "enclosed_title_zh": "山西省全面加强和改进学校美育工作实施方案",
                                             "issuer_zh": "山西省人民政府办公厅", "doc_number": "晋政办发〔2017〕85号",
                                             "written_date": "2017-07-22", "doc_type_zh": "实施方案", "plan_end_year": 2020}),
    "notice-without-guanyu": (JINGDEZHEN, {"title_zh": "景德镇市人民政府办公室印发关于全面加强和改进学校美育工作实施意见的通知",
                                           "enclosed_title_zh": "关于全面加强和改进学校美育工作的实施意见",
                                           "issuer_zh": "景德镇市人民政府办公室", "doc_number": "景府办发〔2018〕17号",
                                           "written_date": "2018-12-12"}),
    "forwarding-notice-own-title": (NANCHANG, {
        "title_zh": "南昌市教育局关于转发《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》的通知",
        "issuer_zh": "南昌市教育局", "written_date": "2017-05-10", "doc_number": None}),
    "page-title-issuer-at-start": (QUANZHOU, {
        "title_zh": "2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况",
        "issuer_zh": "泉州市教育局", "published_date": "2020-05-12", "plan_start_year": 2020, "plan_end_year": 2020}),
    "page-title-source-organ": (SHENZHEN, {"title_zh": "2022年学位建设情况", "issuer_zh": "深圳市教育局",
                                           "published_date": "2022-12-31", "plan_start_year": 2022, "plan_end_year": 2022}),
    "page-title-template-source": (HUICHANG, {"title_zh": "会昌县“十四五”教育科技体育事业发展规划", "issuer_zh": None,
                                              "published_date": "2022-12-13", "plan_start_year": 2021,
                                              "plan_end_year": 2025, "admin_level": "county"}),
    "damaged-web-copy": (ZHUHUI, {"title_zh": "关于下达2015年全区小学秋季招生计划的通知", "issuer_zh": "珠晖区教育文化体育局",
                                  "doc_number": "珠教文体通〔201552", "written_date": "2015-06-24",
                                  "plan_start_year": 2015, "plan_end_year": 2015}),
    "public-notice-signature": (ZEKU, {"issuer_zh": "泽库县教育局", "written_date": "2019-12-28",
                                       "published_date": "2020-04-28", "doc_type_zh": "公示"}),
    "annual-plan-from-body": (HUZHOU, {"title_zh": None, "plan_start_year": 2022, "plan_end_year": 2022}),
}


STATED_FIELDS = ("title_zh", "issuer_zh", "doc_number", "written_date", "published_date")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_stated_by_the_document_parts(name):
    text, expected = EXPECTED[name]
    record, _ = _record(text)
    for fld, value in expected.items():
        assert record[fld] == value, fld
        if value is not None and fld in STATED_FIELDS:  # horizon and region are derived ("inferred")
            assert record[f"{fld}_origin"] == "text", fld


# --- horizons, dates, titles, regions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        pytest.param("关于下达2015年全区小学秋季招生计划的通知", 2015, id="enrolment-plan"),
        pytest.param("2022年学位建设情况", 2022, id="yearly-report"),
        pytest.param("威海市教育局(中共威海市委教育工委)关于印发2019年工作要点的通知", 2019, id="work-points"),
        pytest.param("各区县教育局和市属学校要认真做好2022年教育事业计划的编报工作", 2022, id="body-annual-plan"),
        pytest.param("山西省全面加强和改进学校美育工作实施方案", None, id="no-year"),
        pytest.param("按照《国家中长期教育改革和发展规划纲要(2010-2020年)》要求", None, id="quoted-span"),
    ],
)
def test_annual_year(text, year):
    assert metadata.annual_year(text) == year


@pytest.mark.parametrize(
    ("body", "years"),
    [
        pytest.param("(二)总体目标。到2018年,按国家部署要求开齐开足美育课程。到2020年,初步形成美育体系。", [2018, 2020],
                     id="stages-shandong"),
        pytest.param("至2018年,全市中小学美育课程开课率达到100%;至2020年,基本形成美育体系。", [2018, 2020],
                     id="stages-zhi-sichuan"),
        pytest.param("按照《国家中长期教育改革和发展规划纲要(到2020年)》要求。到2018年,取得突破性进展。", [2018],
                     id="quoted-title-left-out"),
        pytest.param("到2025年,基本实现教育现代化。展望2035年,到2035年建成教育强市。", [2025], id="vision-left-out"),
        pytest.param("--实现更高标准的普及教育。2015年学前三年幼儿教育毛入园率分别达到90%;2020年分别达到98%。",
                     [2015, 2020], id="clause-initial-years"),
        pytest.param("截至2020年底,全县共有幼儿园58所。", [], id="status-date-left-out"),
    ],
)
def test_stage_years(body, years):
    assert metadata.stage_years(body) == years


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        pytest.param("2015 624", "2015-06-24", id="month-one-digit"),
        pytest.param("2016 1210", "2016-12-10", id="month-two-digits"),
        pytest.param("2017 111", None, id="ambiguous"),
        pytest.param("2017 1340", None, id="impossible"),
    ],
)
def test_damaged_signature_dates(value, iso):
    assert metadata.parse_damaged_date(value) == iso


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件的实施意见",
                     "山东省人民政府办公厅关于贯彻国办发[2015]71号文件的实施意见", True, id="bracket-styles"),
        pytest.param("关于下达2015年全区小学秋季招生计划的通知", "关于下达2015年全区小学秋季招生计划的", True, id="cut-off"),
        pytest.param("会昌县“十四五”教育科技体育事业发展规划", "会昌县“十四五”教育科技体育", False, id="first-of-two-lines"),
        pytest.param("一、指导思想", "一、指导思想和总体目标", False, id="headings"),
    ],
)
def test_same_title(a, b, same):
    assert layouts.same_title(a, b) is same


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        pytest.param("内蒙古自治区人民政府办公厅", {"region_zh": "内蒙古自治区", "admin_level": "province"}, id="autonomous-region"),
        pytest.param("上海市人民政府办公厅", {"region_zh": "上海市", "admin_level": "province"}, id="municipality"),
        pytest.param("文山州人民政府办公室", {"region_zh": "文山壮族苗族自治州", "admin_level": "prefecture"}, id="prefecture"),
        pytest.param("泽库县教育局", {"region_zh": "泽库县", "admin_level": "county"}, id="county"),
        pytest.param("教育部办公厅", {"region_zh": "全国", "admin_level": "national"}, id="ministry"),
        pytest.param("国务院办公厅", {"region_zh": "全国", "admin_level": "national"}, id="state-council"),
        # not a division the gazetteer knows: the region as written, the level its suffix implies, no province
        pytest.param("杨凌示范区管委会", {"region_zh": "杨凌示范区", "admin_level": "county", "province_zh": None},
                     id="zone-outside-the-gazetteer"),
        pytest.param("某某市教育局", {"region_zh": "某某市", "admin_level": "prefecture", "province_zh": None},
                     id="unknown-city"),
    ],
)
def test_region_and_level_from_the_issuer(issuer, expected):
    got = metadata.region_fields(issuer, None)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("source_file", "title"),
    [
        pytest.param("上海市人民政府办公厅关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1201081).txt",
                     "上海市人民政府办公厅关于全面加强和改进学校美育工作的实施意见", id="pkulaw-file-name"),
        pytest.param("教育部关于推进学校艺术教育发展的若干意见(FBM-CLI-4-217726).txt", "教育部关于推进学校艺术教育发展的若干意见",
                     id="pkulaw-national-file-name"),
    ],
)
def test_file_name_title_drops_the_database_code(source_file, title):
    assert metadata.inferred_metadata(source_file, "", layouts.Header())["title_zh"] == title


def test_a_layout_resource_without_notes_is_refused(tmp_path):
    from eduanalysis import resources
    from eduanalysis.errors import EduAnalysisError

    path = tmp_path / "layout_parts.csv"
    path.write_text("part,kind,pattern,note\nx,x,^x,\n", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match=r"layout_parts.csv, line 2: empty 'note'"):
        resources.table("read/layout_parts.csv", path=path)


#: A document as issued (GB/T 9704 layout): letterhead, 文号 line, title, addressees, body, 附件 list,
#: signature, 成文日期, (此件公开发布), 抄送 and the 印发 line. The shared corpora hold no scan of a printed
#: document, so this one is assembled from the parts the issue quotes (XX人民政府办公室文件,
#: 金政办发〔2016〕103号, the 金华 addressees and signature, XX市人民政府办公室 2017年6月2日印发).
AS_ISSUED = """金华市人民政府办公室文件

金政办发〔2016〕103号

金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见

各县（市、区）人民政府，市政府各部门：

　　为加快推进我市学校美育改革发展，经市政府同意，现提出如下实施意见：
　　到2020年，基本形成美育体系。

　　附件：1．金华市学校美育工作任务分解表
　　　　　2．金华市艺术特色学校名单

金华市人民政府办公室

2016年12月10日

（此件公开发布）

抄送：市委各部门，市人大常委会办公室，市政协办公室。

金华市人民政府办公室                    2016年12月12日印发
"""


def test_a_document_as_issued():
    text, head, spans = _parts(AS_ISSUED)
    assert [k for _, k in spans] == ["letterhead", "doc_number", "addressee", "attachment_list", "attachment_list",
                                     "signature", "date", "publication_note", "distribution", "distribution"]
    assert text[head.body_start:head.body_end].startswith("金华市人民政府办公室关于")
    assert text[:head.body_end].endswith("基本形成美育体系。")
    record, _ = _record(AS_ISSUED)
    assert (record["doc_number"], record["written_date"], record["published_date"]) == (
        "金政办发〔2016〕103号", "2016-12-10", "2016-12-12")


@pytest.mark.parametrize(
    ("text", "issuer", "written"),
    [
        pytest.param("合肥市教育局关于开展合肥市学校美育工作培训暨推进教育部美育课题研究活动的通知\n合教秘〔2017〕169号\n"
                     "各县(市)区教育主管部门,各市管学校:\n  为进一步推进我市学校美育工作,现将有关事项通知如下。\n"
                     "  联系人:吴申道,电话:63505122。\n合肥市教育局\n2017年4月20日\n附件1\n参会人员名额分配表\n"
                     "合肥市红星路小学\n26", "合肥市教育局", "2017-04-20", id="signature-above-attachment-anhui"),
        pytest.param("海南省人民政府办公厅关于同意建立海南省学校体育美育工作厅际联席会议制度的复函\n(琼府办函〔2021〕76号)\n"
                     "省教育厅:\n  你厅关于建立海南省学校体育美育工作厅际联席会议制度的请示收悉。经省政府同意,现函复如下。\n"
                     "  附件:海南省学校体育美育工作厅际联席会议制度\n海南省人民政府办公厅\n2021年3月13日\n  附件\n"
                     "海南省学校体育美育工作厅际联席会议制度\n  罗 桦 团省委副书记", "海南省人民政府办公厅", "2021-03-13",
                     id="signature-above-attachment-hainan"),
        pytest.param("重庆市教育委员会办公室关于印发重庆市义务教育阶段学校第三届课堂器乐视频展评等四项学校美育实践活动实施方案的通知\n"
                     "渝教办发[2017]19号\n各区县(自治县)教委(教育局):\n  现将实施方案印发给你们,请认真组织实施。\n"
                     "  联系人:重庆市教委体卫艺处阴莲川。\n重庆市教育委员会办公室\n2017年5月5日\n"
                     "重庆市义务教育阶段学校第三届“课堂器乐”视频展评活动实施方案\n  一、组织机构", "重庆市教育委员会办公室",
                     "2017-05-05", id="signature-above-enclosed-document-chongqing"),
    ],
)
def test_signature_inside_the_text(text, issuer, written):
    record, boiler = _record(text)
    assert (record["issuer_zh"], record["written_date"]) == (issuer, written)
    # The signature block leaves the body (as signature and date, or as part of a cover notice).
    texts = {b["text"]: b["kind"] for b in boiler}
    assert texts[issuer] in ("signature", "cover_notice") and texts[text.split(issuer + "\n")[-1].split("\n")[0]] in (
        "date", "cover_notice")


@pytest.mark.parametrize(
    ("signature", "iso"),
    [
        pytest.param("金华市人民政府办公室\n二〇一六年十二月十日", "2016-12-10", id="ling-circle"),
        pytest.param("盘锦市人民政府办公室\n二○一九年五月三十日", "2019-05-30", id="white-circle-for-zero"),
    ],
)
def test_signature_date_in_chinese_numerals(signature, iso):
    record, boiler = _record("某市教育行动计划\n一、总体要求\n到2022年,学前三年毛入园率达到95%。\n" + signature)
    assert record["written_date"] == iso
    assert [b["kind"] for b in boiler] == ["signature", "date"]


def test_database_code_below_the_signature():
    text = ("廊坊市人民政府办公室关于全面加强和改进学校美育工作的实施意见\n一、总体目标\n到2018年,全市学校美育工作取得阶段性进展。\n"
            "廊坊市人民政府办公室\n2016年4月5日\n【法宝引证码】CLI.12.1186768")
    record, boiler = _record(text)
    assert [b["kind"] for b in boiler] == ["signature", "date", "export_header"]
    assert record["written_date"] == "2016-04-05"


#: A pkulaw full-record export: the record's fields in 【】, the citation code, 正文, then the document.
PKULAW_RECORD = """《金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见》
【发布部门】 金华市人民政府办公室
【发文字号】 金政办发〔2016〕103号
【发布日期】 2016.12.10
【实施日期】 2017.01.10
【时效性】 现行有效
【效力级别】 地方规范性文件
【法规类别】 教育综合规定
【法宝引证码】CLI.12.1511394
正文：
金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见
（金政办发〔2016〕103号）
各县（市、区）人民政府，市政府各部门：
　　为加快推进我市学校美育改革发展，经市政府同意，现提出如下实施意见：
　　到2020年，基本形成美育体系。
金华市人民政府办公室
2016年12月10日
"""


def test_pkulaw_record_fields():
    text, head, spans = _parts(PKULAW_RECORD)
    assert [k for _, k in spans] == ["listing_title"] + ["metadata"] * 7 + ["export_header"] * 2 + [
        "doc_number", "addressee", "signature", "date"]
    assert text[head.body_start:].startswith("金华市人民政府办公室关于全面加强")
    record, _ = _record(PKULAW_RECORD)
    assert (record["title_zh"], record["doc_number"], record["published_date"]) == (
        "金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见", "金政办发〔2016〕103号", "2016-12-10")


@pytest.mark.parametrize("text", [PKULAW_RECORD, AS_ISSUED], ids=["pkulaw-record", "as-issued"])
def test_coverage_invariant_of_records_and_issued_documents(text):
    test_coverage_invariant_with_document_parts(text)


@pytest.mark.parametrize(
    ("body", "issue_year", "horizon"),
    [
        pytest.param("2017年起,全面加强和改进学校美育工作。到2018年,开齐开足美育课程。到2020年,基本形成美育体系。", 2016,
                     (2017, 2020), id="start-stated-zhejiang"),
        pytest.param("(一)完善美育课程体系。2016年起,各学校美育课程建设以音乐、美术等艺术课程为主体。"
                     "(二)工作目标。到2018年,美育资源配置逐步优化。", 2018, (2018, 2018), id="start-before-issue-left-out"),
        pytest.param("建立质量监测评价体系,从2016年起每三年为一个周期。到2020年,初步形成美育体系。", 2016, (2016, 2020),
                     id="start-of-a-cycle"),
        pytest.param("到2018年,开齐开足美育课程。到2020年,基本形成美育体系。", 2016, (2016, 2020), id="issue-year-start"),
    ],
)
def test_plan_start_and_end_from_the_body(body, issue_year, horizon):
    assert metadata.plan_horizon("某市关于全面加强和改进学校美育工作的实施意见", body, False, issue_year) == horizon


# A cover notice whose text runs on into content: only the notice's formula is boilerplate. Real notice formulas
# (呼和浩特 and 福建 meiyu notices) followed by real target sentences (南京, 江苏 meiyu opinions).
NOTICE_RUNS_ON = [
    pytest.param("呼和浩特市人民政府办公厅关于印发呼和浩特市全面加强和改进学校美育工作的实施方案的通知\n各旗县区人民政府:\n"
                 "　　经市人民政府同意，现将《呼和浩特市全面加强和改进学校美育工作的实施方案》印发给你们，请认真组织实施。",
                 "到2020年，全市艺术专职教师比例小学和初中分别不低于65%和85%。", id="huhehaote-nanjing"),
    pytest.param("福建省教育厅关于印发福建省学校美育指导专家库管理办法（试行）的通知\n各设区市教育局:\n"
                 "　　《福建省学校美育指导专家库管理办法（试行）》已经厅领导同意，现印发给你们，请认真贯彻执行。",
                 "到2020年，全省小学和初中艺术教师中，专职教师比例分别不低于60%和80%。", id="fujian-jiangsu"),
]


@pytest.mark.parametrize(("notice", "content"), NOTICE_RUNS_ON)
def test_notice_text_running_on_into_targets_keeps_them_in_the_body(notice, content):
    text = f"{notice}{content}\n"
    record, boiler = _record(text)
    body = record["text"][record["body_start"]:record["body_end"]]
    assert body == corpus.normalise(content)
    assert [b["kind"] for b in boiler] == ["cover_notice"] * 3
    test_coverage_invariant_with_document_parts(text)


@pytest.mark.parametrize(("notice", "content"), NOTICE_RUNS_ON)
def test_notice_text_alone_is_all_boilerplate(notice, content):
    assert layouts.notice_text_end(corpus.normalise(notice.splitlines()[-1]).strip()) is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param("珠晖区人民政府门户网站\n" + ZHUHUI, "关于下达2015年全区小学秋季招生计划的通知", id="site-name-hunan"),
        pytest.param("深圳市教育局\n" + SHENZHEN.removeprefix("菜单\n"), "2022年学位建设情况", id="site-name-guangdong"),
    ],
)
def test_site_name_above_the_breadcrumb_is_no_title(text, title):
    record, boiler = _record(text)
    assert record["title_zh"] == title
    assert boiler[0]["kind"] == "furniture"
