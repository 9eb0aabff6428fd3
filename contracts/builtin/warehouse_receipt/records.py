"""State records: lots, receipts and pledge loans, with enums for their states.

Keys in the contract's namespace: ``lot/<warehouse>/<lot id>``, ``receipt/<id>``,
``loan/<id>``, ``price/<commodity>/<grade>/<unit>`` (the latest attested price),
``pile/<warehouse>/<location>`` (the lot whose goods lie there) and
``custody/<warehouse>`` (its collateral manager and stock checks, custody.py).
Records are frozen pydantic models stored as JSON; every change writes a new copy
(``model_copy(update=...)``).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from contracts.lending import LoanBalance
from contracts.records import Record as BaseRecord


class ReceiptState(StrEnum):
    ACTIVE = "ACTIVE"
    PLEDGED = "PLEDGED"
    DELIVERY_PENDING = "DELIVERY_PENDING"
    WITHDRAWN = "WITHDRAWN"
    SPLIT = "SPLIT"
    MERGED = "MERGED"
    EXPIRED = "EXPIRED"
    LOST = "LOST"
    """The goods are gone (impairment.py); a pledged one keeps its lien on the insurance
    proceeds until its loan closes, and is never live again."""


TERMINAL_RECEIPT_STATES = frozenset(
    {
        ReceiptState.WITHDRAWN,
        ReceiptState.SPLIT,
        ReceiptState.MERGED,
        ReceiptState.EXPIRED,
        ReceiptState.LOST,
    }
)


class LoanState(StrEnum):
    APPLIED = "APPLIED"
    APPROVED = "APPROVED"
    DISBURSED = "DISBURSED"
    MARGIN_CALL = "MARGIN_CALL"
    DEFAULT = "DEFAULT"
    CLOSED = "CLOSED"


LIVE_LOAN_STATES = frozenset({LoanState.DISBURSED, LoanState.MARGIN_CALL, LoanState.DEFAULT})
"""Loans whose principal is out and whose receipts carry its lien."""


class Closure(StrEnum):
    REPAID = "REPAID"
    TAKEN_BY_BANK = "TAKEN_BY_BANK"
    AUCTIONED = "AUCTIONED"
    COURT_SOLD = "COURT_SOLD"  # sold to a third party by a court's order (D7)


class Record(BaseRecord):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lot(Record):
    """Goods a warehouse keeper took in (``record_intake``, custody.py): ``quantity`` is
    what was received after inspection. The id is the contract's, ``lot-<tx id prefix>``
    of the intake, so nobody names a lot or makes one without an intake record (V5)."""

    lot_id: str
    warehouse: str
    depositor: str
    commodity: str
    unit: str
    quantity: int
    grade: str
    moisture_permille: int
    location: str
    """The pile (bay, bin, silo) the intake put the goods in; one lot per pile (V5)."""
    received_at: str
    recorded_at: str
    issued: int = 0
    """Quantity ever receipted directly from this lot (never decreases: A1, A6)."""
    out: int = 0
    """Quantity that left the pile: withdrawn, or recorded lost (impairment.py)."""

    @property
    def in_store(self) -> int:
        return self.quantity - self.out

    @property
    def unreceipted(self) -> int:
        """What a new receipt may still cover: the intake less everything receipted."""
        return self.quantity - self.issued


class Insurance(Record):
    insurer: str
    amount: int
    until: str


class HistoryEntry(Record):
    """One step of a receipt's append-only history (X1): what, who signed, when."""

    event: str
    by: tuple[str, ...]
    at: str
    holder: str
    pledgee: str | None = None


class Receipt(Record):
    """An electronic warehouse receipt with the elements of Civil Code Art. 909."""

    receipt_id: str
    lot_id: str
    warehouse: str
    depositor: str
    holder: str
    commodity: str
    grade: str
    quantity: int
    unit: str
    shrinkage_bp: int
    location: str
    storage_days: int
    storage_fee: int
    value: int
    insurance: Insurance | None = None
    shrinkage_left: int = 0
    """Natural loss still within the shrinkage standard (``shrinkage_bp`` of the quantity at
    issue): recorded losses use it up first, uninsured (impairment.py)."""
    insured_loss: int = 0
    """Fen written down for losses beyond the shrinkage standard: what stored-goods
    insurance may pay on this receipt, at most its sum insured."""
    insurance_paid: int = 0
    lost: int = 0
    """Units written off this receipt since it was issued, split or merged (impairment.py)."""
    custodian: str | None = None
    """The collateral manager org that co-signed the issue (V5, custody.py)."""
    issued_at: str
    expiry: str
    state: ReceiptState = ReceiptState.ACTIVE
    loan_id: str | None = None
    pledgee: str | None = None
    applicants: tuple[str, ...] = ()
    """Banks the holder applied to with this receipt: showing a bank the collateral is
    part of applying, so they read it from then on (need to know, readers.py)."""
    parents: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = ()

    @property
    def lot_asset(self) -> str:
        return lot_asset(self.warehouse, self.lot_id)

    @property
    def asset(self) -> str:
        return receipt_asset(self.receipt_id)


class Custody(Record):
    """A warehouse under a collateral manager (V5): who it is, when it last counted the
    stock, when the next count is due, and what each count found missing, by
    ``commodity/unit``."""

    warehouse: str
    manager: str
    appointed_at: str
    checked_at: str | None = None
    due: str
    shortfalls: dict[str, int] = Field(default_factory=dict)


class Liquidation(Record):
    """How enforcement proceeds were applied (A10: costs, penalty, interest, principal,
    surplus), who got the goods and, for a take, the attested market value its agreed
    price was held against (V3). ``debt`` is what the borrower owed before the sale."""

    proceeds: int
    costs: int
    interest: int
    principal: int
    surplus: int
    debt: int
    penalty: int = 0
    new_holder: str = ""
    market_value: int = 0


class FailedAuction(Record):
    """An enforcement auction that drew no bid at or above its reserve (V3): recorded,
    the loan stays in default, and the bank may re-auction lower (never below the
    attested value less the haircut without the pledgor) or take at an agreed price."""

    at: str
    reserve: int
    best_bid: int
    market_value: int


class PriceAttestation(Record):
    """A price-oracle's attested market price (V1): fen per ``unit`` of a commodity grade,
    as of a time no later than the block that recorded it, and who attested it."""

    commodity: str
    grade: str
    unit: str
    price_per_unit: int
    as_of: str
    attester: str
    recorded_at: str


class Loan(LoanBalance):
    """A pledge loan: the lending core's balance (``due_at`` is the maturity) plus the
    product's fields. ``principal`` is the approved amount; it is owed from disbursement."""

    loan_id: str
    borrower: str
    bank: str
    state: LoanState = LoanState.APPLIED
    receipts: tuple[str, ...]
    applied_at: str
    tenor_days: int = 0
    approved_value: int = 0
    disbursed_at: str | None = None
    maturity: str | None = None
    disbursed_value: int = 0
    cure_deadline: str | None = None
    released: tuple[str, ...] = ()
    closure: Closure | None = None
    liquidation: Liquidation | None = None
    failed_auctions: tuple[FailedAuction, ...] = ()

    @property
    def principal_outstanding(self) -> int:
        """Principal out with the borrower (0 before disbursement)."""
        return 0 if self.disbursed_at is None else self.principal_due

    @property
    def debt(self) -> int:
        """What the borrower owes now (0 before disbursement); a write-off keeps it (L4)."""
        return 0 if self.disbursed_at is None else self.claim


def lot_asset(warehouse: str, lot_id: str) -> str:
    return f"lot:{warehouse}:{lot_id}"


def receipt_asset(receipt_id: str) -> str:
    return f"receipt:{receipt_id}"
