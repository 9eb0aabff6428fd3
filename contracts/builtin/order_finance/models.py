"""Genesis parameters, action argument models and view queries of order financing."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from contracts.base import Args, Params, Query
from contracts.lending import DEFAULT_PENALTY_SHARE_BP, DayCount, PenaltyShareBp
from contracts.types import BasisPoints, Fen, Id, OrgId, PositiveFen, Quantity, Timestamp


class OrderFinanceParams(Params):
    """``finance_ratio_bp``: the most a bank may lend, as basis points of the confirmed
    order value (docs/domain.md 6: order.finance_ratio 0.50, range 0.50-0.70; A).
    ``day_count_basis``: days in the interest year; 360 is the Chinese banks' daily-rate
    convention (annual rate / 360, ACT/360) and reproduces the ~9,800 CNY of
    docs/domain.md 2.4. ``penalty_share_bp``: past its due time the unpaid principal
    accrues at the rate plus this share of it (PBoC: 30-50 %).
    ``recourse``: whether the bank may turn to the seller when the buyer defaults on the
    receivable (L5). With recourse the loan falls due from the seller at once and a later
    write-off is recorded against the seller; without, only the buyer owes (through the
    receivable) and nothing is recorded against the seller.
    """

    finance_ratio_bp: Annotated[int, Field(ge=0, le=10_000)] = 5_000
    day_count_basis: DayCount = DayCount.ACT_360
    penalty_share_bp: PenaltyShareBp = DEFAULT_PENALTY_SHARE_BP
    recourse: bool = True


class CreateOrderArgs(Args):
    order_id: Id
    buyer: OrgId
    quantity: Quantity = Field(description="ordered quantity in kg")
    unit_price: PositiveFen = Field(description="contract price in fen per kg")
    delivery_due: Timestamp
    payment_days: int = Field(
        default=30, ge=0, le=365, description="days after the invoice the buyer has to pay (L5)"
    )
    suppliers: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="B2: if non-empty, the loan may be disbursed only to these accounts",
    )


class OrderArgs(Args):
    order_id: Id


class FinanceArgs(Args):
    order_id: Id
    principal: PositiveFen
    rate_bp: BasisPoints
    maturity: Timestamp
    fees: Fen = 0
    disburse_to: Id | None = Field(
        default=None, description="payee of the loan; the seller unless earmarked (B2)"
    )


class QuantityArgs(Args):
    order_id: Id
    quantity: Quantity


class PayArgs(Args):
    order_id: Id
    amount: PositiveFen
    payee: Id | None = Field(
        default=None, description="must be the order's controlled account if given (B3)"
    )


class RepayArgs(Args):
    order_id: Id
    amount: PositiveFen


class SplitArgs(Args):
    receivable_id: Id
    amounts: list[PositiveFen] = Field(min_length=2, max_length=10)


class TransferReceivableArgs(Args):
    receivable_id: Id
    new_holder: OrgId


class OrderQuery(Query):
    order_id: Id


class ReceivableQuery(Query):
    receivable_id: Id


class SellerQuery(Query):
    seller: OrgId


class BuyerQuery(Query):
    buyer: OrgId
