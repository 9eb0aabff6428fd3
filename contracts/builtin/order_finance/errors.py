"""Domain errors of order financing, each with a stable code.

::

    DomainError (contracts.exceptions)
    ├── NotFound
    │   ├── OrderNotFound                 ORDER_NOT_FOUND
    │   ├── ReceivableNotFound            RECEIVABLE_NOT_FOUND
    │   └── LoanNotFound                  LOAN_NOT_FOUND
    ├── InvalidState
    │   ├── OrderStateInvalid             ORDER_STATE_INVALID (.status, .allowed)
    │   ├── ReceivableStateInvalid        RECEIVABLE_STATE_INVALID
    │   └── LoanNotOpen                   LOAN_NOT_OPEN
    ├── OrderAlreadyExists                ORDER_ALREADY_EXISTS
    ├── BuyerIsSeller                     BUYER_IS_SELLER
    ├── InvalidDate                       INVALID_DATE (a due date not after block time)
    ├── OrderEncumbered                   ORDER_ENCUMBERED (registry already holds a lien)
    ├── FinancingAboveRatio               FINANCING_ABOVE_RATIO
    ├── DisbursementNotEarmarked          DISBURSEMENT_NOT_EARMARKED (B2)
    ├── QuantityExceedsOrdered            QUANTITY_EXCEEDS_ORDERED
    ├── AcceptedExceedsDelivered          ACCEPTED_EXCEEDS_DELIVERED
    ├── PayeeNotControlledAccount         PAYEE_NOT_CONTROLLED_ACCOUNT (B3)
    ├── PaymentExceedsReceivable          PAYMENT_EXCEEDS_RECEIVABLE
    ├── SplitNotConserving                SPLIT_NOT_CONSERVING (B5)
    ├── RepaymentExceedsDebt              REPAYMENT_EXCEEDS_DEBT
    ├── LoanNotDue                        LOAN_NOT_DUE
    ├── DeliveriesClosed                  DELIVERIES_CLOSED (remainder cancelled after lateness)
    ├── DeliveryNotLate                   DELIVERY_NOT_LATE (remainder cancelled before due)
    └── PaymentNotDue                     PAYMENT_NOT_DUE (buyer default before the due date)
"""

from __future__ import annotations

from contracts.exceptions import DomainError, InvalidState, NotFound


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    what = "order"


class ReceivableNotFound(NotFound):
    code = "RECEIVABLE_NOT_FOUND"
    what = "receivable"


class LoanNotFound(NotFound):
    code = "LOAN_NOT_FOUND"
    what = "loan on order"


class OrderStateInvalid(InvalidState):
    code = "ORDER_STATE_INVALID"


class ReceivableStateInvalid(InvalidState):
    code = "RECEIVABLE_STATE_INVALID"


class LoanNotOpen(InvalidState):
    code = "LOAN_NOT_OPEN"


class OrderAlreadyExists(DomainError):
    code = "ORDER_ALREADY_EXISTS"


class BuyerIsSeller(DomainError):
    code = "BUYER_IS_SELLER"


class InvalidDate(DomainError):
    code = "INVALID_DATE"


class OrderEncumbered(DomainError):
    code = "ORDER_ENCUMBERED"


class FinancingAboveRatio(DomainError):
    code = "FINANCING_ABOVE_RATIO"


class DisbursementNotEarmarked(DomainError):
    code = "DISBURSEMENT_NOT_EARMARKED"


class QuantityExceedsOrdered(DomainError):
    code = "QUANTITY_EXCEEDS_ORDERED"


class AcceptedExceedsDelivered(DomainError):
    code = "ACCEPTED_EXCEEDS_DELIVERED"


class PayeeNotControlledAccount(DomainError):
    code = "PAYEE_NOT_CONTROLLED_ACCOUNT"


class PaymentExceedsReceivable(DomainError):
    code = "PAYMENT_EXCEEDS_RECEIVABLE"


class SplitNotConserving(DomainError):
    code = "SPLIT_NOT_CONSERVING"


class RepaymentExceedsDebt(DomainError):
    code = "REPAYMENT_EXCEEDS_DEBT"


class LoanNotDue(DomainError):
    code = "LOAN_NOT_DUE"


class DeliveriesClosed(DomainError):
    code = "DELIVERIES_CLOSED"


class DeliveryNotLate(DomainError):
    code = "DELIVERY_NOT_LATE"


class PaymentNotDue(DomainError):
    code = "PAYMENT_NOT_DUE"
