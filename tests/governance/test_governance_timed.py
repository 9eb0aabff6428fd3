"""Changes effective at a time: in force from the first block whose time reaches it.

Each ``Chain.step`` cuts one block a second after the last, so block ``h`` carries the
genesis time plus ``h`` seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gov_kit import MAJORITY, Chain, spec, with_v2

from api.cli import main
from ledger.block import TxResult
from ledger.sqlite_store import SqliteStore
from ledger.timefmt import format_time, parse_time
from ledger.verify import verify_store
from nodes.exceptions import GateRejected
from nodes.replay import Replayer

UPGRADE = {"kind": "upgrade_contract", "contract": "settlement", "version": "2"}


def strict(majority_bp: int) -> dict[str, Any]:
    return {"kind": "set_params", "contract": "governance",
            "params": {"majority_bp": majority_bp}}


@pytest.fixture
def chain() -> Iterator[Chain]:
    c = Chain(spec(), classes=with_v2())
    yield c
    c.close()


def block_time(chain: Chain, height: int) -> dt.datetime:
    """The time block ``height`` carries (one second per block)."""
    return parse_time(chain.spec.config.time) + dt.timedelta(seconds=height)


def at(chain: Chain, height: int, *, ms: int = 0) -> str:
    """An effective time that block ``height`` reaches (``ms`` before its time)."""
    return format_time(block_time(chain, height) - dt.timedelta(milliseconds=ms))


def propose_at(chain: Chain, proposal_id: str, time: str, change: Mapping[str, Any],
               signer: str = "gov.admin") -> TxResult:
    return chain.tx(signer, "governance", "propose", {
        "proposal_id": proposal_id, "effective_time": time, "change": dict(change),
    })


def status(chain: Chain, proposal_id: str) -> str:
    return str(chain.view("governance", "proposal", proposal_id=proposal_id)["status"])


def versions(chain: Chain) -> set[str]:
    return {p.runtime.contracts["settlement"].version for p in chain.net.peers.values()}


def test_a_timed_upgrade_takes_effect_at_the_first_block_reaching_its_time(
    chain: Chain,
) -> None:
    # a time between blocks 11 and 12: block 12 is the first whose time reaches it
    assert propose_at(chain, "up", at(chain, 12, ms=500), UPGRADE).committed
    for org in MAJORITY:
        assert chain.approve(org, "up").committed
    assert status(chain, "up") == "approved"
    chain.until(11)
    assert versions(chain) == {"1"}
    chain.tick_empty()
    assert chain.entry.height() == 12
    assert versions(chain) == {"2"}
    assert status(chain, "up") == "effective"
    assert len(chain.heads()) == 1


def test_an_open_timed_proposal_expires_when_a_block_reaches_its_time(chain: Chain) -> None:
    assert propose_at(chain, "p", at(chain, 8), UPGRADE).committed
    for org in ("gov", "bank-a", "insurer"):
        assert chain.approve(org, "p").committed
    chain.until(7)
    assert status(chain, "p") == "open"
    late = chain.tx("coop-a.admin", "governance", "approve", {"proposal_id": "p"})
    assert late.code == "PROPOSAL_EXPIRED"  # this vote's block (8) is at the time
    assert at(chain, 8) in (late.message or "")
    assert status(chain, "p") == "expired"
    assert versions(chain) == {"1"}


def test_a_roster_change_at_a_time_is_refused_naming_the_field(chain: Chain) -> None:
    result = propose_at(chain, "drop", at(chain, 20),
                        {"kind": "remove_org", "org_id": "custodian"})
    assert result.code == "INVALID_CHANGE"
    assert "args.effective_time" in (result.message or "")
    assert "effective_height" in (result.message or "")


def test_the_time_must_lie_after_the_proposing_block(chain: Chain) -> None:
    chain.until(3)
    same = propose_at(chain, "now", at(chain, 4), UPGRADE)  # this very block's time
    assert same.code == "EFFECTIVE_TIME_TOO_SOON"
    assert "args.effective_time" in (same.message or "")
    assert propose_at(chain, "next", at(chain, 6, ms=999), UPGRADE).committed


@pytest.mark.parametrize("point", [{}, {"effective_height": 30, "effective_time": "X"}])
def test_a_proposal_names_exactly_one_effective_point(
    chain: Chain, point: dict[str, Any]
) -> None:
    args = {"proposal_id": "p", "change": UPGRADE, **point}
    if "effective_time" in point:
        args["effective_time"] = at(chain, 30)
    rule = "exactly one of effective_height and effective_time"
    with pytest.raises(GateRejected, match=rule):
        chain.tx("gov.admin", "governance", "propose", args)
    ordered = chain.past_gate(chain.sign("gov.admin", "governance", "propose", args))
    assert ordered.code == "INVALID_ARGUMENTS"
    assert rule in (ordered.message or "")


def timed_and_height_passed(chain: Chain, *, timed_at: int, height: int) -> None:
    """Two passed changes of one param: 6000 from the first block at block ``timed_at``'s
    time, 7000 from ``height``."""
    assert propose_at(chain, "t", at(chain, timed_at), strict(6000)).committed
    assert chain.propose("gov.admin", "h", height, strict(7000)).committed
    for org in MAJORITY:
        assert chain.approve(org, "t").committed
        assert chain.approve(org, "h").committed


def majority_bp(chain: Chain) -> int:
    return int(chain.entry.runtime.contracts["governance"].params.majority_bp)


def test_height_and_timed_changes_apply_in_the_order_they_came_into_force(
    chain: Chain,
) -> None:
    """A timed change in force at block 15 and a height change in force at 20 set the
    same param: the later one holds from 20 on, the earlier alone from 15 to 19."""
    timed_and_height_passed(chain, timed_at=15, height=20)
    chain.until(15)
    assert majority_bp(chain) == 6000
    chain.until(20)
    assert majority_bp(chain) == 7000
    chain.until(22)
    assert majority_bp(chain) == 7000


def test_a_restarted_peer_and_a_replay_rebuild_timed_changes(tmp_path: Path) -> None:
    chain = Chain(spec(), classes=with_v2(), store_root=tmp_path)
    try:
        timed_and_height_passed(chain, timed_at=15, height=12)
        chain.until(18)
        assert majority_bp(chain) == 6000
    finally:
        chain.close()
    db = tmp_path / "gov.peer" / "chain.db"
    plain = CliRunner().invoke(main, ["verify", str(db), "--replay"])
    assert plain.exit_code == 0, plain.output
    store = SqliteStore(db, readonly=True)
    try:
        genesis = store.genesis()
        assert genesis is not None
        assert verify_store(store, block_hook=Replayer(genesis, classes=with_v2())).blocks == 19
    finally:
        store.close()
    again = Chain(spec(), classes=with_v2(), store_root=tmp_path)
    try:
        assert again.entry.height() == 18
        assert majority_bp(again) == 6000
    finally:
        again.close()
