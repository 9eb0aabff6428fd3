"""The credit contract: government-attested ratings, credit villages, interest subsidies."""

from contracts.builtin.credit.contract import CreditContract
from contracts.builtin.credit.errors import (
    CallerNotAllowed,
    FundingExceedsBudget,
    InvalidSubsidyRule,
    ProgrammeAlreadyExists,
    ProgrammeClosed,
    ProgrammeNotFound,
    RatingScoresTooLow,
    VillageAlreadyExists,
    VillageNotFound,
)
from contracts.builtin.credit.models import CreditParams, TierTerms
from contracts.builtin.credit.records import BorrowerKind, SubsidyRule, Tier

__all__ = [
    "BorrowerKind",
    "CallerNotAllowed",
    "CreditContract",
    "CreditParams",
    "FundingExceedsBudget",
    "InvalidSubsidyRule",
    "ProgrammeAlreadyExists",
    "ProgrammeClosed",
    "ProgrammeNotFound",
    "RatingScoresTooLow",
    "SubsidyRule",
    "Tier",
    "TierTerms",
    "VillageAlreadyExists",
    "VillageNotFound",
]
