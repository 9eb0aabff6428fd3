"""Every settlement outcome is reached: transfers by members and by treasuries, at and
around the dual-control threshold, a balance spent to the fen, money into an escrow.

``SettlementMachine`` mostly draws transfers that are refused (wrong signer, overdraft,
same account): in a probe with ``RecordsReached`` a transfer committed in 4 runs of 20.
``SteeredSettlementMachine`` adds a rule that funds an account and spends from it along
the next of five paths, every verdict predicted by the machine's own model
(``verdict``) and its balances kept by the machine (``move``), with the impostors of
each committing transfer refused first (``ContractMachine.attack``).
``RecordsReached`` (contracts/reached.py) notes what each run reached.
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import rule
from test_settlement_stateful import (
    ACCOUNTS,
    NODE_KEYS,
    ORG_IDS,
    THRESHOLD,
    SettlementMachine,
    is_org,
)

from contracts.reached import SteeredMachine, assert_reached
from contracts.testing import Threat

RUNS = 30
STEPS = 20
MIN_RUNS = 3
PATHS = ("member", "single treasurer at the threshold", "two treasurers above it",
         "whole balance", "into escrow")
PEOPLE = [a for a in ACCOUNTS if "." in a and a not in NODE_KEYS]

WANTED = ("event:Issued", "event:Transferred", *(f"path:{p}" for p in PATHS),
          "refused:one fen over the threshold alone", "refused:one fen over the balance")


class SteeredSettlementMachine(SteeredMachine, SettlementMachine):
    """The machine plus a rule that funds an account and spends from it."""

    def transfer(self, signers: list[str], source: str, target: str, amount: int) -> bool:
        """The transfer with the verdict the machine's model predicts; impostors first
        when it commits. True if it committed."""
        code = self.verdict(signers, source, target, amount)
        if code is None:
            dual = ["DUAL_CONTROL_REQUIRED"] if len(signers) > 1 else []
            self.attack(signers[0], "settlement", "transfer",
                        {"source": source, "target": target, "amount": amount},
                        co_signers=signers[1:], entitled=self.able(source),
                        codes={Threat.WRONG_ORG: dual, Threat.WRONG_ROLE: dual})
        if self.expect(signers[0], "transfer", code, signers[1:], source=source,
                       target=target, amount=amount):
            self.move(source, target, amount)
            return True
        return False

    @rule(data=st.data(), offset=st.integers(0, len(PATHS) - 1))
    def transfer_path(self, data: st.DataObject, offset: int) -> None:
        """The next of ``PATHS`` (in turn from a drawn start): a member spends part of
        what the central bank issued it; one treasurer moves exactly the org's
        dual-control threshold, then alone one fen over it (refused); two treasurers
        move more than the threshold; a member spends its whole balance, then one fen
        more (refused); a member pays into an escrow account."""
        path = self.next_path(PATHS, offset)
        if path in ("single treasurer at the threshold", "two treasurers above it"):
            orgs = [o for o in ORG_IDS
                    if len(self.able(o)) >= (2 if path == "two treasurers above it" else 1)]
            if not orgs:
                return
            org = data.draw(st.sampled_from(orgs), label="org")
            able = self.able(org)
            self.central_bank_issues(org, 2 * THRESHOLD[org] + 2)
            if path == "two treasurers above it":
                amount = THRESHOLD[org] + data.draw(st.integers(1, THRESHOLD[org]))
                if self.transfer(able[:2], org, "coop-b.f1", amount):
                    self.note_label(f"path:{path}")
                return
            if self.transfer(able[:1], org, "coop-b.f1", THRESHOLD[org]):
                self.note_label(f"path:{path}")
            if not self.transfer(able[:1], org, "coop-b.f1", THRESHOLD[org] + 1):
                self.note_label("refused:one fen over the threshold alone")
            return
        people = [p for p in PEOPLE if self.able(p)]
        if not people:
            return
        source = data.draw(st.sampled_from(people), label="source")
        self.central_bank_issues(source, data.draw(st.integers(1, 10**6), label="issued"))
        balance = self.balances[source]
        signer = self.able(source)[:1]
        if path == "into escrow":
            target = "escrow:claims:pool"
        else:
            target = data.draw(st.sampled_from([a for a in ACCOUNTS if a != source]))
        if path == "whole balance":
            if self.transfer(signer, source, target, balance):
                self.note_label(f"path:{path}")
            if not self.transfer(signer, source, target, 1):
                self.note_label("refused:one fen over the balance")
            return
        amount = data.draw(st.integers(1, balance), label="amount")
        if self.transfer(signer, source, target, amount) and not is_org(source):
            self.note_label(f"path:{path}")

    @rule(data=st.data(), offset=st.integers(0, len(PATHS) - 1))
    def another_transfer_path(self, data: st.DataObject, offset: int) -> None:
        """``transfer_path`` once more, so a run of 20 steps among 12 rules takes a few."""
        self.transfer_path(data, offset)


@pytest.mark.usefixtures("module_independent_draws")
def test_every_outcome_is_reached() -> None:
    assert_reached(SteeredSettlementMachine, WANTED, runs=RUNS, steps=STEPS, at_least=MIN_RUNS)
