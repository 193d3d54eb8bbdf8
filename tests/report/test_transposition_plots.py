"""The layered citation-network layout and the labels of 50_transposition's figures."""

import pandas as pd

from eduanalysis.report import transposition_plots as tp


def test_layout_puts_each_document_under_the_nearest_level_it_cites():
    nodes = pd.DataFrame({"doc_id": ["N", "P1", "P2", "C1", "C2", "C3"],
                          "level": ["national", "province", "province", "prefecture", "prefecture", "prefecture"],
                          "label": ["国办发", "甲省", "乙省", "甲一市", "甲二市", "乙一市"]})
    # C1 cites its province and the national document: it goes under the province.
    edges = pd.DataFrame({"doc_id": ["P1", "P2", "C1", "C1", "C2", "C3"],
                          "cited_doc_id": ["N", "N", "P1", "N", "P1", "P2"]})
    pos = tp.network_layout(nodes, edges).set_index("doc_id")
    assert pos["y"].to_dict() == {"N": 0, "P1": -1, "P2": -1, "C1": -2, "C2": -2, "C3": -2}
    assert pos.at["P1", "x"] == (pos.at["C1", "x"] + pos.at["C2", "x"]) / 2  # a parent over its children
    assert pos.at["P2", "x"] == pos.at["C3", "x"]
    assert pos.loc[["C1", "C2", "C3"], "x"].is_unique
    assert min(pos.at["P1", "x"], pos.at["P2", "x"]) <= pos.at["N", "x"] <= max(pos.at["P1", "x"], pos.at["P2", "x"])


def test_a_document_without_region_or_number_is_labelled_by_the_number_it_is_cited_by():
    docs = pd.DataFrame({"doc_id": ["N", "P"], "region_zh": [None, "四川省"], "region_en": [None, "Sichuan"],
                         "doc_number": [None, None], "issuer_zh": ["国务院办公厅", None],
                         "title_zh": ["国务院办公厅关于…的意见", "四川省…"], "doc_type_zh": [None, None],
                         "doc_type_en": [None, None], "published_date": [None, None], "written_date": [None, None],
                         "plan_start_year": [None, None], "plan_end_year": [None, None]})
    cites = pd.DataFrame({"doc_id": ["P", "P"], "cited_doc_id": ["N", "N"],
                          "cited_number": ["国办发〔2015〕71号", "国办发〔2015〕71号"]})
    assert tp.node_labels(docs, "en", cites).to_dict() == {"N": "国办发〔2015〕71号", "P": "Sichuan"}
    assert tp.node_labels(docs, "en").to_dict() == {"N": "国务院办公厅", "P": "Sichuan"}
