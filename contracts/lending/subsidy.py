"""The interest-subsidy call every loan product makes (L3).

A government programme (the ``credit`` contract) pays part of the interest a borrower
pays on time. The loan product asks with an ``InterestSubsidyRequest`` that always
carries the loan's rate and term, so a rule that depends on them (``above_lpr``) sees
them for every product. A loan that is overdue or defaulted (written off included) is
refused here, before any call: nothing is paid from the budget and the reason is
returned. The programme refuses such a request too (``SUBSIDY_NOT_ELIGIBLE``), in
case a loan contract asks anyway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from contracts.context import Context
from contracts.lending.accrual import days_overdue, is_overdue
from contracts.lending.balance import LoanBalance
from contracts.lending.operations import APPLY_INTEREST_SUBSIDY, InterestSubsidyRequest

__all__ = ["InterestSubsidyRequest", "SubsidyOutcome", "refusal", "take_subsidy"]

B = TypeVar("B", bound=LoanBalance)


@dataclass(frozen=True)
class SubsidyOutcome:
    paid: int
    refused: str | None = None
    """Why nothing was asked for, when the loan is not eligible."""


def refusal(loan: LoanBalance, now: dt.datetime, *, defaulted: bool) -> str | None:
    """Why interest on ``loan`` may not be subsidised now, or None if it may (L3)."""
    if defaulted or loan.written_off or loan.recovered:
        return "the loan is in default"
    if is_overdue(loan, now):
        return f"the loan is overdue since {loan.due_at}"
    return None


def take_subsidy(
    ctx: Context, loan: B, *, loan_id: str, borrower: str, lender: str, product: str,
    term_days: int, defaulted: bool = False,
) -> tuple[B, SubsidyOutcome]:
    """Offer the interest due to the programmes; the subsidy is paid straight to the lender.

    What comes back is clamped to the interest due, so a misbehaving programme can
    never reduce principal. Without the ``credit`` contract nothing is asked.
    """
    if loan.interest_due <= 0 or not ctx.has_contract(APPLY_INTEREST_SUBSIDY.contract):
        return loan, SubsidyOutcome(0)
    reason = refusal(loan, ctx.now, defaulted=defaulted)
    if reason is not None:
        return loan, SubsidyOutcome(0, reason)
    request = InterestSubsidyRequest(
        loan_id=loan_id, borrower=borrower, lender=lender, product=product,
        interest=loan.interest_due, rate_bp=loan.rate_bp, term_days=term_days,
        days_overdue=days_overdue(loan, ctx.now),
    )
    subsidy = min(ctx.invoke(APPLY_INTEREST_SUBSIDY, request).paid, loan.interest_due)
    return loan.model_copy(update={"subsidy_paid": loan.subsidy_paid + subsidy}), SubsidyOutcome(
        subsidy)
