"""Approved changes at the block boundary: roster changes, a peer lacking a version, replay."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from gov_kit import MAJORITY, Chain, spec, with_v2

from api.cli import main
from contracts.governed import ContractVersionMissing, contract_entries
from contracts.registry import discover
from ledger.crypto import SignatureVerifier
from ledger.exceptions import VerificationError
from ledger.identity import certificate_to_pem
from ledger.memory_store import MemoryStore
from ledger.roster import OrgSpec, Roster
from ledger.sqlite_store import SqliteStore
from ledger.timefmt import parse_time
from ledger.verify import verify_store
from nodes.local import batch_from_block
from nodes.peer import Peer
from nodes.replay import Replayer
from nodes.templates import DEFAULT_TIME

UPGRADE = {"kind": "upgrade_contract", "contract": "settlement", "version": "2"}


def passed(chain: Chain, proposal_id: str, height: int, change: Mapping[str, object]) -> None:
    assert chain.propose("gov.admin", proposal_id, height, change).committed
    for org in MAJORITY:
        assert chain.approve(org, proposal_id).committed


def bank_b() -> Roster:
    return Roster.generate([OrgSpec("bank-b", "bank", (("admin", "admin"),
                                                        ("officer", "loan_officer")))],
                           seed="bank-b", not_before=parse_time(DEFAULT_TIME))


def admit_bank_b(chain: Chain, height: int) -> Roster:
    roster = bank_b()
    org = roster.orgs["bank-b"]
    passed(chain, "admit-bank-b", height, {
        "kind": "add_org", "org_id": "bank-b", "org_type": "bank",
        "ca_certificate": certificate_to_pem(org.ca_certificate),
        "admin_certificate": certificate_to_pem(org.members["bank-b.admin"].certificate),
    })
    return roster


def test_a_removed_org_can_no_longer_sign(tmp_path: Path) -> None:
    chain = Chain(spec())
    try:
        passed(chain, "drop", 9, {"kind": "remove_org", "org_id": "custodian"})
        chain.until(7)
        assert chain.propose("custodian.admin", "before", 30, UPGRADE).committed  # block 8
        after = chain.propose("custodian.admin", "after", 30, UPGRADE)  # block 9
        assert after.code == "SIGNER_REVOKED"
        orgs = {o["id"] for o in chain.view("membership", "organisations")}
        assert "custodian" not in orgs
        assert len(orgs) == 5
        assert len(chain.heads()) == 1
    finally:
        chain.close()


def test_an_admitted_bank_signs_from_its_height_on(tmp_path: Path) -> None:
    chain = Chain(spec())
    try:
        roster = admit_bank_b(chain, 9)
        chain.spec.roster.orgs["bank-b"] = roster.orgs["bank-b"]
        officer = certificate_to_pem(roster.member("bank-b.officer").certificate)
        chain.until(7)
        early = chain.tx("bank-b.admin", "membership", "enrol", {"certificate": officer})
        assert early.code == "SIGNER_REVOKED"  # block 8: not admitted yet
        assert chain.tx("bank-b.admin", "membership", "enrol",
                        {"certificate": officer}).committed  # block 9
        assert chain.propose("bank-b.admin", "bank-b-first", 40, UPGRADE).committed
        assert len(chain.view("membership", "organisations")) == 7
    finally:
        chain.close()


def test_a_peer_without_the_version_halts_with_a_clear_error_and_resumes_after_install(
) -> None:
    chain = Chain(spec(), classes=with_v2())
    try:
        passed(chain, "up", 8, UPGRADE)
        chain.until(10)
        blocks = [chain.entry.block(h) for h in range(1, 11)]
        config, creds = chain.spec.config, chain.spec.roster.member("insurer.peer")
        store = MemoryStore()
        verifier = SignatureVerifier(1 << 10)
        late = Peer("late", config, creds, store, verifier=verifier, classes=discover())
        for block in blocks[:7]:
            assert block is not None
            late.apply(batch_from_block(block))
        eighth = blocks[7]
        assert eighth is not None
        with pytest.raises(ContractVersionMissing) as stopped:
            late.apply(batch_from_block(eighth))
        assert (stopped.value.contract, stopped.value.version) == ("settlement", "2")
        assert "CONTRACT_VERSION_MISSING" in str(stopped.value)
        assert "settlement version '2'" in str(stopped.value)
        assert late.height() == 7
        assert late.fault() == str(stopped.value)
        restarted = Peer("late", config, creds, store, verifier=verifier, classes=with_v2())
        for block in blocks[7:]:
            assert block is not None
            restarted.apply(batch_from_block(block))
        assert restarted.head() == chain.entry.head()
    finally:
        chain.close()


def test_replay_crosses_params_roster_and_version_changes(tmp_path: Path) -> None:
    chain = Chain(spec(), classes=with_v2(), store_root=tmp_path)
    try:
        passed(chain, "strict", 20, {
            "kind": "set_params", "contract": "governance", "params": {"majority_bp": 6000},
        })
        passed(chain, "drop", 21, {"kind": "remove_org", "org_id": "custodian"})
        admit_bank_b(chain, 22)
        chain.until(24)
        plain = CliRunner().invoke(
            main, ["verify", str(tmp_path / "gov.peer" / "chain.db"), "--replay"]
        )
        assert plain.exit_code == 0, plain.output
        passed(chain, "up", 40, UPGRADE)
        chain.until(41)
    finally:
        chain.close()
    store = SqliteStore(tmp_path / "gov.peer" / "chain.db", readonly=True)
    try:
        genesis = store.genesis()
        assert genesis is not None
        report = verify_store(store, block_hook=Replayer(genesis, classes=with_v2()))
        assert report.blocks == 42
        with pytest.raises(VerificationError, match="block 40: replay: CONTRACT_VERSION_MISSING"):
            verify_store(store, block_hook=Replayer(genesis, classes=discover()))
    finally:
        store.close()


def test_a_rotated_ca_enrols_from_its_height_and_the_old_one_no_longer_does() -> None:
    chain = Chain(spec())
    try:
        new = Roster.generate([OrgSpec("bank-a", "bank", (("teller-new", "teller"),))],
                              seed="rotated", not_before=parse_time(DEFAULT_TIME))
        old = Roster.generate([OrgSpec("bank-a", "bank", ())], seed="unused",
                              not_before=parse_time(DEFAULT_TIME))
        old.orgs["bank-a"] = chain.spec.roster.orgs["bank-a"]
        old_cert = old.orgs["bank-a"].add_member("teller-old", "teller", seed=1,
                                                 not_before=parse_time(DEFAULT_TIME))
        new_ca = certificate_to_pem(new.orgs["bank-a"].ca_certificate)
        assert chain.propose("bank-a.admin", "rotate", 10,
                             {"kind": "rotate_ca", "org_id": "bank-a", "ca_certificate": new_ca}
                             ).committed
        for org in MAJORITY:
            assert chain.approve(org, "rotate").committed
        fresh = certificate_to_pem(new.member("bank-a.teller-new").certificate)
        early = chain.tx("bank-a.admin", "membership", "enrol", {"certificate": fresh})
        assert early.code == "CERTIFICATE_INVALID"  # block 7: the old CA is in force
        chain.until(9)
        assert chain.tx("bank-a.admin", "membership", "enrol",
                        {"certificate": fresh}).committed  # block 10
        stale = certificate_to_pem(old_cert.certificate)
        late = chain.tx("bank-a.admin", "membership", "enrol", {"certificate": stale})
        assert late.code == "CERTIFICATE_INVALID"
    finally:
        chain.close()


def test_a_params_change_scheduled_before_merge_existed_replaces_the_whole_params() -> None:
    """Chains written before a set_params change carried only the params it names stored
    the whole params, without ``merge``: replayed, those still replace them, so the old
    chains rebuild the runtime they ran with; a change with ``merge`` keeps the others."""
    config = spec().config
    old = {"kind": "set_params", "contract": "governance", "params": {"majority_bp": 6000}}
    new = {**old, "params": {"min_lead_blocks": 4}, "merge": True}
    entries = contract_entries(config, [("a", {"change": old}), ("b", {"change": new})])
    [governance] = [e for e in entries if e["name"] == "governance"]
    assert governance["params"] == {"majority_bp": 6000, "min_lead_blocks": 4}
    entries = contract_entries(config, [("b", {"change": new}), ("a", {"change": old})])
    [governance] = [e for e in entries if e["name"] == "governance"]
    assert governance["params"] == {"majority_bp": 6000}

