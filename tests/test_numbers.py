"""Number parsing: Arabic, full-width, Chinese numerals, percentages in words, ranges, spans."""

from __future__ import annotations

import pytest

from eduanalysis.numbers import find_numbers, five_year_plan_years, parse_chinese, to_ascii


@pytest.mark.parametrize(("text", "value"), [
    pytest.param("一", 1, id="yi"),
    pytest.param("两", 2, id="liang"),
    pytest.param("六", 6, id="liu"),
    pytest.param("十", 10, id="shi"),
    pytest.param("十五", 15, id="shi-wu"),
    pytest.param("三十", 30, id="san-shi"),
    pytest.param("三十五", 35, id="san-shi-wu"),
    pytest.param("百", 100, id="bai-alone"),
    pytest.param("一百零五", 105, id="ling-gap"),
    pytest.param("两百", 200, id="liang-bai"),
    pytest.param("一千二百", 1200, id="qian-bai"),
    pytest.param("一千二", 1200, id="colloquial-trailing-digit"),
    pytest.param("三万五千", 35000, id="wan-group"),
    pytest.param("十万", 100000, id="shi-wan"),
    pytest.param("一亿", 100_000_000, id="yi-yi"),
    pytest.param("三点五", 3.5, id="dian-decimal"),
])
def test_parse_chinese(text, value):
    assert parse_chinese(text) == value


@pytest.mark.parametrize("text", [
    pytest.param("十三五", id="five-year-plan-name"),
    pytest.param("三五", id="digit-run"),
    pytest.param("十百", id="units-out-of-order"),
    pytest.param("", id="empty"),
    pytest.param("二〇三五", id="year-in-digits"),
])
def test_parse_chinese_rejects_non_numerals(text):
    assert parse_chinese(text) is None


def test_to_ascii_folds_full_width():
    assert to_ascii("学前三年毛入园率达９４．５％") == "学前三年毛入园率达94.5%"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("学前三年毛入园率达94.5%以上", [("三", 3, None), ("94.5", 94.5, None)], id="decimal"),
    pytest.param("学前三年毛入园率达９４．５％以上", [("三", 3, None), ("94.5", 94.5, None)], id="full-width"),
    pytest.param("每年面向社会开展培训测试不少于10,000人次", [("10,000", 10000, None)], id="thousands-separator"),
    pytest.param("培树市级标杆院系5个、样板支部10个", [("5", 5, None), ("10", 10, None)], id="two-numbers"),
    pytest.param("创建先进示范学校3—5所", [("3—5", 3, 5)], id="range-em-dash"),
    pytest.param("扶持2-3个紧缺专业", [("2-3", 2, 3)], id="range-hyphen"),
    pytest.param("让学生熟练掌握1至2项运动技能", [("1至2", 1, 2)], id="range-zhi"),
    pytest.param("确保城区每0.3-1.2万人口建设一所幼儿园", [("0.3-1.2", 0.3, 1.2), ("一", 1, None)], id="range-decimal-wan"),
    pytest.param("实施三至五门课程", [("三至五", 3, 5)], id="range-chinese"),
    pytest.param("比例0.15%-0.2%", [("0.15%-0.2", 0.15, 0.2)], id="range-percent-both-ends"),
    pytest.param("建设5～10门课程", [("5～10", 5, 10)], id="range-wave-dash"),
    pytest.param("开展百场党的创新理论宣讲活动", [("百", 100, None)], id="bai-chang"),
    pytest.param("不少于六个班的幼儿园", [("六", 6, None)], id="liu-ge-ban"),
    pytest.param("三万人", [("三", 3, None)], id="trailing-wan-left-to-unit"),
    pytest.param("合格率达到百分之九十五", [("百分之九十五", 95, None)], id="percent-in-words"),
    pytest.param("覆盖率百分之百", [("百分之百", 100, None)], id="percent-hundred"),
    pytest.param("由85%到92%", [("85", 85, None), ("92", 92, None)], id="from-to-is-not-a-range"),
    pytest.param("发展壮大千亿级产业", [("千", 1000, None)], id="qian-yi-keeps-qian"),
    pytest.param("开展“万名教师访万家”活动", [], id="bare-wan-is-a-word"),
    pytest.param("坚持“零起点”教学", [], id="bare-ling-is-a-slogan"),
])
def test_find_numbers(text, expected):
    assert [(n.text, n.value, n.value_max) for n in find_numbers(text)] == expected


def test_spans_index_the_input():
    text = "到2025年,新改扩建城区学校37所,改善农村学校250所"
    assert [text[n.start:n.end] for n in find_numbers(text)] == ["2025", "37", "250"]


def test_percent_words_form():
    (n,) = find_numbers("普及率达到百分之九十五")
    assert n.form == "percent_words" and n.value == 95


@pytest.mark.parametrize(("name", "years"), [
    pytest.param("十三五", (2016, 2020), id="13th"),
    pytest.param("“十四五”", (2021, 2025), id="14th-quoted"),
    pytest.param("十一五", (2006, 2010), id="11th"),
    pytest.param("一五", (1953, 1957), id="1st"),
    pytest.param("规划", None, id="not-a-plan"),
])
def test_five_year_plan_years(name, years):
    assert five_year_plan_years(name) == years


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("超过三分之一的学校", [("三分之一", 0.3333, "fraction", None)], id="fraction-words"),
    pytest.param("生师比17:1", [("17:1", 17.0, "ratio", 1.0)], id="ratio"),
    pytest.param("按1比1配套", [("1比1", 1.0, "ratio", 1.0)], id="ratio-bi"),
    # ∶ (U+2236 RATIO) is not folded by NFKC; no shared text prints it, so the dev-set ratio wording is reused
    pytest.param("生师比17∶1", [("17∶1", 17.0, "ratio", 1.0)], id="ratio-u2236"),
    pytest.param("百分之九十五", [("百分之九十五", 95.0, "percent_words", None)], id="percent-not-fraction"),
])
def test_fractions_and_ratios(text, expected):
    assert [(n.text, n.value, n.form, n.denominator) for n in find_numbers(text)] == expected
