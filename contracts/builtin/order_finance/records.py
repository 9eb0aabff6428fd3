"""State records of order financing and where they live.

State (namespace ``order_finance``)::

    order/<order id>              Order
    loan/<order id>               Loan (one order, one loan)
    receivable/<receivable id>    Receivable (the root has the order's id; children
                                  of a split are "<parent>.<n>")

Registry asset of an order and its receivable: ``order:<order id>``; the loan id
it secures is ``order_finance:<order id>``; the controlled account is the escrow
``escrow:order_finance:order:<order id>``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict

from contracts.lending import LoanBalance
from contracts.records import Record as BaseRecord


class OrderStatus(StrEnum):
    DRAFT = "DRAFT"
    CONFIRMED = "CONFIRMED"
    FINANCED = "FINANCED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    PARTIALLY_DELIVERED = "PARTIALLY_DELIVERED"
    RECEIVABLE = "RECEIVABLE"
    BUYER_DEFAULT = "BUYER_DEFAULT"  # invoice unpaid past its due date; payments still taken
    PAID = "PAID"
    SETTLED = "SETTLED"
    CANCELLED = "CANCELLED"
    DEFAULTED = "DEFAULTED"


class LoanStatus(StrEnum):
    ACTIVE = "ACTIVE"  # secured by the order's receivable, repaid from the buyer's payment
    ACCELERATED = "ACCELERATED"  # order cancelled: the whole debt is due at once
    DIRECT_DEBT = "DIRECT_DEBT"  # settled short: the shortfall is the seller's own debt
    RECOURSE = "RECOURSE"  # buyer in default, loan with recourse: the seller owes it now
    CLOSED = "CLOSED"
    DEFAULTED = "DEFAULTED"  # written off, still owed; an open lien: the receivable repays it


OPEN_LOAN = frozenset(
    {LoanStatus.ACTIVE, LoanStatus.ACCELERATED, LoanStatus.DIRECT_DEBT, LoanStatus.RECOURSE}
)


class ReceivableStatus(StrEnum):
    OPEN = "OPEN"
    SPLIT = "SPLIT"  # replaced by its children
    SETTLED = "SETTLED"


class Record(BaseRecord):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Order(Record):
    order_id: str
    seller: str
    buyer: str
    quantity: int
    unit_price: int
    value: int
    delivery_due: str
    suppliers: list[str]
    status: OrderStatus
    created_at: str
    payment_days: int = 30
    delivered_qty: int = 0
    inspected_qty: int = 0  # delivered quantity the buyer has accepted or refused
    accepted_qty: int = 0
    shipments: int = 0
    late_shipments: int = 0
    days_late: int = 0  # the latest shipment's days past delivery_due
    remainder_cancelled: int = 0  # kg the buyer cancelled after a late delivery
    short_qty: int = 0  # ordered - accepted, fixed at the invoice
    payment_due: str | None = None
    buyer_default_at: str | None = None
    invoice_amount: int = 0
    paid_in: int = 0
    paid_out: int = 0
    to_lender: int = 0
    to_holders: int = 0


class Loan(LoanBalance):
    """The order's loan: the lending core's balance (``costs`` are the agreed fees,
    ``due_at`` the maturity, or earlier on acceleration) plus the product's fields."""

    loan_id: str
    order_id: str
    lender: str
    borrower: str
    order_value: int
    ratio_bp: int
    disbursed_to: str
    start: str
    maturity: str
    status: LoanStatus
    lien_open: bool
    recourse: bool = True

    @property
    def claim_left(self) -> int:
        """What a written-off loan still claims from the receivable (0 once it is let go):
        the core's ``written_off``, which each recovery reduces."""
        if self.status is not LoanStatus.DEFAULTED or not self.lien_open:
            return 0
        return self.written_off

    @property
    def outstanding(self) -> int:
        return self.claim if self.status in OPEN_LOAN else 0


class Receivable(Record):
    receivable_id: str
    order_id: str
    parent: str | None
    amount: int
    holder: str
    status: ReceivableStatus
    received: int = 0


def order_key(order_id: str) -> str:
    return f"order/{order_id}"


def loan_key(order_id: str) -> str:
    return f"loan/{order_id}"


def receivable_key(receivable_id: str) -> str:
    return f"receivable/{receivable_id}"


def asset_id(order_id: str) -> str:
    """The order's (and its receivable's) id in the encumbrance registry and disputes."""
    return f"order:{order_id}"


def loan_id_of(order_id: str) -> str:
    return f"order_finance:{order_id}"


def controlled_account(contract_name: str, order_id: str) -> str:
    """Full account id of the order's controlled account (what ctx.escrow returns)."""
    return f"escrow:{contract_name}:{controlled_account_name(order_id)}"


def controlled_account_name(order_id: str) -> str:
    """Name passed to ctx.escrow(): the account the buyer must pay into (B3)."""
    return f"order:{order_id}"
