"""Typed reads and writes of order-finance records in the contract's namespace."""

from __future__ import annotations

from collections.abc import Iterator

from contracts.builtin.order_finance.errors import LoanNotFound, OrderNotFound, ReceivableNotFound
from contracts.builtin.order_finance.records import (
    Loan,
    Order,
    Receivable,
    loan_key,
    order_key,
    receivable_key,
)
from contracts.context import Context, ReadContext


def get_order(ctx: ReadContext, order_id: str) -> Order:
    return ctx.require(Order, order_key(order_id), OrderNotFound, order_id)


def find_loan(ctx: ReadContext, order_id: str) -> Loan | None:
    return ctx.load(Loan, loan_key(order_id))


def get_loan(ctx: ReadContext, order_id: str) -> Loan:
    loan = find_loan(ctx, order_id)
    if loan is None:
        raise LoanNotFound(order_id)
    return loan


def get_receivable(ctx: ReadContext, receivable_id: str) -> Receivable:
    return ctx.require(
        Receivable, receivable_key(receivable_id), ReceivableNotFound, receivable_id
    )


def put_order(ctx: Context, order: Order) -> None:
    ctx.save(order_key(order.order_id), order)


def put_loan(ctx: Context, loan: Loan) -> None:
    ctx.save(loan_key(loan.order_id), loan)


def put_receivable(ctx: Context, receivable: Receivable) -> None:
    ctx.save(receivable_key(receivable.receivable_id), receivable)


def all_orders(ctx: ReadContext) -> Iterator[Order]:
    for _, raw in ctx.scan("order/"):
        yield Order.model_validate(raw)


def all_loans(ctx: ReadContext) -> Iterator[Loan]:
    for _, raw in ctx.scan("loan/"):
        yield Loan.model_validate(raw)


def receivables_of(ctx: ReadContext, order_id: str) -> list[Receivable]:
    """The order's root receivable and all its descendants, in key order."""
    root = ctx.load(Receivable, receivable_key(order_id))
    if root is None:
        return []
    found = [root]
    for _, raw in ctx.scan(receivable_key(order_id + ".")):
        child = Receivable.model_validate(raw)
        if child.order_id == order_id:
            found.append(child)
    return found
