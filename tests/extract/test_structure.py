"""Structure: heading forms, inline headings, flattened tables, clauses and the coverage invariant."""

from __future__ import annotations

import pytest

from eduanalysis.extract import structure as segment


@pytest.mark.parametrize(
    ("line", "style", "label", "number"),
    [
        pytest.param("第三章 学前教育", "chapter", "第三章", 3, id="chapter"),
        pytest.param("第十四章 提升教育治理现代化水平", "chapter", "第十四章", 14, id="chapter-14"),
        pytest.param("第一部分 发展基础", "part", "第一部分", 1, id="part"),
        pytest.param("第二节 学前教育", "section", "第二节", 2, id="jie"),
        pytest.param("二、重点任务", "cn_comma", "二", 2, id="cn-comma"),
        pytest.param("十一、保障措施", "cn_comma", "十一", 11, id="cn-comma-11"),
        pytest.param("(三)实施学前教育优质普惠行动计划。多方式扩大", "cn_paren", "三", 3, id="cn-paren-ascii"),
        pytest.param("(二十三)健全现代职业教育体系", "cn_paren", "二十三", 23, id="cn-paren-23"),
        pytest.param("1.深入开展主题学习教育。学思践悟", "arabic", "1", 1, id="arabic-dot"),
        pytest.param("12、强化家校协同育人", "arabic", "12", 12, id="arabic-dunhao"),
        pytest.param("(1)加强师资", "arabic_paren", "1", 1, id="arabic-paren"),
        pytest.param("③完善机制", "circled", "③", 3, id="circled"),
        pytest.param("专栏1 立德树人工程", "box", "专栏1", 1, id="box"),
        pytest.param("实施项目12:提升教育保障能力", "project", "实施项目", 12, id="project"),
        pytest.param("【重点任务3】推进集团化办学", "bracket", "【重点任务3】", 3, id="bracket"),
        pytest.param("行动目标:把立德树人成效作为根本标准。", "block", "行动目标", None, id="block-goal"),
        pytest.param("实施路径——", "block", "实施路径", None, id="block-path"),
    ],
)
def test_heading_forms(line, style, label, number):
    hit = segment.match_heading(line)
    assert hit is not None
    spec, m = hit
    assert spec.style == style
    assert m.group(1) == label
    if number is not None:
        text = m.group(1) + (m.group(2) if style == "project" else "")
        assert segment.label_number(text) == number


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("1.5万名教师参加培训。", id="decimal"),
        pytest.param("2020年全市教育工作总体要求:以习近平", id="year"),
        pytest.param("95%", id="percent"),
        pytest.param("——坚持社会主义办学方向。", id="dash-item"),
    ],
)
def test_not_headings(line):
    assert segment.match_heading(line) is None


def _structure(body: str, title: str | None = None):
    return segment.structure("D1", body, 0, len(body), title=title,
                             is_title=lambda line: title is not None and line == title)


def _check_coverage(body, result):
    spans = [(m["char_start"], m["char_end"]) for m in result.measures]
    assert segment.coverage_errors(body, spans) == []


def test_hierarchy_paths_and_levels():
    body = ("某市教育行动计划\n一、总体要求\n(一)指导思想。以习近平新时代中国特色社会主义思想为指导。\n"
            "(二)工作目标。到2022年,毛入园率达到95%。\n二、重点任务\n(一)实施行动。加强建设;推进改革。\n"
            "1.健全体系。构建闭环。\n(1)细化分工\n责任单位:市教育局、市财政局\n三、保障措施\n")
    result = _structure(body, "某市教育行动计划")
    secs = {s["path"]: s for s in result.sections if s["path"]}
    assert [(s["level"], s["label"], s["heading"]) for s in result.sections[:2]] == [
        (0, None, "某市教育行动计划"), (1, "一", "总体要求")]
    assert secs["2-1-1-1"]["heading"] == "细化分工" and secs["2-1-1-1"]["level"] == 4
    assert secs["1-2"]["heading"] == "工作目标"
    assert secs["3"]["parent_id"] == result.sections[0]["section_id"]
    texts = [(m["kind"], m["text"]) for m in result.measures]
    assert ("heading", "(一)指导思想。") in texts
    assert ("text", "以习近平新时代中国特色社会主义思想为指导。") in texts
    assert ("text", "加强建设;") in texts and ("text", "推进改革。") in texts
    assert ("responsibility", "责任单位:市教育局、市财政局") in texts
    _check_coverage(body, result)


def test_box_project_and_block_nesting():
    body = ("三、新增任务\n(一)强党建行动\n行动目标:把立德树人成效作为根本标准。\n实施项目1:全面加强学校党建工作\n"
            "实施路径——\n1.健全体系。构建闭环。\n实施项目2:提升思政质量\n实施路径——\n2.打造品牌。打造边疆品牌。\n"
            "(二)职教行动\n")
    result = _structure(body)
    by_heading = {s["heading"]: s for s in result.sections}
    ids = {s["section_id"]: s for s in result.sections}
    assert by_heading["全面加强学校党建工作"]["kind"] == "box"
    assert ids[by_heading["全面加强学校党建工作"]["parent_id"]]["heading"] == "强党建行动"
    assert by_heading["行动目标"]["kind"] == "block"
    assert ids[by_heading["打造品牌"]["parent_id"]]["heading"] == "实施路径"
    assert by_heading["打造品牌"]["path"] == "3-1-实施项目2-2"
    assert ids[by_heading["职教行动"]["parent_id"]]["heading"] == "新增任务"
    _check_coverage(body, result)


def test_chapter_box_is_child_of_chapter():
    body = ("第二章 立德树人\n坚持德育为先,五育并举。\n(十)营造环境\n密切家校合作,完善家长学校。\n"
            "专栏1 立德树人工程\n建设名师课堂;推动思政课改革。\n第三章 学前教育\n")
    result = _structure(body)
    by_heading = {s["heading"]: s for s in result.sections}
    ids = {s["section_id"]: s for s in result.sections}
    assert ids[by_heading["立德树人工程"]["parent_id"]]["heading"] == "立德树人"
    assert by_heading["立德树人工程"]["path"] == "2-专栏1"
    _check_coverage(body, result)


def test_plain_heading_ranks_with_top_level():
    body = "发展基础\n“十三五”时期,各项目标任务圆满完成,为发展打下了坚实基础。\n第一章 总体要求\n(一)指导思想\n坚持以人民为中心。\n"
    result = _structure(body)
    assert [(s["level"], s["style"], s["heading"]) for s in result.sections[1:3]] == [
        (1, "plain", "发展基础"), (1, "chapter", "总体要求")]


FLAT_TABLE = ("主要目标实现情况\n指  标\n“十三五”规划目标\n2020年\n实现情况\n学前教育\n在园幼儿数(万人)\n"
              "毛入园率(%)\n7.8\n95\n6.89\n96\n第一章 总体要求\n")


def test_flattened_table_is_one_table_block():
    result = _structure(FLAT_TABLE)
    tables = [s for s in result.sections if s["kind"] == "table"]
    assert len(tables) == 1 and tables[0]["heading"] == "主要目标实现情况"
    cells = [m["text"] for m in result.measures if m["kind"] == "table_cell"]
    assert cells[0] == "主要目标实现情况" and cells[-1] == "96" and len(cells) == 12
    assert result.sections[-1]["style"] == "chapter"  # the heading after the table is not a cell
    _check_coverage(FLAT_TABLE, result)


ROW_TABLE = ("三、主要目标\n到2025年,教育现代化取得重要进展。\n“十四五”教育事业发展主要指标表\n指  标\n2020年\n2025年\n属性\n"
             "一、发展水平\n1.学前教育毛入园率(%)\n99%\n99%以上\n约束性\n2.义务教育巩固率(%)\n100%\n100%\n约束性\n"
             "5.三(四、五)星级融合教育优秀学校比例(%)\n0%\n80%\n预期性\n四、主要任务\n(一)发展学前教育\n")


def test_row_wise_table_with_numbered_rows_keeps_its_numbering_inside():
    result = _structure(ROW_TABLE)
    tables = [s for s in result.sections if s["kind"] == "table"]
    assert len(tables) == 1 and tables[0]["heading"] == "“十四五”教育事业发展主要指标表"
    cells = [m["text"] for m in result.measures if m["kind"] == "table_cell"]
    assert "1.学前教育毛入园率(%)" in cells and "一、发展水平" in cells and cells[-1] == "预期性"
    headings = [s["heading"] for s in result.sections if s["kind"] == "heading"]
    assert headings == ["主要目标", "主要任务", "发展学前教育"]
    _check_coverage(ROW_TABLE, result)


def test_tab_separated_table():
    body = "一、主要指标\n指标\t2020年\t2025年\n毛入园率(%)\t90\t95\n巩固率(%)\t99\t99.5\n二、任务\n"
    result = _structure(body)
    assert [m["kind"] for m in result.measures].count("table_cell") == 3


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        pytest.param("加强领导;完善机制。推进改革", ["加强领导;", "完善机制。", "推进改革"], id="stops"),
        pytest.param("落实“一校一策。”要求。", ["落实“一校一策。”要求。"], id="quotes"),
        pytest.param("实施《方案(2023;2025)》。再推进。", ["实施《方案(2023;2025)》。", "再推进。"], id="brackets"),
        pytest.param("毛入园率达到94.5%以上。", ["毛入园率达到94.5%以上。"], id="decimal"),
        pytest.param("是否达标?开展评估!完成", ["是否达标?", "开展评估!", "完成"], id="question"),
    ],
)
def test_split_clauses(text, clauses):
    assert [text[s:e] for s, e in segment.split_clauses(text)] == clauses


def test_unbalanced_bracket_does_not_swallow_the_next_line():
    body = "一、任务\n推进(改革。加强领导。\n完善机制。\n"
    result = _structure(body)
    assert "完善机制。" in [m["text"] for m in result.measures]
    _check_coverage(body, result)


def test_inline_heading_split():
    assert segment.split_inline("指导思想。以习近平新时代中国特色社会主义思想为指导") == ("指导思想", 5)
    assert segment.split_inline("优化布局结构,有效增加资源供给") == ("优化布局结构,有效增加资源供给", 15)
    assert segment.split_inline("落实" + "很长的句子" * 20 + "。") == ("", 0)


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        # real captions: short ones named by 表 are kept (重庆 meiyu 附表1; 福建 meiyu 申报汇总表)
        pytest.param("附表1", "附表1", id="short-fubiao-chongqing"),
        pytest.param("农村中小学美育课堂教学设备申报汇总表", "农村中小学美育课堂教学设备申报汇总表", id="huizongbiao-fujian"),
        pytest.param("“十四五”教育事业发展主要指标表", "“十四五”教育事业发展主要指标表", id="zhibiaobiao-devset"),
        pytest.param("“十四五”时期萍乡教育事业发展主要指标", "“十四五”时期萍乡教育事业发展主要指标", id="long-no-biao-pingxiang"),
        # rows are never captions: a tab row (福建 meiyu), the spaced header cells of a stub (指  标, devset and
        # 萍乡), and the header row printed on one line from those real cells
        pytest.param("填表人：\t\t联系电话：\t\t\t填表日期：", "", id="tab-row-fujian"),
        pytest.param("指  标", "", id="spaced-stub-cell"),
        pytest.param("指  标    2020年    2025年    属性", "", id="spaced-header-row"),
        pytest.param("99%以上", "", id="value-cell"),
    ],
)
def test_table_caption_is_never_a_row(line, caption):
    assert segment.table_caption(line) == caption


HEADER_FIRST_TABLE = ("一、主要指标\n指  标    2020年    2025年    属性\n学前教育毛入园率(%)    99%    99%以上    约束性\n"
                      "义务教育巩固率(%)    100%    100%    约束性\n二、主要任务\n")


def test_table_without_caption_keeps_its_header_row():
    result = _structure(HEADER_FIRST_TABLE)
    tables = [s for s in result.sections if s["kind"] == "table"]
    assert len(tables) == 1 and tables[0]["heading"] == ""
    cells = [m["text"] for m in result.measures if m["kind"] == "table_cell"]
    assert cells[0].startswith("指  标") and len(cells) == 3
    _check_coverage(HEADER_FIRST_TABLE, result)


@pytest.mark.parametrize(
    ("title", "caption"),
    [
        # real titles directly followed by a real indicator-table caption and header cells (萍乡 seed; devset county plan)
        pytest.param("萍乡市“十四五”教育事业发展规划", "“十四五”时期萍乡教育事业发展主要指标", id="pingxiang"),
        pytest.param("2020年大连市教育工作要点", "“十四五”教育事业发展主要指标表", id="dalian-devset-caption"),
    ],
)
def test_table_directly_after_the_title_is_kept(title, caption):
    body = f"{title}\n{caption}\n指  标\n2020年\n2025年\n属性\n毛入园率(%)\n90\n95\n巩固率(%)\n99\n99.5\n一、主要任务\n"
    result = _structure(body, title=title)
    tables = [s for s in result.sections if s["kind"] == "table"]
    assert len(tables) == 1 and tables[0]["heading"] == caption
    assert [m["kind"] for m in result.measures].count("table_cell") == 11
    _check_coverage(body, result)
