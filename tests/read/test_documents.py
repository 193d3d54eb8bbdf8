"""Reading: encodings, HTML, normalisation, boilerplate and metadata on inline snippets."""

from __future__ import annotations

import pytest
from conftest import HEADER

from eduanalysis.errors import EduAnalysisError
from eduanalysis.read import documents as corpus

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




def test_document_record_states_metadata_and_origins():
    record, spans = corpus.document_record("sub/某市.txt", HEADER, "utf-8", "txt")
    # a cover notice keeps its own title; the plan it issues is the enclosed title
    assert record["title_zh"] == "某市人民政府办公室关于印发某市教育行动计划的通知" and record["title_zh_origin"] == "text"
    assert record["enclosed_title_zh"] == "某市教育行动计划"
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


@pytest.mark.parametrize(("written", "read"), [
    pytest.param("形成“一校一品&quot;“一校多品&quot;的生动局面", "形成“一校一品\"“一校多品\"的生动局面", id="baoshan-quot"),
    pytest.param("改革创新、协同推进&quot;原则,把培育", "改革创新、协同推进\"原则,把培育", id="nanping-quot"),
    pytest.param("分辨率不低于1920&amp;times;1080", "分辨率不低于1920&times;1080", id="chongqing-amp-once"),
])
def test_html_entities_of_a_text_export_are_decoded(tmp_path, written, read):
    """pkulaw's .txt exports keep HTML character references; they are read as the characters they stand for."""
    from eduanalysis.read.files import read_file

    path = tmp_path / "doc.txt"
    path.write_text(f"关于加强美育工作的意见\n{written}\n", encoding="utf-8")
    assert read_file(path).raw.splitlines()[1] == read
