"""contracts.testing: standard orgs, the harness helpers, and what a failing
ContractMachine prints (the shrunk actions with each tx's outcome, and how to replay)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from contracts.roles import DEFAULT_ROLES
from contracts.testing import LedgerHarness, standard_orgs

REPO = Path(__file__).resolve().parents[2]


def test_standard_orgs_hold_only_catalogue_roles_and_build_a_chain() -> None:
    orgs = standard_orgs()
    assert [o.id for o in orgs] == [
        "gov", "bank-a", "bank-b", "insurer", "coop-a", "coop-b", "buyer",
    ]
    for org in orgs:  # and each org's node key, whose role genesis adds to its catalogue
        assert {role for _name, role in org.members} <= DEFAULT_ROLES[org.type] | {"peer"}
    ledger = LedgerHarness(orgs, ["membership", "settlement"])
    assert ledger.member_ids(role="farmer") == [
        "coop-a.farmer-1", "coop-a.farmer-2", "coop-b.farmer-1", "coop-b.farmer-2",
    ]
    assert ledger.member_ids(org="bank-b") == [
        "bank-b.admin", "bank-b.officer", "bank-b.peer", "bank-b.risk", "bank-b.treasurer-1",
        "bank-b.treasurer-2",
    ]
    assert ledger.member_ids(role="peer") == sorted(f"{o.id}.peer" for o in orgs)
    assert ledger.submit("gov.pboc", "settlement", "issue", account="buyer", amount=1).committed


def test_the_harness_logs_every_tx_with_its_outcome() -> None:
    ledger = LedgerHarness(standard_orgs(), ["membership", "settlement"])
    ledger.submit("gov.pboc", "settlement", "issue", account="coop-a.farmer-1", amount=5)
    ledger.advance(days=1)
    ledger.submit("coop-a.farmer-1", "settlement", "transfer",
                  source="coop-a.farmer-2", target="buyer", amount=5)
    assert ledger.log == [
        "tx 1 @2026-03-01T00:00:00Z gov.pboc settlement.issue(account='coop-a.farmer-1', "
        "amount=5) -> ok",
        "tx 2 @2026-03-02T00:00:00Z coop-a.farmer-1 settlement.transfer("
        "source='coop-a.farmer-2', target='buyer', amount=5) -> UNAUTHORIZED: "
        "settlement.transfer requires party owner",
    ]


BROKEN_MACHINE = textwrap.dedent('''
    """A machine whose model is wrong on purpose: it believes transfers are free."""
    from hypothesis import strategies as st
    from hypothesis.stateful import invariant, rule

    from contracts.testing import ContractMachine, OrgSpec


    class BrokenMachine(ContractMachine):
        orgs = [
            OrgSpec("gov", "government", (("pboc", "central_bank"),)),
            OrgSpec("coop-a", "cooperative", (("f1", "farmer"),)),
        ]
        contracts = ("membership", "settlement")

        def __init__(self):
            super().__init__()
            self.expected = 0

        @rule(amount=st.integers(1, 100))
        def issue(self, amount):
            self.run("gov.pboc", "settlement", "issue", account="coop-a.f1", amount=amount)
            self.expected += amount

        @rule(amount=st.integers(1, 100))
        def pay(self, amount):
            self.run("coop-a.f1", "settlement", "transfer",
                     source="coop-a.f1", target="gov", amount=amount)

        @invariant()
        def balance_matches(self):
            assert self.ledger.balance("coop-a.f1") == self.expected


    TestBroken = BrokenMachine.TestCase
''')


@pytest.mark.integration
def test_a_failing_machine_prints_the_shrunk_actions_outcomes_and_a_replay_blob(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_broken_machine.py").write_text(BROKEN_MACHINE)
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI": ""}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--rootdir", str(tmp_path), str(tmp_path / "test_broken_machine.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    # the shortest failing sequence: one issue, one payment, each with its outcome
    assert (
        "tx 1 @2026-03-01T00:00:00Z gov.pboc settlement.issue(account='coop-a.f1', amount=1)"
        " -> ok"
    ) in out
    assert (
        "tx 2 @2026-03-01T00:00:00Z coop-a.f1 settlement.transfer(source='coop-a.f1', "
        "target='gov', amount=1) -> ok"
    ) in out
    assert "state.pay(amount=1)" in out
    assert "@reproduce_failure(" in out
