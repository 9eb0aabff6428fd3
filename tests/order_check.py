"""Check that the seeded contract machines run the same whatever ran before them.

The deep-state tests (``test_machine_reaches_deep_states``, the reached-every-state
checks) run a machine over a fixed batch drawn from a fixed seed
(``contracts.reached.seeded_machine``), so their verdict is a function of the runs
hypothesis draws. Those draws once depended on the test order: hypothesis
also draws literal constants from every module imported so far, so the order-finance
check failed on unchanged code after the scenario tests. ``module_independent_draws``
(tests/conftest.py) pins that; this script checks it, cheaply:

- child "forward" imports only the machines and runs each in turn;
- child "reversed" first collects the whole test tree (importing every test module, as
  a full run does), then runs the machines in the opposite order;

each run is a short seeded batch (``RUNS`` runs of ``STEPS`` steps) under
``local_constants_pinned``, fingerprinted by the ledger's log of every tx and outcome.
The same fingerprints in both children mean the same draws, hence the same verdict of
the full-size batches (contracts are deterministic). Rerunning the deep-state tests
themselves in two orders would cost minutes; this costs seconds. ``--unpinned`` runs
without the pin, to show the check has teeth (the fingerprints then differ).

Run by ``make test`` (``make order-check``); exits 1 and names the machines that differ.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MACHINES = (
    ("test_order_finance_machine", "OrderFinanceMachine"),
    ("test_order_finance_fees", "FeesOrderFinanceMachine"),
    ("test_claims_coverage", "SteeredClaimsMachine"),
    ("test_warehouse_receipt_coverage", "SteeredWarehouseReceiptMachine"),
    ("test_credit_loans_coverage", "SteeredCreditLoansMachine"),
    ("test_credit_coverage", "SteeredCreditMachine"),
    ("test_disputes_coverage", "SteeredDisputesMachine"),
    ("test_settlement_coverage", "SteeredSettlementMachine"),
    ("test_membership_coverage", "SteeredMembershipMachine"),
)
RUNS = 4
STEPS = 12


def fingerprint(module: str, name: str) -> str:
    from hypothesis import Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    from contracts.reached import seeded_machine

    machine: Any = getattr(importlib.import_module(module), name)
    logs: list[str] = []

    class Fingerprinted(machine):  # type: ignore[misc, valid-type]
        def teardown(self) -> None:
            logs.append("\n".join(self.ledger.log))
            super().teardown()

    run_state_machine_as_test(seeded_machine(Fingerprinted), settings=settings(
        max_examples=RUNS, stateful_step_count=STEPS, deadline=None, database=None,
        phases=(Phase.explicit, Phase.generate),
    ))
    return hashlib.sha256("\n--\n".join(logs).encode()).hexdigest()[:16]


def child(order: str, pinned: bool) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "contracts")]
    machines = list(MACHINES)
    if order == "reversed":
        import pytest

        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            pytest.main(["--collect-only", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                         str(ROOT / "tests")])
        machines.reverse()
    from tests.conftest import local_constants_pinned

    prints = {}
    for module, name in machines:
        with local_constants_pinned() if pinned else contextlib.nullcontext():
            prints[name] = fingerprint(module, name)
    print(json.dumps(prints))


def run_child(order: str, pinned: bool) -> dict[str, str]:
    args = [sys.executable, __file__, "--child", order, *([] if pinned else ["--unpinned"])]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"order check: the {order} run failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def differences(forward: dict[str, str], backward: dict[str, str]) -> Iterator[str]:
    for name in forward:
        if forward[name] != backward.get(name):
            yield name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", choices=("forward", "reversed"))
    parser.add_argument("--unpinned", action="store_true",
                        help="without local_constants_pinned (to see the check fail)")
    args = parser.parse_args()
    if args.child:
        child(args.child, not args.unpinned)
        return
    forward = run_child("forward", not args.unpinned)
    backward = run_child("reversed", not args.unpinned)
    differ = list(differences(forward, backward))
    if differ:
        sys.exit(f"order check: {differ} drew different runs after the other tests were "
                 f"imported and in reverse order: {forward} vs {backward}")
    print(f"order check: {len(forward)} machines drew the same runs in both orders")


if __name__ == "__main__":
    main()
