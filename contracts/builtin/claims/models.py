"""Argument, query and genesis-parameter models of the claims contract.

Units: money in fen, areas in centi-mu (1/100 mu), ratios in basis points,
times RFC 3339 UTC. Defaults follow docs/domain.md section 6; those marked A there
are parameters here.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from contracts.base import Args, Params, Query
from contracts.builtin.claims.payout import ZHEJIANG_LAYERS
from contracts.types import ContentHash, Id, PositiveFen, Text, Timestamp

CentiMu = Annotated[int, Field(gt=0, le=10**7, description="area in 1/100 mu (<= 100,000 mu)")]
PerMu = Annotated[int, Field(gt=0, le=10**8, description="fen per mu (<= 1,000,000 CNY)")]
Ratio = Annotated[int, Field(ge=0, le=10_000, description="basis points, at most 100 %")]
Level = Literal["central", "province", "county"]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class LayerParam(Params):
    up_to_bp: Annotated[int, Field(gt=0)]
    government: Annotated[int, Field(ge=0)]
    consortium: Annotated[int, Field(ge=0)]


class ClaimsParams(Params):
    """Genesis parameters (docs/domain.md 6)."""

    survey_deadline_hours: Annotated[int, Field(gt=0)] = 24
    pay_deadline_days: Annotated[int, Field(gt=0)] = 10
    claim_publicity_days: Annotated[int, Field(ge=0)] = 3
    underwriting_publicity_days: Annotated[int, Field(ge=0)] = 3
    loss_threshold_bp: Ratio = 3_000
    full_loss_bp: Ratio = 7_000
    central_share_bp: Ratio = 3_500
    province_min_share_bp: Ratio = 2_500
    advance_max_bp: Ratio = 5_000
    government_accounts: dict[Level, str] = Field(
        default_factory=dict,
        description="where set, the only government org whose budget programmes may pay "
        "that level's shares; unset levels take any government org's programme",
    )
    personal_retention_days: Annotated[int, Field(ge=0, le=36_500)] = Field(
        1_825, description="days after a policy's period ends before its cooperative may "
        "purge the households' personal data from the private stores (5 years)",
    )
    time_zone: str = Field("Asia/Shanghai", description="policies' local time zone (C13, C14)")
    limitation_years: Annotated[int, Field(gt=0, le=30)] = 2
    short_period_refund_bp: Ratio = 10_000
    loss_sharing_level: Literal["central", "province", "county"] = "province"
    consortium_layers: list[LayerParam] = Field(
        default_factory=lambda: [
            LayerParam(up_to_bp=x.up_to_bp, government=x.government, consortium=x.consortium)
            for x in ZHEJIANG_LAYERS
        ]
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"time_zone {value!r} is not an IANA time zone (e.g. Asia/Shanghai)"
            ) from None
        return value


class LossPayeeArg(Args):
    kind: Literal["warehouse_receipt", "order_finance"]
    ref: Id


class PersonalArg(Args):
    """Salted hashes of a household's personal data (docs/architecture.md, private
    fields); the plaintext travels beside the tx to the entitled organisations' peers."""

    name: ContentHash | None = None
    id_number: ContentHash | None = None
    phone: ContentHash | None = None
    bank_card: ContentHash | None = None
    plot_location: ContentHash | None = None


class CoverArg(Args):
    insured: Id
    insured_area: CentiMu
    planted_area: CentiMu
    plot: Id | None = None
    loss_payee: LossPayeeArg | None = None
    personal: PersonalArg | None = None


class IndexTermsArg(Args):
    station: Id
    metric: Name
    direction: Literal["at_or_below", "at_or_above"]
    threshold: int
    window_start: Timestamp
    window_end: Timestamp
    payout_bp: Ratio


class EnrolArgs(Args):
    policy_id: Id
    insurer: Id
    book: Id
    crop: Name
    region: Name
    period_start: Timestamp
    period_end: Timestamp
    perils: Annotated[list[Name], Field(min_length=1, max_length=16)]
    sum_insured_per_mu: PerMu
    premium_per_mu: PerMu
    stage_caps: Annotated[dict[Name, Ratio], Field(min_length=1, max_length=16)]
    province_share_bp: Ratio
    county_share_bp: Ratio
    covers: Annotated[list[CoverArg], Field(min_length=1, max_length=2_000)]
    index: IndexTermsArg | None = None
    double_insurance: bool = Field(
        False, description="the policyholder declares another insurer's cover of the same "
        "plots (Insurance Law Art. 56): allowed, and each cover pays its proportion",
    )


class PolicyArgs(Args):
    policy_id: Id


class PurgePersonalArgs(Args):
    policy_id: Id
    insured: Id


class PremiumShareArgs(Args):
    policy_id: Id
    level: Literal["central", "province", "county", "farmer"]
    programme: Id | None = Field(
        None, description="budget programme paying a government share (not the farmers')",
    )


class PublishProgrammeArgs(Args):
    programme: Id
    level: Level
    purpose: Literal["premium", "loss_share"]
    fiscal_year: Annotated[int, Field(ge=2000, le=2200)]
    budget: PositiveFen


class DeclareArgs(Args):
    declaration_id: Id
    peril: Name
    region: Name
    window_start: Timestamp
    window_end: Timestamp
    severity: Annotated[int, Field(ge=1, le=4)]


class ReportArgs(Args):
    claim_id: Id
    policy_id: Id
    peril: Name
    occurred_at: Timestamp
    declaration_id: Id | None = None


class ClaimArgs(Args):
    claim_id: Id


class SurveyArgs(Args):
    claim_id: Id
    evidence: Annotated[list[ContentHash], Field(max_length=64, default_factory=list)]


class AssessArgs(Args):
    claim_id: Id
    insured: Id
    loss_bp: Ratio
    damaged_area: CentiMu
    stage: Name
    evidence: Annotated[list[ContentHash], Field(min_length=1, max_length=64)]


class HouseholdArgs(Args):
    claim_id: Id
    insured: Id


class ObjectArgs(Args):
    claim_id: Id
    insured: Id
    reason: Text


class DeclineArgs(Args):
    claim_id: Id
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class AdvanceArgs(Args):
    claim_id: Id
    insured: Id
    amount: PositiveFen


class BreachArgs(Args):
    claim_id: Id
    kind: Literal["survey", "payment"]
    insured: Id | None = None


class ReadingArgs(Args):
    reading_id: Id
    station: Id
    metric: Name
    observed_at: Timestamp
    value: int


class BookArgs(Args):
    book: Id
    programme: Id


class PolicyQuery(Query):
    policy_id: Id


class ClaimQuery(Query):
    claim_id: Id


class ProgrammeQuery(Query):
    programme: Id


class BookQuery(Query):
    book: Id


class NoQuery(Query):
    pass

