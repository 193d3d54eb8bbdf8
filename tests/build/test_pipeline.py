"""Integration: the five embedded documents, built end to end."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import CORPUS

import eduanalysis
from eduanalysis import schema
from eduanalysis.build.pipeline import CORE_TABLES, build_tables, read_table
from eduanalysis.extract.structure import coverage_errors

pytestmark = pytest.mark.integration

# Counted by reading the documents: (top-level sections, second-level sections, sample headings).
STRUCTURE = {
    "000": (3, 16, {"1": "总体要求", "1-2": "工作目标", "2-10": "实施教育优先投入行动计划", "3-4": "营造良好氛围"}),
    "001": (4, 8, {"2": "新增目标", "3-1": "强党建推进立德树人提升行动", "3-5": "边境县(市)教育质量提升行动",
                   "3-1-实施项目1": "全面加强学校党建工作", "4-3": "强化考核监督"}),
    "002": (7, 32, {"1": "坚持和完善党对教育工作的全面领导", "3-13": "大力推进农村公办中小学(幼儿园)旱厕改造",
                    "7-32": "全力维护教育系统安全稳定"}),
    "003": (4, 28, {"1-1": "深入开展主题学习教育", "3": "以群众满意为导向,着力解决教育热点难点问题",
                    "4-28": "强化信息技术应用"}),
    # 萍乡: 发展基础 + 第一章…第十六章; (一)…(五十八), 专栏1…8 and the 十三五 table under 发展基础.
    "004": (17, 67, {"1": "总体要求", "2-专栏1": "立德树人工程", "9": "终身教育(继续教育)",
                     "14-51": "推动教育助力乡村振兴", "16-58": "营造良好氛围"}),
}


@pytest.mark.parametrize("prefix", sorted(STRUCTURE))
def test_sections_per_document(built, docs_by_prefix, prefix):
    top, second, sample = STRUCTURE[prefix]
    secs = built.tables["sections"]
    secs = secs[secs.doc_id == docs_by_prefix[prefix].doc_id]
    assert (secs.level == 1).sum() == top
    assert (secs.level == 2).sum() == second
    first = secs.drop_duplicates("path")  # unnumbered blocks share their parent's path
    by_path = dict(zip(first.path, first.heading, strict=True))
    for path, heading in sample.items():
        assert by_path.get(path) == heading, path


@pytest.mark.parametrize("prefix", sorted(STRUCTURE))
def test_measures_and_boilerplate_cover_every_character_once(built, docs_by_prefix, prefix):
    doc = docs_by_prefix[prefix]
    m, b = built.tables["measures"], built.tables["boilerplate"]
    spans = [*zip(m[m.doc_id == doc.doc_id].char_start, m[m.doc_id == doc.doc_id].char_end, strict=True),
             *zip(b[b.doc_id == doc.doc_id].char_start, b[b.doc_id == doc.doc_id].char_end, strict=True)]
    assert coverage_errors(doc.text, spans) == []
    for row in m[m.doc_id == doc.doc_id].itertuples():
        assert doc.text[row.char_start:row.char_end] == row.text


def test_flattened_tables_of_pingxiang(built, docs_by_prefix):
    secs = built.tables["sections"]
    tables = secs[(secs.doc_id == docs_by_prefix["004"].doc_id) & (secs.kind == "table")]
    assert tables.heading.tolist() == ["萍乡市教育事业发展“十三五”规划主要目标实现情况", "“十四五”时期萍乡教育事业发展主要指标"]
    m = built.tables["measures"]
    cells = m[m.section_id == tables.section_id.iloc[1]].text.tolist()
    assert "预期性预期性" in cells and "≥96" in cells and "第二章 全面落实立德树人根本任务" not in cells


STATED = {
    "000": {"issuer_zh": "盘锦市人民政府办公室", "written_date": "2019-05-30", "published_date": "2019-05-31",
            "doc_number": "盘政办发〔2019〕24号", "index_number": "pjsrmzf-2019-000657",
            # a cover notice is titled by its own title (dev gold convention); the plan it issues is enclosed
            "title_zh": "盘锦市人民政府办公室关于印发盘锦市推进教育高质量发展行动计划的通知",
            "enclosed_title_zh": "盘锦市推进教育高质量发展行动计划"},
    "001": {"issuer_zh": "保山市教育体育局", "published_date": "2024-03-18", "index_number": "01525537-2/20240318-00001"},
    "003": {"issuer_zh": "威海市教育局(中共威海市委教育工委)", "written_date": "2019-02-15",
            "index_number": "113710000043592137/2019-01140",
            "title_zh": "威海市教育局(中共威海市委教育工委)关于印发2019年工作要点的通知",
            "enclosed_title_zh": "威海市教育局(中共威海市委教育工委)2019年工作要点"},
    "004": {"title_zh": "萍乡市“十四五”教育事业发展规划"},
}


@pytest.mark.parametrize("prefix", sorted(STATED))
def test_metadata_stated_in_the_text(tmp_path_factory, prefix):
    """Built without the manifest, the text alone yields the stated metadata."""
    folder = tmp_path_factory.mktemp("nomanifest")
    src = next(CORPUS.glob(f"{prefix}_*.txt"))
    shutil.copy(src, folder / src.name)
    doc = build_tables(folder).tables["documents"].iloc[0]
    for field, value in STATED[prefix].items():
        assert doc[field] == value, field
        assert doc[f"{field}_origin"] == "text", field


def test_manifest_metadata_and_horizons(docs_by_prefix):
    assert docs_by_prefix["004"].plan_start_year == 2021 and docs_by_prefix["004"].plan_end_year == 2025
    assert docs_by_prefix["002"].plan_end_year == 2020 and docs_by_prefix["002"].region_zh == "大连市"
    assert docs_by_prefix["002"].title_zh_origin == "manifest"
    assert docs_by_prefix["000"].plan_end_year == 2022
    assert docs_by_prefix["003"].doc_type_zh == "工作要点"


PANJIN_UNITS = [
    ["市委组织部", "市委宣传部", "市委教育工委", "市教育局", "各区县政府", "大连理工大学盘锦校区", "盘锦职业技术学院"],
    ["市委宣传部", "市委编办", "市委教育工委", "市教育局", "市人力资源社会保障局", "各区县政府", "大连理工大学盘锦校区",
     "盘锦职业技术学院"],
    ["各区县政府", "市教育局", "市自然资源局", "市住房城乡建设局"],
    ["各区县政府", "市教育局", "市发展改革委", "市自然资源局", "市住房城乡建设局", "市市场监督管理局", "市妇联", "市残联"],
    ["市教育局", "市委编办", "市财政局", "市人力资源社会保障局", "各区县政府"],
    ["市教育局", "市发展改革委", "市科技局", "市财政局", "市人力资源社会保障局", "各区县政府"],
    ["市委教育工委", "市科技局", "市财政局", "大连理工大学盘锦校区", "盘锦职业技术学院", "盘锦产业技术研究院"],
    ["市教育局", "市人力资源社会保障局", "各区县政府", "盘锦职业技术学院"],
    ["各区县政府", "市委编办", "市教育局", "市人力资源社会保障局", "市财政局"],
    ["各区县政府", "市财政局", "市人力资源社会保障局", "市教育局"],
]


def test_panjin_responsibilities(built, docs_by_prefix):
    r = built.tables["responsibilities"]
    r = r[r.doc_id == docs_by_prefix["000"].doc_id]
    lines = [g.unit_name.tolist() for _, g in r.groupby("measure_id", sort=True)]
    assert lines == PANJIN_UNITS
    assert set(r.role) == {"unspecified"}
    assert "各县区政府" in set(r.unit_text)  # written that way once, normalised above
    secs = built.tables["sections"].set_index("section_id")
    closed = [secs.loc[s, "heading"] for s in r.drop_duplicates("measure_id").section_id]
    assert closed[0] == "实施教育系统党的建设行动计划" and closed[-1] == "实施教育优先投入行动计划"


def test_outputs_are_sorted_lf_csv_and_parquet_that_load_back(built):
    out = built.out_dir
    for name in CORE_TABLES:
        raw = (out / f"{name}.csv").read_bytes()
        assert b"\r\n" not in raw.replace(b'"\r\n', b"")  # LF line endings (CR only inside raw text fields)
        df = read_table(out, name)
        key = list(schema.TABLES[name].key)
        assert df[key].equals(df[key].sort_values(key).reset_index(drop=True))
    tables = eduanalysis.load(out)
    assert len(tables.documents) == 5 and len(tables.measures) == len(built.tables["measures"])
    pd.testing.assert_frame_equal(tables.sections, built.tables["sections"])
    with pytest.raises(AttributeError, match="no table 'nope'"):
        _ = tables.nope


def test_doc_ids_are_stable_and_rebuilds_identical(built, tmp_path):
    again = eduanalysis.build(CORPUS, tmp_path)
    assert again.tables["documents"].doc_id.tolist() == built.tables["documents"].doc_id.tolist()
    for name in CORE_TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (built.out_dir / f"{name}.csv").read_bytes(), name
        assert (tmp_path / f"{name}.parquet").read_bytes() == (built.out_dir / f"{name}.parquet").read_bytes(), name


def test_cli_build_prints_summary(tmp_path, capsys):
    from eduanalysis.cli import main

    assert main(["build", "--corpus", str(CORPUS), "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("5 documents (0 rejected):") and str(tmp_path) in out


def test_cli_reports_missing_corpus(tmp_path, capsys):
    from eduanalysis.cli import main

    assert main(["build", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_load_skips_a_stale_analysis_table_with_a_warning(built, tmp_path):
    for path in built.out_dir.glob("*.parquet"):
        shutil.copy(path, tmp_path / path.name)
    pd.DataFrame({"doc_a": ["x"]}).to_parquet(tmp_path / "similarity.parquet")  # an older, different schema
    with pytest.warns(UserWarning, match="similarity.parquet skipped"):
        tables = eduanalysis.load(tmp_path)
    assert "similarity" not in tables.names and len(tables.documents) == 5
