"""Character n-gram counts in numpy equal scikit-learn's CountVectorizer (matrix, terms, order inside rows)."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from eduanalysis.analyse.features import count_matrix, document_texts, text_measures, tfidf
from eduanalysis.analyse.ngrams import char_counts, chars_only, supported


def reference(texts, ngram_range=(2, 3), **limits):
    vec = CountVectorizer(analyzer="char", preprocessor=chars_only, ngram_range=ngram_range, **limits)
    return vec.fit_transform(texts), vec.get_feature_names_out()


def assert_same(texts, ngram_range=(2, 3), chunk_chars=None, n_jobs=1, **limits):
    expected, expected_terms = reference(texts, ngram_range, **limits)
    got, terms = char_counts(texts, ngram_range, **limits, **({"chunk_chars": chunk_chars} if chunk_chars else {}),
                             n_jobs=n_jobs)
    assert type(got) is type(expected) and got.shape == expected.shape
    assert terms.dtype == expected_terms.dtype and terms.tolist() == expected_terms.tolist()
    for part in ("data", "indices", "indptr"):  # same dtype and the same entry order inside each row
        a, b = getattr(got, part), getattr(expected, part)
        assert a.dtype == b.dtype, part
        np.testing.assert_array_equal(a, b, err_msg=part)
    # TF-IDF sums each row in its storage order: the weights are bit for bit the same.
    np.testing.assert_array_equal(tfidf(got).data, tfidf(expected).data)


INLINE = [
    "到2025年，学前三年毛入园率达到95%以上",
    "学前",
    "",
    None,
    "加强STEM教育与AI课程，stem教育abcAbc；学前教育学前",
    "ab",
    "a",
    "推进集团化办学。产教融合、校企合作！",
    "ＡＢＣ全角字母与ｆｕｌｌ",  # full-width letters: dropped by chars_only, as by the vectoriser
    "学前学前学前",
]


@pytest.mark.parametrize("ngram_range, limits", [
    pytest.param((2, 3), {}, id="default-2-3"),
    pytest.param((1, 1), {}, id="unigrams"),
    pytest.param((1, 2), {}, id="1-2"),
    pytest.param((3, 3), {}, id="trigrams-only"),
    pytest.param((2, 4), {}, id="2-4"),
    pytest.param((2, 3), {"min_df": 2}, id="min_df-count"),
    pytest.param((2, 3), {"max_df": 0.3}, id="max_df-share"),
    pytest.param((2, 3), {"min_df": 0.2, "max_df": 3}, id="min_df-share-max_df-count"),
    pytest.param((2, 3), {"min_df": 1, "max_df": 1}, id="only-terms-of-one-document"),
])
def test_char_counts_equal_the_vectorizer_on_inline_texts(ngram_range, limits):
    assert_same(INLINE, ngram_range, **limits)


@pytest.mark.parametrize("chunk_chars", [1, 7, 40])
def test_char_counts_do_not_depend_on_the_chunk_size(chunk_chars):
    assert_same(INLINE, chunk_chars=chunk_chars)
    assert_same(INLINE, (1, 3), chunk_chars=chunk_chars, min_df=2)


@pytest.mark.parametrize("n_jobs", [2, 3, None])
def test_char_counts_do_not_depend_on_the_threads(n_jobs):
    # Chunks of a few characters, counted several at once, meet new terms in the corpus' order all the same.
    assert_same(INLINE, chunk_chars=7, n_jobs=n_jobs)
    assert_same(INLINE * 3, (1, 3), chunk_chars=5, n_jobs=n_jobs, min_df=2)
    one, terms = char_counts(INLINE * 3, sorted_rows=True, chunk_chars=3, dtype=np.int32)
    many, terms_many = char_counts(INLINE * 3, sorted_rows=True, chunk_chars=3, dtype=np.int32, n_jobs=n_jobs)
    assert terms.tolist() == terms_many.tolist() and many.has_sorted_indices
    for part in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(one, part), getattr(many, part))


def test_char_counts_equal_the_vectorizer_on_the_seed_corpus(built):
    measures = built.tables["measures"]
    docs = document_texts(measures).tolist()
    clauses = text_measures(measures)["text"].tolist()
    assert_same(docs)
    assert_same(docs, min_df=2, max_df=0.9)
    assert_same(clauses, chunk_chars=5_000)
    assert_same(clauses, chunk_chars=5_000, n_jobs=2)
    assert_same(clauses, (1, 4), min_df=3)


def test_char_counts_raise_what_the_vectorizer_raises():
    for texts, limits in ((["", None, "123，。"], {}), (["学前教育", "学前"], {"min_df": 3}),
                          (["学前教育", "学前"], {"min_df": 2, "max_df": 1})):
        with pytest.raises(ValueError) as ours:
            char_counts(texts, **limits)
        with pytest.raises(ValueError) as theirs:
            reference(texts, **limits)
        assert str(ours.value) == str(theirs.value)


def test_count_matrix_counts_characters_in_numpy_only_where_supported():
    assert supported((2, 3)) and supported((1, 4)) and not supported((2, 8)) and not supported((3, 2))
    counts, terms = count_matrix(INLINE, "char", ngram_range=(2, 8))  # through the vectoriser
    expected, expected_terms = reference(INLINE, (2, 8))
    assert terms.tolist() == expected_terms.tolist() and (counts != expected).nnz == 0
    with pytest.raises(ValueError, match="not supported"):
        char_counts(INLINE, (2, 8))


@pytest.mark.parametrize("sublinear_tf", [True, False])
@pytest.mark.parametrize("copy", [True, False])
def test_tfidf_in_blocks_equals_the_transformer_bit_for_bit(built, monkeypatch, sublinear_tf, copy):
    from sklearn.feature_extraction.text import TfidfTransformer

    from eduanalysis.analyse import features

    counts, _ = char_counts(text_measures(built.tables["measures"])["text"].tolist())
    expected = TfidfTransformer(sublinear_tf=sublinear_tf).fit_transform(counts).tocsr()
    monkeypatch.setattr(features, "TFIDF_BLOCK", 5_000)  # many blocks
    given = counts.copy()
    got = tfidf(given, sublinear_tf, copy=copy)
    assert type(got) is type(expected) and got.shape == expected.shape
    for part in ("data", "indices", "indptr"):
        a, b = getattr(got, part), getattr(expected, part)
        assert a.dtype == b.dtype, part
        np.testing.assert_array_equal(a, b, err_msg=part)
    if copy:
        np.testing.assert_array_equal(given.data, counts.data)  # left as it was


def test_float32_weights_are_the_64_bit_ones_rounded_whatever_the_block(monkeypatch):
    # char_tfidf's weights must not depend on whether the matrix takes the one-piece or the block path.
    from eduanalysis.analyse import features

    texts = ["推进集团化办学，扩大优质教育资源覆盖面", "普及学前教育，发展职业教育", "加强校园安全管理，推进集团化办学"]
    counts = features.count_matrix(texts, "char", dtype=np.int32)[0]
    whole = features.tfidf(counts, dtype=np.float32)
    monkeypatch.setattr(features, "TFIDF_BLOCK", 7)
    blocks = features.tfidf(counts.copy(), copy=False, dtype=np.float32)
    reference = features.tfidf(features.count_matrix(texts, "char")[0]).astype(np.float32)
    reference.sort_indices()
    # char_tfidf counts each row in column order and weighs in numpy: the same weights, bit for bit.
    for got in (whole, blocks, features.char_tfidf(texts)):
        assert got.dtype == np.float32
        assert all(np.array_equal(getattr(got, k), getattr(reference, k)) for k in ("data", "indices", "indptr"))


def test_char_tfidf_on_the_seed_corpus_equals_the_transformer_in_32_bits(built, monkeypatch):
    from sklearn.feature_extraction.text import TfidfTransformer

    from eduanalysis.analyse import features

    texts = text_measures(built.tables["measures"])["text"].tolist()
    monkeypatch.setattr(features, "TFIDF_BLOCK", 5_000)  # many blocks
    reference = TfidfTransformer(sublinear_tf=True).fit_transform(char_counts(texts)[0]).tocsr()
    reference.sort_indices()
    got = features.char_tfidf(texts)
    assert got.has_sorted_indices and got.dtype == np.float32
    np.testing.assert_array_equal(got.indptr, reference.indptr)
    np.testing.assert_array_equal(got.indices, reference.indices)
    np.testing.assert_array_equal(got.data, reference.data.astype(np.float32))


def test_sorted_rows_hold_the_vectorizers_entries_in_column_order():
    texts = ["学前教育普及普惠", "", "普惠学前", "教育教育"]
    plain, terms = char_counts(texts)
    rows, terms_sorted = char_counts(texts, sorted_rows=True, dtype=np.int32)
    assert terms.tolist() == terms_sorted.tolist() and rows.has_sorted_indices
    plain.sort_indices()
    np.testing.assert_array_equal(rows.indices, plain.indices)
    np.testing.assert_array_equal(rows.data, plain.data)


def test_similarities_of_32_bit_character_vectors_are_computed_in_64_bits():
    # Self-similarity exactly 1, and every path (every pair, chosen pairs, groups) within 1e-6 of the 64-bit one.
    import pandas as pd

    from eduanalysis.analyse import features, similarity

    texts = ["推进集团化办学，扩大优质教育资源覆盖面", "普及学前教育，发展职业教育", "加强校园安全管理，推进集团化办学",
             "推进产教融合，发展职业教育"]
    ids = ["a", "b", "c", "d"]
    x64 = features.tfidf(features.count_matrix(texts, "char")[0])
    x32 = features.char_tfidf(texts)
    assert x32.dtype == np.float32
    dense32, dense64 = similarity.pairwise(x32, ids), similarity.pairwise(x64, ids)
    assert dense32.query("doc_a == doc_b")["similarity"].eq(1.0).all()
    assert np.allclose(dense32["similarity"], dense64["similarity"], atol=1e-6)
    pairs = pd.DataFrame({"doc_a": ["a", "b", "c"], "doc_b": ["c", "d", "a"]})
    assert np.allclose(similarity.pair_similarity(x32, ids, pairs)["similarity"],
                       similarity.pair_similarity(x64, ids, pairs)["similarity"], atol=1e-6)
    groups = pd.Series({"a": "G", "b": "H", "c": "G", "d": "H"})
    g32, g64 = similarity.group_similarity(x32, ids, groups), similarity.group_similarity(x64, ids, groups)
    assert g32.dtypes.eq(np.float64).all() and np.allclose(g32, g64, atol=1e-6)
    top32 = similarity.top_k_neighbours(x32, ids, k=1)
    assert top32[["doc_a", "doc_b"]].equals(similarity.top_k_neighbours(x64, ids, k=1)[["doc_a", "doc_b"]])


@pytest.mark.parametrize("chunk_chars", [1, 7])
def test_chunks_shorter_than_the_longest_ngram(chunk_chars):
    # A chunk of one short text ("ab", "a") holds fewer characters than a 4-gram needs.
    assert_same(INLINE, (3, 4), chunk_chars=chunk_chars)
