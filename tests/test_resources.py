"""The one resource loader: every packaged file declared and valid, bad files named with their line."""

from __future__ import annotations

import pytest

from eduanalysis import resources
from eduanalysis.errors import EduAnalysisError


def test_every_packaged_resource_is_declared_and_valid():
    assert resources.check_all() == []


@pytest.mark.parametrize(("content", "message"), [
    pytest.param("theme_id,name_zh,name_en\nx,甲,A\n", "missing columns ['keywords']", id="missing-column"),
    pytest.param("theme_id,name_zh,name_en,keywords\nx,甲,A,幼儿园\nx,乙,B,安全\n",
                 "line 3: duplicate theme_id 'x' (first on line 2)", id="duplicate-key"),
    pytest.param("theme_id,name_zh,name_en,keywords\nx,甲,A,\n", "line 2: empty 'keywords'", id="empty-required"),
    pytest.param("theme_id,name_zh,name_en,keywords\nx,甲,A,幼儿园,多余\n", "line 2: more cells than columns",
                 id="unquoted-comma"),
])
def test_a_bad_user_file_is_named_with_its_line(tmp_path, content, message):
    path = tmp_path / "my_themes.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EduAnalysisError, match="my_themes.csv") as err:
        resources.table("analyse/themes.csv", path=path)
    assert message in str(err.value)


def test_invalid_pattern_and_value_outside_the_allowed_set(tmp_path):
    bad_regex = tmp_path / "exclusions.csv"
    bad_regex.write_text("pattern,reason\n第[一二,ordinals\n", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match=r"line 2: invalid pattern in 'pattern'"):
        resources.table("extract/exclusions.csv", path=bad_regex)
    bad_value = tmp_path / "comparators.csv"
    bad_value.write_text("cue,comparator,position,note\n以上,>=,after,\n", encoding="utf-8")
    with pytest.raises(EduAnalysisError, match=r"line 2: position 'after' is not one of"):
        resources.table("extract/comparators.csv", path=bad_value)


def test_undeclared_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(EduAnalysisError, match="not declared"):
        resources.table("extract/nope.csv")
    with pytest.raises(EduAnalysisError, match="is missing; check the path"):
        resources.words("analyse/stopwords.txt", path=tmp_path / "absent.txt")
    gbk = tmp_path / "stop.txt"
    gbk.write_bytes("的\n".encode("gbk"))
    with pytest.raises(EduAnalysisError, match="not UTF-8"):
        resources.words("analyse/stopwords.txt", path=gbk)


def test_word_lists_keep_jieba_fields_and_skip_comments(tmp_path):
    path = tmp_path / "userdict.txt"
    path.write_text("# policy terms\n立德树人 2000 n\n\n县管校聘\n", encoding="utf-8")
    got = resources.entries("analyse/userdict.txt", path=path)
    assert [(w.word, w.fields, w.line) for w in got] == [("立德树人", ("2000", "n"), 2), ("县管校聘", (), 4)]
