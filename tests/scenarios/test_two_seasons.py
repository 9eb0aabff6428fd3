"""The two-seasons scenario: governance lowers the subsidy ceiling and admits a bank mid-run.

Read back from a peer's chain as an auditor would: every subsidy paid before the change's
day is the programme's 50 % of the interest, every one after is the ceiling's 30 %; the
new bank signs nothing before it is admitted and lends only from its joining day; the
chain replays across both changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from ledger.block import Block
from ledger.sqlite_store import SqliteStore
from ledger.timefmt import parse_time
from scenarios.catalog import load
from scenarios.runner import RunResult, run_scenario

CHANGE_DAY = 90
JOINS_DAY = 100


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    db_dir = tmp_path_factory.mktemp("two-seasons")
    return run_scenario(load("two-seasons"), db_dir=db_dir), db_dir / "gov.peer" / "chain.db"


def blocks(db: Path) -> Iterator[tuple[float, Block]]:
    """(simulated day, block) of every block after genesis."""
    store = SqliteStore(db, readonly=True)
    try:
        genesis = store.block(0)
        assert genesis is not None
        start = parse_time(genesis.header.time)
        for height in range(1, store.height() + 1):
            block = store.block(height)
            assert block is not None
            yield (parse_time(block.header.time) - start).total_seconds() / 86_400, block
    finally:
        store.close()


def test_the_run_meets_its_expectations_and_the_scripted_refusals(
    ran: tuple[RunResult, Path],
) -> None:
    result, _db = ran
    failed = [f"{v.description}: {v.actual}" for v in result.verdicts if not v.ok]
    assert not failed, failed


def test_subsidies_follow_the_ceiling_in_force_when_paid(ran: tuple[RunResult, Path]) -> None:
    _result, db = ran
    seasons: dict[bool, int] = {False: 0, True: 0}
    for day, block in blocks(db):
        for result in block.results:
            for event in result.events:
                if event["type"] != "SubsidyPaid":
                    continue
                interest, subsidy = int(event["data"]["interest"]), int(event["data"]["subsidy"])
                share = 3000 if day >= CHANGE_DAY else 5000
                assert subsidy == interest * share // 10_000, (day, interest, subsidy)
                seasons[day >= CHANGE_DAY] += 1
    assert seasons[False]
    assert seasons[True]


def test_the_new_bank_lends_only_once_admitted(ran: tuple[RunResult, Path]) -> None:
    _result, db = ran
    signed, lent = [], []
    for day, block in blocks(db):
        for envelope in block.envelopes:
            if envelope.signer.startswith("bank-tailong."):
                signed.append(day)
            if envelope.action == "apply" and envelope.args.get("bank") == "bank-tailong":
                lent.append(day)
    assert signed
    assert min(signed) >= JOINS_DAY
    assert lent
    assert min(lent) >= JOINS_DAY


def test_the_chain_replays_across_both_changes(ran: tuple[RunResult, Path]) -> None:
    _result, db = ran
    replayed = CliRunner().invoke(main, ["verify", str(db), "--replay"])
    assert replayed.exit_code == 0, replayed.output


def test_a_wrong_expected_status_fails_the_run() -> None:
    scenario = load("two-seasons")
    steps = [s.model_copy(update={"expect_status": "open"}) if s.proposal == "lpr-cut" else s
             for s in scenario.governance]
    result = run_scenario(scenario.model_copy(update={"governance": steps}))
    failed = [f"{v.description}: {v.expected}: {v.actual}" for v in result.verdicts if not v.ok]
    assert any("lpr-cut: expected status open on day 120, got expired" in f
               for f in failed), failed
