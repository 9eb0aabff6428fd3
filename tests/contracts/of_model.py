"""The order-finance machine's roster and its plain Python model of orders and loans.

The model follows the contract step by step (contract.py, delivery.py, recovery.py):
interest accrues only in a committed tx, as the lending core does it (``MLoan``), so a
model that accrued on a rejected tx would disagree with the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from contracts.testing import OrgSpec, with_node_keys
from ledger.timefmt import format_time, parse_time

ORGS = with_node_keys([
    OrgSpec("gov", "government", (("pboc", "central_bank"),)),
    # the admins, risk officer, farmer and the revoked "old" members are only attackers
    OrgSpec("bank-a", "bank", (("officer", "loan_officer"), ("admin", "admin"),
                               ("risk", "risk_officer"), ("old", "loan_officer"))),
    OrgSpec("bank-b", "bank", (("officer", "loan_officer"),)),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("manager", "manager"),
                                      ("temp", "manager"), ("farmer", "farmer"))),
    OrgSpec("coop-b", "cooperative", (("manager", "manager"),)),
    OrgSpec("buyer", "buyer", (("purchaser", "purchaser"), ("treasurer", "treasurer"),
                               ("admin", "admin"), ("old", "treasurer"))),
    OrgSpec("buyer-b", "buyer", (("purchaser", "purchaser"), ("treasurer", "treasurer"))),
])
MEMBERS = {f"{o.id}.{name}": (o.id, role) for o in ORGS for name, role in o.members}
SELLERS = ["coop-a.manager", "coop-a.manager", "coop-b.manager", "coop-a.temp",
           "buyer.purchaser"]
PURCHASERS = ["buyer.purchaser", "buyer.purchaser", "buyer-b.purchaser"]
TREASURERS = ["buyer.treasurer", "buyer.treasurer", "buyer-b.treasurer"]
OFFICERS = ["bank-a.officer", "bank-b.officer"]
FINANCIERS = ["bank-a.officer", "bank-a.officer", "bank-b.officer", "coop-a.manager"]
HOLDERS = ["coop-a.manager", "coop-a.manager", "coop-b.manager", "coop-a.temp"]
CONSENTS = ["lender", "lender", "none", "other bank"]
MANAGERS = ["coop-a.manager", "coop-a.manager", "coop-b.manager", "coop-a.temp"]
DECLARERS = ["bank-a.officer", "bank-b.officer", "coop-a.manager", "coop-b.manager",
             "buyer.purchaser"]
RICH = 10**15
MAX_PRICE = 5_000  # fen/kg: 40 t at most is 2 m CNY, so a loan at the 50 % ratio stays within
# a bank's dual-control threshold (1 m CNY) and one loan officer may disburse it
DAY_FEN = 10_000 * 360
START_DAY = "2026-03-01T00:00:00Z"
DELIVERY_DAYS = 60  # each order's delivery is due this many days after it is created
PAYMENT_DAYS = 30  # the contract's default term: the invoice is due 30 days after it
OPEN = {"ACTIVE", "ACCELERATED", "DIRECT_DEBT", "RECOURSE"}


def day_time(day: int) -> str:
    return format_time(parse_time(START_DAY) + dt.timedelta(days=day))


@dataclass
class MLoan:
    """The loan as the lending core keeps it: exact numerators floored once (the core
    carries the sub-fen remainder), penalty at 1.5 x the rate from the due day on (L2),
    the waterfall penalty, interest, principal, and a write-off that recoveries reduce."""

    lender: str
    principal: int
    rate: int
    accrued_day: int
    due_day: int
    status: str = "ACTIVE"
    lien: bool = True
    interest_num: int = 0
    penalty_num: int = 0
    interest_paid: int = 0
    penalty_paid: int = 0
    principal_paid: int = 0
    written_off: int = 0
    recovered: int = 0

    @property
    def interest(self) -> int:
        return self.interest_num // DAY_FEN

    @property
    def penalty(self) -> int:
        return self.penalty_num // (DAY_FEN * 10_000)

    def accrue(self, day: int) -> None:
        if self.status in OPEN and day > self.accrued_day:
            due = self.principal - self.principal_paid
            days = day - self.accrued_day
            normal = min(days, max(0, self.due_day - self.accrued_day))
            self.interest_num += due * self.rate * normal
            self.penalty_num += due * self.rate * 15_000 * (days - normal)
            self.accrued_day = day

    def outstanding_on(self, day: int) -> int:
        """What the loan would owe on ``day`` without storing the accrual: the contract
        accrues only in committed txs, so a rejected tx must not accrue."""
        probe = replace(self)
        probe.accrue(day)
        return probe.outstanding

    @property
    def claim(self) -> int:
        return (self.penalty - self.penalty_paid + self.interest - self.interest_paid
                + self.principal - self.principal_paid)

    @property
    def outstanding(self) -> int:
        return self.claim if self.status in OPEN else 0

    @property
    def claim_left(self) -> int:
        return self.written_off if self.status == "DEFAULTED" and self.lien else 0

    def pay(self, available: int) -> int:
        """The waterfall: penalty, interest, principal; a fen after a write-off recovers."""
        penalty = min(available, self.penalty - self.penalty_paid)
        interest = min(available - penalty, self.interest - self.interest_paid)
        principal = min(available - penalty - interest, self.principal - self.principal_paid)
        self.penalty_paid += penalty
        self.interest_paid += interest
        self.principal_paid += principal
        paid = penalty + interest + principal
        recovery = min(paid, self.written_off)
        self.written_off -= recovery
        self.recovered += recovery
        return paid

    def collect(self, available: int) -> int:
        paid = self.pay(available)
        if self.outstanding == 0:
            self.status, self.lien = "CLOSED", False
        return paid

    def recover(self, available: int) -> int:
        amount = self.pay(min(available, self.claim_left))
        if amount and self.claim == 0:
            self.status, self.lien = "CLOSED", False
        return amount

    def write_off(self, day: int, *, keep_claim: bool) -> None:
        self.accrue(day)
        self.written_off = self.outstanding
        self.status = "DEFAULTED"
        self.lien = self.lien and keep_claim


@dataclass
class MOrder:
    seller: str
    buyer: str
    qty: int
    price: int
    due_day: int
    status: str = "DRAFT"
    delivered: int = 0
    inspected: int = 0
    accepted: int = 0
    shipments: int = 0
    late_shipments: int = 0
    days_late: int = 0
    remainder_cancelled: int = 0
    payment_due_day: int = 0
    buyer_defaulted: bool = False
    invoice: int = 0
    paid_in: int = 0
    paid_out: int = 0
    loan: MLoan | None = None
    receivables: dict[str, list[Any]] = field(default_factory=dict)  # id -> [amount, holder, open]
    plan: tuple[str, str] = ("settle", "full")  # steering's ending and delivery

    @property
    def remaining(self) -> int:
        return self.qty - self.delivered

    def bank_first(self, day: int) -> int:
        """recovery.bank_first: what sits in the controlled account pays the bank."""
        available, loan, taken = self.paid_in - self.paid_out, self.loan, 0
        if loan is not None and available > 0:
            if loan.status in OPEN:
                loan.accrue(day)
                taken = loan.collect(available)
            else:
                taken = loan.recover(available)
        self.paid_out += taken
        return taken

    def waterfall(self, day: int) -> None:
        """The bank first, then the rest to the open receivables, which all close."""
        self.bank_first(day)
        self.paid_out = self.paid_in
        for rec in self.receivables.values():
            rec[2] = False
