"""Properties of the pure payout and loss-sharing arithmetic (C1, C2, C6, C9)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.builtin.claims.payout import (
    BP,
    ZHEJIANG_LAYERS,
    household_payout,
    index_payout,
    loss_factor,
    share_losses,
    split_premium,
    sum_insured,
)

loss = st.integers(0, BP)
caps = st.integers(0, BP)
per_mu = st.integers(1, 10**8)
areas = st.integers(1, 10**7)


def test_loss_factor_is_zero_just_below_30_percent_and_pro_rata_from_30() -> None:
    assert loss_factor(2_999) == 0
    assert loss_factor(3_000) == 3_000
    assert loss_factor(6_999) == 6_999
    assert loss_factor(7_000) == BP


@given(loss)
def test_loss_factor_follows_the_three_bands(loss_bp: int) -> None:
    f = loss_factor(loss_bp)
    if loss_bp < 3_000:
        assert f == 0
    elif loss_bp < 7_000:
        assert f == loss_bp
    else:
        assert f == BP


@given(loss, loss)
def test_loss_factor_never_falls_as_loss_rises(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert loss_factor(low) <= loss_factor(high)


@given(caps, per_mu, loss, areas, areas)
def test_fully_insured_payout_is_the_floored_c1_product(
    cap: int, si: int, loss_bp: int, damaged: int, planted: int
) -> None:
    damaged = min(damaged, planted)
    paid = household_payout(stage_cap_bp=cap, sum_insured_per_mu=si, loss_bp=loss_bp,
                            damaged_area=damaged, insured_area=planted, planted_area=planted)
    exact_times = cap * si * loss_factor(loss_bp) * damaged
    assert paid == exact_times // (BP * BP * 100)
    assert paid * BP * BP * 100 <= exact_times < (paid + 1) * BP * BP * 100


@given(caps, per_mu, loss, areas, areas, areas)
def test_payout_never_exceeds_the_households_sum_insured(
    cap: int, si: int, loss_bp: int, damaged: int, insured: int, planted: int
) -> None:
    insured, planted = sorted((insured, planted))
    damaged = min(damaged, planted)
    paid = household_payout(stage_cap_bp=cap, sum_insured_per_mu=si, loss_bp=loss_bp,
                            damaged_area=damaged, insured_area=insured, planted_area=planted)
    assert 0 <= paid <= sum_insured(si, insured)


@given(caps, per_mu, st.integers(3_000, BP), areas, areas)
def test_under_insured_household_is_paid_pro_rata_insured_over_planted(
    cap: int, si: int, loss_bp: int, insured: int, extra: int
) -> None:
    planted = insured + extra
    full = household_payout(stage_cap_bp=cap, sum_insured_per_mu=si, loss_bp=loss_bp,
                            damaged_area=planted, insured_area=planted, planted_area=planted)
    part = household_payout(stage_cap_bp=cap, sum_insured_per_mu=si, loss_bp=loss_bp,
                            damaged_area=planted, insured_area=insured, planted_area=planted)
    # part = floor(X * insured / planted) where full = floor(X): within one fen of pro rata
    assert part <= full
    assert abs(part * planted - full * insured) <= planted + insured


@given(per_mu, st.integers(0, BP), areas)
def test_index_payout_is_the_same_rate_for_every_mu(si: int, payout_bp: int, area: int) -> None:
    assert index_payout(sum_insured_per_mu=si, payout_bp=payout_bp, insured_area=area) == \
        si * payout_bp * area // (BP * 100)
    assert index_payout(sum_insured_per_mu=si, payout_bp=payout_bp, insured_area=area) <= \
        sum_insured(si, area)


@given(st.integers(0, 10**12), st.integers(0, BP), st.integers(2_500, BP), st.integers(0, BP))
def test_premium_shares_add_up_exactly_with_farmers_taking_the_remainder(
    total: int, central: int, province: int, county: int
) -> None:
    if central + province + county > BP:
        return
    split = split_premium(total, central, province, county)
    assert split.central + split.province + split.county + split.farmer == total
    assert split.central == total * central // BP
    assert split.farmer >= total * (BP - central - province - county) // BP


@given(st.integers(1, 10**10), st.integers(0, 10**11))
def test_consortium_layers_conserve_payouts_and_government_pays_nothing_below_2x(
    premium: int, payouts: int
) -> None:
    split = share_losses(premium, payouts)
    assert split.government + split.consortium + split.above_cap == payouts
    if payouts <= 2 * premium:
        assert split.government == 0
    assert 0 <= split.government <= payouts
    if payouts <= 5 * premium:
        assert split.above_cap == 0
    else:
        assert split.above_cap == payouts - 5 * premium


@given(st.integers(1, 10**10), st.integers(0, 10**11), st.integers(0, 10**11))
def test_government_share_never_falls_as_payouts_rise(premium: int, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert share_losses(premium, low).government <= share_losses(premium, high).government


@given(st.integers(1, 10**10), st.integers(0, 10**11))
def test_government_share_matches_the_layer_table_within_rounding(
    premium: int, payouts: int
) -> None:
    covered = min(payouts, 5 * premium)
    one_to_one = max(0, min(covered, 3 * premium) - 2 * premium)
    two_to_one = max(0, covered - 3 * premium)
    exact_times_6 = one_to_one * 3 + two_to_one * 4  # 1/2 and 2/3, times 6
    assert abs(share_losses(premium, payouts).government * 6 - exact_times_6) <= 12


def test_zhejiang_layers_are_2x_alone_then_1_to_1_to_3x_then_2_to_1_to_5x() -> None:
    assert [(x.up_to_bp, x.government, x.consortium) for x in ZHEJIANG_LAYERS] == [
        (20_000, 0, 1), (30_000, 1, 1), (50_000, 2, 1),
    ]
    split = share_losses(22_500_00, 60_000_00)
    assert (split.government, split.consortium) == (7_500_00, 52_500_00)
