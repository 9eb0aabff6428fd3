"""State records of the disputes contract, its states and the keys they live under.

State (namespace ``disputes``)::

    dispute/<dispute id>   Dispute
    open/<asset id>        {"dispute": id}: present exactly while a dispute on the asset is open
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict

from contracts.records import Record as BaseRecord


class DisputeState(StrEnum):
    FILED = "FILED"
    ACCEPTED = "ACCEPTED"
    MEDIATING = "MEDIATING"
    AGREEMENT_SIGNED = "AGREEMENT_SIGNED"
    CONFIRMATION_REQUESTED = "CONFIRMATION_REQUESTED"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    PERFORMED = "PERFORMED"
    ENFORCED = "ENFORCED"
    FAILED = "FAILED"
    LITIGATION = "LITIGATION"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


CLOSED_STATES = frozenset({
    DisputeState.PERFORMED, DisputeState.ENFORCED, DisputeState.DECLINED, DisputeState.WITHDRAWN,
})
# The complaint-handling timer runs while the committee has not yet concluded mediation.
HANDLING_STATES = frozenset({DisputeState.FILED, DisputeState.ACCEPTED, DisputeState.MEDIATING})


class Complexity(StrEnum):
    SIMPLE = "simple"
    COMPLEX = "complex"


class Record(BaseRecord):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(Record):
    """One money term of an agreement: payer pays payee ``amount`` fen."""

    payer: str
    payee: str
    amount: int


class Agreement(Record):
    terms: tuple[Term, ...]
    text_hash: str
    sealed_by: str
    sealer_org_type: str
    sealer_role: str
    signed_at: str
    confirm_by: str


class Escalation(Record):
    deadline: str
    at: str
    by: str


class Step(Record):
    state: DisputeState
    at: str
    by: str


class Dispute(Record):
    id: str
    asset: str
    claimant: str
    respondent: str
    complexity: Complexity
    summary: str
    state: DisputeState
    filed_at: str
    deadline: str
    extended: bool = False
    escalations: tuple[Escalation, ...] = ()
    agreement: Agreement | None = None
    performed: tuple[Term, ...] = ()
    court_ref: str | None = None
    history: tuple[Step, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES


def dispute_key(dispute: str) -> str:
    return f"dispute/{dispute}"


def open_key(asset: str) -> str:
    return f"open/{asset}"
