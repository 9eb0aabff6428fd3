"""Money authority (T1-T4), each rule tried by the party who would break it.

T1 an org's account moves by plain transfer only on a treasury role's signature;
T2 above the org's dual-control threshold a second, different authorised member
co-signs (7.6: bank-a, 1,200,000 CNY); T3 a node key signs no tx at all, refused in
the block even when a peer's gate let it through; T4 a contract's ``move`` debits only
what the tx's signers could debit directly, with the operational roles granted for
that contract (a loan officer disburses through credit_loans), or its own escrow.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_credit_loans_kit import apply, loan_id, make_ledger, rate

from contracts.base import Args, Contract, action
from contracts.context import Context
from contracts.genesis import ContractConfig
from contracts.policy import Role
from contracts.testing import LedgerHarness, OrgSpec, standard_orgs
from contracts.types import Id, PositiveFen
from ledger.block import TxResult

CNY = 100  # fen
ORGS = [OrgSpec(o.id, o.type, (*o.members, ("peer", "peer"))) for o in standard_orgs()]


class PullArgs(Args):
    source: Id
    target: Id
    amount: PositiveFen


class PullContract(Contract):
    """A plug-in that asks settlement to move whatever its caller names: only settlement's
    own rule stands between it and every account on the chain."""

    name = "pull"
    readers = ()
    version = "1"

    @action(PullArgs, policy=Role("*", "*"))
    def pull(self, ctx: Context, args: PullArgs) -> None:
        ctx.transfer(args.source, args.target, args.amount)

    @action(PullArgs, policy=Role("*", "*"))
    def pull_escrow(self, ctx: Context, args: PullArgs) -> None:
        ctx.transfer(ctx.escrow(args.source), args.target, args.amount)


def harness(settlement_params: dict[str, Any] | None = None) -> LedgerHarness:
    settlement = ContractConfig(name="settlement", version="1", params=settlement_params or {})
    ledger = LedgerHarness(
        ORGS, ["membership", settlement, "pull"], classes={"pull": PullContract}
    )
    for account in ("gov", "bank-a", "bank-b", "coop-a", "insurer", "coop-a.farmer-1"):
        committed(ledger.submit("gov.pboc", "settlement", "issue", account=account,
                                amount=5_000_000 * CNY))
    return ledger


def committed(result: TxResult) -> None:
    assert result.committed, f"{result.code}: {result.message}"


def refused(ledger: LedgerHarness, result: TxResult, code: str) -> None:
    """Refused with ``code``, and no balance moved (a rejected tx writes nothing)."""
    assert not result.committed
    assert result.code == code, f"expected {code}, got {result.code}: {result.message}"
    assert result.writes == ()


def balances(ledger: LedgerHarness) -> dict[str, int]:
    accounts = [o.id for o in ORGS] + [f"{o.id}.{m}" for o in ORGS for m, _ in o.members]
    return {a: ledger.balance(a) for a in accounts}


# -- T1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("signer", [
    "coop-a.farmer-1", "coop-a.keeper", "coop-a.manager", "coop-a.admin",
])
def test_no_one_but_a_treasurer_spends_a_cooperatives_treasury(signer: str) -> None:
    ledger = harness()
    before = balances(ledger)
    result = ledger.submit(signer, "settlement", "transfer", source="coop-a",
                           target="coop-a.farmer-1", amount=1_000 * CNY)
    refused(ledger, result, "UNAUTHORIZED")
    assert balances(ledger) == before
    committed(ledger.submit("coop-a.treasurer", "settlement", "transfer", source="coop-a",
                            target="coop-a.farmer-1", amount=1_000 * CNY))
    assert ledger.balance("coop-a") == before["coop-a"] - 1_000 * CNY


@pytest.mark.parametrize(("signer", "source"), [
    ("bank-a.officer", "bank-a"), ("bank-a.risk", "bank-a"), ("bank-a.admin", "bank-a"),
    ("insurer.adjuster", "insurer"), ("insurer.claims", "insurer"), ("gov.mediator", "gov"),
    ("gov.finance", "gov"), ("gov.pboc", "gov"), ("bank-b.treasurer-1", "bank-a"),
    ("coop-a.treasurer", "coop-a.farmer-1"),
])
def test_operational_roles_and_other_orgs_treasurers_cannot_transfer(
    signer: str, source: str
) -> None:
    ledger = harness()
    before = balances(ledger)
    result = ledger.submit(signer, "settlement", "transfer", source=source, target="buyer",
                           amount=10 * CNY)
    refused(ledger, result, "UNAUTHORIZED")
    assert balances(ledger) == before


def test_a_member_alone_spends_its_own_account_at_any_size() -> None:
    ledger = harness()
    committed(ledger.submit("coop-a.farmer-1", "settlement", "transfer",
                            source="coop-a.farmer-1", target="buyer", amount=5_000_000 * CNY))


def test_a_genesis_can_grant_treasury_authority_to_another_role() -> None:
    ledger = harness({"treasury_roles": {"bank": ["treasurer", "teller"],
                                         "cooperative": ["manager"]}})
    committed(ledger.submit("coop-a.manager", "settlement", "transfer", source="coop-a",
                            target="buyer", amount=10 * CNY))
    refused(ledger, ledger.submit("coop-a.treasurer", "settlement", "transfer",
                                  source="coop-a", target="buyer", amount=10 * CNY),
            "UNAUTHORIZED")


# -- T2 ---------------------------------------------------------------------------------------


def test_7_6_dual_control_of_bank_a() -> None:
    """bank-a's threshold is 1,000,000 CNY: 1,200,000 CNY by one treasurer is refused, and
    commits with a second treasurer's co-signature."""
    ledger = harness()
    before = balances(ledger)
    amount = 1_200_000 * CNY
    alone = ledger.submit("bank-a.treasurer-1", "settlement", "transfer", source="bank-a",
                          target="bank-b", amount=amount)
    refused(ledger, alone, "DUAL_CONTROL_REQUIRED")
    assert balances(ledger) == before
    committed(ledger.submit("bank-a.treasurer-1", "settlement", "transfer", source="bank-a",
                            target="bank-b", amount=amount, co_signers=["bank-a.treasurer-2"]))
    assert ledger.balance("bank-a") == before["bank-a"] - amount
    assert ledger.balance("bank-b") == before["bank-b"] + amount


def test_at_the_threshold_one_treasurer_suffices() -> None:
    ledger = harness()
    committed(ledger.submit("bank-a.treasurer-1", "settlement", "transfer", source="bank-a",
                            target="bank-b", amount=1_000_000 * CNY))


@pytest.mark.parametrize(("co_signer", "why"), [
    ("bank-a.treasurer-1", "the same member twice"),
    ("bank-a.officer", "a member without treasury authority"),
    ("bank-b.treasurer-1", "another bank's treasurer"),
    ("coop-a.farmer-1", "a customer"),
])
def test_the_second_signature_must_be_another_treasurer_of_the_same_org(
    co_signer: str, why: str
) -> None:
    ledger = harness()
    before = balances(ledger)
    result = ledger.submit("bank-a.treasurer-1", "settlement", "transfer", source="bank-a",
                           target="coop-a", amount=1_200_000 * CNY, co_signers=[co_signer])
    refused(ledger, result, "DUAL_CONTROL_REQUIRED")
    assert balances(ledger) == before, why


def test_a_genesis_sets_each_orgs_threshold() -> None:
    ledger = harness({"dual_control_fen_by_org": {"coop-a": 100 * CNY}})
    refused(ledger, ledger.submit("coop-a.treasurer", "settlement", "transfer",
                                  source="coop-a", target="buyer", amount=101 * CNY),
            "DUAL_CONTROL_REQUIRED")
    committed(ledger.submit("bank-a.treasurer-1", "settlement", "transfer", source="bank-a",
                            target="buyer", amount=101 * CNY))


# -- T3 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("contract", "action", "args"), [
    ("settlement", "transfer", {"source": "bank-a", "target": "buyer", "amount": 1}),
    ("settlement", "issue", {"account": "bank-a", "amount": 1}),
    ("membership", "revoke", {"member_id": "bank-a.officer"}),
    ("pull", "pull", {"source": "bank-a", "target": "buyer", "amount": 1}),
])
def test_a_node_key_signs_no_transaction_in_the_block(
    contract: str, action: str, args: dict[str, Any]
) -> None:
    """The harness builds blocks directly, as a byzantine peer that skipped its gate would."""
    ledger = harness()
    before = balances(ledger)
    refused(ledger, ledger.submit("bank-a.peer", contract, action, **args), "NODE_KEY_REFUSED")
    assert balances(ledger) == before


def test_a_node_key_as_co_signer_taints_the_tx() -> None:
    ledger = harness()
    result = ledger.submit("bank-a.treasurer-1", "settlement", "transfer", source="bank-a",
                           target="buyer", amount=1_200_000 * CNY, co_signers=["bank-a.peer"])
    refused(ledger, result, "NODE_KEY_REFUSED")


# -- T4 ---------------------------------------------------------------------------------------


def test_a_loan_officer_disburses_through_credit_loans_but_cannot_transfer() -> None:
    ledger = make_ledger()
    committed(rate(ledger, "plat.m1", "AAA"))
    before = ledger.balance("bank-a")
    refused(ledger, ledger.submit("bank-a.officer", "settlement", "transfer", source="bank-a",
                                  target="bank-a.officer", amount=1_000), "UNAUTHORIZED")
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", 50_000 * CNY))
    committed(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan,
                            rate_bp=600))
    assert ledger.balance("bank-a") == before - 50_000 * CNY


@pytest.mark.parametrize("signer", [
    "bank-a.officer",  # loan officers act for the bank through the lending contracts only
    "bank-a.admin", "coop-a.farmer-2", "bank-b.treasurer-1", "insurer.claims",
])
def test_a_contract_moves_only_what_its_signers_could(signer: str) -> None:
    ledger = harness()
    before = balances(ledger)
    result = ledger.submit(signer, "pull", "pull", source="bank-a", target=signer, amount=1)
    refused(ledger, result, "UNAUTHORIZED")
    refused(ledger, ledger.submit(signer, "pull", "pull", source="coop-a.farmer-1",
                                  target=signer, amount=1), "UNAUTHORIZED")
    assert balances(ledger) == before


def test_through_a_contract_the_signers_authority_and_dual_control_still_hold() -> None:
    ledger = harness()
    committed(ledger.submit("bank-a.treasurer-1", "pull", "pull", source="bank-a",
                            target="buyer", amount=10 * CNY))
    refused(ledger, ledger.submit("bank-a.treasurer-1", "pull", "pull", source="bank-a",
                                  target="buyer", amount=1_200_000 * CNY),
            "DUAL_CONTROL_REQUIRED")
    committed(ledger.submit("bank-a.treasurer-1", "pull", "pull", source="bank-a",
                            target="buyer", amount=1_200_000 * CNY,
                            co_signers=["bank-a.treasurer-2"]))


def test_an_operational_grant_names_the_contract() -> None:
    """Granting loan officers the ``pull`` contract lets them through it, and only it; a
    1.2M CNY debit then needs a second authorised member (officer + treasurer)."""
    grant = {"bank": {"pull": ["loan_officer"]}}
    ledger = harness({"contract_debit_roles": grant})
    committed(ledger.submit("bank-a.officer", "pull", "pull", source="bank-a", target="buyer",
                            amount=10 * CNY))
    refused(ledger, ledger.submit("bank-a.officer", "settlement", "transfer", source="bank-a",
                                  target="buyer", amount=10 * CNY), "UNAUTHORIZED")
    refused(ledger, ledger.submit("bank-a.officer", "pull", "pull", source="bank-a",
                                  target="buyer", amount=1_200_000 * CNY),
            "DUAL_CONTROL_REQUIRED")
    committed(ledger.submit("bank-a.officer", "pull", "pull", source="bank-a", target="buyer",
                            amount=1_200_000 * CNY, co_signers=["bank-a.treasurer-1"]))


def test_a_contract_debits_its_own_escrow_and_no_other() -> None:
    ledger = harness()
    committed(ledger.submit("gov.pboc", "settlement", "issue", account="escrow:pull:pool",
                            amount=100))
    committed(ledger.submit("gov.pboc", "settlement", "issue", account="escrow:claims:pool",
                            amount=100))
    committed(ledger.submit("coop-a.farmer-1", "pull", "pull_escrow", source="pool",
                            target="coop-a.farmer-1", amount=100))
    refused(ledger, ledger.submit("bank-a.treasurer-1", "pull", "pull",
                                  source="escrow:claims:pool", target="bank-a", amount=100),
            "UNAUTHORIZED")
    refused(ledger, ledger.submit("gov.treasurer", "settlement", "transfer",
                                  source="escrow:claims:pool", target="gov", amount=100),
            "UNAUTHORIZED")
