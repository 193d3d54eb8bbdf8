"""User dictionaries given as files: taxonomy, indicator registry, stopwords and jieba user dictionary."""

import os

import pandas as pd
import pytest

from eduanalysis.analyse import dictionaries, features, themes
from eduanalysis.errors import EduAnalysisError

TAXONOMY = "theme_id,name_zh,name_en,keywords\narts,美育,Arts,戏曲|书法\nhealth,健康,Health only,体质\n"


@pytest.fixture
def clean_env():
    keys = (features.STOPWORDS_ENV, features.USERDICT_ENV, features.REPLACE_ENV)
    saved = {k: os.environ.get(k) for k in keys}
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    features.stopwords.cache_clear()
    features._jieba.cache_clear()


def test_taxonomy_replaces_or_merges(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(TAXONOMY, encoding="utf-8")
    assert themes.taxonomy(f).theme_id.tolist() == ["arts", "health"]
    merged = themes.taxonomy(f, replace=False)
    packaged = themes.taxonomy()
    assert merged.theme_id.tolist()[:len(packaged)] == packaged.theme_id.tolist()
    assert merged.set_index("theme_id").loc["health", "name_en"] == "Health only"  # the user's row wins
    assert merged.set_index("theme_id").loc["arts", "keywords"] == "戏曲|书法"


def test_package_taxonomy_keeps_arts_out_of_moral_education():
    tax = themes.taxonomy().set_index("theme_id")
    assert "美育" not in tax.loc["moral", "keywords"].split("|")
    assert "美育" in tax.loc["arts", "keywords"].split("|")


def test_stopwords_and_userdict_reach_the_tokenizer(tmp_path, clean_env):
    text = "推进戏曲进校园活动"
    before = features.JiebaTokenizer()(text)
    (tmp_path / "stop.txt").write_text("# mine\n活动\n", encoding="utf-8")
    (tmp_path / "dict.txt").write_text("戏曲进校园 50 n\n", encoding="utf-8")
    dictionaries.use({"stopwords": str(tmp_path / "stop.txt"), "userdict": str(tmp_path / "dict.txt")})
    after = features.JiebaTokenizer()(text)
    assert "戏曲进校园" in after and "戏曲进校园" not in before
    assert "活动" not in after
    assert features.stopwords() > {"活动"}  # merged with the package's
    dictionaries.use({"stopwords": str(tmp_path / "stop.txt"), "replace": ["stopwords"]})
    assert features.stopwords() == frozenset({"活动"})
    dictionaries.use({})
    assert features.stopwords() == frozenset(features.read_word_list(features.STOPWORDS))


def test_indicator_registry_remaps_targets(tmp_path):
    f = tmp_path / "ind.csv"
    f.write_text("indicator_id,name_zh,name_en,stage,expected_unit,patterns\n"
                 "arts_hours,美育课时,Arts class hours,compulsory,class_hours,艺术课时|美育课时\n", encoding="utf-8")
    t = pd.DataFrame({"indicator_text": ["美育课时", "学前三年毛入园率"], "sentence": ["", ""],
                      "indicator_id": [None, None], "indicator_zh": [None, None], "indicator_en": [None, None]})
    merged = dictionaries.remap_indicators(t, f)
    assert merged.indicator_id.tolist() == ["arts_hours", "preschool_gross_enrolment"]
    alone = dictionaries.remap_indicators(t, f, replace=True)
    assert alone.indicator_id.tolist()[1] is pd.NA


def test_bad_files_are_named(tmp_path):
    with pytest.raises(EduAnalysisError, match="does not exist"):
        dictionaries.check({"stopwords": str(tmp_path / "none.txt")})
    bad = tmp_path / "bad.csv"
    bad.write_text("theme_id,name_zh\nx,y\n", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match="bad.csv: missing columns"):
        dictionaries.use({"taxonomy": str(bad)})
