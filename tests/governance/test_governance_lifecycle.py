"""The governance contract's proposal lifecycle, from the side of whoever would break it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gov_kit import MAJORITY, Chain, spec, with_v2

from ledger.identity import certificate_to_pem
from nodes.exceptions import GateRejected

UPGRADE = {"kind": "upgrade_contract", "contract": "settlement", "version": "2"}


@pytest.fixture
def chain() -> Iterator[Chain]:
    c = Chain(spec(), classes=with_v2())
    yield c
    c.close()


def status(chain: Chain, proposal_id: str) -> str:
    return str(chain.view("governance", "proposal", proposal_id=proposal_id)["status"])


def test_too_few_approvals_never_take_effect(chain: Chain) -> None:
    assert chain.propose("bank-a.admin", "p1", 8, UPGRADE).committed
    for org in ("gov", "bank-a", "insurer"):  # three of six: not more than half
        assert chain.approve(org, "p1").committed
    assert status(chain, "p1") == "open"
    chain.until(10)
    assert status(chain, "p1") == "expired"
    assert {p.runtime.contracts["settlement"].version for p in chain.net.peers.values()} == {"1"}
    late = chain.approve("coop-a", "p1")
    assert late.code == "PROPOSAL_EXPIRED"


def test_majority_without_the_government_does_not_pass(chain: Chain) -> None:
    chain.propose("bank-a.admin", "p1", 12, UPGRADE)
    for org in ("bank-a", "insurer", "coop-a", "buyer", "custodian"):
        assert chain.approve(org, "p1").committed
    assert status(chain, "p1") == "open"
    assert chain.approve("gov", "p1").committed
    assert status(chain, "p1") == "approved"


def test_an_approved_upgrade_takes_effect_exactly_at_its_height_on_every_peer(
    chain: Chain,
) -> None:
    chain.propose("bank-a.admin", "p1", 9, UPGRADE)
    for org in MAJORITY:
        chain.approve(org, "p1")
    assert status(chain, "p1") == "approved"
    chain.until(8)
    peers = chain.net.peers.values()
    assert {p.runtime.contracts["settlement"].version for p in peers} == {"1"}
    chain.tick_empty()
    assert {p.runtime.contracts["settlement"].version for p in peers} == {"2"}
    assert chain.view("settlement", "code_version") == "2"
    assert status(chain, "p1") == "effective"
    assert len(chain.heads()) == 1  # every peer at the same head


def test_changed_governance_params_apply_from_their_height(chain: Chain) -> None:
    """The policy itself is a param: from height 8 on, 4 of 6 approvals are too few."""
    chain.propose("gov.admin", "strict", 8, {
        "kind": "set_params", "contract": "governance", "params": {"majority_bp": 7000},
    })
    for org in MAJORITY:
        chain.approve(org, "strict")
    chain.until(8)
    assert chain.entry.runtime.contracts["governance"].params.majority_bp == 7000
    chain.propose("bank-a.admin", "p2", 30, UPGRADE)
    for org in MAJORITY:
        chain.approve(org, "p2")
    assert status(chain, "p2") == "open"
    chain.approve("buyer", "p2")
    assert status(chain, "p2") == "approved"


def test_an_older_params_change_in_force_later_keeps_a_newer_one(chain: Chain) -> None:
    """Proposed first and in force last, a change to one param does not put back another
    that a change proposed after it (in force before it) set: a change carries only the
    params it names, merged over those in force when it takes effect."""
    def change(params: dict[str, int]) -> dict[str, object]:
        return {"kind": "set_params", "contract": "governance", "params": params}

    assert chain.propose("gov.admin", "lead", 26, change({"min_lead_blocks": 3})).committed
    assert chain.propose("bank-a.admin", "strict", 16, change({"majority_bp": 7000})).committed
    for org in MAJORITY:
        chain.approve(org, "lead")
        chain.approve(org, "strict")
    assert (status(chain, "lead"), status(chain, "strict")) == ("approved", "approved")
    stored = chain.view("governance", "proposal", proposal_id="lead")["change"]
    assert stored["params"] == {"min_lead_blocks": 3}  # what the proposal changes, only
    chain.until(26)
    for peer in chain.net.peers.values():
        params = peer.runtime.contracts["governance"].params
        assert (params.majority_bp, params.min_lead_blocks) == (7000, 3)
    assert len(chain.heads()) == 1


def test_params_that_fail_the_contracts_model_are_refused_at_proposal(chain: Chain) -> None:
    result = chain.propose("gov.admin", "bad", 8, {
        "kind": "set_params", "contract": "governance", "params": {"majority_bp": 10_000},
    })
    assert result.code == "INVALID_CHANGE"
    assert "majority_bp" in (result.message or "")
    unknown = chain.propose("gov.admin", "bad2", 8, {
        "kind": "set_params", "contract": "credit", "params": {},
    })
    assert unknown.code == "INVALID_CHANGE"


def test_a_member_who_is_not_an_admin_cannot_vote_or_propose(chain: Chain) -> None:
    chain.propose("bank-a.admin", "p1", 20, UPGRADE)
    vote = chain.sign("bank-a.officer", "governance", "approve", {"proposal_id": "p1"})
    with pytest.raises(GateRejected) as refused:
        chain.entry.submit(vote)
    assert refused.value.code == "UNAUTHORIZED"
    assert chain.past_gate(vote).code == "UNAUTHORIZED"  # the block refuses it too
    proposal = chain.sign("gov.pboc", "governance", "propose", {
        "proposal_id": "p2", "effective_height": 20, "change": UPGRADE,
    })
    assert chain.past_gate(proposal).code == "UNAUTHORIZED"
    assert chain.view("governance", "proposal", proposal_id="p1")["approvals"] == {}


def test_an_org_votes_once(chain: Chain) -> None:
    chain.propose("bank-a.admin", "p1", 20, UPGRADE)
    assert chain.approve("bank-a", "p1").committed
    again = chain.approve("bank-a", "p1")
    assert again.code == "ALREADY_VOTED"
    flip = chain.tx("bank-a.admin", "governance", "reject", {"proposal_id": "p1"})
    assert flip.code == "ALREADY_VOTED"


def test_a_bank_cannot_rotate_another_orgs_ca(chain: Chain) -> None:
    insurer_ca = chain.spec.roster.orgs["insurer"].ca_certificate
    result = chain.propose("bank-a.admin", "rot", 20, {
        "kind": "rotate_ca", "org_id": "insurer", "ca_certificate": certificate_to_pem(insurer_ca),
    })
    assert result.code == "NOT_YOUR_ORG"


def test_the_government_rejecting_rejects_and_a_closed_proposal_takes_no_votes(
    chain: Chain,
) -> None:
    chain.propose("bank-a.admin", "p1", 20, UPGRADE)
    chain.approve("bank-a", "p1")
    assert chain.tx("gov.admin", "governance", "reject", {"proposal_id": "p1"}).committed
    assert status(chain, "p1") == "rejected"
    assert chain.approve("insurer", "p1").code == "PROPOSAL_CLOSED"


def test_enough_rejections_reject(chain: Chain) -> None:
    chain.propose("bank-a.admin", "p1", 20, UPGRADE)
    for org in ("insurer", "coop-a", "buyer"):  # three of six said no: 3 left, not > half
        chain.tx(f"{org}.admin", "governance", "reject", {"proposal_id": "p1"})
    assert status(chain, "p1") == "rejected"


def test_only_the_proposers_org_withdraws(chain: Chain) -> None:
    chain.propose("bank-a.admin", "p1", 20, UPGRADE)
    assert chain.tx("insurer.admin", "governance", "withdraw",
                    {"proposal_id": "p1"}).code == "NOT_PROPOSER"
    assert chain.tx("bank-a.admin", "governance", "withdraw", {"proposal_id": "p1"}).committed
    assert status(chain, "p1") == "withdrawn"
    assert chain.approve("gov", "p1").code == "PROPOSAL_CLOSED"


def test_effective_height_must_lie_ahead(chain: Chain) -> None:
    chain.until(5)  # the next proposal is in block 6, so 7 is the earliest height
    assert chain.propose("gov.admin", "p1", 6, UPGRADE).code == "EFFECTIVE_HEIGHT_TOO_SOON"
    assert chain.propose("gov.admin", "p1", 8, UPGRADE).committed  # in block 7
    assert chain.propose("gov.admin", "p1", 12, UPGRADE).code == "PROPOSAL_EXISTS"
