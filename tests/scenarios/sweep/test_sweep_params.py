"""How ``--vary`` reads its values (what a user types must run what they meant)."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.sweep.params import SweepError, parse_vary, resolve


def test_a_whole_range_without_steps_runs_every_whole_number() -> None:
    assert parse_vary("severity=1..4") == ("severity", (1, 2, 3, 4))


def test_steps_give_evenly_spaced_values_with_both_ends() -> None:
    assert parse_vary("fall=0..30:4") == ("fall", (0, 10, 20, 30))
    assert parse_vary("p=0..1:3") == ("p", (0, 0.5, 1))


@pytest.mark.parametrize("spec", ["x=1.5..3", "x=4..1", "x=2..2"])
def test_a_range_without_steps_that_is_not_whole_and_rising_is_refused(spec: str) -> None:
    with pytest.raises(SweepError, match="without :STEPS"):
        parse_vary(spec)


def test_a_misspelt_parameter_is_refused_naming_the_declared_ones() -> None:
    spec = load("typhoon-claims")
    with pytest.raises(SweepError) as refused:
        resolve(spec, [parse_vary("severty=1,2")])
    assert refused.value.parameter == "severty"
    assert "Did you mean severity?" in refused.value.rule
    assert "Declared parameters: severity" in refused.value.rule


def test_a_dotted_path_of_the_scenario_needs_no_declaration() -> None:
    spec = load("typhoon-claims")
    (param,) = resolve(spec, [parse_vary("agents.insurance.severity=2")])
    assert param.path == "agents.insurance.severity"
