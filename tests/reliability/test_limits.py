"""Promise: per-file safety limits with sane defaults, and linear-time fallbacks where a file is pathological
(issue 13, case 6): over-long clauses are split at a safe boundary (never skipped), deep HTML is scanned linearly,
an over-large file is a reject."""

from __future__ import annotations

import time

import pytest
from reliability_helpers import GOOD, rejects, write_corpus

from eduanalysis import config
from eduanalysis.build import cache
from eduanalysis.build.pipeline import build_tables, process_document
from eduanalysis.errors import EduAnalysisError
from eduanalysis.extract.structure import split_long
from eduanalysis.read import files

FILLER = "推进教育高质量发展完善现代教育体系建设"


def _long_clause(chars: int, target_at: int) -> str:
    """An unpunctuated body clause of ``chars`` characters with one quantified target in the middle."""
    body = (FILLER * (chars // len(FILLER) + 1))[:chars]
    target = "到2025年学前三年毛入园率达到95%以上"
    return "某市教育事业发展规划\n一、总体要求\n" + body[:target_at] + target + body[target_at:] + "\n"


def _measures(corpus, name):
    return process_document(corpus, name)


def test_a_long_unpunctuated_clause_costs_linear_time_and_is_split_not_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUANALYSIS_MAX_CLAUSE_CHARS", "400")
    small, big = 20_000, 80_000
    corpus = write_corpus(tmp_path / "c", {"small.txt": _long_clause(small, small // 2),
                                           "big.txt": _long_clause(big, big // 2)})
    times = {}
    for name in ("small.txt", "big.txt"):
        start = time.perf_counter()
        result = _measures(corpus, name)
        times[name] = time.perf_counter() - start
        measures = result["measures"]
        assert measures.text.str.len().max() <= 400
        body = measures[measures.kind == "text"]
        doc = result["documents"].iloc[0]
        assert "".join(body.text) == doc.text[body.char_start.min():body.char_end.max()]  # nothing skipped
        assert (result["targets"].value == 95).any()  # the target inside the long clause is still found
    # quadratic cost would make 4x the text cost 16x the time; linear, about 4x (generous margin for noise)
    assert times["big.txt"] < 9 * max(times["small.txt"], 0.05), times


def test_split_long_cuts_at_commas_then_spaces_never_inside_a_number():
    text = "甲" * 6 + "2025" + "乙" * 6
    spans = split_long(text, 0, len(text), 8)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(e - s <= 8 for s, e in spans) and "2025" in [text[s:e] for s, e in spans][1]
    text = "一二三四 五六七八九十"
    assert [text[s:e] for s, e in split_long(text, 0, len(text), 8)] == ["一二三四", "五六七八九十"]


def test_the_default_clause_limit_leaves_real_clauses_whole():
    assert config.LIMITS["max_clause_chars"] >= 519  # the longest clause of the five embedded documents


def test_deeply_nested_html_is_read_in_linear_time(tmp_path):
    depth = 10_000
    page = ("<html><body>" + "<div>" * depth + "<nav>首页</nav><p>某市教育事业发展规划</p><p>一、总体要求</p>"
            "<p>到2025年,学前三年毛入园率达到95%以上。</p><script>x()</script>" + "</div>" * depth + "</body></html>")
    start = time.perf_counter()
    text = files.html_to_text(page)
    assert time.perf_counter() - start < 3
    assert text.splitlines() == ["某市教育事业发展规划", "一、总体要求", "到2025年,学前三年毛入园率达到95%以上。"]


def test_the_linear_html_scanner_agrees_with_the_tree_parser_on_ordinary_pages():
    page = """<html><head><title>t</title><style>p{}</style></head><body>
    <div class="breadcrumb">首页 &gt; 政务公开</div><nav>导航</nav><script>var a=1;</script>
    <h1>某市教育事业发展规划</h1><p>一、总体要求</p><p>到2025年,毛入园率达95%。</p>
    <table><tr><td>指标</td><td>2025年</td></tr></table><footer>版权所有</footer></body></html>"""
    assert files.html_to_text_linear(page) == files.html_to_text(page)


def test_a_file_over_the_byte_limit_is_a_reject_and_not_read_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUANALYSIS_MAX_FILE_BYTES", "5000")
    corpus = write_corpus(tmp_path / "c", {"huge.txt": GOOD * 100, "good.txt": GOOD})
    reason = rejects(build_tables(corpus))["huge.txt"]
    assert "larger than the limit of 5,000 bytes (max_file_bytes)" in reason and "EDUANALYSIS_MAX_FILE_BYTES" in reason


def test_limits_enter_the_cache_key_and_bad_values_are_refused(monkeypatch):
    before = cache.code_version()
    monkeypatch.setenv("EDUANALYSIS_MAX_CLAUSE_CHARS", "300")
    assert cache.code_version() != before
    monkeypatch.setenv("EDUANALYSIS_MAX_CLAUSE_CHARS", "-1")
    with pytest.raises(EduAnalysisError, match="EDUANALYSIS_MAX_CLAUSE_CHARS='-1': give a positive whole number"):
        config.limit("max_clause_chars")
