"""The disputes machine reaches a court's terms paid down an asset's payout path (D7).

A fixed (derandomised) batch of ``DisputesMachine`` runs, counting through a subclass what
its model (checked against the ledger after every step) paid down the desk's path by the
court's compulsion (``judge``/``enforce``), by a performed agreement and by a debtor paying
down its judgment debt, and how often the path ran dry and left a judgment debt; one
steering rule (below) takes the case against the bank to a judgment."""

from __future__ import annotations

from collections import Counter

from hypothesis import settings
from hypothesis.stateful import rule, run_state_machine_as_test
from test_disputes_kit import PATH, PATH_CAPACITY
from test_disputes_machine import CLOSED, DisputeModel, DisputesMachine

REACHED: Counter[str] = Counter()


class CountingMachine(DisputesMachine):
    """Counts, and adds one steering rule: the seller's case against bank-a (``d5``, on
    ``order:o1``) is taken through failed mediation to a judgment above the path's
    capacity, as a random run seldom does."""

    @rule()
    def steer_the_sellers_case_to_judgment(self) -> None:
        d = self.model["d5"]
        for _ in range(8):
            if d.state in CLOSED:
                return
            if d.state == "MEDIATING":
                self.committee_step("d5", "fail", "gov.med")
            elif d.state == "LITIGATION":
                self.judge("d5", "gov.court", upheld=True, amount=PATH_CAPACITY + 5_000,
                           cosigned=False, with_terms=True, stranger_payer=False,
                           how="treasurers")
            else:
                self.next_step("d5", 1)
    def pay_terms(self, d: DisputeModel, terms: list[tuple[str, str, int]]) -> None:
        super().pay_terms(d, terms)
        ordered = d.debts[len(d.debts) - len(terms):]
        for (payer, payee, _), debt in zip(terms, ordered, strict=True):
            if (d.asset, payer, payee) == PATH:
                REACHED["court_paid_down_path" if debt.paid else "court_path_unpaid"] += 1
                if debt.paid < debt.amount:
                    REACHED["path_judgment_debt"] += 1

    def down_path(self, payer: str, payee: str, amount: int) -> int:
        REACHED["path_runs"] += 1
        return super().down_path(payer, payee, amount)


def test_the_machine_pays_court_terms_down_the_asset_path() -> None:
    REACHED.clear()
    run_state_machine_as_test(
        CountingMachine, settings=settings(max_examples=40, stateful_step_count=50,
                                           deadline=None, derandomize=True))
    for depth in ("court_paid_down_path", "path_judgment_debt", "path_runs"):
        assert REACHED[depth] > 0, f"never reached {depth}: {dict(REACHED)}"
