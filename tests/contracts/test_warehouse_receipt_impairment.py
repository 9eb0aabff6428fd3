"""V4 (docs/domain.md 7.2) from the side of whoever would break it: goods lost in store make
the receipt LOST or written down, never live again; the pledged loan is called or
defaults at once; stored-goods insurance pays the pledgee first; shrinkage within the
receipt's loss standard is the holder's. The 1.6 numbers: 200 t paddy at 2,600 CNY/t,
364,000 CNY at 70 %."""

from __future__ import annotations

import pytest
from wr_fixtures import CNY, WR, WrLedger

VALUE = 520_000 * CNY
PRINCIPAL = 364_000 * CNY
COVER = {"insurer": "insurer", "amount": VALUE, "until": "2027-03-01T00:00:00Z"}


@pytest.fixture
def wr() -> WrLedger:
    ledger = WrLedger()
    for account in ("bank-a", "bank-b", "insurer"):
        ledger.fund(account, 2_000_000 * CNY)
    ledger.fund("coop-a", 100_000 * CNY)
    return ledger


def pledged(wr: WrLedger, *, insured: bool = True) -> tuple[str, str]:
    """The 200 t receipt (shrinkage 50 bp: 1 t), insured for its value, pledged to bank A."""
    cover = COVER if insured else None
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE, insurance=cover)
    return rid, wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)


def lose(wr: WrLedger, rid: str, tonnes: int, signer: str = "coop-a.keeper") -> None:
    action = "record_loss" if signer.endswith("keeper") else "survey_loss"
    wr.ok(signer, action, receipt_id=rid, quantity=tonnes, cause="flood")


def test_a_lost_pledged_receipt_cannot_be_pledged_again_at_another_bank(wr: WrLedger) -> None:
    rid, lid = pledged(wr)
    lose(wr, rid, 200)
    receipt = wr.receipt(rid)
    assert (receipt["state"], receipt["quantity"], receipt["value"]) == ("LOST", 0, 0)
    assert wr.loan_view(lid)["state"] == "DEFAULT"  # nothing left backs it
    apply = dict(borrower="coop-a", bank="bank-b", receipt_ids=[rid])
    assert wr.fails("coop-a.manager", "apply", **apply) == "RECEIPT_NOT_ACTIVE"
    wr.h.check_invariants()


def test_the_lender_cannot_take_goods_that_are_all_lost(wr: WrLedger) -> None:
    """Nothing is left in store to take at an agreed price, even for a fen with the
    pledgor's signature: the lost receipt's insurance (or a recovery) settles the loan."""
    rid, lid = pledged(wr, insured=False)
    lose(wr, rid, 200)
    assert wr.loan_view(lid)["state"] == "DEFAULT"
    wr.attest(2_600 * CNY)
    code = wr.fails("bank-a.loan", "enforce_take", co_signers=("coop-a.manager",),
                    loan_id=lid, price=1)
    assert code == "RECEIPT_NOT_ACTIVE"
    wr.h.check_invariants()


def test_after_the_payout_closes_the_loan_the_lost_receipt_stays_lost(wr: WrLedger) -> None:
    """The issue's case: the insurer surveys the flood, pays; the loan closes; the 200 t
    receipt is not ACTIVE at 520,000 CNY and no bank can take it."""
    rid, lid = pledged(wr)
    lose(wr, rid, 200, signer="insurer.adjuster")
    insured_loss = VALUE - 2_600 * CNY  # the first tonne is shrinkage, the holder's
    assert wr.receipt(rid)["insured_loss"] == insured_loss
    debt = wr.h.view(WR, "outstanding_debt", loan_id=lid)["outstanding"]
    bank, coop = wr.balance("bank-a"), wr.balance("coop-a")
    wr.ok("insurer.claims", "pay_goods_insurance", receipt_id=rid, amount=insured_loss)
    assert wr.balance("bank-a") - bank == debt
    assert wr.balance("coop-a") - coop == insured_loss - debt
    assert wr.loan_view(lid)["state"] == "CLOSED"
    receipt = wr.receipt(rid)
    assert (receipt["state"], receipt["value"], receipt["loan_id"]) == ("LOST", 0, None)
    assert wr.lien(f"receipt:{rid}") is None
    for bank_id in ("bank-a", "bank-b"):
        apply = dict(borrower="coop-a", bank=bank_id, receipt_ids=[rid])
        assert wr.fails("coop-a.manager", "apply", **apply) == "RECEIPT_NOT_ACTIVE"
    transfer = dict(receipt_id=rid, new_holder="buyer")
    code = wr.fails("coop-a.manager", "transfer", co_signers=("coop-a.keeper",), **transfer)
    assert code == "RECEIPT_NOT_ACTIVE"
    assert wr.fails("coop-a.manager", "request_delivery", receipt_id=rid) == "RECEIPT_NOT_ACTIVE"
    wr.h.check_invariants()


def test_a_payout_below_the_debt_all_goes_to_the_lender_not_the_holder(wr: WrLedger) -> None:
    rid, lid = pledged(wr)
    lose(wr, rid, 40)  # 1 t shrinkage, 39 t insured: 101,400 CNY
    bank, coop = wr.balance("bank-a"), wr.balance("coop-a")
    wr.ok("insurer.claims", "pay_goods_insurance", receipt_id=rid, amount=101_400 * CNY)
    assert wr.balance("bank-a") - bank == 101_400 * CNY
    assert wr.balance("coop-a") == coop
    assert wr.loan_view(lid)["state"] == "DISBURSED"  # the 40 t loss's call, cured by it
    assert wr.receipt(rid)["state"] == "PLEDGED"
    wr.h.check_invariants()


def test_insurance_never_pays_beyond_the_insured_loss_nor_twice(wr: WrLedger) -> None:
    rid, _ = pledged(wr)
    lose(wr, rid, 1)  # within the 50 bp shrinkage standard: no insured loss
    pay = dict(receipt_id=rid, amount=1)
    assert wr.fails("insurer.claims", "pay_goods_insurance", **pay) == "INSURANCE_EXCEEDS_LOSS"
    lose(wr, rid, 10)
    pay = dict(receipt_id=rid, amount=26_000 * CNY)
    wr.ok("insurer.claims", "pay_goods_insurance", **pay)
    assert wr.fails("insurer.claims", "pay_goods_insurance", **pay) == "INSURANCE_EXCEEDS_LOSS"
    wr.h.check_invariants()


@pytest.mark.parametrize(
    ("tonnes", "state"),
    [(19, "DISBURSED"), (21, "MARGIN_CALL"), (40, "MARGIN_CALL"), (45, "DEFAULT")],
)
def test_a_write_down_calls_the_loan_or_defaults_it_at_once(
    wr: WrLedger, tonnes: int, state: str
) -> None:
    """364,000 against what is left at 2,600 CNY/t: 181 t (77.3 %) stays below the warning
    line, 179 t (78.2 %) and 160 t (87.5 %) are past it, 155 t (90.3 %) past the 90 %
    liquidation line."""
    rid, lid = pledged(wr, insured=False)
    lose(wr, rid, tonnes)
    receipt = wr.receipt(rid)
    assert (receipt["quantity"], receipt["value"]) == (200 - tonnes, (200 - tonnes) * 2_600 * CNY)
    assert wr.loan_view(lid)["state"] == state
    wr.h.check_invariants()


def test_nobody_but_the_keeper_or_the_receipts_insurer_records_a_loss(wr: WrLedger) -> None:
    rid, _ = pledged(wr)
    args = {"receipt_id": rid, "quantity": 10, "cause": "flood"}
    wr.h.attack("coop-a.keeper", WR, "record_loss", args, counterparty=("bank-a.loan",))
    wr.h.attack("insurer.adjuster", WR, "survey_loss", args, counterparty=("coop-a.keeper",))
    for outsider in ("coop-b.keeper", "coop-a.manager", "bank-a.risk"):
        assert wr.fails(outsider, "record_loss", **args) == "UNAUTHORIZED"
    uninsured = wr.receipt_with("coop-a", "paddy-2", 10, 26_000 * CNY)
    assert wr.fails("insurer.adjuster", "survey_loss", **{**args, "receipt_id": uninsured}) == (
        "UNAUTHORIZED"
    )
    wr.h.check_invariants()


def test_only_the_insurer_pays_and_the_holder_cannot_take_the_payout(wr: WrLedger) -> None:
    rid, _ = pledged(wr)
    lose(wr, rid, 11)
    args = {"receipt_id": rid, "amount": 26_000 * CNY}
    wr.h.attack("insurer.claims", WR, "pay_goods_insurance", args,
                counterparty=("coop-a.manager", "bank-a.loan"))
    wr.ok("insurer.claims", "pay_goods_insurance", **args)


def test_an_unpaid_insured_loss_stays_with_its_receipt(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE, insurance=COVER)
    lose(wr, rid, 11)
    split = dict(receipt_id=rid, quantities=[100, 89])
    code = wr.fails("coop-a.manager", "split", co_signers=("coop-a.keeper",), **split)
    assert code == "IMPAIRMENT_UNSETTLED"
    wr.ok("insurer.claims", "pay_goods_insurance", receipt_id=rid, amount=26_000 * CNY)
    wr.ok("coop-a.manager", "split", co_signers=("coop-a.keeper",), **split)
    wr.h.check_invariants()


def test_goods_lost_leave_the_pile_so_a1_counts_only_what_is_there(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    lose(wr, rid, 50)
    lot = wr.h.view(WR, "lot", warehouse="coop-a", lot_id=wr.lot_id("paddy-1"))
    assert (lot["quantity"], lot["out"], lot["issued"]) == (200, 50, 200)
    wr.h.check_invariants()
