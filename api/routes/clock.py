"""The development clock: read it, and move it forward on a development chain.

Both routes are signed requests (RFC 9421), like every read. Moving the clock also
needs the signer's role to be in genesis ``dev_clock.roles`` (by org type) and the
chain to be a development chain; the rules live in ``nodes.dev_clock`` and are
applied by the network that runs the orderer (``LocalNetwork.advance_clock``).
A peer ordered by JetStream does not run the orderer and answers
DEV_CLOCK_UNAVAILABLE.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.context import ApiContext, ClockControl
from api.exceptions import RequestInvalid
from api.routes.deps import READ_SECURITY, Ctx, Reader
from api.routes.transactions import PROBLEMS
from api.schemas import ClockAdvanceIn, ClockOut
from ledger.identity import MEMBERSHIP_NAMESPACE
from nodes.dev_clock import ClockReading, parse_duration
from nodes.exceptions import DevClockUnavailable

router = APIRouter(prefix="/v1", tags=["clock"])


def _clock(ctx: ApiContext) -> ClockControl:
    if ctx.clock is None:
        raise DevClockUnavailable(
            f"peer {ctx.node_id} does not run the orderer (it is ordered by JetStream); "
            "block time there is the cutter's wall clock and cannot be moved"
        )
    return ctx.clock


@router.get(
    "/clock",
    response_model=ClockOut,
    summary="The orderer's block clock: dev chain or not, offset, and the time a block cut now "
    "would carry",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def show(ctx: Ctx, _reader: Reader) -> ClockOut:
    reading = await run_in_threadpool(_clock(ctx).clock_reading)
    return ClockOut.model_validate(reading.to_json())


@router.post(
    "/clock/advance",
    response_model=ClockOut,
    summary="Move a development chain's block clock forward (never backwards)",
    description=(
        "Only on a chain whose genesis has `dev_clock` (else 409 NOT_A_DEV_CHAIN), signed by a "
        "member whose role genesis `dev_clock.roles` lists for its org type (else 403 "
        "DEV_CLOCK_FORBIDDEN). Blocks cut from now on carry wall clock + the new offset; the "
        "offset survives a restart."
    ),
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def advance(body: ClockAdvanceIn, ctx: Ctx, reader: Reader) -> ClockOut:
    try:
        by_ms = parse_duration(body.by)
    except ValueError as exc:
        raise RequestInvalid(f"by: {exc}", [{"path": "$.by", "rule": str(exc)}]) from None
    clock = _clock(ctx)

    def move() -> ClockReading:  # the peer's and the network's locks: off the event loop
        member = ctx.peer.state_get(MEMBERSHIP_NAMESPACE, f"member/{reader}") or {}
        org = ctx.peer.state_get(MEMBERSHIP_NAMESPACE, f"org/{member.get('org')}") or {}
        return clock.advance_clock(
            by_ms, org_type=str(org.get("type")), role=str(member.get("role"))
        )

    reading = await run_in_threadpool(move)
    return ClockOut.model_validate(reading.to_json())
