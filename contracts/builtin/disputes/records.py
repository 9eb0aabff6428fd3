"""State records of the disputes contract, its states and the keys they live under.

State (namespace ``disputes``)::

    dispute/<dispute id>   Dispute
    open/<asset id>        {"dispute": id}: present exactly while a dispute on the asset is open

Money (settlement): ``escrow:disputes:deposits`` holds the security of every open dispute;
``escrow:disputes:court`` holds compelled money only while a court's tx pays it down an
asset's payout path, and is empty after every tx.
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


class TermPath(StrEnum):
    """How a term's money moves (D3, D7), decided by the asset's contract, not the parties:
    ``account``: from the payer's account to the payee's; ``asset``: down the frozen
    asset's own payout path (``contracts.assets.court_path``: claims pays the loss payee
    first and never above the sum insured; a financed receivable pays the bank first)."""

    ACCOUNT = "account"
    ASSET = "asset"


class Term(Record):
    """One money term of an agreement or judgment: payer pays payee ``amount`` fen."""

    payer: str
    payee: str
    amount: int
    via: TermPath = TermPath.ACCOUNT


class Sale(Record):
    """A court-ordered sale of the frozen asset (a pledged receipt) to ``buyer``, whose
    price runs the loan's A10 waterfall: costs, interest, principal, surplus to the pledgor."""

    buyer: str
    price: int
    costs: int = 0


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


class JudgmentDebt(Record):
    """One money term of an enforced agreement or judgment and what has been paid on it;
    the rest is a judgment debt that the payer's later payments reduce (D7)."""

    payer: str
    payee: str
    amount: int
    paid: int = 0
    via: TermPath = TermPath.ACCOUNT

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


class Judgment(Record):
    """The court's outcome: a confirmed agreement enforced, or a judgment after litigation."""

    upheld: bool
    court_ref: str
    entered_by: str
    entered_org_type: str
    entered_role: str
    at: str
    debts: tuple[JudgmentDebt, ...] = ()
    sale: Sale | None = None


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
    claimed: int = 0
    deposit: int = 0  # security escrowed by the claimant at filing (D6)
    deposit_to: str | None = None  # who received it when the dispute closed
    judgment: Judgment | None = None
    history: tuple[Step, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES

    @property
    def upheld(self) -> bool:
        """Whether the claim stood, once closed: an agreement performed, or a court's
        outcome upholding it. Declined and withdrawn cases are dismissed."""
        if self.state is DisputeState.PERFORMED:
            return True
        return self.judgment is not None and self.judgment.upheld

    @property
    def deposit_owed_to(self) -> str:
        """Where the security goes at closing (D6): back to the claimant if the claim
        was upheld, else to the respondent for the freeze it bore."""
        return self.claimant if self.upheld else self.respondent


def dispute_key(dispute: str) -> str:
    return f"dispute/{dispute}"


def open_key(asset: str) -> str:
    return f"open/{asset}"
