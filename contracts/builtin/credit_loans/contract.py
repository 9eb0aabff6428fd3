"""Unsecured credit-line loans priced by the borrower's credit rating (docs/domain.md 4).

A borrower (a member such as a merchant or farmer, or an organisation) applies to one
bank for an amount and a tenor (<= ``max_tenor_days``). The bank's loan officer grants
it on credit alone, and the money moves bank -> borrower in the same tx, only if:

- the borrower is not revoked (member borrowers) and has no default since its last
  rating (``credit.rating``'s ``in_default``);
- the rate is no lower than the credit contract's price for the borrower's tier
  (``credit.pricing`` of ``base_rate_bp``: a 3A rating discounts the base rate);
- the borrower's open principal on credit loans at *every* bank plus the amount stays
  within its tier's credit line. The line is one per borrower, kept in this contract's
  shared book (the registry idea of docs/domain.md X2: a borrower cannot stack lines at
  several banks). The line limits principal; accrued interest does not use it (A).

Servicing is the lending core's (``contracts.lending``): interest accrues by whole days
with the sub-fen remainder carried, on the ``day_count_basis`` (ACT/365F by default);
past maturity the unpaid principal accrues penalty interest at the rate plus
``penalty_share_bp`` of it. A repayment on time first offers the interest due to the
government's subsidy programmes (the typed request, with the loan's rate and term; never
for an overdue or defaulted loan), then runs the waterfall: penalty, interest,
principal; paying everything closes the loan (``repay`` without an amount pays off
whatever is owed after the subsidy). After maturity an unpaid loan may be defaulted by
its bank: the claim is written off as the bank's loss but stays owed (L4), later
repayments are recoveries that reduce the written-off amount, and
``credit.record_default`` downgrades the borrower. The credit contract must be enabled
(it holds the ratings and the tier terms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from contracts.base import Contract, action, view
from contracts.builtin.credit_loans import servicing
from contracts.builtin.credit_loans.errors import (
    BorrowerInDefault,
    BorrowerRevoked,
    CreditNotEnabled,
    ExceedsCreditLine,
    GrantExceedsApplication,
    LoanNotDue,
    RateBelowPricing,
    RepaymentExceedsDebt,
    TenorTooLong,
)
from contracts.builtin.credit_loans.invariants import CreditLoansInvariants
from contracts.builtin.credit_loans.models import (
    ApplyArgs,
    BorrowerQuery,
    CreditLoansParams,
    GrantArgs,
    LoanArgs,
    LoanQuery,
    RepayArgs,
)
from contracts.builtin.credit_loans.readers import READERS
from contracts.builtin.credit_loans.records import OWING, Loan, LoanStatus, loan_id_for
from contracts.builtin.credit_loans.store import (
    add_totals,
    adjust_book,
    get_book,
    get_loan,
    put_loan,
    require_status,
)
from contracts.context import Context, ReadContext
from contracts.lending import apply_payment, write_off
from contracts.lending.operations import RECORD_DEFAULT, RecordDefaultArgs
from contracts.policy import Party, any_of
from ledger.timefmt import format_time, parse_time

BORROWER = any_of(Party("member"), Party("org", roles=("manager", "admin")))
LENDER = Party("lender", roles=("loan_officer",))
LENDER_OR_RISK = Party("lender", roles=("loan_officer", "risk_officer"))


def _borrower_of(borrower: str) -> Mapping[str, Any]:
    """A member borrower signs for itself; an org borrower through its manager or admin."""
    is_member = "." in borrower
    return {"member": borrower if is_member else None, "org": None if is_member else borrower}


def _applicant(_self: Any, _ctx: ReadContext, args: ApplyArgs) -> Mapping[str, Any]:
    return _borrower_of(args.borrower)


def _loan_parties(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    loan = get_loan(ctx, args.loan_id)
    return {**_borrower_of(loan.borrower), "lender": loan.bank}


def _require_credit(ctx: ReadContext) -> None:
    if not ctx.has_contract("credit"):
        raise CreditNotEnabled("credit loans are priced by ratings: enable the credit contract")


class CreditLoansContract(CreditLoansInvariants, Contract):
    name = "credit_loans"
    version = "1"
    readers = READERS
    description = (
        "Unsecured credit-line loans priced by the borrower's rating, one line per borrower."
    )
    Params = CreditLoansParams

    # -- application and grant -----------------------------------------------------------

    @action(ApplyArgs, policy=BORROWER, parties=_applicant)
    def apply(self, ctx: Context, args: ApplyArgs) -> None:
        """The borrower asks one bank for ``amount`` fen over ``tenor_days``."""
        _require_credit(ctx)
        if args.tenor_days > self.params.max_tenor_days:
            raise TenorTooLong(
                f"tenor {args.tenor_days} days exceeds {self.params.max_tenor_days}",
                tenor_days=args.tenor_days, max_tenor_days=self.params.max_tenor_days,
            )
        loan = Loan(
            loan_id=loan_id_for(ctx.tx_id), borrower=args.borrower, bank=args.bank,
            amount_applied=args.amount, tenor_days=args.tenor_days, status=LoanStatus.APPLIED,
            applied_at=ctx.time, applied_by=ctx.signer.member_id,
        )
        put_loan(ctx, loan)
        ctx.emit("LoanApplied", loan_id=loan.loan_id, borrower=args.borrower, bank=args.bank,
                 amount=args.amount, tenor_days=args.tenor_days)

    @action(GrantArgs, policy=LENDER, parties=_loan_parties)
    def grant(self, ctx: Context, args: GrantArgs) -> None:
        """The bank grants and disburses, within the borrower's line, at or above its price."""
        loan = get_loan(ctx, args.loan_id)
        require_status(loan, LoanStatus.APPLIED)
        _require_credit(ctx)
        amount = loan.amount_applied if args.amount is None else args.amount
        if amount > loan.amount_applied:
            raise GrantExceedsApplication(
                f"grant {amount} > applied {loan.amount_applied}", amount=amount,
                applied=loan.amount_applied,
            )
        self._require_eligible(ctx, loan.borrower)
        pricing = ctx.view("credit", "pricing", borrower=loan.borrower,
                           base_rate_bp=self.params.base_rate_bp)
        if args.rate_bp < pricing["rate_bp"]:
            raise RateBelowPricing(
                f"rate {args.rate_bp} bp is below {pricing['rate_bp']} bp for tier "
                f"{pricing['tier']}", rate_bp=args.rate_bp, priced_rate_bp=pricing["rate_bp"],
                tier=pricing["tier"],
            )
        line = int(pricing["credit_line"])
        exposure = get_book(ctx, loan.borrower).open_principal + amount
        if exposure > line:
            raise ExceedsCreditLine(
                f"{loan.borrower} would owe {exposure} fen on credit loans, line {line} fen",
                borrower=loan.borrower, exposure=exposure, credit_line=line,
                available=max(0, line - exposure + amount),
            )
        ctx.transfer(loan.bank, loan.borrower, amount, f"disburse {loan.loan_id}")
        maturity = format_time(ctx.now + dt.timedelta(days=loan.tenor_days))
        put_loan(ctx, loan.model_copy(update={
            "status": LoanStatus.ACTIVE, "officer": ctx.signer.member_id,
            "tier": pricing["tier"], "credit_line": line, "exposure_at_grant": exposure,
            "priced_rate_bp": pricing["rate_bp"], "rate_bp": args.rate_bp, "principal": amount,
            "start": ctx.time, "maturity": maturity, "accrued_to": ctx.time, "due_at": maturity,
            "day_count": self.params.day_count_basis,
            "penalty_share_bp": self.params.penalty_share_bp,
        }))
        adjust_book(ctx, loan.borrower, principal=amount, loans=1)
        add_totals(ctx, disbursed=amount)
        ctx.emit("LoanDisbursed", loan_id=loan.loan_id, bank=loan.bank, borrower=loan.borrower,
                 principal=amount, rate_bp=args.rate_bp, tier=pricing["tier"], maturity=maturity)

    def _require_eligible(self, ctx: ReadContext, borrower: str) -> None:
        if "." in borrower and ctx.has_contract("membership"):
            member = ctx.view("membership", "member", member_id=borrower)
            if member.get("revoked"):
                raise BorrowerRevoked(f"{borrower} is revoked", borrower=borrower)
        rating = ctx.view("credit", "rating", subject=borrower)
        if rating.get("in_default"):
            raise BorrowerInDefault(
                f"{borrower} has defaulted since its last rating", borrower=borrower
            )

    @action(LoanArgs, policy=LENDER, parties=_loan_parties)
    def decline(self, ctx: Context, args: LoanArgs) -> None:
        """The bank turns an application down."""
        loan = get_loan(ctx, args.loan_id)
        require_status(loan, LoanStatus.APPLIED)
        put_loan(ctx, loan.model_copy(update={"status": LoanStatus.DECLINED}))
        ctx.emit("LoanDeclined", loan_id=loan.loan_id, bank=loan.bank)

    # -- servicing -----------------------------------------------------------------------

    @action(RepayArgs, policy=BORROWER, parties=_loan_parties)
    def repay(self, ctx: Context, args: RepayArgs) -> None:
        """Subsidy first (paid by government, on time only), then the waterfall; all paid closes.

        Without ``amount`` the borrower pays off everything owed after the subsidy (a
        borrower cannot know the subsidy beforehand, so it cannot name that amount). A
        defaulted loan is still owed: its repayments are recoveries (L4).
        """
        loan = get_loan(ctx, args.loan_id)
        require_status(loan, *OWING)
        loan, subsidy = servicing.subsidised(ctx, servicing.accrued_now(ctx, loan))
        amount = loan.outstanding if args.amount is None else args.amount
        if amount > loan.outstanding:
            raise RepaymentExceedsDebt(
                f"{amount} > outstanding {loan.outstanding}", outstanding=loan.outstanding
            )
        ctx.transfer(loan.borrower, loan.bank, amount, f"repay {loan.loan_id}")
        was_active = loan.status is LoanStatus.ACTIVE
        loan, part = apply_payment(loan, amount)
        closed = loan.claim == 0
        if closed:
            loan = loan.model_copy(update={"status": LoanStatus.CLOSED})
        put_loan(ctx, loan)
        if was_active:
            adjust_book(ctx, loan.borrower, principal=-part.principal, loans=-int(closed))
        add_totals(ctx, repaid_principal=part.principal)
        ctx.emit("LoanRepaid", loan_id=loan.loan_id, **part.event_fields(), subsidy=subsidy.paid)
        if closed:
            ctx.emit("LoanClosed", loan_id=loan.loan_id,
                     closure="repaid" if was_active else "recovered")

    @action(LoanArgs, policy=LENDER_OR_RISK, parties=_loan_parties)
    def default(self, ctx: Context, args: LoanArgs) -> None:
        """After maturity the bank writes off what is unpaid (still owed) and reports it."""
        loan = get_loan(ctx, args.loan_id)
        require_status(loan, LoanStatus.ACTIVE)
        assert loan.maturity is not None
        if parse_time(loan.maturity) > ctx.now:
            raise LoanNotDue(f"loan {loan.loan_id} matures {loan.maturity}",
                             maturity=loan.maturity)
        loan = write_off(servicing.accrued_now(ctx, loan))
        principal = loan.principal_due
        put_loan(ctx, loan.model_copy(update={"status": LoanStatus.DEFAULTED}))
        adjust_book(ctx, loan.borrower, principal=-principal, loans=-1)
        add_totals(ctx, written_off_principal=principal)
        if ctx.has_contract(RECORD_DEFAULT.contract):
            ctx.invoke(RECORD_DEFAULT,
                       RecordDefaultArgs(borrower=loan.borrower, loan_id=loan.loan_id))
        ctx.emit("LoanDefaulted", loan_id=loan.loan_id, written_off=loan.written_off,
                 written_off_principal=principal, written_off_interest=loan.written_off - principal)

    # -- views ---------------------------------------------------------------------------

    @view(LoanQuery)
    def loan(self, ctx: ReadContext, query: LoanQuery) -> Any:
        """The loan with interest accrued to block time and what is outstanding."""
        current = servicing.accrued_now(ctx, get_loan(ctx, query.loan_id))
        return {**current.to_state(), "outstanding": current.outstanding}

    @view(LoanQuery)
    def outstanding_debt(self, ctx: ReadContext, query: LoanQuery) -> Any:
        """What the borrower owes now and to which bank (the loss-payee convention)."""
        current = servicing.accrued_now(ctx, get_loan(ctx, query.loan_id))
        return {"outstanding": current.outstanding, "lender": current.bank}

    @view(BorrowerQuery)
    def exposure(self, ctx: ReadContext, query: BorrowerQuery) -> Any:
        """The borrower's open principal at every bank against its current line."""
        book = get_book(ctx, query.borrower)
        line = 0
        if ctx.has_contract("credit"):
            pricing = ctx.view("credit", "pricing", borrower=query.borrower,
                               base_rate_bp=self.params.base_rate_bp)
            line = int(pricing["credit_line"])
        return {**book.to_state(), "credit_line": line,
                "available": max(0, line - book.open_principal)}
