"""Who is party to a receipt, for disputes' standing rule (``contracts.assets``)."""

from __future__ import annotations

from typing import Any

from contracts.assets import AssetParties, AssetQuery
from contracts.base import view
from contracts.builtin.warehouse_receipt.store import find_receipt
from contracts.context import ReadContext


class ReceiptParties:
    """View mixed into WarehouseReceiptContract."""

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
