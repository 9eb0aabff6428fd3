"""Domain errors of the claims contract, each with a stable code.

::

    DomainError
    ├── NotFound
    │   ├── PolicyNotFound              POLICY_NOT_FOUND
    │   ├── ClaimNotFound               CLAIM_NOT_FOUND
    │   ├── DeclarationNotFound         DECLARATION_NOT_FOUND
    │   ├── BookNotFound                BOOK_NOT_FOUND
    │   ├── ProgrammeNotFound           PROGRAMME_NOT_FOUND
    │   └── HouseholdNotInsured         HOUSEHOLD_NOT_INSURED
    ├── InvalidState
    │   ├── PolicyNotInState            POLICY_NOT_IN_STATE
    │   └── ClaimNotInState             CLAIM_NOT_IN_STATE
    ├── AlreadyExists                   ALREADY_EXISTS
    ├── InvalidPolicyTerms              INVALID_POLICY_TERMS
    ├── InvalidPremiumShares            INVALID_PREMIUM_SHARES
    ├── OverInsured                     OVER_INSURED
    ├── InsuredNotInCoop                INSURED_NOT_IN_COOP (a cover for another org's member)
    ├── WrongPremiumPayer               WRONG_PREMIUM_PAYER
    ├── PremiumShareAlreadyPaid         PREMIUM_SHARE_ALREADY_PAID
    ├── PublicityNotOver                PUBLICITY_NOT_OVER
    ├── ObjectionWindowClosed           OBJECTION_WINDOW_CLOSED
    ├── PerilNotCovered                 PERIL_NOT_COVERED
    ├── OutsideCoverPeriod              OUTSIDE_COVER_PERIOD
    ├── DeclarationMismatch             DECLARATION_MISMATCH
    ├── DuplicateClaim                  DUPLICATE_CLAIM
    ├── InvalidAssessment               INVALID_ASSESSMENT
    ├── NotAgreed                       NOT_AGREED
    ├── AlreadyAgreed                   ALREADY_AGREED
    ├── AlreadyPaid                     ALREADY_PAID
    ├── AdvanceNotAllowed               ADVANCE_NOT_ALLOWED
    ├── DeadlineNotPassed               DEADLINE_NOT_PASSED
    ├── BreachAlreadyRecorded           BREACH_ALREADY_RECORDED
    ├── LossPayeeUnavailable            LOSS_PAYEE_UNAVAILABLE
    ├── BookClosed                      BOOK_CLOSED
    ├── BookInsurerMismatch             BOOK_INSURER_MISMATCH
    ├── NothingToSettle                 NOTHING_TO_SETTLE
    ├── ReadingInFuture                 READING_IN_FUTURE
    ├── DoubleCover                     DOUBLE_COVER            (C12)
    ├── LimitationExpired               LIMITATION_EXPIRED      (C14)
    ├── PeriodNotOver                   PERIOD_NOT_OVER         (C15)
    ├── ClaimsOpen                      CLAIMS_OPEN             (C15)
    ├── EvidenceReused                  EVIDENCE_REUSED         (C16)
    ├── ProgrammeRequired               PROGRAMME_REQUIRED      (C17)
    ├── ProgrammeMismatch               PROGRAMME_MISMATCH      (C17)
    ├── BudgetExceeded                  BUDGET_EXCEEDED         (C17)
    ├── RetentionNotOver                RETENTION_NOT_OVER      (personal data)
    └── NothingToPurge                  NOTHING_TO_PURGE        (personal data)
"""

from __future__ import annotations

from contracts.exceptions import DomainError, InvalidState, NotFound


class PolicyNotFound(NotFound):
    code = "POLICY_NOT_FOUND"
    what = "policy"


class ClaimNotFound(NotFound):
    code = "CLAIM_NOT_FOUND"
    what = "claim"


class DeclarationNotFound(NotFound):
    code = "DECLARATION_NOT_FOUND"
    what = "disaster declaration"


class BookNotFound(NotFound):
    code = "BOOK_NOT_FOUND"
    what = "policy book"


class ProgrammeNotFound(NotFound):
    code = "PROGRAMME_NOT_FOUND"
    what = "budget programme"


class HouseholdNotInsured(NotFound):
    code = "HOUSEHOLD_NOT_INSURED"
    what = "insured household"


class PolicyNotInState(InvalidState):
    code = "POLICY_NOT_IN_STATE"


class ClaimNotInState(InvalidState):
    code = "CLAIM_NOT_IN_STATE"


class AlreadyExists(DomainError):
    code = "ALREADY_EXISTS"


class InvalidPolicyTerms(DomainError):
    code = "INVALID_POLICY_TERMS"


class InvalidPremiumShares(DomainError):
    code = "INVALID_PREMIUM_SHARES"


class OverInsured(DomainError):
    code = "OVER_INSURED"


class InsuredNotInCoop(DomainError):
    code = "INSURED_NOT_IN_COOP"


class WrongPremiumPayer(DomainError):
    code = "WRONG_PREMIUM_PAYER"


class PremiumShareAlreadyPaid(DomainError):
    code = "PREMIUM_SHARE_ALREADY_PAID"


class PublicityNotOver(DomainError):
    code = "PUBLICITY_NOT_OVER"


class ObjectionWindowClosed(DomainError):
    code = "OBJECTION_WINDOW_CLOSED"


class PerilNotCovered(DomainError):
    code = "PERIL_NOT_COVERED"


class OutsideCoverPeriod(DomainError):
    code = "OUTSIDE_COVER_PERIOD"


class DeclarationMismatch(DomainError):
    code = "DECLARATION_MISMATCH"


class DeclarationOverlaps(DomainError):
    code = "DECLARATION_OVERLAPS"


class DuplicateClaim(DomainError):
    code = "DUPLICATE_CLAIM"


class InvalidAssessment(DomainError):
    code = "INVALID_ASSESSMENT"


class NotAgreed(DomainError):
    code = "NOT_AGREED"


class AlreadyAgreed(DomainError):
    code = "ALREADY_AGREED"


class AlreadyPaid(DomainError):
    code = "ALREADY_PAID"


class AdvanceNotAllowed(DomainError):
    code = "ADVANCE_NOT_ALLOWED"


class DeadlineNotPassed(DomainError):
    code = "DEADLINE_NOT_PASSED"


class BreachAlreadyRecorded(DomainError):
    code = "BREACH_ALREADY_RECORDED"


class LossPayeeUnavailable(DomainError):
    code = "LOSS_PAYEE_UNAVAILABLE"


class BookClosed(DomainError):
    code = "BOOK_CLOSED"


class BookInsurerMismatch(DomainError):
    code = "BOOK_INSURER_MISMATCH"


class NothingToSettle(DomainError):
    code = "NOTHING_TO_SETTLE"


class ReadingInFuture(DomainError):
    code = "READING_IN_FUTURE"


class DoubleCover(DomainError):
    code = "DOUBLE_COVER"


class LimitationExpired(DomainError):
    code = "LIMITATION_EXPIRED"


class PeriodNotOver(DomainError):
    code = "PERIOD_NOT_OVER"


class ClaimsOpen(DomainError):
    code = "CLAIMS_OPEN"


class EvidenceReused(DomainError):
    code = "EVIDENCE_REUSED"


class ProgrammeRequired(DomainError):
    code = "PROGRAMME_REQUIRED"


class ProgrammeMismatch(DomainError):
    code = "PROGRAMME_MISMATCH"


class BudgetExceeded(DomainError):
    code = "BUDGET_EXCEEDED"


class RetentionNotOver(DomainError):
    code = "RETENTION_NOT_OVER"


class NothingToPurge(DomainError):
    code = "NOTHING_TO_PURGE"
