"""Argument models of the actions and parameter models of the views."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from contracts.base import Args, Query
from contracts.types import BasisPoints, Fen, Id, OrgId, PositiveFen, Quantity, Text, Timestamp

Name = Annotated[str, Field(min_length=1, max_length=64)]
Days = Annotated[int, Field(ge=1, le=3650)]
Pile = Annotated[str, Field(min_length=1, max_length=200)]
ReceiptIds = Annotated[list[Id], Field(min_length=1, max_length=20)]


class IntakeArgs(Args):
    warehouse: OrgId
    depositor: OrgId = Field(description="the organisation that delivered the goods")
    commodity: Name
    grade: Name
    quantity: Quantity = Field(description="quantity received, after inspection")
    unit: Name
    moisture_permille: Annotated[int, Field(ge=0, le=1000)]
    pile: Pile = Field(
        description="the pile (bay, bin, silo) the goods went into; one lot per pile"
    )
    received_at: Timestamp = Field(description="when the goods came in; not after block time")


class InsuranceArgs(Args):
    insurer: OrgId
    amount: PositiveFen
    until: Timestamp


class IssueArgs(Args):
    warehouse: OrgId
    lot_id: Id = Field(description="the lot its intake record created (IntakeRecorded)")
    quantity: Quantity
    shrinkage_bp: BasisPoints
    storage_days: Days
    storage_fee: Fen
    value: PositiveFen
    insurance: InsuranceArgs | None = None


class ReceiptArgs(Args):
    receipt_id: Id


class TransferArgs(Args):
    receipt_id: Id
    new_holder: OrgId


class SplitArgs(Args):
    receipt_id: Id
    quantities: Annotated[list[Quantity], Field(min_length=2, max_length=20)]


class MergeArgs(Args):
    receipt_ids: Annotated[list[Id], Field(min_length=2, max_length=20)]


class AttestPriceArgs(Args):
    commodity: Name
    grade: Name
    unit: Name
    price_per_unit: PositiveFen = Field(description="fen per unit of the commodity grade")
    as_of: Timestamp = Field(description="when the price was observed; not after block time")


class LossArgs(Args):
    receipt_id: Id
    quantity: Quantity = Field(description="units lost, spoiled or destroyed")
    cause: Text


class InsurancePaymentArgs(Args):
    receipt_id: Id
    amount: PositiveFen


class StockCount(Args):
    commodity: Name
    unit: Name
    quantity: Annotated[int, Field(ge=0, le=10**12)]


class StockCheckArgs(Args):
    warehouse: OrgId
    counts: Annotated[list[StockCount], Field(max_length=50)] = Field(
        description="what the collateral manager counted; goods on the books not listed "
        "count as zero"
    )


class ApplyArgs(Args):
    borrower: OrgId
    bank: OrgId
    receipt_ids: ReceiptIds


class ApproveArgs(Args):
    loan_id: Id
    principal: PositiveFen
    tenor_days: Days
    rate_bp: BasisPoints


class LoanArgs(Args):
    loan_id: Id


class RepayArgs(Args):
    loan_id: Id
    amount: PositiveFen | None = Field(
        default=None, description="fen to pay; omitted: pay off the whole debt at block time"
    )


class LoanReceiptArgs(Args):
    loan_id: Id
    receipt_id: Id


class EnforceTakeArgs(Args):
    loan_id: Id
    price: PositiveFen = Field(
        description="converted price agreed with the pledgor (who co-signs), in fen"
    )
    costs: Fen = 0


class EnforceSaleArgs(Args):
    loan_id: Id
    buyer: OrgId
    price: PositiveFen
    costs: Fen = 0


class FailedAuctionArgs(Args):
    loan_id: Id
    reserve: PositiveFen = Field(description="the auction's reserve price, in fen")
    best_bid: Fen = Field(default=0, description="the highest bid, below the reserve (0: none)")


class ReceiptQuery(Query):
    receipt_id: Id


class LotQuery(Query):
    warehouse: OrgId
    lot_id: Id


class CustodyQuery(Query):
    warehouse: OrgId


class LoanQuery(Query):
    loan_id: Id


class HolderQuery(Query):
    holder: OrgId


class AssetQuery(Query):
    asset: Id


class PriceQuery(Query):
    commodity: Name
    grade: Name
    unit: Name
