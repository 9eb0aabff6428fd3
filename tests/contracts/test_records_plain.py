"""The built-in contracts' records take the framework's fast path, and it is safe.

Every record class the built-in contracts store derives from ``contracts.records.Record``
and is "plain", so ``ctx.load`` validates it straight from the stored value and
``ctx.save`` hands its dump to the overlay uncopied. A field that is not plain (``Any``,
a float, a set, a custom serializer) would silently put the model back on the copying
path: the first test names it. The others check, on a real overlay and memory state,
that ``save`` stores the very bytes ``put`` of the dump stores, that ``load`` round-trips,
and that mutating a loaded (or saved) record never changes state.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from contracts.base import Contract
from contracts.builtin.claims import ClaimsContract
from contracts.builtin.claims.records import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimState,
    HouseholdState,
    Payment,
)
from contracts.builtin.disputes import DisputeNotFound, DisputesContract
from contracts.builtin.disputes.records import Complexity, Dispute, DisputeState, Step
from contracts.builtin.warehouse_receipt import WarehouseReceiptContract
from contracts.builtin.warehouse_receipt.records import (
    HistoryEntry,
    Insurance,
    Receipt,
    ReceiptState,
)
from contracts.context import Context
from contracts.records import Record, is_plain_schema
from contracts.runtime import ContractRuntime
from ledger.encoding import canonical
from ledger.exceptions import EncodingError
from ledger.interfaces import BlockContext
from ledger.state import MemoryState, Overlay

RECORD_MODULES = [
    "claims", "credit", "credit_loans", "disputes", "order_finance", "warehouse_receipt",
]
T = "2026-03-01T00:00:00Z"


def record_classes(module_name: str) -> list[type[BaseModel]]:
    module = importlib.import_module(f"contracts.builtin.{module_name}.records")
    return [
        cls for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseModel) and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize("module_name", RECORD_MODULES)
def test_every_stored_record_is_a_plain_framework_record(module_name: str) -> None:
    classes = record_classes(module_name)
    assert classes, f"no record classes found in {module_name}.records"
    for cls in classes:
        name = f"{module_name}.records.{cls.__name__}"
        assert issubclass(cls, Record), f"{name} does not derive from contracts.records.Record"
        assert cls.__pydantic_complete__, f"{name} has unresolved annotations"
        assert cls.model_config.get("extra") == "forbid", f"{name} admits unknown fields"
        assert not hasattr(cls, "to_json"), f"{name}: records dump with to_state() only"
        # plain_fields is worked out when the class is built; recompute it from the
        # finished schema as well, so a model whose schema was completed late is
        # judged on its real fields.
        assert cls.plain_fields is True, f"{name} is not plain: it takes the copying path"
        assert is_plain_schema(cls.__pydantic_core_schema__), f"{name} is not plain"


# -- a real overlay over a memory state ---------------------------------------------------


def context(contract: Contract, state: Any) -> Context:
    runtime = ContractRuntime({contract.name: contract})
    return Context(
        runtime, contract, state, BlockContext("test-chain", 1, T),
        tx_id="ab" * 32, signers=(), events=[],
    )


def sample_claim() -> Claim:
    payment = Payment(amount=900, to_payee=600, to_insured=300, payee_debt=600,
                      lender="bank-a", at=T)
    return Claim(
        id="c1", kind=ClaimKind.INDEMNITY, policy_id="p1", peril="typhoon", occurred_at=T,
        reported_at=T, reported_by="coop-a.manager", state=ClaimState.VERIFIED,
        survey_evidence=["sha256:aa", "sha256:bb"],
        households={
            "coop-a.farmer-1": Assessment(
                state=HouseholdState.AGREED, loss_bp=4000, damaged_area=1200, stage="heading",
                evidence=["sha256:cc"], formula=1000, amount=900, paid=900,
                payments=[payment],
            ),
            "coop-a.farmer-2": Assessment(state=HouseholdState.ASSESSED, formula=5, amount=5),
        },
    )


def sample_receipt() -> Receipt:
    return Receipt(
        receipt_id="r1", lot_id="l1", warehouse="coop-a", depositor="coop-a.farmer-1",
        holder="coop-a.farmer-1", commodity="tea", grade="A", quantity=1000, unit="kg",
        shrinkage_bp=50, location="bay 3", storage_days=90, storage_fee=1200, value=4_000_000,
        insurance=Insurance(insurer="insurer", amount=4_000_000, until="2026-12-01T00:00:00Z"),
        issued_at=T, expiry="2026-12-01T00:00:00Z", state=ReceiptState.PLEDGED, loan_id="x1",
        pledgee="bank-a", parents=("r0",),
        history=(
            HistoryEntry(event="issued", by=("coop-a.keeper",), at=T, holder="coop-a.farmer-1"),
            HistoryEntry(event="pledged", by=("coop-a.farmer-1", "bank-a.officer"), at=T,
                         holder="coop-a.farmer-1", pledgee="bank-a"),
        ),
    )


def sample_dispute(summary: str = "短斤少两: 交付 980 kg, 合同 1000 kg") -> Dispute:
    return Dispute(
        id="d1", asset="receipt:r1", claimant="coop-a", respondent="buyer",
        complexity=Complexity.SIMPLE, summary=summary, state=DisputeState.FILED,
        filed_at=T, deadline="2026-03-31T00:00:00Z",
        history=(Step(state=DisputeState.FILED, at=T, by="coop-a.manager"),),
    )


SAMPLES = [
    pytest.param(ClaimsContract, "claim/c1", sample_claim, id="claims.Claim"),
    pytest.param(WarehouseReceiptContract, "receipt/r1", sample_receipt, id="wr.Receipt"),
    pytest.param(DisputesContract, "dispute/d1", sample_dispute, id="disputes.Dispute-non-ascii"),
]


@pytest.mark.parametrize(("contract_cls", "key", "make"), SAMPLES)
def test_save_stores_the_bytes_put_stores_and_load_round_trips(
    contract_cls: type[Contract], key: str, make: Any
) -> None:
    contract = contract_cls()
    record = make()
    assert type(record).plain_fields
    saved, written = Overlay(MemoryState()), Overlay(MemoryState())
    ctx = context(contract, saved)
    ctx.save(key, record)
    context(contract, written).put(key, record.to_state())

    assert saved.raw_writes() == written.raw_writes()
    assert saved.raw_writes() == ((f"{contract.name}/{key}", canonical(record.to_state())),)
    assert saved.writes() == written.writes()
    assert ctx.load(type(record), key) == record
    assert ctx.load(type(record), key + "-missing") is None

    # The block path: the memory state adopts the overlay's own values, and a later
    # tx loads the record through the state rather than the overlay's pending writes.
    state = MemoryState()
    state.adopt(saved.settled_writes()[0])
    later = context(contract, Overlay(state))
    assert later.load(type(record), key) == record
    assert dict(state.items()) == dict(saved.raw_writes())


def test_require_returns_the_record_or_raises_the_contracts_not_found_error() -> None:
    ctx = context(DisputesContract(), Overlay(MemoryState()))
    dispute = sample_dispute()
    ctx.save("dispute/d1", dispute)
    assert ctx.require(Dispute, "dispute/d1", DisputeNotFound, "d1") == dispute
    with pytest.raises(DisputeNotFound, match="d2"):
        ctx.require(Dispute, "dispute/d2", DisputeNotFound, "d2")


def test_save_refuses_what_put_refuses() -> None:
    """The fast path checks the encoding like ``put``: an integer beyond 2^53 - 1 faults."""
    receipt = sample_receipt().model_copy(update={"value": 2**53})
    ctx = context(WarehouseReceiptContract(), Overlay(MemoryState()))
    with pytest.raises(EncodingError):
        ctx.put("receipt/r1", receipt.to_state())
    with pytest.raises(EncodingError):
        ctx.save("receipt/r1", receipt)
    # A run of 16 digits that is in range (or just a long string of digits) is fine.
    ok = sample_receipt().model_copy(update={"value": 2**53 - 1, "location": "9" * 20})
    saved, written = Overlay(MemoryState()), Overlay(MemoryState())
    context(WarehouseReceiptContract(), saved).save("receipt/r1", ok)
    context(WarehouseReceiptContract(), written).put("receipt/r1", ok.to_state())
    assert saved.raw_writes() == written.raw_writes()


def test_a_value_that_skipped_validation_is_refused_rather_than_stored() -> None:
    """``model_copy(update=...)`` does not validate: a float in an int field must fault
    the tx (as ``put`` would), never reach state."""
    receipt = sample_receipt().model_copy(update={"value": 1.5})
    overlay = Overlay(MemoryState())
    with pytest.raises(PydanticSerializationError):
        context(WarehouseReceiptContract(), overlay).save("receipt/r1", receipt)
    assert not overlay


class _Outer(Record):
    inner: _Later


class _Later(Record):
    anything: Any


def test_a_record_is_plain_only_once_its_schema_is_complete() -> None:
    """A forward reference leaves the schema incomplete: not plain (not the base's
    verdict) until a rebuild shows what the reference holds, here ``Any``."""
    assert not _Outer.plain_fields
    _Outer.model_rebuild()
    assert not _Outer.plain_fields
    assert not _Later.plain_fields


def mutate(claim: Claim) -> None:
    """Change every list and dict a claim holds, at every level."""
    claim.survey_evidence.append("sha256:zz")
    household = claim.households["coop-a.farmer-1"]
    household.evidence.append("sha256:yy")
    household.payments.append(household.payments[0].model_copy())
    household.payments[0].amount = 1
    household.paid = 0
    claim.households["coop-b.farmer-9"] = Assessment(state=HouseholdState.ASSESSED,
                                                       formula=1, amount=1)
    del claim.households["coop-a.farmer-2"]
    claim.state = ClaimState.DECLINED


def test_mutating_a_loaded_or_saved_record_never_changes_state() -> None:
    contract = ClaimsContract()
    key, full = "claim/c1", "claims/claim/c1"
    original = sample_claim()
    expected = original.to_state()
    expected_bytes = canonical(expected)

    # In the tx's overlay (the record is a pending write).
    overlay = Overlay(MemoryState())
    ctx = context(contract, overlay)
    saved = sample_claim()
    ctx.save(key, saved)
    mutate(saved)  # the overlay owns the dump, not the record
    loaded = ctx.load(Claim, key)
    assert loaded == original
    assert loaded is not None
    mutate(loaded)
    assert ctx.get(key) == expected
    assert overlay.peek(full) == expected
    assert overlay.raw_writes() == ((full, expected_bytes),)
    assert ctx.load(Claim, key) == original

    # In the committed state (adopted from the block, read through a later tx's overlay).
    state = MemoryState()
    state.adopt(overlay.settled_writes()[0])
    later = context(contract, Overlay(state))
    first, second = later.load(Claim, key), later.load(Claim, key)
    assert first is not None
    assert second is not None
    mutate(first)
    assert second == original
    assert state.peek(full) == expected
    assert dict(state.items()) == {full: expected_bytes}
    assert later.load(Claim, key) == original
