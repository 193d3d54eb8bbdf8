"""Responsibility lines split into units with roles."""

from __future__ import annotations

import pytest

from eduanalysis.extract.responsibilities import parse_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("责任单位:市委组织部、市委宣传部,各区县政府",
                     [("unspecified", "市委组织部"), ("unspecified", "市委宣传部"), ("unspecified", "各区县政府")],
                     id="panjin"),
        pytest.param("牵头单位:市教育局;配合单位:市财政局、市人社局",
                     [("lead", "市教育局"), ("support", "市财政局"), ("support", "市人力资源社会保障局")], id="roles"),
        pytest.param("(牵头单位:市教育局,责任单位:各县区政府)",
                     [("lead", "市教育局"), ("unspecified", "各区县政府")], id="parenthesised"),
        pytest.param("责任部门:市教育局。", [("unspecified", "市教育局")], id="full-stop"),
    ],
)
def test_parse_line(line, expected):
    assert [(role, name) for role, _, name, _, _ in parse_line(line)] == expected


def test_offsets_point_at_the_unit_as_written():
    line = "责任单位:各区县政府,市教育局、市自然资源局"
    for _, unit, _, s, e in parse_line(line):
        assert line[s:e] == unit
