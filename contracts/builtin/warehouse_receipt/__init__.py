"""Electronic warehouse receipts and pledge loans (docs/domain.md section 1)."""

from contracts.builtin.warehouse_receipt.contract import WarehouseReceiptContract
from contracts.builtin.warehouse_receipt.errors import DOMAIN_ERRORS
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams

__all__ = ["DOMAIN_ERRORS", "WarehouseReceiptContract", "WarehouseReceiptParams"]
