"""A third-party contract, installed for real: examples/agriledger-example-contract is
pip-installed into a private directory, found through the ``agriledger.contracts``
entry-point group, enabled in a genesis, and driven by signed transactions."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, rule, run_state_machine_as_test

from contracts.registry import ENTRY_POINT_GROUP, discover
from contracts.testing import ContractMachine, LedgerHarness, OrgSpec, Threat, standard_orgs

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


# -- the plug-in's state machine, with its attackers -------------------------------------------

KEEPER_OLD = "coop-a.keeper-old"
MACHINE_ORGS = [
    OrgSpec(o.id, o.type, (*o.members, ("keeper-old", "warehouse_keeper")))
    if o.id == "coop-a" else o
    for o in standard_orgs()
]
REGISTER_THREATS = tuple(t for t in Threat if t is not Threat.WRONG_ORG)  # any coop ships


class ColdChainMachine(ContractMachine):
    """What a plug-in author writes: a model beside the chain, and before each tx the model
    says commits, ``attack`` with the other side of the shipment as the counterparty."""

    orgs = MACHINE_ORGS
    contracts = ("membership", "cold_chain")
    revoked_members = (KEEPER_OLD,)

    shipments = Bundle("shipments")

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, dict[str, Any]] = {}

    def check(self, signer: str, action: str, code: str | None, other: str,
              threats: tuple[Threat, ...] = tuple(Threat), **args: Any) -> None:
        if code is None:
            self.attack(signer, "cold_chain", action, args, threats=threats,
                        counterparty=[other])
        result = self.run(signer, "cold_chain", action, **args)
        assert (None if result.committed else result.code) == code, result.message

    @rule(target=shipments, shipper=st.sampled_from(["coop-a", "coop-b"]),
          low=st.integers(-200, 80), width=st.integers(-5, 60))
    def register(self, shipper: str, low: int, width: int) -> str:
        shipment_id = f"S{len(self.model) + 1}"
        code = "INVALID_STATE" if width < 0 else None
        self.check(f"{shipper}.manager", "register", code, "buyer.purchaser", REGISTER_THREATS,
                   shipment_id=shipment_id, lot=f"lot:{shipper}:1", buyer="buyer",
                   min_tenths=low, max_tenths=low + width)
        if code is None:
            self.model[shipment_id] = {"shipper": shipper, "min": low, "max": low + width,
                                       "status": "in_transit", "readings": 0, "breaches": 0}
        return shipment_id

    @rule(shipment_id=shipments, keeper=st.sampled_from(["coop-a.keeper", "coop-b.keeper"]),
          tenths=st.integers(-250, 150))
    def record_reading(self, shipment_id: str, keeper: str, tenths: int) -> None:
        ship = self.model.get(shipment_id)
        code = "SHIPMENT_NOT_FOUND" if ship is None else None
        if ship is not None and keeper.split(".")[0] != ship["shipper"]:
            code = "UNAUTHORIZED"
        elif ship is not None and ship["status"] == "delivered":
            code = "INVALID_STATE"
        self.check(keeper, "record_reading", code, "buyer.purchaser",
                   shipment_id=shipment_id, tenths=tenths, at=self.ledger.now)
        if code is None and ship is not None:
            out = not ship["min"] <= tenths <= ship["max"]
            ship["readings"] += 1
            ship["breaches"] += out
            ship["status"] = "breached" if out else ship["status"]

    @rule(shipment_id=shipments)
    def accept(self, shipment_id: str) -> None:
        ship = self.model.get(shipment_id)
        code = {None: "SHIPMENT_NOT_FOUND", "breached": "SHIPMENT_BREACHED",
                "delivered": "INVALID_STATE", "in_transit": None}[ship and ship["status"]]
        shipper = "coop-a" if ship is None else ship["shipper"]
        self.check("buyer.purchaser", "accept", code, f"{shipper}.manager",
                   shipment_id=shipment_id)
        if code is None and ship is not None:
            ship["status"] = "delivered"

    @invariant()
    def model_matches_ledger(self) -> None:
        for shipment_id, ship in self.model.items():
            real = self.ledger.view("cold_chain", "shipment", shipment_id=shipment_id)
            assert {k: real[k] for k in ship} == ship, (shipment_id, real, ship)


def test_the_plugin_machine_refuses_every_impostor(on_path: Path) -> None:
    run_state_machine_as_test(ColdChainMachine, settings=settings(settings.default))
