"""Paper tables: a page wide whatever the number of regions."""

import pandas as pd

from eduanalysis.report import paper_tables


def _matrix(n_regions):
    return pd.DataFrame([{"indicator_id": "ger", "indicator_zh": "毛入园率", "indicator_en": "GER",
                          "region_zh": f"地区{i:02d}", "region_en": f"R{i:02d}", "doc_id": f"d{i}", "target_id": f"t{i}",
                          "value": 90.0 + i % 5, "value_max": None, "unit": "percent", "comparator": ">=",
                          "year": 2025, "direction": "higher", "comparable": True, "most_ambitious": i == 0}
                         for i in range(n_regions)])


def test_many_regions_run_down_the_page(tmp_path):
    paths = paper_tables.save_paper_table(_matrix(30), "t", tmp_path, "en")
    head = paths["md"].read_text(encoding="utf-8").splitlines()[0]
    assert head == "| region | GER |"
    assert paths["tex"].read_text(encoding="utf-8").count("\\\\") >= 30
    few = paper_tables.save_paper_table(_matrix(3), "f", tmp_path, "en")
    assert few["md"].read_text(encoding="utf-8").splitlines()[0] == "| indicator | R00 | R01 | R02 |"
