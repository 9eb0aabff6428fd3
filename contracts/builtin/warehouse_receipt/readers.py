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
    # a collateral manager counts the stock of the warehouses that appoint it (V5), from
    # their lots; which warehouse appoints which manager is set at the first co-signed
    # issue, after the lots exist, so the role reads lots rather than a field of each
    Readable("lot/{warehouse}/{lot_id...}", Lot, parties=("warehouse", "depositor"),
             roles=(("appraiser", "collateral_manager"),)),
    Readable("receipt/{receipt_id...}", Receipt, parties=(
        "warehouse", "depositor", "holder", "pledgee", "applicants", "custodian",
        "insurance.insurer",
    )),
    Readable("loan/{loan_id...}", Loan, parties=("bank", "borrower")),
    Readable("price/{price...}", PriceAttestation, public=True),
    Readable("pile/{warehouse}/{location...}", public=True),
    Readable("custody/{warehouse...}", Custody, public=True),
)
