"""The liquidation waterfall (docs/domain.md 1.4, A10): costs, then interest, then principal,
and only what is left to the borrower. Whatever principal and interest stay unpaid
is the shortfall the bank writes off."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Waterfall:
    costs: int
    interest: int
    principal: int
    surplus: int
    interest_shortfall: int
    principal_shortfall: int

    @property
    def to_bank(self) -> int:
        return self.costs + self.interest + self.principal


def apply_waterfall(proceeds: int, costs: int, interest: int, principal: int) -> Waterfall:
    """Split ``proceeds`` (fen) in priority order; every input is a non-negative integer."""
    left = proceeds
    paid_costs = min(left, costs)
    left -= paid_costs
    paid_interest = min(left, interest)
    left -= paid_interest
    paid_principal = min(left, principal)
    left -= paid_principal
    return Waterfall(
        costs=paid_costs,
        interest=paid_interest,
        principal=paid_principal,
        surplus=left,
        interest_shortfall=interest - paid_interest,
        principal_shortfall=principal - paid_principal,
    )
