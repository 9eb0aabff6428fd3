"""The holders' side of the settlement waterfall, as pure arithmetic on fen.

Order of payment out of the controlled account (docs/domain.md 2.1, 2.2, B4): the
bank first, through the lending core's waterfall (lending.py: the subsidy, then
agreed fees, penalty, interest, principal), then the remainder to the receivable
holders, split here. Every step takes ``min(what is left, what is owed)``, so the
bank never gets more than it is owed and outflows always equal the inflow.

Among holders, assignees who took a split receivable with the bank's consent
(Art. 445) are paid before the seller, each up to its face amount, in receivable-id
order; the seller, as borrower, bears any shortfall caused by the bank's priority.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    receivable_id: str
    holder: str
    amount: int


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
