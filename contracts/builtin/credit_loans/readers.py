"""Who reads credit-line loans: the bank and the borrower. The borrower books are the
shared line registry (one line however many banks lend), read by every member; the
totals only by the supervisors."""

from __future__ import annotations

from contracts.builtin.credit_loans.records import Book, Loan, Totals
from contracts.readers import Readable

READERS = (
    Readable("loan/{loan_id...}", Loan, parties=("bank", "borrower")),
    Readable("borrower/{borrower...}", Book, public=True),
    Readable("totals", Totals),
)
