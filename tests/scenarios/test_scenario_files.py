"""Scenario files: schema errors name the file, the line and the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.catalog import builtin, load, resolve
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


CHECKED = """\
name: checked
days: 10
network:
  chain_id: checked
  organisations:
    - {id: gov, type: government, members: {pboc: central_bank}}
    - {id: coop-a, type: cooperative, members: {manager: manager}}
    - {id: buyer, type: buyer, members: {purchaser: purchaser}, peer: false}
  contracts: {membership: {}, settlement: {}}
"""


@pytest.mark.parametrize(
    ("tail", "line", "field", "rule"),
    [
        ("faults:\n  - {kind: crash, day: 1, peer: bank-z}\n", 11, "faults[0].peer",
         "no peer 'bank-z'; organisations running a peer: coop-a, gov"),
        ("faults:\n  - {kind: byzantine, day: 1, peer: buyer}\n", 11, "faults[0].peer",
         "no peer 'buyer'"),
        ("faults:\n  - kind: partition\n    day: 1\n    groups: [[gov], [coop-a, 'a|b']]\n",
         13, "faults[0].groups[1][1]", "no peer 'a|b'"),
        ("timeline:\n  - {day: 1, actor: gov.ghost, contract: settlement, action: issue,"
         " args: {account: gov, amount: 1}}\n", 11, "timeline[0].actor",
         "no member 'gov.ghost'; members of gov: gov.pboc, gov.peer"),
        ("timeline:\n  - {day: 1, actor: gov.pboc, contract: settlement, action: mint}\n",
         11, "timeline[0].action", "settlement has no action 'mint'; actions: issue, transfer"),
        ("timeline:\n  - {day: 1, actor: gov.pboc, contract: claims, action: report}\n",
         11, "timeline[0].contract",
         "contract 'claims' is not enabled; enabled: membership, settlement"),
        ("timeline:\n  - day: 1\n    actor: gov.pboc\n    contract: settlement\n"
         "    action: issue\n    args:\n      account: gov\n      amout: 5\n",
         17, "timeline[0].args.amout", "settlement.issue has no argument 'amout'"),
        ("expect:\n  - {kind: metric, name: orders.shipped_late, value: 1}\n", 11,
         "expect[0].name", "no metric 'orders.shipped_late'"),
        ("expect:\n  - {kind: metric, name: credit.loanz, value: 1}\n", 11,
         "expect[0].name", "no metric 'credit.loanz'; metrics: "),
        ("expect:\n  - {kind: view, contract: settlement, view: balances}\n", 11,
         "expect[0].view", "settlement has no view 'balances'; views: balance"),
    ],
)
def test_names_a_scenario_uses_are_resolved_before_it_runs(
    tmp_path: Path, tail: str, line: int, field: str, rule: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CHECKED + tail)
    with pytest.raises(ScenarioError) as caught:
        load(str(path))
    assert f"{path}:{line}: {field}: {rule}" in str(caught.value)


def test_a_scenario_with_resolved_names_loads(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(CHECKED + "timeline:\n  - {day: 1, actor: gov.pboc, contract: settlement,"
                    " action: issue, args: {account: gov, amount: 1}}\n"
                    "expect:\n  - {kind: metric, name: orders.cancelled, value: 0}\n")
    assert load(str(path)).timeline[0].actor == "gov.pboc"


def test_the_run_command_refuses_a_misnamed_scenario_in_one_line_per_mistake(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CHECKED + "faults:\n  - {kind: crash, day: 1, peer: bank-z}\n"
                    "expect:\n  - {kind: metric, name: credit.loanz, value: 1}\n")
    agriledger = Path(sys.executable).with_name("agriledger")
    proc = subprocess.run([agriledger, "run", str(path), "--memory"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(f"error: {path}:11: faults[0].peer: no peer 'bank-z'")
    assert lines[1].startswith(f"error: {path}:13: expect[0].name: no metric 'credit.loanz'")
    assert len(lines) == 2


def test_a_directory_named_like_a_builtin_does_not_hide_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "order-finance").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve("order-finance").name == "order-finance.yaml"
    with pytest.raises(FileNotFoundError, match=r"missing\.yaml: no such scenario file"):
        resolve("missing.yaml")
