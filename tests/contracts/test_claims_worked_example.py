"""docs/domain.md 3.4 worked numbers, end to end on a real in-memory ledger."""

from __future__ import annotations

from test_claims_kit import CNY, LOSS_PROGRAMME, MU, Flow, cover, harness, ok

HOUSEHOLDS = [f"coop-q.h{i:03d}" for i in range(1, 121)]
A, B, C = HOUSEHOLDS[:3]


def enrolled_rice_policy() -> Flow:
    """120 households x 12.5 mu = 1,500 mu rice, 500 CNY/mu insured, 15 CNY/mu premium."""
    ledger = harness(farmers=120)
    flow = Flow(ledger)
    covers = [{"insured": h, "insured_area": 1_250, "planted_area": 1_250} for h in HOUSEHOLDS]
    flow.enrol("rice-2026", covers)
    return flow


def test_premium_of_22500_splits_into_the_documented_government_and_farmer_shares() -> None:
    flow = enrolled_rice_policy()
    policy = flow.policy("rice-2026")
    assert policy["premium"] == 22_500 * CNY
    assert policy["shares_due"] == {"central": 7_875 * CNY, "province": 6_750 * CNY,
                                    "county": 3_375 * CNY, "farmer": 4_500 * CNY}
    before = flow.ledger.balance("insurer")
    flow.activate("rice-2026")
    assert flow.policy("rice-2026")["state"] == "ACTIVE"
    assert flow.ledger.balance("insurer") - before == 22_500 * CNY
    flow.ledger.check_invariants()


def test_typhoon_at_tillering_pays_a_2000_b_nothing_and_c_the_full_stage_cap() -> None:
    flow = enrolled_rice_policy()
    flow.activate("rice-2026")
    flow.ledger.advance(days=60)
    start = {h: flow.ledger.balance(h) for h in (A, B, C)}
    flow.full_claim("typhoon-1", "rice-2026", {
        A: (5_000, 10 * MU), B: (2_500, 8 * MU), C: (8_000, 12 * MU),
    })
    paid = {h: flow.ledger.balance(h) - start[h] for h in (A, B, C)}
    assert paid == {A: 2_000 * CNY, B: 0, C: 4_800 * CNY}
    claim = flow.claim("typhoon-1")
    assert all(h["state"] == "PAID" for h in claim["households"].values())
    flow.ledger.check_invariants()


def test_co_op_total_of_60000_at_2_7x_premium_is_shared_one_to_one_above_45000() -> None:
    flow = enrolled_rice_policy()
    flow.activate("rice-2026")
    flow.ledger.advance(days=60)
    thirty = HOUSEHOLDS[:30]  # 30 x 10 mu = 300 mu at 50 % -> 30 x 2,000 = 60,000 CNY
    flow.full_claim("typhoon-1", "rice-2026", {h: (5_000, 10 * MU) for h in thirty})
    split = flow.ledger.view("claims", "loss_sharing", book="2026-rice")
    assert split["premium"] == 22_500 * CNY
    assert split["paid"] == 60_000 * CNY
    assert split["consortium"] == 45_000 * CNY + 7_500 * CNY
    assert split["government"] == 7_500 * CNY
    assert split["above_cap"] == 0
    insurer_before = flow.ledger.balance("insurer")
    ok(flow.submit("gov-province.finance", "settle_government_share", book="2026-rice",
                   programme=LOSS_PROGRAMME))
    assert flow.ledger.balance("insurer") - insurer_before == 7_500 * CNY
    flow.ledger.check_invariants()


def test_cover_uses_centi_mu_so_the_example_is_exact(  # a guard on the kit's units
) -> None:
    assert cover("x", 10)["insured_area"] == 1_000
