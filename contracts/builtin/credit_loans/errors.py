"""Domain errors of unsecured credit-line loans, each with a stable code.

::

    DomainError (contracts.exceptions)
    ├── NotFound
    │   └── LoanNotFound                  LOAN_NOT_FOUND
    ├── InvalidState
    │   └── LoanStateInvalid              LOAN_STATE_INVALID (.status, .allowed)
    ├── CreditNotEnabled                  CREDIT_NOT_ENABLED (no ratings to price by)
    ├── TenorTooLong                      TENOR_TOO_LONG (tenor_days > max_tenor_days)
    ├── GrantExceedsApplication           GRANT_EXCEEDS_APPLICATION
    ├── BorrowerRevoked                   BORROWER_REVOKED (member borrower revoked since applying)
    ├── BorrowerInDefault                 BORROWER_IN_DEFAULT (a default since the last rating)
    ├── RateBelowPricing                  RATE_BELOW_PRICING (rate under the tier's priced rate)
    ├── ExceedsCreditLine                 EXCEEDS_CREDIT_LINE (open principal + amount > line)
    ├── RepaymentExceedsDebt              REPAYMENT_EXCEEDS_DEBT
    └── LoanNotDue                        LOAN_NOT_DUE (default before maturity)
"""

from __future__ import annotations

from contracts.exceptions import DomainError, InvalidState, NotFound


class LoanNotFound(NotFound):
    code = "LOAN_NOT_FOUND"
    what = "credit loan"


class LoanStateInvalid(InvalidState):
    code = "LOAN_STATE_INVALID"


class CreditNotEnabled(DomainError):
    code = "CREDIT_NOT_ENABLED"


class TenorTooLong(DomainError):
    code = "TENOR_TOO_LONG"


class GrantExceedsApplication(DomainError):
    code = "GRANT_EXCEEDS_APPLICATION"


class BorrowerRevoked(DomainError):
    code = "BORROWER_REVOKED"


class BorrowerInDefault(DomainError):
    code = "BORROWER_IN_DEFAULT"


class RateBelowPricing(DomainError):
    code = "RATE_BELOW_PRICING"


class ExceedsCreditLine(DomainError):
    code = "EXCEEDS_CREDIT_LINE"


class RepaymentExceedsDebt(DomainError):
    code = "REPAYMENT_EXCEEDS_DEBT"


class LoanNotDue(DomainError):
    code = "LOAN_NOT_DUE"
