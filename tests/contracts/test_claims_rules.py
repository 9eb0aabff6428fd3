"""Behaviour of the claims contract beyond single error codes: objections, advances,
loss payee, deadlines, index triggers, caps."""

from __future__ import annotations

import pytest
from test_claims_kit import CNY, MU, PERIOD, Flow, cover, harness_with_stand_ins, ok, rejected

H1, H2, H3 = "coop-q.h001", "coop-q.h002", "coop-q.h003"


@pytest.fixture
def flow() -> Flow:
    f = Flow(harness_with_stand_ins())
    f.enrol("p1", [cover(H1, 10), cover(H2, 10, planted_mu=20),
                   cover(H3, 10, loss_payee={"kind": "warehouse_receipt", "ref": "loan-1"})])
    f.activate("p1")
    f.ledger.advance(days=60)
    return f


def test_objection_during_publicity_sends_the_claim_back_for_reassessment(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {H1: (4_000, 10 * MU)})
    flow.verify_and_publicise("c1")
    ok(flow.submit(H1, "object", claim_id="c1", insured=H1, reason="loss is higher"))
    claim = flow.claim("c1")
    assert claim["state"] == "ASSESSED"
    assert claim["households"][H1]["state"] == "OBJECTED"
    rejected(flow.submit("gov.agri", "verify", co_signers=["coop-q.manager"], claim_id="c1"),
             "INVALID_ASSESSMENT")
    ok(flow.submit("insurer.adjuster", "assess_household", claim_id="c1", insured=H1,
                   loss_bp=6_000, damaged_area=10 * MU, stage="tillering",
                   evidence=["cd" * 32]))
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    before = flow.ledger.balance(H1)
    flow.agree_and_pay("c1", [H1])
    assert flow.ledger.balance(H1) - before == 2_400 * CNY  # 400/mu x 60 % x 10 mu
    flow.ledger.check_invariants()


def test_under_insured_household_is_paid_pro_rata(flow: Flow) -> None:
    before = flow.ledger.balance(H2)
    flow.full_claim("c1", "p1", {H2: (8_000, 20 * MU)})
    # 400 CNY/mu x 100 % x 20 mu x 10/20 insured
    assert flow.ledger.balance(H2) - before == 4_000 * CNY


def test_loss_payee_is_paid_up_to_its_debt_and_the_household_gets_the_rest(flow: Flow) -> None:
    ok(flow.ledger.submit("bank-a.officer", "warehouse_receipt", "open_loan", loan_id="loan-1",
                          outstanding=1_500 * CNY))
    bank, farmer = flow.ledger.balance("bank-a"), flow.ledger.balance(H3)
    flow.full_claim("c1", "p1", {H3: (8_000, 10 * MU)})  # 4,000 CNY
    assert flow.ledger.balance("bank-a") - bank == 1_500 * CNY
    assert flow.ledger.balance(H3) - farmer == 2_500 * CNY
    debt = flow.ledger.view("warehouse_receipt", "outstanding_debt", loan_id="loan-1")
    assert debt["outstanding"] == 0
    payment = flow.claim("c1")["households"][H3]["payments"][0]
    assert (payment["to_payee"], payment["payee_debt"], payment["lender"]) == (
        1_500 * CNY, 1_500 * CNY, "bank-a")


def test_loss_payee_takes_everything_when_the_debt_exceeds_the_payout(flow: Flow) -> None:
    ok(flow.ledger.submit("bank-a.officer", "warehouse_receipt", "open_loan", loan_id="loan-1",
                          outstanding=9_000 * CNY))
    farmer = flow.ledger.balance(H3)
    flow.full_claim("c1", "p1", {H3: (8_000, 10 * MU)})
    assert flow.ledger.balance(H3) == farmer
    debt = flow.ledger.view("warehouse_receipt", "outstanding_debt", loan_id="loan-1")
    assert debt["outstanding"] == 5_000 * CNY


def test_advance_for_a_declared_disaster_is_deducted_from_the_final_payment(flow: Flow) -> None:
    ok(flow.submit("gov.agri", "declare_disaster", declaration_id="d1", peril="typhoon",
                   region="lishui", window_start=PERIOD[0], window_end=PERIOD[1], severity=4))
    flow.report("c1", "p1", declaration_id="d1")
    flow.survey_and_assess("c1", {H1: (9_000, 10 * MU)})  # 4,000 CNY
    before = flow.ledger.balance(H1)
    rejected(flow.submit("insurer.claims", "advance_pay", claim_id="c1", insured=H1,
                         amount=2_001 * CNY), "ADVANCE_NOT_ALLOWED")
    ok(flow.submit("insurer.claims", "advance_pay", claim_id="c1", insured=H1, amount=2_000 * CNY))
    assert flow.ledger.balance(H1) - before == 2_000 * CNY
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    flow.agree_and_pay("c1", [H1])
    assert flow.ledger.balance(H1) - before == 4_000 * CNY
    flow.ledger.check_invariants()


def test_late_survey_records_its_own_breach(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.ledger.advance(hours=30)
    assert [o["kind"] for o in flow.ledger.view("claims", "overdue")] == ["survey"]
    result = ok(flow.submit("insurer.adjuster", "survey", claim_id="c1"))
    assert any(e["type"] == "DeadlineBreached" for e in result.events)
    breaches = flow.ledger.view("claims", "breaches")
    assert [(b["claim_id"], b["kind"]) for b in breaches] == [("c1", "survey")]
    assert flow.ledger.view("claims", "overdue") == []


def test_unpaid_agreement_past_ten_days_can_be_recorded_by_anyone(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {H1: (5_000, 10 * MU)})
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    ok(flow.submit(H1, "sign_agreement", claim_id="c1", insured=H1))
    flow.ledger.advance(days=10)
    rejected(flow.submit(H1, "record_breach", claim_id="c1", kind="payment", insured=H1),
             "DEADLINE_NOT_PASSED")
    flow.ledger.advance(hours=1)
    ok(flow.submit("bank-b.officer", "record_breach", claim_id="c1", kind="payment", insured=H1))
    ok(flow.submit("insurer.claims", "pay", claim_id="c1", insured=H1))
    assert len(flow.ledger.view("claims", "breaches")) == 1
    flow.ledger.check_invariants()


def test_late_payment_without_a_recorded_breach_records_it_when_paid(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {H1: (5_000, 10 * MU)})
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    ok(flow.submit(H1, "sign_agreement", claim_id="c1", insured=H1))
    flow.ledger.advance(days=11)
    ok(flow.submit("insurer.claims", "pay", claim_id="c1", insured=H1))
    assert [b["kind"] for b in flow.ledger.view("claims", "breaches")] == ["payment"]


def test_second_event_pays_only_what_is_left_of_the_sum_insured(flow: Flow) -> None:
    before = flow.ledger.balance(H1)
    flow.full_claim("c1", "p1", {H1: (8_000, 10 * MU)})  # 4,000 of 5,000 CNY insured
    flow.ledger.advance(days=5)
    flow.full_claim("c2", "p1", {H1: (9_000, 10 * MU)}, peril="flood")
    assert flow.ledger.balance(H1) - before == 5_000 * CNY
    assert flow.claim("c2")["households"][H1]["amount"] == 1_000 * CNY
    flow.ledger.check_invariants()


def index_policy(flow: Flow, policy_id: str, station: str, households: list[str],
                 payout_bp: int = 5_000) -> None:
    flow.enrol(policy_id, [cover(h, 10) for h in households], crop="tea", perils=["frost"],
               sum_insured_per_mu=2_000 * CNY, premium_per_mu=60 * CNY, book="tea-2026",
               index={"station": station, "metric": "tmin_dc", "direction": "at_or_below",
                      "threshold": -10, "window_start": "2026-03-01T00:00:00Z",
                      "window_end": "2026-04-10T23:59:59Z", "payout_bp": payout_bp})
    flow.activate(policy_id)


def test_one_station_reading_pays_every_matching_index_policy_alike() -> None:
    flow = Flow(harness_with_stand_ins())
    index_policy(flow, "tea-1", "st-x", [H1])
    index_policy(flow, "tea-2", "st-x", [H2])
    index_policy(flow, "tea-3", "st-y", [H3])
    flow.ledger.advance(days=5)
    result = ok(flow.submit("gov.met", "attest_reading", reading_id="r1", station="st-x",
                            metric="tmin_dc", observed_at=flow.ledger.now, value=-12))
    triggered = [e["data"]["claim_id"] for e in result.events if e["type"] == "IndexTriggered"]
    assert triggered == ["index:r1:tea-1", "index:r1:tea-2"]
    before = {h: flow.ledger.balance(h) for h in (H1, H2)}
    for claim_id, h in zip(triggered, (H1, H2), strict=True):
        ok(flow.submit("insurer.claims", "pay", claim_id=claim_id, insured=h))
    paid = {h: flow.ledger.balance(h) - before[h] for h in (H1, H2)}
    assert paid == {H1: 10_000 * CNY, H2: 10_000 * CNY}  # 50 % x 2,000 CNY x 10 mu
    again = ok(flow.submit("gov.met", "attest_reading", reading_id="r2", station="st-x",
                           metric="tmin_dc", observed_at=flow.ledger.now, value=-15))
    assert not [e for e in again.events if e["type"] == "IndexTriggered"]
    flow.ledger.check_invariants()


def test_a_reading_that_does_not_cross_the_threshold_triggers_nothing() -> None:
    flow = Flow(harness_with_stand_ins())
    index_policy(flow, "tea-1", "st-x", [H1])
    ok(flow.submit("gov.met", "attest_reading", reading_id="r1", station="st-x",
                   metric="tmin_dc", observed_at=flow.ledger.now, value=-9))
    assert flow.ledger.get("claims", "claim/index:r1:tea-1") is None
    rejected(flow.submit("coop-q.manager", "report_loss", claim_id="c1", policy_id="tea-1",
                         peril="frost", occurred_at=flow.ledger.now), "POLICY_NOT_IN_STATE")
