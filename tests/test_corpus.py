"""Reading: encodings, HTML, normalisation, boilerplate and metadata on inline snippets."""

from __future__ import annotations

import pytest

from eduanalysis import corpus
from eduanalysis.errors import EduAnalysisError

TEXT = "一、总体要求\n到２０２５年，学前三年毛入园率达９５％以上。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(TEXT.encode("utf-8"), "utf-8", id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig", id="utf8-bom"),
        pytest.param(TEXT.encode("gbk"), "gb18030", id="gbk"),
        pytest.param(TEXT.encode("gb18030"), "gb18030", id="gb18030"),
        pytest.param(TEXT.encode("utf-16"), "utf-16", id="utf16-bom"),
        pytest.param(TEXT.encode("utf-16-le"), "utf-16-le", id="utf16le-no-bom"),
        pytest.param(TEXT.encode("utf-16-be"), "utf-16-be", id="utf16be-no-bom"),
    ],
)
def test_decode_bytes_detects_encoding(data, encoding):
    text, found = corpus.decode_bytes(data)
    assert text == TEXT
    assert found == encoding


def test_decode_bytes_names_the_file_when_nothing_fits():
    with pytest.raises(EduAnalysisError, match="bad.txt.*UTF-8"):
        corpus.decode_bytes(b"\x81\x20\xff\xfe\x00" * 3 + b"\x80", "bad.txt")


def test_html_to_text_drops_scripts_styles_and_navigation():
    html = """<html><head><title>t</title><style>p{}</style></head><body>
    <div class="breadcrumb">首页 &gt; 政务公开</div><nav>导航</nav><script>var a=1;</script>
    <h1>某市教育事业发展规划</h1><p>一、总体要求</p><p>到2025年,毛入园率达95%。</p>
    <table><tr><td>指标</td><td>2025年</td></tr></table><footer>版权所有</footer></body></html>"""
    text = corpus.html_to_text(html)
    assert "var a" not in text and "导航" not in text and "版权所有" not in text and "首页" not in text
    assert text.splitlines()[0] == "某市教育事业发展规划"
    assert "一、总体要求" in text.splitlines()
    assert "指标\t2025年" in text


def test_normalise_folds_full_width_and_maps_back():
    raw = "到２０２５年，达９５％\r\n（一）"
    text = corpus.normalise(raw)
    assert text == "到2025年,达95%\n(一)"
    start = text.index("95")
    s, e = corpus.raw_span(raw, start, start + 3)
    assert raw[s:e] == "９５％"
    assert corpus.raw_offsets(raw)[len(text)] == len(raw)


def test_normalise_keeps_circled_numbers():
    assert corpus.normalise("①加强") == "①加强"


HEADER = """您现在所在的位置: 首页 > 政务公开 > 政府文件
索 引 号: abc-2019-000657 主题分类: 市政府办文件
发文机关: 某市政府 成文日期: 2019-05-30
发文字号: 某政办发〔2019〕24号 发布日期: 2019-05-31

某政办发〔2019〕24号 某市人民政府办公室关于印发某市教育行动计划的通知

发布时间:2019-05-31 浏览次数:393

各县、区人民政府,市政府各部门:

  现将《某市教育行动计划》印发给你们,请认真贯彻执行。

  某市人民政府办公室

  2019年5月30日

  (此件公开发布)

某市教育行动计划

  一、总体要求

  到2022年,学前三年毛入园率达到95%。

文件解读:《某市教育行动计划》解读
"""


def _kinds(text):
    head = corpus.separate_boilerplate(text)
    return [(text[s:e], k) for s, e, k in head.spans], head


def test_separate_boilerplate_finds_every_header_kind():
    spans, head = _kinds(corpus.normalise(HEADER))
    kinds = dict(spans)
    assert kinds["您现在所在的位置: 首页 > 政务公开 > 政府文件"] == "breadcrumb"
    assert kinds["索 引 号: abc-2019-000657 主题分类: 市政府办文件"] == "metadata"
    assert kinds["发布时间:2019-05-31 浏览次数:393"] == "metadata"
    assert kinds["某政办发〔2019〕24号 某市人民政府办公室关于印发某市教育行动计划的通知"] == "cover_notice"
    assert kinds["各县、区人民政府,市政府各部门:"] == "cover_notice"
    assert kinds["某市人民政府办公室"] == "cover_notice"
    assert kinds["2019年5月30日"] == "cover_notice"
    assert kinds["(此件公开发布)"] == "publication_note"
    assert kinds["文件解读:《某市教育行动计划》解读"] == "trailer"
    text = corpus.normalise(HEADER)
    assert text[head.body_start:].startswith("某市教育行动计划")
    assert text[:head.body_end].endswith("达到95%。")


def test_separate_boilerplate_pipe_layout_and_deleted_note():
    text = "索引号 | 0152-2/2024-00001 | 发布机构 | 某市教育体育局 |\n公开目录 | 政策文件 | 发布日期 | 2024-03-18 |\n文号 | 浏览量 |\n一、指导思想\n正文。\n(此件删减发布)\n"
    spans, head = _kinds(text)
    assert [k for _, k in spans] == ["metadata", "metadata", "metadata", "publication_note"]
    assert head.fields == {"index_number": "0152-2/2024-00001", "issuer_zh": "某市教育体育局",
                           "published_date": "2024-03-18"}


def test_separate_boilerplate_table_of_contents():
    text = "某县教育发展规划\n目  录\n第一章 发展基础........1\n第二章 总体要求........5\n第一章 发展基础\n正文内容很长。\n"
    spans, head = _kinds(text)
    assert [k for _, k in spans] == ["toc", "toc", "toc"]
    assert text[head.body_start:].startswith("某县教育发展规划")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("当前位置 : 首页", "breadcrumb", id="dangqian-weizhi"),
        pytest.param("> 政府信息公开 > 规划计划 > 年度计划", "breadcrumb", id="breadcrumb-continuation"),
        pytest.param("时间: 11:31", "metadata", id="time"),
        pytest.param("点击次数:", "metadata", id="clicks"),
        pytest.param("有效性/截止日期: 文号:", "metadata", id="validity"),
        pytest.param("公开方式: 主动公开 公开范围: 面向社会", "metadata", id="disclosure"),
    ],
)
def test_header_line_kinds(line, expected):
    spans, _ = _kinds(line + "\n一、总体要求\n正文。")
    assert spans[0] == (line, expected)


def test_document_record_states_metadata_and_origins():
    record, spans = corpus.document_record("sub/某市.txt", HEADER, "utf-8", "txt")
    assert record["title_zh"] == "某市教育行动计划" and record["title_zh_origin"] == "text"
    assert record["issuer_zh"] == "某市人民政府办公室"
    assert record["doc_number"] == "某政办发〔2019〕24号"
    assert record["written_date"] == "2019-05-30" and record["published_date"] == "2019-05-31"
    assert record["index_number"] == "abc-2019-000657"
    assert record["region_zh"] == "某市" and record["region_zh_origin"] == "inferred"
    assert (record["doc_type_zh"], record["doc_type_en"]) == ("行动计划", "action plan")
    assert (record["plan_start_year"], record["plan_end_year"]) == (2019, 2022)


def test_manifest_fills_gaps_and_wins():
    row = {"file": "x.txt", "issuer_zh": "某市教育局", "region_en": "Moushi", "plan_end_year": "2023"}
    record, _ = corpus.document_record("x.txt", HEADER, "utf-8", "txt", row)
    assert record["issuer_zh"] == "某市教育局" and record["issuer_zh_origin"] == "manifest"
    assert record["region_en"] == "Moushi"
    assert record["plan_end_year"] == 2023 and record["plan_end_year_origin"] == "manifest"
    assert record["doc_number_origin"] == "text"


@pytest.mark.parametrize(
    ("title", "body", "annual", "year", "expected"),
    [
        pytest.param("萍乡市“十四五”教育事业发展规划", "", False, None, (2021, 2025), id="14th-fyp"),
        pytest.param("某市“十三五”教育规划", "", False, None, (2016, 2020), id="13th-fyp"),
        pytest.param("某市教育三年行动计划(2021-2023年)", "", False, None, (2021, 2023), id="span"),
        pytest.param("某市教育行动计划", "到2022年,实现…", False, 2019, (2019, 2022), id="by-year"),
        pytest.param("2020年大连市教育工作要点", "", True, None, (2020, 2020), id="annual-title"),
        pytest.param("某局工作要点", "2019年,市教育局工作的总体要求是", True, None, (2019, 2019), id="annual-body"),
    ],
)
def test_plan_horizon(title, body, annual, year, expected):
    assert corpus.plan_horizon(title, body, annual, year) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("萍乡市“十四五”教育事业发展规划", "规划", id="guihua"),
        pytest.param("盘锦市推进教育高质量发展行动计划", "行动计划", id="action-plan"),
        pytest.param("关于加快发展学前教育的实施意见", "实施意见", id="opinions"),
        pytest.param("威海市教育局2019年工作要点", "工作要点", id="work-points"),
        pytest.param("某市2021年教育工作计划", "工作计划", id="work-plan"),
        pytest.param("某市义务教育优质均衡发展实施方案", "实施方案", id="implementation"),
        pytest.param("关于做好2020年招生工作的通知", "通知", id="notice"),
    ],
)
def test_doc_type(title, expected):
    assert corpus.doc_type(title)[0] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-05-30", "2019-05-30"), ("2019年2月14日", "2019-02-14"), ("2019/5/3", "2019-05-03"),
     ("2019-13-01", None), ("", None), ("无", None)],
)
def test_iso_date(value, expected):
    assert corpus.iso_date(value) == expected


def test_read_text_file_rejects_unsupported_and_empty(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"PK\x03\x04")
    (tmp_path / "b.txt").write_bytes(b"   \n")
    (tmp_path / "c.xyz").write_bytes(b"abc")
    with pytest.raises(EduAnalysisError, match="a.xls: spreadsheets are not policy texts"):
        corpus.read_file(tmp_path / "a.xls")
    with pytest.raises(EduAnalysisError, match="b.txt: the file holds only white space"):
        corpus.read_file(tmp_path / "b.txt")
    with pytest.raises(EduAnalysisError, match="c.xyz: unsupported format .xyz; save it as .txt"):
        corpus.read_file(tmp_path / "c.xyz")


def test_read_manifest_reports_bad_rows_without_crashing(tmp_path):
    (tmp_path / "a.txt").write_text("一、总体要求\n正文。", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,region_zh,colour,written_date\n"
        "a.txt,某市,red,2019-02-30\n"
        "a.txt,某县,,\n"
        "missing.txt,某市,,\n"
        "../outside.txt,某市,,\n", encoding="utf-8")
    rows, warnings = corpus.read_manifest(tmp_path)
    assert rows == {"a.txt": {"file": "a.txt", "region_zh": "某市"}}
    text = "\n".join(warnings)
    assert "unknown columns ['colour']" in text
    assert "line 2: written_date '2019-02-30' is not a valid date" in text
    assert "line 3: duplicate row" in text
    assert "line 4: file 'missing.txt' does not exist" in text
    assert "line 5: '../outside.txt' points outside the corpus folder" in text


@pytest.mark.parametrize(
    ("text", "issuer", "region"),
    [
        pytest.param("杭州市人民政府关于加快学前教育改革与发展的若干意见(试行)\n一、明确目标任务\n正文。",
                     "杭州市人民政府", "杭州市", id="issuer-in-title-zhou-city"),
        pytest.param("中共某州委教育工委关于印发2021年工作要点的通知\n一、总体要求\n正文。",
                     "中共某州委教育工委", "某州", id="party-issuer"),
    ],
)
def test_issuer_and_region_from_a_title_line(text, issuer, region):
    record, _ = corpus.document_record("x.txt", text, "utf-8", "txt")
    assert (record["issuer_zh"], record["region_zh"]) == (issuer, region)
