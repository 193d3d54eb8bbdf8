"""The project's set-up files agree with each other."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {*project["dependencies"], *[d for extra in project["optional-dependencies"].values() for d in extra]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = {d for d in pip if not d.startswith("-e")}
    assert {_name(d): d for d in listed} == {_name(d): d for d in wanted}


def test_readme_commands_are_makefile_targets():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^\s*make (\w+)", readme, flags=re.M):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_data_dictionary_is_generated_from_the_schema():
    from eduanalysis import schema

    assert (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8") == schema.data_dictionary_markdown() + "\n", \
        "docs/data_dictionary.md is stale: run `make dictionary`"
