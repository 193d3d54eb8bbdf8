"""The clause rules of the target extractor, on real snippets of the five seed documents.

Each case is a clause as it stands in a document, the document context it needs
(plan horizon, annual work plan, review section) and the quantities the gold
annotation rules (tests/fixtures/gold/README.md) ask for:
``(value, value_max, unit_text, comparator, kind, year)``. An empty list means
the numbers in the clause are names, labels, dates or enumeration summaries.
"""

from __future__ import annotations

import pandas as pd
import pytest

from eduanalysis.extract.clauses import Context, extract_clause
from eduanalysis.extract.indicator_tables import parse_flat_table, parse_tab_table, table_quantity
from eduanalysis.extract.targets import targets

# Contexts of the seed documents (see the manifest): an action plan to 2022, a supplement
# to 2025 published 2024, two annual work plans, and a five-year plan (2021-2025).
PLAN_2022 = Context(plan_start_year=2019, plan_end_year=2022, doc_year=2019)
PLAN_2025 = Context(plan_start_year=2023, plan_end_year=2025, doc_year=2024)
ANNUAL_2020 = Context(plan_start_year=2020, plan_end_year=2020, annual=True, doc_year=2020)
ANNUAL_2019 = Context(plan_start_year=2019, plan_end_year=2019, annual=True, doc_year=2019)
FIVE_YEAR = Context(plan_start_year=2021, plan_end_year=2025, doc_year=2021)
REVIEW = Context(plan_start_year=2021, plan_end_year=2025, doc_year=2021, review=True)


def T(value, unit, comparator, kind, year, value_max=None):
    return (value, value_max, unit, comparator, kind, year)


def got(text: str, context: Context) -> list[tuple]:
    return [(q.value, q.value_max, q.unit_text, q.comparator, q.kind, q.year) for q in extract_clause(text, context)]


CASES = [
    # --- number forms: Chinese numerals, decimals, 万/亿 in the unit, ranges -----------------
    pytest.param("切实保证中小学生每天一小时校园体育活动", PLAN_2022,
                 [T(1, "小时", "=", "standard", None)], id="chinese-one-hour-daily-norm"),
    pytest.param("开展百场党的创新理论宣讲活动", PLAN_2025, [T(100, "场", "=", "target", 2025)], id="chinese-bai"),
    pytest.param("城区单个小区每1200户配套建设1所不少于六个班的幼儿园", FIVE_YEAR,
                 [T(1200, "户", "=", "standard", None), T(6, "个班", ">=", "standard", None)], id="chinese-six-classes-threshold"),
    pytest.param("推进三所高职学院、技师学院提质升级为示范", FIVE_YEAR, [T(3, "所", "=", "target", 2025)], id="chinese-three-schools"),
    pytest.param("每个县区建设至少一所技工学校", FIVE_YEAR, [T(1, "所", ">=", "target", 2025)], id="chinese-one-with-cue"),
    pytest.param("推动市内各高等职业院校优势特色专业至少与一个相关领域龙头企业建立深入合作关系", FIVE_YEAR,
                 [T(1, "个", ">=", "target", 2025)], id="chinese-one-ge"),
    pytest.param("五年来,各级财政共投入资金285.35亿元", REVIEW, [T(285.35, "亿元", "=", "baseline", 2020)], id="decimal-yi-yuan"),
    pytest.param("发放各类助学金约2600万元", ANNUAL_2019, [T(2600, "万元", "~", "target", 2019)], id="wan-yuan-approx"),
    pytest.param("实施学校建设项目12个,新建改扩建一批中小学、幼儿园和职业学校,新增校舍24万平方米", PLAN_2025,
                 [T(12, "个", "=", "target", 2025), T(24, "万平方米", "=", "target", 2025)], id="wan-m2-and-yipi"),
    pytest.param("资助各学段学生2.6万人次,发放各类助学金约2600万元,确保不让一个孩子因家庭经济困难而辍学", ANNUAL_2019,
                 [T(2.6, "万人次", "=", "target", 2019), T(2600, "万元", "~", "target", 2019)], id="wan-person-times-rhetorical-one"),
    pytest.param("创建“云岭先锋·育人红烛”先进示范学校3—5所", PLAN_2025, [T(3, "所", "range", "target", 2025, 5)], id="range-em-dash"),
    pytest.param("让学生熟练掌握1至2项终身受益的运动技能", PLAN_2025, [T(1, "项", "range", "target", 2025, 2)], id="range-zhi"),
    pytest.param("扶持2-3个服务我市产业发展的紧缺专业,创建5-8个省市级品牌专业", ANNUAL_2019,
                 [T(2, "个", "range", "target", 2019, 3), T(5, "个", "range", "target", 2019, 8)], id="range-hyphen"),
    pytest.param("每所中等职业学校建好3至5个特色专业", PLAN_2025, [T(3, "个", "range", "target", 2025, 5)], id="range-per-unit-coverage"),
    pytest.param("建设5-10门线上高校优质课程", FIVE_YEAR, [T(5, "门", "range", "target", 2025, 10)], id="range-courses"),
    pytest.param("推动每个学生至少熟练掌握1-2项运动技能,确保中小学生每天校内体育活动时间不少于1小时,全面增强学生体质",
                 FIVE_YEAR, [T(1, "项", "range", "target", 2025, 2), T(1, "小时", ">=", "standard", None)],
                 id="range-beats-zhishao"),
    pytest.param("争取1-2个学科成为专业硕士学位授权点", FIVE_YEAR, [T(1, "个", "range", "target", 2025, 2)], id="range-hedged"),
    # --- comparators ---------------------------------------------------------------------
    pytest.param("到2025年,学前三年毛入园率达94.5%以上,公办园幼儿占比达60%以上,九年义务教育巩固率保持在99.5%以上,"
                 "高中阶段毛入学率达94%以上,基础教育“五育”并举综合改革成效明显", PLAN_2025,
                 [T(94.5, "%", ">=", "target", 2025), T(60, "%", ">=", "target", 2025),
                  T(99.5, "%", ">=", "target", 2025), T(94, "%", ">=", "target", 2025)], id="ge-yishang"),
    pytest.param("到2020年,普惠性幼儿园在园儿童占比达到80%以上,在公办幼儿园的幼儿数占比达到50%", PLAN_2022,
                 [T(80, "%", ">=", "target", 2020), T(50, "%", "=", "target", 2020)], id="ge-then-eq"),
    pytest.param("每年面向社会开展培训测试不少于10000人次", PLAN_2025, [T(10000, "人次", ">=", "target", None)], id="ge-bushaoyu-recurring"),
    pytest.param("建设3所省级优质中等职业学校,每所学校设置3个及以上优质专业", PLAN_2025,
                 [T(3, "所", "=", "target", 2025), T(3, "个", ">=", "target", 2025)], id="ge-jiyishang"),
    pytest.param("年培训教师3万余人次", ANNUAL_2019, [T(3, "万人次", ">=", "target", 2019)], id="ge-yu-infix"),
    pytest.param("开展“质量下乡百校行”活动,年培训农村校长教师9000余人次", ANNUAL_2019,
                 [T(9000, "人次", ">=", "target", 2019)], id="ge-yu-quoted-bai"),
    pytest.param("支持各县(市、区)至少创建1所一级一等幼儿园,各县(市、区)30%以上的乡镇(街道)中心幼儿园创建为一级三等幼儿园",
                 PLAN_2025, [T(1, "所", ">=", "target", 2025), T(30, "%", ">=", "target", 2025)], id="ge-zhishao-rating-label"),
    pytest.param("帮助每个学生至少具有1项艺术爱好、形成1项艺术特长", FIVE_YEAR,
                 [T(1, "项", ">=", "target", 2025), T(1, "项", ">=", "target", 2025)], id="ge-zhishao-distributes"),
    pytest.param("中职升高职比例不低于毕业生总数的60%", PLAN_2025, [T(60, "%", ">=", "target", 2025)], id="ge-budiyu-outcome"),
    pytest.param("2020年底前实现互联网接入速率不低于100M", ANNUAL_2020, [T(100, "M", ">=", "target", 2020)], id="ge-bandwidth-M"),
    pytest.param("到2019年底,全面消除56人以上大班额,到2022年,实现小学班额不超过45人,初中不超过50人,基本消除大校额",
                 PLAN_2022, [T(56, "人", ">=", "target", 2019), T(45, "人", "<=", "target", 2022),
                             T(50, "人", "<=", "target", 2022)], id="le-buchaoguo-nearest-year"),
    pytest.param("1200户以下的小区或居民区采取合建的方式配套建设", FIVE_YEAR, [T(1200, "户", "<=", "standard", None)], id="le-yixia-threshold"),
    pytest.param("到2022年,依托联盟培育10个左右产教融合型企业", PLAN_2022, [T(10, "个", "~", "target", 2022)], id="approx-zuoyou"),
    pytest.param("评选100个左右“党员教师先锋岗”", ANNUAL_2020, [T(100, "个", "~", "target", 2020)], id="approx-before-quote"),
    pytest.param("到2025年底,全市建成7所左右省级特色普通高中,推进萍乡中学、萍乡三中等特色学校建设", FIVE_YEAR,
                 [T(7, "所", "~", "target", 2025)], id="approx-school-name-digit"),
    pytest.param("完成新开办公办幼儿园15所,增加公办普惠学位6000个任务", ANNUAL_2020,
                 [T(15, "所", "=", "target", 2020), T(6000, "个", "delta_up", "target", 2020)], id="delta-up-zengjia"),
    pytest.param("继续增加体育设施对外开放学校数量,年内再开放30所", ANNUAL_2019, [T(30, "所", "delta_up", "target", 2019)], id="delta-up-zai"),
    pytest.param("确保我市儿童青少年总体近视率年度降低 0.5 个百分点", ANNUAL_2019,
                 [T(0.5, "个百分点", "delta_down", "target", 2019)], id="delta-down-percentage-points-spaced"),
    pytest.param("坚持勤俭节约办事业,压缩5%一般性支出", ANNUAL_2020, [T(5, "%", "delta_down", "target", 2020)], id="delta-down-yasuo"),
    pytest.param("扩增普惠性学前教育资源,新建改扩建普惠性幼儿园20所,新增学位5010个", ANNUAL_2019,
                 [T(20, "所", "=", "target", 2019), T(5010, "个", "=", "target", 2019)], id="count-xinzeng-not-delta"),
    pytest.param("加快学校国际化建设,具有接受外国学生资格学校增至90所", ANNUAL_2019, [T(90, "所", "=", "target", 2019)], id="eq-zengzhi"),
    pytest.param("启动第二期“威海教育名家工作室”建设工程,数量扩增至15个,覆盖到各学段", ANNUAL_2019,
                 [T(15, "个", "=", "target", 2019)], id="eq-kuozengzhi-ordinal"),
    pytest.param("到2025年,义务教育阶段特殊教育生均公用经费补助标准提高至每生每年7000元以上,适龄残疾儿童义务教育入学率达到97%",
                 PLAN_2025, [T(7000, "元", ">=", "target", 2025), T(97, "%", "=", "target", 2025)], id="eq-tigaozhi-norm-with-horizon"),
    pytest.param("到2025年,争取各县(市、区)均有1所幼儿园开展融合教育", PLAN_2025, [T(1, "所", "=", "target", 2025)], id="eq-junyou"),
    pytest.param("到2025年,全市中等职业学校办学条件100%达标,在校学生保持在3万人以上,高等职业学校在校生达9500人以上",
                 PLAN_2025, [T(100, "%", "=", "target", 2025), T(3, "万人", ">=", "target", 2025),
                             T(9500, "人", ">=", "target", 2025)], id="eq-percent-dabiao"),
    pytest.param("每个中小学班级教室配备1套多媒体教学设备、音响视频设备", PLAN_2025, [T(1, "套", "=", "target", 2025)], id="eq-per-classroom"),
    pytest.param("加强县域普通高中建设,支持每个县区建好办强1所公办普通高中", FIVE_YEAR, [T(1, "所", "=", "target", 2025)], id="eq-per-county"),
    pytest.param("乡镇及以上学校“智慧校园”覆盖率达到100%", FIVE_YEAR, [T(100, "%", "=", "target", 2025)], id="eq-horizon-default"),
    # --- kinds: standards ------------------------------------------------------------------
    pytest.param("中职学校可预留教职工编制总数的15%(不做固定事业编制人员招录)专门用于聘请专业课兼职教师", PLAN_2022,
                 [T(15, "%", "=", "standard", None)], id="standard-staffing-share"),
    pytest.param("落实地方教育附加费用于职业教育的比例不低于30%的政策", PLAN_2022, [T(30, "%", ">=", "standard", None)], id="standard-levy-share"),
    pytest.param("严格落实班主任300元/月津贴标准", PLAN_2022, [T(300, "元/月", "=", "standard", None)], id="standard-allowance"),
    pytest.param("按照财政性教育经费支出占GDP的比例不低于4%", PLAN_2025, [T(4, "%", ">=", "standard", None)], id="standard-gdp-share"),
    pytest.param("家长学校建设实现全覆盖,每学期对学生家长开展家庭教育知识培训2次", PLAN_2025,
                 [T(2, "次", "=", "standard", None)], id="standard-per-term-frequency"),
    pytest.param("职业学校以实习实训课为主要载体开展劳动教育,其中劳动精神、劳模精神、工匠精神专题教育不少于16学时", ANNUAL_2020,
                 [T(16, "学时", ">=", "standard", None)], id="standard-class-hours"),
    pytest.param("推进农村地区新建、改扩建乡镇公办中心园,市政府按照政策给予80%投资补助", ANNUAL_2020,
                 [T(80, "%", "=", "standard", None)], id="standard-investment-subsidy"),
    pytest.param("落实乡村教师支持计划,教师交流轮岗比例不低于应交流人数的10%,其中,骨干教师不低于20%", ANNUAL_2019,
                 [T(10, "%", ">=", "standard", None), T(20, "%", ">=", "standard", None)], id="standard-rotation-qizhong"),
    pytest.param("为全市23所承担5人以上残疾学生随班就读但没有资源教室的学校分别建立一个普通型特殊教育资源教室", ANNUAL_2020,
                 [T(23, "所", "=", "target", 2020), T(5, "人", ">=", "standard", None)], id="standard-eligibility-threshold"),
    pytest.param("确保城区每0.3-1.2万人口建设一所幼儿园,城区单个小区每1200户配套建设1所不少于六个班的幼儿园,"
                 "1200户以下的小区或居民区采取合建的方式配套建设", FIVE_YEAR,
                 [T(0.3, "万人", "range", "standard", None, 1.2), T(1200, "户", "=", "standard", None),
                  T(6, "个班", ">=", "standard", None), T(1200, "户", "<=", "standard", None)], id="standard-planning-ratios"),
    pytest.param("推进农村常住人口2000人以上村公办幼儿园建设", FIVE_YEAR, [T(2000, "人", ">=", "standard", None)], id="standard-village-threshold"),
    pytest.param("坚持属地招生,落实优质高中招生指标合理分配到区域内初中的政策,确保分配比例不低于70%", FIVE_YEAR,
                 [T(70, "%", ">=", "standard", None)], id="standard-quota-allocation"),
    pytest.param("义务教育阶段学校公用经费中5%用于教师培训,非义务教育阶段学校(幼儿园)参照执行", FIVE_YEAR,
                 [T(5, "%", "=", "standard", None)], id="standard-training-funds"),
    pytest.param("创新幼儿园编制管理,探索多种用人方式,加大政府购买服务力度,按省定标准补足配齐教职工,确保幼儿园教师持证上岗率100%",
                 FIVE_YEAR, [T(100, "%", "=", "target", 2025)], id="target-despite-earlier-cue-word"),
    # --- kinds: recurring outputs and baselines ----------------------------------------
    pytest.param("建立中小学思政课教师轮训制度,每年培训100名中小学思政课教师,推荐一批省市级思政课典型案例", PLAN_2025,
                 [T(100, "名", "=", "target", None)], id="recurring-every-year-empty-year"),
    pytest.param("每年举办3项以上市级单项青少年体育竞赛活动", PLAN_2025, [T(3, "项", ">=", "target", None)], id="recurring-events"),
    pytest.param("在技术技能人才紧缺领域大力开展职业培训,年度培训规模达到职业院校在校生人数2倍以上", FIVE_YEAR,
                 [T(2, "倍", ">=", "target", 2025)], id="level-annual-scale-horizon"),
    pytest.param("到2025年,线上线下年实训规模达到3万人次以上", FIVE_YEAR, [T(3, "万人次", ">=", "target", 2025)], id="level-annual-scale"),
    pytest.param("开展校园足球特色学校(普及学校)、市级示范县区动态评估与考核,181所全国校园足球特色学校、30所足球特色幼儿园、"
                 "2个试点区及2个满天星训练营迎接国家复检", ANNUAL_2020,
                 [T(181, "所", "=", "baseline", 2020), T(30, "所", "=", "baseline", 2020),
                  T(2, "个", "=", "baseline", 2020), T(2, "个", "=", "baseline", 2020)], id="baseline-existing-designations"),
    pytest.param("综合施策消除义务教育现存147个“大班额”", ANNUAL_2020, [T(147, "个", "=", "baseline", 2020)], id="baseline-xiancun"),
    pytest.param("推动完善10个职业教育集团(联盟)、8个现代学徒制试点工作", ANNUAL_2019,
                 [T(10, "个", "=", "target", 2019), T(8, "个", "=", "target", 2019)], id="target-chain-not-baseline"),
    pytest.param("学前教育加快发展,学前三年毛入园率达96%", REVIEW, [T(96, "%", "=", "baseline", 2020)], id="baseline-review-rate"),
    pytest.param("逐年加大困难学生资助力度,累计资助学生32万余人次,金额4.11亿元", REVIEW,
                 [T(32, "万人次", ">=", "baseline", 2020), T(4.11, "亿元", "=", "baseline", 2020)], id="baseline-review-cumulative"),
    pytest.param("评选教坛新秀109人、骨干教师956人、学科带头人211人、特级教师27人", REVIEW,
                 [T(109, "人", "=", "baseline", 2020), T(956, "人", "=", "baseline", 2020),
                  T(211, "人", "=", "baseline", 2020), T(27, "人", "=", "baseline", 2020)], id="baseline-review-list"),
    pytest.param("培养“三定向”师范生1206名,公开招聘中小学教师1075名、岗教师1154名,引进硕士研究生81名", REVIEW,
                 [T(1206, "名", "=", "baseline", 2020), T(1075, "名", "=", "baseline", 2020),
                  T(1154, "名", "=", "baseline", 2020), T(81, "名", "=", "baseline", 2020)], id="baseline-review-quoted-label"),
    pytest.param("举办各类法治培训班43期,培训校长、法治骨干教师、思政课教师等3300人次", REVIEW,
                 [T(43, "期", "=", "baseline", 2020), T(3300, "人次", "=", "baseline", 2020)], id="baseline-review-sessions"),
    # --- year rules --------------------------------------------------------------------
    pytest.param("积极推进实施第三期学前教育行动计划,2019年底全市普惠性幼儿园覆盖率达到89%", ANNUAL_2019,
                 [T(89, "%", "=", "target", 2019)], id="year-explicit-end-of-year"),
    pytest.param("到2025年,全市建成140所文明校园、100所体育特色学校、50所美育示范校、80个劳动教育实践基地,创建10所省级语言文字规范化示范校",
                 FIVE_YEAR, [T(140, "所", "=", "target", 2025), T(100, "所", "=", "target", 2025), T(50, "所", "=", "target", 2025),
                             T(80, "个", "=", "target", 2025), T(10, "所", "=", "target", 2025)], id="year-list-under-horizon"),
    pytest.param("全市残疾儿童少年入学率达到96%以上", Context(plan_start_year=2019, plan_end_year=2022, horizon_year=2022),
                 [T(96, "%", ">=", "target", 2022)], id="year-carried-from-previous-clause"),
    pytest.param("到2025年,新改扩建140所公办幼儿园,普惠性学前教育覆盖率达到92%以上,学前教育三年毛入园率达到96%以上,公办园在园幼儿数占比达到55%",
                 FIVE_YEAR, [T(140, "所", "=", "target", 2025), T(92, "%", ">=", "target", 2025),
                             T(96, "%", ">=", "target", 2025), T(55, "%", "=", "target", 2025)], id="year-duration-in-name"),
    pytest.param("到2025年,培养省市级学科带头人250人、骨干教师1500人", FIVE_YEAR,
                 [T(250, "人", "=", "target", 2025), T(1500, "人", "=", "target", 2025)], id="year-persons"),
    pytest.param("到2025年,新改扩建城区学校37所,改善农村学校250所,建设农村教师周转房430套", FIVE_YEAR,
                 [T(37, "所", "=", "target", 2025), T(250, "所", "=", "target", 2025), T(430, "套", "=", "target", 2025)], id="year-sets"),
    # --- exclusions --------------------------------------------------------------------
    pytest.param("经市政府八届第22次常务会议讨论研究通过", PLAN_2022, [], id="excl-meeting-number"),
    pytest.param("全面贯彻落实党的二十大和二十届二中全会精神", PLAN_2025, [], id="excl-plenary-session"),
    pytest.param("围绕省委“3815”战略发展目标和全省教育高质量发展三年行动计划", PLAN_2025, [], id="excl-quoted-strategy-label"),
    pytest.param("认真落实习近平总书记致云南大学建校100周年重要贺信精神", PLAN_2025, [], id="excl-anniversary"),
    pytest.param("推动“两学一做”常态化、制度化", PLAN_2022, [], id="excl-slogan"),
    pytest.param("逐步建构0—3岁婴幼儿托育服务体系", PLAN_2022, [], id="excl-age-cohort"),
    pytest.param("开展思政课名师、优课评选活动,用三年时间实现校校有思政课名师", PLAN_2022, [], id="excl-duration-horizon"),
    pytest.param("推进现代学徒制、学分银行、“1+X”证书制度试点", ANNUAL_2020, [], id="excl-1-plus-x"),
    pytest.param("积极宣传大连市“5+22”及升级版人才政策", ANNUAL_2020, [], id="excl-5-plus-22"),
    pytest.param("针对新高考3+1+2模式全学科送教", PLAN_2025, [], id="excl-unquoted-sum-label"),
    pytest.param("完成《大连市第三期学前教育行动计划(2017-2020年)》任务", ANNUAL_2020, [], id="excl-title-year-span"),
    pytest.param("深入贯彻《幼儿园工作规程》《3-6岁儿童学习与发展指南》", ANNUAL_2020, [], id="excl-title-ages"),
    pytest.param("大力实施行业扶贫、定点扶贫、协作扶贫3项攻坚任务", ANNUAL_2019, [], id="excl-enumeration-summary"),
    pytest.param("稳步推进各级各类学校语言文字达标建设和县域普通话验收两项工作", ANNUAL_2019, [], id="excl-enumeration-he"),
    pytest.param("深入开展“不忘初心、牢记使命”主题教育,突出机关和系统两条主线", ANNUAL_2019, [], id="excl-enumeration-lines"),
    pytest.param("严格执行中央八项规定精神,驰而不息纠正“四风”", ANNUAL_2019, [], id="excl-eight-rules"),
    pytest.param("落实新时代各类教师职业行为十项准则", ANNUAL_2020, [], id="excl-ten-norms-unquoted"),
    pytest.param("探索通过5G升级提速教育专网", FIVE_YEAR, [], id="excl-5g"),
    pytest.param("落实教育信息化2.0行动计划,推进智慧教育工程", ANNUAL_2020, [], id="excl-version-label"),
    pytest.param("围绕庆祝新中国成立70周年,策划举办系列主题宣传活动", ANNUAL_2019, [], id="excl-70th-anniversary"),
    pytest.param("开展第八个全国学前教育宣传月活动", ANNUAL_2019, [], id="excl-ordinal"),
    pytest.param("实施市中小学生实践教育中心三期、文登师范学校和威海艺校加固改造", ANNUAL_2019, [], id="excl-project-phase"),
    pytest.param("开展“智慧教育”云平台二期建设应用培训", ANNUAL_2019, [], id="excl-project-phase-build"),
    pytest.param("全面普及15年基本公共教育,为每一个孩子提供接受良好教育的机会", FIVE_YEAR, [], id="excl-name-duration-every-child"),
    pytest.param("严格落实小学一年级“零起点”教学", PLAN_2022, [], id="excl-grade-and-zero-slogan"),
    pytest.param("指导符合条件的幼儿园积极创建四星、五星级幼儿园", ANNUAL_2020, [], id="excl-star-rating"),
    pytest.param("建设一支高素质、专业化的督学队伍", FIVE_YEAR, [], id="excl-indefinite-yizhi"),
    pytest.param("推动市、县(区)两级政府建立中小学校办学绩效考核制度", FIVE_YEAR, [], id="excl-levels"),
    pytest.param("推进市保育院、市第三幼儿园等省级示范园新扩建", FIVE_YEAR, [], id="excl-school-name-ordinal"),
    pytest.param("构建“一个引领、四个示范、N支撑”融合贯通发展的现代职业教育体系", FIVE_YEAR, [], id="excl-quoted-model"),
    pytest.param("三年内确保减轻学生过重作业负担和校外培训负担", FIVE_YEAR, [], id="excl-three-years-within"),
    pytest.param("支持优质中等职业学校与高等职业学校联合开展五年一贯制办学", PLAN_2025, [], id="excl-five-year-program"),
    pytest.param("“智慧作业”在3-9年级班级全面运用", FIVE_YEAR, [], id="excl-grades"),
    pytest.param("依托业务展评模块开展一师一优课、微课等资源建设活动", ANNUAL_2019, [], id="excl-one-x-one-y"),
    pytest.param("以习近平新时代中国特色社会主义思想为指导,深入贯彻党的十九大和十九届二中、三中、四中全会精神", ANNUAL_2020, [], id="excl-congress"),
    pytest.param("盘政办发〔2019〕24号", PLAN_2022, [], id="excl-document-number"),
    pytest.param("发布时间:2019-05-31 浏览次数:393", PLAN_2022, [], id="excl-metadata"),
    pytest.param("以我市重点建设的石化及精细化工、能源装备制造等8条产业链为纽带", PLAN_2022,
                 [T(8, "条", "=", "target", 2022)], id="neutral-industry-chains-allowed"),
    # --- phrasings of other regions (constructed on the gold rules, not from the seed documents) ---
    pytest.param("到2025年,学前教育毛入园率提高到92%以上", FIVE_YEAR, [T(92, "%", ">=", "target", 2025)], id="u-tigaodao-yishang"),
    pytest.param("高中阶段教育毛入学率提升至95%", FIVE_YEAR, [T(95, "%", "=", "target", 2025)], id="u-tishengzhi"),
    pytest.param("普惠性幼儿园覆盖率达到85%以上,公办园在园幼儿占比不低于50%", FIVE_YEAR,
                 [T(85, "%", ">=", "target", 2025), T(50, "%", ">=", "target", 2025)], id="u-coverage-and-share"),
    pytest.param("小学、初中班额分别控制在45人、50人以内", FIVE_YEAR,
                 [T(45, "人", "<=", "target", 2025), T(50, "人", "<=", "target", 2025)], id="u-kongzhizai-yinei"),
    pytest.param("力争到2025年,特殊教育学校生均公用经费不低于6000元", FIVE_YEAR,
                 [T(6000, "元", ">=", "target", 2025)], id="u-per-student-funding-with-horizon"),
    pytest.param("落实义务教育生均公用经费基准定额,小学每生每年不低于720元", FIVE_YEAR,
                 [T(720, "元", ">=", "standard", None)], id="u-per-student-funding-norm"),
    pytest.param("高等职业院校在校生规模年均增长5%", FIVE_YEAR, [T(5, "%", "delta_up", "target", None)], id="u-nianjun-growth"),
    pytest.param("新建中小学15所、幼儿园20所,新增学位1.2万个", FIVE_YEAR,
                 [T(15, "所", "=", "target", 2025), T(20, "所", "=", "target", 2025), T(1.2, "万个", "=", "target", 2025)],
                 id="u-new-schools-and-places"),
    pytest.param("新建、改扩建幼儿园30所,新增学前教育学位9000个", FIVE_YEAR,
                 [T(30, "所", "=", "target", 2025), T(9000, "个", "=", "target", 2025)], id="u-kindergartens-places"),
    pytest.param("中小学互联网接入率达到100%,多媒体教室比例达到95%以上", FIVE_YEAR,
                 [T(100, "%", "=", "target", 2025), T(95, "%", ">=", "target", 2025)], id="u-bili-dadao"),
    pytest.param("“十四五”期间累计培训中小学教师2万人次", FIVE_YEAR, [T(2, "万人次", "=", "target", 2025)], id="u-cumulative-current-plan"),
    pytest.param("到2025年,普通高中专任教师研究生学历比例较2020年提高5个百分点", FIVE_YEAR,
                 [T(5, "个百分点", "delta_up", "target", 2025)], id="u-jiao-2020-points"),
    pytest.param("学前三年毛入园率由2020年的88%提高到2025年的92%", FIVE_YEAR,
                 [T(88, "%", "=", "baseline", 2020), T(92, "%", "=", "target", 2025)], id="u-you-2020-dao-2025"),
    pytest.param("中小学生体质健康标准达标率达到92%以上", FIVE_YEAR, [T(92, "%", ">=", "target", 2025)], id="u-fitness"),
    pytest.param("力争全县儿童青少年近视率每年下降1个百分点", FIVE_YEAR,
                 [T(1, "个百分点", "delta_down", "target", None)], id="u-yearly-decline"),
    pytest.param("劳动年龄人口平均受教育年限达到11.5年", FIVE_YEAR, [T(11.5, "年", "=", "target", 2025)], id="u-years-of-schooling"),
    pytest.param("服务社会,劳动年龄人口平均受教育年限达12.3年以上", REVIEW, [T(12.3, "年", ">=", "baseline", 2020)],
                 id="u-years-of-schooling-review"),
    pytest.param("年内新增公办幼儿园学位3000个", ANNUAL_2020, [T(3000, "个", "=", "target", 2020)], id="u-annual-places"),
    pytest.param("每所乡镇中心学校至少配备1名专职心理健康教师", FIVE_YEAR, [T(1, "名", ">=", "target", 2025)], id="u-per-school-staff"),
    pytest.param("“十四五”末,全县公办园在园幼儿占比达到55%以上", FIVE_YEAR, [T(55, "%", ">=", "target", 2025)], id="u-plan-end"),
    pytest.param("实现小学生师比不高于19:1", FIVE_YEAR, [T(19, ":1", "<=", "target", 2025)], id="u-ratio-target"),
    pytest.param("幼儿园按照1:7的师生比配备保教人员", FIVE_YEAR, [T(7, "1:", "=", "standard", None)], id="u-ratio-staffing-norm"),
    pytest.param("超过三分之一的县(市、区)建成学前教育普及普惠县", FIVE_YEAR,
                 [T(0.3333, None, ">=", "target", 2025)], id="u-fraction-words"),
    pytest.param("2007年,市区学前第四年幼儿入园率达到50%以上,县(市)达到30%以上", Context(),
                 [T(50, "%", ">=", "target", 2007), T(30, "%", ">=", "target", 2007)], id="u-leading-year-no-plan"),
    pytest.param("发布时间:2021-06-30 09:30", FIVE_YEAR, [], id="u-excl-clock-time"),
    pytest.param("全面落实“双减”政策,推行“5+2”课后服务模式", FIVE_YEAR, [], id="u-excl-quoted-model"),
    pytest.param("特岗教师服务期满3年后", FIVE_YEAR, [], id="u-excl-duration-without-nianxian"),
]


@pytest.mark.parametrize(("text", "context", "expected"), CASES)
def test_extract_clause(text, context, expected):
    assert got(text, context) == expected


@pytest.mark.parametrize(("text", "hedged"), [
    pytest.param("力争普惠性幼儿园覆盖率达到85%", True, id="lizheng"),
    pytest.param("到2025年,争取各县(市、区)均有1所幼儿园开展融合教育", True, id="zhengqu"),
    pytest.param("普惠性学前教育覆盖率达到92%以上", False, id="plain"),
])
def test_hedged(text, hedged):
    assert [q.hedged for q in extract_clause(text, FIVE_YEAR)] == [hedged]


def test_value_norm_multiplies_out_wan_and_yi():
    q1, q2 = extract_clause("逐年加大困难学生资助力度,累计资助学生32万余人次,金额4.11亿元", REVIEW)
    assert (q1.value_norm, q1.unit) == (320_000, "person_times")
    assert q2.value_norm == pytest.approx(411_000_000) and q2.unit == "yuan"


def test_spans_index_the_clause():
    text = "创建国家级“双优”职校1所、省级“双优”职校3所"
    assert [text[q.start:q.end] for q in extract_clause(text, PLAN_2025)] == ["1", "3"]


def test_from_to_pairs_a_baseline():
    # constructed on the pattern 由A提高到B the issue names (the seed documents have none)
    a, b = extract_clause("到2025年,学前三年毛入园率由2020年的85%提高到92%以上", FIVE_YEAR)
    assert (a.value, a.kind, a.year) == (85, "baseline", 2020)
    assert (b.value, b.comparator, b.year, b.baseline_value, b.baseline_year) == (92, ">=", 2025, 85, 2020)


def test_comparison_base_year_is_not_the_target_year():
    q = extract_clause("高中阶段毛入学率比2020年提高2个百分点", FIVE_YEAR)[0]
    assert (q.value, q.unit_text, q.comparator, q.year, q.baseline_year) == (2, "个百分点", "delta_up", 2025, 2020)


def test_from_to_with_both_years_pairs_the_baseline():
    a, b = extract_clause("学前三年毛入园率由2020年的88%提高到2025年的92%", FIVE_YEAR)
    assert (b.baseline_value, b.baseline_year, a.kind) == (88, 2020, "baseline")


def test_ratio_and_fraction_values():
    (r,) = extract_clause("实现小学生师比不高于19:1", FIVE_YEAR)
    assert (r.value_text, r.value, r.unit, r.value_norm) == ("19:1", 19, "ratio", 19)
    (f,) = extract_clause("超过三分之一的县(市、区)建成学前教育普及普惠县", FIVE_YEAR)
    assert (f.value_text, f.unit) == ("三分之一", "fraction")


# --- flattened indicator tables (萍乡 "十四五" table 2, lines as in the document) ----------

TABLE_2 = ["指  标", "2020年", "2025年", "属性",
           "教育普及", "学前教育毛入园率(%)", "九年义务教育巩固率(%)", "高中阶段教育毛入学率(%)", "高等教育毛入学率(%)",
           "高等教育在学总规模(万人)", "96", "99.9", "98", "52", "5", "≥96", "99.9", "≥98", "60", "5.9",
           "预期性", "约束性", "预期性预期性", "预期性",
           "职业教育", "中等职业教育在校生(万人)", "高职专科教育在校生(万人)", "2.3", "2.9", "2.7", "3.5", "预期性", "预期性"]
TABLE_1 = ["指  标", "“十三五”规划目标", "2020年", "实现情况",
           "高中阶段教育", "在校生(万人)", "其中:中职教育", "毛入学率(%)", "8", "3", "98", "6", "2.3", "98",
           "人力资源开发", "新增劳动力平均受教育年限(年)", "劳动年龄人口平均受教育年限(年)", "14.5", "12.5", "-", "10.67"]


def test_flat_table_columns_and_attributes():
    cells = parse_flat_table(TABLE_2)
    assert len(cells) == 14
    target_cells = [(c.row_label, c.cell_text, c.attribute) for c in cells if c.column == "2025年"]
    assert target_cells[:5] == [("学前教育毛入园率(%)", "≥96", "预期性"), ("九年义务教育巩固率(%)", "99.9", "约束性"),
                                ("高中阶段教育毛入学率(%)", "≥98", "预期性"), ("高等教育毛入学率(%)", "60", "预期性"),
                                ("高等教育在学总规模(万人)", "5.9", "预期性")]
    assert {c.attribute for c in cells if c.column == "2020年"} == {None}


def test_flat_table_quantities_kind_year_unit():
    qs = [table_quantity(c, "主要指标", FIVE_YEAR) for c in parse_flat_table(TABLE_2)]
    first = qs[0]
    assert (first.value, first.unit_text, first.kind, first.year, first.comparator) == (96, "%", "baseline", 2020, "=")
    ge = qs[5]
    assert (ge.value, ge.comparator, ge.kind, ge.year, ge.attribute) == (96, ">=", "target", 2025, "预期性")
    assert ge.sentence == "[表]主要指标|教育普及|学前教育毛入园率(%)|2025年|≥96|预期性"


def test_flat_table_plan_column_split_header_sub_rows_and_dashes():
    qs = [table_quantity(c, "实现情况", FIVE_YEAR) for c in parse_flat_table(TABLE_1)]
    qs = [q for q in qs if q is not None]
    assert len(qs) == 9  # the "-" cell is no data
    sub = next(q for q in qs if q.indicator_text == "中职教育在校生" and q.kind == "target")
    assert (sub.value, sub.unit_text, sub.year) == (3, "万人", 2020)  # 十三五 ends 2020; unit from the row above
    actual = [q for q in qs if q.kind == "baseline"]
    assert {q.year for q in actual} == {2020} and all("|实现情况|" in q.sentence for q in actual)
    years = next(q for q in qs if q.value == 10.67)
    assert (years.unit_text, years.unit) == ("年", "years")


def test_tab_separated_table():
    lines = ["指标\t2020年\t2025年\t属性", "教育普及", "学前教育毛入园率(%)\t96\t≥96\t预期性",
             "九年义务教育巩固率(%)\t99.9\t99.9\t约束性"]
    qs = [table_quantity(c, "主要指标", FIVE_YEAR) for c in parse_tab_table(lines)]
    assert [(q.value, q.kind, q.year, q.comparator, q.attribute) for q in qs] == [
        (96, "baseline", 2020, "=", None), (96, "target", 2025, ">=", "预期性"),
        (99.9, "baseline", 2020, "=", None), (99.9, "target", 2025, "=", "约束性")]


def test_targets_table_from_frames():
    text = "发展基础\n学前三年毛入园率达96%。\n主要目标\n到2025年,新改扩建140所公办幼儿园;责任单位:市教育局"
    documents = pd.DataFrame([{"doc_id": "D1", "source_file": "a.txt", "text": text, "plan_start_year": 2021,
                               "plan_end_year": 2025, "doc_type_zh": "规划", "written_date": None, "published_date": None}])
    sections = pd.DataFrame([
        {"section_id": "D1-s001", "parent_id": None, "kind": "heading", "heading": "发展基础"},
        {"section_id": "D1-s002", "parent_id": None, "kind": "heading", "heading": "主要目标"}])
    spans = [("D1-s001", "heading", "发展基础"), ("D1-s001", "text", "学前三年毛入园率达96%"),
             ("D1-s002", "heading", "主要目标"), ("D1-s002", "text", "到2025年,新改扩建140所公办幼儿园"),
             ("D1-s002", "responsibility", "责任单位:市教育局")]
    rows = []
    for i, (sid, kind, t) in enumerate(spans, start=1):
        start = text.index(t)
        rows.append({"measure_id": f"D1-m{i:04d}", "doc_id": "D1", "section_id": sid, "kind": kind, "text": t,
                     "char_start": start, "char_end": start + len(t)})
    out = targets(documents, sections, pd.DataFrame(rows))
    assert out[["target_id", "kind", "value", "year", "unit_text"]].values.tolist() == [
        ["D1-m0002-t01", "baseline", 96.0, 2020, "%"], ["D1-m0004-t01", "target", 140.0, 2025, "所"]]
    assert [text[s:e] for s, e in zip(out.char_start, out.char_end, strict=True)] == ["96", "140"]
    assert out.indicator_id.tolist() == ["preschool_gross_enrolment", "kindergartens_built"]


# --- row-after-row tables (the common layout of Word tables flattened to one cell per line) ------

ROW_WISE = ["指  标", "2020年", "2025年", "属性", "一、发展水平",
            "1.学前教育毛入园率(%)", "99%", "99%以上", "约束性",
            "4.劳动年龄人口平均受教育年限(年)", "11.4年", "12.3年以上", "约束性",
            "二、优质资源建设", "4.义务教育标准班额比例(%)", "其中:小学", "初中",
            "34.52%", "77.34%", "80%以上", "85%以上", "预期性"]


def test_row_wise_table_rows_columns_comparators_attributes():
    qs = [table_quantity(c, "主要指标表", FIVE_YEAR) for c in parse_flat_table(ROW_WISE)]
    assert [(q.indicator_text, q.value, q.unit_text, q.comparator, q.kind, q.year, q.attribute) for q in qs] == [
        ("学前教育毛入园率", 99, "%", "=", "baseline", 2020, None),
        ("学前教育毛入园率", 99, "%", ">=", "target", 2025, "约束性"),
        ("劳动年龄人口平均受教育年限", 11.4, "年", "=", "baseline", 2020, None),
        ("劳动年龄人口平均受教育年限", 12.3, "年", ">=", "target", 2025, "约束性"),
        ("小学义务教育标准班额比例", 34.52, "%", "=", "baseline", 2020, None),
        ("初中义务教育标准班额比例", 77.34, "%", "=", "baseline", 2020, None),
        ("小学义务教育标准班额比例", 80, "%", ">=", "target", 2025, "预期性"),
        ("初中义务教育标准班额比例", 85, "%", ">=", "target", 2025, "预期性")]
    # a sub-row is printed under its parent row, its own label after the cell (the dev gold convention)
    assert qs[6].sentence == "[表]主要指标表|二、优质资源建设|4.义务教育标准班额比例(%)|2025年|80%以上|其中:小学|预期性"


@pytest.mark.parametrize(("header", "kinds_years"), [
    pytest.param(["指标", "基期值", "2025年目标值", "属性"], [("baseline", 2020), ("target", 2025)], id="target-value-column"),
    pytest.param(["指标", "“十三五”末", "“十四五”末", "属性"], [("baseline", 2020), ("target", 2025)], id="plan-end-columns"),
    pytest.param(["指标", "现状", "目标值"], [("baseline", 2020), ("target", 2025)], id="words-only"),
])
def test_row_wise_column_headings(header, kinds_years):
    lines = header + ["高中阶段教育毛入学率(%)", "92", "≥95"] + (["预期性"] if "属性" in header else [])
    qs = [table_quantity(c, "主要指标", FIVE_YEAR) for c in parse_flat_table(lines)]
    assert [(q.kind, q.year) for q in qs] == kinds_years
    assert [q.comparator for q in qs] == ["=", ">="]


def test_row_wise_table_with_unit_column_and_qualitative_cell():
    lines = ["指标", "单位", "2020年", "2025年", "属性", "普惠性幼儿园覆盖率", "%", "86", "90以上", "约束性",
             "中小学生体质健康优良率", "%", "50", "持续提高", "预期性"]
    qs = [q for c in parse_flat_table(lines) if (q := table_quantity(c, "主要指标", FIVE_YEAR))]
    assert [(q.indicator_text, q.value, q.unit_text, q.comparator, q.kind) for q in qs] == [
        ("普惠性幼儿园覆盖率", 86, "%", "=", "baseline"), ("普惠性幼儿园覆盖率", 90, "%", ">=", "target"),
        ("中小学生体质健康优良率", 50, "%", "=", "baseline")]


def test_tab_table_target_value_column_and_cell_units():
    lines = ["指标\t2020年\t2025年目标值\t属性", "一、普及水平", "1.学前教育毛入园率(%)\t90%\t95%以上\t约束性",
             "劳动年龄人口平均受教育年限\t11.2年\t11.8年\t预期性"]
    qs = [table_quantity(c, "主要指标", FIVE_YEAR) for c in parse_tab_table(lines)]
    assert [(q.value, q.unit_text, q.comparator, q.kind, q.year, q.attribute) for q in qs] == [
        (90, "%", "=", "baseline", 2020, None), (95, "%", ">=", "target", 2025, "约束性"),
        (11.2, "年", "=", "baseline", 2020, None), (11.8, "年", "=", "target", 2025, "预期性")]
