"""The temporal frame: plan period, annual year, stage blocks, status blocks and review years,
on real titles and paragraphs of the dev set, the 美育 exports and the seeds."""

from __future__ import annotations

import pandas as pd
import pytest

from eduanalysis import schema
from eduanalysis.extract.clauses import Context
from eduanalysis.extract.frame import annual_year, clause_contexts, document_frame
from eduanalysis.extract.structure import sections_and_measures
from eduanalysis.extract.targets import targets
from eduanalysis.read import documents as corpus


def row(text: str = "", **meta) -> dict:
    base = {"plan_start_year": None, "plan_end_year": None, "doc_type_zh": None, "title_zh": None,
            "written_date": None, "published_date": None, "text": text, "body_start": 0}
    return base | meta


@pytest.mark.parametrize(("head", "year"), [
    pytest.param("关于下达2015年全区小学秋季招生计划的通知", 2015, id="enrolment-plan-title-zhuhui"),
    pytest.param("2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况", 2020,
                 id="minsheng-title-quanzhou"),
    pytest.param("2022年学位建设情况\n\n  2022年度学位建设任务同时纳入年度市政府重点任务分工", 2022, id="niandu-shenzhen"),
    pytest.param("各区县教育局,市属学校: 根据湖州市教育事业发展的要求,各区县教育局和市属学校要认真做好2022年教育事业计划的编报工作",
                 2022, id="opening-line-huzhou"),
    pytest.param("威海市教育局(中共威海市委教育工委)2019年工作要点", 2019, id="work-plan-seed-003"),
    pytest.param("各区市教育局:\n 《威海市教育局(中共威海市委教育工委)2019年工作要点》已经研究通过,现予印发", 2019,
                 id="enclosed-title-is-the-document-seed-003"),
    pytest.param("关于印发《福建省学校美育指导专家库管理办法(试行)》的通知", None, id="enclosed-non-annual-meiyu"),
    pytest.param("贯彻《中共福建省委福建省人民政府关于开展2017年为民办实事工作的通知》,全面加强学校美育", None,
                 id="cited-title-is-not-the-document-meiyu"),
    pytest.param("2020年全市教育工作总体要求:以习近平新时代中国特色社会主义思想为指导", 2020, id="work-requirements-seed-002"),
    pytest.param("关于对泽库县教育局“三区三州”脱贫攻坚项目建设情况的公示\n\n时间:2020-04-28 |浏览:16124", None,
                 id="notice-with-a-date-line-is-not-annual-zeku"),
    pytest.param("山东省人民政府办公厅关于贯彻国办发〔2015〕71号文件全面加强和改进学校美育工作的实施意见", None,
                 id="opinion-is-not-annual-shandong"),
])
def test_annual_year_from_title_or_opening(head, year):
    assert annual_year(row(head)) == year


def test_annual_frame_dates_commitments_to_its_year_and_metadata_wins():
    frame = document_frame(row("2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况"))
    assert (frame.annual, frame.plan_start_year, frame.plan_end_year, frame.doc_year) == (True, 2020, 2020, 2020)
    typed = document_frame(row("大连市教育局", doc_type_zh="工作要点", written_date="2020-02-10"))
    assert (typed.annual, typed.plan_end_year) == (True, 2020)
    # a multi-year plan stays one even when its opening cites an annual task
    plan = document_frame(row("为完成2021年工作要点确定的任务,制定本规划", plan_start_year=2021, plan_end_year=2025))
    assert (plan.annual, plan.plan_end_year) == (False, 2025)


@pytest.mark.parametrize(("title", "period"), [
    pytest.param("会昌县“十四五”教育科技体育事业发展规划", (2021, 2025), id="shisiwu-huichang"),
    pytest.param("萍乡市“十四五”教育事业发展规划", (2021, 2025), id="shisiwu-seed-004"),
    pytest.param("关于印发《国家中长期教育改革和发展规划纲要(2010-2020年)》学习要点的通知", (None, None),
                 id="cited-title-gives-no-period"),
])
def test_plan_period_from_the_title_when_metadata_has_none(title, period):
    frame = document_frame(row(title_zh=title))
    assert (frame.plan_start_year, frame.plan_end_year) == period


def test_plan_period_from_the_first_line_when_no_title_is_known():
    first_line = document_frame(row("会昌县“十四五”教育科技体育事业发展规划\n\n来源: 访问量: 发布日期:2022-12-13 18:50:37"))
    assert (first_line.plan_start_year, first_line.plan_end_year) == (2021, 2025)
    no_period = document_frame(row("盘锦市推进教育高质量发展行动计划\n\n发布日期:2019-05-31"))
    assert (no_period.plan_start_year, no_period.plan_end_year) == (None, None)


def build(raw: str, **manifest) -> pd.DataFrame:
    """Targets of one text through the real reader and segmenter, metadata given as a manifest row."""
    record, boiler = corpus.document_record("x.txt", raw, "utf-8", "txt", manifest_row={k: str(v) for k, v in manifest.items()})
    documents = schema.validate(pd.DataFrame([record], columns=schema.DOCUMENTS.column_names), "documents")
    boilerplate = schema.validate(pd.DataFrame(boiler, columns=schema.BOILERPLATE.column_names), "boilerplate")
    sections, measures = sections_and_measures(documents, boilerplate)
    return targets(documents, sections, measures)


def years(out: pd.DataFrame) -> list[tuple]:
    return [(r.value, r.kind, None if pd.isna(r.year) else int(r.year), r.year_origin if isinstance(r.year_origin, str) else None)
            for r in out.itertuples()]


JINHUA = ("金华市人民政府办公室关于全面加强和改进学校美育工作的实施意见\n"
          "二、主要目标\n"
          "到2018年,美育工作取得突破性的进展。各级各类学校开齐开足美育课程,初中阶段取得较大进步。"
          "美育师资、设施设备等资源配置进一步优化,管理机制逐步完善。市级艺术特色学校达150所以上。\n"
          "到2020年,初步形成各学段相互衔接的现代化美育体系。市级艺术特色学校达160所以上。\n"
          "三、主要措施\n"
          "帮助学生形成一两项艺术特长和爱好。\n")
ZIYANG = ("资阳市人民政府办公室关于全面加强和改进学校美育工作的通知\n"
          "(四)加大投入、补齐短板、缩小差距,加快音乐美术专用教室和器材配备达标建设。加强中小学校艺术场馆建设。"
          "至2018年,新增音乐器材配备达标学校200所、新增美术器材配备达标学校200所。至2020年,音乐、美术专用教室和器材设备配备达标。\n"
          "(五)创新美育实践活动内容与形式。联合打造10个美育综合培训基地。\n")


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(JINHUA, [(150, "target", 2018, "stage"), (160, "target", 2020, "stage"), (1, "target", 2020, "horizon")],
                 id="stage-paragraphs-jinhua"),
    pytest.param(ZIYANG, [(200, "target", 2018, "stated"), (200, "target", 2018, "stated"), (10, "target", 2020, "horizon")],
                 id="stage-sentence-zhi-ziyang"),
])
def test_stage_blocks_govern_their_paragraph_then_the_horizon(raw, expected):
    assert years(build(raw, plan_end_year=2020, written_date="2016-12-10")) == expected


def test_inline_stage_governs_only_its_sentence():
    raw = ("莆田市人民政府办公室关于全面加强和改进学校美育工作的实施意见\n"
           "(三)面向全体学生开展美育实践活动。到2018年重点建设20个市、县区“教师艺术团”,注册认定80个校级学生艺术团,"
           "组织开展全市“优秀学生艺术团”评比。持续开展“书法名家进校园”活动,创建40所“书法教育示范学校”、40所“经典诵读特色学校”。\n")
    assert years(build(raw, plan_end_year=2020)) == [
        (20, "target", 2018, "stated"), (80, "target", 2018, "stated"), (40, "target", 2020, "horizon"),
        (40, "target", 2020, "horizon")]


def contexts(sentences: list[str], base: Context) -> list[Context]:
    """Frames of consecutive sentences of one paragraph, as the segmenter cuts them."""
    text = "".join(sentences)
    rows, pos = [], 0
    for i, t in enumerate(sentences):
        rows.append({"measure_id": f"m{i}", "section_id": "s1", "kind": "text", "text": t,
                     "char_start": pos, "char_end": pos + len(t)})
        pos += len(t)
    return [ctx for _, ctx in clause_contexts(pd.DataFrame(rows), text, base, set())]


@pytest.mark.parametrize(("vision", "plan_end"), [
    pytest.param("到2035年,我市教育水平大幅提升,实现教育基本公共服务均等化和现代化,全面建成教育强市和人力资源强市。",
                 2025, id="seed-004"),
    pytest.param("到2035年，基本形成全覆盖、多样化、高质量的具有中国特色的现代化学校美育体系。", 2022, id="meiyu-national"),
])
def test_vision_year_governs_only_the_sentence_that_states_it(vision, plan_end):
    stage = "到2022年,学校美育取得突破性进展,美育课程全面开齐开足。"
    after = "全面普及15年基本公共教育,为每一个孩子提供接受良好教育的机会。"
    base = Context(plan_start_year=2021, plan_end_year=plan_end)
    assert [c.horizon_year for c in contexts([stage, after], base)] == [None, 2022]
    assert [c.horizon_year for c in contexts([vision, after], base)] == [None, None]


@pytest.mark.parametrize(("raw", "expected"), [
    # 深圳 (民生实事 report) and 泉州 (1-4月进展情况, dev set): the year's plan, then a 截至N月 progress status
    pytest.param("2022年学位建设情况\n\n  全年将新改扩建幼儿园、中小学校178所。"
                 "截至9月,学位建设进展整体顺利,秋季将新开办中小学校、幼儿园共 93 所,新增各类学位超 15 万个。\n",
                 [(178, "target", 2022, "annual"), (93, "baseline", 2022, "document_year"),
                  (15, "baseline", 2022, "document_year")], id="jiezhi-9-yue-shenzhen"),
    pytest.param("2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况\n\n  预计建成后可新增学位约5400个。"
                 "截至4月,已推动开工建设7所,开工率35%;完成投资3212万元,占年度投资计划的32.12%,各建设项目按序时推进。\n",
                 [(5400, "target", 2020, "annual"), (7, "baseline", 2020, "document_year"), (35, "baseline", 2020, "document_year"),
                  (3212, "baseline", 2020, "document_year"), (32.12, "baseline", 2020, "document_year")], id="jiezhi-4-yue-quanzhou"),
])
def test_status_clause_reports_the_document_year(raw, expected):
    """A progress status as of a month (截至N月) turns its numbers, and those after it, into baselines of the
    document's year; the plan figures before it stay the year's targets."""
    assert years(build(raw)) == expected


def test_review_section_reports_the_year_before_the_plan():
    raw = ("会昌县“十四五”教育科技体育事业发展规划\n"
           "第一章 发展基础\n"
           "2017年7月,成立县委教科体工委,工委下辖58个党组织,1200余名党员,实现党组织全覆盖。\n"
           "第二章 发展目标\n"
           "到2025年,学前三年毛入园率达到92%。\n")
    assert years(build(raw, plan_start_year=2021, plan_end_year=2025)) == [
        (58, "baseline", 2020, "review"), (1200, "baseline", 2020, "review"), (92, "target", 2025, "stated")]


SHANDONG_GOALS = ("(二)总体目标。到2018年,按国家部署要求开齐开足开好美育课程;以学区为单位,配齐音乐、美术等美育课程专职教师。"
                  "到2020年,初步建立起大中小幼美育相互衔接的美育实施体系。")
PUTIAN_GOALS = ("学校美育工作以立德树人为根本任务,遵循美育特点与规律,统筹推进学校美育工作。到2018年,美育改革取得突破性进展,"
                "资源配置逐步优化。到2020年,培养一批省、市级美育教学名师,组建一批美育名师工作室。")
SEED_004_GOALS = ("到2025年,各级各类教育普及目标全面实现,教育改革发展成果更公平地惠及全体人民。"
                  "到2035年,我市教育水平大幅提升,实现教育基本公共服务均等化和现代化,全面建成教育强市和人力资源强市。")


@pytest.mark.parametrize(("text", "end", "origin", "expected"), [
    pytest.param(SHANDONG_GOALS, 2018, "inferred", 2020, id="later-stage-shandong"),
    pytest.param(PUTIAN_GOALS, 2018, "inferred", 2020, id="later-stage-putian"),
    pytest.param(PUTIAN_GOALS, None, None, 2020, id="no-metadata-putian"),
    pytest.param(SEED_004_GOALS, 2025, "inferred", 2025, id="vision-is-no-stage-seed-004"),
    pytest.param(SHANDONG_GOALS, 2018, "manifest", 2018, id="manifest-wins"),
])
def test_plan_end_is_the_last_stage_block(text, end, origin, expected):
    frame = document_frame(row(text, plan_end_year=end, plan_end_year_origin=origin))
    assert frame.plan_end_year == expected
