"""Domain errors of the warehouse-receipt contract, each with a stable code.

::

    DomainError
    ├── NotFound
    │   ├── LotNotFound                 LOT_NOT_FOUND
    │   ├── ReceiptNotFound             RECEIPT_NOT_FOUND
    │   └── LoanNotFound                LOAN_NOT_FOUND
    ├── CommodityNotEligible            COMMODITY_NOT_ELIGIBLE
    ├── IntakeAfterBlock                INTAKE_AFTER_BLOCK (received after block time)
    ├── DepositorNotFound               DEPOSITOR_NOT_FOUND (intake for an unknown org)
    ├── LotOverIssued                   LOT_OVER_ISSUED (A1: more receipts than goods)
    ├── ReceiptNotActive                RECEIPT_NOT_ACTIVE
    ├── ReceiptPledged                  RECEIPT_PLEDGED (A3: pledged goods stay put)
    ├── ReceiptAlreadyPledged           RECEIPT_ALREADY_PLEDGED (A2: a second lien)
    ├── LotAlreadyPledged               LOT_ALREADY_PLEDGED (A2/X2: lot backs another loan)
    ├── ReceiptExpired                  RECEIPT_EXPIRED
    ├── ReceiptNotExpired               RECEIPT_NOT_EXPIRED
    ├── ReceiptNotHeld                  RECEIPT_NOT_HELD (borrower is not the holder)
    ├── DuplicateReceipts               DUPLICATE_RECEIPTS
    ├── InvalidSplit                    INVALID_SPLIT
    ├── MergeMismatch                   MERGE_MISMATCH
    ├── SameHolder                      SAME_HOLDER
    ├── InvalidLoanState                INVALID_LOAN_STATE
    ├── PrincipalExceedsLtv             PRINCIPAL_EXCEEDS_LTV (A7)
    ├── TenorTooLong                    TENOR_TOO_LONG
    ├── RepaymentExceedsDebt            REPAYMENT_EXCEEDS_DEBT
    ├── LoanNotDefaultable              LOAN_NOT_DEFAULTABLE
    ├── LoanNotCallable                 LOAN_NOT_CALLABLE (V5: its collateral is verified)
    ├── ReceiptNotInLoan                RECEIPT_NOT_IN_LOAN
    ├── ReleaseBreachesLtv              RELEASE_BREACHES_LTV
    ├── EnforcementCostsTooHigh         ENFORCEMENT_COSTS_TOO_HIGH
    ├── PriceNotAttested                PRICE_NOT_ATTESTED (V1: no oracle price to value by)
    ├── PriceStale                      PRICE_STALE (V1: attestation older than the max age)
    ├── PriceOutOfOrder                 PRICE_OUT_OF_ORDER (as-of after block time or before latest)
    ├── TakeBelowFloor                  TAKE_BELOW_FLOOR (V3: agreed price under value less haircut)
    ├── SaleBelowReserve                SALE_BELOW_RESERVE (V3: sale under the reserve, no pledgor)
    ├── BuyerIsLender                   BUYER_IS_LENDER (V3: a sale goes to a third party)
    ├── AuctionNotFailed                AUCTION_NOT_FAILED (V3: a bid met the reserve: a sale)
    ├── NotPledged                      RECEIPT_NOT_PLEDGED (D7: a court sale needs a loan)
    ├── LossExceedsQuantity             LOSS_EXCEEDS_QUANTITY (V4: more lost than receipted)
    ├── NotInsured                      NOT_INSURED (V4: no stored-goods cover on the receipt)
    ├── InsuranceExceedsLoss            INSURANCE_EXCEEDS_LOSS (V4: pays at most the insured loss)
    ├── ImpairmentUnsettled             IMPAIRMENT_UNSETTLED (V4: split/merge before the payout)
    ├── PileOccupied                    PILE_OCCUPIED (V5: one lot per pile)
    ├── CollateralManagerRequired       COLLATERAL_MANAGER_REQUIRED (V5: borrower's own warehouse)
    ├── NotCollateralManager            NOT_COLLATERAL_MANAGER (V5: another org's custody)
    ├── StockCheckOverdue               STOCK_CHECK_OVERDUE (V5: no pledges until counted)
    └── StockShortfall                  STOCK_SHORTFALL (V5: count below the books)

The registry's ASSET_ALREADY_ENCUMBERED can also reject a pledge (X2).
"""

from __future__ import annotations

from contracts.exceptions import DomainError, NotFound


class LotNotFound(NotFound):
    code = "LOT_NOT_FOUND"
    what = "lot"


class ReceiptNotFound(NotFound):
    code = "RECEIPT_NOT_FOUND"
    what = "receipt"


class LoanNotFound(NotFound):
    code = "LOAN_NOT_FOUND"
    what = "loan"


class CommodityNotEligible(DomainError):
    code = "COMMODITY_NOT_ELIGIBLE"


class IntakeAfterBlock(DomainError):
    code = "INTAKE_AFTER_BLOCK"


class DepositorNotFound(DomainError):
    code = "DEPOSITOR_NOT_FOUND"


class LotOverIssued(DomainError):
    code = "LOT_OVER_ISSUED"


class ReceiptNotActive(DomainError):
    code = "RECEIPT_NOT_ACTIVE"


class ReceiptPledged(DomainError):
    code = "RECEIPT_PLEDGED"


class ReceiptAlreadyPledged(DomainError):
    code = "RECEIPT_ALREADY_PLEDGED"


class LotAlreadyPledged(DomainError):
    code = "LOT_ALREADY_PLEDGED"


class ReceiptExpired(DomainError):
    code = "RECEIPT_EXPIRED"


class ReceiptNotExpired(DomainError):
    code = "RECEIPT_NOT_EXPIRED"


class ReceiptNotHeld(DomainError):
    code = "RECEIPT_NOT_HELD"


class DuplicateReceipts(DomainError):
    code = "DUPLICATE_RECEIPTS"


class InvalidSplit(DomainError):
    code = "INVALID_SPLIT"


class MergeMismatch(DomainError):
    code = "MERGE_MISMATCH"


class SameHolder(DomainError):
    code = "SAME_HOLDER"


class InvalidLoanState(DomainError):
    code = "INVALID_LOAN_STATE"


class PrincipalExceedsLtv(DomainError):
    code = "PRINCIPAL_EXCEEDS_LTV"


class TenorTooLong(DomainError):
    code = "TENOR_TOO_LONG"


class RepaymentExceedsDebt(DomainError):
    code = "REPAYMENT_EXCEEDS_DEBT"


class LoanNotDefaultable(DomainError):
    code = "LOAN_NOT_DEFAULTABLE"


class LoanNotCallable(DomainError):
    code = "LOAN_NOT_CALLABLE"


class ReceiptNotInLoan(DomainError):
    code = "RECEIPT_NOT_IN_LOAN"


class ReleaseBreachesLtv(DomainError):
    code = "RELEASE_BREACHES_LTV"


class EnforcementCostsTooHigh(DomainError):
    code = "ENFORCEMENT_COSTS_TOO_HIGH"


class PriceNotAttested(DomainError):
    code = "PRICE_NOT_ATTESTED"


class PriceStale(DomainError):
    code = "PRICE_STALE"


class PriceOutOfOrder(DomainError):
    code = "PRICE_OUT_OF_ORDER"


class TakeBelowFloor(DomainError):
    code = "TAKE_BELOW_FLOOR"


class SaleBelowReserve(DomainError):
    code = "SALE_BELOW_RESERVE"


class BuyerIsLender(DomainError):
    code = "BUYER_IS_LENDER"


class AuctionNotFailed(DomainError):
    """A bid at or above the reserve is a sale (``enforce_sale``), not a failed auction."""

    code = "AUCTION_NOT_FAILED"


class NotPledged(DomainError):
    """A court-ordered sale of a receipt that secures no open loan."""

    code = "RECEIPT_NOT_PLEDGED"


class LossExceedsQuantity(DomainError):
    code = "LOSS_EXCEEDS_QUANTITY"


class NotInsured(DomainError):
    code = "NOT_INSURED"


class InsuranceExceedsLoss(DomainError):
    code = "INSURANCE_EXCEEDS_LOSS"


class ImpairmentUnsettled(DomainError):
    code = "IMPAIRMENT_UNSETTLED"


class PileOccupied(DomainError):
    code = "PILE_OCCUPIED"


class CollateralManagerRequired(DomainError):
    code = "COLLATERAL_MANAGER_REQUIRED"


class NotCollateralManager(DomainError):
    code = "NOT_COLLATERAL_MANAGER"


class StockCheckOverdue(DomainError):
    code = "STOCK_CHECK_OVERDUE"


class StockShortfall(DomainError):
    code = "STOCK_SHORTFALL"


DOMAIN_ERRORS: tuple[type[DomainError], ...] = (
    LotNotFound,
    ReceiptNotFound,
    LoanNotFound,
    IntakeAfterBlock,
    DepositorNotFound,
    CommodityNotEligible,
    LotOverIssued,
    ReceiptNotActive,
    ReceiptPledged,
    ReceiptAlreadyPledged,
    LotAlreadyPledged,
    ReceiptExpired,
    ReceiptNotExpired,
    ReceiptNotHeld,
    DuplicateReceipts,
    InvalidSplit,
    MergeMismatch,
    SameHolder,
    InvalidLoanState,
    PrincipalExceedsLtv,
    TenorTooLong,
    RepaymentExceedsDebt,
    LoanNotDefaultable,
    LoanNotCallable,
    ReceiptNotInLoan,
    ReleaseBreachesLtv,
    EnforcementCostsTooHigh,
    PriceNotAttested,
    PriceStale,
    PriceOutOfOrder,
    TakeBelowFloor,
    SaleBelowReserve,
    BuyerIsLender,
    LossExceedsQuantity,
    NotInsured,
    InsuranceExceedsLoss,
    ImpairmentUnsettled,
    PileOccupied,
    CollateralManagerRequired,
    NotCollateralManager,
    StockCheckOverdue,
    StockShortfall,
)
"""Every error this contract defines (the unit tests cover each code once)."""
