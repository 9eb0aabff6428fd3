"""Pure payout and loss-sharing arithmetic (docs/domain.md 3.1, C1, C2, C6, C9).

Units: money in fen, areas in centi-mu (1/100 mu), ratios and caps in basis
points (10,000 bp = 100 %). No floats anywhere.

Rounding rule: every amount is computed as one exact integer fraction and
rounded down (floor) once, at the end, so a household is never paid a fen more
than the formula gives and splits never create money. Where an amount is split
into parts (premium shares, government/consortium layers), every part but one
is floored and the named remainder part takes the difference, so the parts
always add up to the whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BP = 10_000
CENTI_MU_PER_MU = 100


def loss_factor(loss_bp: int, threshold_bp: int = 3_000, full_bp: int = 7_000) -> int:
    """f(loss) in bp: nothing below the threshold, pro rata between, full at or above full_bp."""
    if loss_bp < threshold_bp:
        return 0
    if loss_bp >= full_bp:
        return BP
    return loss_bp


def household_payout(
    *,
    stage_cap_bp: int,
    sum_insured_per_mu: int,
    loss_bp: int,
    damaged_area: int,
    insured_area: int,
    planted_area: int,
    threshold_bp: int = 3_000,
    full_bp: int = 7_000,
) -> int:
    """C1: stage cap x sum insured/mu x f(loss) x damaged area (x insured/planted if under-insured).

    Areas in centi-mu; the result in fen, floored once. There is no deductible:
    subsidised planting policies may not carry one (docs/domain.md 3.1).
    """
    factor = loss_factor(loss_bp, threshold_bp, full_bp)
    numerator = stage_cap_bp * sum_insured_per_mu * factor * damaged_area
    denominator = BP * BP * CENTI_MU_PER_MU
    if 0 < insured_area < planted_area:
        numerator *= insured_area
        denominator *= planted_area
    return numerator // denominator


def index_payout(*, sum_insured_per_mu: int, payout_bp: int, insured_area: int) -> int:
    """An index trigger pays payout_bp of the sum insured on the whole insured area (floored)."""
    return sum_insured_per_mu * payout_bp * insured_area // (BP * CENTI_MU_PER_MU)


def sum_insured(sum_insured_per_mu: int, insured_area: int) -> int:
    """A household's sum insured in fen (floored)."""
    return sum_insured_per_mu * insured_area // CENTI_MU_PER_MU


def premium(premium_per_mu: int, insured_area: int) -> int:
    """A policy's premium in fen on its total insured area (floored)."""
    return premium_per_mu * insured_area // CENTI_MU_PER_MU


@dataclass(frozen=True)
class ShareSplit:
    central: int
    province: int
    county: int
    farmer: int

    def as_dict(self) -> dict[str, int]:
        return {"central": self.central, "province": self.province,
                "county": self.county, "farmer": self.farmer}


def split_premium(total: int, central_bp: int, province_bp: int, county_bp: int) -> ShareSplit:
    """C6: government shares floored; the farmers' share is the remainder, so the sum is exact."""
    central = total * central_bp // BP
    province = total * province_bp // BP
    county = total * county_bp // BP
    return ShareSplit(central, province, county, total - central - province - county)


@dataclass(frozen=True)
class Layer:
    """Losses up to ``up_to_bp`` x premium are shared government:consortium in these parts."""

    up_to_bp: int
    government: int
    consortium: int


ZHEJIANG_LAYERS: tuple[Layer, ...] = (
    Layer(20_000, 0, 1),
    Layer(30_000, 1, 1),
    Layer(50_000, 2, 1),
)


@dataclass(frozen=True)
class LossSplit:
    government: int
    consortium: int
    above_cap: int

    def as_dict(self) -> dict[str, int]:
        return {"government": self.government, "consortium": self.consortium,
                "above_cap": self.above_cap}


def share_losses(
    premium_total: int, payouts: int, layers: Sequence[Layer] = ZHEJIANG_LAYERS
) -> LossSplit:
    """C9: split payouts by the layer table; payouts above the last layer are outside the cap.

    Layer bounds are floor(premium x multiple). In each layer the government part
    is floored and the consortium takes the remainder. The part above the cap
    (5x premium in Zhejiang) is reported as ``above_cap``: the government never
    shares it (assumption A: the consortium bears it, since household payouts are
    fixed by C1 and are not scaled down here).
    """
    government = consortium = 0
    lower = 0
    for layer in layers:
        upper = premium_total * layer.up_to_bp // BP
        in_layer = max(0, min(payouts, upper) - lower)
        parts = layer.government + layer.consortium
        gov = in_layer * layer.government // parts if parts else 0
        government += gov
        consortium += in_layer - gov
        lower = max(lower, upper)
    return LossSplit(government, consortium, max(0, payouts - lower))
