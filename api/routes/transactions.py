"""Submitting envelopes (one or a batch) and reading a tx's status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.context import ApiContext, status_out
from api.exceptions import BatchTooLarge, RequestInvalid, TxNotFound
from api.routes.deps import READ_SECURITY, Ctx, Viewing, visibility
from api.schemas import (
    MAX_BATCH,
    TX_ID_PATTERN,
    Problem,
    SubmitAccepted,
    SubmitResults,
    TxStatusOut,
)
from ledger.encoding import decode
from ledger.interfaces import ChainStoreAPI
from nodes.exceptions import GateRejected

router = APIRouter(prefix="/v1", tags=["transactions"])

ENVELOPE_REF = {"$ref": "#/components/schemas/EnvelopeModel"}
SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        ENVELOPE_REF,
                        {
                            "type": "array",
                            "items": ENVELOPE_REF,
                            "minItems": 1,
                            "maxItems": MAX_BATCH,
                        },
                    ]
                }
            }
        },
    }
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (400, 401, 403, 404, 409, 413, 422)
}


async def _read_envelopes(
    request: Request, max_bytes: int, max_batch: int
) -> tuple[list[Any], bool]:
    """The JSON body as a list of raw envelopes, and whether it was an array."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise BatchTooLarge(f"request body exceeds {max_bytes} bytes")
    data = decode(bytes(body))  # EncodingError (400) names the path of a float, NaN, big int...
    if isinstance(data, dict):
        return [data], False
    if not isinstance(data, list):
        raise RequestInvalid(
            "the body must be an envelope or an array of envelopes",
            [{"path": "$", "rule": "must be a JSON object or array"}],
        )
    if not data:
        raise RequestInvalid("an empty batch", [{"path": "$", "rule": "at least one envelope"}])
    if len(data) > max_batch:
        raise BatchTooLarge(
            f"{len(data)} envelopes in one request; at most {max_batch}",
            [{"path": "$", "rule": f"at most {max_batch} items"}],
        )
    return data, True


Wait = Annotated[Literal["commit"] | None, Query(description="'commit' to wait")]
Timeout = Annotated[float | None, Query(gt=0, le=60, description="seconds to wait")]


def submit_responses(final: str) -> dict[int | str, dict[str, Any]]:
    """The answers a submit route declares (``final``: what wait=commit carries)."""
    return {
        202: {"model": SubmitAccepted, "description": "accepted and forwarded for ordering"},
        200: {"model": SubmitResults, "description": f"with wait=commit: {final}"},
        **PROBLEMS,
    }


async def forward(ctx: ApiContext, submit: Callable[[], list[str]], wait: str | None,
                  timeout: float | None) -> JSONResponse:
    """Run ``submit`` off the event loop and count what the gate did; answer 202 with the
    tx ids, or with ``wait=commit`` their final statuses (200 once all are final). One
    answer for every submit route (plain and private), so they cannot drift apart."""
    try:
        tx_ids = await run_in_threadpool(submit)
    except GateRejected as exc:
        ctx.metrics.tx_refused.labels(exc.code).inc()
        raise
    ctx.metrics.tx_accepted.inc(len(tx_ids))
    if wait is None:
        return JSONResponse({"tx_ids": tx_ids}, status_code=202)
    settings = ctx.settings
    limit = min(timeout or settings.default_wait_s, settings.max_wait_s)
    results, complete = await ctx.watcher.final_statuses(tx_ids, limit)
    body = SubmitResults(tx_ids=tx_ids, results=results, complete=complete)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if complete else 202)


@router.post(
    "/transactions",
    status_code=202,
    summary="Submit one signed envelope or an array of up to 1000",
    description=(
        "Envelopes are checked (wire form, chain id, enrolment, revocation, every signature, "
        "not already committed, contract/action/args) before anything reaches the orderer; "
        "a batch is all-or-nothing. With `wait=commit` the answer waits (at most `timeout` "
        "seconds) and carries each tx's final status. Writes need no HTTP credential: the "
        "envelope signatures authorise them."
    ),
    openapi_extra=SUBMIT_BODY,
    responses=submit_responses("final statuses"),
)
async def submit(request: Request, ctx: Ctx, wait: Wait = None,
                 timeout: Timeout = None) -> JSONResponse:
    settings = ctx.settings
    items, batch = await _read_envelopes(request, settings.max_body_bytes, settings.max_batch)
    request.state.batch = batch
    return await forward(ctx, lambda: ctx.peer.submit(items), wait, timeout)


@router.get(
    "/transactions/{tx_id}",
    response_model=TxStatusOut,
    summary="A tx's status: pending, committed (block height) or rejected (code, message), "
    "to the tx's readers (else 404, as unknown)",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def tx_status(
    ctx: Ctx,
    viewer: Viewing,
    tx_id: Annotated[str, Path(pattern=TX_ID_PATTERN, description="hex SHA-256 of the tx body")],
) -> TxStatusOut:
    status = status_out(await run_in_threadpool(ctx.peer.tx_status, tx_id))
    rules = visibility(ctx)

    def readable(store: ChainStoreAPI) -> bool:
        record = store.tx(tx_id)
        if record is not None:
            return rules.may_read_tx(viewer, record.envelope, record.result, store.state)
        waiting = next((e for e in ctx.peer.pending() if e.tx_id == tx_id), None)
        if waiting is not None:
            return rules.may_read_tx(viewer, waiting, None, store.state)
        return viewer.supervisor

    if status is None or not await run_in_threadpool(ctx.peer.read_store, readable):
        raise TxNotFound(f"tx {tx_id} is unknown to this peer", tx_id=tx_id)
    return status
