"""Every domain error code of the claims contract, each from a real rejected tx."""

from __future__ import annotations

import inspect
import sys

import pytest
import test_claims_audit
from test_claims_kit import (
    EVIDENCE,
    FINANCE,
    LOSS_PROGRAMME,
    MU,
    PERIOD,
    PROGRAMMES,
    Flow,
    cover,
    harness,
    harness_with_stand_ins,
    ok,
    rejected,
)

from contracts.builtin.claims import errors
from contracts.exceptions import DomainError
from ledger.block import TxResult

H1, H2, H3, H4 = "coop-q.h001", "coop-q.h002", "coop-q.h003", "coop-q.h004"


@pytest.fixture
def flow() -> Flow:
    """An ACTIVE policy p1 for h001..h003 (10 mu each), two months into the season."""
    f = Flow(harness_with_stand_ins())
    f.enrol("p1", [cover(H1, 10), cover(H2, 10), cover(H3, 10)])
    f.activate("p1")
    f.ledger.advance(days=60)
    return f


def publicised(flow: Flow, claim_id: str = "c1", **report: str) -> None:
    flow.report(claim_id, "p1", **report)
    flow.survey_and_assess(claim_id, {H1: (5_000, 10 * MU), H2: (8_000, 5 * MU)})
    flow.verify_and_publicise(claim_id)


def test_unknown_policy_is_policy_not_found(flow: Flow) -> None:
    rejected(flow.submit("insurer.underwriter", "underwrite", policy_id="nope"), "POLICY_NOT_FOUND")


def test_unknown_claim_is_claim_not_found(flow: Flow) -> None:
    rejected(flow.submit("insurer.adjuster", "survey", claim_id="nope"), "CLAIM_NOT_FOUND")


def test_unknown_declaration_is_declaration_not_found(flow: Flow) -> None:
    result = flow.submit("coop-q.manager", "report_loss", claim_id="c1", policy_id="p1",
                         peril="typhoon", occurred_at=flow.ledger.now, declaration_id="d-x")
    rejected(result, "DECLARATION_NOT_FOUND")


def test_unknown_book_is_book_not_found(flow: Flow) -> None:
    rejected(flow.submit("gov-province.finance", "settle_government_share", book="nope",
                   programme=LOSS_PROGRAMME),
             "BOOK_NOT_FOUND")


def test_assessing_a_household_not_on_the_policy_is_household_not_insured(flow: Flow) -> None:
    flow.report("c1", "p1")
    ok(flow.submit("insurer.adjuster", "survey", claim_id="c1"))
    result = flow.submit("insurer.adjuster", "assess_household", claim_id="c1",
                         insured="coop-q.h004", loss_bp=5_000, damaged_area=100,
                         stage="tillering", evidence=EVIDENCE)
    rejected(result, "HOUSEHOLD_NOT_INSURED")


def test_underwriting_an_active_policy_is_policy_not_in_state(flow: Flow) -> None:
    rejected(flow.submit("insurer.underwriter", "underwrite", policy_id="p1"),
             "POLICY_NOT_IN_STATE")


def test_verifying_an_unassessed_claim_is_claim_not_in_state(flow: Flow) -> None:
    flow.report("c1", "p1")
    rejected(flow.submit("gov.agri", "verify", co_signers=["coop-q.manager"], claim_id="c1"),
             "CLAIM_NOT_IN_STATE")


def test_enrolling_an_existing_policy_id_is_already_exists(flow: Flow) -> None:
    rejected(flow.submit("coop-q.manager", "enrol", **flow.enrol_args("p1", [cover(H1, 1)])),
             "ALREADY_EXISTS")


def test_listing_a_household_twice_is_invalid_policy_terms(flow: Flow) -> None:
    args = flow.enrol_args("p2", [cover(H4, 1), cover(H4, 2)])
    rejected(flow.submit("coop-q.manager", "enrol", **args), "INVALID_POLICY_TERMS")


def test_province_share_below_25_percent_is_invalid_premium_shares(flow: Flow) -> None:
    args = flow.enrol_args("p2", [cover(H4, 1)], province_share_bp=2_000)
    rejected(flow.submit("coop-q.manager", "enrol", **args), "INVALID_PREMIUM_SHARES")


@pytest.mark.parametrize("insured", [H4, "coop-q"])
def test_enrolling_another_coops_households_is_insured_not_in_coop(
    flow: Flow, insured: str,
) -> None:
    """coop-a's manager would hold coop-q's households' policy and speak for their claims."""
    args = flow.enrol_args("p2", [cover("coop-a", 1), cover(insured, 1)])
    rejected(flow.submit("coop-a.manager", "enrol", **args), "INSURED_NOT_IN_COOP")
    ok(flow.submit("coop-a.manager", "enrol", **flow.enrol_args("p2", [cover("coop-a", 1)])))


def test_insuring_more_than_the_planted_area_is_over_insured(flow: Flow) -> None:
    args = flow.enrol_args("p2", [{"insured": H4, "insured_area": 200, "planted_area": 100}])
    rejected(flow.submit("coop-q.manager", "enrol", **args), "OVER_INSURED")


def test_another_coop_paying_the_farmers_share_is_wrong_premium_payer(flow: Flow) -> None:
    flow.enrol("p2", [cover(H4, 1)])
    ok(flow.submit("insurer.underwriter", "underwrite", policy_id="p2"))
    flow.ledger.advance(days=3)
    ok(flow.submit("insurer.underwriter", "publicise_underwriting", policy_id="p2"))
    rejected(flow.submit("coop-a.manager", "pay_premium_share", policy_id="p2",
                         level="farmer"), "WRONG_PREMIUM_PAYER")


def test_paying_a_share_twice_is_premium_share_already_paid(flow: Flow) -> None:
    flow.enrol("p2", [cover(H4, 1)])
    ok(flow.submit("insurer.underwriter", "underwrite", policy_id="p2"))
    flow.ledger.advance(days=3)
    ok(flow.submit("insurer.underwriter", "publicise_underwriting", policy_id="p2"))
    ok(flow.submit(FINANCE["county"], "pay_premium_share", policy_id="p2", level="county",
                   programme=PROGRAMMES["county"]))
    rejected(flow.submit(FINANCE["county"], "pay_premium_share", policy_id="p2", level="county",
                         programme=PROGRAMMES["county"]), "PREMIUM_SHARE_ALREADY_PAID")


def test_closing_the_insured_list_posting_early_is_publicity_not_over(flow: Flow) -> None:
    flow.enrol("p2", [cover(H4, 1)])
    ok(flow.submit("insurer.underwriter", "underwrite", policy_id="p2"))
    flow.ledger.advance(days=2)
    rejected(flow.submit("insurer.underwriter", "publicise_underwriting", policy_id="p2"),
             "PUBLICITY_NOT_OVER")


def test_signing_before_claim_publicity_ends_is_publicity_not_over(flow: Flow) -> None:
    publicised(flow)
    rejected(flow.submit(H1, "sign_agreement", claim_id="c1", insured=H1), "PUBLICITY_NOT_OVER")


def test_objecting_after_publicity_is_objection_window_closed(flow: Flow) -> None:
    publicised(flow)
    flow.ledger.advance(days=3)
    rejected(flow.submit(H3, "object", claim_id="c1", insured=H3, reason="late"),
             "OBJECTION_WINDOW_CLOSED")


def test_reporting_hail_on_a_typhoon_and_flood_policy_is_peril_not_covered(flow: Flow) -> None:
    result = flow.submit("coop-q.manager", "report_loss", claim_id="c1", policy_id="p1",
                         peril="hail", occurred_at=flow.ledger.now)
    rejected(result, "PERIL_NOT_COVERED")


def test_a_loss_after_the_policy_period_is_outside_cover_period(flow: Flow) -> None:
    flow.ledger.advance(days=300)
    result = flow.submit("coop-q.manager", "report_loss", claim_id="c1", policy_id="p1",
                         peril="typhoon", occurred_at=flow.ledger.now)
    rejected(result, "OUTSIDE_COVER_PERIOD")
    assert PERIOD[1] < flow.ledger.now


def test_a_flood_declaration_for_a_typhoon_report_is_declaration_mismatch(flow: Flow) -> None:
    ok(flow.submit("gov.agri", "declare_disaster", declaration_id="d1", peril="flood",
                   region="lishui", window_start=PERIOD[0], window_end=PERIOD[1], severity=3))
    result = flow.submit("coop-q.manager", "report_loss", claim_id="c1", policy_id="p1",
                         peril="typhoon", occurred_at=flow.ledger.now, declaration_id="d1")
    rejected(result, "DECLARATION_MISMATCH")


def declare(flow: Flow, declaration_id: str, start: str, end: str, *, peril: str = "typhoon",
            region: str = "lishui") -> TxResult:
    return flow.submit("gov.agri", "declare_disaster", declaration_id=declaration_id,
                       peril=peril, region=region, window_start=start, window_end=end,
                       severity=3)


def test_a_second_declaration_of_one_disaster_is_declaration_overlaps(flow: Flow) -> None:
    """With two declarations covering one loss, the loss was one event under each and
    was paid twice: a window meeting another of the same peril and region is refused,
    to the second, while one of another peril or region, or a second later, is not."""
    ok(declare(flow, "z1", "2026-04-01T00:00:00Z", "2026-04-03T00:00:00Z"))
    ok(flow.submit("coop-q.manager", "report_loss", claim_id="c1", policy_id="p1",
                   peril="typhoon", occurred_at="2026-04-02T00:00:00Z"))
    refused = declare(flow, "a1", "2026-04-03T00:00:00Z", "2026-04-05T00:00:00Z")  # meets z1
    rejected(refused, "DECLARATION_OVERLAPS")
    assert "declaration z1 already declares typhoon in lishui" in refused.message
    rejected(declare(flow, "a2", "2026-03-20T00:00:00Z", "2026-04-01T00:00:00Z"),
             "DECLARATION_OVERLAPS")
    ok(declare(flow, "a3", "2026-04-03T00:00:01Z", "2026-04-05T00:00:00Z"))
    ok(declare(flow, "a4", "2026-04-01T00:00:00Z", "2026-04-03T00:00:00Z", peril="flood"))
    ok(declare(flow, "a5", "2026-04-01T00:00:00Z", "2026-04-03T00:00:00Z", region="jinyun"))
    rejected(flow.submit("coop-q.manager", "report_loss", claim_id="c2", policy_id="p1",
                         peril="typhoon", occurred_at="2026-04-02T12:00:00Z"),
             "DUPLICATE_CLAIM")


def test_reporting_the_same_event_twice_is_duplicate_claim(flow: Flow) -> None:
    flow.report("c1", "p1")
    result = flow.submit("coop-q.manager", "report_loss", claim_id="c2", policy_id="p1",
                         peril="typhoon", occurred_at=flow.ledger.now)
    rejected(result, "DUPLICATE_CLAIM")


def test_damaged_area_above_planted_area_is_invalid_assessment(flow: Flow) -> None:
    flow.report("c1", "p1")
    ok(flow.submit("insurer.adjuster", "survey", claim_id="c1"))
    result = flow.submit("insurer.adjuster", "assess_household", claim_id="c1", insured=H1,
                         loss_bp=5_000, damaged_area=11 * MU, stage="tillering",
                         evidence=EVIDENCE)
    rejected(result, "INVALID_ASSESSMENT")


def test_paying_before_the_insured_signs_is_not_agreed(flow: Flow) -> None:
    publicised(flow)
    flow.ledger.advance(days=3)
    rejected(flow.submit("insurer.claims", "pay", claim_id="c1", insured=H1), "NOT_AGREED")


def test_signing_twice_is_already_agreed(flow: Flow) -> None:
    publicised(flow)
    flow.ledger.advance(days=3)
    ok(flow.submit(H1, "sign_agreement", claim_id="c1", insured=H1))
    rejected(flow.submit(H1, "sign_agreement", claim_id="c1", insured=H1), "ALREADY_AGREED")


def test_paying_twice_is_already_paid(flow: Flow) -> None:
    publicised(flow)
    flow.ledger.advance(days=3)
    flow.agree_and_pay("c1", [H1])
    rejected(flow.submit("insurer.claims", "pay", claim_id="c1", insured=H1), "ALREADY_PAID")


def test_advance_without_a_declared_disaster_is_advance_not_allowed(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {H1: (8_000, 10 * MU)})
    rejected(flow.submit("insurer.claims", "advance_pay", claim_id="c1", insured=H1, amount=100),
             "ADVANCE_NOT_ALLOWED")


def test_recording_a_survey_breach_before_the_deadline_is_deadline_not_passed(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.ledger.advance(hours=23)
    rejected(flow.submit("coop-q.h001", "record_breach", claim_id="c1", kind="survey"),
             "DEADLINE_NOT_PASSED")


def test_recording_a_breach_twice_is_breach_already_recorded(flow: Flow) -> None:
    flow.report("c1", "p1")
    flow.ledger.advance(hours=25)
    ok(flow.submit("coop-q.h001", "record_breach", claim_id="c1", kind="survey"))
    rejected(flow.submit("coop-q.h002", "record_breach", claim_id="c1", kind="survey"),
             "BREACH_ALREADY_RECORDED")


def test_loss_payee_contract_not_enabled_is_loss_payee_unavailable() -> None:
    f = Flow(harness())
    f.enrol("p1", [cover(H1, 10, loss_payee={"kind": "order_finance", "ref": "o-1"})])
    f.activate("p1")
    f.ledger.advance(days=60)
    f.report("c1", "p1")
    f.survey_and_assess("c1", {H1: (5_000, 10 * MU)})
    f.verify_and_publicise("c1")
    f.ledger.advance(days=3)
    ok(f.submit(H1, "sign_agreement", claim_id="c1", insured=H1))
    rejected(f.submit("insurer.claims", "pay", claim_id="c1", insured=H1),
             "LOSS_PAYEE_UNAVAILABLE")


def test_enrolling_into_a_settled_book_is_book_closed(flow: Flow) -> None:
    book = flow.ledger.get("claims", "book/2026-rice")
    assert book is not None
    # settle a book that has losses above 2x: a second policy whose claim pays a lot
    flow.enrol("p2", [cover("coop-q.h004", 100)], premium_per_mu=1 * 100, book="b2")
    flow.activate("p2")
    flow.ledger.advance(days=1)
    flow.full_claim("c9", "p2", {"coop-q.h004": (9_000, 100 * MU)})
    ok(flow.submit("gov-province.finance", "settle_government_share", book="b2",
                   programme=LOSS_PROGRAMME))
    args = flow.enrol_args("p3", [cover(H1, 1)], book="b2", crop="wheat")
    rejected(flow.submit("coop-q.manager", "enrol", **args), "BOOK_CLOSED")


def test_another_insurer_writing_into_a_book_is_book_insurer_mismatch(flow: Flow) -> None:
    other = Flow(flow.ledger, insurer="insurer-b")
    args = other.enrol_args("p2", [cover(H4, 1)])
    rejected(other.submit("coop-q.manager", "enrol", **args), "BOOK_INSURER_MISMATCH")


def test_settling_a_book_below_2x_premium_is_nothing_to_settle(flow: Flow) -> None:
    rejected(flow.submit("gov-province.finance", "settle_government_share", book="2026-rice",
                   programme=LOSS_PROGRAMME),
             "NOTHING_TO_SETTLE")


def test_a_reading_observed_after_block_time_is_reading_in_future(flow: Flow) -> None:
    result = flow.submit("gov.met", "attest_reading", reading_id="r1", station="st-1",
                         metric="tmin_dc", observed_at="2027-01-01T00:00:00Z", value=-20)
    rejected(result, "READING_IN_FUTURE")


def test_an_adjuster_of_another_insurer_is_unauthorized(flow: Flow) -> None:
    flow.report("c1", "p1")
    rejected(flow.submit("insurer-b.adjuster", "survey", claim_id="c1"), "UNAUTHORIZED")


def test_paying_a_claim_under_dispute_is_asset_frozen(flow: Flow) -> None:
    publicised(flow)
    flow.ledger.advance(days=3)
    ok(flow.submit(H1, "sign_agreement", claim_id="c1", insured=H1))
    ok(flow.ledger.submit("gov.mediator", "disputes", "freeze", asset="claim:c1"))
    rejected(flow.submit("insurer.claims", "pay", claim_id="c1", insured=H1), "ASSET_FROZEN")
    ok(flow.ledger.submit("gov.mediator", "disputes", "thaw", asset="claim:c1"))
    ok(flow.submit("insurer.claims", "pay", claim_id="c1", insured=H1))


PERSONAL = {"name": "1a" * 32, "id_number": "2b" * 32, "bank_card": "3c" * 32}


def test_purging_personal_data_before_the_retention_period_ends_is_retention_not_over(
    flow: Flow,
) -> None:
    flow.enrol("p2", [cover(H4, 10, personal=PERSONAL)])
    flow.ledger.advance(days=400)  # the period is over, five years of retention are not
    rejected(flow.submit("coop-q.manager", "purge_personal", policy_id="p2", insured=H4),
             "RETENTION_NOT_OVER")


def test_purging_a_household_without_personal_data_or_twice_is_nothing_to_purge(
    flow: Flow,
) -> None:
    flow.enrol("p2", [cover(H4, 10, personal=PERSONAL)])
    flow.ledger.advance(days=400 + 1_825)
    rejected(flow.submit("coop-q.manager", "purge_personal", policy_id="p1", insured=H1),
             "NOTHING_TO_PURGE")
    purged = ok(flow.submit("coop-q.manager", "purge_personal", policy_id="p2", insured=H4))
    [event] = purged.events
    assert event["type"] == "PrivateDataPurged"
    assert sorted(event["data"]["hashes"]) == sorted(PERSONAL.values())
    stored = flow.ledger.get("claims", f"cover/p2~{H4}")
    assert stored["personal"]["id_number"] == PERSONAL["id_number"]  # the hash stays
    rejected(flow.submit("coop-q.manager", "purge_personal", policy_id="p2", insured=H4),
             "NOTHING_TO_PURGE")


def test_every_claims_error_code_has_a_test_above() -> None:
    codes = {
        cls.code for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, DomainError) and cls.__module__ == errors.__name__
    }
    source = inspect.getsource(sys.modules[__name__]) + inspect.getsource(test_claims_audit)
    missing = sorted(code for code in codes if f'"{code}"' not in source)
    assert not missing, f"untested error codes: {missing}"
