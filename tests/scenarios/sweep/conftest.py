"""A small sweep (two price falls x two seeds of a forty-day pledge season) run in-process once."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.catalog import load
from scenarios.sweep.engine import Plan, run_in_process
from scenarios.sweep.params import parse_seeds, resolve
from scenarios.sweep.store import Journal

SMALL = Path(__file__).parent / "small.yaml"


def small_plan() -> Plan:
    spec = load(str(SMALL))
    assert spec.sweep is not None
    return Plan(spec, resolve(spec, []), parse_seeds(spec.sweep.seeds))


@pytest.fixture(scope="package")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    """The small sweep run one run after another in this process: the table to compare with."""
    plan = small_plan()
    journal = Journal(tmp_path_factory.mktemp("reference"), plan.definition(str(SMALL)))
    assert run_in_process(plan, journal) == len(plan.runs) == 4
    return journal
