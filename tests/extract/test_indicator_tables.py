"""The table model: headers, units, column roles, sub-rows, boundaries and layouts.

The snippets are real table lines: 珠晖 (an annual enrolment plan whose units stand in the column
headers, its two column groups printed side by side), an unnamed county's “十四五” indicator table
(其中 sub-rows, 属性), 萍乡 (seed 004, column after column) and the 泽库 / 泉州 project texts. Where a
layout does not occur in the stored documents (space-aligned rows, a merged label cell), the rows
of a real table are re-printed in that layout; the words and numbers are the documents'.
"""

from __future__ import annotations

import pytest

from eduanalysis.extract.indicator_tables import (
    caption_of,
    column_role,
    measure_column,
    parse_flat_table,
    parse_header,
    parse_tab_table,
    read_tables,
    split_row,
    table_quantity,
)
from eduanalysis.extract.structure import find_tables, is_row_line
from eduanalysis.extract.targets import Context

FIVE_YEAR = Context(plan_start_year=2021, plan_end_year=2025)
NO_CONTEXT = Context()

# 珠晖: units only in the column headers, the header printed once per column group.
ZHUHUI = ["毕业班数(个)", "计划招生班数(个)", "计划招生人数(人)", "毕业班数(个)", "计划招生班数(个)", "计划招生人数(人)",
          "马路口小学", "3", "3", "144", "新华实验小学", "3", "3", "144", "东阳渡镇中心学校", "7", "10", "400"]
ZHUHUI_LEAD = "现将2015年秋季小学招生计划下达给你们,请遵照执行。"
# An unnamed county's “十四五” table: a share row with a 其中 sub-row, both with values, one 属性.
COUNTY = ["指  标", "2020年", "2025年", "属性", "三、师资发展水平",
          "1.幼儿教师专科及以上学历比例(%)", "其中:本科及以上学历比例(%)", "97.74%", "49.85%", "100%", "50%", "预期性",
          "3.普通初中教师本科及以上学历比例(%)", "其中:研究生学历(学位)比例(%)", "99.82%", "2.41%", "100%", "8%", "预期性"]
# 萍乡 (seed 004), table 1: a unit in the row label, a 其中 sub-row without one.
PINGXIANG = ["指  标", "2020年", "2025年", "属性", "高中阶段教育", "在校生(万人)", "其中:中职教育", "8", "3", "9", "3.5",
             "预期性", "预期性"]


def _quantities(cells, caption, context):
    return [q for c in cells if (q := table_quantity(c, caption, context))]


@pytest.mark.parametrize(("line", "name", "unit"), [
    pytest.param("计划招生人数(人)", "计划招生人数(人)", "人", id="zhuhui-persons"),
    pytest.param("毕业班数(个)", "毕业班数(个)", "个", id="zhuhui-count"),
    pytest.param("投资额(万元)", "投资额(万元)", "万元", id="multiplier-unit"),
    pytest.param("入园率(%)", "入园率(%)", "%", id="percent"),
])
def test_measure_headings_name_their_unit(line, name, unit):
    col = measure_column(line)
    assert (col.name, col.unit, col.measure) == (name, unit, True)


@pytest.mark.parametrize("line", [
    pytest.param("1.学前教育毛入园率(%)", id="numbered-row-label"),
    pytest.param("其中:本科及以上学历比例(%)", id="sub-row"),
    pytest.param("研究生学历(学位)", id="bracket-is-no-unit"),
])
def test_row_labels_are_not_measure_headings(line):
    assert measure_column(line) is None


def test_header_printed_per_column_group_counts_once():
    cols, used, _, _ = parse_header(ZHUHUI)
    assert [c.name for c in cols] == ["毕业班数(个)", "计划招生班数(个)", "计划招生人数(人)"] and used == 6


def test_units_in_column_headers_reach_every_cell_and_stock_columns_are_baselines():
    caption = caption_of("", ZHUHUI_LEAD)
    qs = _quantities(parse_flat_table(ZHUHUI), caption, NO_CONTEXT)
    assert [(q.indicator_text, q.value, q.unit_text, q.kind, q.year) for q in qs[:3]] == [
        ("马路口小学毕业班数", 3, "个", "baseline", 2015),
        ("马路口小学计划招生班数", 3, "个", "target", 2015),
        ("马路口小学计划招生人数", 144, "人", "target", 2015)]
    assert len(qs) == 9 and qs[-1].value == 400 and qs[-1].unit_text == "人"
    assert qs[0].sentence == f"[表]{ZHUHUI_LEAD}||马路口小学|毕业班数(个)|3"


def test_units_in_row_labels_reach_their_cells_and_unitless_sub_rows_take_the_parents():
    qs = _quantities(parse_flat_table(PINGXIANG), "主要指标", FIVE_YEAR)
    assert [(q.indicator_text, q.value, q.unit_text, q.kind, q.year) for q in qs] == [
        ("高中阶段教育在校生", 8, "万人", "baseline", 2020), ("中职教育在校生", 3, "万人", "baseline", 2020),
        ("高中阶段教育在校生", 9, "万人", "target", 2025), ("中职教育在校生", 3.5, "万人", "target", 2025)]


def test_sub_rows_keep_the_parents_subject_and_stand_under_the_parent_row():
    qs = _quantities(parse_flat_table(COUNTY), "“十四五”教育事业发展主要指标表", FIVE_YEAR)
    assert [(q.indicator_text, q.value, q.kind, q.year) for q in qs] == [
        ("幼儿教师专科及以上学历比例", 97.74, "baseline", 2020), ("幼儿教师本科及以上学历比例", 49.85, "baseline", 2020),
        ("幼儿教师专科及以上学历比例", 100, "target", 2025), ("幼儿教师本科及以上学历比例", 50, "target", 2025),
        ("普通初中教师本科及以上学历比例", 99.82, "baseline", 2020), ("普通初中教师研究生学历(学位)比例", 2.41, "baseline", 2020),
        ("普通初中教师本科及以上学历比例", 100, "target", 2025), ("普通初中教师研究生学历(学位)比例", 8, "target", 2025)]
    assert qs[3].sentence == ("[表]“十四五”教育事业发展主要指标表|三、师资发展水平|1.幼儿教师专科及以上学历比例(%)"
                              "|2025年|50%|其中:本科及以上学历比例(%)|预期性")


@pytest.mark.parametrize(("column", "caption", "context", "expected"), [
    pytest.param("毕业班数(个)", "现将2015年秋季小学招生计划下达给你们", NO_CONTEXT, ("baseline", 2015), id="stock-dated-by-caption"),
    pytest.param("现有班数(个)", "", Context(doc_year=2022, annual=True, plan_start_year=2022, plan_end_year=2022),
                 ("baseline", 2022), id="stock-in-annual-plan"),
    pytest.param("计划招生人数(人)", "", Context(annual=True, plan_start_year=2022, plan_end_year=2022, doc_year=2022),
                 ("target", 2022), id="plan-column-annual"),
    pytest.param("现状", "到2025年主要指标", FIVE_YEAR, ("baseline", 2020), id="horizon-caption-leaves-baselines"),
    pytest.param("目标值", "到2025年主要指标", Context(), ("target", 2025), id="horizon-caption-dates-targets"),
    pytest.param("“十三五”期间", "", FIVE_YEAR, ("baseline", 2020), id="past-plan-column-reports-2020"),
    pytest.param("“十三五”规划目标", "", FIVE_YEAR, ("target", 2020), id="past-plan-target-column"),
    pytest.param("2020年", "", FIVE_YEAR, ("baseline", 2020), id="past-year-column"),
])
def test_column_roles(column, caption, context, expected):
    assert column_role(column, None if "年" not in column or "期间" in column else 2020, None, context,
                       caption) == expected


def test_caption_of_uses_a_lead_in_only_when_it_introduces_a_table():
    assert caption_of("", ZHUHUI_LEAD) == ZHUHUI_LEAD
    assert caption_of("", "具体项目建设内容及情况如下:") == "具体项目建设内容及情况如下:"
    assert caption_of("", "对项目建设地点、建设内容等若有异议,请在公示后7个工作日内向县教育局反映。") == ""
    assert caption_of("“十四五”教育事业发展主要指标表", ZHUHUI_LEAD) == "“十四五”教育事业发展主要指标表"


def test_adjacent_tables_keep_their_own_captions_and_headers():
    lines = (["指  标", "2020年", "2025年", "属性", "1.学前教育毛入园率(%)", "99%", "99%以上", "约束性"]
             + ["表2 2015年秋季小学招生计划"] + ZHUHUI[:3] + ZHUHUI[6:10])
    first, second = read_tables(lines, "“十四五”教育事业发展主要指标表")
    assert first.caption == "“十四五”教育事业发展主要指标表" and second.caption == "表2 2015年秋季小学招生计划"
    assert [c.column for c in first.cells] == ["2020年", "2025年"]
    assert [(c.column, c.cell_text) for c in second.cells] == [
        ("毕业班数(个)", "3"), ("计划招生班数(个)", "3"), ("计划招生人数(人)", "144")]
    assert [lines[c.line] for c in second.cells] == ["3", "3", "144"]  # line numbers index the whole run


def test_a_second_header_after_cells_starts_a_table_even_without_a_caption():
    lines = PINGXIANG + COUNTY
    tables = read_tables(lines, "主要指标")
    assert len(tables) == 2 and tables[1].caption == ""
    assert {c.section for c in tables[1].cells} == {"三、师资发展水平"}


@pytest.mark.parametrize(("line", "cells"), [
    pytest.param("指  标    2020年    2025年    属性", ["指  标", "2020年", "2025年", "属性"], id="spaced-header"),
    pytest.param("1.学前教育毛入园率(%)    99%    99%以上    约束性", ["1.学前教育毛入园率(%)", "99%", "99%以上", "约束性"],
                 id="spaced-row"),
    pytest.param("马路口小学\t3\t3\t144", ["马路口小学", "3", "3", "144"], id="tabbed-row"),
])
def test_split_row(line, cells):
    assert split_row(line) == cells


def test_space_aligned_and_tab_separated_rows_read_alike():
    spaced = ["指  标    2020年    2025年    属性", "1.学前教育毛入园率(%)    99%    99%以上    约束性",
              "2.义务教育巩固率(%)    100%    100%    约束性"]
    tabbed = [line.replace("    ", "\t") for line in spaced]
    read = [[(q.indicator_text, q.value, q.unit_text, q.comparator, q.kind, q.year, q.attribute)
             for q in _quantities(parse_tab_table(lines), "主要指标", FIVE_YEAR)] for lines in (spaced, tabbed)]
    assert read[0] == read[1] == [
        ("学前教育毛入园率", 99, "%", "=", "baseline", 2020, None), ("学前教育毛入园率", 99, "%", ">=", "target", 2025, "约束性"),
        ("义务教育巩固率", 100, "%", "=", "baseline", 2020, None), ("义务教育巩固率", 100, "%", "=", "target", 2025, "约束性")]
    assert read_tables(spaced)[0].layout == "spaced" and read_tables(tabbed)[0].layout == "tab"


def test_structure_finds_space_aligned_tables_but_not_spaced_page_chrome():
    from eduanalysis.extract.structure import Paragraph

    def pars(lines):
        return [Paragraph(0, len(t), t) for t in lines]

    spaced = ["指  标    2020年    2025年    属性", "1.学前教育毛入园率(%)    99%    99%以上    约束性",
              "2.义务教育巩固率(%)    100%    100%    约束性"]
    assert find_tables(pars(spaced)) == [(0, 3)]
    chrome = ["主办: 珠晖区人民政府办公室    承办: 衡阳市珠晖区教育局  地 址:湖南路车站坪", "湘公网安备    备案号:    网站标识码"]
    assert find_tables(pars(chrome)) == [] and not any(is_row_line(t) for t in chrome)


def test_merged_label_cells_are_printed_on_their_first_row_only():
    # 泽库's project list as a table: the school spans its two rows (校舍, 运动场); 序号 unnamed.
    lines = ["项目名称\t建设内容\t面积(平方米)\t投资(万元)",
             "泽库县城关第二寄宿制完小\t校舍\t10291\t3715",
             "\t运动场\t6824\t",
             "泽库县民族中学西部分校\t校舍\t4350\t2620"]
    qs = _quantities(parse_tab_table(lines), "项目", NO_CONTEXT)
    assert [(q.indicator_text, q.value, q.unit_text) for q in qs] == [
        ("泽库县城关第二寄宿制完小面积", 10291, "平方米"), ("泽库县城关第二寄宿制完小投资", 3715, "万元"),
        ("泽库县城关第二寄宿制完小面积", 6824, "平方米"),
        ("泽库县民族中学西部分校面积", 4350, "平方米"), ("泽库县民族中学西部分校投资", 2620, "万元")]


def test_total_rows_total_their_column_and_numbers_in_names_stay_labels():
    # 泉州's 为民办实事 kindergartens as a list: a name holding a number, then the 合计 row.
    lines = ["项目名称", "新增学位(个)", "投资(万元)", "新建幼儿园12班", "360", "1500", "改扩建幼儿园9班", "270", "900",
             "合计", "630", "2400"]
    qs = _quantities(parse_flat_table(lines), "2020年为民办实事项目", NO_CONTEXT)
    assert [(q.indicator_text, q.value, q.unit_text, q.year) for q in qs] == [
        ("新建幼儿园12班新增学位", 360, "个", 2020), ("新建幼儿园12班投资", 1500, "万元", 2020),
        ("改扩建幼儿园9班新增学位", 270, "个", 2020), ("改扩建幼儿园9班投资", 900, "万元", 2020),
        ("新增学位合计", 630, "个", 2020), ("投资合计", 2400, "万元", 2020)]


@pytest.mark.parametrize(("lines", "expected"), [
    # 泽库's project list, one cell per line, with a word column (建设内容) between label and values
    pytest.param(["项目名称", "建设内容", "建设校舍(平方米)", "总投资(万元)",
                  "泽库县城关第二寄宿制完小", "校舍、运动场及总图工程", "10291", "3715",
                  "泽库县民族中学西部分校", "校舍及总图工程", "4350", "2620"],
                 [("泽库县城关第二寄宿制完小建设校舍", 10291, "平方米"), ("泽库县城关第二寄宿制完小总投资", 3715, "万元"),
                  ("泽库县民族中学西部分校建设校舍", 4350, "平方米"), ("泽库县民族中学西部分校总投资", 2620, "万元")],
                 id="zeku-project-list"),
    # 夏县's kindergarten project notice as a table: two word columns (建设性质, 建设地址)
    pytest.param(["项目名称", "建设性质", "建设地址", "建筑面积(平方米)", "总投资(万元)",
                  "夏县瑶峰镇下埝底幼儿园生活用房新建项目", "改扩建", "夏县瑶峰镇下埝底幼儿园内", "980", "450"],
                 [("夏县瑶峰镇下埝底幼儿园生活用房新建项目建筑面积", 980, "平方米"),
                  ("夏县瑶峰镇下埝底幼儿园生活用房新建项目总投资", 450, "万元")], id="xiaxian-project"),
])
def test_word_columns_stand_beside_the_row_label(lines, expected):
    qs = _quantities(parse_flat_table(lines), "建设项目", NO_CONTEXT)
    assert [(q.indicator_text, q.value, q.unit_text) for q in qs] == expected


def test_a_group_heading_before_labelled_rows_is_no_word_column():
    # 萍乡 table 2 without its header: 教育普及 is a group, its rows name their unit
    cols, used, _, _ = parse_header(["教育普及", "学前教育毛入园率(%)", "九年义务教育巩固率(%)", "96", "99.9"])
    assert cols == [] and used == 0


@pytest.mark.parametrize("lines", [
    pytest.param(["学前教育毛入园率(%)", "九年义务教育巩固率(%)", "高等教育在学总规模(万人)", "96", "99.9", "5"],
                 id="pingxiang-labels-then-values"),
    pytest.param(["指  标", "学前教育毛入园率(%)", "99%", "99%以上"], id="county-row-then-values"),
])
def test_row_labels_naming_units_are_no_measure_header(lines):
    cols, used, _, _ = parse_header(lines)
    assert cols == [] and lines[used] == "学前教育毛入园率(%)"


# 合肥's 参会人员名额分配表 (meiyu folder): 序号, a 县区名称 stub, a count heading without a unit, and a
# 备注 column whose cells are mostly empty, so a remark line stands between two rows.
HEFEI = ["参会人员名额分配表", "序号", "县区名称", "名额数", "备注", "1", "肥东", "15", "2", "肥西", "15", "3", "长丰", "15",
         "4", "庐江", "15", "5", "巢湖", "25", "全国中小学生艺术素质测评实验区", "6", "瑶海", "15"]


def test_count_headings_row_numbers_and_remarks():
    (table,) = read_tables(HEFEI[1:], HEFEI[0])
    qs = _quantities(table.cells, table.caption, NO_CONTEXT)
    assert [(q.indicator_text, q.value, q.unit_text) for q in qs] == [
        ("肥东名额数", 15, None), ("肥西名额数", 15, None), ("长丰名额数", 15, None), ("庐江名额数", 15, None),
        ("巢湖名额数", 25, None), ("瑶海名额数", 15, None)]


@pytest.mark.parametrize(("line", "is_count"), [
    pytest.param("名额数", True, id="hefei-quota"),
    pytest.param("学校数", True, id="hefei-schools"),
    pytest.param("幼儿数", True, id="shucheng-children"),
    pytest.param("项目园数", True, id="shucheng-kindergartens"),
    pytest.param("2020年在校生数", False, id="a-year-makes-a-period-column"),
    pytest.param("实验基地学校名单", False, id="a-list-is-words"),
])
def test_count_headings_without_a_unit(line, is_count):
    assert (measure_column(line) is not None) == is_count


def test_lines_before_the_header_are_preamble_and_the_last_is_the_caption():
    lines = ["合肥市教育局", "2017年4月20日", "附件1", *HEFEI]
    (table,) = read_tables(lines)
    assert table.caption == "参会人员名额分配表" and table.cells[0].row_label == "肥东"
    assert lines[table.cells[0].line] == "15"


@pytest.mark.parametrize("lines", [
    # 重庆's 展评 entry form (meiyu folder): the numbers are the 序号 of blank rows
    pytest.param(["区县教委(教育局)(盖章):", "展示项目:", "1.学生信息", "序号", "姓名", "性别", "年龄", "民族", "学校",
                  "1", "2", "3", "4", "5"], id="chongqing-form"),
    # 福建's 申报汇总表 (meiyu folder) with its 序号 column only
    pytest.param(["序号", "学校名称", "学校类别", "申报项目", "1", "2", "3"], id="fujian-form"),
])
def test_empty_forms_state_no_quantities(lines):
    assert [c for t in read_tables(lines) for c in t.cells] == []


def test_word_column_after_the_measures_before_numbered_rows():
    # 合肥's 教育部美育课题实验基地学校名单: the schools' names stand in the last column
    lines = ["教育部美育课题实验基地学校名单", "序号", "县区名称", "学校数", "实验基地学校名单", "1", "巢湖", "2",
             "巢湖市人民路小学、巢湖市第二中学", "2", "瑶海", "2", "合肥市少儿艺术学校、合肥市琥珀名城小学", "3", "庐阳", "2",
             "合肥市红星路小学、合肥市六安路小学中铁校区"]
    (table,) = read_tables(lines[1:], lines[0])
    assert [(c.indicator, c.cell_text) for c in table.cells] == [("巢湖学校数", "2"), ("瑶海学校数", "2"), ("庐阳学校数", "2")]


def test_a_list_continued_without_its_header_states_no_quantities():
    # 体育美育浸润行动计划入选名单 (meiyu national folder), split by the page: the numbers are its 序号
    lines = ["8", "江西", "赣南师范大学", "体育", "江西省赣州市于都县梓山中学", "9", "江西", "上饶师范学院", "美育",
             "江西省上饶市弋阳县漆工中心小学", "10", "江西", "井冈山大学", "美育", "江西省井冈山毛泽东红军学校", "11", "湖北",
             "湖北师范大学", "体育", "湖北省黄冈市蕲春县赤东镇童畈小学"]
    assert [c for t in read_tables(lines) for c in t.cells] == []


@pytest.mark.parametrize(("lines", "caption"), [
    # 全国第三届高校艺术教育科研论文报告会's 论文代码说明 (meiyu national folder)
    pytest.param(["省(区、市)代码(第1、2位)", "北京市", "11", "湖北省", "27", "天津市", "12", "湖南省", "28"], "论文代码说明",
                 id="paper-codes"),
    pytest.param(["编号", "学校名称", "名额数", "2011001", "北京大学", "1"], "论文编号表", id="record-numbers-in-caption"),
])
def test_tables_of_codes_state_no_quantities(lines, caption):
    assert [c for t in read_tables(lines, caption) for c in t.cells] == []
