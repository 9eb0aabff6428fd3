"""Who reads order finance: an order by its seller, buyer and suppliers and the lender
financing it; the loan by its lender and borrower; a receivable by its holder and the
order's readers."""

from __future__ import annotations

from contracts.builtin.order_finance.records import Loan, Order, Receivable
from contracts.readers import Readable

READERS = (
    Readable("order/{order_id...}", Order, parties=("seller", "buyer", "suppliers"),
             via=("loan/{order_id}",)),
    Readable("loan/{order_id...}", Loan, parties=("lender", "borrower")),
    Readable("receivable/{receivable_id...}", Receivable, parties=("holder",),
             via=("order/{order_id}",)),
)
