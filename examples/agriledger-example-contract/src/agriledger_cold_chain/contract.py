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
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

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


class ShipmentNotFound(NotFound):
    code = "SHIPMENT_NOT_FOUND"
    what = "shipment"


class ShipmentExists(DomainError):
    code = "SHIPMENT_EXISTS"


class ShipmentBreached(DomainError):
    code = "SHIPMENT_BREACHED"


class ShipmentStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    BREACHED = "breached"  # a reading left the agreed range
    DELIVERED = "delivered"  # accepted by the buyer


class Shipment(Record):
    """``shipment/<id>``: the agreed range (tenths of a degree C) and what was attested;
    its shipper and buyer are the parties that read it (``readers``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shipper: str
    buyer: str
    lot: str
    min: int
    max: int
    readings: int = 0
    breaches: int = 0
    status: ShipmentStatus = ShipmentStatus.IN_TRANSIT


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


def shipment_key(shipment_id: str) -> str:
    return f"shipment/{shipment_id}"


def get_shipment(ctx: ReadContext, shipment_id: str) -> Shipment:
    return ctx.require(Shipment, shipment_key(shipment_id), ShipmentNotFound, shipment_id)


def _parties(_self: Any, ctx: ReadContext, args: ShipmentArgs | ReadingArgs) -> Mapping[str, Any]:
    shipment = get_shipment(ctx, args.shipment_id)
    return {"shipper": shipment.shipper, "buyer": shipment.buyer}


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
        if ctx.load(Shipment, shipment_key(args.shipment_id)) is not None:
            raise ShipmentExists(f"shipment {args.shipment_id} exists", id=args.shipment_id)
        ctx.save(shipment_key(args.shipment_id), Shipment(
            shipper=ctx.signer.org, buyer=args.buyer, lot=args.lot,
            min=args.min_tenths, max=args.max_tenths,
        ))
        ctx.emit("ShipmentRegistered", shipment_id=args.shipment_id, lot=args.lot)

    @action(ReadingArgs, policy=Party("shipper", roles=("warehouse_keeper",)), parties=_parties)
    def record_reading(self, ctx: Context, args: ReadingArgs) -> None:
        """Attest one temperature reading; out of range marks the shipment breached."""
        shipment = get_shipment(ctx, args.shipment_id)
        if shipment.status is ShipmentStatus.DELIVERED:
            raise InvalidState(f"shipment {args.shipment_id} was delivered")
        out = not shipment.min <= args.tenths <= shipment.max
        update: dict[str, Any] = {"readings": shipment.readings + 1,
                                  "breaches": shipment.breaches + int(out)}
        if out:
            update["status"] = ShipmentStatus.BREACHED
            ctx.emit("TemperatureBreach", shipment_id=args.shipment_id, tenths=args.tenths,
                     at=args.at)
        ctx.save(shipment_key(args.shipment_id), shipment.model_copy(update=update))

    @action(ShipmentArgs, policy=Party("buyer", roles=("purchaser",)), parties=_parties)
    def accept(self, ctx: Context, args: ShipmentArgs) -> None:
        """The buyer accepts delivery of a shipment that stayed in range."""
        shipment = get_shipment(ctx, args.shipment_id)
        if shipment.status is ShipmentStatus.BREACHED:
            raise ShipmentBreached(
                f"shipment {args.shipment_id} left its range {shipment.breaches} times",
                id=args.shipment_id,
            )
        if shipment.status is not ShipmentStatus.IN_TRANSIT:
            raise InvalidState(f"shipment {args.shipment_id} is {shipment.status}")
        ctx.save(shipment_key(args.shipment_id),
                 shipment.model_copy(update={"status": ShipmentStatus.DELIVERED}))
        ctx.emit("ShipmentAccepted", shipment_id=args.shipment_id)

    @view(ShipmentQuery)
    def shipment(self, ctx: ReadContext, query: ShipmentQuery) -> Any:
        return get_shipment(ctx, query.shipment_id).to_state()

    @invariant("CC1", "a shipment is breached exactly when one of its readings was out of range")
    def breach_status_matches_readings(self, ctx: ReadContext) -> Iterable[str]:
        for key, value in ctx.scan("shipment/"):
            shipment = Shipment.model_validate(value)
            if (shipment.status is ShipmentStatus.BREACHED) != (shipment.breaches > 0):
                yield f"{key}: status {shipment.status} with {shipment.breaches} breaches"
            if not 0 <= shipment.breaches <= shipment.readings:
                yield f"{key}: {shipment.breaches} breaches of {shipment.readings} readings"
