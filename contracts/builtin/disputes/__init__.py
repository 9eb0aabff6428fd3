"""The disputes contract: mediation of disputes that freeze receipts, orders and claims."""

from contracts.builtin.disputes.contract import DisputesContract
from contracts.builtin.disputes.errors import (
    AlreadyEscalated,
    AssetAlreadyDisputed,
    ConfirmationWindowClosed,
    DeadlineNotPassed,
    DisputeAlreadyExists,
    DisputeNotFound,
    ExtensionNotAllowed,
    InvalidTransition,
    PayerMustSign,
    SameParty,
    TermPayerNotParty,
    UnsupportedAsset,
)
from contracts.builtin.disputes.models import DisputesParams
from contracts.builtin.disputes.records import Complexity, DisputeState

__all__ = [
    "AlreadyEscalated",
    "AssetAlreadyDisputed",
    "Complexity",
    "ConfirmationWindowClosed",
    "DeadlineNotPassed",
    "DisputeAlreadyExists",
    "DisputeNotFound",
    "DisputeState",
    "DisputesContract",
    "DisputesParams",
    "ExtensionNotAllowed",
    "InvalidTransition",
    "PayerMustSign",
    "SameParty",
    "TermPayerNotParty",
    "UnsupportedAsset",
]
