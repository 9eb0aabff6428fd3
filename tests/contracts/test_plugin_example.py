"""A third-party contract, installed for real: examples/agriledger-example-contract is
pip-installed into a private directory, found through the ``agriledger.contracts``
entry-point group, enabled in a genesis, and driven by signed transactions."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.registry import ENTRY_POINT_GROUP, discover
from contracts.testing import LedgerHarness, standard_orgs

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "agriledger-example-contract"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pip install --no-deps --target <dir>; without build isolation when the venv can
    build wheels itself, so the test needs no package index."""
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    if importlib.util.find_spec("wheel") is not None:
        command.append("--no-build-isolation")
    run = subprocess.run(
        [*command, str(EXAMPLE)], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return target


@pytest.fixture
def on_path(installed: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(installed))
    yield installed
    for name in [m for m in sys.modules if m.partition(".")[0] == "agriledger_cold_chain"]:
        del sys.modules[name]


def test_the_installed_plugin_is_found_through_the_entry_point_group(on_path: Path) -> None:
    from importlib.metadata import entry_points

    points = {p.name: p.value for p in entry_points(group=ENTRY_POINT_GROUP)}
    assert points["cold_chain"] == "agriledger_cold_chain:ColdChainContract"
    found = discover(["cold_chain"])
    assert found["cold_chain"].version == "1"
    assert Path(sys.modules[found["cold_chain"].__module__].__file__ or "").is_relative_to(on_path)


def test_the_plugin_is_not_there_before_it_is_installed() -> None:
    assert "cold_chain" not in discover(["cold_chain"])


def test_a_genesis_enables_the_plugin_and_transactions_run_through_it(on_path: Path) -> None:
    ledger = LedgerHarness(standard_orgs(), ["membership", "settlement", "cold_chain"])
    register = {"shipment_id": "S1", "lot": "lot:coop-a:L7", "buyer": "buyer",
                "min_tenths": 20, "max_tenths": 80}
    assert ledger.submit("coop-a.manager", "cold_chain", "register", **register).committed
    reading = {"shipment_id": "S1", "at": "2026-03-01T06:00:00Z"}
    # only the shipper's warehouse keeper attests readings
    assert ledger.submit("coop-b.keeper", "cold_chain", "record_reading", tenths=50,
                         **reading).code == "UNAUTHORIZED"
    assert ledger.submit("coop-a.keeper", "cold_chain", "record_reading", tenths=50,
                         **reading).committed
    assert ledger.submit("coop-a.keeper", "cold_chain", "record_reading", tenths=93,
                         **reading).committed
    refused = ledger.submit("buyer.purchaser", "cold_chain", "accept", shipment_id="S1")
    assert refused.code == "SHIPMENT_BREACHED"
    shipment = ledger.view("cold_chain", "shipment", shipment_id="S1")
    assert (shipment["status"], shipment["readings"], shipment["breaches"]) == ("breached", 2, 1)
    ledger.check_invariants()  # CC1 runs beside the built-ins' invariants


def test_a_shipment_that_stayed_in_range_is_accepted(on_path: Path) -> None:
    ledger = LedgerHarness(standard_orgs(), ["membership", "cold_chain"])
    ledger.submit("coop-a.manager", "cold_chain", "register", shipment_id="S2", lot="L",
                  buyer="buyer", min_tenths=-180, max_tenths=-150)
    ledger.submit("coop-a.keeper", "cold_chain", "record_reading", shipment_id="S2",
                  tenths=-160, at="2026-03-01T06:00:00Z")
    assert ledger.submit("buyer.purchaser", "cold_chain", "accept", shipment_id="S2").committed
    assert ledger.view("cold_chain", "shipment", shipment_id="S2")["status"] == "delivered"
    ledger.check_invariants()
