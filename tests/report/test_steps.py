"""Steps notebooks share: measure tokens and theme tags computed once and read back from the analysis folder."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eduanalysis.analyse import themes, tokens
from eduanalysis.analyse.features import JiebaTokenizer
from eduanalysis.errors import EduAnalysisError
from eduanalysis.report import steps

MEASURES = pd.DataFrame({"measure_id": ["D1-m0001", "D1-m0002", "D2-m0001"], "doc_id": ["D1", "D1", "D2"],
                         "text": ["扩大普惠性幼儿园覆盖面", "加强校园安全管理", "推进产教融合"]})
TAX = pd.DataFrame({"theme_id": ["preschool", "safety"], "name_zh": ["学前", "安全"],
                    "name_en": ["Preschool", "Safety"], "keywords": ["幼儿园|普惠性", "安全"]})


def _plant(path, **changes):
    """Rewrite the stored tokens of some measures, so a test can see whether they are read back."""
    t = pq.read_table(path).to_pandas()
    for measure_id, toks in changes.items():
        t.loc[t.measure_id == measure_id, "tokens"] = pd.Series([toks], index=t.index[t.measure_id == measure_id])
    pq.write_table(pa.Table.from_pandas(t, schema=steps.TOKENS_SCHEMA, preserve_index=False), path)


def test_measure_tokens_are_stored_and_read_back(tmp_path):
    first = steps.measure_tokens(MEASURES, tmp_path, "jieba")
    path = tmp_path / steps.TOKENS_FILE
    assert first["tokens"].tolist() == [JiebaTokenizer()(t) for t in MEASURES["text"]]
    _plant(path, **{"D1-m0001": ["读自存储"]})
    again = steps.measure_tokens(MEASURES, tmp_path, "jieba")
    assert again["tokens"].tolist()[0] == ["读自存储"]


def test_a_changed_text_is_tokenised_again_and_the_store_keeps_the_other_measures(tmp_path):
    steps.measure_tokens(MEASURES, tmp_path, "jieba")
    path = tmp_path / steps.TOKENS_FILE
    _plant(path, **{"D1-m0001": ["读自存储"]})
    edited = MEASURES.assign(text=["扩大普惠性幼儿园覆盖面", "加强校园安全管理", "推进职业教育"])
    out = steps.measure_tokens(edited.iloc[1:], tmp_path, "jieba")  # another selection, one text changed
    assert out["tokens"].tolist() == [["校园安全", "管理"], ["职业教育"]]
    stored = pq.read_table(path).to_pandas().set_index("measure_id")["tokens"].map(list)
    assert stored.to_dict() == {"D1-m0001": ["读自存储"], "D1-m0002": ["校园安全", "管理"],
                                "D2-m0001": ["职业教育"]}


def test_another_tokenizer_does_not_read_the_stored_rows_and_replaces_them(tmp_path):
    steps.measure_tokens(MEASURES, tmp_path, "jieba")
    _plant(tmp_path / steps.TOKENS_FILE, **{"D1-m0001": ["读自存储"]})
    out = steps.measure_tokens(MEASURES, tmp_path, "rjieba")
    assert out["tokens"].tolist()[0] == ["扩大", "普惠性幼儿园", "覆盖面"]
    assert set(pq.read_table(tmp_path / steps.TOKENS_FILE).column("tokenizer").to_pylist()) == {out.tokenizer[0]}


def test_a_selection_the_store_holds_leaves_the_file_as_it_is(tmp_path):
    # Nothing new to store (a subset of the stored measures, or none): the file is not rewritten.
    steps.measure_tokens(MEASURES, tmp_path, "jieba")
    path = tmp_path / steps.TOKENS_FILE
    before = path.stat().st_mtime_ns
    assert steps.measure_tokens(MEASURES.iloc[1:], tmp_path, "jieba")["tokens"].tolist() == [
        JiebaTokenizer()(t) for t in MEASURES["text"].iloc[1:]]
    assert len(steps.measure_tokens(MEASURES.iloc[:0], tmp_path, "jieba")) == 0
    assert path.stat().st_mtime_ns == before


def test_the_store_is_read_back_for_the_measures_asked_for_only(tmp_path):
    # 20_themes clusters a sample of the measures 10_similarity stored: only the sample's rows are taken.
    out = steps.measure_tokens(MEASURES, tmp_path, "jieba")
    path, version = tmp_path / steps.TOKENS_FILE, out["tokenizer"].iloc[0]
    some = steps._read_tokens(path, version, MEASURES["measure_id"].iloc[[2, 0]])
    assert some["measure_id"].tolist() == ["D1-m0001", "D2-m0001"]
    assert some["tokens"].tolist() == out["tokens"].iloc[[0, 2]].tolist()
    assert len(steps._read_tokens(path, version)) == 3 and len(steps._read_tokens(path, "another")) == 0
    # A row without a tokenizer version (a damaged store) is not taken for this version's.
    table = pq.read_table(path)
    pq.write_table(table.set_column(3, "tokenizer", pa.array([version, None, version], pa.string())), path)
    assert steps._read_tokens(path, version)["measure_id"].tolist() == ["D1-m0001", "D2-m0001"]


def test_an_unreadable_store_names_the_file_and_the_fix(tmp_path):
    (tmp_path / steps.TOKENS_FILE).write_bytes(b"not parquet")
    with pytest.raises(EduAnalysisError, match="measure_tokens.cache.*delete it"):
        steps.measure_tokens(MEASURES, tmp_path, "jieba")


def test_themes_are_tagged_once_and_again_only_when_measures_or_taxonomy_change(tmp_path):
    first = steps.measure_themes(MEASURES, tmp_path, TAX)
    expected = themes.measure_themes(MEASURES, TAX)
    assert first[["measure_id", "theme_id", "n_hits"]].astype(str).values.tolist() == \
        expected[["measure_id", "theme_id", "n_hits"]].astype(str).values.tolist()
    # A second notebook reads the stored table: plant a marker in it to see that it is not re-tagged.
    from eduanalysis.build.pipeline import write_table

    write_table(first.assign(keywords="读自存储"), "measure_themes", tmp_path)
    assert set(steps.measure_themes(MEASURES, tmp_path, TAX)["keywords"]) == {"读自存储"}
    retagged = steps.measure_themes(MEASURES, tmp_path, TAX.assign(keywords=["幼儿园", "安全"]))
    assert "读自存储" not in set(retagged["keywords"])
    edited = MEASURES.assign(text=["扩大普惠性幼儿园覆盖面", "加强校园管理", "推进产教融合"])
    assert steps.measure_themes(edited, tmp_path, TAX)["theme_id"].tolist() == ["preschool"]


def test_stored_tokens_read_back_equal_including_empty_lists(tmp_path):
    m = pd.concat([MEASURES, pd.DataFrame({"measure_id": ["D3-m0001"], "doc_id": ["D3"], "text": ["加强"]})])
    first = steps.measure_tokens(m, tmp_path, "jieba")
    assert first["tokens"].tolist()[-1] == []
    again = steps.measure_tokens(m, tmp_path, "jieba")
    pd.testing.assert_frame_equal(again.reset_index(drop=True), first.reset_index(drop=True))
    # Kept in Arrow (a fifth of the memory of Python lists at 10,000 documents); tolist() gives lists.
    assert again["tokens"].dtype == pd.ArrowDtype(tokens.TOKENS_TYPE) == first["tokens"].dtype
    assert all(type(t) is list for t in again["tokens"].tolist())


def test_a_new_run_carries_over_the_published_stores_and_they_are_checked_on_use(tmp_path):
    published, staging = tmp_path / "analysis", tmp_path / "analysis" / ".staging-1"
    steps.measure_tokens(MEASURES, published, "jieba")
    steps.measure_themes(MEASURES, published, TAX)
    staging.mkdir()
    copied = steps.carry_over(published, staging)
    assert sorted(p.name for p in copied) == sorted(steps.CARRIED)
    _plant(staging / steps.TOKENS_FILE, **{"D1-m0001": ["读自存储"]})
    assert steps.measure_tokens(MEASURES, staging, "jieba")["tokens"].tolist()[0] == ["读自存储"]
    assert steps.carry_over(tmp_path / "nothing-published", staging) == []


def test_two_notebooks_at_once_tokenise_and_tag_once(tmp_path, monkeypatch):
    """The steps' lock: with two callers at once (two kernels of ``report --jobs 2``), the second waits and reads."""
    import threading
    import time

    from eduanalysis.analyse import tokens

    tokenised, tagged = [], []
    real_tokenize, real_tag = tokens.iter_tokenized, themes.measure_themes

    def slow_tokenize(texts, tok, n_jobs=1):
        texts = texts.to_pylist() if hasattr(texts, "to_pylist") else list(texts)
        tokenised.extend(texts)
        time.sleep(0.3)  # long enough for the other caller to arrive while this one works
        yield from real_tokenize(texts, tok, n_jobs)

    def slow_tag(measures, tax):
        tagged.append(len(measures))
        time.sleep(0.3)
        return real_tag(measures, tax)

    monkeypatch.setattr(tokens, "iter_tokenized", slow_tokenize)
    monkeypatch.setattr(themes, "measure_themes", slow_tag)
    out: dict[str, list] = {"tokens": [], "themes": []}

    def notebook():
        out["tokens"].append(steps.measure_tokens(MEASURES, tmp_path, "jieba"))
        out["themes"].append(steps.measure_themes(MEASURES, tmp_path, TAX))

    runs = [threading.Thread(target=notebook) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert sorted(tokenised) == sorted(MEASURES["text"]) and tagged == [len(MEASURES)]
    pd.testing.assert_frame_equal(out["tokens"][0], out["tokens"][1])
    pd.testing.assert_frame_equal(out["themes"][0], out["themes"][1])
    # The lock files sit in a folder, which publishing (it moves files) leaves behind.
    assert {p.name for p in (tmp_path / steps.LOCKS).iterdir()} == {steps.TOKENS_FILE, steps.THEMES_TABLE}
