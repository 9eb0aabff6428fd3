"""cold_chain: temperature attestations for refrigerated shipments of warehouse lots.

A cooperative manager registers a shipment with the agreed range (integer tenths of a
degree Celsius, so 2.0..8.0 C is 20..80); the shipper's warehouse keeper records
readings; the buyer's purchaser accepts delivery, which is refused once any reading
left the range (the buyer may still reject it off chain; the chain records why).

State: ``shipment/<id>`` -> {"shipper", "buyer", "lot", "min", "max", "readings",
"breaches", "status"}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field

from contracts import (
    Args,
    Context,
    Contract,
    DomainError,
    InvalidState,
    NotFound,
    Party,
    Query,
    Readable,
    ReadContext,
    Record,
    Role,
    action,
    invariant,
    view,
)
from contracts.types import Id, OrgId, Timestamp

TenthsCelsius = int


class ShipmentNotFound(NotFound):
    code = "SHIPMENT_NOT_FOUND"
    what = "shipment"


class ShipmentExists(DomainError):
    code = "SHIPMENT_EXISTS"


class ShipmentBreached(DomainError):
    code = "SHIPMENT_BREACHED"


class RegisterArgs(Args):
    shipment_id: Id
    lot: Id
    buyer: OrgId
    min_tenths: int = Field(ge=-400, le=400)
    max_tenths: int = Field(ge=-400, le=400)


class ReadingArgs(Args):
    shipment_id: Id
    tenths: int = Field(ge=-1000, le=1000)
    at: Timestamp


class ShipmentArgs(Args):
    shipment_id: Id


class ShipmentQuery(Query):
    shipment_id: Id


def _shipment(ctx: ReadContext, shipment_id: str) -> dict[str, Any]:
    record = ctx.get(f"shipment/{shipment_id}")
    if record is None:
        raise ShipmentNotFound(shipment_id)
    return dict(record)


def _parties(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    record = _shipment(ctx, args.shipment_id)
    return {"shipper": record["shipper"], "buyer": record["buyer"]}


class Shipment(Record):
    """What ``shipment/<id>`` holds; its shipper and buyer are the parties that read it."""

    shipper: str
    buyer: str
    lot: str
    min: int
    max: int
    readings: int
    breaches: int
    status: str


class ColdChainContract(Contract):
    name = "cold_chain"
    version = "1"
    readers = (Readable("shipment/{shipment_id...}", Shipment, parties=("shipper", "buyer")),)
    description = "Cold-chain temperature attestations for shipments of warehouse lots."

    @action(RegisterArgs, policy=Role("cooperative", "manager"))
    def register(self, ctx: Context, args: RegisterArgs) -> None:
        """Register a shipment from the signer's cooperative to ``buyer``."""
        if args.min_tenths > args.max_tenths:
            raise InvalidState("min_tenths must not exceed max_tenths")
        if ctx.get(f"shipment/{args.shipment_id}") is not None:
            raise ShipmentExists(f"shipment {args.shipment_id} exists", id=args.shipment_id)
        ctx.put(f"shipment/{args.shipment_id}", {
            "shipper": ctx.signer.org, "buyer": args.buyer, "lot": args.lot,
            "min": args.min_tenths, "max": args.max_tenths,
            "readings": 0, "breaches": 0, "status": "in_transit",
        })
        ctx.emit("ShipmentRegistered", shipment_id=args.shipment_id, lot=args.lot)

    @action(ReadingArgs, policy=Party("shipper", roles=("warehouse_keeper",)), parties=_parties)
    def record_reading(self, ctx: Context, args: ReadingArgs) -> None:
        """Attest one temperature reading; out of range marks the shipment breached."""
        record = _shipment(ctx, args.shipment_id)
        if record["status"] == "delivered":
            raise InvalidState(f"shipment {args.shipment_id} was delivered")
        out = not record["min"] <= args.tenths <= record["max"]
        record["readings"] += 1
        record["breaches"] += int(out)
        if out:
            record["status"] = "breached"
            ctx.emit("TemperatureBreach", shipment_id=args.shipment_id, tenths=args.tenths,
                     at=args.at)
        ctx.put(f"shipment/{args.shipment_id}", record)

    @action(ShipmentArgs, policy=Party("buyer", roles=("purchaser",)), parties=_parties)
    def accept(self, ctx: Context, args: ShipmentArgs) -> None:
        """The buyer accepts delivery of a shipment that stayed in range."""
        record = _shipment(ctx, args.shipment_id)
        if record["status"] == "breached":
            raise ShipmentBreached(
                f"shipment {args.shipment_id} left its range {record['breaches']} times",
                id=args.shipment_id,
            )
        if record["status"] != "in_transit":
            raise InvalidState(f"shipment {args.shipment_id} is {record['status']}")
        record["status"] = "delivered"
        ctx.put(f"shipment/{args.shipment_id}", record)
        ctx.emit("ShipmentAccepted", shipment_id=args.shipment_id)

    @view(ShipmentQuery)
    def shipment(self, ctx: ReadContext, query: ShipmentQuery) -> Any:
        return _shipment(ctx, query.shipment_id)

    @invariant("CC1", "a shipment is breached exactly when one of its readings was out of range")
    def breach_status_matches_readings(self, ctx: ReadContext) -> Iterable[str]:
        for key, record in ctx.scan("shipment/"):
            if (record["status"] == "breached") != (record["breaches"] > 0):
                yield f"{key}: status {record['status']} with {record['breaches']} breaches"
            if not 0 <= record["breaches"] <= record["readings"]:
                yield f"{key}: {record['breaches']} breaches of {record['readings']} readings"
