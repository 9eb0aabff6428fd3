"""Unit tests of the credit contract: every domain error code, worked subsidy examples
(docs/domain.md 2.4 and 4.2), pricing per tier, credit-village status and defaults."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from test_credit_kit import ORGS, PRODUCTS, SETTLEMENT, LoanBook, PayArgs, credit_config

from contracts import Context, Contract, Party, action
from contracts.builtin.credit import CreditParams
from contracts.genesis import ContractConfig
from contracts.lending.operations import APPLY_INTEREST_SUBSIDY, InterestSubsidyRequest
from contracts.testing import LedgerHarness

SCORES_400 = dict(moral_character=100, credit_record=100, business_ability=100,
                  repayment_capacity=100)
ORDER_LOAN = 90_000_000  # 900,000 CNY in fen (docs/domain.md 2.4)
ORDER_RATE = 435
ORDER_INTEREST = ORDER_LOAN * ORDER_RATE * 90 // (10_000 * 360)  # 90 days, actual/360


class RogueLoans(Contract):
    """A loan contract that passes a negative interest (a caller bug credit must refuse)."""

    name = "rogue"
    readers = ()
    version = "1"

    @action(PayArgs, policy=Party("borrower"), parties=lambda _s, _c, a: {"borrower": a.borrower})
    def pay_interest(self, ctx: Context, args: PayArgs) -> None:
        ctx.invoke(APPLY_INTEREST_SUBSIDY, InterestSubsidyRequest(
            loan_id=args.loan_id, borrower=args.borrower, lender=args.lender,
            product=args.product, interest=-args.interest, rate_bp=435, term_days=90))


def make_ledger(**params: Any) -> LedgerHarness:
    ledger = LedgerHarness(
        ORGS,
        ["membership", SETTLEMENT,
         credit_config(**params),
         ContractConfig(name="loanbook", version="1"), ContractConfig(name="rogue", version="1")],
        classes={"loanbook": LoanBook, "rogue": RogueLoans},
    )
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="gov", amount=10**10))
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="coop-a", amount=10**9))
    return ledger


def ok(result: Any) -> None:
    assert result.committed, f"{result.code}: {result.message}"


def fails(result: Any, code: str) -> None:
    assert (result.committed, result.code) == (False, code), result.message


@pytest.fixture
def ledger() -> LedgerHarness:
    return make_ledger()


def publish(ledger: LedgerHarness, programme: str = "order-subsidy", *, budget: int = 10**8,
            fund: int | None = None, **rule: Any) -> None:
    rule = rule or {"rule": "share", "share_bp": 5000}
    ok(ledger.submit("gov.fin", "credit", "publish_programme", programme=programme,
                     name=programme, borrower_kinds=["cooperative", "household"],
                     products=PRODUCTS[:2], budget=budget, **rule))
    ok(ledger.submit("gov.fin", "credit", "fund_programme", programme=programme,
                     amount=budget if fund is None else fund))


def pay(ledger: LedgerHarness, interest: int, loan: str = "order-1", **extra: Any) -> Any:
    return ledger.submit("coop-a.mgr", "loanbook", "pay_interest", loan_id=loan,
                         borrower="coop-a", lender="bank-a", product="order_finance",
                         interest=interest, **extra)


def rate(ledger: LedgerHarness, subject: str, tier: str, village: str = "v1",
         signer: str = "gov.agri", **scores: int) -> Any:
    return ledger.submit(signer, "credit", "attest_rating", subject=subject, village=village,
                         tier=tier, scores={**SCORES_400, **scores})


# -- worked examples ------------------------------------------------------------------------


def test_half_of_the_order_loan_interest_is_paid_to_the_bank_by_the_subsidy(
    ledger: LedgerHarness,
) -> None:
    assert ORDER_INTEREST == 978_750  # 9,787.50 CNY, the "~9,800 interest" of docs/domain.md 2.4
    publish(ledger)
    bank, coop = ledger.balance("bank-a"), ledger.balance("coop-a")
    ok(pay(ledger, ORDER_INTEREST))
    assert ledger.balance("bank-a") - bank == ORDER_INTEREST
    assert coop - ledger.balance("coop-a") == 489_375
    assert ledger.view("credit", "programme", programme="order-subsidy")["paid"] == 489_375


def test_lpr_rule_leaves_the_borrower_paying_lpr_minus_150_bp(ledger: LedgerHarness) -> None:
    publish(ledger, rule="above_lpr")  # LPR 345 bp (genesis param), spread 150 bp
    coop = ledger.balance("coop-a")
    ok(pay(ledger, ORDER_INTEREST, rate_bp=ORDER_RATE))
    subsidy = ORDER_INTEREST - (coop - ledger.balance("coop-a"))
    assert subsidy == 540_000  # 900,000 x (4.35% - 1.95%) x 90/360
    assert coop - ledger.balance("coop-a") == 438_750  # 900,000 x 1.95% x 90/360


def test_lpr_rule_pays_nothing_at_or_below_the_floor(ledger: LedgerHarness) -> None:
    publish(ledger, rule="above_lpr")
    coop = ledger.balance("coop-a")
    ok(pay(ledger, 1_000, loan="order-2", rate_bp=195))
    assert coop - ledger.balance("coop-a") == 1_000


def test_a_request_without_the_loan_rate_cannot_be_made(ledger: LedgerHarness) -> None:
    """L3: the subsidy rule always sees the loan's rate: the request's model requires it,
    so a loan contract that leaves it out faults its own tx and nothing is paid."""
    publish(ledger, rule="above_lpr")
    coop = ledger.balance("coop-a")
    fails(pay(ledger, 1_000, rate_bp=None), "CONTRACT_FAULT")
    assert ledger.balance("coop-a") == coop


@pytest.mark.parametrize("state", ["overdue", "defaulted"])
def test_interest_of_an_overdue_or_defaulted_loan_is_never_subsidised(
    ledger: LedgerHarness, state: str
) -> None:
    """L3 from the side of a loan contract that asks anyway: refused, the budget untouched."""
    publish(ledger)
    fails(pay(ledger, ORDER_INTEREST, **{state: True}), "SUBSIDY_NOT_ELIGIBLE")
    assert ledger.view("credit", "programme", programme="order-subsidy")["paid"] == 0


def test_many_payments_exhaust_the_budget_but_never_exceed_it(ledger: LedgerHarness) -> None:
    publish(ledger, rule="above_lpr", budget=600_000)
    coop = ledger.balance("coop-a")
    for loan in ("q1", "q2", "q3"):
        ok(pay(ledger, ORDER_INTEREST, loan=loan, rate_bp=ORDER_RATE))
    programme = ledger.view("credit", "programme", programme="order-subsidy")
    assert (programme["paid"], programme["available"], programme["payments"]) == (600_000, 0, 2)
    assert coop - ledger.balance("coop-a") == 3 * ORDER_INTEREST - 600_000
    ledger.check_invariants()


def test_closing_a_programme_refunds_what_is_left_to_the_treasury(ledger: LedgerHarness) -> None:
    publish(ledger, budget=1_000_000)
    ok(pay(ledger, 100_000))
    treasury = ledger.balance("gov")
    ok(ledger.submit("gov.fin", "credit", "close_programme", programme="order-subsidy"))
    assert ledger.balance("gov") - treasury == 950_000
    coop = ledger.balance("coop-a")
    ok(pay(ledger, 100_000, loan="order-2"))
    assert coop - ledger.balance("coop-a") == 100_000
    ledger.check_invariants()


def test_ineligible_products_and_borrower_kinds_get_no_subsidy(ledger: LedgerHarness) -> None:
    publish(ledger)
    coop = ledger.balance("coop-a")
    ok(ledger.submit("coop-a.mgr", "loanbook", "pay_interest", loan_id="x", borrower="coop-a",
                     lender="bank-a", product="other", interest=1_000))
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    ok(ledger.submit("gov.agri", "credit", "attest_rating", subject="coop-a", village="v1",
                     tier="AAA", kind="merchant", scores=SCORES_400))
    ok(pay(ledger, 1_000, loan="y"))
    assert coop - ledger.balance("coop-a") == 2_000


# -- ratings, pricing, villages, defaults ---------------------------------------------------


def test_pricing_gives_each_tier_its_line_and_discounted_rate(ledger: LedgerHarness) -> None:
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    ok(rate(ledger, "coop-a.f1", "AAA"))
    assert ledger.view("credit", "pricing", borrower="coop-a.f1", base_rate_bp=435) == {
        "borrower": "coop-a.f1", "tier": "AAA", "credit_line": 10_000_000, "rate_bp": 305,
    }
    unrated = ledger.view("credit", "pricing", borrower="coop-a.f2", base_rate_bp=435)
    assert (unrated["tier"], unrated["credit_line"], unrated["rate_bp"]) == ("unrated", 0, 435)


def test_a_default_downgrades_the_household_and_costs_the_village_its_status(
    ledger: LedgerHarness,
) -> None:
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    ok(rate(ledger, "coop-a.f1", "AAA"))
    ok(rate(ledger, "coop-a.f2", "A"))
    ok(rate(ledger, "coop-a.f3", "B"))
    assert ledger.view("credit", "village", village="v1")["credit_village"]  # 2/3 >= 60%
    for _ in range(2):  # the second report of the same loan changes nothing
        ok(ledger.submit("bank-a.officer", "loanbook", "default", borrower="coop-a.f1",
                         loan_id="wr-7"))
    rating = ledger.view("credit", "rating", subject="coop-a.f1")
    assert (rating["tier"], rating["defaults"], rating["in_default"]) == ("AA", 1, True)
    village = ledger.view("credit", "village", village="v1")
    assert (village["good"], village["defaults"], village["credit_village"]) == (1, 1, False)
    ok(rate(ledger, "coop-a.f1", "AA"))  # government re-attests after review
    assert ledger.view("credit", "village", village="v1")["credit_village"]
    assert ledger.view("credit", "rating", subject="coop-a.f1")["defaults"] == 1
    ledger.check_invariants()


def test_a_village_exactly_at_the_threshold_is_a_credit_village(ledger: LedgerHarness) -> None:
    """Three good households of five are 6000 bp, the threshold itself (not above it)."""
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    for subject, tier in (("coop-a.f1", "A"), ("coop-a.f2", "AA"), ("coop-a.f3", "B"),
                          ("coop-b.f1", "B"), ("coop-a", "AAA")):
        ok(rate(ledger, subject, tier))
    village = ledger.view("credit", "village", village="v1")
    assert (village["households"], village["good"], village["credit_village"]) == (5, 3, True)
    ok(rate(ledger, "coop-a.f1", "B"))  # re-rated down: 2 of 5, under the threshold
    assert not ledger.view("credit", "village", village="v1")["credit_village"]


def test_defaults_never_push_a_rating_below_b(ledger: LedgerHarness) -> None:
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    ok(rate(ledger, "coop-a.f1", "A"))
    for loan in ("l1", "l2", "l3"):
        ok(ledger.submit("bank-a.officer", "loanbook", "default", borrower="coop-a.f1",
                         loan_id=loan))
    assert ledger.view("credit", "rating", subject="coop-a.f1")["tier"] == "B"


def test_credit_params_must_price_every_tier() -> None:
    with pytest.raises(ValidationError, match="missing terms"):
        CreditParams.model_validate(
            {"tiers": {"AAA": {"credit_line": 1, "rate_discount_bp": 0, "min_score": 0}}}
        )


# -- every domain error code ----------------------------------------------------------------


def test_non_government_members_cannot_attest_ratings(ledger: LedgerHarness) -> None:
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    fails(rate(ledger, "coop-a.f1", "AAA", signer="bank-a.officer"), "UNAUTHORIZED")
    fails(rate(ledger, "coop-a.f1", "AAA", signer="gov.fin"), "UNAUTHORIZED")


def test_village_not_found(ledger: LedgerHarness) -> None:
    fails(rate(ledger, "coop-a.f1", "A", village="nowhere"), "VILLAGE_NOT_FOUND")


def test_village_already_exists(ledger: LedgerHarness) -> None:
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    fails(ledger.submit("gov.admin", "credit", "register_village", village="v1", name="again"),
          "VILLAGE_ALREADY_EXISTS")


def test_rating_scores_too_low(ledger: LedgerHarness) -> None:
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Qingyuan"))
    fails(rate(ledger, "coop-a.f1", "AAA", credit_record=59), "RATING_SCORES_TOO_LOW")


def test_programme_not_found(ledger: LedgerHarness) -> None:
    fails(ledger.submit("gov.fin", "credit", "fund_programme", programme="ghost", amount=1),
          "PROGRAMME_NOT_FOUND")


def test_programme_already_exists(ledger: LedgerHarness) -> None:
    publish(ledger)
    fails(ledger.submit("gov.fin", "credit", "publish_programme", programme="order-subsidy",
                        name="x", borrower_kinds=["household"], products=["order_finance"],
                        rule="share", share_bp=1, budget=1), "PROGRAMME_ALREADY_EXISTS")


@pytest.mark.parametrize("rule", [{"rule": "share"}, {"rule": "share", "share_bp": 0},
                                  {"rule": "above_lpr", "share_bp": 5000}])
def test_invalid_subsidy_rule(ledger: LedgerHarness, rule: dict[str, Any]) -> None:
    fails(ledger.submit("gov.fin", "credit", "publish_programme", programme="p", name="p",
                        borrower_kinds=["household"], products=["order_finance"], budget=1,
                        **rule), "INVALID_SUBSIDY_RULE")


def test_funding_exceeds_budget(ledger: LedgerHarness) -> None:
    publish(ledger, budget=1_000, fund=600)
    fails(ledger.submit("gov.fin", "credit", "fund_programme", programme="order-subsidy",
                        amount=401), "FUNDING_EXCEEDS_BUDGET")
    ok(ledger.submit("gov.fin", "credit", "fund_programme", programme="order-subsidy",
                     amount=400))


def test_programme_closed(ledger: LedgerHarness) -> None:
    publish(ledger)
    ok(ledger.submit("gov.fin", "credit", "close_programme", programme="order-subsidy"))
    fails(ledger.submit("gov.fin", "credit", "close_programme", programme="order-subsidy"),
          "PROGRAMME_CLOSED")
    fails(ledger.submit("gov.fin", "credit", "fund_programme", programme="order-subsidy",
                        amount=1), "PROGRAMME_CLOSED")


def test_funding_from_an_account_the_signer_does_not_own_is_unauthorized(
    ledger: LedgerHarness,
) -> None:
    ok(ledger.submit("gov.fin", "credit", "publish_programme", programme="p", name="p",
                     borrower_kinds=["household"], products=["order_finance"], rule="share",
                     share_bp=1, budget=10))
    fails(ledger.submit("gov.fin", "credit", "fund_programme", programme="p", amount=1,
                        source="coop-a"), "UNAUTHORIZED")


def test_caller_not_allowed() -> None:
    ledger = make_ledger(loan_contracts=["warehouse_receipt"])
    fails(pay(ledger, 1_000), "CALLER_NOT_ALLOWED")
    fails(ledger.submit("bank-a.officer", "loanbook", "default", borrower="coop-a",
                        loan_id="x"), "CALLER_NOT_ALLOWED")


def test_a_negative_interest_cannot_be_offered() -> None:
    """The request's model refuses it where the caller builds it: a caller bug (fault)."""
    ledger = make_ledger(loan_contracts=["rogue"])
    fails(ledger.submit("coop-a.mgr", "rogue", "pay_interest", loan_id="x", borrower="coop-a",
                        lender="bank-a", product="order_finance", interest=5),
          "CONTRACT_FAULT")




def test_the_countys_ceiling_caps_every_programmes_share_at_and_around_it() -> None:
    """A 50 % programme under a 30 % ceiling pays 30 % of the interest, rounded down:
    odd interest lands one fen either side of the exact share."""
    ledger = make_ledger(subsidy_cap_bp=3000)
    publish(ledger)
    paid_before = 0
    for interest, subsidy in ((ORDER_INTEREST, 293_625), (1_001, 300), (999, 299), (1, 0)):
        ok(pay(ledger, interest, loan=f"order-{interest}"))
        shown = ledger.view("credit", "programme", programme="order-subsidy")
        assert shown["paid"] - paid_before == subsidy, interest
        paid_before = shown["paid"]


def test_a_ceiling_above_the_programmes_rule_changes_nothing() -> None:
    ledger = make_ledger(subsidy_cap_bp=5001)
    publish(ledger)
    ok(pay(ledger, ORDER_INTEREST))
    assert ledger.view("credit", "programme", programme="order-subsidy")["paid"] == 489_375


@pytest.mark.parametrize("cap", [-1, 10_001])
def test_the_ceiling_is_a_share(cap: int) -> None:
    with pytest.raises(ValidationError, match="subsidy_cap_bp"):
        CreditParams.model_validate({"subsidy_cap_bp": cap})
