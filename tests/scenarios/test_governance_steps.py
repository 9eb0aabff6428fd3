"""A scenario's governance steps, joining organisations and seasons are checked before
anything runs: each mistake is reported as ``file:line: field: rule``."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.catalog import resolve
from scenarios.check import problems
from scenarios.loader import ScenarioError, read_model
from scenarios.schema import Scenario

TWO_SEASONS = resolve("two-seasons").read_text()


def refused(tmp_path: Path, old: str, new: str) -> str:
    """The error of two-seasons.yaml with ``old`` replaced by ``new``."""
    assert old in TWO_SEASONS, old
    path = tmp_path / "bad.yaml"
    path.write_text(TWO_SEASONS.replace(old, new, 1))
    with pytest.raises(ScenarioError) as error:
        read_model(Scenario, path, check=problems)
    return str(error.value)


def line_of(text: str) -> int:
    return next(n for n, line in enumerate(TWO_SEASONS.splitlines(), 1) if text in line)


def test_the_built_in_file_is_clean() -> None:
    scenario = read_model(Scenario, resolve("two-seasons"), check=problems)
    assert scenario.seasons == [90]
    assert [s.proposal for s in scenario.governance if s.change is None] == [
        "subsidy-ceiling-season-2", "subsidy-ceiling-season-2", "lpr-cut",
    ]


@pytest.mark.parametrize(("old", "new", "field", "rule"), [
    ("approvals: [gov, bank-rcb, coop-qingyuan, coop-songyang]",
     "approvals: [gov.admn, bank-rcb, coop-qingyuan, coop-songyang]",
     "governance[0].approvals[0]", "no member 'gov.admn'"),
    ("proposer: gov ", "proposer: gvo ", "governance[0].proposer", "no organisation 'gvo'"),
    ("params: {subsidy_cap_bp: 3000}", "params: {subsidy_cap: 3000}",
     "governance[0].change.params.subsidy_cap", "credit has no param 'subsidy_cap'"),
    ("params: {subsidy_cap_bp: 3000}", "params: {subsidy_cap_bp: 30000}",
     "governance[0].change.params.subsidy_cap_bp", "less than or equal to 10000"),
    ("{kind: set_params, contract: credit, params: {subsidy_cap_bp",
     "{kind: set_params, contract: credits, params: {subsidy_cap_bp",
     "governance[0].change.contract", "contract 'credits' is not enabled"),
    ("{kind: add_org, org_id: bank-tailong}", "{kind: add_bank, org_id: bank-tailong}",
     "governance[3].change.kind", "unknown change kind 'add_bank'"),
    ("{kind: add_org, org_id: bank-tailong}", "{kind: add_org, org_id: bank-psbc}",
     "governance[3].change.org_id", "bank-psbc is in genesis"),
    ("    check_day: 120\n", "    check_day: 120\n    expect_code: X\n",
     "governance[0]", "expect_code needs expect: rejected"),
    ("  - day: 100\n    proposal: lpr-cut", "  - day: 100\n    proposal: lpr-typo",
     "governance[5].proposal", "no earlier step proposes 'lpr-typo'"),
    ("effective_in_blocks: 8", "effective_in_blocks: 8\n    effective_day: 99",
     "governance[3]", "give exactly one of effective_day and effective_in_blocks"),
    ("expect: rejected\n    expect_code: UNAUTHORIZED",
     "expect: refused\n    expect_code: UNAUTHORIZED",
     "governance[1].expect", "Input should be 'committed' or 'rejected'"),
    ("joins_day: 100", "joins_day: 82",
     "network.organisations[6].joins_day", "the step admitting it is on day 82"),
    ("seasons: [90]", "seasons: [90, 60]", "seasons", "got 60 after 90"),
    ("seasons: [90]", "seasons: [180]", "seasons", "before the last day 180"),
    ("    governance: {}\n", "", "governance", "the governance contract is not enabled"),
])
def test_a_mistake_names_the_field(
    tmp_path: Path, old: str, new: str, field: str, rule: str
) -> None:
    message = refused(tmp_path, old, new)
    assert f": {field}: " in message, message
    assert rule in message, message


def test_the_line_is_the_steps_line(tmp_path: Path) -> None:
    message = refused(tmp_path, "params: {subsidy_cap_bp: 3000}", "params: {subsidy_cap: 3000}")
    assert message.startswith(f"{tmp_path / 'bad.yaml'}:{line_of('subsidy_cap_bp: 3000')}: ")


def test_a_joining_org_no_step_admits_is_named(tmp_path: Path) -> None:
    message = refused(tmp_path, "change: {kind: add_org, org_id: bank-tailong}",
                      "change: {kind: remove_org, org_id: buyer-supermarket}")
    assert "network.organisations[6].joins_day: bank-tailong is not in genesis, and no " \
           "governance step admits it" in message
