"""State records of the credit contract and the keys they live under.

State (namespace ``credit``)::

    village/<village id>                  Village
    household/<subject id>                Household (a rated borrower: member or org id)
    default/<subject id>/<loan id>        DefaultRecord (one per defaulted loan)
    programme/<programme id>              Programme (an interest-subsidy programme)
    payment/<programme id>/<seq, 10 digits>  SubsidyPayment (one per subsidised interest payment)
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict

from contracts.records import Record as BaseRecord


class Tier(StrEnum):
    """Household credit ratings, best first (docs/domain.md 4.1)."""

    AAA = "AAA"
    AA = "AA"
    A = "A"
    B = "B"
    UNRATED = "unrated"


class BorrowerKind(StrEnum):
    HOUSEHOLD = "household"
    COOPERATIVE = "cooperative"
    MERCHANT = "merchant"


class SubsidyRule(StrEnum):
    """How a programme's subsidy is computed from one interest payment (docs/domain.md 4.2)."""

    SHARE = "share"  # a fixed share (bp) of the interest
    ABOVE_LPR = "above_lpr"  # the part of the rate above LPR - spread


class Record(BaseRecord):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scores(Record):
    """The four rated dimensions, each an integer 0..100."""

    moral_character: int
    credit_record: int
    business_ability: int
    repayment_capacity: int

    def total(self) -> int:
        return (
            self.moral_character + self.credit_record + self.business_ability
            + self.repayment_capacity
        )


class Household(Record):
    subject: str
    village: str
    kind: BorrowerKind
    tier: Tier
    scores: Scores
    attested_by: str
    attester_org_type: str
    attester_role: str
    attested_at: str
    defaults: int = 0
    in_default: bool = False  # a default since the last attestation: not "good" for its village


class Village(Record):
    id: str
    name: str
    households: int = 0
    good: int = 0  # households rated >= A and not in default
    defaults: int = 0
    credit_village: bool = False
    status_since: str


class DefaultRecord(Record):
    borrower: str
    loan_id: str
    reported_by: str
    at: str
    tier_before: Tier
    tier_after: Tier


class Programme(Record):
    id: str
    name: str
    borrower_kinds: tuple[BorrowerKind, ...]
    products: tuple[str, ...]
    rule: SubsidyRule
    share_bp: int | None
    spread_bp: int
    lpr_bp: int | None
    budget: int
    funded: int = 0
    paid: int = 0
    refunded: int = 0
    payments: int = 0
    open: bool = True
    treasury: str
    escrow: str
    published_by: str
    published_at: str

    @property
    def available(self) -> int:
        """Fen still payable: what was funded and neither paid nor refunded."""
        return self.funded - self.paid - self.refunded


class SubsidyPayment(Record):
    programme: str
    loan_id: str
    borrower: str
    lender: str
    product: str
    interest: int
    rate_bp: int
    term_days: int
    subsidy: int
    caller: str
    at: str
    tx_id: str


def village_key(village: str) -> str:
    return f"village/{village}"


def household_key(subject: str) -> str:
    return f"household/{subject}"


def default_key(borrower: str, loan_id: str) -> str:
    return f"default/{borrower}/{loan_id}"


def programme_key(programme: str) -> str:
    return f"programme/{programme}"


def payment_key(programme: str, seq: int) -> str:
    return f"payment/{programme}/{seq:010d}"
