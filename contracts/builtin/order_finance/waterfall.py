"""The settlement waterfall as pure arithmetic on fen (no state, no transfers).

Order of payment out of the controlled account (docs/domain.md 2.1, 2.2, B4): the
government interest subsidy is paid to the bank from its own budget first (outside
this arithmetic; it reduces the interest the account must pay), then interest,
principal and agreed fees to the bank, then the remainder to the receivable
holders. Every step takes ``min(what is left, what is owed)``, so the bank never gets
more than it is owed and outflows always equal the inflow.

Among holders, assignees who took a split receivable with the bank's consent
(Art. 445) are paid before the seller, each up to its face amount, in receivable-id
order; the seller, as borrower, bears any shortfall caused by the bank's priority.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BankShare:
    interest: int
    principal: int
    fees: int

    @property
    def total(self) -> int:
        return self.interest + self.principal + self.fees


@dataclass(frozen=True)
class Leaf:
    receivable_id: str
    holder: str
    amount: int


def bank_share(available: int, interest: int, principal: int, fees: int) -> BankShare:
    """What the bank takes from ``available`` fen: interest, then principal, then fees."""
    take_interest = min(available, interest)
    left = available - take_interest
    take_principal = min(left, principal)
    left -= take_principal
    return BankShare(take_interest, take_principal, min(left, fees))


def holder_shares(remainder: int, leaves: Sequence[Leaf], seller: str) -> list[tuple[Leaf, int]]:
    """Split ``remainder`` over the open receivables: assignees first, then the seller.

    Whatever exceeds every leaf's face amount (never, while leaves sum to the
    invoice) goes to the seller's first leaf so the sum still equals ``remainder``.
    """
    ordered = sorted(leaves, key=lambda leaf: (leaf.holder == seller, leaf.receivable_id))
    shares: list[tuple[Leaf, int]] = []
    left = remainder
    for leaf in ordered:
        paid = min(left, leaf.amount)
        shares.append((leaf, paid))
        left -= paid
    if left and shares:
        index = next((i for i, (lf, _) in enumerate(shares) if lf.holder == seller), 0)
        leaf, paid = shares[index]
        shares[index] = (leaf, paid + left)
    return shares
