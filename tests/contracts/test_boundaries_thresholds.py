"""Thresholds of the claims and credit contracts at and one unit around their edges
(``contracts.strategies``): the 30 % and 70 % loss lines of C1, and the share of good
households that makes a credit village (docs/domain.md 3.1 and 4.1). Each is written out
plainly here, not by calling the rule it checks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.builtin.claims.payout import household_payout, loss_factor
from contracts.builtin.credit.rules import is_credit_village
from contracts.strategies import around, fen

BP = 10_000


@given(loss=st.one_of(around(3_000), around(7_000), fen(0, BP, edges=(3_000, 7_000))))
def test_a_loss_pays_from_30_percent_pro_rata_and_in_full_from_70(loss: int) -> None:
    expected = 0 if loss * 10 < 3 * BP else BP if loss * 10 >= 7 * BP else loss
    assert loss_factor(loss) == expected


@given(loss=around(3_000), damaged=fen(1, 2_000, edges=(1_000,)))
def test_a_loss_at_the_threshold_pays_and_one_bp_under_it_pays_nothing(
    loss: int, damaged: int
) -> None:
    paid = household_payout(stage_cap_bp=8_000, sum_insured_per_mu=50_000, loss_bp=loss,
                            damaged_area=damaged, insured_area=2_000, planted_area=2_000)
    # 80 % cap x 500 CNY/mu x f x damaged centi-mu, floored once
    assert paid == (0 if loss < 3_000 else 8_000 * 50_000 * loss * damaged // (BP * BP * 100))


@given(households=st.integers(1, 400), threshold_bp=st.sampled_from([5_000, 6_000, 7_000, 8_000]),
       data=st.data())
def test_a_village_is_a_credit_village_from_exactly_its_threshold(
    households: int, threshold_bp: int, data: st.DataObject
) -> None:
    # the fewest good households that reach the threshold: ceil(households * bp / 10000)
    least = -(-households * threshold_bp // BP)
    good = data.draw(around(least, lo=0), label="good")
    good = min(good, households)
    assert is_credit_village(good, households, threshold_bp, 1) == (good >= least)
