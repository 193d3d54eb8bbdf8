"""Metadata: boilerplate kinds, stated metadata, horizons, document types, dates and regions."""

from __future__ import annotations

import pytest
from conftest import HEADER

from eduanalysis.read import documents as corpus
from eduanalysis.read import metadata


def _kinds(text):
    head = metadata.separate_boilerplate(text)
    return [(text[s:e], k) for s, e, k in head.spans], head


def test_separate_boilerplate_finds_every_header_kind():
    spans, head = _kinds(corpus.normalise(HEADER))
    kinds = dict(spans)
    assert kinds["您现在所在的位置: 首页 > 政务公开 > 政府文件"] == "breadcrumb"
    assert kinds["索 引 号: abc-2019-000657 主题分类: 市政府办文件"] == "metadata"
    assert kinds["发布时间:2019-05-31 浏览次数:393"] == "metadata"
    assert kinds["某政办发〔2019〕24号 某市人民政府办公室关于印发某市教育行动计划的通知"] == "cover_notice"
    assert kinds["各县、区人民政府,市政府各部门:"] == "cover_notice"
    assert kinds["某市人民政府办公室"] == "cover_notice"
    assert kinds["2019年5月30日"] == "cover_notice"
    assert kinds["(此件公开发布)"] == "publication_note"
    assert kinds["文件解读:《某市教育行动计划》解读"] == "trailer"
    text = corpus.normalise(HEADER)
    assert text[head.body_start:].startswith("某市教育行动计划")
    assert text[:head.body_end].endswith("达到95%。")


def test_separate_boilerplate_pipe_layout_and_deleted_note():
    text = "索引号 | 0152-2/2024-00001 | 发布机构 | 某市教育体育局 |\n公开目录 | 政策文件 | 发布日期 | 2024-03-18 |\n文号 | 浏览量 |\n一、指导思想\n正文。\n(此件删减发布)\n"
    spans, head = _kinds(text)
    assert [k for _, k in spans] == ["metadata", "metadata", "metadata", "publication_note"]
    assert head.fields == {"index_number": "0152-2/2024-00001", "issuer_zh": "某市教育体育局",
                           "published_date": "2024-03-18"}


def test_separate_boilerplate_table_of_contents():
    text = "某县教育发展规划\n目  录\n第一章 发展基础........1\n第二章 总体要求........5\n第一章 发展基础\n正文内容很长。\n"
    spans, head = _kinds(text)
    assert [k for _, k in spans] == ["toc", "toc", "toc"]
    assert text[head.body_start:].startswith("某县教育发展规划")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("当前位置 : 首页", "breadcrumb", id="dangqian-weizhi"),
        pytest.param("> 政府信息公开 > 规划计划 > 年度计划", "breadcrumb", id="breadcrumb-continuation"),
        pytest.param("时间: 11:31", "metadata", id="time"),
        pytest.param("点击次数:", "metadata", id="clicks"),
        pytest.param("有效性/截止日期: 文号:", "metadata", id="validity"),
        pytest.param("公开方式: 主动公开 公开范围: 面向社会", "metadata", id="disclosure"),
    ],
)
def test_header_line_kinds(line, expected):
    spans, _ = _kinds(line + "\n一、总体要求\n正文。")
    assert spans[0] == (line, expected)


@pytest.mark.parametrize(
    ("title", "body", "annual", "year", "expected"),
    [
        pytest.param("萍乡市“十四五”教育事业发展规划", "", False, None, (2021, 2025), id="14th-fyp"),
        pytest.param("某市“十三五”教育规划", "", False, None, (2016, 2020), id="13th-fyp"),
        pytest.param("某市教育三年行动计划(2021-2023年)", "", False, None, (2021, 2023), id="span"),
        pytest.param("某市教育行动计划", "到2022年,实现…", False, 2019, (2019, 2022), id="by-year"),
        pytest.param("2020年大连市教育工作要点", "", True, None, (2020, 2020), id="annual-title"),
        pytest.param("某局工作要点", "2019年,市教育局工作的总体要求是", True, None, (2019, 2019), id="annual-body"),
    ],
)
def test_plan_horizon(title, body, annual, year, expected):
    assert metadata.plan_horizon(title, body, annual, year) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("萍乡市“十四五”教育事业发展规划", "规划", id="guihua"),
        pytest.param("盘锦市推进教育高质量发展行动计划", "行动计划", id="action-plan"),
        pytest.param("关于加快发展学前教育的实施意见", "实施意见", id="opinions"),
        pytest.param("威海市教育局2019年工作要点", "工作要点", id="work-points"),
        pytest.param("某市2021年教育工作计划", "工作计划", id="work-plan"),
        pytest.param("某市义务教育优质均衡发展实施方案", "实施方案", id="implementation"),
        pytest.param("关于做好2020年招生工作的通知", "通知", id="notice"),
    ],
)
def test_doc_type(title, expected):
    assert metadata.doc_type(title)[0] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-05-30", "2019-05-30"), ("2019年2月14日", "2019-02-14"), ("2019/5/3", "2019-05-03"),
     ("2019-13-01", None), ("", None), ("无", None)],
)
def test_iso_date(value, expected):
    assert metadata.iso_date(value) == expected
