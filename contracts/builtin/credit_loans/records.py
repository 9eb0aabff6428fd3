"""State records of credit-line loans and the keys they live under.

State (namespace ``credit_loans``)::

    loan/<loan id>          Loan ("cl-" + the first 24 hex digits of the applying tx's id)
    borrower/<borrower id>  Book: the borrower's open principal across every bank (the
                            shared line registry: one line, however many banks lend)
    totals                  Totals: disbursed, repaid and written-off principal, for C2
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict

from contracts.lending import LoanBalance
from contracts.records import Record as BaseRecord


class LoanStatus(StrEnum):
    APPLIED = "APPLIED"
    DECLINED = "DECLINED"
    ACTIVE = "ACTIVE"  # granted and disbursed in one tx
    CLOSED = "CLOSED"  # repaid in full
    DEFAULTED = "DEFAULTED"  # written off by the bank after maturity; the claim remains


OWING = frozenset({LoanStatus.ACTIVE, LoanStatus.DEFAULTED})
"""Statuses in which the borrower owes something (a written-off loan still is owed)."""


class Record(BaseRecord):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Loan(LoanBalance):
    """A credit-line loan: the lending core's balance plus the product's own fields."""

    loan_id: str
    borrower: str
    bank: str
    amount_applied: int
    tenor_days: int
    status: LoanStatus
    applied_at: str
    applied_by: str
    # set by grant:
    officer: str | None = None
    tier: str | None = None
    credit_line: int = 0
    exposure_at_grant: int = 0  # the borrower's open principal including this loan
    priced_rate_bp: int = 0
    start: str | None = None
    maturity: str | None = None

    @property
    def outstanding(self) -> int:
        """What the borrower owes now: the claim, also after a write-off (L4)."""
        return self.claim if self.status in OWING else 0


class Book(Record):
    borrower: str
    open_principal: int = 0
    open_loans: int = 0


class Totals(Record):
    disbursed: int = 0
    repaid_principal: int = 0
    written_off_principal: int = 0


TOTALS_KEY = "totals"


def loan_key(loan_id: str) -> str:
    return f"loan/{loan_id}"


def book_key(borrower: str) -> str:
    return f"borrower/{borrower}"


def loan_id_for(tx_id: str) -> str:
    return f"cl-{tx_id[:24]}"
