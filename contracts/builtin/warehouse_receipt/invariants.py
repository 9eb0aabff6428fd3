"""Checks behind the declared invariants A1..A10, L1, V4 and V5 (docs/domain.md 1.5, 7.2).

Each function takes a snapshot of the contract's records and yields one message
per violation. Registry-facing checks (A9) are handed the liens they need.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from contracts.builtin.warehouse_receipt import ltv
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.records import (
    LIVE_LOAN_STATES,
    TERMINAL_RECEIPT_STATES,
    Closure,
    Loan,
    LoanState,
    Lot,
    Receipt,
    ReceiptState,
    lot_asset,
)
from contracts.lending import balance_problems

TERMINAL_EVENTS = {"split", "merged", "withdrawn", "expired"}
WAREHOUSE_EVENTS = {"issued", "withdrawn"}


@dataclass(frozen=True)
class Snapshot:
    lots: Mapping[str, Lot]
    receipts: Mapping[str, Receipt]
    loans: Mapping[str, Loan]

    @classmethod
    def of(
        cls, lots: Iterable[Lot], receipts: Iterable[Receipt], loans: Iterable[Loan]
    ) -> Snapshot:
        return cls(
            {lot_asset(x.warehouse, x.lot_id): x for x in lots},
            {r.receipt_id: r for r in receipts},
            {x.loan_id: x for x in loans},
        )

    def live_loans(self) -> Iterator[Loan]:
        return (x for x in self.loans.values() if x.state in LIVE_LOAN_STATES)


def _org_of(member_id: str) -> str:
    return member_id.split(".", 1)[0]


def a1_no_over_issue(snap: Snapshot) -> Iterator[str]:
    """Per lot, and per pile across every lot of a warehouse (V5: the Qingdao pattern)."""
    live: dict[str, int] = defaultdict(int)
    roots: dict[str, int] = defaultdict(int)
    on_pile: dict[tuple[str, str], int] = defaultdict(int)
    for r in snap.receipts.values():
        if r.state not in TERMINAL_RECEIPT_STATES:
            live[r.lot_asset] += r.quantity
            on_pile[(r.warehouse, r.location)] += r.quantity
        if not r.parents:
            roots[r.lot_asset] += r.quantity + r.lost
        lot = snap.lots.get(r.lot_asset)
        if lot is not None and r.location != lot.location:
            yield f"receipt {r.receipt_id} names {r.location!r}, its lot lies on {lot.location!r}"
    stored: dict[tuple[str, str], int] = defaultdict(int)
    for asset, lot in snap.lots.items():
        stored[(lot.warehouse, lot.location)] += lot.in_store
        if live[asset] > lot.in_store:
            yield f"{asset}: {live[asset]} {lot.unit} in live receipts, {lot.in_store} in store"
        if lot.issued > lot.quantity or roots[asset] != lot.issued:
            yield f"{asset}: issued {lot.issued}, receipted {roots[asset]}, stored {lot.quantity}"
    for (warehouse, pile), quantity in on_pile.items():
        stock = stored[(warehouse, pile)]
        if quantity > stock:
            yield f"pile {pile!r} at {warehouse}: {quantity} in live receipts, {stock} in store"
    for asset in live.keys() - snap.lots.keys():
        yield f"{asset}: receipts for a lot no intake recorded"


def a2_single_lien(snap: Snapshot) -> Iterator[str]:
    backing: dict[str, str] = {}
    owner: dict[str, str] = {}
    for loan in snap.live_loans():
        for rid in loan.receipts:
            if rid in owner:
                yield f"receipt {rid} secures both {owner[rid]} and {loan.loan_id}"
            owner[rid] = loan.loan_id
            receipt = snap.receipts.get(rid)
            if receipt is None:
                yield f"loan {loan.loan_id} names a missing receipt {rid}"
                continue
            other = backing.setdefault(receipt.lot_asset, loan.loan_id)
            if other != loan.loan_id:
                yield f"{receipt.lot_asset} backs both {other} and {loan.loan_id}"
    for r in snap.receipts.values():
        lien_state = r.state is ReceiptState.PLEDGED or r.state is ReceiptState.LOST
        if (r.state is ReceiptState.PLEDGED and r.loan_id is None) or (
            r.loan_id is not None and not lien_state
        ):
            yield f"receipt {r.receipt_id} is {r.state} with lien {r.loan_id}"
        if r.loan_id is not None and owner.get(r.receipt_id) != r.loan_id:
            yield f"receipt {r.receipt_id} marks loan {r.loan_id}, which does not hold it"


def a3_pledged_stay_put(snap: Snapshot) -> Iterator[str]:
    for r in snap.receipts.values():
        if r.loan_id is None:
            continue
        loan = snap.loans.get(r.loan_id)
        if loan is None or r.holder != loan.borrower or r.pledgee != loan.bank:
            yield f"pledged receipt {r.receipt_id} is held by {r.holder}, pledged to {r.pledgee}"


def a4_split_merge_conserve(snap: Snapshot) -> Iterator[str]:
    """Quantity and grade are conserved; value is split exactly at the time but may be
    revalued afterwards, so it is not compared here."""
    for r in snap.receipts.values():
        if r.state is ReceiptState.SPLIT:
            kids = [snap.receipts[c] for c in r.children if c in snap.receipts]
            if len(kids) != len(r.children) or len(kids) < 2:
                yield f"split receipt {r.receipt_id} lacks its children"
            elif sum(k.quantity + k.lost for k in kids) != r.quantity:
                yield f"split of {r.receipt_id} does not conserve quantity"
            elif any(
                k.grade != r.grade or k.lot_id != r.lot_id or k.parents != (r.receipt_id,)
                for k in kids
            ):
                yield f"split of {r.receipt_id} changed grade/lot or lineage"
        if len(r.parents) > 1:
            parents = [snap.receipts[p] for p in r.parents if p in snap.receipts]
            if sum(p.quantity for p in parents) != r.quantity + r.lost:
                yield f"merge into {r.receipt_id} does not conserve quantity"
            if any(p.state is not ReceiptState.MERGED or p.grade != r.grade for p in parents):
                yield f"merge into {r.receipt_id} left a parent live or changed grade"


def a5_right_signers(snap: Snapshot) -> Iterator[str]:
    for r in snap.receipts.values():
        previous = None
        for e in r.history:
            orgs = {_org_of(m) for m in e.by}
            if e.event in WAREHOUSE_EVENTS and r.warehouse not in orgs:
                yield f"receipt {r.receipt_id}: {e.event} not signed by warehouse {r.warehouse}"
            if e.event == "transferred" and (previous is None or previous.holder not in orgs):
                yield f"receipt {r.receipt_id}: transfer not signed by the holder"
            if e.event == "released" and e.pledgee not in orgs:
                yield f"receipt {r.receipt_id}: release not signed by the pledgee"
            previous = e


def a6_terminal_is_final(snap: Snapshot) -> Iterator[str]:
    for r in snap.receipts.values():
        events = [e.event for e in r.history]
        first_terminal = next((i for i, e in enumerate(events) if e in TERMINAL_EVENTS), None)
        if r.state is ReceiptState.LOST:
            if first_terminal is not None or r.quantity or r.value:
                yield f"lost receipt {r.receipt_id} holds {r.quantity} / {r.value}: {events}"
        elif r.state in TERMINAL_RECEIPT_STATES:
            if first_terminal != len(events) - 1 or r.loan_id is not None:
                yield f"receipt {r.receipt_id} is {r.state} but its history is {events}"
        elif first_terminal is not None:
            yield f"receipt {r.receipt_id} was re-activated after {events[first_terminal]}"


def a7_ltv(snap: Snapshot, params: WarehouseReceiptParams) -> Iterator[str]:
    for loan in snap.loans.values():
        if loan.disbursed_at is None:
            continue
        if not ltv.within_cap(loan.principal, loan.disbursed_value, params):
            yield f"loan {loan.loan_id} disbursed {loan.principal} against {loan.disbursed_value}"
        if loan.state is LoanState.DISBURSED:
            value = sum(snap.receipts[r].value for r in loan.receipts if r in snap.receipts)
            if ltv.past_warning(loan.principal_outstanding, value, params):
                yield f"loan {loan.loan_id} is past the warning line without a margin call"


def a8_closed_has_no_liens(snap: Snapshot) -> Iterator[str]:
    for loan in snap.loans.values():
        if loan.state is LoanState.CLOSED:
            if loan.receipts or loan.debt != loan.written_off:
                yield (f"closed loan {loan.loan_id} still holds {loan.receipts} / debt "
                       f"{loan.debt} not written off ({loan.written_off})")
            for r in snap.receipts.values():
                if r.loan_id == loan.loan_id:
                    yield f"closed loan {loan.loan_id} still marks receipt {r.receipt_id}"


def a9_registry_mirrors_liens(snap: Snapshot, liens: Mapping[str, Any]) -> Iterator[str]:
    """``liens``: every registry lien this contract filed, by asset."""
    expected: dict[str, str] = {}
    for loan in snap.live_loans():
        for rid in loan.receipts:
            receipt = snap.receipts.get(rid)
            if receipt is not None:
                expected[receipt.asset] = loan.loan_id
                expected[receipt.lot_asset] = loan.loan_id
    for asset, loan_id in expected.items():
        lien = liens.get(asset)
        if lien is None or lien["secures"] != loan_id:
            yield f"{asset} secures {loan_id} but the registry shows {lien}"
    for asset in liens.keys() - expected.keys():
        yield f"registry lien on {asset} outlives its loan ({liens[asset]['secures']})"


def a10_waterfall(snap: Snapshot) -> Iterator[str]:
    for loan in snap.loans.values():
        liq = loan.liquidation
        if loan.closure in (Closure.TAKEN_BY_BANK, Closure.AUCTIONED, Closure.COURT_SOLD) \
                and liq is None:
            yield f"enforced loan {loan.loan_id} has no liquidation record"
        if liq is None:
            continue
        paid = liq.costs + liq.penalty + liq.interest + liq.principal
        if paid + liq.surplus != liq.proceeds:
            yield f"loan {loan.loan_id}: waterfall does not add up to proceeds"
        paid_debt = liq.penalty + liq.interest + liq.principal
        if paid_debt > liq.debt:
            yield f"loan {loan.loan_id}: bank received more than the debt"
        if liq.surplus and (paid_debt != liq.debt or loan.written_off or loan.recovered):
            yield f"loan {loan.loan_id}: surplus paid to borrower before the debt was cleared"


def v3_enforcement_terms(snap: Snapshot, params: WarehouseReceiptParams) -> Iterator[str]:
    for loan in snap.loans.values():
        liq = loan.liquidation
        if liq is None:
            continue
        if loan.closure is Closure.TAKEN_BY_BANK and (
            liq.market_value <= 0
            or liq.proceeds * 10_000 < liq.market_value * (10_000 - params.take_haircut_bp)
        ):
            yield (
                f"loan {loan.loan_id}: taken at {liq.proceeds}, below attested value "
                f"{liq.market_value} less {params.take_haircut_bp} bp"
            )
        if loan.closure in (Closure.AUCTIONED, Closure.COURT_SOLD) \
                and liq.new_holder in ("", loan.bank):
            yield f"loan {loan.loan_id}: sold to {liq.new_holder or 'nobody'}, not a third party"


def l1_settlement_conserved(snap: Snapshot) -> Iterator[str]:
    """The lending core's balance rules, and nothing paid before disbursement; a
    written-off shortfall stays owed (L4)."""
    for loan in snap.loans.values():
        for problem in balance_problems(loan):
            yield f"loan {loan.loan_id}: {problem}"
        paid = loan.principal_paid + loan.interest_paid + loan.penalty_paid + loan.costs_paid
        if loan.disbursed_at is None and (paid or loan.subsidy_paid or loan.interest_accrued):
            yield f"loan {loan.loan_id} has repayments before disbursement"


def v4_impaired_never_live(snap: Snapshot) -> Iterator[str]:
    """LOST receipts secure no new loan; insurance never pays beyond the insured loss."""
    for r in snap.receipts.values():
        if r.state is ReceiptState.LOST and r.loan_id is not None:
            loan = snap.loans.get(r.loan_id)
            if loan is None or r.receipt_id not in loan.receipts or loan.disbursed_at is None:
                yield f"lost receipt {r.receipt_id} marks loan {r.loan_id} it did not secure"
        cover = 0 if r.insurance is None else r.insurance.amount
        if r.insurance_paid > min(r.insured_loss, cover):
            yield f"receipt {r.receipt_id}: insurance paid {r.insurance_paid} beyond its loss"
    for loan in snap.live_loans():
        for rid in loan.receipts:
            got = snap.receipts.get(rid)
            if got is not None and got.state is ReceiptState.LOST and not any(
                e.event in ("loss_recorded", "loss_surveyed") for e in got.history
            ):
                yield f"receipt {rid} of {loan.loan_id} is LOST without a recorded loss"


def v5_custody(snap: Snapshot) -> Iterator[str]:
    """One lot with goods per pile, and no borrower's own receipt without a custodian."""
    piles: dict[tuple[str, str], str] = {}
    for lot in snap.lots.values():
        if lot.out > lot.quantity:
            yield f"lot {lot.lot_id}: {lot.out} {lot.unit} left, {lot.quantity} came in"
        if lot.location and lot.in_store > 0:
            other = piles.setdefault((lot.warehouse, lot.location), lot.lot_id)
            if other != lot.lot_id:
                yield f"pile {lot.location!r} at {lot.warehouse} holds {other} and {lot.lot_id}"
    for loan in snap.live_loans():
        for rid in loan.receipts:
            got = snap.receipts.get(rid)
            if got is not None and got.warehouse == loan.borrower and got.custodian is None:
                yield f"{loan.loan_id}: {rid} from the borrower's own store has no custodian"
