"""Genesis parameters, action arguments and view queries of credit-line loans."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from contracts.base import Args, Params, Query
from contracts.lending import DEFAULT_PENALTY_SHARE_BP, DayCount, PenaltyShareBp
from contracts.types import BasisPoints, Id, OrgId, PositiveFen

TenorDays = Annotated[int, Field(ge=1, le=3660)]


class CreditLoansParams(Params):
    """Genesis parameters (docs/domain.md 4; all "A" assumptions).

    ``base_rate_bp``: the platform's reference annual rate for unsecured credit loans;
    the credit contract discounts it by the borrower's tier (``credit.pricing``) and a
    bank may not lend below that priced rate. 600 bp = LPR 345 bp + a 255 bp spread,
    a typical unsecured small-business rate. ``max_tenor_days``: one year, as credit
    lines for merchants are yearly revolving lines. ``day_count_basis``: days in the
    interest year (365: ACT/365F). ``penalty_share_bp``: past maturity the unpaid
    principal accrues at the rate plus this share of it (PBoC: 30-50 %).
    """

    base_rate_bp: BasisPoints = 600
    max_tenor_days: TenorDays = 365
    day_count_basis: DayCount = DayCount.ACT_365F
    penalty_share_bp: PenaltyShareBp = DEFAULT_PENALTY_SHARE_BP


class ApplyArgs(Args):
    borrower: Id = Field(description="a member id (merchant, farmer) or an org id")
    bank: OrgId
    amount: PositiveFen
    tenor_days: TenorDays


class GrantArgs(Args):
    loan_id: Id
    rate_bp: BasisPoints
    amount: PositiveFen | None = Field(
        default=None, description="at most the amount applied for; the applied amount if omitted"
    )


class LoanArgs(Args):
    loan_id: Id


class RepayArgs(Args):
    loan_id: Id
    amount: PositiveFen | None = Field(
        default=None,
        description="fen to pay; omitted: everything owed once the subsidy is taken (pay off)",
    )


class LoanQuery(Query):
    loan_id: Id


class BorrowerQuery(Query):
    borrower: Id
