"""Every state and transition of the credit-line loan table is reached.

``CreditLoansMachine`` walks at random; a probe with ``RecordsReached`` saw it default a
loan in 1 run of 30 (a loan must be granted, then time must pass its maturity, then its
bank must write it off) and recover one in none. ``SteeredCreditLoansMachine`` adds a
rule that takes a fresh loan along one of five paths, every step through the machine's
own checked rules (its model, expected codes and attackers), and ``RecordsReached``
(contracts/reached.py) notes what each run reached. ``test_every_state_and_transition_
is_reached`` asserts each label of docs/domain.md 4 in several runs of a fixed batch.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import rule
from test_credit_loans_kit import BANKS, BORROWERS, LINE, TIERS
from test_credit_loans_machine import CreditLoansMachine

from contracts.reached import SteeredMachine, assert_reached
from ledger.block import TxResult

RUNS = 30
STEPS = 20
MIN_RUNS = 3
PATHS = ("repay", "default and recover", "decline", "late")

WANTED = (
    # domain.md 4: apply, grant or decline, repay in part and in full, default after
    # maturity (written off, still owed), recoveries that close a defaulted loan
    "loan:new->APPLIED", "loan:APPLIED->ACTIVE", "loan:APPLIED->DECLINED",
    "loan:ACTIVE->CLOSED", "loan:ACTIVE->DEFAULTED", "loan:DEFAULTED->CLOSED",
    "event:LoanRepaid", "event:LoanDefaulted", "closed:repaid", "closed:recovered",
    "repaid in part", "recovered in part", "penalty paid",
    # the government subsidy on interest paid on time; the downgrade on a default
    "event:SubsidyPaid", "event:DefaultRecorded",
)


class SteeredCreditLoansMachine(SteeredMachine, CreditLoansMachine):
    """The machine plus a rule that takes a fresh loan to the end of a path."""

    def result_labels(self, result: TxResult) -> Iterable[str]:
        for event in result.events:
            data = event["data"]
            if event["type"] == "LoanClosed":
                yield f"closed:{data['closure']}"
            if event["type"] == "LoanRepaid":
                if data["penalty"] > 0:
                    yield "penalty paid"
                closed = any(e["type"] == "LoanClosed" for e in result.events)
                if not closed and data["principal"] > 0:
                    yield "repaid in part"
        for key, value in result.writes:
            if (key.startswith("credit_loans/loan/") and isinstance(value, dict)
                    and value.get("status") == "DEFAULTED" and value.get("recovered", 0) > 0):
                yield "recovered in part"

    @rule(data=st.data(), offset=st.integers(0, len(PATHS) - 1),
          borrower=st.sampled_from(sorted(BORROWERS)), bank=st.sampled_from(BANKS),
          tier=st.sampled_from(TIERS[:4]), tenor=st.integers(1, 90))
    def loan_path(self, data: st.DataObject, offset: int, borrower: str, bank: str,
                  tier: str, tenor: int) -> None:
        """A borrower (re-rated first if it is in default or has no line left) applies
        for a quarter of what its line has left and the loan goes along the next two of
        ``PATHS`` (in turn from a drawn start): repaid in half then in full before
        maturity; defaulted after maturity by the officer or the risk officer, then
        recovered in half and in full; declined; repaid late (penalty) in two parts."""
        for _ in range(2):  # two paths a call: runs call these rules a few times only
            self.one_path(data, offset, borrower, bank, tier, tenor)

    def one_path(self, data: st.DataObject, offset: int, borrower: str, bank: str,
                 tier: str, tenor: int) -> None:
        path = self.next_path(PATHS, offset)
        if borrower in self.revoked:
            borrower = next(b for b in sorted(BORROWERS) if b not in self.revoked)
        if borrower in self.in_default or LINE[self.tier(borrower)] <= self.open_principal(
            borrower
        ):
            self.attest(borrower, tier)
        room = LINE[self.tier(borrower)] - self.open_principal(borrower)
        if room < 4:
            return
        loan_id = self.submit_application(borrower, bank, room // 4, tenor, False)
        if loan_id is None:
            return
        if path == "decline":
            self.decline(loan_id, False)
            return
        self.grant(loan_id, False, data.draw(st.integers(0, 50), label="rate over price"),
                   None)
        if self.model[loan_id].status != "ACTIVE":
            return
        if path == "repay":
            self.advance(tenor // 2, 0)
            self.repay(loan_id, "half", False)
            self.repay(loan_id, "payoff", False)
        elif path == "late":
            self.advance(tenor + 3, 0)
            self.repay(loan_id, "half", False)
            self.repay(loan_id, "all", False)
        else:
            self.advance(tenor, 1)
            self.default(loan_id, False, data.draw(st.booleans(), label="risk officer"))
            self.repay(loan_id, "half", False)
            self.repay(loan_id, "payoff", False)

    @rule(data=st.data(), offset=st.integers(0, len(PATHS) - 1),
          borrower=st.sampled_from(sorted(BORROWERS)), bank=st.sampled_from(BANKS),
          tier=st.sampled_from(TIERS[:4]), tenor=st.integers(1, 90))
    def another_loan_path(self, data: st.DataObject, offset: int, borrower: str, bank: str,
                          tier: str, tenor: int) -> None:
        """``loan_path`` once more, so a run of 20 steps among 12 rules takes a few."""
        self.loan_path(data, offset, borrower, bank, tier, tenor)


@pytest.mark.usefixtures("module_independent_draws")
def test_every_state_and_transition_is_reached() -> None:
    assert_reached(SteeredCreditLoansMachine, WANTED, runs=RUNS, steps=STEPS, at_least=MIN_RUNS)
