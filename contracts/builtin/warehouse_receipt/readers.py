"""Who reads warehouse receipts: a lot by its warehouse and depositor; a receipt by its
warehouse, depositor, holder, pledgee, collateral manager and insurer; a pledge loan by
its bank and borrower. Attested prices, piles and each warehouse's custody (its
collateral manager and stock checks, which every lender relies on) are public."""

from __future__ import annotations

from contracts.builtin.warehouse_receipt.records import (
    Custody,
    Loan,
    Lot,
    PriceAttestation,
    Receipt,
)
from contracts.readers import Readable

READERS = (
    Readable("lot/{warehouse}/{lot_id...}", Lot, parties=("warehouse", "depositor")),
    Readable("receipt/{receipt_id...}", Receipt, parties=(
        "warehouse", "depositor", "holder", "pledgee", "applicants", "custodian",
        "insurance.insurer",
    )),
    Readable("loan/{loan_id...}", Loan, parties=("bank", "borrower")),
    Readable("price/{price...}", PriceAttestation, public=True),
    Readable("pile/{warehouse}/{location...}", public=True),
    Readable("custody/{warehouse...}", Custody, public=True),
)
