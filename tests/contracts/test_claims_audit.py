"""C11..C17: what a claimant or an insurer will try, each from the side of the party
who would break the rule, on a real ledger harness (docs/domain.md 7.4, 7.6 C12)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_claims_kit import (
    CNY,
    FINANCE,
    MU,
    PERIOD,
    PROGRAMMES,
    Flow,
    cover,
    evidence,
    harness,
    ok,
    publish,
    rejected,
)

from ledger.block import TxResult
from ledger.timefmt import parse_time

H1, H2, H3 = "coop-q.h001", "coop-q.h002", "coop-q.h003"


@pytest.fixture
def flow() -> Flow:
    return Flow(harness())


def publicised(flow: Flow, policy_id: str) -> None:
    ok(flow.submit("insurer.underwriter", "underwrite", policy_id=policy_id))
    flow.ledger.advance(days=3)
    ok(flow.submit("insurer.underwriter", "publicise_underwriting", policy_id=policy_id))


def report(flow: Flow, claim_id: str, policy_id: str, occurred_at: str,
           **extra: object) -> TxResult:
    return flow.submit("coop-q.manager", "report_loss", claim_id=claim_id, policy_id=policy_id,
                       peril="typhoon", occurred_at=occurred_at, **extra)


# -- C11 cover in time ---------------------------------------------------------------------


def test_a_loss_six_weeks_before_enrolment_is_not_covered(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)], period_start="2026-01-01T00:00:00Z")
    flow.activate("p1")
    rejected(report(flow, "c1", "p1", "2026-01-15T06:00:00Z"), "OUTSIDE_COVER_PERIOD")
    ok(report(flow, "c2", "p1", flow.ledger.now))


def test_a_loss_after_the_period_is_not_covered(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.clock = parse_time(PERIOD[1]) + dt.timedelta(days=2)
    rejected(report(flow, "c1", "p1", "2026-12-01T00:00:00Z"), "OUTSIDE_COVER_PERIOD")
    ok(report(flow, "c2", "p1", "2026-11-29T00:00:00Z"))


# -- C12 one plot, one cover ----------------------------------------------------------------


def test_the_same_plot_on_a_second_policy_is_double_cover(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10), cover(H2, 5)])
    args = flow.enrol_args("p2", [cover(H3, 5), cover(H1, 10)], book="b2")
    rejected(flow.submit("coop-q.manager", "enrol", **args), "DOUBLE_COVER")
    other = Flow(flow.ledger, insurer="insurer-b")
    args = other.enrol_args("p3", [cover(H1, 10)], book="b3")  # another insurer, undeclared
    rejected(flow.submit("coop-q.manager", "enrol", **args), "DOUBLE_COVER")
    args = flow.enrol_args("p4", [cover(H1, 10)], book="b2", double_insurance=True)
    rejected(flow.submit("coop-q.manager", "enrol", **args), "DOUBLE_COVER")  # same insurer
    flow.enrol("p5", [cover(H1, 10)], crop="tea", book="b2")  # another crop
    flow.enrol("p6", [cover(H1, 10)], book="b2", period_start="2027-03-01T00:00:00Z",
               period_end="2027-11-30T00:00:00Z")  # a later season


def test_distinct_plots_are_distinct_covers_but_a_whole_crop_meets_every_plot(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 5, plot="north")])
    flow.enrol("p2", [cover(H1, 5, plot="south")], book="b2")
    args = flow.enrol_args("p3", [cover(H1, 5)], book="b2")
    rejected(flow.submit("coop-q.manager", "enrol", **args), "DOUBLE_COVER")


def test_cancelling_frees_the_plot_for_another_cover(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    ok(flow.submit("insurer.underwriter", "cancel_policy", co_signers=["coop-q.manager"],
                   policy_id="p1"))
    flow.enrol("p2", [cover(H1, 10)], book="b2")


def test_two_lawful_covers_each_pay_their_proportion_of_the_loss(flow: Flow) -> None:
    """docs/domain.md 7.6 C12: 10 mu, two policies of 500 CNY/mu, 50 % loss at the full stage
    cap: the loss is 2,500 CNY and each policy pays 1,250."""
    caps = {"heading": 10_000}
    flow.enrol("pa", [cover(H1, 10)], stage_caps=caps)
    flow.activate("pa")
    other = Flow(flow.ledger, insurer="insurer-b")
    other.enrol("pb", [cover(H1, 10)], stage_caps=caps, book="b-other", double_insurance=True)
    other.activate("pb")
    before = flow.ledger.balance(H1)
    for f, policy_id in ((flow, "pa"), (other, "pb")):
        f.report(f"c-{policy_id}", policy_id)
        f.survey_and_assess(f"c-{policy_id}", {H1: (5_000, 10 * MU)}, stage="heading")
        f.verify_and_publicise(f"c-{policy_id}")
    flow.ledger.advance(days=3)
    for f, policy_id in ((flow, "pa"), (other, "pb")):
        household = f.claim(f"c-{policy_id}")["households"][H1]
        assert household["formula"] == 2_500 * CNY
        assert household["amount"] == 1_250 * CNY
        f.agree_and_pay(f"c-{policy_id}", [H1])
    assert flow.ledger.balance(H1) - before == 2_500 * CNY


# -- C13 one event pays once ----------------------------------------------------------------


def test_one_typhoon_reported_either_side_of_utc_midnight_is_one_event(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.clock = parse_time("2026-07-11T00:30:00Z")
    ok(report(flow, "c1", "p1", "2026-07-10T23:59:00Z"))  # 07:59 in Beijing on the 11th
    rejected(report(flow, "c2", "p1", "2026-07-11T00:01:00Z"), "DUPLICATE_CLAIM")
    flow.ledger.clock = parse_time("2026-07-11T17:00:00Z")
    ok(report(flow, "c3", "p1", "2026-07-11T16:01:00Z"))  # 00:01 on the 12th in Beijing


def test_the_time_zone_is_a_parameter() -> None:
    flow = Flow(harness(time_zone="UTC"))
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.clock = parse_time("2026-07-11T00:30:00Z")
    ok(report(flow, "c1", "p1", "2026-07-10T23:59:00Z"))
    ok(report(flow, "c2", "p1", "2026-07-11T00:01:00Z"))


def test_a_declared_disaster_is_one_event_however_it_is_reported(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.clock = parse_time("2026-07-15T00:00:00Z")
    ok(report(flow, "c1", "p1", "2026-07-10T04:00:00Z"))  # before anything is declared
    ok(flow.submit("gov.agri", "declare_disaster", declaration_id="d1", peril="typhoon",
                   region="lishui", window_start="2026-07-09T00:00:00Z",
                   window_end="2026-07-12T00:00:00Z", severity=3))
    rejected(report(flow, "c2", "p1", "2026-07-11T04:00:00Z", declaration_id="d1"),
             "DUPLICATE_CLAIM")
    rejected(report(flow, "c3", "p1", "2026-07-11T04:00:00Z"), "DUPLICATE_CLAIM")


def test_an_undeclared_report_joins_the_declared_event(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.clock = parse_time("2026-07-15T00:00:00Z")
    ok(flow.submit("gov.agri", "declare_disaster", declaration_id="d1", peril="typhoon",
                   region="lishui", window_start="2026-07-09T00:00:00Z",
                   window_end="2026-07-12T00:00:00Z", severity=3))
    ok(report(flow, "c1", "p1", "2026-07-10T04:00:00Z", declaration_id="d1"))
    rejected(report(flow, "c2", "p1", "2026-07-11T04:00:00Z"), "DUPLICATE_CLAIM")
    assert flow.claim("c1")["declaration_id"] == "d1"


# -- C14 limitation -------------------------------------------------------------------------


def test_a_loss_reported_more_than_two_years_later_is_refused(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10), cover(H2, 10)])
    flow.activate("p1")
    loss = flow.ledger.now
    flow.ledger.clock = parse_time(loss) + dt.timedelta(days=365 * 3)
    rejected(report(flow, "c1", "p1", loss), "LIMITATION_EXPIRED")
    flow.ledger.clock = parse_time(loss) + dt.timedelta(days=730)  # 2026-28: no 29 Feb
    ok(report(flow, "c2", "p1", loss))


# -- C15 lifecycle --------------------------------------------------------------------------


def test_expiry_close_and_no_new_losses(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.advance(days=30)
    flow.report("c1", "p1")
    rejected(flow.submit("bank-b.officer", "expire_policy", policy_id="p1"), "PERIOD_NOT_OVER")
    flow.ledger.clock = parse_time(PERIOD[1]) + dt.timedelta(hours=1)
    ok(flow.submit("bank-b.officer", "expire_policy", policy_id="p1"))
    assert flow.policy("p1")["state"] == "EXPIRED"
    rejected(report(flow, "c2", "p1", flow.ledger.now), "OUTSIDE_COVER_PERIOD")
    rejected(flow.submit("insurer.claims", "close_policy", policy_id="p1"), "CLAIMS_OPEN")
    rejected(flow.submit("insurer-b.claims", "close_policy", policy_id="p1"), "UNAUTHORIZED")
    flow.survey_and_assess("c1", {H1: (5_000, 10 * MU)})
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    flow.agree_and_pay("c1", [H1])
    ok(flow.submit("insurer.claims", "close_policy", policy_id="p1"))
    assert flow.policy("p1")["state"] == "CLOSED"
    rejected(report(flow, "c3", "p1", "2026-06-01T00:00:00Z"), "POLICY_NOT_IN_STATE")


def payers(flow: Flow) -> dict[str, int]:
    return {a: flow.ledger.balance(a) for a in ("gov-central", "gov-province", "gov-county",
                                                 "coop-q", "insurer")}


def test_cancellation_before_inception_refunds_every_payer_its_share(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10), cover(H2, 10)], period_start="2026-05-01T00:00:00Z")
    before = payers(flow)
    flow.activate("p1")
    due = flow.policy("p1")["shares_due"]
    rejected(flow.submit("coop-q.manager", "cancel_policy", policy_id="p1"), "UNAUTHORIZED")
    ok(flow.submit("insurer.underwriter", "cancel_policy", co_signers=["coop-q.manager"],
                   policy_id="p1"))
    assert payers(flow) == before
    assert flow.policy("p1")["refunds"] == due
    spent = flow.ledger.view("claims", "programme", programme=PROGRAMMES["central"])["spent"]
    assert spent == 0
    assert flow.ledger.view("claims", "loss_sharing", book="2026-rice")["premium"] == 0


def test_short_period_refund_after_inception_is_the_unexpired_part() -> None:
    flow = Flow(harness(short_period_refund_bp=8_000))
    flow.enrol("p1", [cover(H1, 100)])  # premium 1,500 CNY, period 274 days
    flow.activate("p1")
    now = "2026-07-31T00:00:00Z"
    flow.ledger.clock = parse_time(now)
    coop = flow.ledger.balance("coop-q")
    ok(flow.submit("insurer.underwriter", "cancel_policy", co_signers=["coop-q.manager"],
                   policy_id="p1"))
    left = (parse_time(PERIOD[1]) - parse_time(now)).total_seconds()
    total = (parse_time(PERIOD[1]) - parse_time(PERIOD[0])).total_seconds()
    bp = int(8_000 * left // total)
    farmer = flow.policy("p1")["shares_due"]["farmer"]
    assert flow.ledger.balance("coop-q") - coop == farmer * bp // 10_000 > 0


def test_no_refund_after_a_paid_claim_and_no_cancel_with_an_open_one(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.advance(days=30)
    flow.report("c1", "p1")
    cancel = {"co_signers": ["coop-q.manager"], "policy_id": "p1"}
    rejected(flow.submit("insurer.underwriter", "cancel_policy", **cancel), "CLAIMS_OPEN")
    flow.survey_and_assess("c1", {H1: (5_000, 10 * MU)})
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    flow.agree_and_pay("c1", [H1])
    coop = flow.ledger.balance("coop-q")
    ok(flow.submit("insurer.underwriter", "cancel_policy", **cancel))
    assert flow.ledger.balance("coop-q") == coop
    assert set(flow.policy("p1")["refunds"].values()) == {0}


# -- C16 unique evidence --------------------------------------------------------------------


def test_the_same_evidence_cannot_back_two_households_or_two_claims(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 10), cover(H2, 10)])
    flow.activate("p1")
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {H1: (5_000, 10 * MU)})
    photo = evidence("c1", H1)
    rejected(flow.submit("insurer.adjuster", "assess_household", claim_id="c1", insured=H2,
                         loss_bp=5_000, damaged_area=10 * MU, stage="tillering",
                         evidence=photo), "EVIDENCE_REUSED")
    ok(flow.submit("insurer.adjuster", "assess_household", claim_id="c1", insured=H1,
                   loss_bp=6_000, damaged_area=10 * MU, stage="tillering", evidence=photo))
    flow.ledger.advance(days=1)
    flow.report("c2", "p1", peril="flood")
    rejected(flow.submit("insurer.adjuster", "survey", claim_id="c2",
                         evidence=evidence("c1")), "EVIDENCE_REUSED")


# -- C17 budget programmes ------------------------------------------------------------------


def ready(flow: Flow) -> None:
    flow.enrol("p1", [cover(H1, 100)])
    publicised(flow, "p1")


def test_a_share_beyond_the_budget_is_refused(flow: Flow) -> None:
    ready(flow)  # central share: 35 % of 1,500 CNY = 525 CNY
    publish(flow.ledger, FINANCE["central"], "thin", "central", "premium", budget=500 * CNY)
    rejected(flow.submit(FINANCE["central"], "pay_premium_share", policy_id="p1",
                         level="central", programme="thin"), "BUDGET_EXCEEDED")


def test_a_share_from_the_wrong_programme_is_refused(flow: Flow) -> None:
    ready(flow)
    pay = {"policy_id": "p1", "level": "central"}
    rejected(flow.submit(FINANCE["central"], "pay_premium_share", **pay), "PROGRAMME_REQUIRED")
    rejected(flow.submit(FINANCE["central"], "pay_premium_share", **pay, programme="nope"),
             "PROGRAMME_NOT_FOUND")
    rejected(flow.submit(FINANCE["county"], "pay_premium_share", **pay,
                         programme=PROGRAMMES["county"]), "PROGRAMME_MISMATCH")  # level
    rejected(flow.submit(FINANCE["county"], "pay_premium_share", **pay,
                         programme=PROGRAMMES["central"]), "PROGRAMME_MISMATCH")  # treasury
    publish(flow.ledger, FINANCE["central"], "c-2025", "central", "premium", fiscal_year=2025)
    rejected(flow.submit(FINANCE["central"], "pay_premium_share", **pay, programme="c-2025"),
             "PROGRAMME_MISMATCH")
    publish(flow.ledger, FINANCE["central"], "c-loss", "central", "loss_share")
    rejected(flow.submit(FINANCE["central"], "pay_premium_share", **pay, programme="c-loss"),
             "PROGRAMME_MISMATCH")
    rejected(flow.submit("coop-q.manager", "pay_premium_share", policy_id="p1", level="farmer",
                         programme=PROGRAMMES["county"]), "PROGRAMME_MISMATCH")
    ok(flow.submit(FINANCE["central"], "pay_premium_share", **pay,
                   programme=PROGRAMMES["central"]))


def test_only_the_named_org_publishes_a_levels_programmes() -> None:
    ledger = harness(government_accounts={"central": "gov-central"})
    result = ledger.submit(FINANCE["county"], "claims", "publish_programme", programme="x",
                           level="central", purpose="premium", fiscal_year=2026, budget=1)
    rejected(result, "PROGRAMME_MISMATCH")


def test_a_bad_time_zone_names_the_parameter() -> None:
    from contracts.builtin.claims.models import ClaimsParams

    with pytest.raises(ValueError, match="time_zone"):
        ClaimsParams.model_validate({"time_zone": "Mars/Olympus"})
