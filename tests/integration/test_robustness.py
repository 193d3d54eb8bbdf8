"""Messy real-world inputs: every file ends up in documents or rejects, with a reason.

One folder of nasty inputs is built once; each test checks the outcome of one case.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from eduanalysis.build.pipeline import build, build_tables
from eduanalysis.cli import main
from eduanalysis.read import documents as corpus

matplotlib.use("Agg")

GOOD = "某市教育事业发展规划\n一、总体要求\n(一)指导思想。坚持立德树人。\n二、主要目标\n到2025年,学前三年毛入园率达到95%以上。\n"
TRADITIONAL = "某市教育事業發展規劃\n一、總體要求\n(一)指導思想。堅持立德樹人,辦好人民滿意的教育。\n二、主要目標\n到2025年,學前三年毛入園率達到95%以上。\n"


def _pdf(path, lines):
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from eduanalysis.report.plots import cjk_font_path

    font = font_manager.FontProperties(fname=str(cjk_font_path()))
    fig = plt.figure(figsize=(8, 11))
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        for i, line in enumerate(lines):
            fig.text(0.1, 0.9 - 0.04 * i, line, fontproperties=font)
        fig.savefig(path)
    plt.close(fig)


def _scanned_pdf(path):
    import matplotlib.pyplot as plt
    import numpy as np

    fig = plt.figure(figsize=(8, 11))
    fig.figimage(np.random.default_rng(0).random((200, 200)))
    fig.savefig(path)
    plt.close(fig)


def _docx(path):
    import datetime

    import docx

    d = docx.Document()
    for line in GOOD.strip().split("\n"):
        d.add_paragraph(line)
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "2020年", "2025年"], ["毛入园率(%)", "90", "95"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.core_properties.title = "某县教育事业发展规划"
    d.core_properties.author = "某县教育局"
    d.core_properties.created = datetime.datetime(2021, 6, 1)
    d.save(path)


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    (root / "sub" / "深层 目录").mkdir(parents=True)
    files = {
        "good.txt": GOOD.encode("utf-8"),
        "sub/深层 目录/某市 规划 2021.txt": GOOD.replace("某市", "某区").encode("gb18030"),
        "zz copy of good.txt": GOOD.encode("utf-8-sig"),  # same text, other bytes: a duplicate
        "empty.txt": b"",
        "blank.txt": b"  \n\t\n  ",
        "binary.txt": bytes(range(256)) * 8,
        "undecodable.txt": b"\x81\x20\xff\xfe\x80" * 50,
        "table.xls": b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
        "legacy.doc": b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
        "page.html": ("<html><head><style>p{}</style><script>x()</script></head><body><div class='nav'>首页</div>"
                      f"<p>{'</p><p>'.join(GOOD.strip().split(chr(10)))}</p></body></html>").replace("某市", "某州")
                     .encode("gbk"),
        "furniture.html": "<html><body><p>索引号: 123 发布机构: 某局</p><p>浏览次数: 5</p></body></html>".encode(),
        "traditional.txt": TRADITIONAL.encode("utf-8"),
        "utf16.txt": GOOD.replace("某市", "某旗").encode("utf-16"),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    _docx(root / "plan.docx")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    _pdf(root / "text.pdf", GOOD.replace("某市", "某盟").strip().split("\n"))
    _scanned_pdf(root / "scanned.pdf")
    (root / "manifest.csv").write_text(
        "file,region_zh,colour,written_date\n"
        "good.txt,某市,blue,2021-02-30\n"
        "good.txt,某县,,\n"
        "gone.txt,某市,,\n"
        "../../etc/passwd,某市,,\n", encoding="utf-8")
    result = build(root, root.parent / f"{root.name}-out")
    return root, result


def _reason(result, name):
    rejects = result.tables["rejects"].set_index("source_file")["reason"]
    return rejects.get(name)


def test_every_file_is_a_document_or_a_reject(nasty):
    root, result = nasty
    names = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"manifest.csv"}
    read = set(result.tables["documents"].source_file) | set(result.tables["rejects"].source_file)
    assert read == names
    assert not set(result.tables["documents"].source_file) & set(result.tables["rejects"].source_file)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("empty.txt", "empty (0 bytes)", id="empty"),
        pytest.param("blank.txt", "only white space", id="whitespace"),
        pytest.param("binary.txt", "binary content", id="binary"),
        pytest.param("undecodable.txt", "cannot decode", id="undecodable"),
        pytest.param("table.xls", "spreadsheets", id="unsupported"),
        pytest.param("legacy.doc", "save it as .docx", id="doc"),
        pytest.param("broken.docx", "not a readable .docx", id="broken-docx"),
        pytest.param("scanned.pdf", "scanned PDF without a text layer; run OCR", id="scanned-pdf"),
        pytest.param("zz copy of good.txt", "duplicate of good.txt", id="duplicate"),
        pytest.param("furniture.html", "no body found", id="no-body"),
    ],
)
def test_rejects_say_why(nasty, name, reason):
    assert reason in (_reason(nasty[1], name) or "")


def _doc(result, name):
    docs = result.tables["documents"].set_index("source_file")
    return docs.loc[name]


def test_formats_and_encodings_are_read(nasty):
    _, result = nasty
    assert _doc(result, "sub/深层 目录/某市 规划 2021.txt").encoding == "gb18030"
    assert _doc(result, "utf16.txt").encoding == "utf-16"
    page = _doc(result, "page.html")
    assert page.file_format == "html" and page.encoding == "gb18030" and "首页" not in page.text
    assert "x()" not in page.raw_text
    pdf = _doc(result, "text.pdf")
    assert pdf.file_format == "pdf" and "学前三年毛入园率达到95%以上" in pdf.text


def test_docx_text_tables_and_properties(nasty):
    _, result = nasty
    doc = _doc(result, "plan.docx")
    assert doc.file_format == "docx" and "毛入园率(%)\t90\t95" in doc.text
    # The text states its own title; the author and creation date come from the core properties.
    assert doc.title_zh == "某市教育事业发展规划" and doc.title_zh_origin == "text"
    assert (doc.issuer_zh, doc.issuer_zh_origin) == ("某县教育局", "properties")
    assert (doc.written_date, doc.written_date_origin) == ("2021-06-01", "properties")
    measures = result.tables["measures"]
    assert "table_cell" in set(measures[measures.doc_id == doc.doc_id].kind)


def test_traditional_characters_are_simplified_for_analysis(nasty):
    _, result = nasty
    doc = _doc(result, "traditional.txt")
    assert doc.script == "traditional"
    assert "学前三年毛入园率达到95%以上" in doc.text and "學前三年毛入園率" in doc.raw_text
    assert doc.title_zh == "某市教育事业发展规划"
    secs = result.tables["sections"]
    assert "总体要求" in set(secs[secs.doc_id == doc.doc_id].heading)
    s, e = corpus.raw_span(doc.raw_text, doc.text.index("学前"), doc.text.index("学前") + 2)
    assert doc.raw_text[s:e] == "學前"


def test_manifest_problems_are_reported_not_fatal(nasty):
    _, result = nasty
    text = "\n".join(result.warnings)
    assert "line 2: written_date '2021-02-30' is not a valid date" in text
    assert "line 3: duplicate row for 'good.txt'" in text
    assert "line 4: file 'gone.txt' does not exist" in text
    assert "line 5: '../../etc/passwd' points outside the corpus folder" in text
    assert "unknown columns ['colour']" in text
    assert _doc(result, "good.txt").region_zh == "某市"


def test_strict_exits_non_zero_when_anything_was_rejected(nasty, tmp_path, capsys):
    root, _ = nasty
    assert main(["build", "--corpus", str(root), "--out", str(tmp_path), "--strict", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "rejected: empty.txt: the file is empty" in err and "warning:" in err


def test_interrupted_build_leaves_previous_outputs_intact(tmp_path, monkeypatch):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    build(tmp_path / "c", out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (tmp_path / "c" / "b.txt").write_text(GOOD.replace("某市", "某县"), encoding="utf-8")

    calls = {"n": 0}
    original = pd.DataFrame.to_csv

    def interrupted(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(tmp_path / "c", out)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    assert len(build_tables(tmp_path / "c").tables["documents"]) == 2
