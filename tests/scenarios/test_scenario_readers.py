"""Every record the built-in contracts store in a whole season has a readers declaration
(a key no declaration matches would be readable by the regulator only), and the
season's agents, reading each as its own member, still meet every expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.readers import ReaderTable
from contracts.registry import discover
from ledger.sqlite_store import SqliteStore
from scenarios.catalog import load
from scenarios.runner import run_scenario

pytestmark = [pytest.mark.slow]


@pytest.mark.parametrize("name", ["season", "order-finance"])
def test_every_key_a_scenario_writes_matches_a_readers_declaration(
    name: str, tmp_path: Path
) -> None:
    result = run_scenario(load(name), db_dir=tmp_path)
    assert result.passed, [v for v in result.verdicts if not v.ok]
    assert result.metrics.run.view == "gov.pboc"  # the report is the regulator's
    table = ReaderTable({n: c.readers or () for n, c in discover().items()})
    chain = next(tmp_path.rglob("chain.db"))
    store = SqliteStore(chain, readonly=True)
    try:
        keys = [key for key, _ in store.state.scan("")]
    finally:
        store.close()
    contracts = {key.split("/", 1)[0] for key in keys}
    assert {"settlement", "membership"} <= contracts
    assert len(contracts) >= 4
    undeclared = [
        key for key in keys
        if table.declaration(*key.split("/", 1)) is None  # type: ignore[arg-type]
    ]
    assert not undeclared, undeclared[:20]
