"""Property-based tests: arbitrary Unicode never crashes reading or segmenting, spans stay inside
the document and the coverage invariant always holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduanalysis import corpus, segment

# Text drawn from the characters policy documents are made of, plus anything else Unicode has.
POLICY_PIECES = st.sampled_from([
    "一、", "(一)", "(二)", "1.", "2、", "(1)", "①", "第三章 ", "专栏1 ", "实施项目2:", "【重点任务1】", "行动目标:",
    "实施路径——", "责任单位:", "市教育局、", "。", ";", ",", "“", "”", "《", "》", "(", ")", "\n", "\n\n", "\t",
    "到2025年", "达到95%以上", "3—5所", "指  标", "预期性", "≥96", "关于印发", "的通知", "索引号:", "(此件公开发布)",
    "目录", "....12", "学前教育", "毛入园率", " ", "\u3000", "\r\n", "１２", "％",
])
TEXT = st.lists(st.one_of(POLICY_PIECES, st.text(max_size=6)), max_size=60).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_normalise_offsets_map_every_character(raw):
    text = corpus.normalise(raw)
    offsets = corpus.raw_offsets(raw)
    assert len(offsets) == len(text) + 1
    assert offsets == sorted(offsets) and offsets[-1] == len(raw)


@FAST
@given(TEXT)
def test_reading_and_segmenting_never_crash_and_cover_the_text(raw):
    record, boiler = corpus.document_record("x.txt", raw, "utf-8", "txt")
    text = record["text"]
    assert 0 <= record["body_start"] <= record["body_end"] <= len(text)
    masked = [(b["char_start"], b["char_end"]) for b in boiler]
    result = segment.structure("D1", text, record["body_start"], record["body_end"], record["title_zh"], masked)
    spans = [(m["char_start"], m["char_end"]) for m in result.measures]
    for s, e in spans + masked:
        assert 0 <= s < e <= len(text)
    inside_body = [(s, e) for s, e in masked if s < record["body_end"] and e > record["body_start"]]
    body_spans = spans + inside_body
    body = text[record["body_start"]:record["body_end"]]
    shifted = [(s - record["body_start"], e - record["body_start"]) for s, e in body_spans]
    assert segment.coverage_errors(body, shifted) == []
    for section in result.sections:
        assert 0 <= section["char_start"] <= section["char_end"] <= len(text)


@FAST
@given(st.text(max_size=200))
def test_split_clauses_partitions_non_space_characters(text):
    spans = segment.split_clauses(text)
    assert segment.coverage_errors(text, spans) == []
