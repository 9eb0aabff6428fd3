"""Domain errors of the disputes contract.

::

    DomainError
    ├── NotFound
    │   ├── DisputeNotFound             DISPUTE_NOT_FOUND
    │   └── AssetNotFound               ASSET_NOT_FOUND (its owning contract does not know it)
    ├── InvalidState
    │   └── InvalidTransition           DISPUTE_INVALID_TRANSITION (not allowed in this state)
    ├── DisputeAlreadyExists            DISPUTE_ALREADY_EXISTS
    ├── UnsupportedAsset                UNSUPPORTED_ASSET (no contract owns the asset's kind)
    ├── NoStanding                      NO_STANDING (D5: the claimant is not a party to the asset)
    ├── RespondentNotParty              RESPONDENT_NOT_PARTY (D5: nor is the respondent)
    ├── AssetAlreadyDisputed            ASSET_ALREADY_DISPUTED (one open dispute per asset)
    ├── SameParty                       SAME_PARTY (claimant is the respondent)
    ├── TermPayerNotParty               TERM_PAYER_NOT_PARTY
    ├── PayerMustSign                   PAYER_MUST_SIGN (a payer did not sign the perform tx)
    ├── ConfirmationWindowClosed        CONFIRMATION_WINDOW_CLOSED
    ├── ExtensionNotAllowed             EXTENSION_NOT_ALLOWED
    ├── DeadlineNotPassed               DEADLINE_NOT_PASSED
    ├── AlreadyEscalated                ALREADY_ESCALATED
    ├── DismissalWithTerms              DISMISSAL_WITH_TERMS (a dismissing judgment orders no pay)
    ├── NoJudgmentDebt                  NO_JUDGMENT_DEBT (nothing outstanding on that term)
    ├── Overpayment                     JUDGMENT_OVERPAYMENT (more than is outstanding)
    ├── PayoutPathShort                 PAYOUT_PATH_SHORT (the asset's path takes less than
    │                                   the payer offers: sum insured used up, receivable paid)
    └── SaleNotAvailable                COURT_SALE_UNAVAILABLE (the asset's kind has no sale)
"""

from __future__ import annotations

from contracts.exceptions import DomainError, InvalidState, NotFound


class DisputeNotFound(NotFound):
    code = "DISPUTE_NOT_FOUND"
    what = "dispute"


class AssetNotFound(NotFound):
    code = "ASSET_NOT_FOUND"
    what = "asset"


class InvalidTransition(InvalidState):
    code = "DISPUTE_INVALID_TRANSITION"


class DisputeAlreadyExists(DomainError):
    code = "DISPUTE_ALREADY_EXISTS"


class UnsupportedAsset(DomainError):
    code = "UNSUPPORTED_ASSET"


class NoStanding(DomainError):
    code = "NO_STANDING"


class RespondentNotParty(DomainError):
    code = "RESPONDENT_NOT_PARTY"


class AssetAlreadyDisputed(DomainError):
    code = "ASSET_ALREADY_DISPUTED"


class SameParty(DomainError):
    code = "SAME_PARTY"


class TermPayerNotParty(DomainError):
    code = "TERM_PAYER_NOT_PARTY"


class PayerMustSign(DomainError):
    code = "PAYER_MUST_SIGN"


class ConfirmationWindowClosed(DomainError):
    code = "CONFIRMATION_WINDOW_CLOSED"


class ExtensionNotAllowed(DomainError):
    code = "EXTENSION_NOT_ALLOWED"


class DeadlineNotPassed(DomainError):
    code = "DEADLINE_NOT_PASSED"


class AlreadyEscalated(DomainError):
    code = "ALREADY_ESCALATED"


class DismissalWithTerms(DomainError):
    code = "DISMISSAL_WITH_TERMS"


class NoJudgmentDebt(DomainError):
    code = "NO_JUDGMENT_DEBT"


class Overpayment(DomainError):
    code = "JUDGMENT_OVERPAYMENT"


class PayoutPathShort(DomainError):
    code = "PAYOUT_PATH_SHORT"


class SaleNotAvailable(DomainError):
    code = "COURT_SALE_UNAVAILABLE"
