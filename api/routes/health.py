"""Liveness and Prometheus metrics: open to anyone (no ledger data beyond the head height)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from api.routes.deps import Ctx
from api.schemas import HealthOut
from ledger.block import BlockHeader

router = APIRouter(tags=["health"])


@router.get(
    "/v1/health",
    response_model=HealthOut,
    summary="Is this peer up and accepting, and where is its head",
    description="200 with status ok; 503 with status halted and the fault while the peer "
    "refuses submissions (its store cannot be written). A load balancer can use the status.",
    responses={503: {"model": HealthOut, "description": "intake halted"}},
)
async def health(ctx: Ctx) -> JSONResponse:
    def read() -> tuple[BlockHeader | None, int]:  # the peer's lock: off the event loop
        return ctx.peer.head(), len(ctx.peer.pending())

    header, pending = await run_in_threadpool(read)
    fault = ctx.peer.fault()
    body = HealthOut(
        status="ok" if fault is None else "halted",
        fault=fault,
        node_id=ctx.peer.node_id,
        chain_id=ctx.peer.chain_id,
        height=-1 if header is None else header.height,
        head_hash=None if header is None else header.hash(),
        pending=pending,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if fault is None else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
async def metrics(ctx: Ctx) -> Response:
    # the height gauge reads the peer, which takes its lock: off the event loop
    body = await run_in_threadpool(generate_latest, ctx.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
