"""Declared invariants of credit-line loans, checked after every step of the stateful tests.

L1 a grant never takes the borrower's open principal (all banks) past its tier's line,
   and every book equals the open principal of the borrower's active loans.
L2 conservation: disbursed = repaid principal + principal still owed (a written-off loan's
   principal stays owed: L4 of docs/domain.md 7.3).
L3 the lending core's balance rules: no part paid beyond what it owes (the subsidy within
   the interest it offsets), a write-off within the claim; a defaulted loan keeps a claim,
   a closed one has none.
L4 every loan is priced at or above its tier's rate and within the tenor cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from contracts.base import invariant
from contracts.builtin.credit_loans.records import LoanStatus
from contracts.builtin.credit_loans.store import all_books, all_loans, get_totals
from contracts.context import ReadContext
from contracts.lending import balance_problems

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

    @invariant("L2", "disbursed = repaid principal + principal still owed")
    def conservation(self, ctx: ReadContext) -> Iterable[str]:
        disbursed = repaid = owed = 0
        for loan in all_loans(ctx):
            if loan.status not in _GRANTED:
                if loan.principal or loan.principal_paid or loan.written_off:
                    yield f"{loan.loan_id}: {loan.status.value} with money on it"
                continue
            if loan.status is LoanStatus.ACTIVE and loan.principal_due <= 0:
                yield f"{loan.loan_id}: ACTIVE with nothing outstanding"
            disbursed += loan.principal
            repaid += loan.principal_paid
            owed += loan.principal_due
        if disbursed != repaid + owed:
            yield f"disbursed {disbursed} != repaid {repaid} + owed {owed}"
        totals = get_totals(ctx)
        if (totals.disbursed, totals.repaid_principal) != (disbursed, repaid):
            yield f"totals {totals.to_state()} != loans ({disbursed}, {repaid})"

    @invariant("L3", "no part paid beyond what it owes; a written-off claim remains owed")
    def balances_hold(self, ctx: ReadContext) -> Iterable[str]:
        for loan in all_loans(ctx):
            for problem in balance_problems(loan):
                yield f"{loan.loan_id}: {problem}"
            if loan.status is LoanStatus.DEFAULTED and (
                loan.claim <= 0 or loan.written_off + loan.recovered <= 0
            ):
                yield f"{loan.loan_id}: DEFAULTED without a written-off claim"
            if loan.status is LoanStatus.CLOSED and loan.claim:
                yield f"{loan.loan_id}: CLOSED with {loan.claim} still owed"

    @invariant("L4", "every loan is priced at or above its tier's rate, within the tenor cap")
    def priced_and_capped(self, ctx: ReadContext) -> Iterable[str]:
        cap = int(ctx.params.max_tenor_days)
        for loan in all_loans(ctx):
            if loan.tenor_days > cap:
                yield f"{loan.loan_id}: tenor {loan.tenor_days} > {cap} days"
            if loan.status in _GRANTED and loan.rate_bp < loan.priced_rate_bp:
                yield f"{loan.loan_id}: rate {loan.rate_bp} < priced {loan.priced_rate_bp} bp"
