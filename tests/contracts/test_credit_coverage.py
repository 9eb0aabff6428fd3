"""Every rule of the credit contract is reached: villages flip, ratings fall, budgets run out.

``CreditMachine`` draws each argument on its own, so a rating is rarely attested (the
village must be registered and the drawn score must reach the drawn tier: 1 run of 20
in a probe with ``RecordsReached``), a village never becomes a credit village and an
above-LPR programme never pays. ``SteeredCreditMachine`` adds a rule that goes along
one of three paths, every step through the machine's own checked rules (its model,
expected codes and attackers), and ``RecordsReached`` (contracts/reached.py) notes what
each run reached. The credit records have no state field, so the labels are the
outcomes of docs/domain.md 3 read from the writes and events (``result_labels``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import rule
from test_credit_kit import BORROWERS, BP, KINDS, PRODUCTS
from test_credit_machine import CreditMachine

from contracts.reached import SteeredMachine, assert_reached
from ledger.block import TxResult

RUNS = 40
STEPS = 20
MIN_RUNS = 3
PATHS = ("village", "subsidy", "downgrade")
GOOD = ("AAA", "AA", "A")
RATED = ("coop-a.f1", "coop-a.f2", "coop-b.f1", "coop-a")  # coop-a.f3 may be revoked

WANTED = (
    "event:VillageRegistered", "event:RatingAttested",
    # a village becomes a credit village and loses it again on a default (domain.md 3)
    "village:credit", "village:not credit",
    # a default downgrades one tier, never below B; a new attestation clears the mark
    "default:AAA->AA", "default:AA->A", "default:A->B", "default:B->B", "re-attested",
    # both subsidy rules pay; a budget runs out; a closed programme refunds the rest
    "subsidy:share", "subsidy:above_lpr", "programme:exhausted", "programme:refunded",
)


class SteeredCreditMachine(SteeredMachine, CreditMachine):
    """The machine plus a rule that takes a village, a programme or a rating along a path."""

    def result_labels(self, result: TxResult) -> Iterable[str]:
        for event in result.events:
            data = event["data"]
            if event["type"] == "CreditVillageStatusChanged":
                yield "village:credit" if data["credit_village"] else "village:not credit"
            if event["type"] == "DefaultRecorded":
                yield f"default:{data['tier_before']}->{data['tier_after']}"
        for key, value in result.writes:
            if not isinstance(value, dict):
                continue
            if key.startswith("credit/programme/"):
                if value["paid"] > 0:
                    yield f"subsidy:{value['rule']}"
                if value["paid"] == value["budget"]:
                    yield "programme:exhausted"
                if not value["open"] and value["refunded"] > 0:
                    yield "programme:refunded"
            if key.startswith("credit/household/") and value["defaults"] > 0 and not value[
                "in_default"
            ]:
                yield "re-attested"

    @rule(data=st.data(), offset=st.integers(0, len(PATHS) - 1),
          subjects=st.lists(st.sampled_from(RATED), min_size=2, max_size=3, unique=True),
          tiers=st.lists(st.sampled_from(GOOD), min_size=3, max_size=3))
    def credit_path(self, data: st.DataObject, offset: int, subjects: list[str],
                    tiers: list[str]) -> None:
        """The next of ``PATHS`` (in turn from a drawn start):

        - village: a village (registered first if none is) rates two or three
          households good (a credit village), its bank reports one in default (the
          village falls below the threshold) and the office re-attests it;
        - subsidy: the finance bureau publishes a programme of either rule for one
          product, funds its whole budget, loans pay interest on it until it runs out,
          and the bureau closes it (refunding what is left);
        - downgrade: a merchant rated AAA defaults four times, one tier at a time to B
          and no further, and is re-attested.
        """
        path = self.next_path(PATHS, offset)
        if not self.model.villages:
            self.register_village(data.draw(st.sampled_from(["v1", "v2", "v3"])), "gov.agri")
        village = data.draw(st.sampled_from(sorted(self.model.villages)), label="village")
        if path == "village":
            for subject, tier in zip(subjects, tiers, strict=False):
                self.attest(village, "gov.agri", subject, tier, "household", 100)
            self.default(subjects[0], 100 + self.paths_taken, "bank-a.officer")
            self.attest(village, "gov.admin", subjects[0], tiers[0], "household", 100)
        elif path == "subsidy":
            self.subsidy_path(data)
        else:
            subject = subjects[0]
            self.attest(village, "gov.agri", subject, "AAA", "merchant", 100)
            for n in range(4):
                self.default(subject, 200 + 10 * self.paths_taken + n, "bank-a.officer")
            self.attest(village, "gov.admin", subject, tiers[0], "merchant", 100)

    def subsidy_path(self, data: st.DataObject) -> None:
        """A programme whose every payment is due at least 200 fen and whose budget is
        at most 1 500 fen: loans pay interest until it is spent (at most eight)."""
        name = f"s{self.paths_taken}"
        rule_ = data.draw(st.sampled_from(["share", "above_lpr"]), label="rule")
        share = data.draw(st.integers(2_000, BP), label="share") if rule_ == "share" else None
        # mostly "other": the broad programme p0 (first by id) pays the others until spent
        product = data.draw(st.sampled_from([*PRODUCTS, "other", "other"]), label="product")
        budget = data.draw(st.integers(1, 1_500), label="budget")
        self.publish(name, "gov.fin", rule_, share, set(KINDS), {product}, budget)
        if name not in self.model.programmes:
            return
        self.fund(name, "gov.fin", budget)
        programme = self.model.programmes[name]
        payers = sorted(b for b in BORROWERS if BORROWERS[b] not in self.model.revoked)
        for _ in range(8):
            if programme.paid == programme.funded:
                break
            self.pay_interest(data.draw(st.sampled_from(payers), label="borrower"), False,
                              product, data.draw(st.integers(1_000, 2_000), label="interest"),
                              data.draw(st.integers(400, 800), label="rate"), None)
        self.close(name, "gov.fin")

    @rule(data=st.data(), offset=st.integers(0, len(PATHS) - 1),
          subjects=st.lists(st.sampled_from(RATED), min_size=2, max_size=3, unique=True),
          tiers=st.lists(st.sampled_from(GOOD), min_size=3, max_size=3))
    def another_credit_path(self, data: st.DataObject, offset: int, subjects: list[str],
                            tiers: list[str]) -> None:
        """``credit_path`` once more, so a run of 20 steps among 12 rules takes a few."""
        self.credit_path(data, offset, subjects, tiers)


@pytest.mark.usefixtures("module_independent_draws")
def test_every_outcome_is_reached() -> None:
    assert_reached(SteeredCreditMachine, WANTED, runs=RUNS, steps=STEPS, at_least=MIN_RUNS)
