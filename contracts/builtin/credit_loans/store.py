"""Typed reads and writes of credit-loan records: loans, borrower books, totals."""

from __future__ import annotations

from collections.abc import Iterator

from contracts.builtin.credit_loans.errors import LoanNotFound, LoanStateInvalid
from contracts.builtin.credit_loans.records import (
    TOTALS_KEY,
    Book,
    Loan,
    LoanStatus,
    Totals,
    book_key,
    loan_key,
)
from contracts.context import Context, ReadContext


def get_loan(ctx: ReadContext, loan_id: str) -> Loan:
    return ctx.require(Loan, loan_key(loan_id), LoanNotFound, loan_id)


def require_status(loan: Loan, *allowed: LoanStatus) -> None:
    if loan.status not in allowed:
        raise LoanStateInvalid(
            f"loan {loan.loan_id} is {loan.status.value}, needs "
            f"{'/'.join(s.value for s in allowed)}",
            loan_id=loan.loan_id, status=loan.status.value, allowed=[s.value for s in allowed],
        )


def put_loan(ctx: Context, loan: Loan) -> None:
    ctx.save(loan_key(loan.loan_id), loan)


def all_loans(ctx: ReadContext) -> Iterator[Loan]:
    for _, raw in ctx.scan("loan/"):
        yield Loan.model_validate(raw)


def get_book(ctx: ReadContext, borrower: str) -> Book:
    book = ctx.load(Book, book_key(borrower))
    return Book(borrower=borrower) if book is None else book


def all_books(ctx: ReadContext) -> Iterator[Book]:
    for _, raw in ctx.scan("borrower/"):
        yield Book.model_validate(raw)


def adjust_book(ctx: Context, borrower: str, *, principal: int, loans: int = 0) -> Book:
    """Add ``principal`` fen (negative to reduce) and ``loans`` open loans to the book."""
    book = get_book(ctx, borrower)
    book = book.model_copy(update={
        "open_principal": book.open_principal + principal,
        "open_loans": book.open_loans + loans,
    })
    ctx.save(book_key(borrower), book)
    return book


def get_totals(ctx: ReadContext) -> Totals:
    totals = ctx.load(Totals, TOTALS_KEY)
    return Totals() if totals is None else totals


def add_totals(
    ctx: Context, *, disbursed: int = 0, repaid_principal: int = 0, written_off_principal: int = 0
) -> None:
    totals = get_totals(ctx)
    ctx.save(TOTALS_KEY, totals.model_copy(update={
        "disbursed": totals.disbursed + disbursed,
        "repaid_principal": totals.repaid_principal + repaid_principal,
        "written_off_principal": totals.written_off_principal + written_off_principal,
    }))
