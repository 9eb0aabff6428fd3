"""The lending core: one loan balance and one way to service it, for every loan product.

Pure, deterministic functions on ``LoanBalance`` records (integer fen, no clock, no
I/O): accrual by day count with the sub-fen remainder carried (L1), penalty interest
on overdue principal (L2), the repayment waterfall, write-off that keeps the claim
(L4), and the typed interest-subsidy call that refuses overdue or defaulted loans
(L3). Products (warehouse_receipt, order_finance, credit_loans) extend the balance
record with their own fields and keep only their product rules.
"""

from contracts.lending.accrual import accrue, days_overdue, is_overdue
from contracts.lending.balance import (
    DEFAULT_PENALTY_SHARE_BP,
    LoanBalance,
    PenaltyShareBp,
    balance_problems,
)
from contracts.lending.daycount import DayCount, whole_days
from contracts.lending.subsidy import (
    InterestSubsidyRequest,
    SubsidyOutcome,
    refusal,
    take_subsidy,
)
from contracts.lending.waterfall import Allocation, add_costs, allocate, apply_payment, write_off

__all__ = [
    "DEFAULT_PENALTY_SHARE_BP", "Allocation", "DayCount", "InterestSubsidyRequest",
    "LoanBalance", "PenaltyShareBp", "SubsidyOutcome", "accrue", "add_costs", "allocate",
    "apply_payment", "balance_problems", "days_overdue", "is_overdue", "refusal",
    "take_subsidy", "whole_days", "write_off",
]
