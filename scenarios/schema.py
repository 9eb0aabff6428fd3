"""The scenario file format: a season of a county's supply-chain finance, checked by pydantic.

A scenario names the network (organisations, members, which orgs run peers,
topology, orderer and contract parameters), populations of agents generated from
parameters, agent behaviour parameters, an explicit timeline of actions by named
members, faults, and expectations checked at the end. Simulated time is in days
from ``start``; fractional days are allowed (0.5 = noon).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ledger.timefmt import is_rfc3339_utc


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Day = Annotated[float, Field(ge=0.0)]


class OrgEntry(_Spec):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: Literal["government", "bank", "insurer", "cooperative", "warehouse", "buyer", "appraiser"]
    members: dict[str, str] = Field(default_factory=dict, description="member name -> role")
    peer: bool = Field(default=True, description="whether this organisation runs a peer")
    joins_day: Day | None = Field(
        default=None,
        description="not in genesis: admitted by a governance add_org step before this day, "
        "on which its admin enrols its members and it is funded and starts business",
    )


class LinkSpec(_Spec):
    a: str
    b: str
    latency_ms: int = Field(ge=0)
    loss: Probability = 0.0


class TopologySpec(_Spec):
    latency_ms: int = Field(default=20, ge=0, description="default one-way latency of every link")
    loss: Probability = 0.0
    links: list[LinkSpec] = Field(default_factory=list)


class OrdererSpec(_Spec):
    batch_size: int = Field(default=500, ge=1)
    max_wait_ms: int = Field(default=200, ge=1)
    sync_interval_ms: int = Field(
        default=60_000, ge=100, description="how often a peer asks the orderer for missed batches"
    )


class ContractSpec(_Spec):
    params: dict[str, Any] = Field(default_factory=dict)
    policies: dict[str, Any] = Field(default_factory=dict)


class NetworkSpec(_Spec):
    chain_id: str = Field(min_length=1)
    organisations: list[OrgEntry] = Field(min_length=1)
    topology: TopologySpec = TopologySpec()
    orderer: OrdererSpec = OrdererSpec()
    contracts: dict[str, ContractSpec] = Field(
        default_factory=dict, description="enabled contracts; empty means every installed built-in"
    )

    @model_validator(mode="after")
    def _unique_org_ids(self) -> NetworkSpec:
        seen: set[str] = set()
        for org in self.organisations:
            if org.id in seen:
                raise ValueError(f"organisation {org.id!r} is listed twice")
            seen.add(org.id)
        return self


Rating = Literal["AAA", "AA", "A", "B", "unrated"]


def _default_ratings() -> dict[Rating, float]:
    return {"AAA": 0.1, "AA": 0.3, "A": 0.4, "B": 0.1, "unrated": 0.1}


class PopulationSpec(_Spec):
    """Members generated from parameters, e.g. 200 farmers in 12 villages."""

    kind: Literal["farmers", "merchants"]
    count: int = Field(ge=1, le=1_000_000)
    villages: int = Field(default=1, ge=1)
    organisations: list[str] = Field(min_length=1, description="orgs the members are spread over")
    crops: dict[str, Probability] = Field(default_factory=lambda: {"paddy": 1.0})
    acreage_mu: tuple[int, int] = (5, 30)
    ratings: dict[Rating, Probability] = Field(default_factory=_default_ratings)


class FundingSpec(_Spec):
    """Money the central bank issues on day 0 so that agents can act (fen)."""

    bank_fen: int = Field(default=50_000_000_000, ge=0)
    cooperative_fen: int = Field(default=20_000_000, ge=0)
    buyer_fen: int = Field(default=500_000_000, ge=0)
    insurer_fen: int = Field(default=500_000_000, ge=0)
    government_fen: int = Field(default=2_000_000_000, ge=0, description="each government org")
    household_fen: int = Field(default=100_000, ge=0, description="each generated household")


class PledgeSpec(_Spec):
    """Cooperatives deposit harvests, pledge receipts to banks, repay or default."""

    loans: int = Field(default=0, ge=0)
    start_day: Day = 1.0
    spread_days: Day = 20.0
    commodities: dict[str, int] = Field(
        default_factory=lambda: {"paddy": 260}, description="commodity -> price in fen per kg"
    )
    quantity_kg: tuple[int, int] = (50_000, 200_000)
    tenor_days: int = Field(default=120, ge=1)
    rate_bp: int = Field(default=450, ge=0)
    default_probability: Probability = 0.1
    cure_probability: Probability = 0.7
    sale_probability: Probability = 0.5
    at_least_cured: int = Field(
        default=0, ge=0,
        description="loans of the commodity whose price path falls most that cure their "
        "margin call, whatever the seed draws",
    )
    at_least_defaulted: int = Field(default=0, ge=0, description="whatever the seed draws")


class OrderSpec(_Spec):
    """Buyers order from cooperatives; banks finance confirmed orders; buyers pay the bank first."""

    orders: int = Field(default=0, ge=0)
    start_day: Day = 1.0
    spread_days: Day = 20.0
    quantity_kg: tuple[int, int] = (10_000, 30_000)
    unit_price_fen: int = Field(default=6_000, ge=1, description="contract price per kg")
    finance_ratio_bp: int = Field(default=5_000, ge=0, le=10_000)
    rate_bp: int = Field(default=435, ge=0)
    fee_fen: int = Field(
        default=1_001, ge=0,
        description="agreed fee on each order loan, owed first in the repayment waterfall",
    )
    delivery_days: Day = 60.0
    payment_days: Day = 10.0
    cancel_probability: Probability = 0.1
    short_delivery_probability: Probability = 0.2
    at_least_cancelled: int = Field(default=0, ge=0, description="whatever the seed draws")
    at_least_short_delivered: int = Field(
        default=0, ge=0, description="among orders not cancelled, whatever the seed draws"
    )
    shipments: int = Field(default=1, ge=1, le=5, description="shipments per delivered order")
    late_delivery_probability: Probability = 0.0
    late_days: Day = 5.0  # how late a late order's last shipment is
    buyer_default_probability: Probability = 0.0
    late_payment_days: Day = 10.0  # how long after its default a defaulting buyer pays
    at_least_late: int = Field(
        default=0, ge=0, description="among orders not cancelled, whatever the seed draws"
    )
    at_least_buyer_defaults: int = Field(
        default=0, ge=0, description="among orders not cancelled, whatever the seed draws"
    )


class InsuranceSpec(_Spec):
    """Group crop policies with premium subsidies, a typhoon, claims, payouts and a dispute."""

    enabled: bool = False
    book: str = "zhejiang-consortium-2026"
    enrol_day: Day = 1.0
    disaster_day: Day = 30.0
    sum_insured_per_mu_fen: int = Field(default=50_000, ge=1)
    premium_per_mu_fen: int = Field(default=1_500, ge=1)
    province_share_bp: int = Field(default=3_000, ge=0, le=10_000)
    county_share_bp: int = Field(default=1_500, ge=0, le=10_000)
    coop_own_area_mu: int = Field(default=50, ge=1)
    under_insured_probability: Probability = 0.1
    publicity_days: Day = 3.0
    pay_within_days: Day = 5.0
    late_survey: bool = True
    severity: int = Field(
        default=3, ge=1, le=4,
        description="the typhoon's declared severity (1..4); each household's drawn loss scales "
        "by severity/3, so 3 keeps the drawn losses (sweeps vary it)",
    )
    dispute: bool = True
    government_accounts: dict[str, str] = Field(
        default_factory=lambda: {"central": "gov", "province": "gov", "county": "gov"},
        description="premium share level -> government org paying it",
    )


class CreditLinesSpec(_Spec):
    """The "Two Small" platform: government rates merchants and funds an interest subsidy;
    merchants apply for unsecured credit lines, banks price by rating and grant within the
    shared line; merchants repay or default (contract credit_loans)."""

    financings: int = Field(default=0, ge=0, description="loans applied for over the season")
    rating_day: Day = 0.5
    rating_lanes: int = Field(default=100, ge=1, description="rating work run side by side")
    lanes: int = Field(default=48, ge=1, description="loan workflows run side by side")
    start_day: Day = 3.0
    spread_days: Day = 300.0
    tenor_days: list[int] = Field(default_factory=lambda: [90, 180, 365], min_length=1)
    amount_share: tuple[Probability, Probability] = (0.3, 1.0)
    markup_bp: int = Field(default=60, ge=0, description="most a bank adds to the priced rate")
    default_probability: Probability = 0.03
    stacking_probability: Probability = 0.02
    subsidy_share_bp: int = Field(default=5000, ge=1, le=10_000)
    subsidy_budget_fen: int = Field(default=1_000_000_000, ge=1)


class GovernmentSpec(_Spec):
    """The county attests credit ratings and runs an interest subsidy for farm loans."""

    enabled: bool = False
    cooperative_tier: Rating = "AA"
    subsidy_share_bp: int = Field(default=5_000, ge=0, le=10_000)
    subsidy_budget_fen: int = Field(default=50_000_000, ge=0)


class AgentsSpec(_Spec):
    """Behaviour parameters; every agent acts only through signed transactions."""

    funding: FundingSpec = FundingSpec()
    government: GovernmentSpec = GovernmentSpec()
    pledge: PledgeSpec = PledgeSpec()
    orders: OrderSpec = OrderSpec()
    insurance: InsuranceSpec = InsuranceSpec()
    credit_lines: CreditLinesSpec = CreditLinesSpec()
    price_path: dict[str, list[tuple[Day, int]]] = Field(
        default_factory=dict, description="commodity -> [(day, price in fen per unit)]"
    )
    price_fall_pct: dict[str, float] = Field(
        default_factory=dict,
        description="commodity -> percent its price falls from the path's first point by the "
        "path's last point (replaces that point's price; sweeps vary it)",
    )

    @model_validator(mode="before")
    @classmethod
    def _apply_price_falls(cls, data: Any) -> Any:
        """Rewrite the last point of each fallen commodity's path before the model freezes."""
        if not isinstance(data, dict) or not data.get("price_fall_pct"):
            return data
        paths = {k: [list(p) for p in v] for k, v in dict(data.get("price_path", {})).items()}
        for commodity, pct in dict(data["price_fall_pct"]).items():
            path = paths.get(commodity)
            if not path or len(path) < 2:
                raise ValueError(
                    f"price_fall_pct names {commodity!r}, whose price_path has no two points"
                )
            if not 0 <= float(pct) < 100:
                raise ValueError(f"price_fall_pct of {commodity!r} must be in [0, 100)")
            path[-1][1] = round(int(path[0][1]) * (100 - float(pct)) / 100)
        return {**data, "price_path": paths}


class TimelineAction(_Spec):
    day: Day
    actor: str = Field(description="member id that signs")
    contract: str
    action: str
    args: dict[str, Any] = Field(default_factory=dict)
    co_signers: list[str] = Field(default_factory=list)
    expect: Literal["committed", "rejected"] | None = None
    expect_code: str | None = None
    label: str | None = None


class GovernanceStep(_Spec):
    """A governance proposal and its votes as one timeline step: ``proposer`` proposes on
    ``day``, then each of ``approvals`` approves and each of ``rejections`` rejects, in that
    order, one tx each. The effective point is a simulated day (a time: params and contract
    changes) or a number of blocks after the head when proposing (any change; roster
    changes need it). An ``add_org`` of an organisation with ``joins_day`` gets its type
    and certificates from the scenario's generated identities. Without ``change`` the step
    only votes on ``proposal``, made by an earlier step. Signers are member ids, or an
    organisation id for its (first) admin.

    Every tx of the step must commit, unless ``expect: rejected``: then the step goes on
    until one of its txs is refused, and that refusal (with ``expect_code``, if given) is
    what the step is for; a step whose txs all commit then fails the run."""

    day: Day
    proposal: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)
    proposer: str | None = Field(
        default=None, description="an admin's member id, or an organisation id (its admin)"
    )
    change: dict[str, Any] | None = Field(
        default=None, description="as governance.propose's change argument; none: votes only"
    )
    effective_day: Day | None = None
    effective_in_blocks: int | None = Field(default=None, ge=1)
    approvals: list[str] = Field(default_factory=list)
    rejections: list[str] = Field(default_factory=list)
    expect: Literal["committed", "rejected"] | None = None
    expect_code: str | None = Field(
        default=None, description="the code the refused tx must carry (with expect: rejected)"
    )
    expect_status: Literal[
        "open", "approved", "effective", "rejected", "withdrawn", "expired"
    ] | None = None
    check_day: Day | None = Field(
        default=None,
        description="when expect_status is read (required with it): the status as of the "
        "latest block by then, so leave a few days of activity after the effective point",
    )
    label: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GovernanceStep:
        if self.change is None:
            if self.proposer is not None or self.effective_day is not None or (
                self.effective_in_blocks is not None
            ):
                raise ValueError("a step without change only votes: give no proposer, "
                                 "effective_day or effective_in_blocks")
            if not self.approvals and not self.rejections:
                raise ValueError("a step without change votes: give approvals or rejections")
        else:
            if self.proposer is None:
                raise ValueError("a step with a change needs its proposer")
            if (self.effective_day is None) == (self.effective_in_blocks is None):
                raise ValueError("give exactly one of effective_day and effective_in_blocks")
        if self.effective_day is not None and self.effective_day <= self.day:
            raise ValueError(f"effective_day {self.effective_day:g} must be after day "
                             f"{self.day:g}")
        if (self.expect_status is None) != (self.check_day is None):
            raise ValueError("expect_status and check_day go together")
        if self.check_day is not None and self.check_day <= self.day:
            raise ValueError(f"check_day {self.check_day:g} must be after day {self.day:g}")
        if self.expect_code is not None and self.expect != "rejected":
            raise ValueError("expect_code needs expect: rejected")
        return self


class CrashFault(_Spec):
    kind: Literal["crash"]
    day: Day
    peer: str = Field(description="the organisation whose peer crashes")
    restart_day: Day | None = None


class PartitionFault(_Spec):
    kind: Literal["partition"]
    day: Day
    groups: list[list[str]] = Field(min_length=2)
    heal_day: Day | None = None


class SlowLinkFault(_Spec):
    kind: Literal["slow_link"]
    day: Day
    a: str = Field(description="an organisation id or 'orderer'")
    b: str = Field(description="an organisation id or 'orderer'")
    factor: int = Field(ge=1, le=10_000, description="latency multiplier while the fault lasts")
    until_day: Day | None = None


class ByzantineFault(_Spec):
    kind: Literal["byzantine"]
    day: Day
    peer: str
    behaviour: Literal["alter_write", "sign_other_header"] = "alter_write"


Fault = Annotated[
    CrashFault | PartitionFault | SlowLinkFault | ByzantineFault, Field(discriminator="kind")
]


class HeadsEqual(_Spec):
    kind: Literal["heads_equal"]


class StateFact(_Spec):
    kind: Literal["state"]
    contract: str
    key: str
    field: str | None = None
    equals: Any = None
    exists: bool | None = None


class ViewFact(_Spec):
    kind: Literal["view"]
    contract: str
    view: str
    params: dict[str, Any] = Field(default_factory=dict)
    field: str | None = None
    equals: Any = None


class MetricThreshold(_Spec):
    """A figure of the run: compared with ``value`` by ``op``, or within ``between``
    (both ends included), which is how a story's figure that varies by seed is said."""

    kind: Literal["metric"]
    name: str = Field(description="a metric of metrics.json, dotted, e.g. loans.defaulted")
    op: Literal["==", "!=", ">=", "<=", ">", "<"] = ">="
    value: float | None = None
    between: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> MetricThreshold:
        if (self.value is None) == (self.between is None):
            raise ValueError("give either value (with op) or between: [low, high]")
        if self.between is not None and self.between[0] > self.between[1]:
            raise ValueError("between: low must not be above high")
        return self


class FlaggedPeers(_Spec):
    kind: Literal["flagged"]
    peers: list[str]


Expectation = Annotated[
    HeadsEqual | StateFact | ViewFact | MetricThreshold | FlaggedPeers, Field(discriminator="kind")
]


class SweepParameter(_Spec):
    """One swept parameter: a short name, the dotted path it sets in the scenario, its values."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    path: str = Field(description="dotted path into the scenario, e.g. agents.insurance.severity")
    values: list[float | int | str] = Field(min_length=1)
    unit: str = ""


Figure = Literal["credit_loss", "government_share", "subsidy_exhaustion"]


def _all_figures() -> list[Figure]:
    return ["credit_loss", "government_share", "subsidy_exhaustion"]


class SweepSpec(_Spec):
    """A scenario's declared sweep: ``agriledger sweep FILE`` runs it with no flags."""

    seeds: str = Field(default="1..20", description="e.g. 1..200 or 1,2,5")
    parameters: list[SweepParameter] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=_all_figures)


class Scenario(_Spec):
    name: str
    description: str = ""
    seed: int = 0
    start: str = "2026-03-01T00:00:00Z"
    days: int = Field(ge=1, le=3660)
    network: NetworkSpec
    populations: list[PopulationSpec] = Field(default_factory=list)
    agents: AgentsSpec = AgentsSpec()
    timeline: list[TimelineAction] = Field(default_factory=list)
    governance: list[GovernanceStep] = Field(default_factory=list)
    seasons: list[Day] = Field(
        default_factory=list,
        description="days on which a new season starts: the report gives loans, interest and "
        "subsidy per season (before and after each boundary)",
    )
    faults: list[Fault] = Field(default_factory=list)
    expect: list[Expectation] = Field(default_factory=list)
    sweep: SweepSpec | None = Field(default=None, description="the sweep `agriledger sweep` runs")

    @field_validator("seasons")
    @classmethod
    def _seasons_in_order(cls, seasons: list[float], info: ValidationInfo) -> list[float]:
        days = info.data.get("days")
        for before, after in zip([0.0, *seasons], seasons, strict=False):
            if not before < after or (days is not None and after >= days):
                raise ValueError(
                    f"each boundary lies after the one before it (and day 0) and before the "
                    f"last day {days}; got {after:g} after {before:g}"
                )
        return seasons

    @model_validator(mode="after")
    def _check_refs(self) -> Scenario:
        if not is_rfc3339_utc(self.start):
            raise ValueError("start must be an RFC 3339 UTC time such as 2026-03-01T00:00:00Z")
        orgs = {o.id for o in self.network.organisations}
        for population in self.populations:
            for org in population.organisations:
                if org not in orgs:
                    raise ValueError(f"population names unknown organisation {org!r}")
        for item in self.timeline:
            if item.day > self.days:
                raise ValueError(
                    f"timeline action on day {item.day} is after the last day {self.days}"
                )
        for org_entry in self.network.organisations:
            if org_entry.joins_day is None:
                continue
            if org_entry.peer:
                raise ValueError(f"organisation {org_entry.id!r} joins on day "
                                 f"{org_entry.joins_day:g}: give it peer: false (a peer "
                                 "joining a running chain is not simulated)")
            if org_entry.joins_day > self.days:
                raise ValueError(f"organisation {org_entry.id!r} joins on day "
                                 f"{org_entry.joins_day:g}, after the last day {self.days}")
        for step in self.governance:
            last = max(step.day, step.effective_day or 0, step.check_day or 0)
            if last > self.days:
                raise ValueError(f"governance step {step.proposal!r} runs to day {last:g}, "
                                 f"after the last day {self.days}")
        return self
