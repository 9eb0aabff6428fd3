"""Domain errors of the credit contract (ratings, credit villages, interest subsidies).

::

    DomainError
    ├── NotFound
    │   ├── VillageNotFound             VILLAGE_NOT_FOUND
    │   └── ProgrammeNotFound           PROGRAMME_NOT_FOUND
    ├── VillageAlreadyExists            VILLAGE_ALREADY_EXISTS
    ├── RatingScoresTooLow              RATING_SCORES_TOO_LOW (scores do not support the tier)
    ├── ProgrammeAlreadyExists          PROGRAMME_ALREADY_EXISTS
    ├── ProgrammeClosed                 PROGRAMME_CLOSED
    ├── InvalidSubsidyRule              INVALID_SUBSIDY_RULE
    ├── FundingExceedsBudget            FUNDING_EXCEEDS_BUDGET
    ├── CallerNotAllowed                CALLER_NOT_ALLOWED (operation from a non-loan contract)
    └── SubsidyNotEligible              SUBSIDY_NOT_ELIGIBLE (interest of an overdue or
                                        defaulted loan offered for a subsidy: L3)
"""

from __future__ import annotations

from contracts.exceptions import DomainError, NotFound


class VillageNotFound(NotFound):
    code = "VILLAGE_NOT_FOUND"
    what = "village"


class ProgrammeNotFound(NotFound):
    code = "PROGRAMME_NOT_FOUND"
    what = "subsidy programme"


class VillageAlreadyExists(DomainError):
    code = "VILLAGE_ALREADY_EXISTS"


class RatingScoresTooLow(DomainError):
    code = "RATING_SCORES_TOO_LOW"


class ProgrammeAlreadyExists(DomainError):
    code = "PROGRAMME_ALREADY_EXISTS"


class ProgrammeClosed(DomainError):
    code = "PROGRAMME_CLOSED"


class InvalidSubsidyRule(DomainError):
    code = "INVALID_SUBSIDY_RULE"


class FundingExceedsBudget(DomainError):
    code = "FUNDING_EXCEEDS_BUDGET"


class CallerNotAllowed(DomainError):
    code = "CALLER_NOT_ALLOWED"


class SubsidyNotEligible(DomainError):
    """A loan contract offered interest of an overdue or defaulted loan (L3)."""

    code = "SUBSIDY_NOT_ELIGIBLE"
