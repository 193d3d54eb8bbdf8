"""The two tokenizer backends agree: jieba (reference) and jieba-rs (rjieba), on snippets and on real corpora.

Agreement is measured on the seed corpus (``data/raw``) and, when it is next to the repository,
the development set (``../shared/devset/raw``): the clause measures the analyses tokenise and the
documents' whole texts (page furniture, links and tables included). The tables an analysis writes
must not depend on the backend where the tokens are the same.
"""

import difflib
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from eduanalysis.analyse import features, similarity, tokens
from eduanalysis.analyse.features import (
    USERDICT,
    JiebaTokenizer,
    RJiebaTokenizer,
    make_tokenizer,
    read_word_list,
    stopwords,
)
from eduanalysis.errors import EduAnalysisError

pytest.importorskip("rjieba")

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT.parent / "shared" / "devset" / "raw"
#: Share of identical tokens the two backends must reach on each corpus.
MIN_AGREEMENT = 0.995
BACKENDS = ["jieba", "rjieba"]


def agreement(texts: list[str]) -> tuple[float, list[str]]:
    """Share of identical tokens (aligned per text, over the longer of the two lists) and the differences."""
    ref, fast = JiebaTokenizer(), RJiebaTokenizer()
    same = total = 0
    diffs = []
    for text in texts:
        a, b = ref(text), fast(text)
        blocks = difflib.SequenceMatcher(None, a, b, autojunk=False)
        same += sum(block.size for block in blocks.get_matching_blocks())
        total += max(len(a), len(b))
        diffs += [f"jieba {a[i1:i2]} / rjieba {b[j1:j2]} in {text[:60]!r}"
                  for op, i1, i2, j1, j2 in blocks.get_opcodes() if op != "equal"]
    return (same / total if total else 1.0), diffs


def corpus_texts(tables: dict[str, pd.DataFrame]) -> list[str]:
    return list(features.text_measures(tables["measures"])["text"]) + list(tables["documents"]["text"])


@pytest.fixture(scope="module")
def devset_tables():
    if not DEVSET.is_dir():
        pytest.skip(f"the development set is not at {DEVSET}")
    from eduanalysis.build.pipeline import build_tables

    return build_tables(DEVSET).tables


def test_backends_agree_on_the_seed_corpus(built):
    share, diffs = agreement(corpus_texts(built.tables))
    assert share >= MIN_AGREEMENT, f"{share:.4%} identical tokens; differences:\n" + "\n".join(diffs)


def test_backends_agree_on_the_dev_set(devset_tables):
    share, diffs = agreement(corpus_texts(devset_tables))
    assert share >= MIN_AGREEMENT, f"{share:.4%} identical tokens; differences:\n" + "\n".join(diffs)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("推进集团化办学，落实立德树人根本任务", ["集团化办学", "立德树人"], id="userdict-terms-kept-whole"),
        pytest.param("深化县管校聘管理改革", ["县管校聘", "管理", "改革"], id="county-hire-school-employ"),
        pytest.param("到2025年，学前三年毛入园率达到95%", ["学前", "三年", "毛入园率", "达到"], id="numbers-dropped"),
        # jieba's HMM splits an unknown run of letters, digits and dots; jieba-rs keeps it whole: split as jieba does.
        pytest.param("原文链接:https://www.pkulaw.com/lar/d6a9.html", ["原文", "链接", "https", "www", "pkulaw", "com",
                                                                      "lar", "html"], id="url-split-as-jieba"),
        pytest.param("《健康中国行动(2019-2030)》", ["健康", "行动"], id="year-range"),
        # A dictionary word with symbols stays whole in both.
        pytest.param("开设C++编程课程", ["开设", "C++", "编程", "课程"], id="dictionary-word-with-symbols"),
    ],
)
def test_backends_tokenise_policy_snippets_alike(backend, text, expected):
    assert make_tokenizer(backend)(text) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_userdict_term_survives_as_one_token_in_both_backends(backend):
    tok = make_tokenizer(backend)
    broken = [t for t in read_word_list(USERDICT) if t not in stopwords() and t not in tok(t)]
    assert broken == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_tokenizer_pickles_small_and_tokenises_alike_after(backend):
    tok = make_tokenizer(backend, ["大连"])
    tok("大连学前教育")  # fills the per-token cache, which is not pickled
    copy = pickle.loads(pickle.dumps(tok))
    assert copy == tok and copy("大连学前教育") == tok("大连学前教育") == ["学前教育"]
    assert len(pickle.dumps(tok)) < 300


def test_version_names_backend_and_changes_with_the_options():
    ref, fast = JiebaTokenizer(), RJiebaTokenizer()
    assert ref.version.startswith("jieba-") and fast.version.startswith("rjieba-")
    assert ref.version == JiebaTokenizer().version
    assert ref.version.split("-")[-1] == fast.version.split("-")[-1]  # same dictionary, stopwords and filter
    assert JiebaTokenizer(["盘锦"]).version != ref.version
    assert JiebaTokenizer(hmm=False).version != ref.version


def test_default_backend_is_rjieba_unless_the_environment_says(monkeypatch):
    monkeypatch.delenv(features.TOKENIZER_ENV, raising=False)
    assert features.default_backend() == "rjieba"
    monkeypatch.setenv(features.TOKENIZER_ENV, "jieba")
    assert isinstance(make_tokenizer(), JiebaTokenizer)
    monkeypatch.setenv(features.TOKENIZER_ENV, "thulac")
    with pytest.raises(EduAnalysisError, match="EDUANALYSIS_TOKENIZER='thulac'.*jieba"):
        make_tokenizer()


def test_unknown_backend_names_the_choices():
    with pytest.raises(EduAnalysisError, match="'jieba', 'rjieba'"):
        make_tokenizer("pkuseg")


@pytest.mark.parametrize("backend", BACKENDS)
def test_similarity_and_keyness_on_the_seed_corpus_do_not_depend_on_the_backend(built, backend):
    """Where the tokens agree (the seed corpus: all of them), the tables are the same to the last bit."""
    t = built.tables
    texts = features.document_texts(t["measures"])
    places = features.region_stopwords(pd.concat([t["documents"]["region_zh"], t["documents"]["province_zh"]]))
    assert [JiebaTokenizer(places)(x) for x in texts] == [RJiebaTokenizer(places)(x) for x in texts]
    results = {}
    for name in BACKENDS:
        counts, terms = features.count_matrix(texts, extra_stopwords=places, tokenizer=name)
        char = features.tfidf(features.count_matrix(texts, "char")[0])
        results[name] = (similarity.similarity_table(features.tfidf(counts), char, texts.index),
                         similarity.keyness_from_matrix(counts, terms, texts.index, t["documents"]))
    for ref, fast in zip(results["jieba"], results["rjieba"], strict=True):
        pd.testing.assert_frame_equal(ref, fast, check_exact=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_stored_tokens_give_the_counts_of_tokenising_the_texts(built, backend):
    t = built.tables
    texts = features.document_texts(t["measures"])
    places = features.region_stopwords(t["documents"]["region_zh"])
    table = tokens.measure_tokens(features.text_measures(t["measures"]), backend)
    docs = tokens.document_tokens(table, t["measures"])
    assert list(docs.index) == list(texts.index)
    direct, terms_direct = features.count_matrix(texts, extra_stopwords=places, tokenizer=backend)
    stored, terms_stored = features.count_matrix(docs, "tokens", extra_stopwords=places)
    assert list(terms_direct) == list(terms_stored) and (direct != stored).nnz == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_document_counts_equal_counting_the_document_token_lists(built, backend):
    # The notebooks count the stored tokens in Arrow; the matrix must be the vectoriser's bit for bit
    # (terms, counts, entry order), so similarity and keyness tables do not move.
    t = built.tables
    clauses = features.text_measures(t["measures"])
    places = features.region_stopwords(t["documents"]["region_zh"])
    table = tokens.measure_tokens(clauses, backend)
    ref, ref_terms = features.count_matrix(tokens.document_tokens(table, clauses), "tokens", extra_stopwords=places)
    fast, terms = tokens.document_counts(table, clauses, extra_stopwords=places)
    assert terms.tolist() == ref_terms.tolist() and fast.dtype == ref.dtype == np.int64
    assert all(np.array_equal(getattr(fast, k), getattr(ref, k)) for k in ("data", "indices", "indptr"))
    a, b = features.tfidf(ref), features.tfidf(fast)
    assert all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("data", "indices", "indptr"))
    shuffled = table.sample(frac=1, random_state=1)  # rows in any order, measures of the whole table
    again, _ = tokens.document_counts(shuffled, t["measures"], extra_stopwords=places)
    assert (again != fast).nnz == 0


def test_measure_tokens_reuse_rows_only_for_the_same_text_and_tokenizer():
    m = pd.DataFrame({"measure_id": ["a", "b"], "doc_id": ["D", "D"], "text": ["普及学前教育", "发展职业教育"]})
    first = tokens.measure_tokens(m, "jieba")
    planted = first.assign(tokens=[["旧的"], ["旧的"]])
    changed = m.assign(text=["普及学前教育", "发展高等教育"])
    again = tokens.measure_tokens(changed, "jieba", previous=planted)
    assert again["tokens"].tolist() == [["旧的"], ["高等教育"]]  # a reused, b re-tokenised
    other = tokens.measure_tokens(m, "rjieba", previous=planted)
    assert other["tokens"].tolist() == first["tokens"].tolist()  # another tokenizer's rows are not reused


def test_measure_tokens_refuse_extra_stopwords_and_missing_measures():
    m = pd.DataFrame({"measure_id": ["a"], "doc_id": ["D"], "text": ["普及学前教育"]})
    with pytest.raises(EduAnalysisError, match="without extra_stopwords"):
        tokens.measure_tokens(m, JiebaTokenizer(["学前"]))
    with pytest.raises(EduAnalysisError, match="1 measures have no tokens"):
        tokens.tokens_for(tokens.measure_tokens(m, "jieba"), ["a", "zz"])


def test_token_vectoriser_equals_the_word_vectoriser():
    docs = ["推进集团化办学，助力盘锦", "推进产教融合"]
    word = features.make_vectorizer("word", extra_stopwords=["盘锦"], tokenizer="jieba").fit_transform(docs)
    pre = features.make_vectorizer("tokens", extra_stopwords=["盘锦"]).fit_transform(
        [JiebaTokenizer()(d) for d in docs])
    assert (word != pre).nnz == 0


def test_clusters_from_stored_rjieba_tokens_equal_clusters_of_the_jieba_texts(built):
    from eduanalysis.analyse.clustering import MeasureClusterer, clusters

    m = features.text_measures(built.tables["measures"])
    params = {"n_clusters": 5, "n_components": 20, "extra_stopwords": ["盘锦"], "random_state": 7}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(features.TOKENIZER_ENV, "jieba")
        ref = clusters(m, MeasureClusterer(**params).fit(m["text"]))
    stored = tokens.tokens_for(tokens.measure_tokens(m, "rjieba"), m["measure_id"])
    fast = clusters(m, MeasureClusterer(analyzer="tokens", **params).fit(stored))
    pd.testing.assert_frame_equal(ref, fast, check_exact=True)


@pytest.mark.parametrize("replace", [False, True], ids=["added", "replacing"])
def test_a_users_dictionary_is_applied_alike_by_both_backends_and_changes_the_version(tmp_path, monkeypatch, replace):
    user = tmp_path / "userdict.txt"
    user.write_text("美育浸润 1000 n\n", encoding="utf-8")
    before = RJiebaTokenizer().version
    monkeypatch.setenv(features.USERDICT_ENV, str(user))
    monkeypatch.setenv(features.REPLACE_ENV, "userdict" if replace else "")
    features.reload_dictionaries()
    try:
        text = "实施学校美育浸润行动，推进集团化办学"
        ref, fast = JiebaTokenizer()(text), RJiebaTokenizer()(text)
        assert ref == fast and "美育浸润" in fast
        assert ("集团化办学" in fast) is not replace  # the packaged dictionary is replaced, or kept
        assert RJiebaTokenizer().version != before
    finally:
        monkeypatch.undo()
        features.reload_dictionaries()
    assert RJiebaTokenizer().version == before


def test_document_counts_keep_documents_left_without_tokens():
    # A document whose clauses are all stopwords or place names still has its (empty) row, first, between and last.
    m = pd.DataFrame({"measure_id": ["A-m1", "B-m1", "B-m2", "C-m1", "D-m1"], "doc_id": ["A", "B", "B", "C", "D"],
                      "kind": ["text"] * 5, "text": ["盘锦", "推进集团化办学", "盘锦", "大连", "大连"],
                      "char_start": [0, 0, 8, 0, 0]})
    t = tokens.measure_tokens(m, "jieba")
    counts, terms = tokens.document_counts(t, m, extra_stopwords=["盘锦", "大连"])
    ref, ref_terms = features.count_matrix(tokens.document_tokens(t, m), "tokens", extra_stopwords=["盘锦", "大连"])
    assert counts.shape == (4, len(terms)) and counts.getnnz(axis=1).tolist() == [0, len(terms), 0, 0]
    assert terms.tolist() == ref_terms.tolist()
    assert all(np.array_equal(getattr(counts, k), getattr(ref, k)) for k in ("data", "indices", "indptr"))


def test_tokens_made_a_batch_at_a_time_equal_tokenising_all_at_once(monkeypatch):
    # Cold runs tokenise a million texts: batches of texts in, Arrow lists out, the same tokens in the same order.
    import pyarrow as pa

    texts = ["推进集团化办学", "普及学前教育", "", "发展职业教育，推进产教融合", "加强校园安全管理"] * 3
    whole = [JiebaTokenizer()(t) for t in texts]
    monkeypatch.setattr(features, "TOKENIZE_BATCH", 2)
    assert list(features.iter_tokenized(pa.array(texts), "jieba")) == whole
    assert list(features.iter_tokenized(texts, "jieba")) == whole
    m = pd.DataFrame({"measure_id": [f"D-m{i:03d}" for i in range(len(texts))], "doc_id": "D", "text": texts})
    reference = tokens.measure_tokens(m, "jieba")
    monkeypatch.setattr(tokens, "TOKENS_BATCH", 4)
    batched = tokens.measure_tokens(m, "jieba")
    pd.testing.assert_frame_equal(batched, reference)
    assert batched["tokens"].tolist() == whole


def test_tokens_from_the_jieba_pool_come_in_order(monkeypatch):
    import pyarrow as pa

    texts = ["推进集团化办学", "普及学前教育", "发展职业教育"] * 5
    monkeypatch.setattr(features, "PARALLEL_MIN_TEXTS", 4)
    monkeypatch.setattr(features, "PARALLEL_BATCH", 2)
    assert list(features.iter_tokenized(pa.array(texts), "jieba", n_jobs=2)) == [JiebaTokenizer()(t) for t in texts]
