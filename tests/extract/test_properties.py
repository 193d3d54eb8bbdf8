"""Property-based tests: arbitrary Unicode never crashes reading or segmenting, spans stay inside
the document and the coverage invariant always holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduanalysis.extract import structure as segment
from eduanalysis.read import documents as corpus

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


NUMBER_PIECES = st.sampled_from([
    "94.5%", "以上", "不低于", "3—5所", "3至5", "0.15%-0.2%", "百分之九十五", "三十", "两", "百场", "一小时", "六个班",
    "1,200", "１２", "万人次", "亿元", "个百分点", "17:1", "三分之一", "到2025年", "2019年底", "每年", "力争", "由85%提高到92%",
    "“3815”", "1+X", "十四五", "第二批", "(一)", "左右", "约", "-", "~", "至", "元/月", "学时",
])
NUMBER_TEXT = st.lists(st.one_of(NUMBER_PIECES, st.text(max_size=4)), max_size=25).map("".join)


@FAST
@given(NUMBER_TEXT)
def test_number_parser_spans_lie_inside_the_text(text):
    from eduanalysis.numbers import find_numbers

    previous_end = 0
    for n in find_numbers(text):
        assert 0 <= n.start < n.end <= len(text)
        assert n.start >= previous_end  # in order, never overlapping
        previous_end = n.end
        assert n.value == n.value  # never NaN
        assert n.value_max is None or n.value_max == n.value_max


@FAST
@given(NUMBER_TEXT, st.sampled_from([None, 2022, 2025]), st.booleans())
def test_target_extractor_never_crashes_and_keeps_spans_inside_the_clause(text, horizon, annual):
    from eduanalysis.extract.clauses import Context, extract_clause

    for q in extract_clause(text, Context(plan_start_year=2021 if horizon else None, plan_end_year=horizon,
                                          annual=annual)):
        assert 0 <= q.start < q.end <= len(text)
        assert q.comparator in {">=", "<=", "=", "~", "range", "delta_up", "delta_down"}
        assert q.kind in {"target", "baseline", "standard"}
        assert q.value_max is None or q.comparator == "range" or q.value_max >= q.value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_whole_build_of_one_arbitrary_document_keeps_every_invariant(raw):
    import pandas as pd

    from eduanalysis import schema
    from eduanalysis.extract.targets import targets

    record, boiler = corpus.document_record("x.txt", raw, "utf-8", "txt")
    if record["body_start"] >= record["body_end"]:
        return
    documents = schema.validate(pd.DataFrame([record], columns=schema.DOCUMENTS.column_names), "documents")
    boilerplate = schema.validate(pd.DataFrame(boiler, columns=schema.BOILERPLATE.column_names), "boilerplate")
    sections, measures = segment.sections_and_measures(documents, boilerplate)
    found = targets(documents, sections, measures)
    text = record["text"]
    for row in found.itertuples():
        assert 0 <= row.char_start < row.char_end <= len(text)
        m = measures.set_index("measure_id").loc[row.measure_id]
        assert m.char_start <= row.char_start and row.char_end <= m.char_end
