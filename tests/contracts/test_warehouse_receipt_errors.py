"""Every domain error the warehouse-receipt contract defines, one case each: the tx is
rejected with that code and the state is byte-for-byte what it was before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from wr_fixtures import CNY, WrLedger, loan_id

from contracts.builtin.warehouse_receipt import DOMAIN_ERRORS
from ledger.timefmt import format_time, parse_time


@dataclass
class World:
    """coop-a holds ``pledged`` (150 t of lot L1, loan at bank A), ``sibling`` (50 t of L1),
    ``free`` (50 t of L2, stored 30 days) and ``insured`` (20 t of L4, insured until day 60).
    coop-a's receipts are co-signed by its collateral manager."""

    wr: WrLedger
    pledged: str
    sibling: str
    free: str
    loan: str
    insured: str


def build() -> World:
    wr = WrLedger()
    for account in ("bank-a", "bank-b", "coop-a", "coop-b", "buyer"):
        wr.fund(account, 1_000_000 * CNY)
    wr.deposit("coop-a", "L1", 200)
    pledged = wr.issue("coop-a", "L1", 150, 390_000 * CNY)
    sibling = wr.issue("coop-a", "L1", 50, 130_000 * CNY)
    free = wr.receipt_with("coop-a", "L2", 50, 130_000 * CNY, storage_days=30)
    loan = wr.loan("coop-a", "bank-a", [pledged], 200_000 * CNY, tenor_days=90)
    until = format_time(parse_time(wr.h.now) + dt.timedelta(days=60))
    cover = {"insurer": "insurer", "amount": 52_000 * CNY, "until": until}
    insured = wr.receipt_with("coop-a", "L4", 20, 52_000 * CNY, insurance=cover)
    return World(wr, pledged, sibling, free, loan, insured)


Call = tuple[str, str, dict[str, Any], tuple[str, ...]]


def apply_sibling_at_b(w: World) -> Call:
    args = dict(borrower="coop-a", bank="bank-b", receipt_ids=[w.sibling])
    return ("coop-a.manager", "apply", args, ())


def unmanaged_own_receipt(w: World) -> Call:
    """coop-a's keeper issues 10 t of coop-a's own goods without the collateral manager."""
    w.wr.deposit("coop-a", "L5", 10)
    rid = w.wr.issue("coop-a", "L5", 10, 26_000 * CNY, managed=False)
    args = dict(borrower="coop-a", bank="bank-b", receipt_ids=[rid])
    return ("coop-a.manager", "apply", args, ())


def count_short(w: World) -> Call:
    """The collateral manager counts 200 t of paddy where the books hold 270 t."""
    counts = [dict(commodity="paddy", unit="t", quantity=200)]
    w.wr.ok("custodian.cm", "attest_stock", warehouse="coop-a", counts=counts)
    return apply_sibling_at_b(w)


def split_after_loss(w: World) -> Call:
    w.wr.ok("coop-a.keeper", "record_loss", receipt_id=w.insured, quantity=10, cause="flood")
    return ("coop-a.manager", "split", dict(receipt_id=w.insured, quantities=[5, 5]),
            ("coop-a.keeper",))


def applied_at_b(w: World) -> str:
    return loan_id(
        w.wr.ok("coop-a.manager", "apply", borrower="coop-a", bank="bank-b", receipt_ids=[w.free])
    )


def defaulted(w: World) -> None:
    w.wr.h.advance(days=90)
    w.wr.ok("bank-a.admin", "mark_default", loan_id=w.loan)


def issue_args(lot: str, quantity: int) -> dict[str, Any]:
    return dict(
        warehouse="coop-a",
        lot_id=lot,
        quantity=quantity,
        shrinkage_bp=0,
        storage_days=30,
        storage_fee=0,
        value=CNY,
    )


def intake_args(commodity: str, pile: str) -> dict[str, Any]:
    return dict(
        warehouse="coop-a",
        depositor="coop-a",
        commodity=commodity,
        grade="2",
        quantity=10,
        unit="t",
        moisture_permille=140,
        pile=pile,
        received_at="2026-01-01T00:00:00Z",
    )


CASES: dict[str, Callable[[World], Call]] = {
    "LOT_NOT_FOUND": lambda w: ("coop-a.keeper", "issue", issue_args("nope", 1), ()),
    "RECEIPT_NOT_FOUND": lambda w: ("buyer.purchaser", "expire", dict(receipt_id="nope"), ()),
    "LOAN_NOT_FOUND": lambda w: ("bank-a.loan", "mark_default", dict(loan_id="nope"), ()),
    "COMMODITY_NOT_ELIGIBLE": lambda w: (
        "coop-a.keeper", "record_intake", intake_args("alumina", "L9 pile"), ()
    ),
    "INTAKE_AFTER_BLOCK": lambda w: (
        "coop-a.keeper",
        "record_intake",
        {**intake_args("paddy", "L9 pile"),
         "received_at": format_time(parse_time(w.wr.h.now) + dt.timedelta(seconds=1))},
        (),
    ),
    "DEPOSITOR_NOT_FOUND": lambda w: (
        "coop-a.keeper",
        "record_intake",
        {**intake_args("paddy", "L9 pile"), "depositor": "coop-z"},
        (),
    ),
    "LOT_OVER_ISSUED": lambda w: (
        "coop-a.keeper", "issue", issue_args(w.wr.lot_id("L2"), 1), ()
    ),
    "RECEIPT_NOT_ACTIVE": lambda w: (
        "coop-a.keeper",
        "confirm_outbound",
        dict(receipt_id=w.free),
        (),
    ),
    "RECEIPT_PLEDGED": lambda w: (
        "coop-a.manager",
        "transfer",
        dict(receipt_id=w.pledged, new_holder="buyer"),
        ("coop-a.keeper",),
    ),
    "RECEIPT_ALREADY_PLEDGED": lambda w: (
        "coop-a.manager",
        "apply",
        dict(borrower="coop-a", bank="bank-b", receipt_ids=[w.pledged]),
        (),
    ),
    "LOT_ALREADY_PLEDGED": lambda w: (
        "coop-a.manager",
        "apply",
        dict(borrower="coop-a", bank="bank-b", receipt_ids=[w.sibling]),
        (),
    ),
    "RECEIPT_EXPIRED": lambda w: (
        w.wr.h.advance(days=30),
        (
            "coop-a.manager",
            "transfer",
            dict(receipt_id=w.free, new_holder="buyer"),
            ("coop-a.keeper",),
        ),
    )[1],
    "RECEIPT_NOT_EXPIRED": lambda w: ("buyer.purchaser", "expire", dict(receipt_id=w.free), ()),
    "RECEIPT_NOT_HELD": lambda w: (
        "coop-b.manager",
        "apply",
        dict(borrower="coop-b", bank="bank-b", receipt_ids=[w.free]),
        (),
    ),
    "DUPLICATE_RECEIPTS": lambda w: (
        "coop-a.manager",
        "apply",
        dict(borrower="coop-a", bank="bank-b", receipt_ids=[w.free, w.free]),
        (),
    ),
    "INVALID_SPLIT": lambda w: (
        "coop-a.manager",
        "split",
        dict(receipt_id=w.free, quantities=[10, 10]),
        ("coop-a.keeper",),
    ),
    "MERGE_MISMATCH": lambda w: (
        "coop-a.manager",
        "merge",
        dict(receipt_ids=[w.free, w.sibling]),
        ("coop-a.keeper",),
    ),
    "SAME_HOLDER": lambda w: (
        "coop-a.manager",
        "transfer",
        dict(receipt_id=w.free, new_holder="coop-a"),
        ("coop-a.keeper",),
    ),
    "INVALID_LOAN_STATE": lambda w: ("bank-a.loan", "disburse", dict(loan_id=w.loan), ()),
    "PRINCIPAL_EXCEEDS_LTV": lambda w: (
        "bank-b.loan",
        "approve",
        dict(loan_id=applied_at_b(w), principal=91_000 * CNY + 1, tenor_days=20, rate_bp=450),
        (),
    ),
    "TENOR_TOO_LONG": lambda w: (
        "bank-b.loan",
        "approve",
        dict(loan_id=applied_at_b(w), principal=CNY, tenor_days=31, rate_bp=450),
        (),
    ),
    "REPAYMENT_EXCEEDS_DEBT": lambda w: (
        "coop-a.manager",
        "repay",
        dict(loan_id=w.loan, amount=200_000 * CNY + 1),
        (),
    ),
    "LOAN_NOT_DEFAULTABLE": lambda w: ("bank-a.admin", "mark_default", dict(loan_id=w.loan), ()),
    "LOAN_NOT_CALLABLE": lambda w: ("bank-a.risk", "call_unverified", dict(loan_id=w.loan), ()),
    "RECEIPT_NOT_IN_LOAN": lambda w: (
        "bank-a.loan",
        "release_receipt",
        dict(loan_id=w.loan, receipt_id=w.free),
        (),
    ),
    "RELEASE_BREACHES_LTV": lambda w: (
        "bank-a.loan",
        "release_receipt",
        dict(loan_id=w.loan, receipt_id=w.pledged),
        (),
    ),
    "ENFORCEMENT_COSTS_TOO_HIGH": lambda w: (
        defaulted(w),
        w.wr.attest(2_600 * CNY),  # 150 t -> 390,000 CNY
        (
            "bank-a.loan",
            "enforce_take",
            dict(loan_id=w.loan, price=390_000 * CNY, costs=19_500 * CNY + 1),
            ("coop-a.manager",),
        ),
    )[2],
    "PRICE_NOT_ATTESTED": lambda w: ("bank-a.risk", "revalue", dict(receipt_id=w.pledged), ()),
    "PRICE_STALE": lambda w: (
        w.wr.attest(2_600 * CNY),
        w.wr.h.advance(days=30, minutes=1),
        ("gov.prices", "revalue", dict(receipt_id=w.pledged), ()),
    )[2],
    "PRICE_OUT_OF_ORDER": lambda w: (
        "gov.prices",
        "attest_price",
        dict(
            commodity="paddy",
            grade="2",
            unit="t",
            price_per_unit=2_600 * CNY,
            as_of=format_time(parse_time(w.wr.h.now) + dt.timedelta(minutes=1)),
        ),
        (),
    ),
    "TAKE_BELOW_FLOOR": lambda w: (
        defaulted(w),
        w.wr.attest(2_600 * CNY),  # floor: 390,000 x 90 % = 351,000 CNY
        (
            "bank-a.loan",
            "enforce_take",
            dict(loan_id=w.loan, price=351_000 * CNY - 1),
            ("coop-a.manager",),
        ),
    )[2],
    "SALE_BELOW_RESERVE": lambda w: (
        defaulted(w),
        w.wr.attest(2_600 * CNY),  # reserve: 390,000 x 90 % = 351,000 CNY
        (
            "bank-a.loan",
            "enforce_sale",
            dict(loan_id=w.loan, buyer="buyer", price=351_000 * CNY - 1),
            ("buyer.purchaser",),
        ),
    )[2],
    "BUYER_IS_LENDER": lambda w: (
        defaulted(w),
        ("bank-a.loan", "enforce_sale", dict(loan_id=w.loan, buyer="bank-a", price=CNY), ()),
    )[1],
    "LOSS_EXCEEDS_QUANTITY": lambda w: (
        "coop-a.keeper",
        "record_loss",
        dict(receipt_id=w.free, quantity=51, cause="flood"),
        (),
    ),
    "NOT_INSURED": lambda w: (
        w.wr.h.advance(days=60, minutes=1),
        (
            "insurer.adjuster",
            "survey_loss",
            dict(receipt_id=w.insured, quantity=1, cause="rot"),
            (),
        ),
    )[1],
    "INSURANCE_EXCEEDS_LOSS": lambda w: (
        "insurer.claims",
        "pay_goods_insurance",
        dict(receipt_id=w.insured, amount=1),
        (),
    ),
    "IMPAIRMENT_UNSETTLED": split_after_loss,
    "PILE_OCCUPIED": lambda w: (
        "coop-a.keeper", "record_intake", intake_args("wheat", "L1 pile"), ()
    ),
    "COLLATERAL_MANAGER_REQUIRED": unmanaged_own_receipt,
    "NOT_COLLATERAL_MANAGER": lambda w: (
        "custodian.cm",
        "attest_stock",
        dict(warehouse="coop-b", counts=[]),
        (),
    ),
    "STOCK_CHECK_OVERDUE": lambda w: (w.wr.h.advance(days=30, minutes=1), apply_sibling_at_b(w))[1],
    "STOCK_SHORTFALL": count_short,
    # not ours, but part of the contract's surface
    "UNAUTHORIZED": lambda w: (
        "bank-b.loan",
        "release_receipt",
        dict(loan_id=w.loan, receipt_id=w.pledged),
        (),
    ),
    "INVALID_ARGUMENTS": lambda w: ("coop-a.manager", "repay", dict(loan_id=w.loan, amount=-1), ()),
}


def test_every_domain_error_code_has_a_case() -> None:
    assert {e.code for e in DOMAIN_ERRORS} <= CASES.keys()
    assert len({e.code for e in DOMAIN_ERRORS}) == len(DOMAIN_ERRORS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rejected_action_reports_its_code_and_changes_nothing(code: str) -> None:
    world = build()
    signer, action, args, co_signers = CASES[code](world)
    before = world.wr.snapshot()
    assert world.wr.fails(signer, action, co_signers=co_signers, **args) == code
    assert world.wr.snapshot() == before
    world.wr.h.check_invariants()
