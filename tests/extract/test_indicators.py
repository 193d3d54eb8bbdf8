"""The canonical indicator registry and the mapper.

``EXPECTED`` names, for the gold rows whose indicator recurs across regions (enrolment
and retention rates, kindergarten shares, class sizes, vocational shares, funding shares,
school building, teacher training …), the registry entry a reader would file them under.
It was written by hand from the indicator names, not from the mapper's output.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from eduanalysis.config import resource_path
from eduanalysis.extract.indicators import (
    best_match,
    families,
    family_of,
    fuzzy_match,
    map_indicator,
    mapping_rate,
    registry,
)

GOLD = Path(__file__).parents[1] / "fixtures" / "gold" / "seed_targets.csv"
#: Dev-gold count rows naming a recurring indicator, each with the family a reader files it under
#: (assigned by hand; see tests/fixtures/devset/README.md).
DEV_FAMILIES = Path(__file__).parents[1] / "fixtures" / "devset" / "indicator_families.csv"

EXPECTED = {
    "学前三年毛入园率": "preschool_gross_enrolment",
    "学前教育毛入园率": "preschool_gross_enrolment",
    "学前教育三年毛入园率": "preschool_gross_enrolment",
    "普惠性幼儿园在园儿童占比": "preschool_inclusive_share",
    "普惠性幼儿园覆盖率": "preschool_inclusive_share",
    "普惠性学前教育覆盖率": "preschool_inclusive_share",
    "在公办幼儿园的幼儿数占比": "preschool_public_share",
    "公办园幼儿占比": "preschool_public_share",
    "公办园在园幼儿数占比": "preschool_public_share",
    "学前教育在园幼儿数": "preschool_enrolment",
    "新开办公办幼儿园": "kindergartens_built",
    "新建改扩建普惠性幼儿园": "kindergartens_built",
    "新改扩建公办幼儿园": "kindergartens_built",
    "幼儿园教师持证上岗率": "kindergarten_teacher_certification",
    "九年义务教育巩固率": "compulsory_retention",
    "义务教育巩固率": "compulsory_retention",
    "九年义务教育在校生": "compulsory_enrolment",
    "小学班额": "class_size_primary",
    "初中班额": "class_size_junior",
    "大班额(全面消除56人以上)": "oversized_classes",
    "义务教育现存“大班额”": "oversized_classes",
    "新建改扩建学校(城镇普通中小学)": "schools_built",
    "新改扩建城区学校": "schools_built",
    "新增学位(普惠性幼儿园)": "school_places_added",
    "新增学位(城镇普通中小学)": "school_places_added",
    "公办普惠学位": "school_places_added",
    "新增校舍": "school_floor_area",
    "改善农村学校": "rural_schools_improved",
    "农村教师周转房": "rural_teacher_housing",
    "高中阶段毛入学率": "upper_secondary_gross_enrolment",
    "高中阶段教育毛入学率": "upper_secondary_gross_enrolment",
    "高中阶段教育在校生": "upper_secondary_enrolment",
    "普通高中在校生": "general_high_school_enrolment",
    "优质特色化普通高中在校生占比": "quality_high_school_share",
    "省级特色普通高中": "distinctive_high_schools",
    "优质高中招生指标分配到区域内初中的比例": "high_school_quota_allocation",
    "中等职业学校在校学生": "secondary_vocational_enrolment",
    "中等职业教育在校生": "secondary_vocational_enrolment",
    "中职教育在校生": "secondary_vocational_enrolment",
    "高等职业学校在校生": "higher_vocational_enrolment",
    "高职专科教育在校生": "higher_vocational_enrolment",
    "中职升高职比例(占毕业生总数)": "vocational_progression",
    "职业学校专任教师中“双师型”教师占比": "double_qualified_teachers",
    "职业院校“双师型”教师占比": "double_qualified_teachers",
    "地方教育附加费用于职业教育的比例": "vocational_levy_share",
    "地方教育费附加收入用于职业教育的比例": "vocational_levy_share",
    "中等职业学校办学条件达标": "vocational_school_standards",
    "产教融合型企业": "industry_education_enterprises",
    "现代学徒制试点": "apprenticeship_pilots",
    "职业教育集团(联盟)": "vocational_groups",
    "高水平特色专业(群)": "vocational_specialties",
    "省市级品牌专业": "vocational_specialties",
    "高等教育毛入学率": "higher_education_gross_enrolment",
    "高等教育在学总规模": "higher_education_enrolment",
    "普通本科在校生": "undergraduate_enrolment",
    "劳动年龄人口平均受教育年限": "avg_schooling_working_age",
    "新增劳动力平均受教育年限": "avg_schooling_new_labour",
    "普通话普及率": "mandarin_proficiency",
    "残疾儿童少年入学率": "disabled_enrolment",
    "适龄残疾儿童义务教育入学率": "disabled_enrolment",
    "义务教育阶段特殊教育生均公用经费补助标准(每生每年)": "special_education_funding",
    "普通中小学特殊教育资源教室": "resource_rooms",
    "中小学生每天校园体育活动": "pe_daily_time",
    "中小学生每天校内体育活动时间": "pe_daily_time",
    "学生熟练掌握终身受益的运动技能": "sports_skills",
    "每个学生熟练掌握运动技能": "sports_skills",
    "儿童青少年总体近视率": "myopia_rate",
    "体育特色学校": "sports_schools",
    "全国校园足球特色学校": "sports_schools",
    "劳动教育实践基地": "labour_education_bases",
    "配备专(兼)职心理健康教育教师的学校比例": "mental_health_teachers",
    "财政性教育经费支出占GDP的比例": "fiscal_education_gdp_share",
    "义务教育阶段学校公用经费用于教师培训的比例": "teacher_training_funding_share",
    "班主任津贴标准": "head_teacher_allowance",
    "教师交流轮岗比例(占应交流人数)": "teacher_rotation_share",
    "骨干教师交流轮岗比例": "teacher_rotation_share",
    "年培训教师": "teachers_trained",
    "年培训农村校长教师": "teachers_trained",
    "培训教育管理干部、专任教师": "teachers_trained",
    "法治培训校长、法治骨干教师、思政课教师等": "teachers_trained",
    "培训党组织书记、党务干部、党员和教育领军人才等": "party_training",
    "每年培训中小学思政课教师": "ideological_teachers_trained",
    "评选骨干教师": "key_teachers",
    "评选学科带头人": "key_teachers",
    "省市级学科带头人": "key_teachers",
    "(省市级)骨干教师": "key_teachers",
    "市级“名师工作室”": "famous_teacher_studios",
    "公开招聘中小学教师": "teacher_recruitment",
    "资助各学段学生": "student_aid_recipients",
    "累计资助学生": "student_aid_recipients",
    "发放各类助学金": "student_aid_amount",
    "累计资助金额": "student_aid_amount",
    "各级财政投入教育资金(“十三五”五年累计)": "education_investment",
    "多媒体教室覆盖率": "multimedia_classrooms",
    "乡镇及以上学校“智慧校园”覆盖率": "smart_campus_coverage",
    "乡村寄宿制学校和乡村小规模学校互联网接入速率": "internet_bandwidth",
}


def _gold_rows() -> list[dict]:
    with open(GOLD, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["indicator"] in EXPECTED]


def test_registry_has_forty_indicators_with_names_stage_and_unit_column():
    reg = registry()
    assert len(reg) >= 40
    assert all(i.name_zh and i.name_en and i.stage for i in reg)
    header = next(csv.reader(open(resource_path("extract/indicators.csv"), encoding="utf-8")))
    assert header == ["indicator_id", "name_zh", "name_en", "stage", "expected_unit", "family", "patterns", "synonyms"]
    assert {i.family for i in reg} <= set(families()) and all(i.family for i in reg)


def test_every_expected_id_is_in_the_registry():
    ids = {i.indicator_id for i in registry()}
    assert set(EXPECTED.values()) <= ids


def test_gold_rows_naming_recurring_indicators_map_to_the_right_id():
    rows = _gold_rows()
    assert len(rows) >= 100  # the expectation covers over half of the gold
    wrong = [(r["indicator"], map_indicator(r["indicator"])[0], EXPECTED[r["indicator"]])
             for r in rows if map_indicator(r["indicator"])[0] != EXPECTED[r["indicator"]]]
    assert 1 - len(wrong) / len(rows) >= 0.90, wrong


@pytest.mark.parametrize(("phrase", "indicator_id"), [
    pytest.param("骨干教师交流轮岗比例", "teacher_rotation_share", id="head-final-share"),
    pytest.param("农村新建、改扩建乡镇公办中心园市政府投资补助比例", "investment_subsidy_share", id="head-final-subsidy"),
    pytest.param("市级“双师型”教师培养培训基地", "teacher_training_bases", id="head-final-base"),
    pytest.param("普惠性幼儿园在园儿童占比", "preschool_inclusive_share", id="synonym-inclusive-share"),
    pytest.param("学前教育三年毛入园率", "preschool_gross_enrolment", id="synonym-gross-enrolment"),
])
def test_best_match_prefers_the_head_of_the_phrase(phrase, indicator_id):
    assert best_match(phrase).indicator_id == indicator_id


def test_context_is_tried_when_the_phrase_names_nothing():
    assert map_indicator("津贴标准")[0] is None
    assert map_indicator("津贴标准", "严格落实班主任津贴标准")[0] == "head_teacher_allowance"


def test_mapping_rate():
    assert mapping_rate(pd.DataFrame({"indicator_id": pd.Series([], dtype="string")})) == 0.0
    assert mapping_rate(pd.DataFrame({"indicator_id": ["x", None, None, None]})) == 0.25


@pytest.mark.parametrize(("phrase", "indicator_id"), [
    pytest.param("全市学前三年幼儿入园率", "preschool_gross_enrolment", id="enrolment-without-mao"),
    pytest.param("省市优质幼儿园比例", "kindergarten_rating", id="quality-kindergartens"),
    pytest.param("小学义务教育标准班额比例", "standard_class_share", id="standard-class-share"),
    pytest.param("小学生师比", "pupil_teacher_ratio", id="pupil-teacher-ratio"),
    pytest.param("幼儿园保教人员与幼儿比例", "pupil_teacher_ratio", id="staff-child-ratio"),
    pytest.param("特殊教育学校生均公用经费", "special_education_funding", id="special-funding-beats-general"),
    pytest.param("义务教育生均公用经费", "per_student_public_funding", id="per-student-funding"),
    pytest.param("普通高中专任教师研究生学历比例", "teacher_qualification_share", id="teacher-degrees"),
    pytest.param("中小学生体质健康标准达标率", "student_fitness", id="fitness"),
    pytest.param("中小学互联网接入率", "internet_access", id="internet-access"),
    pytest.param("学前第四年幼儿入园率", None, id="fourth-preschool-year-is-not-the-three-year-rate"),
])
def test_unseen_phrasings_map(phrase, indicator_id):
    assert map_indicator(phrase)[0] == indicator_id


# --- families and the scored fuzzy fallback --------------------------------------------------


def test_families_have_names_and_notes_and_each_has_indicators():
    fams = families()
    assert len(fams) >= 15 and all(f.name_zh and f.name_en and f.note for f in fams.values())
    assert set(fams) == {i.family for i in registry()}  # no family without an indicator


def test_dev_gold_rows_naming_recurring_indicators_map_to_the_right_family():
    with open(DEV_FAMILIES, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 250
    wrong = [(r["doc"], r["row"], r["indicator"], family_of(map_indicator(r["indicator"])[0]), r["family"])
             for r in rows if family_of(map_indicator(r["indicator"])[0]) != r["family"]]
    assert 1 - len(wrong) / len(rows) >= 0.70, wrong
    phrases = {r["indicator"]: r["family"] for r in rows}  # zhuhui's 72 table rows weigh as 3 phrases here
    right = sum(family_of(map_indicator(p)[0]) == fam for p, fam in phrases.items())
    assert right / len(phrases) >= 0.70


@pytest.mark.parametrize(("phrase", "family"), [
    pytest.param("省级艺术教育特色学校", "designated_schools", id="ziyang-arts-specialty-schools"),
    pytest.param("全国校园足球特色学校", "designated_schools", id="seed-football-schools"),
    pytest.param("“经典诵读特色学校”", "designated_schools", id="putian-recitation-schools"),
    pytest.param("镇(乡)中心小学以上学校配备音乐、美术专职教师", "staffing", id="jinhua-arts-teachers"),
    pytest.param("新增音乐专职教师", "staffing", id="ziyang-new-teachers"),
    pytest.param("初中学校艺术课程课时占义务教育阶段艺术课程总课时的比例", "curriculum", id="shandong-curriculum-share"),
    pytest.param("普通高中美育类必修课程学分", "curriculum", id="ziyang-credits"),
    pytest.param("新增基础教育学位", "places_and_enrolment", id="shenzhen-places"),
    pytest.param("马路口小学计划招生人数", "places_and_enrolment", id="zhuhui-admissions"),
    pytest.param("全市在园幼儿数", "places_and_enrolment", id="huzhou-children-enrolled"),
    pytest.param("公办幼儿园规划总投资", "investment", id="quanzhou-investment"),
    pytest.param("市级财政每年安排美育专项资金", "investment", id="putian-special-fund"),
])
def test_indicator_families_from_differently_worded_documents(phrase, family):
    assert family_of(map_indicator(phrase)[0]) == family


@pytest.mark.parametrize(("phrase", "indicator_id"), [
    # real phrases no pattern names (潍坊 and 石家庄 美育 opinions), close to a name or synonym
    pytest.param("在全市具有影响力的优秀学生艺术特色社团", "arts_groups", id="weifang-arts-clubs"),
    pytest.param("保证美育教师每年参与各级专业培训", "teachers_trained", id="shijiazhuang-teacher-training"),
])
def test_fuzzy_fallback_maps_close_phrasings_with_their_score(phrase, indicator_id):
    assert best_match(phrase) is None
    ind_id, _, _, score = map_indicator(phrase)
    assert ind_id == indicator_id and 0.75 <= score < 1


@pytest.mark.parametrize("phrase", [
    pytest.param("全市中小学生艺术素质测评覆盖率", id="shares-qualifiers-not-head"),
    pytest.param("指导教师", id="too-vague"),
    pytest.param("津贴标准", id="vaguer-than-the-name"),
    pytest.param("小学入学年龄(6周岁入学制)", id="age-norm-is-no-entry-rate"),
])
def test_fuzzy_fallback_stays_below_threshold_for_other_indicators(phrase):
    ind, score = fuzzy_match(phrase)
    assert ind is None and (score is None or score < 0.75)
    assert map_indicator(phrase) == (None, None, None, None)


def test_pattern_matches_score_one_and_trailing_qualifiers_are_no_head():
    assert map_indicator("学前三年毛入园率")[3] == 1.0
    assert map_indicator("新增学位(新建公办普高)")[0] == "school_places_added"
    assert map_indicator("秋季新开办公办义务教育学校(截至9月进展)")[0] == "schools_built"
