"""Transposition: pairs to compare, clause alignment, added targets, levels, adoption — inline frames and the
three-document fixture (tests/fixtures/transposition: a national opinion, a province citing it by 文号, a city
citing the province by title)."""

from pathlib import Path

import pandas as pd
import pytest

import eduanalysis
from eduanalysis import schema
from eduanalysis.analyse import transposition as tr
from eduanalysis.errors import EduAnalysisError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "transposition"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("transposition")
    eduanalysis.build(FIXTURE, out)
    c = tr.load(out)
    ids = c.documents.set_index("source_file")["doc_id"]
    return c, ids["national.txt"], ids["province.txt"], ids["city.txt"]


def test_citations_resolve_by_number_and_by_title(corpus):
    c, national, province, city = corpus
    got = c.citations.set_index("doc_id")[["form", "cited_doc_id", "match"]]
    assert got.loc[province].tolist() == ["number", national, "number"]
    assert got.loc[city].tolist() == ["title", province, "title"]


def test_pairs_follow_citations_one_level_further(corpus):
    c, national, province, city = corpus
    pairs = tr.reference_pairs(c.citations, c.documents)
    assert pairs[["doc_id", "reference_id", "link"]].values.tolist() == sorted(
        [[city, national, "via"], [city, province, "cites"], [province, national, "cites"]])
    assert tr.reference_pairs(c.citations, c.documents, max_depth=1).shape[0] == 2
    # A chosen reference pairs every lower-level document with it, named by 文号 in any brackets.
    chosen = tr.reference_pairs(c.citations.iloc[0:0], c.documents, references=["国办发[2015]71号"])
    assert sorted(chosen["doc_id"]) == sorted([province, city]) and set(chosen["link"]) == {"chosen"}


def test_city_follows_its_province_more_than_the_national_text(corpus):
    c, national, province, city = corpus
    table, pairs, added = tr.transposition(c.documents, c.measures, c.targets, c.citations)
    schema.validate(table, "transposition")
    schema.validate(pairs, "transposition_pairs")
    t = table.set_index(["doc_id", "reference_id"])
    assert t.loc[(city, province), "reuse_share"] > t.loc[(city, national), "reuse_share"]
    assert t.loc[(city, province), "lag_days"] == 210  # 2016-04-28 -> 2016-11-24
    row = t.loc[(city, province)]
    assert row["n_verbatim"] + row["n_adapted"] + row["n_new"] == row["n_measures"]
    assert row["coverage"] == pytest.approx(1 - row["n_dropped"] / row["n_reference_measures"])
    # The province's own addition (藏区彝区) is dropped by the city; the city's museum clause is new.
    p = pairs.loc[(pairs["doc_id"] == city) & (pairs["reference_id"] == province)].set_index("class")
    assert p.loc[["dropped"]]["text"].str.contains("民族地区美育教师培训").any()
    assert p.loc[["new"]]["text"].str.contains("成都博物馆").any()
    # Targets: 20% of schools against the province's 10% is tightened; the visits (2 a year) are added.
    a = added.loc[(added["doc_id"] == city) & (added["reference_id"] == province)]
    assert sorted(zip(a["status"], a["value"], strict=True)) == [("added", 2.0), ("tightened", 20.0)]
    assert t.loc[(city, province), "n_added_targets"] == 2


def test_clause_classes_follow_the_thresholds():
    m = pd.DataFrame({"measure_id": ["a1", "a2", "a3", "r1", "r2", "r3"], "doc_id": ["A"] * 3 + ["R"] * 3,
                      "text": ["各级各类学校要开齐开足上好美育课程", "各地要加大中小学美育教师补充力度,鼓励高校艺术专业学生到农村学校支教",
                               "建设天府文化美育实践基地", "各级各类学校要开齐开足上好美育课程",
                               "各地要加大中小学美育教师补充力度", "保护和传承民族民间艺术"]})
    pairs = pd.DataFrame({"doc_id": ["A"], "reference_id": ["R"]})
    got = tr.align(m, pairs).set_index("measure_id")["class"].to_dict()
    assert got == {"a1": "verbatim", "a2": "adapted", "a3": "new", "r3": "dropped"}
    strict = tr.align(m, pairs, verbatim=1.0, adapted=0.99).set_index("measure_id")["class"].to_dict()
    assert strict["a2"] == "new" and strict["r2"] == "dropped"
    with pytest.raises(EduAnalysisError, match="thresholds"):
        tr.align(m, pairs, verbatim=0.2, adapted=0.5)


def test_lines_above_the_title_and_date_lines_are_not_compared():
    m = pd.DataFrame({"measure_id": ["D-m0", "D-m1", "D-m2", "D-m3"], "doc_id": ["D"] * 4, "kind": ["text"] * 4,
                      "char_start": [0, 30, 60, 90], "text": ["北大法宝【法宝引证码】 CLI.12.1", "甲市关于加强美育工作的意见",
                                                              "各地要加大美育教师补充力度", "2016年4月28日"]})
    docs = pd.DataFrame({"doc_id": ["D"], "title_zh": ["甲市关于加强美育工作的意见(FBM-CLI-12-1)"]})
    assert tr.clause_measures(m, docs)["measure_id"].tolist() == ["D-m1", "D-m2"]


def test_clause_measures_are_the_text_rows_from_each_title_on_in_measure_order():
    # Rows in any order and of every kind; a title line repeated in the body counts from its first place.
    m = pd.DataFrame({"measure_id": ["E-m2", "D-m3", "D-m1", "E-m1", "D-m0", "D-m2", "E-m0", "D-h1"],
                      "doc_id": ["E", "D", "D", "E", "D", "D", "E", "D"],
                      "kind": ["text", "text", "text", "text", "text", "text", "text", "heading"],
                      "char_start": [40, 90, 30, 20, 0, 60, 0, 50],
                      "text": ["学校美育课程全面开齐开足", "乙县关于推进集团化办学的通知", "乙县关于推进集团化办学的通知",
                               "原文链接 北大法宝引证码说明", "法宝联想 相关资料 北大法宝", "各校要推进集团化办学改革",
                               "加强和改进学校美育工作", "一、推进集团化办学的总体要求"]})
    docs = pd.DataFrame({"doc_id": ["D", "E"], "title_zh": ["乙县关于推进集团化办学的通知", "无标题行的文件"]})
    assert tr.clause_measures(m, docs)["measure_id"].tolist() == ["D-m1", "D-m2", "D-m3", "E-m0", "E-m1", "E-m2"]
    assert tr.clause_measures(m.iloc[::-1], docs).equals(tr.clause_measures(m, docs))
    # A measure of no document (a frame made by hand) is kept and takes no document's title.
    loose = pd.concat([m, pd.DataFrame({"measure_id": ["X-m0"], "doc_id": [None], "kind": ["text"], "char_start": [5],
                                        "text": ["乙县关于推进集团化办学的通知"]})], ignore_index=True)
    assert tr.clause_measures(loose, docs)["measure_id"].tolist() == [
        "D-m1", "D-m2", "D-m3", "E-m0", "E-m1", "E-m2", "X-m0"]


@pytest.mark.parametrize(("local", "reference", "stricter"), [
    pytest.param({"comparator": ">=", "value": 20.0, "year": 2018}, [(10.0, 2018)], True, id="higher-floor"),
    pytest.param({"comparator": "<=", "value": 45.0, "year": 2020}, [(50.0, 2020)], True, id="lower-ceiling"),
    pytest.param({"comparator": ">=", "value": 90.0, "year": 2018}, [(90.0, 2020)], True, id="earlier-year"),
    pytest.param({"comparator": ">=", "value": 80.0, "year": 2018}, [(90.0, 2020)], False, id="looser"),
])
def test_stricter_targets(local, reference, stricter):
    target = pd.Series({"value_norm": None, "unit": "percent", **local})
    ref = pd.DataFrame({"value": [v for v, _ in reference], "value_norm": [None] * len(reference),
                        "unit": ["percent"] * len(reference), "year": [y for _, y in reference]})
    assert tr._stricter(target, ref) is stricter


def test_levels_from_titles_and_regions():
    d = pd.DataFrame({"doc_id": list("abcdef"), "admin_level": [None] * 6,
                      "title_zh": ["中共中央办公厅、国务院办公厅印发《关于…》", "贵州省人民政府办公厅关于…", "新疆生产建设兵团办公厅关于…",
                                   "重庆市教育委员会关于…", "文山州人民政府办公室关于…", "某某"],
                      "region_zh": [None, "贵州", None, "重庆市", "文山州", None]})
    assert tr.document_levels(d).tolist() == ["national", "province", "province", "province", "prefecture", None]


def test_adoption_counts_localities_that_issued_by_days():
    d = pd.DataFrame({"doc_id": ["N", "P1", "P2", "P3", "C1"], "region_zh": [None, "甲省", "乙省", "丙省", "丁市"],
                      "published_date": ["2015-09-15", "2015-10-15", "2016-09-14", None, "2016-01-01"],
                      "written_date": [None] * 5, "admin_level": ["national", "province", "province", "province",
                                                                  "prefecture"], "title_zh": ["x"] * 5})
    a = tr.adoption(d, "N", implementing={"P1", "P2", "P3", "C1"})
    prov = a.loc[a["level"] == "province"]
    assert prov["days"].tolist() == [30, 365] and prov["share"].round(3).tolist() == [0.333, 0.667]
    assert prov["n_undated"].iloc[0] == 1 and prov["n_localities"].iloc[0] == 3
    assert tr.adoption(d.assign(published_date=None), "N").empty


def test_reference_named_by_number_must_name_one_document(corpus):
    c, national, *_ = corpus
    assert tr.find_reference(c.documents, "国办发(2015)71号", c.citations) == national
    with pytest.raises(EduAnalysisError, match="names 0 documents"):
        tr.find_reference(c.documents, "国办发〔2016〕1号", c.citations)
