"""Invariants B1..B7 (docs/domain.md 2.3) and L5 (7.3), checked after every stateful test step."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.base import invariant
from contracts.builtin.order_finance.records import (
    OPEN_LOAN,
    LoanStatus,
    OrderStatus,
    ReceivableStatus,
    asset_id,
    controlled_account,
)
from contracts.builtin.order_finance.store import all_loans, all_orders, get_order, receivables_of
from contracts.context import ReadContext
from contracts.lending import balance_problems

_WATERFALL_RAN = frozenset({OrderStatus.SETTLED, OrderStatus.DEFAULTED})
_PAYABLE = frozenset({
    OrderStatus.RECEIVABLE, OrderStatus.BUYER_DEFAULT, OrderStatus.PAID, OrderStatus.SETTLED,
    OrderStatus.DEFAULTED,
})


class OrderFinanceInvariants:
    """Invariants mixed into OrderFinanceContract."""

    @invariant(
        "B1", "loan <= ratio x confirmed value; one lien, for the one loan, while it is open"
    )
    def loan_within_ratio(self, ctx: ReadContext) -> Iterable[str]:
        ratio_bp = int(ctx.params.finance_ratio_bp)
        for loan in all_loans(ctx):
            order = get_order(ctx, loan.order_id)
            if loan.order_value != order.value or loan.ratio_bp > ratio_bp:
                yield f"{loan.loan_id}: value {loan.order_value}/{order.value} {loan.ratio_bp} bp"
            if loan.principal * 10_000 > order.value * ratio_bp:
                yield f"{loan.loan_id}: principal {loan.principal} > {ratio_bp} bp of {order.value}"
            lien = ctx.view("registry", "lookup", asset=asset_id(loan.order_id))["lien"]
            ours = lien is not None and lien["secures"] == loan.loan_id
            if loan.lien_open and not (ours and lien["pledgee"] == loan.lender):
                yield f"{loan.loan_id}: lien open but registry shows {lien}"
            if not loan.lien_open and ours:
                yield f"{loan.loan_id}: lien released but still in the registry"

    @invariant("B2", "the loan went to the seller, or only to a listed supplier if earmarked")
    def disbursement_earmarked(self, ctx: ReadContext) -> Iterable[str]:
        for loan in all_loans(ctx):
            order = get_order(ctx, loan.order_id)
            if loan.disbursed_to not in (order.suppliers or [order.seller]):
                yield f"{loan.loan_id}: disbursed to {loan.disbursed_to}"

    @invariant("B3", "buyer payments sit in the controlled account until paid out by the waterfall")
    def payments_in_controlled_account(self, ctx: ReadContext) -> Iterable[str]:
        for order in all_orders(ctx):
            account = controlled_account(ctx.contract_name, order.order_id)
            balance = ctx.view("settlement", "balance", account=account)["balance"]
            if balance != order.paid_in - order.paid_out:
                yield (
                    f"{order.order_id}: account holds {balance}, "
                    f"paid in {order.paid_in} out {order.paid_out}"
                )
            if order.paid_in > order.invoice_amount or (
                order.paid_in and order.status not in _PAYABLE
            ):
                yield f"{order.order_id}: paid {order.paid_in}/{order.invoice_amount}"

    @invariant(
        "B4",
        "waterfall: bank first, at most what it is owed; holders only after; outflows = inflow",
    )
    def waterfall_conserves(self, ctx: ReadContext) -> Iterable[str]:
        for order in all_orders(ctx):
            if order.paid_out != order.to_lender + order.to_holders:
                yield f"{order.order_id}: out {order.paid_out} != bank+holders {order.to_lender}"
            if order.status is OrderStatus.SETTLED and order.paid_out != order.paid_in:
                yield f"{order.order_id}: settled with {order.paid_in - order.paid_out} left"
        for loan in all_loans(ctx):
            for problem in balance_problems(loan):
                yield f"{loan.loan_id}: {problem}"
            order = get_order(ctx, loan.order_id)
            if order.to_lender > loan.principal + loan.interest_charged + loan.costs:
                yield f"{loan.loan_id}: bank took {order.to_lender} from the controlled account"
            # bank first: holders are paid only once the loan is repaid, so a waterfall
            # that paid holders cannot leave the loan short (DIRECT_DEBT) or written off
            # (unless the written-off claim was recovered in full)
            if (
                order.status in _WATERFALL_RAN
                and order.to_holders > 0
                and (loan.status is LoanStatus.DIRECT_DEBT
                     or (loan.status is LoanStatus.DEFAULTED and loan.written_off > 0))
            ):
                yield (
                    f"{loan.loan_id}: holders got {order.to_holders} but the loan is "
                    f"{loan.status.value}"
                )

    @invariant("B5", "receivable = accepted qty x price <= ordered value; splits conserve value")
    def receivable_value(self, ctx: ReadContext) -> Iterable[str]:
        for order in all_orders(ctx):
            if not order.accepted_qty <= order.delivered_qty <= order.quantity:
                yield f"{order.order_id}: accepted {order.accepted_qty} of {order.delivered_qty}"
            receivables = receivables_of(ctx, order.order_id)
            if receivables and receivables[0].amount != order.accepted_qty * order.unit_price:
                yield f"{order.order_id}: receivable {receivables[0].amount} != accepted x price"
            if order.invoice_amount > order.accepted_qty * order.unit_price:
                yield f"{order.order_id}: invoice {order.invoice_amount} above accepted x price"
            for parent in receivables:
                children = [r.amount for r in receivables if r.parent == parent.receivable_id]
                if parent.status is ReceivableStatus.SPLIT and sum(children) != parent.amount:
                    yield f"{parent.receivable_id}: children {children} != {parent.amount}"
                if parent.status is not ReceivableStatus.SPLIT and children:
                    yield f"{parent.receivable_id}: has children but is {parent.status.value}"

    @invariant("B6", "interest subsidy never exceeds the interest accrued")
    def subsidy_within_interest(self, ctx: ReadContext) -> Iterable[str]:
        for loan in all_loans(ctx):
            if not 0 <= loan.subsidy_paid <= loan.interest_accrued:
                yield f"{loan.loan_id}: subsidy {loan.subsidy_paid} > {loan.interest_accrued}"

    @invariant("B7", "cancelled or short-settled orders leave every loan able to reach CLOSED")
    def loans_can_close(self, ctx: ReadContext) -> Iterable[str]:
        for loan in all_loans(ctx):
            order = get_order(ctx, loan.order_id)
            if loan.status in OPEN_LOAN and loan.outstanding <= 0:
                yield f"{loan.loan_id}: {loan.status.value} with nothing outstanding"
            if loan.status is LoanStatus.CLOSED and loan.claim:
                yield f"{loan.loan_id}: CLOSED with {loan.claim} unpaid"
            if loan.status is LoanStatus.DEFAULTED and (loan.claim <= 0 or not loan.written_off):
                yield f"{loan.loan_id}: DEFAULTED without its written-off claim (L4)"
            expected = _LOAN_STATES.get(order.status)
            if expected is not None and loan.status not in expected:
                yield f"{loan.loan_id}: {loan.status.value} on a {order.status.value} order"
            if loan.status is LoanStatus.ACTIVE and not loan.lien_open:
                yield f"{loan.loan_id}: ACTIVE without its lien"

    @invariant(
        "L5",
        "a buyer default is the buyer's: receivable open, seller owes only under recourse; "
        "deliveries stay within the order",
    )
    def buyer_default_is_the_buyers(self, ctx: ReadContext) -> Iterable[str]:
        for order in all_orders(ctx):
            if order.status is OrderStatus.BUYER_DEFAULT:
                if order.buyer_default_at is None:
                    yield f"{order.order_id}: BUYER_DEFAULT without its date"
                if order.paid_in >= order.invoice_amount:
                    yield f"{order.order_id}: buyer in default with the invoice paid"
                closed = [
                    r.receivable_id for r in receivables_of(ctx, order.order_id)
                    if r.status is ReceivableStatus.SETTLED
                ]
                if closed:
                    yield f"{order.order_id}: buyer in default but {closed} settled"
            if order.inspected_qty > order.delivered_qty or (
                order.remainder_cancelled + order.delivered_qty > order.quantity
            ):
                yield f"{order.order_id}: shipments {order.to_state()} beyond the order"
        for loan in all_loans(ctx):
            if loan.status is LoanStatus.RECOURSE and not loan.recourse:
                yield f"{loan.loan_id}: RECOURSE on a loan without recourse"
            if loan.claim_left and get_order(ctx, loan.order_id).status not in (
                OrderStatus.BUYER_DEFAULT, OrderStatus.PAID
            ):
                yield f"{loan.loan_id}: written-off claim kept on a finished order"


_LOAN_STATES: dict[OrderStatus, frozenset[LoanStatus]] = {
    OrderStatus.DRAFT: frozenset(),
    OrderStatus.CONFIRMED: frozenset(),
    OrderStatus.CANCELLED: frozenset(
        {LoanStatus.ACCELERATED, LoanStatus.CLOSED, LoanStatus.DEFAULTED}
    ),
    OrderStatus.SETTLED: frozenset(
        {LoanStatus.DIRECT_DEBT, LoanStatus.CLOSED, LoanStatus.DEFAULTED}
    ),
    OrderStatus.DEFAULTED: frozenset({LoanStatus.CLOSED, LoanStatus.DEFAULTED}),
    OrderStatus.FINANCED: frozenset({LoanStatus.ACTIVE, LoanStatus.CLOSED}),
    OrderStatus.SHIPPED: frozenset({LoanStatus.ACTIVE, LoanStatus.CLOSED}),
    OrderStatus.DELIVERED: frozenset({LoanStatus.ACTIVE, LoanStatus.CLOSED}),
    OrderStatus.PARTIALLY_DELIVERED: frozenset({LoanStatus.ACTIVE, LoanStatus.CLOSED}),
    OrderStatus.RECEIVABLE: frozenset({LoanStatus.ACTIVE, LoanStatus.CLOSED}),
    OrderStatus.BUYER_DEFAULT: frozenset(
        {LoanStatus.ACTIVE, LoanStatus.RECOURSE, LoanStatus.CLOSED, LoanStatus.DEFAULTED}
    ),
    OrderStatus.PAID: frozenset(
        {LoanStatus.ACTIVE, LoanStatus.RECOURSE, LoanStatus.CLOSED, LoanStatus.DEFAULTED}
    ),
}
