"""Tokenizer and vectorisers: user dictionary, stopwords, place names, character n-grams."""

import pickle

import pandas as pd
import pytest

from eduanalysis.analyse.features import (
    USERDICT,
    JiebaTokenizer,
    chars_only,
    document_texts,
    make_vectorizer,
    read_word_list,
    region_stopwords,
    stopwords,
    tokens_table,
)
from eduanalysis.errors import EduAnalysisError


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("推进集团化办学，落实立德树人根本任务", ["集团化办学", "立德树人"], id="userdict-terms-kept-whole"),
        pytest.param("深化县管校聘管理改革", ["县管校聘", "管理", "改革"], id="county-hire-school-employ"),
        pytest.param("全面落实“双减”政策", ["双减", "政策"], id="double-reduction-in-quotes"),
        pytest.param("到2025年，学前三年毛入园率达到95%", ["学前", "三年", "毛入园率", "达到"], id="numbers-dropped"),
        pytest.param("以习近平新时代中国特色社会主义思想为指导", ["思想"], id="political-formula-dropped"),
    ],
)
def test_tokenizer_on_policy_snippets(text, expected):
    assert JiebaTokenizer()(text) == expected


def test_every_userdict_term_survives_as_one_token():
    tok = JiebaTokenizer()
    terms = [t for t in read_word_list(USERDICT) if t not in stopwords()]
    broken = [t for t in terms if t not in tok(t)]
    assert broken == []


def test_stopwords_include_shared_formulae_not_content_words():
    sw = stopwords()
    assert {"习近平", "新时代", "贯彻落实", "加强"} <= sw
    assert not {"学前教育", "教师", "职业教育"} & sw


def test_region_stopwords_strip_administrative_suffix():
    assert region_stopwords(["盘锦市", "辽宁省", None, "市"]) == frozenset({"盘锦市", "盘锦", "辽宁省", "辽宁", "市"})


def test_extra_stopwords_drop_place_names():
    tok = JiebaTokenizer(extra_stopwords=["盘锦"])
    assert "盘锦" not in tok("助力盘锦全面振兴")
    assert "盘锦" in JiebaTokenizer()("助力盘锦全面振兴")


def test_tokenizer_pickles_for_sklearn():
    tok = JiebaTokenizer(["大连"])
    assert pickle.loads(pickle.dumps(tok))("大连学前教育") == tok("大连学前教育")


def test_chars_only_keeps_han_and_letters():
    assert chars_only("1. 加强STEM教育，覆盖率100%") == "加强STEM教育覆盖率"


def test_word_and_char_vectorisers_learn_vocabularies():
    docs = ["推进集团化办学", "推进产教融合"]
    word = make_vectorizer("word").fit(docs)
    assert set(word.vocabulary_) == {"集团化办学", "产教融合"}
    char = make_vectorizer("char").fit(docs)
    assert "推进" in char.vocabulary_ and "集团化" in char.vocabulary_


def test_unknown_analyzer_names_the_choices():
    with pytest.raises(EduAnalysisError, match="'word'.*'char'"):
        make_vectorizer("bigram")


def test_document_texts_join_text_measures_in_order():
    m = pd.DataFrame({
        "measure_id": ["D1-m0002", "D1-m0001", "D1-m0003", "D2-m0001"],
        "doc_id": ["D1", "D1", "D1", "D2"],
        "kind": ["text", "text", "heading", "text"],
        "text": ["第二", "第一", "标题", "另一"],
        "char_start": [10, 0, 20, 0],
    })
    assert document_texts(m).to_dict() == {"D1": "第一\n第二", "D2": "另一"}


def test_tokens_table_counts_terms():
    t = tokens_table(pd.Series({"a": "学前教育 学前教育 职业教育"}, name="text").rename_axis("doc_id"))
    assert t.to_dict("records") == [
        {"doc_id": "a", "term": "学前教育", "count": 2},
        {"doc_id": "a", "term": "职业教育", "count": 1},
    ]


def test_count_matrix_is_the_same_in_one_or_two_processes_and_matches_the_vectorizer():
    from eduanalysis.analyse.features import (
        PARALLEL_MIN_TEXTS,
        count_matrix,
        make_vectorizer,
        tfidf,
    )

    words = ["学前教育", "普惠性幼儿园", "产教融合", "集团化办学", "立德树人", "县管校聘", "教师队伍"]
    texts = ["，".join(words[(i + j) % len(words)] for j in range(i % 5 + 1)) for i in range(PARALLEL_MIN_TEXTS)]
    # The pool serves the Python jieba backend only.
    one, terms_one = count_matrix(texts, n_jobs=1, tokenizer="jieba")
    two, terms_two = count_matrix(texts, n_jobs=2, tokenizer="jieba")
    assert list(terms_one) == list(terms_two) and (one != two).nnz == 0
    assert (tfidf(one) != make_vectorizer(tokenizer="jieba").fit_transform(texts)).nnz == 0
    assert one.sum() == sum(i % 5 + 1 for i in range(PARALLEL_MIN_TEXTS))


def test_cluster_top_terms_rank_by_rounded_mean_weight_then_term():
    import numpy as np
    from scipy import sparse

    from eduanalysis.analyse.clustering import _top_terms

    names = np.array(["教育", "学前", "普惠", "集团化", "督导"], dtype=object)
    x = sparse.csr_matrix(np.array([[0.5, 0.5, 0.0, 0.2, 0.1], [0.5, 0.5 + 1e-14, 0.0, 0.2, 0.3],
                                    [0.0, 0.1, 0.9, 0.0, 0.0]]))
    labels = np.array([0, 0, 1])
    # 学前 and 教育 tie once rounded (1e-14 apart): term order breaks the tie; zero-weight terms are left out.
    assert _top_terms(x, labels, names, 3) == [["学前", "教育", "督导"], ["普惠", "学前"]]
