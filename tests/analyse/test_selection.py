"""Known-answer tests of the analysis functions on tiny inline data."""

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from eduanalysis.analyse import clustering, compare, levels, selection, similarity, themes, timeline
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import labels, paper_tables

# --- similarity ---------------------------------------------------------------------


def test_similarity_identical_disjoint_and_partial():
    texts = pd.Series({"a": "学前教育 职业教育", "b": "学前教育 职业教育", "c": "特殊教育", "d": "学前教育"})
    s = similarity.similarity(texts, sublinear_tf=False)
    sq = similarity.long_to_square(s)
    assert sq.loc["a", "b"] == pytest.approx(1.0)
    assert sq.loc["a", "c"] == 0.0
    assert np.allclose(np.diag(sq), 1.0)
    # a = (idf_学前, idf_职业) normalised, d = (1, 0): cosine = idf_学前 / |a|
    idf_pre, idf_voc = 1 + math.log(5 / 4), 1 + math.log(5 / 3)
    assert sq.loc["a", "d"] == pytest.approx(idf_pre / math.hypot(idf_pre, idf_voc))
    assert list(s.columns) == ["doc_a", "doc_b", "similarity"] and len(s) == 16


def test_char_ngrams_see_shared_strings_without_a_dictionary():
    s = similarity.similarity(pd.Series({"a": "普惠性幼儿园", "b": "普惠性托育"}), "char")
    assert 0 < s.query("doc_a == 'a' and doc_b == 'b'").similarity.item() < 1


def test_cluster_order_puts_similar_documents_together():
    sq = pd.DataFrame([[1, .9, .1, .1], [.9, 1, .1, .2], [.1, .1, 1, .8], [.1, .2, .8, 1]],
                      index=list("wxyz"), columns=list("wxyz"))
    order, z = similarity.cluster_order(sq)
    assert {frozenset(order[:2]), frozenset(order[2:])} == {frozenset("wx"), frozenset("yz")}
    assert z.shape == (3, 4)
    # Input order does not change the result.
    shuffled = sq.loc[list("zywx"), list("zywx")]
    assert similarity.cluster_order(shuffled)[0] in (order, order[::-1])


MEASURES = pd.DataFrame({
    "measure_id": ["A-m1", "A-m2", "A-m3", "B-m1", "B-m2", "B-m3"],
    "doc_id": ["A", "A", "A", "B", "B", "B"],
    "text": ["扩大普惠性幼儿园覆盖面", "推进产教融合校企合作", "加强校园安全管理",
             "产教融合校企合作深入推进", "增加普惠性幼儿园学位", "教师队伍建设"],
})


def test_alignments_pair_mutual_best_matches():
    a = similarity.alignments(MEASURES, top_n=5, min_similarity=0.2)
    assert a[["doc_a", "doc_b", "rank", "measure_a", "measure_b"]].values.tolist() == [
        ["A", "B", 1, "A-m2", "B-m1"],
        ["A", "B", 2, "A-m1", "B-m2"],
    ]
    assert a.similarity.iloc[0] == pytest.approx(1.0)  # same two terms after stopwords
    assert (a.similarity.diff().dropna() <= 0).all()


def test_alignments_threshold_and_top_n():
    assert similarity.alignments(MEASURES, min_similarity=1.01).empty
    assert len(similarity.alignments(MEASURES, top_n=1)) == 1


def test_keyness_matches_hand_computed_g2_and_chi2():
    # term x: 8 of 100 tokens in group A, 2 of 100 in B.
    counts = pd.DataFrame({"A": [8, 92], "B": [2, 98]}, index=["x", "other"])
    k = similarity.keyness_from_counts(counts, min_count=1, top_n=None)
    row = k.query("group == 'A' and term == 'x'").iloc[0]
    obs = np.array([8, 2, 92, 98])
    exp = np.array([5, 5, 95, 95])
    assert row.g2 == pytest.approx(2 * (obs * np.log(obs / exp)).sum())
    assert row.chi2 == pytest.approx(((obs - exp) ** 2 / exp).sum())
    assert row["rank"] == 1 and row.count_group == 8 and row.count_rest == 2
    # Under-represented terms are not listed for the group.
    assert k.query("group == 'B' and term == 'x'").empty


def test_keyness_from_texts_groups_documents():
    texts = pd.Series({"d1": "学前教育 学前教育 学前教育 教师", "d2": "学前教育 教师", "d3": "职业教育 职业教育 职业教育 教师"})
    k = similarity.keyness(texts, pd.Series({"d1": "甲", "d2": "甲", "d3": "乙"}), min_count=3)
    assert k.query("group == '甲'").term.tolist() == ["学前教育"]
    assert k.query("group == '乙'").term.tolist() == ["职业教育"]


def test_keyness_by_region_drops_place_names_and_adds_english():
    docs = pd.DataFrame({"doc_id": ["d1", "d2"], "region_zh": ["盘锦市", "大连市"], "region_en": ["Panjin", "Dalian"],
                         "province_zh": ["辽宁省", "辽宁省"]})
    texts = pd.Series({"d1": "盘锦 盘锦 盘锦 学前教育 学前教育 学前教育", "d2": "大连 大连 大连 职业教育 职业教育 职业教育"})
    k = similarity.keyness_by_region(docs, texts, min_count=2)
    assert k[["region_zh", "region_en", "term"]].values.tolist() == [
        ["大连市", "Dalian", "职业教育"], ["盘锦市", "Panjin", "学前教育"]]


def test_indicator_overlap_counts_shared_indicators():
    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "region_zh": ["甲", "乙", "丙"]})
    t = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2", "d3"], "indicator_id": ["x", "y", "y", "z", None]})
    o = similarity.indicator_overlap(t, docs).set_index(["region_a", "region_b"])
    assert o.loc[("甲", "乙"), "n_shared"] == 1 and o.loc[("甲", "乙"), "shared"] == "y"
    assert o.loc[("甲", "乙"), "jaccard"] == pytest.approx(1 / 3)
    assert o.loc[("甲", "甲"), "n_shared"] == 2
    assert np.isnan(o.loc[("丙", "丙"), "jaccard"])


# --- themes ----------------------------------------------------------------------------

TAX = pd.DataFrame({"theme_id": ["preschool", "vocational", "safety"], "name_zh": ["学前", "职教", "安全"],
                    "name_en": ["Preschool", "Vocational", "Safety"],
                    "keywords": ["幼儿园|学前教育", "产教融合|职业", "安全"]})


def test_measure_themes_tags_every_matching_theme():
    tagged = themes.measure_themes(MEASURES, TAX)
    expected = pd.DataFrame({
        "measure_id": ["A-m1", "A-m2", "A-m3", "B-m1", "B-m2"],
        "theme_id": ["preschool", "vocational", "safety", "vocational", "preschool"],
        "doc_id": ["A", "A", "A", "B", "B"],
        "n_hits": [1, 1, 1, 1, 1],
        "keywords": ["幼儿园", "产教融合", "安全", "产教融合", "幼儿园"],
    })
    assert_frame_equal(tagged, expected)


def test_measure_themes_multi_label_and_counts():
    m = pd.DataFrame({"measure_id": ["m"], "doc_id": ["d"], "text": ["幼儿园安全，幼儿园学前教育"]})
    t = themes.measure_themes(m, TAX)
    assert t[["theme_id", "n_hits", "keywords"]].values.tolist() == [
        ["preschool", 3, "幼儿园|学前教育"], ["safety", 1, "安全"]]


def test_theme_shares_include_zero_cells():
    tagged = themes.measure_themes(MEASURES, TAX)
    shares = themes.theme_shares(tagged, MEASURES, by="doc_id", tax=TAX)
    assert len(shares) == 6
    b = shares.query("doc_id == 'B'").set_index("theme_id").share
    assert b.to_dict() == pytest.approx({"preschool": 1 / 3, "vocational": 1 / 3, "safety": 0.0})


def test_packaged_taxonomy_is_complete():
    tax = themes.taxonomy()
    assert 15 <= len(tax) <= 25
    assert tax.theme_id.is_unique and tax.name_en.str.len().gt(0).all() and tax.name_zh.str.len().gt(0).all()
    kws = themes.keyword_table(tax)
    assert kws.keyword.str.len().ge(2).all(), "single-character keywords match too much"


# --- clustering ---------------------------------------------------------------------------

CLUSTER_TEXTS = (["扩大普惠性幼儿园学前教育资源"] * 6 + ["深化产教融合校企合作职业教育"] * 6
                 + ["加强师德师风教师队伍建设"] * 6)
TRUE_LABELS = [0] * 6 + [1] * 6 + [2] * 6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # k > 3 on duplicated texts
@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_clusterer_recovers_separated_groups_and_picks_k(method):
    from sklearn.metrics import adjusted_rand_score

    model = clustering.MeasureClusterer(k_range=(2, 5), method=method, min_df=1, random_state=0).fit(CLUSTER_TEXTS)
    assert model.n_clusters_ == 3
    assert adjusted_rand_score(TRUE_LABELS, model.labels_) == 1.0
    assert max(model.silhouette_, key=model.silhouette_.get) == 3
    assert any({"普惠性幼儿园", "学前教育"} <= set(t[:3]) for t in model.cluster_terms_)


def test_clusterer_fixed_k_and_label_order():
    model = clustering.MeasureClusterer(n_clusters=2, min_df=1, random_state=0).fit(CLUSTER_TEXTS[:9])
    assert list(model.silhouette_) == [2]
    assert (model.labels_ == 0).sum() >= (model.labels_ == 1).sum()  # cluster 0 is the largest


def test_clusterer_is_deterministic_for_a_seed_and_rejects_bad_method():
    a = clustering.MeasureClusterer(n_clusters=3, min_df=1, random_state=7).fit(CLUSTER_TEXTS).labels_
    b = clustering.MeasureClusterer(n_clusters=3, min_df=1, random_state=7).fit(CLUSTER_TEXTS).labels_
    assert (a == b).all()
    with pytest.raises(EduAnalysisError, match="kmeans"):
        clustering.MeasureClusterer(method="dbscan", min_df=1).fit(CLUSTER_TEXTS)


def test_stability_is_one_on_separated_groups():
    s = clustering.stability(CLUSTER_TEXTS, seeds=[1, 2, 3], n_clusters=3, min_df=1)
    assert len(s) == 3 and (s.ari == 1.0).all()


def test_clusters_table_and_crosstab():
    m = pd.DataFrame({"measure_id": [f"m{i:02d}" for i in range(18)], "doc_id": "d", "text": CLUSTER_TEXTS})
    model = clustering.MeasureClusterer(n_clusters=3, min_df=1, random_state=0).fit(m.text)
    table = clustering.clusters(m, model)
    assert table.groupby("cluster").size().tolist() == [6, 6, 6]
    labels = table.drop_duplicates("cluster").set_index("cluster")
    assert all(labels.cluster_label[c] == " · ".join(model.cluster_terms_[c][:3]) for c in labels.index)
    tagged = themes.measure_themes(m, TAX)
    xt = clustering.crosstab_themes(table, tagged)
    assert (xt.max(axis=1) == 6).all()
    with pytest.raises(EduAnalysisError, match="same frame"):
        clustering.clusters(m.head(3), model)


# --- timeline -------------------------------------------------------------------------------

DOCS = pd.DataFrame({
    "doc_id": ["D1", "D2"], "region_zh": ["甲市", "乙市"], "region_en": ["Jia", "Yi"],
    "written_date": ["2019-05-30", None], "published_date": ["2019-05-31", None],
    "plan_start_year": [2019, 2021], "plan_end_year": [2022, 2025],
})


def _targets(rows):
    cols = ["target_id", "doc_id", "kind", "indicator_id", "indicator_zh", "indicator_en", "value", "value_norm",
            "value_max", "unit", "comparator", "year", "baseline_value", "baseline_year"]
    return pd.DataFrame(rows, columns=cols)


TARGETS = _targets([
    ["D1-t1", "D1", "target", "ger", "毛入园率", "Preschool GER", 95.0, 95.0, None, "percent", ">=", 2022, 90.0, 2018],
    ["D2-t1", "D2", "baseline", "ger", "毛入园率", "Preschool GER", 92.0, 92.0, None, "percent", "=", 2020, None, None],
    ["D2-t2", "D2", "target", "ger", "毛入园率", "Preschool GER", 97.0, 97.0, None, "percent", ">=", 2025, None, None],
    ["D2-t3", "D2", "target", "class", "班额", "Class size", 45.0, 45.0, None, "persons", "<=", 2025, None, None],
    ["D1-t2", "D1", "target", "class", "班额", "Class size", 50.0, 50.0, None, "persons", "<=", 2022, None, None],
    ["D1-t3", "D1", "standard", "pe", "体育", "PE", 1.0, 1.0, None, "hours", "=", None, None, None],
])


def test_issue_year_falls_back_to_plan_start():
    assert selection.issue_year(DOCS).to_dict() == {"D1": 2019, "D2": 2021}


def test_timeline_events():
    t = timeline.timeline(DOCS, TARGETS)
    assert t.event_id.is_unique and t.event_id.is_monotonic_increasing
    d1 = t.query("doc_id == 'D1' and event != 'target'")
    assert d1[["event", "year"]].values.tolist() == [["plan_end", 2022], ["plan_start", 2019], ["published", 2019],
                                                     ["written", 2019]]
    assert d1.date.fillna("").tolist() == ["", "", "2019-05-31", "2019-05-30"]
    assert set(t.query("doc_id == 'D2'").event) == {"plan_start", "plan_end", "baseline", "target"}
    assert "D1-t3" not in set(t.event_id)  # standards have no year


def test_trajectories_only_indicators_shared_by_two_regions():
    p = timeline.trajectories(TARGETS, DOCS)
    ger = p.query("indicator_id == 'ger'")
    assert ger[["region_zh", "year", "value", "role"]].values.tolist() == [
        ["乙市", 2020, 92.0, "baseline"], ["乙市", 2025, 97.0, "target"],
        ["甲市", 2018, 90.0, "baseline"], ["甲市", 2022, 95.0, "target"]]
    assert timeline.trajectories(TARGETS, DOCS, min_regions=3).empty


# --- comparison -------------------------------------------------------------------------------

def test_target_matrix_marks_most_ambitious_by_direction():
    m = compare.target_matrix(TARGETS, DOCS).set_index(["indicator_id", "region_zh"])
    assert m.loc[("ger", "乙市"), "most_ambitious"] and not m.loc[("ger", "甲市"), "most_ambitious"]
    # class size is a ceiling: the smaller is more ambitious
    assert m.loc[("class", "乙市"), "direction"] == "lower"
    assert m.loc[("class", "乙市"), "most_ambitious"] and not m.loc[("class", "甲市"), "most_ambitious"]
    assert "pe" not in m.index.get_level_values(0)


def test_target_matrix_picks_latest_year_and_marks_ties():
    t = _targets([
        ["a1", "D1", "target", "x", "x", "x", 80.0, 80.0, None, "percent", ">=", 2020, None, None],
        ["a2", "D1", "target", "x", "x", "x", 90.0, 90.0, None, "percent", ">=", 2022, None, None],
        ["b1", "D2", "target", "x", "x", "x", 90.0, 90.0, None, "percent", ">=", 2025, None, None],
    ])
    m = compare.target_matrix(t, DOCS)
    assert m.target_id.tolist() == ["b1", "a2"] or m.target_id.tolist() == ["a2", "b1"]
    assert m.most_ambitious.all()


def test_paper_tables():
    m = compare.target_matrix(TARGETS, DOCS)
    wide = compare.matrix_table(m, "en", bold="markdown")
    assert list(wide.columns) == ["Jia", "Yi"]
    assert wide.loc["Preschool GER", "Yi"] == "**≥97% (2025)**"
    assert wide.loc["Class size", "Jia"] == "≤50 (2022)"
    md = paper_tables.to_markdown(wide)
    assert md.splitlines()[:2] == ["| indicator | Jia | Yi |", "|---|---|---|"]
    tex = paper_tables.to_latex(compare.matrix_table(m, "zh", bold="latex"), caption="Targets & years")
    assert "\\textbf{≥97\\% (2025)}" in tex and "Targets \\& years" in tex and "\\toprule" in tex


def test_kwic_and_side_by_side():
    k = compare.kwic(MEASURES, "产教融合", window=2)
    assert k[["measure_id", "left", "right"]].values.tolist() == [["A-m2", "推进", "校企"], ["B-m1", "", "校企"]]
    with pytest.raises(EduAnalysisError, match="regular expression"):
        compare.kwic(MEASURES, "(")
    a = similarity.alignments(MEASURES)
    s = compare.side_by_side(a, "B", "A")
    assert list(s.columns) == ["rank", "similarity", "B", "A"]
    assert s.iloc[0]["B"] == "产教融合校企合作深入推进"
    with pytest.raises(EduAnalysisError, match="no alignment"):
        compare.side_by_side(a, "A", "Z")


def test_target_matrix_does_not_mark_counts_or_other_units():
    t = _targets([
        ["a1", "D1", "target", "n", "新建学校", "New schools", 12.0, 12.0, None, "schools", "=", 2022, None, None],
        ["b1", "D2", "target", "n", "新建学校", "New schools", 37.0, 37.0, None, "schools", "=", 2025, None, None],
        ["a2", "D1", "target", "r", "率", "Rate", 90.0, 90.0, None, "percent", ">=", 2022, None, None],
        ["b2", "D2", "target", "r", "率", "Rate", 95.0, 95.0, None, "count", ">=", 2025, None, None],
    ])
    m = compare.target_matrix(t, DOCS).set_index("target_id")
    assert not m.most_ambitious.any()  # counts scale with city size; the rate has one comparable region
    assert m.comparable.tolist().count(False) == 1
    assert compare.target_matrix(t, DOCS, scale_free_units={"schools"}).set_index("target_id").most_ambitious["b1"]


def test_side_by_side_names_columns_by_label_and_aligns_on_demand():
    # Two documents of one region, no manifest (no region_en): the labels tell them apart.
    docs = pd.DataFrame({"doc_id": ["A", "B"], "region_zh": ["甲市", "甲市"]})
    names = {"A": "甲市 2019 通知", "B": "甲市 2020 通知"}
    s = compare.side_by_side(similarity.alignments(MEASURES), "A", "B", docs, names=names)
    assert list(s.columns) == ["rank", "similarity", "甲市 2019 通知", "甲市 2020 通知"]
    # The pair is not in the stored alignments: computed from the measures, same result.
    on_demand = compare.side_by_side(similarity.alignments(MEASURES).iloc[0:0], "B", "A", docs,
                                     measures=MEASURES, names=names)
    assert on_demand.iloc[0]["甲市 2020 通知"] == "产教融合校企合作深入推进"
    assert compare.side_by_side(None, "A", "B", measures=MEASURES).shape[0] == s.shape[0]
    with pytest.raises(EduAnalysisError, match="measures=sel.text_measures"):
        compare.side_by_side(None, "A", "B")
    with pytest.raises(EduAnalysisError, match="not in the selection"):
        compare.side_by_side(None, "A", "Q", docs, measures=MEASURES)


def test_kwic_sorts_by_context():
    k = compare.kwic(MEASURES, "产教融合", window=2, sort="right")
    assert k.measure_id.tolist() == ["A-m2", "B-m1"]  # 校企 = 校企: ties in measure order
    k = compare.kwic(MEASURES, "普惠性", window=2, sort="right")
    assert k.right.tolist() == ["幼儿", "幼儿"]
    with pytest.raises(EduAnalysisError, match="sort must be"):
        compare.kwic(MEASURES, "x", sort="size")


# --- at scale: top-k similarity, group means, bounded alignments, MiniBatch clustering ------------------

def _random_tfidf(n: int = 40, terms: int = 30, seed: int = 0):
    from scipy import sparse

    rng = np.random.default_rng(seed)
    dense = rng.integers(1, 5, (n, terms)) * (rng.random((n, terms)) < 0.3)  # term counts
    dense[0] = 0.0  # a document with no terms
    dense[2] = dense[1]  # an exact tie
    from eduanalysis.analyse.features import tfidf

    return tfidf(sparse.csr_matrix(dense)), [f"d{i:02d}" for i in range(n)]


def _dense_top_k(x, ids, k):
    sq = pd.DataFrame(np.round(x @ x.T.toarray(), 12), index=ids, columns=ids)
    rows = []
    for a in ids:
        row = sq.loc[a].drop(a)
        # Highest first, ties by doc id.
        best = sorted(row.index, key=lambda b: (-row[b], b))[:k]
        rows += [(a, b, row[b]) for b in best]
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "similarity"]).sort_values(["doc_a", "doc_b"]).reset_index(
        drop=True)


@pytest.mark.parametrize("k", [1, 5])
def test_top_k_equals_the_top_k_of_the_dense_matrix(k):
    x, ids = _random_tfidf()
    got = similarity.top_k_neighbours(x, ids, k=k, block_size=7)
    assert_frame_equal(got, _dense_top_k(x, ids, k), check_exact=False, atol=1e-12)
    assert_frame_equal(similarity.top_k_neighbours(x, ids, k=k, block_size=7, dense_bytes=0), got)
    assert (got.groupby("doc_a").size() == k).all() and not (got.doc_a == got.doc_b).any()


def test_top_k_does_not_depend_on_block_size_or_row_order():
    x, ids = _random_tfidf(seed=3)
    one = similarity.top_k_neighbours(x, ids, k=4, block_size=1)
    assert_frame_equal(similarity.top_k_neighbours(x, ids, k=4, block_size=1000), one)
    rev = np.arange(len(ids))[::-1]
    assert_frame_equal(similarity.top_k_neighbours(x[rev], [ids[i] for i in rev], k=4, block_size=5), one)
    # The sparse product (large vocabularies) gives the same neighbours as the dense one.
    assert_frame_equal(similarity.top_k_neighbours(x, ids, k=4, block_size=6, dense_bytes=0), one)


def test_similarity_switches_to_top_k_above_max_documents():
    texts = pd.Series({"a": "学前教育 职业教育", "b": "学前教育 职业教育", "c": "特殊教育", "d": "学前教育"})
    dense = similarity.similarity(texts, sublinear_tf=False)
    top = similarity.similarity(texts, sublinear_tf=False, top_k=2, max_documents=3)
    assert len(dense) == 16 and len(top) == 8
    merged = top.merge(dense, on=["doc_a", "doc_b"], suffixes=("", "_dense"))
    assert len(merged) == 8 and np.allclose(merged.similarity, merged.similarity_dense)
    assert top.query("doc_a == 'a'").doc_b.tolist() == ["b", "d"]


def test_group_similarity_is_the_mean_of_the_dense_pairwise_similarities():
    x, ids = _random_tfidf(n=25, seed=5)
    groups = pd.Series({d: "GHIJ"[i % 4] if i < 24 else "K" for i, d in enumerate(ids)})
    got = similarity.group_similarity(x, ids, groups)
    sq = pd.DataFrame(x @ x.T.toarray(), index=ids, columns=ids)
    for ga in got.index:
        a = groups.index[groups == ga]
        for gb in got.columns:
            b = groups.index[groups == gb]
            block = sq.loc[a, b].to_numpy()
            want = (block[~np.eye(len(a), dtype=bool)].mean() if len(a) > 1 else np.nan) if ga == gb else block.mean()
            assert got.loc[ga, gb] == pytest.approx(want, nan_ok=True), (ga, gb)
    assert np.isnan(got.loc["K", "K"])


def test_pair_similarity_and_similarity_table_at_scale():
    x, ids = _random_tfidf(n=30, seed=2)
    x2, _ = _random_tfidf(n=30, seed=9)
    table = similarity.similarity_table(x, x2, ids, top_k=3, max_documents=10, block_size=4)
    word, char = (table.query(f"analyzer == '{a}'") for a in ("word", "char"))
    assert len(word) == 30 * 3 and word[["doc_a", "doc_b"]].values.tolist() == char[["doc_a", "doc_b"]].values.tolist()
    dense2 = x2 @ x2.T.toarray()
    pos = {d: i for i, d in enumerate(ids)}
    assert np.allclose(char.similarity, [dense2[pos[a], pos[b]] for a, b in zip(char.doc_a, char.doc_b, strict=True)])


def test_pair_similarity_scores_each_listed_pair_once_per_direction_and_repeat():
    # A top-k list holds pairs both ways and may repeat one; a document without entries scores 0.
    x, ids = _random_tfidf(n=12, seed=4)
    x = x.tolil()
    x[5, :] = 0
    x = x.tocsr()
    x.eliminate_zeros()
    pairs = pd.DataFrame({"doc_a": [ids[0], ids[3], ids[0], ids[5], ids[7], ids[7]],
                          "doc_b": [ids[3], ids[0], ids[3], ids[2], ids[7], ids[11]]})
    got = similarity.pair_similarity(x, ids, pairs)
    dense = x @ x.T.toarray()
    pos = {d: i for i, d in enumerate(ids)}
    want = sorted(zip(pairs.doc_a, pairs.doc_b, [float(np.clip(dense[pos[a], pos[b]], 0, 1))
                                                  for a, b in zip(pairs.doc_a, pairs.doc_b, strict=True)], strict=True))
    assert got[["doc_a", "doc_b"]].values.tolist() == [[a, b] for a, b, _ in want]
    assert np.allclose(got.similarity, [v for *_, v in want], atol=1e-12)
    assert got.query(f"doc_a == '{ids[5]}'").similarity.tolist() == [0.0]
    x32 = x.astype(np.float32)
    assert np.allclose(similarity.pair_similarity(x32, ids, pairs).similarity, got.similarity, atol=1e-6)
    assert similarity.pair_similarity(x, ids, pairs.iloc[:0]).empty


def test_alignment_pairs_bound_the_alignments():
    sim = pd.DataFrame({"doc_a": ["A", "B", "A", "C"], "doc_b": ["B", "A", "C", "A"], "similarity": [.9, .9, .1, .1]})
    assert similarity.alignment_pairs(sim, 1) == [("A", "B")]
    three = pd.concat([MEASURES, MEASURES.assign(doc_id="C", measure_id=MEASURES.measure_id.str.replace("A", "C"))])
    every = similarity.alignments(three, top_n=5)
    some = similarity.alignments(three, top_n=5, pairs=[("A", "B")])
    assert set(zip(every.doc_a, every.doc_b, strict=True)) == {("A", "B"), ("A", "C"), ("B", "C")}
    assert set(zip(some.doc_a, some.doc_b, strict=True)) == {("A", "B")}
    assert set(some.measure_a) <= set(MEASURES.measure_id)


def test_alignment_tokens_made_for_the_pair_documents_only(tmp_path):
    # A function of the measures read makes tokens for the listed pairs' documents only; the same
    # alignments as from the whole store, and as tokenising the texts again.
    from eduanalysis.report import steps

    a = MEASURES.loc[MEASURES.doc_id == "A"]
    three = pd.concat([MEASURES, a.assign(doc_id="C", measure_id=a.measure_id.str.replace("A", "C"))])
    asked = []

    def tokens(read):
        asked.append(sorted(read["doc_id"].unique()))
        return steps.measure_tokens(read, tmp_path)

    some = similarity.alignments(three, top_n=5, pairs=[("A", "B")], tokens=tokens)
    assert asked == [["A", "B"]] and len(some)
    whole = similarity.alignments(three, top_n=5, pairs=[("A", "B")], tokens=steps.measure_tokens(three, tmp_path))
    assert_frame_equal(some, whole)
    assert_frame_equal(some, similarity.alignments(three, top_n=5, pairs=[("A", "B")]))


def test_keyness_from_one_count_matrix_equals_keyness_by_region():
    from eduanalysis.analyse.features import count_matrix

    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "region_zh": ["甲市", "甲市", "乙市"],
                         "region_en": ["Jia", "Jia", "Yi"], "province_zh": ["某省"] * 3, "province_en": ["Mou"] * 3})
    texts = pd.Series({"d1": "学前教育 学前教育 普惠性幼儿园 甲市", "d2": "学前教育 学前教育 集团化办学",
                       "d3": "职业教育 职业教育 职业教育 产教融合"})
    places = ["甲市", "乙市", "某省"]
    from eduanalysis.analyse.features import region_stopwords

    counts, terms = count_matrix(texts, extra_stopwords=region_stopwords(places))
    got = similarity.keyness_from_matrix(counts, terms, texts.index, docs, min_count=1)
    assert_frame_equal(got, similarity.keyness_by_region(docs, texts, min_count=1))
    assert "甲市" not in set(got.term) and set(got.region_zh) == {"甲市", "乙市"}


def test_minibatch_path_is_deterministic_and_samples_the_silhouette():
    texts = CLUSTER_TEXTS * 4  # 72 texts, forced above the MiniBatch threshold
    params = dict(k_range=(2, 4), min_df=1, minibatch_above=10, silhouette_sample=30)
    a = clustering.MeasureClusterer(random_state=3, **params).fit(texts)
    b = clustering.MeasureClusterer(random_state=3, **params).fit(texts)
    assert (a.labels_ == b.labels_).all() and a.silhouette_ == b.silhouette_
    assert a.n_clusters_ == 3
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(TRUE_LABELS * 4, a.labels_) == 1.0
    s = clustering.stability(texts, seeds=[1, 2], n_clusters=3, min_df=1, minibatch_above=10)
    assert (s.ari == 1.0).all()
    with pytest.raises(EduAnalysisError, match="max_measures"):
        clustering.MeasureClusterer(method="agglomerative", n_clusters=2)._cluster(np.zeros((20001, 2)), 2)


# --- levels: documents, regions or provinces in figures --------------------------------------------------

LEVEL_DOCS = pd.DataFrame({
    "doc_id": ["D1", "D2", "D3"], "region_zh": ["甲市", "甲市", "乙市"], "region_en": ["Jia", "Jia", "Yi"],
    "province_zh": ["某省", "某省", "某省"], "province_en": ["Mou", "Mou", "Mou"],
    "written_date": [None, None, None], "published_date": ["2019-05-31", "2021-01-02", None],
    "plan_start_year": [2019, 2021, 2020], "plan_end_year": [2022, 2025, 2023],
})


def test_label_level_and_at_level_switch_to_provinces():
    assert levels.label_level(LEVEL_DOCS, 3) == "doc_id"
    assert levels.label_level(LEVEL_DOCS, 2) == "region_zh"
    assert levels.label_level(LEVEL_DOCS, 1, ("region_zh", "province_zh")) == "province_zh"
    assert levels.at_level(LEVEL_DOCS, "region_zh") is LEVEL_DOCS
    prov = levels.at_level(LEVEL_DOCS, "province_zh")
    assert set(prov.region_zh) == {"某省"} and set(prov.region_en) == {"Mou"}
    m = compare.target_matrix(TARGETS.assign(doc_id=TARGETS.doc_id.map({"D1": "D1", "D2": "D3"})), prov)
    assert set(m.region_zh) == {"某省"} and m.groupby("indicator_id").size().eq(1).all()
    assert labels.level_names(LEVEL_DOCS, "province_zh", "en") == {"某省": "Mou"}


def test_horizons_and_stats_at_level_aggregate_the_documents():
    h = levels.horizons_at_level(LEVEL_DOCS, "region_zh")
    assert h[["doc_id", "plan_start_year", "plan_end_year", "published_date"]].values.tolist() == [
        ["乙市", 2020, 2023, "2020"], ["甲市", 2019, 2025, "2020"]]  # median of 2019 and 2021
    assert levels.horizons_at_level(LEVEL_DOCS, "doc_id") is LEVEL_DOCS
    stats = pd.DataFrame({"n_chars": [10, 20, 5], "n_targets": [1, 2, 3]}, index=["D1", "D2", "D3"])
    assert levels.stats_at_level(stats, LEVEL_DOCS, "region_zh").to_dict() == {
        "n_chars": {"乙市": 5.0, "甲市": 30.0}, "n_targets": {"乙市": 3.0, "甲市": 3.0}}
    events = pd.DataFrame({"doc_id": ["D1", "D3"], "region_zh": ["甲市", "乙市"], "region_en": ["Jia", "Yi"]})
    assert levels.regroup(events, LEVEL_DOCS, "province_zh").region_zh.tolist() == ["某省", "某省"]


def test_sample_measures_is_seeded_and_keeps_key_order():
    m = pd.DataFrame({"measure_id": [f"m{i:03d}" for i in range(100)], "text": "x"})
    a, b = selection.sample_measures(m, 10, 1), selection.sample_measures(m, 10, 1)
    assert_frame_equal(a, b) and a.measure_id.is_monotonic_increasing and len(a) == 10
    assert selection.sample_measures(m, 10, 2).measure_id.tolist() != a.measure_id.tolist()
    assert selection.sample_measures(m, 100, 1) is m


def test_median_trajectories_give_one_point_per_region_year_and_role():
    docs = DOCS.assign(region_zh="甲市", region_en="Jia")
    t = TARGETS.assign(doc_id=["D1", "D2", "D2", "D2", "D1", "D1"], year=[2022, 2020, 2022, 2025, 2022, None])
    p = timeline.trajectories(t, docs, min_regions=1, median=True)
    ger = p.query("indicator_id == 'ger' and role == 'target'")
    assert ger[["year", "value"]].values.tolist() == [[2022, 96.0]]  # D1 95 and D2 97 in the same year
    assert not p.duplicated(["indicator_id", "region_zh", "year", "role"]).any()


def test_label_level_skips_a_level_some_documents_lack():
    # 82 regions of the example corpus and no province known: regions, not an empty province level.
    from eduanalysis.analyse.levels import label_level

    d = pd.DataFrame({"doc_id": list("abc"), "region_zh": ["甲", "乙", "丙"], "province_zh": [None, None, None]})
    assert label_level(d, 1) == "region_zh"
    assert label_level(d.assign(province_zh=["P", None, "Q"]), 1, ("region_zh", "province_zh")) == "region_zh"


def test_load_reads_tables_when_first_used_and_replace_keeps_them_unread(built):
    from eduanalysis.analyse.selection import Deferred, corpus_stats, load

    sel = levels.by_admin_level(load(built.out_dir))  # derived with replace: still unread
    assert all(type(object.__getattribute__(sel, n)) is Deferred
               for n in ("sections", "measures", "targets", "responsibilities"))
    stats = corpus_stats(sel)  # reads only the columns it counts
    assert type(object.__getattribute__(sel, "measures")) is Deferred
    m = built.tables["measures"]
    assert sel.measures.equals(m) and type(object.__getattribute__(sel, "measures")) is pd.DataFrame
    expected = m.loc[m["kind"] == "text"].groupby("doc_id").size().reindex(stats.index, fill_value=0)
    assert stats["n_measures"].tolist() == expected.tolist() and stats["n_measures"].sum() > 100
    assert stats["n_sections"].sum() == len(built.tables["sections"])
    one = built.tables["documents"]["region_zh"].iloc[0]
    picked = load(built.out_dir, [one])
    assert set(picked.measures["doc_id"]) == set(picked.documents["doc_id"]) < set(m["doc_id"])


def test_text_measures_are_selected_once_without_keeping_the_whole_table(built):
    # A notebook reading only clauses must not hold every measure as well (a gigabyte at 10,000 documents).
    from eduanalysis.analyse.features import text_measures
    from eduanalysis.analyse.selection import Deferred, load

    sel = levels.by_admin_level(load(built.out_dir))
    clauses = sel.text_measures
    assert type(object.__getattribute__(sel, "measures")) is Deferred  # read, filtered, let go
    assert sel.text_measures is clauses  # kept: later calls do not copy again
    m = built.tables["measures"]
    assert clauses.equals(text_measures(m)) and set(clauses["kind"]) == {"text"} and len(clauses) < len(m)
    read_first = load(built.out_dir)
    assert read_first.measures.equals(m) and read_first.text_measures.equals(clauses)
    assert levels.by_admin_level(sel).text_measures is not clauses  # a derived selection selects its own
    sel.measures = m.iloc[:10]  # measures replaced in a notebook: the clauses follow
    assert sel.text_measures.equals(text_measures(m.iloc[:10]))
