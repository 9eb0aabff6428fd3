"""The operations the loan products call and offer, as typed handles (L3, L5, X2).

- ``APPLY_INTEREST_SUBSIDY`` and ``RECORD_DEFAULT``: the government programmes
  (the ``credit`` contract) pay part of on-time interest and keep the default record.
- ``REPAY_ORDER_FROM_PROCEEDS`` and ``REPAY_LOAN_FROM_PROCEEDS``: a loss payee's loan
  (order finance, warehouse receipt) takes an insurance payout first; each returns the
  fen it applied.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Args
from contracts.operations import NoneType, Operation
from contracts.types import Fen, Id


class InterestSubsidyRequest(BaseModel):
    """One interest payment offered to the subsidy programmes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    loan_id: Id
    borrower: Id
    lender: Id
    product: Id
    interest: Fen
    """Interest (contract rate, not penalty) the borrower is paying now."""
    rate_bp: Annotated[int, Field(gt=0, le=100_000)]
    """The loan's contract rate a year."""
    term_days: Annotated[int, Field(gt=0, le=36_500)]
    """The loan's term."""
    days_overdue: Annotated[int, Field(ge=0)] = 0
    overdue: bool = False
    defaulted: bool = False


class SubsidyResult(BaseModel):
    """What a programme paid the lender for one interest payment (0: none applies)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paid: Fen


class RecordDefaultArgs(Args):
    borrower: Id
    loan_id: Id


class OrderProceedsArgs(Args):
    """Apply up to ``amount`` fen from ``source`` to the open loan on ``order_id``."""

    order_id: Id
    source: Id
    amount: Fen


class LoanProceedsArgs(Args):
    """Apply up to ``amount`` fen from ``source`` to warehouse-receipt loan ``loan_id``."""

    loan_id: Id
    source: Id
    amount: Fen


class Applied(BaseModel):
    """The fen a loan took from proceeds (never more than it was owed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Fen


APPLY_INTEREST_SUBSIDY = Operation(
    "credit", "apply_interest_subsidy", InterestSubsidyRequest, SubsidyResult
)
RECORD_DEFAULT = Operation("credit", "record_default", RecordDefaultArgs, NoneType)
REPAY_ORDER_FROM_PROCEEDS = Operation(
    "order_finance", "repay_from_proceeds", OrderProceedsArgs, Applied
)
REPAY_LOAN_FROM_PROCEEDS = Operation(
    "warehouse_receipt", "repay_from_proceeds", LoanProceedsArgs, Applied
)
