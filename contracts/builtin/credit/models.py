"""Genesis parameters, action arguments and view queries of the credit contract."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from contracts.base import Args, Params, Query
from contracts.builtin.credit.records import BorrowerKind, SubsidyRule, Tier
from contracts.types import BasisPoints, ContentHash, Fen, Id, PositiveFen, Text

Score = Annotated[int, Field(ge=0, le=100)]
ShareBp = Annotated[int, Field(ge=0, le=10_000)]
# Args are strict; enums arrive as their JSON string values, so those fields are lax.
TierValue = Annotated[Tier, Strict(False)]
KindValue = Annotated[BorrowerKind, Strict(False)]
RuleValue = Annotated[SubsidyRule, Strict(False)]


class TierTerms(BaseModel):
    """What a bank offers a tier: credit line (fen), rate discount (bp of the base rate),
    and the minimum total of the four scores (0..400) a rating at this tier needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    credit_line: Fen
    rate_discount_bp: ShareBp
    min_score: Annotated[int, Field(ge=0, le=400)]


def _default_tiers() -> dict[Tier, TierTerms]:
    # Lines after docs/domain.md 4.1 (3A certificate => 100,000 CNY; 10-30% rate cuts).
    return {
        Tier.AAA: TierTerms(credit_line=10_000_000, rate_discount_bp=3000, min_score=360),
        Tier.AA: TierTerms(credit_line=5_000_000, rate_discount_bp=2000, min_score=320),
        Tier.A: TierTerms(credit_line=3_000_000, rate_discount_bp=1000, min_score=280),
        Tier.B: TierTerms(credit_line=1_000_000, rate_discount_bp=0, min_score=200),
        Tier.UNRATED: TierTerms(credit_line=0, rate_discount_bp=0, min_score=0),
    }


class CreditParams(Params):
    """Genesis parameters (all docs/domain.md 4 "A" assumptions)."""

    credit_village_bp: ShareBp = 6000
    credit_village_min_households: Annotated[int, Field(ge=1)] = 1
    default_downgrade_tiers: Annotated[int, Field(ge=1, le=3)] = 1
    lpr_bp: BasisPoints = 345
    tiers: dict[Tier, TierTerms] = Field(default_factory=_default_tiers)
    loan_contracts: tuple[str, ...] = ("warehouse_receipt", "order_finance", "credit_loans")
    subsidy_cap_bp: ShareBp = 10_000
    """The county's ceiling on the share of any interest payment a subsidy covers, over
    every programme's own rule (10000: no ceiling). Governance changes it between seasons
    without touching the programmes."""

    @model_validator(mode="after")
    def _every_tier_priced(self) -> CreditParams:
        missing = [t.value for t in Tier if t not in self.tiers]
        if missing:
            raise ValueError(f"tiers: missing terms for {missing}")
        return self


class ScoresArgs(Args):
    moral_character: Score
    credit_record: Score
    business_ability: Score
    repayment_capacity: Score


class RegisterVillageArgs(Args):
    village: Id
    name: Text


class AttestRatingArgs(Args):
    subject: Id
    village: Id
    tier: TierValue
    scores: ScoresArgs
    kind: KindValue = BorrowerKind.HOUSEHOLD
    evidence: ContentHash | None = None


class PublishProgrammeArgs(Args):
    programme: Id
    name: Text
    borrower_kinds: Annotated[list[KindValue], Field(min_length=1, max_length=3)]
    products: Annotated[list[Id], Field(min_length=1, max_length=16)]
    rule: RuleValue
    budget: PositiveFen
    share_bp: ShareBp | None = None
    spread_bp: BasisPoints = 150
    lpr_bp: BasisPoints | None = None


class FundProgrammeArgs(Args):
    programme: Id
    amount: PositiveFen
    source: Id | None = None  # default: the signer's organisation treasury


class ProgrammeArgs(Args):
    programme: Id


class SubjectQuery(Query):
    subject: Id


class VillageQuery(Query):
    village: Id


class ProgrammeQuery(Query):
    programme: Id


class PricingQuery(Query):
    borrower: Id
    base_rate_bp: BasisPoints


class NoQuery(Query):
    pass
