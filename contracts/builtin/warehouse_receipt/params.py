"""Genesis parameters of the warehouse-receipt contract (docs/domain.md 1.2 and 6).

Everything docs/domain.md marks **A** (assumption) is a parameter here:

- ``eligible_commodities``: commodity -> shelf life in days. A deposit of anything else
  is refused; a receipt expires at min(shelf life, storage period) after issue [S13].
- ``ltv_cap_bp`` (7000): principal <= cap x appraised value at approval and disbursement.
- ``warning_drop_bp`` (1000): the warning line is the LTV reached when the collateral
  backing a loan at the cap loses this share of its value, i.e.
  LTV_warn = cap / (1 - drop) (77.78 % for 70 % and 10 %). A loan is past the line when
  ``principal * (10000 - drop) >= value * cap`` (exact integer cross-multiplication,
  so the worked example's exact 10 % fall opens a margin call).
- ``liquidation_ltv_bp`` (9000): under a margin call at or above this LTV the bank may
  mark the loan in default before the cure period ends.
- ``cure_days`` (10): days a margin call stays open before the bank may mark default.
- ``max_tenor_days`` (180): product maximum tenor.
- ``day_count_basis`` (365): days in the interest year, ACT/365F (or 360, ACT/360).
- ``penalty_share_bp`` (5000): past maturity the unpaid principal accrues at the rate plus
  this share of it (L2; PBoC: 30-50 %).
- ``max_enforcement_cost_bp`` (500): enforcement costs the bank may deduct, as a share
  of the proceeds, so costs cannot swallow the borrower's surplus (A10).
- ``price_max_age_days`` (30): a price attestation older than this (block time minus its
  as-of time) is stale: revaluation and a take at an agreed price refuse it (V1, V3).
- ``take_haircut_bp`` (1000): after default the lender may take the goods itself only at
  a price agreed with the pledgor of at least the attested market value less this
  share (V3; 10 % by default, so 2,340 CNY/t x 200 t needs >= 421,200 CNY). The same
  floor is the reserve of an enforcement sale the pledgor does not co-sign.
- ``stock_check_days`` (30): a collateral manager counts a self-run warehouse's stock at
  least this often; past it, the warehouse's managed receipts cannot be pledged (V5,
  custody.py).
"""

from __future__ import annotations

from pydantic import Field

from contracts.base import Params
from contracts.lending import DEFAULT_PENALTY_SHARE_BP, DayCount, PenaltyShareBp

DEFAULT_COMMODITIES: dict[str, int] = {
    "paddy": 365,
    "wheat": 365,
    "maize": 365,
    "rapeseed": 270,
    "tea": 540,
}


class WarehouseReceiptParams(Params):
    eligible_commodities: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_COMMODITIES))
    ltv_cap_bp: int = Field(default=7000, ge=1, le=10_000)
    warning_drop_bp: int = Field(default=1000, ge=1, le=9_999)
    liquidation_ltv_bp: int = Field(default=9000, ge=1, le=100_000)
    cure_days: int = Field(default=10, ge=0, le=365)
    max_tenor_days: int = Field(default=180, ge=1, le=3650)
    day_count_basis: DayCount = DayCount.ACT_365F
    penalty_share_bp: PenaltyShareBp = DEFAULT_PENALTY_SHARE_BP
    max_enforcement_cost_bp: int = Field(default=500, ge=0, le=10_000)
    price_max_age_days: int = Field(default=30, ge=1, le=365)
    take_haircut_bp: int = Field(default=1000, ge=0, le=9_999)
    stock_check_days: int = Field(default=30, ge=1, le=365)
