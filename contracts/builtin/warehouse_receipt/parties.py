"""Who is party to a receipt, for disputes' standing rule, and a court-ordered sale of a
pledged receipt (D7), both through the seam of ``contracts.assets``."""

from __future__ import annotations

from typing import Any

from contracts.assets import (
    COURT_SALE,
    AssetParties,
    AssetQuery,
    CourtSaleArgs,
    require_court,
)
from contracts.base import operation, view
from contracts.builtin.warehouse_receipt import enforcement
from contracts.builtin.warehouse_receipt.errors import ReceiptNotFound
from contracts.builtin.warehouse_receipt.store import find_receipt
from contracts.context import Context, ReadContext


class ReceiptParties:
    """View and court operation mixed into WarehouseReceiptContract."""

    @view(AssetQuery)
    def asset_parties(self, ctx: ReadContext, query: AssetQuery) -> Any:
        """``receipt:<id>``: holder (its owner), pledgee, depositor and the warehouse."""
        kind, _, receipt_id = query.asset.partition(":")
        receipt = find_receipt(ctx, receipt_id) if kind == "receipt" else None
        if receipt is None:
            return AssetParties.missing().to_state()
        return AssetParties.of(
            [receipt.holder, receipt.pledgee, receipt.depositor, receipt.warehouse],
            owners=[receipt.holder], value=receipt.value,
        ).to_state()

    @operation(CourtSaleArgs)
    def court_sale(self, ctx: Context, args: CourtSaleArgs) -> None:
        """Sell the pledged ``receipt:<id>`` as a court ordered (``enforcement.court_sale``)."""
        require_court(ctx, COURT_SALE)
        kind, _, receipt_id = args.asset.partition(":")
        if kind != "receipt" or find_receipt(ctx, receipt_id) is None:
            raise ReceiptNotFound(args.asset)
        enforcement.court_sale(ctx, ctx.params, receipt_id, args.buyer, args.price, args.costs)
