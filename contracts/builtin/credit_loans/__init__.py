"""Unsecured credit-line loans priced by the borrower's rating, one line across all banks."""

from contracts.builtin.credit_loans.contract import CreditLoansContract
from contracts.builtin.credit_loans.errors import (
    BorrowerInDefault,
    BorrowerRevoked,
    CreditNotEnabled,
    ExceedsCreditLine,
    GrantExceedsApplication,
    LoanNotDue,
    LoanNotFound,
    LoanStateInvalid,
    RateBelowPricing,
    RepaymentExceedsDebt,
    TenorTooLong,
)
from contracts.builtin.credit_loans.models import CreditLoansParams
from contracts.builtin.credit_loans.records import LoanStatus

__all__ = [
    "BorrowerInDefault",
    "BorrowerRevoked",
    "CreditLoansContract",
    "CreditLoansParams",
    "CreditNotEnabled",
    "ExceedsCreditLine",
    "GrantExceedsApplication",
    "LoanNotDue",
    "LoanNotFound",
    "LoanStateInvalid",
    "LoanStatus",
    "RateBelowPricing",
    "RepaymentExceedsDebt",
    "TenorTooLong",
]
