"""The gazetteer and :func:`locate`: real issuers and titles from the 美育 exports, the dev set and
the seed corpus, two or more differently worded snippets per rule."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eduanalysis import resources
from eduanalysis.errors import EduAnalysisError
from eduanalysis.read import regions
from eduanalysis.read.regions import Gazetteer, gazetteer, locate, romanise

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "divisions"


def _where(text: str, title: str | None = None):
    p = locate(text, title)
    return p and (p.region_zh, p.region_en, p.admin_level, p.prefecture_zh, p.province_zh, p.province_en)


@pytest.mark.parametrize("text, expected", [
    # provinces keep their level word (贵州省, not 贵州); 山西 and 陕西 apart
    pytest.param("贵州省人民政府办公厅", ("贵州省", "Guizhou", "province", None, "贵州省", "Guizhou"), id="province"),
    pytest.param("山东省教育厅", ("山东省", "Shandong", "province", None, "山东省", "Shandong"), id="province-bureau"),
    pytest.param("山西省人民政府办公厅", ("山西省", "Shanxi", "province", None, "山西省", "Shanxi"), id="shanxi"),
    pytest.param("陕西省教育厅", ("陕西省", "Shaanxi", "province", None, "陕西省", "Shaanxi"), id="shaanxi"),
    # autonomous regions: official English names
    pytest.param("内蒙古自治区人民政府办公厅",
                 ("内蒙古自治区", "Inner Mongolia", "province", None, "内蒙古自治区", "Inner Mongolia"), id="nei-menggu"),
    pytest.param("西藏自治区人民政府办公厅转发教育厅等部门",
                 ("西藏自治区", "Tibet", "province", None, "西藏自治区", "Tibet"), id="xizang"),
    pytest.param("宁夏回族自治区人民政府办公厅",
                 ("宁夏回族自治区", "Ningxia", "province", None, "宁夏回族自治区", "Ningxia"), id="ningxia"),
    # municipalities are province-level
    pytest.param("北京市教育委员会", ("北京市", "Beijing", "province", None, "北京市", "Beijing"), id="beijing"),
    pytest.param("重庆市教育委员会办公室", ("重庆市", "Chongqing", "province", None, "重庆市", "Chongqing"), id="chongqing"),
    # prefectures, however the organ is worded
    pytest.param("金华市人民政府办公室", ("金华市", "Jinhua", "prefecture", "金华市", "浙江省", "Zhejiang"), id="prefecture"),
    pytest.param("南京市政府办公厅", ("南京市", "Nanjing", "prefecture", "南京市", "江苏省", "Jiangsu"), id="prefecture-short-organ"),
    pytest.param("西安市教育局办公室转发", ("西安市", "Xi'an", "prefecture", "西安市", "陕西省", "Shaanxi"), id="apostrophe"),
    pytest.param("呼和浩特市人民政府办公厅",
                 ("呼和浩特市", "Hohhot", "prefecture", "呼和浩特市", "内蒙古自治区", "Inner Mongolia"), id="hohhot"),
    # a city named like its province is the city
    pytest.param("吉林市人民政府办公厅", ("吉林市", "Jilin City", "prefecture", "吉林市", "吉林省", "Jilin"), id="jilin-city"),
    pytest.param("吉林省人民政府办公厅", ("吉林省", "Jilin", "province", None, "吉林省", "Jilin"), id="jilin-province"),
    # autonomous prefectures by their short form
    pytest.param("文山州人民政府办公室",
                 ("文山壮族苗族自治州", "Wenshan", "prefecture", "文山壮族苗族自治州", "云南省", "Yunnan"), id="wenshan-zhou"),
    # districts and counties are their own regions
    pytest.param("桂林市象山区人民政府办公室",
                 ("象山区", "Xiangshan", "county", "桂林市", "广西壮族自治区", "Guangxi"), id="district"),
    pytest.param("衡阳市珠晖区教育局", ("珠晖区", "Zhuhui", "county", "衡阳市", "湖南省", "Hunan"), id="district-with-city"),
    pytest.param("珠晖区教育文化体育局", ("珠晖区", "Zhuhui", "county", "衡阳市", "湖南省", "Hunan"), id="district-alone"),
    pytest.param("泽库县教育局", ("泽库县", "Zeku", "county", "黄南藏族自治州", "青海省", "Qinghai"), id="county"),
    pytest.param("府谷县教育局", ("府谷县", "Fugu", "county", "榆林市", "陕西省", "Shaanxi"), id="county-2"),
    pytest.param("甘肃省临夏回族自治州东乡族自治县龙泉小学",
                 ("东乡族自治县", "Dongxiang", "county", "临夏回族自治州", "甘肃省", "Gansu"), id="autonomous-county"),
    pytest.param("四川省凉山彝族自治州普格县夹铁乡中心校",
                 ("普格县", "Puge", "county", "凉山彝族自治州", "四川省", "Sichuan"), id="county-in-zhou"),
    pytest.param("云南省怒江傈僳族自治州泸水市新城完小",
                 ("泸水市", "Lushui", "county", "怒江傈僳族自治州", "云南省", "Yunnan"), id="county-level-city"),
    # the party committee, a year before the name
    pytest.param("中共湖州市委", ("湖州市", "Huzhou", "prefecture", "湖州市", "浙江省", "Zhejiang"), id="party"),
    pytest.param("威海市教育局(中共威海市委教育工委)",
                 ("威海市", "Weihai", "prefecture", "威海市", "山东省", "Shandong"), id="party-in-brackets"),
    pytest.param("2020年大连市教育工作要点", ("大连市", "Dalian", "prefecture", "大连市", "辽宁省", "Liaoning"), id="year"),
    pytest.param("2020年泉州市教育局承担市委、市政府为民办实事公办幼儿园建设项目1-4月进展情况",
                 ("泉州市", "Quanzhou", "prefecture", "泉州市", "福建省", "Fujian"), id="year-2"),
    # forwarding: the first organ issues
    pytest.param("合肥市教育局转发安徽省教育厅转发安徽省人民政府办公厅",
                 ("合肥市", "Hefei", "prefecture", "合肥市", "安徽省", "Anhui"), id="forwarding"),
    pytest.param("南昌市教育局关于转发《南昌市人民政府办公厅关于全面加强和改进学校美育工作的实施意见》的通知",
                 ("南昌市", "Nanchang", "prefecture", "南昌市", "江西省", "Jiangxi"), id="forwarding-title"),
    # 新疆生产建设兵团 and its divisions
    pytest.param("新疆生产建设兵团办公厅", ("新疆生产建设兵团", "Xinjiang Production and Construction Corps", "province",
                                    None, "新疆生产建设兵团", "Xinjiang Production and Construction Corps"), id="xpcc"),
    pytest.param("新疆生产建设兵团教育局", ("新疆生产建设兵团", "Xinjiang Production and Construction Corps", "province",
                                    None, "新疆生产建设兵团", "Xinjiang Production and Construction Corps"), id="xpcc-2"),
    pytest.param("新疆生产建设兵团第三师51团中学",
                 ("新疆生产建设兵团第三师", "3rd Division", "prefecture", "新疆生产建设兵团第三师", "新疆生产建设兵团",
                  "Xinjiang Production and Construction Corps"), id="xpcc-division"),
    # an ambiguous district with its parent in the text
    pytest.param("吉林省长春市朝阳区明德小学", ("朝阳区", "Chaoyang", "county", "长春市", "吉林省", "Jilin"), id="parent-resolves"),
    # a division abolished since (莱芜市 joined 济南市 in 2019) still names its place
    pytest.param("莱芜市教育局", ("莱芜市", "Laiwu", "prefecture", "莱芜市", "山东省", "Shandong"), id="former"),
])
def test_locate(text, expected):
    assert _where(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("国务院办公厅", id="state-council"),
    pytest.param("中共中央办公厅、国务院办公厅印发《关于全面加强和改进新时代学校美育工作的意见》", id="joint"),
    pytest.param("教育部办公厅", id="ministry-office"),
    pytest.param("教育部关于切实加强新时代高等学校美育工作的意见", id="ministry-title"),
])
def test_national_bodies(text):
    p = locate(text)
    assert (p.region_zh, p.region_en, p.admin_level, p.province_zh) == ("全国", "China", "national", None)


@pytest.mark.parametrize("text, candidates, province", [
    pytest.param("朝阳区教育委员会", ("北京市朝阳区", "长春市朝阳区"), None, id="chaoyang"),
    pytest.param("鼓楼区教育局", ("南京市鼓楼区", "开封市鼓楼区", "徐州市鼓楼区", "福州市鼓楼区"), None, id="gulou"),
    pytest.param("江苏省鼓楼区教育局", ("南京市鼓楼区", "徐州市鼓楼区"), "江苏省", id="gulou-in-province"),
])
def test_an_ambiguous_name_stays_unresolved(text, candidates, province):
    p = locate(text)
    assert (p.region_zh, p.admin_level, p.adcode) == (None, None, None)
    assert p.ambiguous == candidates
    assert p.province_zh == province


def test_the_title_settles_an_ambiguous_issuer():
    assert locate("朝阳区教育委员会", "北京市朝阳区教育事业发展规划").province_zh == "北京市"
    assert locate("鼓楼区教育局", "福州市鼓楼区学前教育行动计划").prefecture_zh == "福州市"
    # a title naming another place does not
    assert locate("鼓楼区教育局", "金华市教育事业发展规划").region_zh is None


@pytest.mark.parametrize("issuer, title", [
    pytest.param(None, "关于下达2015年全区小学秋季招生计划的通知", id="no-place-title"),
    pytest.param("省教育厅", None, id="no-name"),
    pytest.param("各区县教育局", "", id="addressees"),
    pytest.param("杨凌示范区教育局", None, id="not-a-division"),
    pytest.param("桂林", None, id="bare-prefecture-alone"),
    pytest.param("中山大学", None, id="bare-name-in-a-word"),
])
def test_no_place(issuer, title):
    assert locate(issuer, title) is None


def test_a_bare_prefecture_name_counts_before_its_child():
    assert _where("桂林象山区教育局")[:4] == ("象山区", "Xiangshan", "county", "桂林市")
    assert _where("长春朝阳区")[3] == "长春市"


def test_issuer_first_then_title():
    assert locate("金华市人民政府办公室", "杭州市教育事业发展规划").region_zh == "金华市"
    assert locate(None, "会昌县“十四五”教育科技体育事业发展规划").region_zh == "会昌县"
    assert locate("", "遂宁市全面加强和改进学校美育工作方案").region_zh == "遂宁市"


def test_labels_name_the_parent():
    assert locate("桂林市象山区人民政府办公室").label_en == "Xiangshan, Guilin"
    assert locate("金华市人民政府办公室").label_en == "Jinhua, Zhejiang"
    assert locate("贵州省人民政府办公厅").label_en == "Guizhou"
    assert locate("北京市朝阳区教育委员会").label_en == "Chaoyang, Beijing"


def test_columns_are_the_documents_columns():
    cols = locate("桂林市象山区人民政府办公室").columns()
    assert cols == {"region_zh": "象山区", "region_en": "Xiangshan", "province_zh": "广西壮族自治区",
                    "province_en": "Guangxi", "prefecture_zh": "桂林市", "prefecture_en": "Guilin",
                    "admin_level": "county", "adcode": "450304"}


@pytest.mark.parametrize("zh, en", [
    ("长治", "Changzhi"), ("长子", "Zhangzi"), ("宁都", "Ningdu"), ("什邡", "Shifang"), ("朝阳", "Chaoyang"),
    ("六安", "Lu'an"), ("吕梁", "Lüliang"), ("蚌埠", "Bengbu"), ("济南", "Jinan"), ("厦门", "Xiamen"),
])
def test_romanise(zh, en):
    assert romanise(zh) == en


def test_meiyu_local_file_names():
    """The 82 pkulaw file names of ``../shared/meiyu/local``: region, province, level and English name."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from check_regions import FIELDS, issuer_and_title

    with open(DATA / "meiyu_local_places.csv", encoding="utf-8", newline="") as f:
        expected = list(csv.DictReader(f))
    assert len(expected) == 82
    right = 0
    for row in expected:
        p = locate(*issuer_and_title(row["file"]))
        right += p is not None and all((getattr(p, fld) or "") == row[fld] for fld in FIELDS)
    assert right / len(expected) >= 0.95


# --- the resource ---------------------------------------------------------------

def test_every_division_has_a_chain_to_its_province():
    g = gazetteer()
    assert len(g.divisions) > 3000
    for d in g.divisions.values():
        line = g.ancestors(d.division_id)
        assert line[-1].level == "province"
        assert [x.level for x in line] == sorted((x.level for x in line), key=regions.LEVELS.index, reverse=True)


def test_english_names_are_romanised_or_listed():
    """Every pypinyin name is what :func:`romanise` gives now; every listed spelling is in the data."""
    with open(resources.path_of(regions.DIVISIONS_FILE), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["name_en_source"] == "pypinyin":
            assert r["name_en"].split(" ")[0] == romanise(r["short_zh"]), r
    data = {(r["name_zh"], r["adcode"]): r["name_en"] for r in rows}
    with open(TOOLS / "names_en.csv", encoding="utf-8", newline="") as f:
        for o in csv.DictReader(f):
            assert data[(o["name_zh"], o["adcode"])] == o["name_en"], o
    with open(TOOLS / "xpcc.csv", encoding="utf-8", newline="") as f:
        assert {x["division_id"] for x in csv.DictReader(f)} <= {r["division_id"] for r in rows}


def test_english_names_of_provinces_are_unique():
    provinces = [d.name_en for d in gazetteer().divisions.values() if d.level == "province"]
    assert len(provinces) == len(set(provinces))
    others = {d.name_en for d in gazetteer().divisions.values() if d.level != "province"}
    assert not others & set(provinces) - {"Aksu"}


def _fake_resources(tmp_path, monkeypatch, divisions: str):
    (tmp_path / "read").mkdir()
    (tmp_path / "read" / "divisions.csv").write_text(divisions, encoding="utf-8")
    (tmp_path / "read" / "national_bodies.csv").write_text("prefix_zh,note\n国务院,x\n", encoding="utf-8")
    monkeypatch.setattr(resources, "RESOURCES_DIR", tmp_path)
    resources.reload()
    regions.gazetteer.cache_clear()


HEADER = ",".join(regions.DIVISION_COLUMNS) + "\n"


@pytest.mark.parametrize("body, message", [
    pytest.param("1,,甲省,甲,,province,,Jia,x,current,x,\n1,,乙省,乙,,province,,Yi,x,current,x,\n",
                 "duplicate division_id", id="duplicate"),
    pytest.param("110000,110000,甲市,甲,,town,,Jia,x,current,x,\n", "is not one of", id="level"),
    pytest.param("110101,110101,乙区,乙,,county,999999,Yi,x,current,x,\n", "not a division", id="parent"),
    pytest.param("11,11,甲市,甲,,province,,Jia,x,current,x,\n", "not 6 digits", id="adcode"),
])
def test_the_loader_names_the_file_and_the_fault(tmp_path, monkeypatch, body, message):
    _fake_resources(tmp_path, monkeypatch, HEADER + body)
    try:
        with pytest.raises(EduAnalysisError, match=message) as err:
            gazetteer()
        assert "divisions.csv" in str(err.value)
    finally:
        monkeypatch.undo()
        resources.reload()
        regions.gazetteer.cache_clear()


def test_a_missing_column_says_how_to_regenerate(tmp_path, monkeypatch):
    _fake_resources(tmp_path, monkeypatch, "division_id,name_zh\n1,甲\n")
    try:
        with pytest.raises(EduAnalysisError, match="make_divisions"):
            gazetteer()
    finally:
        monkeypatch.undo()
        resources.reload()
        regions.gazetteer.cache_clear()


def test_gazetteer_is_built_once():
    assert gazetteer() is gazetteer()
    assert isinstance(gazetteer(), Gazetteer)
