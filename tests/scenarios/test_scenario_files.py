"""Scenario files: schema errors name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.catalog import builtin, resolve
from scenarios.loader import ScenarioError, parse_model, read_model
from scenarios.schema import Scenario

GOOD = """\
name: tiny
days: 3
network:
  chain_id: tiny
  organisations:
    - {id: gov, type: government, members: {pboc: central_bank}}
"""


def test_a_minimal_scenario_parses() -> None:
    scenario = parse_model(Scenario, GOOD, "tiny.yaml")
    assert scenario.network.organisations[0].id == "gov"


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (GOOD.replace("type: government", "type: governmnt"), 6, "network.organisations[0].type"),
        (GOOD.replace("days: 3", "days: -3"), 2, "days"),
        (GOOD + "faults:\n  - kind: crash\n    day: 1\n", 8, "faults[0].peer"),
        (GOOD + "expect:\n  - kind: metric\n    name: x\n    value: many\n", 10, "expect[0].value"),
        (
            GOOD + "timeline:\n  - {day: 1, actor: gov.pboc, contract: settlement}\n",
            8,
            "timeline[0].action",
        ),
    ],
)
def test_schema_errors_name_the_file_line_and_field(text: str, line: int, field: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_model(Scenario, text, "bad.yaml")
    message = str(caught.value)
    assert f"bad.yaml:{line}: {field}:" in message, message


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_model(Scenario, GOOD + "  - [unclosed\n", "broken.yaml")
    assert str(caught.value).startswith("broken.yaml:")


def test_every_builtin_scenario_file_is_valid_and_listed() -> None:
    entries = builtin()
    names = {entry.name for entry in entries}
    assert {"harvest-pledge", "byzantine-peer"} <= names
    for entry in entries:
        assert entry.description, f"{entry.name} needs a description"
        assert read_model(Scenario, entry.path).name == entry.name


def test_resolve_reports_unknown_names_with_the_builtins() -> None:
    with pytest.raises(FileNotFoundError, match="harvest-pledge"):
        resolve("no-such-scenario")


def test_a_path_is_used_as_is(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD)
    assert resolve(str(path)) == path
