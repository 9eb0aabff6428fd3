"""The typed result of one scenario run: every figure the report shows, by attribute.

``metrics.json`` is this model dumped (``ScenarioResult.to_json``), and an old
``metrics.json`` loads back into it (``ScenarioResult.model_validate``), so a report
can be re-rendered from a file. ``to_row`` flattens every number to a dotted name,
the names a scenario's ``metric`` expectations use, for tables of many runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class LoanStats(_Part):
    """One bank's (or one bank and product's) loans."""

    issued: int = 0
    issued_fen: int = 0
    outstanding_fen: int = 0
    repaid: int = 0
    defaulted: int = 0
    written_off_fen: int = 0


class ProductLine(LoanStats):
    bank: str
    product: str


class PeerEnd(_Part):
    """Where one peer ended."""

    height: int
    head: str
    up: bool
    behaviour: str


class ChainFigures(_Part):
    blocks: int = 0
    txs: int = 0
    committed: int = 0
    rejected: int = 0
    rejected_by_code: dict[str, int] = Field(default_factory=dict)
    head_hash: str = ""
    state_hash: str = ""
    heads_equal: bool = False
    peers: dict[str, PeerEnd] = Field(default_factory=dict)


class CreditFigures(_Part):
    by_bank: dict[str, LoanStats] = Field(default_factory=dict)
    by_bank_product: list[ProductLine] = Field(default_factory=list)
    outstanding_series: dict[str, list[list[int | float]]] = Field(default_factory=dict)
    """Per bank, [day, outstanding fen] after each change (a step chart)."""
    loans: int = 0
    margin_calls: int = 0
    margin_calls_cured: int = 0
    enforced: int = 0
    auctioned: int = 0
    taken_by_lender: int = 0
    repaid: int = 0
    defaulted: int = 0
    issued_fen: int = 0
    outstanding_fen: int = 0


class ClaimStages(_Part):
    """One claim's days (since the scenario's start) at each stage it reached."""

    claim_id: str
    reported_day: float | None = None
    surveyed_day: float | None = None
    agreed_day: float | None = None
    paid_day: float | None = None
    paid_fen: int = 0
    to_loss_payee_fen: int = 0


class Breach(_Part):
    claim_id: str
    kind: str = ""
    insured: str | None = None
    due: str
    days_late: float = 0.0


class ClaimFigures(_Part):
    timeline: list[ClaimStages] = Field(default_factory=list)
    count: int = 0
    paid: int = 0
    paid_fen: int = 0
    to_loss_payee_fen: int = 0
    days_to_payout_mean: float = 0.0
    days_to_payout_max: float = 0.0
    deadline_breaches: int = 0
    duplicates_refused: int = 0
    policies_expired: int = 0
    policies_closed: int = 0
    breaches: list[Breach] = Field(default_factory=list)


class PremiumFigures(_Part):
    by_level: dict[str, int] = Field(default_factory=dict)
    total_fen: int = 0
    subsidy_fen: int = 0
    farmers_fen: int = 0


class SubsidyFigures(_Part):
    """The interest-subsidy programme: funded budget, paid subsidy, payments."""

    budget_fen: int = 0
    used_fen: int = 0
    payments: int = 0

    @property
    def any(self) -> bool:
        return bool(self.budget_fen or self.used_fen or self.payments)


class SeasonLoans(_Part):
    issued: int = 0
    issued_fen: int = 0


class SeasonFigures(_Part):
    """One season of the run (the scenario's ``seasons`` boundaries): loans disbursed in it,
    and interest and subsidies paid in it (under the rules in force when paid)."""

    from_day: float
    to_day: float
    loans: int = 0
    issued_fen: int = 0
    by_bank: dict[str, SeasonLoans] = Field(default_factory=dict)
    """Every bank of the scenario, a joining one too (0 before it lends)."""
    interest_fen: int = 0
    """Interest paid on loans in the season: the borrowers' part plus the subsidies."""
    borrowers_interest_fen: int = 0
    subsidy_fen: int = 0
    subsidy_payments: int = 0
    subsidy_share_bp: int = 0
    """The subsidies' share of the interest, floor(subsidy x 10000 / interest)."""


class ProposalLine(_Part):
    """A governance proposal as it stands at the end of the run."""

    id: str
    kind: str
    proposer: str
    status: str
    effective: str
    """``height N`` or ``day D`` (the proposal's effective point)."""
    approvals: list[str] = Field(default_factory=list)
    rejections: list[str] = Field(default_factory=list)
    proposed_day: float | None = None
    decided_day: float | None = None


class RefusedTx(_Part):
    """A scripted step's tx (timeline or governance) that the ledger refused."""

    day: float
    actor: str
    action: str
    code: str
    message: str = ""


class ExposureEdge(_Part):
    lender: str = Field(alias="from")
    borrower: str = Field(alias="to")
    fen: int


class ExposureFigures(_Part):
    edges: list[ExposureEdge] = Field(default_factory=list)
    kinds: dict[str, str] = Field(default_factory=dict)
    """Organisation id -> its type (bank, cooperative, ...), for the chart's colours."""


class OrderFigures(_Part):
    created: int = 0
    confirmed: int = 0
    financed: int = 0
    financed_fen: int = 0
    cancelled: int = 0
    short_delivered: int = 0
    late_deliveries: int = 0
    buyer_defaults: int = 0
    shortfall_to_direct_debt: int = 0
    settled: int = 0


class FaultRecord(_Part):
    day: float
    kind: str
    target: str = ""
    recovery: str = ""


class Flag(_Part):
    by: list[str]
    height: int


class NetworkFigures(_Part):
    events: list[str] = Field(default_factory=list)
    messages: dict[str, int] = Field(default_factory=dict)
    lost: int = 0


class ClientFigures(_Part):
    submitted: int = 0
    committed: int = 0
    rejected: int = 0
    refused_at_gate: int = 0
    by_action: dict[str, int] = Field(default_factory=dict)
    rejections: dict[str, int] = Field(default_factory=dict)
    """``contract.action:CODE`` -> count, expected rejections included."""
    scripted_refusals: list[RefusedTx] = Field(default_factory=list)
    """Refusals of the scenario's scripted steps, each with its code, in order."""


class Figures(_Part):
    """Everything folded from the chain and the network's report (``MetricsCollector.finish``)."""

    chain: ChainFigures = Field(default_factory=ChainFigures)
    credit: CreditFigures = Field(default_factory=CreditFigures)
    claims: ClaimFigures = Field(default_factory=ClaimFigures)
    premium: PremiumFigures = Field(default_factory=PremiumFigures)
    subsidy: SubsidyFigures = Field(default_factory=SubsidyFigures)
    exposure: ExposureFigures = Field(default_factory=ExposureFigures)
    orders: OrderFigures = Field(default_factory=OrderFigures)
    disputes: dict[str, int] = Field(default_factory=dict)
    faults: list[FaultRecord] = Field(default_factory=list)
    flagged: dict[str, Flag] = Field(default_factory=dict)
    network: NetworkFigures = Field(default_factory=NetworkFigures)
    clients: ClientFigures = Field(default_factory=ClientFigures)
    seasons: dict[str, SeasonFigures] = Field(default_factory=dict)
    """Season number (from 1) -> its figures, when the scenario names ``seasons``."""
    proposals: list[ProposalLine] = Field(default_factory=list)


class RunInfo(_Part):
    scenario: str = "?"
    seed: int | None = None
    days: int | None = None
    wall_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    stories_finished: int = 0
    stories_unfinished: int = 0
    view: str | None = None
    """The member whose reads the figures are (the regulator), or None."""


class ExpectationResult(_Part):
    description: str
    ok: bool
    expected: str
    actual: str


class ScenarioResult(Figures):
    """One run's figures, how it ran, and its expectations judged."""

    run: RunInfo = Field(default_factory=RunInfo)
    expectations: list[ExpectationResult] = Field(default_factory=list)
    passed: bool = False

    def to_json(self) -> dict[str, Any]:
        """The ``metrics.json`` document (the names expectations and old files use)."""
        return self.model_dump(mode="json", by_alias=True)

    def to_row(self) -> dict[str, float]:
        """Every number by dotted name (``credit.defaulted``, ``clients.rejections.x:CODE``):
        the names a ``metric`` expectation takes; lists (timelines, edges) are left out."""
        return dict(_numbers(self.to_json(), ""))


def _numbers(node: Any, prefix: str) -> list[tuple[str, float]]:
    if isinstance(node, Mapping):
        return [
            pair
            for key, sub in node.items()
            if "." not in str(key)
            for pair in _numbers(sub, f"{prefix}{key}.")
        ]
    if isinstance(node, bool):
        return [(prefix.rstrip("."), int(node))]
    if isinstance(node, int | float):
        return [(prefix.rstrip("."), node)]
    return []
