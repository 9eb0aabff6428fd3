"""Loan-to-value rules as exact integer comparisons (no division, no rounding).

- Within the cap: ``principal * 10000 <= value * ltv_cap_bp``.
- Past the warning line: ``principal * (10000 - warning_drop_bp) >= value * ltv_cap_bp``,
  i.e. LTV >= cap / (1 - drop): the value has fallen by at least ``drop`` below the value
  that would support this principal exactly at the cap (70 %, 10 % -> 77.78 %).
- Past the liquidation line: ``principal * 10000 >= value * liquidation_ltv_bp``.

A loan at the cap is strictly below its warning line whenever value > 0, so a fresh
disbursement never opens a margin call; a margin call is cured when the loan is
back within the cap.
"""

from __future__ import annotations

from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams


def max_principal(value: int, params: WarehouseReceiptParams) -> int:
    """The largest principal within the cap: floor(value * cap / 10000)."""
    return value * params.ltv_cap_bp // 10_000


def within_cap(principal: int, value: int, params: WarehouseReceiptParams) -> bool:
    return principal * 10_000 <= value * params.ltv_cap_bp


def past_warning(principal: int, value: int, params: WarehouseReceiptParams) -> bool:
    return principal > 0 and (
        principal * (10_000 - params.warning_drop_bp) >= value * params.ltv_cap_bp
    )


def past_liquidation(principal: int, value: int, params: WarehouseReceiptParams) -> bool:
    return principal > 0 and principal * 10_000 >= value * params.liquidation_ltv_bp


def ltv_bp(principal: int, value: int) -> int:
    """LTV in basis points, rounded down (for display and events only)."""
    return principal * 10_000 // value if value else 0
