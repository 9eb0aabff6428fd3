"""State records of the claims contract and where they live.

State keys (namespace ``claims``)::

    policy/<policy id>                 PolicyHead: terms, premium and shares (fixed size)
    cover/<policy id>~<insured>        Cover of one insured household
    claim/<claim id>                   ClaimHead: state, dates, open objections (fixed size)
    household/<claim id>~<insured>     Assessment of one household on the claim
    declaration/<declaration id>       Declaration of a disaster by government
    reading/<reading id>               Reading of a weather station, attested
    station/<station>/<policy id>      index policies watching a station
    event/<policy id>~<event>          the claim of one event on a policy (C13)
    book/<book id>                     Book: a season's policy book of one insurer
    breach/<claim id>/<kind>/<insured> Breach of the survey or payment deadline
    programme/<programme id>           Programme: a government level's budget for a fiscal year
    insured/<insured>~<crop>~<policy>  CoverIndex: who covers a household's crop when (C12)
    evidence/<sha-256 hex>             EvidenceUse: the claim and household a hash supports (C16)

Times are RFC 3339 UTC strings (block time); money in fen; areas in centi-mu
(1/100 mu); ratios and caps in basis points.

Each household has its own key, so an action on one household reads and writes
that household's record and a fixed-size parent, whatever the size of the group:
a group of n households costs O(n) bytes per claim, not O(n^2). ``~`` ends the
parent id in a child key because ids never contain it (``contracts.types.Id``),
so a scan of ``cover/p1~`` never picks up the covers of a policy ``p1/x``.
``Policy`` and ``Claim`` are the assembled forms (parent plus every household) the
views return and the invariants check; they are never stored.
"""

# Mutable defaults (`= []`, `= {}`) are safe: pydantic copies them per instance. Ruff
# only knows that for classes deriving from BaseModel in this same file.
# ruff: noqa: RUF012

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypeVar

from contracts.builtin.claims.clock import latest
from contracts.builtin.claims.payout import sum_insured
from contracts.context import ReadContext
from contracts.records import Record


class PolicyState(StrEnum):
    APPLIED = "APPLIED"
    UNDERWRITTEN = "UNDERWRITTEN"
    PUBLICISED = "PUBLICISED"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"  # the period has ended: no new losses, claims still settle
    CLOSED = "CLOSED"  # expired with no claim open
    CANCELLED = "CANCELLED"


ACTIVATED = (PolicyState.ACTIVE, PolicyState.EXPIRED, PolicyState.CLOSED)


class PolicyKind(StrEnum):
    INDEMNITY = "indemnity"
    INDEX = "index"


class ShareLevel(StrEnum):
    CENTRAL = "central"
    PROVINCE = "province"
    COUNTY = "county"
    FARMER = "farmer"


LossPayeeKind = Literal["warehouse_receipt", "order_finance"]


class LossPayee(Record):
    """The creditor paid first: a pledge loan (loan id) or a financed order (order id)."""

    kind: LossPayeeKind
    ref: str


class Personal(Record):
    """Salted hashes of the household's personal data; the plaintext is only in the
    private stores of the entitled organisations' peers (never in state)."""

    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    bank_card: str | None = None
    plot_location: str | None = None
    purged_at: str | None = None

    def hashes(self) -> list[str]:
        return [h for h in (self.name, self.id_number, self.phone, self.bank_card,
                            self.plot_location) if h is not None]


class Cover(Record):
    insured: str
    insured_area: int
    planted_area: int
    plot: str | None = None
    loss_payee: LossPayee | None = None
    paid: int = 0
    personal: Personal | None = None

    def sum_insured(self, sum_insured_per_mu: int) -> int:
        return sum_insured(sum_insured_per_mu, self.insured_area)


class IndexTerms(Record):
    station: str
    metric: str
    direction: Literal["at_or_below", "at_or_above"]
    threshold: int
    window_start: str
    window_end: str
    payout_bp: int

    def crossed(self, value: int) -> bool:
        if self.direction == "at_or_below":
            return value <= self.threshold
        return value >= self.threshold


class PolicyHead(Record):
    """A policy without its covers: what every action on the policy reads."""

    id: str
    state: PolicyState
    kind: PolicyKind
    coop: str
    insurer: str
    book: str
    crop: str
    region: str
    period_start: str
    period_end: str
    perils: list[str]
    sum_insured_per_mu: int
    premium_per_mu: int
    stage_caps: dict[str, int]
    index: IndexTerms | None = None
    premium: int
    shares_bp: dict[ShareLevel, int]
    shares_due: dict[ShareLevel, int]
    shares_paid_by: dict[ShareLevel, str] = {}
    share_programmes: dict[ShareLevel, str] = {}  # government level -> budget programme
    double_insurance: bool = False
    enrolled_at: str
    underwritten_at: str | None = None
    publicity_ends: str | None = None
    activated_at: str | None = None
    ended_at: str | None = None  # expired, closed or cancelled
    refunds: dict[ShareLevel, int] = {}

    @property
    def cover_from(self) -> str | None:
        """When cover attaches (C11): the later of activation and the period start."""
        if self.activated_at is None:
            return None
        return latest(self.activated_at, self.period_start)

    @property
    def earned(self) -> int:
        """Premium the insurer keeps: all of it once active, less any cancellation refund."""
        if self.activated_at is None:
            return 0
        return self.premium - sum(self.refunds.values())


class Policy(PolicyHead):
    """A policy with every cover, assembled for views and invariants (never stored)."""

    covers: dict[str, Cover]

    def total_sum_insured(self) -> int:
        return sum(c.sum_insured(self.sum_insured_per_mu) for c in self.covers.values())


class ClaimKind(StrEnum):
    INDEMNITY = "indemnity"
    INDEX = "index"


class ClaimState(StrEnum):
    REPORTED = "REPORTED"
    SURVEYED = "SURVEYED"
    ASSESSED = "ASSESSED"
    VERIFIED = "VERIFIED"
    PUBLICISED = "PUBLICISED"
    DECLINED = "DECLINED"
    TRIGGERED = "TRIGGERED"  # index claim: no survey, no publicity


class HouseholdState(StrEnum):
    ASSESSED = "ASSESSED"
    OBJECTED = "OBJECTED"
    AGREED = "AGREED"
    PAID = "PAID"


class Payment(Record):
    """One transfer of claim money: the loss payee first up to its debt, the insured the rest."""

    amount: int
    to_payee: int
    to_insured: int
    payee_debt: int | None  # outstanding debt read just before paying; None if no loss payee
    lender: str | None = None
    advance: bool = False
    at: str


class Assessment(Record):
    """One household's loss and what it is owed (assessed to household, paid to household)."""

    state: HouseholdState
    loss_bp: int = 0
    damaged_area: int = 0
    stage: str = ""
    evidence: list[str] = []
    formula: int  # C1 amount before the sum-insured cap
    amount: int  # formula (its share under double insurance) capped at the remaining sum insured
    other_sum_insured: int = 0  # other covers of the plot at the loss date (C12)
    advanced: int = 0
    paid: int = 0  # advances + final payment
    payments: list[Payment] = []
    shortfall: int = 0  # amount not paid because the sum insured ran out (C2)
    awarded: int = 0  # court award on the claim deducted from the final payment (D7)
    objection: str | None = None
    agreed_at: str | None = None
    pay_due: str | None = None
    paid_at: str | None = None


class CourtAward(Record):
    """What courts' judgments paid one insured on one claim down the payout path (D7):
    counted against the sum insured and the claim's own payment, so the insured is not
    paid twice for the loss, once by the court and again on the claim."""

    paid: int = 0
    payments: list[Payment] = []


class BaseClaim(Record):
    """The fields of a claim that are not per household."""

    id: str
    kind: ClaimKind
    policy_id: str
    peril: str
    occurred_at: str
    declaration_id: str | None = None
    reading_id: str | None = None
    reported_at: str
    reported_by: str
    survey_due: str | None = None
    surveyed_at: str | None = None
    survey_evidence: list[str] = []
    state: ClaimState
    verified_at: str | None = None
    publicity_ends: str | None = None
    decline_reason: str | None = None


class ClaimHead(BaseClaim):
    """A claim without its households, as stored; ``objected`` counts the households in
    OBJECTED, so verification need not read them all."""

    objected: int = 0


class Claim(BaseClaim):
    """A claim with every household, assembled for views and invariants (never stored)."""

    households: dict[str, Assessment] = {}


class Declaration(Record):
    id: str
    peril: str
    region: str
    window_start: str
    window_end: str
    severity: int
    declared_by: str
    declared_at: str


class Reading(Record):
    id: str
    station: str
    metric: str
    observed_at: str
    value: int
    attested_by: str
    attested_at: str
    triggered: list[str] = []


class Book(Record):
    """A season's policy book of one insurer (the consortium's ring-fenced account)."""

    id: str
    insurer: str
    premium: int = 0
    paid: int = 0
    government_settled: int = 0
    settled_from: dict[str, int] = {}  # budget programme -> loss share paid from it
    closed: bool = False


class Programme(Record):
    """A government level's budget for a fiscal year, from which its shares are paid (C17)."""

    id: str
    level: str
    purpose: Literal["premium", "loss_share"]
    fiscal_year: int
    budget: int
    spent: int = 0  # paid out, less refunds returned to it
    treasury: str  # the government org whose account pays
    published_by: str
    published_at: str


class CoverIndex(Record):
    """One cover of a household's crop on a policy, indexed by household (C12)."""

    policy_id: str
    insurer: str
    plot: str | None
    period_start: str
    period_end: str
    sum_insured: int
    double_insurance: bool


class EvidenceUse(Record):
    """The claim, and once assessed the household, an evidence hash supports (C16)."""

    claim_id: str
    insured: str | None = None


class BreachKind(StrEnum):
    SURVEY = "survey"
    PAYMENT = "payment"


class Breach(Record):
    claim_id: str
    kind: BreachKind
    insured: str | None
    due: str
    recorded_at: str
    recorded_by: str


def breach_key(claim_id: str, kind: BreachKind, insured: str | None) -> str:
    return f"breach/{claim_id}/{kind.value}/{insured or '-'}"


def events_prefix(policy_id: str) -> str:
    return f"event/{policy_id}~"


def programme_key(programme_id: str) -> str:
    return f"programme/{programme_id}"


def cover_index_prefix(insured: str, crop: str) -> str:
    return f"insured/{insured}~{crop}~"


def cover_index_key(insured: str, crop: str, policy_id: str) -> str:
    return cover_index_prefix(insured, crop) + policy_id


def evidence_key(digest: str) -> str:
    return f"evidence/{digest}"


def covers_prefix(policy_id: str) -> str:
    return f"cover/{policy_id}~"


def cover_key(policy_id: str, insured: str) -> str:
    return covers_prefix(policy_id) + insured


def households_prefix(claim_id: str) -> str:
    return f"household/{claim_id}~"


def household_key(claim_id: str, insured: str) -> str:
    return households_prefix(claim_id) + insured


def award_key(claim_id: str, insured: str) -> str:
    return f"award/{claim_id}~{insured}"


R = TypeVar("R", bound=Record)


def scan(ctx: ReadContext, model: type[R], prefix: str) -> list[R]:
    return [model.model_validate(v) for _, v in ctx.scan(prefix)]


def scan_children(ctx: ReadContext, model: type[R], prefix: str) -> dict[str, R]:
    """{insured: record} of the per-household keys under ``prefix`` (a ``covers_prefix``
    or ``households_prefix``), in key order."""
    cut = len(prefix)
    return {key[cut:]: model.model_validate(value) for key, value in ctx.scan(prefix)}


def split_child_key(key: str) -> tuple[str, str]:
    """(parent id, insured) of a ``cover/...`` or ``household/...`` key."""
    parent, _, insured = key.partition("/")[2].partition("~")
    return parent, insured


def with_covers(head: PolicyHead, covers: dict[str, Cover]) -> Policy:
    return Policy(**dict(head), covers=covers)


def with_households(head: BaseClaim, households: dict[str, Assessment]) -> Claim:
    fields = {name: getattr(head, name) for name in BaseClaim.model_fields}
    return Claim(**fields, households=households)
