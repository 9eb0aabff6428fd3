"""The disputes contract: mediation of disputes that freeze receipts, orders and claims,
security for a freeze, and the court's enforcement of their money terms."""

from contracts.builtin.disputes.contract import DisputesContract
from contracts.builtin.disputes.errors import (
    AlreadyEscalated,
    AssetAlreadyDisputed,
    AssetNotFound,
    ConfirmationWindowClosed,
    DeadlineNotPassed,
    DismissalWithTerms,
    DisputeAlreadyExists,
    DisputeNotFound,
    ExtensionNotAllowed,
    InvalidTransition,
    NoJudgmentDebt,
    NoStanding,
    Overpayment,
    PayerMustSign,
    RespondentNotParty,
    SameParty,
    TermPayerNotParty,
    UnsupportedAsset,
)
from contracts.builtin.disputes.models import DisputesParams
from contracts.builtin.disputes.records import Complexity, DisputeState

__all__ = [
    "AlreadyEscalated",
    "AssetAlreadyDisputed",
    "AssetNotFound",
    "Complexity",
    "ConfirmationWindowClosed",
    "DeadlineNotPassed",
    "DismissalWithTerms",
    "DisputeAlreadyExists",
    "DisputeNotFound",
    "DisputeState",
    "DisputesContract",
    "DisputesParams",
    "ExtensionNotAllowed",
    "InvalidTransition",
    "NoJudgmentDebt",
    "NoStanding",
    "Overpayment",
    "PayerMustSign",
    "RespondentNotParty",
    "SameParty",
    "TermPayerNotParty",
    "UnsupportedAsset",
]
