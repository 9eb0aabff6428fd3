"""Declared invariants of credit-line loans, checked after every step of the stateful tests.

L1 a grant never takes the borrower's open principal (all banks) past its tier's line,
   and every book equals the open principal of the borrower's active loans.
L2 conservation: disbursed = repaid principal + outstanding principal + written off.
L3 the interest subsidy never exceeds the interest it offsets.
L4 every loan is priced at or above its tier's rate and within the tenor cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from contracts.base import invariant
from contracts.builtin.credit_loans.records import LoanStatus
from contracts.builtin.credit_loans.store import all_books, all_loans, get_totals
from contracts.context import ReadContext

_GRANTED = frozenset({LoanStatus.ACTIVE, LoanStatus.CLOSED, LoanStatus.DEFAULTED})


class CreditLoansInvariants:
    """Mixin: the invariants, kept apart from the actions they police."""

    @invariant("L1", "a borrower's open principal stays within the line it was granted under")
    def within_line(self, ctx: ReadContext) -> Iterable[str]:
        open_principal: dict[str, int] = defaultdict(int)
        open_loans: dict[str, int] = defaultdict(int)
        peak: dict[str, int] = defaultdict(int)
        for loan in all_loans(ctx):
            if loan.status in _GRANTED and loan.exposure_at_grant > loan.credit_line:
                yield (f"{loan.loan_id}: exposure {loan.exposure_at_grant} at grant > line "
                       f"{loan.credit_line}")
            if loan.status is LoanStatus.ACTIVE:
                open_principal[loan.borrower] += loan.principal_due
                open_loans[loan.borrower] += 1
                peak[loan.borrower] = max(peak[loan.borrower], loan.exposure_at_grant)
        seen = set()
        for book in all_books(ctx):
            seen.add(book.borrower)
            expected = (open_principal[book.borrower], open_loans[book.borrower])
            if (book.open_principal, book.open_loans) != expected:
                yield f"borrower {book.borrower}: book {book.to_state()} != loans {expected}"
            if book.open_principal > peak[book.borrower]:
                yield (f"borrower {book.borrower}: open {book.open_principal} > exposure "
                       f"{peak[book.borrower]} granted")
        for borrower in sorted(set(open_loans) - seen):
            yield f"borrower {borrower}: active loans but no book"

    @invariant("L2", "disbursed = repaid principal + outstanding principal + written off")
    def conservation(self, ctx: ReadContext) -> Iterable[str]:
        disbursed = repaid = outstanding = written_off = 0
        for loan in all_loans(ctx):
            if loan.status not in _GRANTED:
                if loan.principal or loan.principal_paid or loan.written_off_principal:
                    yield f"{loan.loan_id}: {loan.status.value} with money on it"
                continue
            if min(loan.principal_paid, loan.principal_due, loan.written_off_principal) < 0:
                yield f"{loan.loan_id}: negative principal part {loan.to_state()}"
            if loan.status is not LoanStatus.ACTIVE and loan.principal_due != 0:
                yield f"{loan.loan_id}: {loan.status.value} with {loan.principal_due} unaccounted"
            if loan.status is LoanStatus.ACTIVE and loan.principal_due <= 0:
                yield f"{loan.loan_id}: ACTIVE with nothing outstanding"
            disbursed += loan.principal
            repaid += loan.principal_paid
            outstanding += loan.principal_due
            written_off += loan.written_off_principal
        if disbursed != repaid + outstanding + written_off:
            yield f"disbursed {disbursed} != {repaid} + {outstanding} + {written_off}"
        totals = get_totals(ctx)
        if (totals.disbursed, totals.repaid_principal, totals.written_off_principal) != (
            disbursed, repaid, written_off
        ):
            yield f"totals {totals.to_state()} != loans ({disbursed}, {repaid}, {written_off})"

    @invariant("L3", "the interest subsidy never exceeds the interest it offsets")
    def subsidy_within_interest(self, ctx: ReadContext) -> Iterable[str]:
        for loan in all_loans(ctx):
            if loan.subsidy_paid < 0 or loan.interest_paid < 0 or loan.interest_due < 0:
                yield f"{loan.loan_id}: interest parts {loan.to_state()}"

    @invariant("L4", "every loan is priced at or above its tier's rate, within the tenor cap")
    def priced_and_capped(self, ctx: ReadContext) -> Iterable[str]:
        cap = int(ctx.params.max_tenor_days)
        for loan in all_loans(ctx):
            if loan.tenor_days > cap:
                yield f"{loan.loan_id}: tenor {loan.tenor_days} > {cap} days"
            if loan.status in _GRANTED and loan.rate_bp < loan.priced_rate_bp:
                yield f"{loan.loan_id}: rate {loan.rate_bp} < priced {loan.priced_rate_bp} bp"
