"""A story's tx that does not end as declared is a failed expectation, never a quiet stop;
an agent's misnamed argument stops the run where it is built; a figure can be a range."""

from __future__ import annotations

import pytest

from nodes.report import NetworkReport
from scenarios.catalog import load
from scenarios.driver import AgentArgsError
from scenarios.engine import Outcome, Tx
from scenarios.expectations import check
from scenarios.loader import ScenarioError, parse_model
from scenarios.runner import build, run_scenario
from scenarios.schema import MetricThreshold, Scenario

from .test_scenario_files import GOOD


def test_an_unexpected_rejection_fails_the_run_naming_story_tx_action_and_code() -> None:
    scenario = load("byzantine-peer")
    agents = scenario.agents
    poor = agents.funding.model_copy(update={"bank_fen": 1})  # banks cannot disburse
    scenario = scenario.model_copy(
        update={"agents": agents.model_copy(update={"funding": poor})}
    )
    result = run_scenario(scenario)
    unexpected = [v for v in result.verdicts if v.description.startswith("story pledge-")]
    assert unexpected, [v.description for v in result.verdicts]
    first = unexpected[0]
    assert not first.ok
    assert "warehouse_receipt.disburse by bank-" in first.description
    assert "(tx " in first.description
    assert first.expected == "committed"
    assert first.actual.startswith("INSUFFICIENT_FUNDS: account bank-")
    assert not result.passed
    assert not result.metrics.passed
    assert first.description in {e.description for e in result.metrics.expectations}


def _outcome(committed: bool, code: str | None = None) -> Outcome:
    return Outcome("t" * 64, committed, code, None if committed else "refused")


def test_declared_refusals_and_must_refuse_attempts() -> None:
    plain = Tx("a.x", "claims", "report_loss", {})
    assert plain.expects(_outcome(True))
    assert not plain.expects(_outcome(False, "DUPLICATE_CLAIM"))
    tolerant = Tx("a.x", "credit_loans", "grant", {}, refusals=("EXCEEDS_CREDIT_LINE",))
    assert tolerant.expects(_outcome(True))
    assert tolerant.expects(_outcome(False, "EXCEEDS_CREDIT_LINE"))
    assert not tolerant.expects(_outcome(False, "UNAUTHORIZED"))
    attack = Tx("a.x", "claims", "report_loss", {}, refusals=("DUPLICATE_CLAIM",),
                must_refuse=True)
    assert not attack.expects(_outcome(True))  # a duplicate that commits is the failure
    assert attack.expects(_outcome(False, "DUPLICATE_CLAIM"))
    assert attack.expected() == "refused with DUPLICATE_CLAIM"
    scripted = Tx("a.x", "settlement", "transfer", {}, scripted=True)
    assert scripted.expects(_outcome(False, "UNAUTHORIZED"))  # its step judges it


def test_an_agent_tx_with_a_misnamed_argument_stops_the_run_before_it_is_signed() -> None:
    built = build(load("byzantine-peer"))
    try:
        with pytest.raises(AgentArgsError, match=r"settlement\.issue by gov\.pboc"):
            built.driver.submit(
                Tx("gov.pboc", "settlement", "issue", {"acount": "bank-psbc", "amount": 5})
            )
        assert built.sim.orderer.pending() == 0  # nothing went out
    finally:
        built.close()


def test_a_metric_can_be_a_range_and_must_be_one_bound_or_the_other() -> None:
    report = NetworkReport(orderer_height=0, peers=(), flags=())
    metrics = {"credit": {"defaulted": 3}}
    inside, below, above = check(
        [MetricThreshold(kind="metric", name="credit.defaulted", between=(1, 3)),
         MetricThreshold(kind="metric", name="credit.defaulted", between=(4, 9)),
         MetricThreshold(kind="metric", name="credit.defaulted", between=(0, 2))],
        report=report, peer=None, metrics=metrics, peer_names={},
    )
    assert (inside.ok, inside.expected, inside.actual) == (True, "1 to 3", "3")
    assert (below.ok, below.expected) == (False, "4 to 9")
    assert (above.ok, above.expected) == (False, "0 to 2")
    both = GOOD + "expect:\n  - {kind: metric, name: x, value: 1, between: [1, 2]}\n"
    with pytest.raises(ScenarioError, match="either value"):
        parse_model(Scenario, both, "bad.yaml")
