"""Shared fixtures: the embedded corpus built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The embedded corpus built into a temporary folder: a :class:`BuildResult` with ``out_dir`` set."""
    from eduanalysis.build.pipeline import build

    out = tmp_path_factory.mktemp("processed")
    return build(CORPUS, out)


@pytest.fixture(scope="session")
def docs_by_prefix(built):
    """Document rows keyed by the first three characters of their file name (000 … 004)."""
    docs = built.tables["documents"]
    return {row.source_file[:3]: row for row in docs.itertuples()}


#: A government web page as scraped: breadcrumb, metadata, cover notice, body and trailer.
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
