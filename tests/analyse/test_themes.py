"""Theme tagging searched once per distinct text and keyword equals tagging measure by measure, theme by theme."""

import re

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from eduanalysis.analyse import themes
from eduanalysis.analyse.features import text_measures


def tagged_one_by_one(measures: pd.DataFrame, tax: pd.DataFrame) -> pd.DataFrame:
    """The definition: for every measure and theme, the theme's keywords in the text and their str.count."""
    patterns = {r.theme_id: [k.strip() for k in r.keywords.split("|") if k.strip()] for r in tax.itertuples()}
    rows = []
    for m in measures[["measure_id", "doc_id", "text"]].itertuples(index=False):
        for theme_id, kws in patterns.items():
            if not re.search("|".join(re.escape(k) for k in kws), m.text):
                continue
            hits = [k for k in kws if k in m.text]
            rows.append((m.measure_id, theme_id, m.doc_id, sum(m.text.count(k) for k in hits), "|".join(hits)))
    df = pd.DataFrame(rows, columns=themes.TAGGED_COLUMNS)
    return df.sort_values(["measure_id", "theme_id"], kind="mergesort").reset_index(drop=True)


def taxonomy(**keywords) -> pd.DataFrame:
    return pd.DataFrame({"theme_id": list(keywords), "name_zh": list(keywords), "name_en": list(keywords),
                         "keywords": list(keywords.values())}).astype("string")


MEASURES = pd.DataFrame({
    "measure_id": [f"D{d}-m{i:04d}" for d, i in ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 1))],
    "doc_id": ["D1", "D1", "D1", "D2", "D2", "D2", "D3"],
    "text": ["扩大普惠性幼儿园覆盖面，普惠性幼儿园占比达到80%", "加强校园安全管理", "", "扩大普惠性幼儿园覆盖面，普惠性幼儿园占比达到80%",
             "学前教育学前教育前教", "学", "前教育与学"],
}).astype("string")


@pytest.mark.parametrize("tax", [
    pytest.param(taxonomy(preschool="幼儿园|普惠性|普惠性幼儿园", safety="安全|校园安全"), id="overlapping-keywords"),
    pytest.param(taxonomy(a="学前|学前教育|前教", b="教育|教育|学"), id="repeated-and-nested-keywords"),
    pytest.param(taxonomy(a="学前", none="", b=" 安全 | |管理"), id="empty-theme-and-blank-keywords"),
    pytest.param(taxonomy(a="学前"), id="no-keyword-spans-two-texts"),  # "学" ends one text, "前教育" starts the next
    pytest.param(taxonomy(x="不存在的词"), id="nothing-tagged"),
])
def test_measure_themes_equal_tagging_one_by_one(tax):
    assert_frame_equal(themes.measure_themes(MEASURES, tax), tagged_one_by_one(MEASURES, tax))


def test_measure_themes_equal_tagging_one_by_one_on_the_seed_corpus(built):
    measures = text_measures(built.tables["measures"])
    tax = themes.taxonomy()
    expected = tagged_one_by_one(measures, tax)
    assert len(expected) > 1000
    assert_frame_equal(themes.measure_themes(measures, tax), expected)


def test_keyword_counts_are_str_count_per_text():
    texts = ["学前学前", "前学", "", "aaa"]
    got = themes.keyword_counts(texts, ["学前", "前学", "aa"])
    for k, (where, n) in got.items():
        assert dict(zip(where.tolist(), n.tolist(), strict=True)) == {i: t.count(k) for i, t in enumerate(texts)
                                                                       if t.count(k)}


def shares_by_merging(tagged, measures, documents, tax, by):
    """The definition: tags merged with their measures' documents, distinct measures counted."""
    m = measures[["measure_id", "doc_id"]].merge(documents[["doc_id", by]], on="doc_id")
    totals = m.groupby(by, sort=True)["measure_id"].nunique().rename("n_total")
    joined = tagged[["measure_id", "theme_id"]].merge(m[["measure_id", by]], on="measure_id")
    counts = joined.groupby([by, "theme_id"])["measure_id"].nunique().rename("n_measures")
    grid = pd.MultiIndex.from_product([totals.index, tax["theme_id"]], names=[by, "theme_id"])
    out = counts.reindex(grid, fill_value=0).reset_index().merge(totals.reset_index(), on=by)
    out["share"] = out["n_measures"] / out["n_total"]
    return out.drop(columns="n_total")


@pytest.mark.parametrize("by", ["region_zh", "province_zh"])
def test_region_theme_shares_equal_merging_tags_with_measures(built, by):
    measures = text_measures(built.tables["measures"])
    documents = built.tables["documents"]
    tax = themes.taxonomy()
    tagged = themes.measure_themes(measures, tax)
    expected = shares_by_merging(tagged, measures, documents, tax, by)
    assert_frame_equal(themes.region_theme_shares(tagged, measures, documents, tax, by=by), expected)
    # A measure of a document the table does not know, and a tag of a measure the selection lacks, count nowhere.
    extra = pd.concat([measures, measures.head(1).assign(measure_id="X-m0001", doc_id="X")], ignore_index=True)
    stray = pd.concat([tagged, tagged.head(1).assign(measure_id="Y-m0001")], ignore_index=True)
    assert_frame_equal(themes.region_theme_shares(stray, extra, documents, tax, by=by),
                       shares_by_merging(stray, extra, documents, tax, by))


def test_theme_by_year_equals_merging_measures_with_issue_years(built):
    from eduanalysis.analyse.selection import issue_year
    from eduanalysis.analyse.timeline import theme_by_year

    measures = text_measures(built.tables["measures"])
    documents = built.tables["documents"]
    tagged = themes.measure_themes(measures)
    m = measures[["measure_id", "doc_id"]].merge(issue_year(documents).rename("year"), left_on="doc_id",
                                                 right_index=True).dropna(subset=["year"])
    expected = themes.theme_shares(tagged, m, by="year")
    assert len(expected) >= len(themes.taxonomy())
    assert_frame_equal(theme_by_year(tagged, measures, documents), expected)
