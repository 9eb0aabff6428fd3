"""Blocks by height, the head, and re-verification of the whole stored chain."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.context import ApiContext
from api.exceptions import BlockNotFound, VerifyUnavailable
from api.routes.deps import READ_SECURITY, Ctx, Reader, Viewing, visibility
from api.routes.transactions import PROBLEMS
from api.schemas import BlockOut, HeadOut, VerifyOut
from ledger.exceptions import StoreError, VerificationError
from ledger.interfaces import ChainStoreAPI
from ledger.sqlite_store import SqliteStore
from ledger.verify import verify_store

router = APIRouter(prefix="/v1", tags=["blocks"])


@router.get(
    "/blocks/head",
    response_model=HeadOut,
    summary="The head block's header and hash",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def head(ctx: Ctx, _reader: Reader) -> JSONResponse:
    header = await run_in_threadpool(ctx.peer.head)
    if header is None:
        raise BlockNotFound("the chain is empty")
    return JSONResponse({"hash": header.hash(), "header": header.to_json()})


@router.get(
    "/blocks/{height}",
    response_model=BlockOut,
    summary="A block: header, hash, every tx id and result code; the envelope and full "
    "result of each tx the reader may read (else envelope null)",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def block(
    ctx: Ctx, viewer: Viewing, height: Annotated[int, Path(ge=0, le=2**53 - 1)]
) -> JSONResponse:
    rules = visibility(ctx)

    def read(store: ChainStoreAPI) -> dict[str, Any] | None:
        found = store.block(height)
        return None if found is None else rules.block_json(viewer, found, store.state)

    body = await run_in_threadpool(ctx.peer.read_store, read)
    if body is None:
        raise BlockNotFound(f"no block at height {height}", height=height)
    return JSONResponse(body)


def _verify_file(store: SqliteStore) -> VerifyOut:
    """Re-check the chain from a separate read-only connection inside one read snapshot."""
    snapshot = SqliteStore(store.path, readonly=True)
    try:
        snapshot._db.execute("BEGIN")  # WAL snapshot: appends during the check stay invisible
        report = verify_store(snapshot)
    except VerificationError as exc:
        return VerifyOut(ok=False, failed_height=exc.height, reason=exc.reason)
    finally:
        snapshot.close()
    return VerifyOut(ok=True, blocks=report.blocks, txs=report.txs, head_hash=report.head_hash)


async def verify_chain_once(ctx: ApiContext) -> VerifyOut:
    store = ctx.peer.store
    if not isinstance(store, SqliteStore):
        raise VerifyUnavailable(
            "this peer keeps its chain in memory; only a SQLite chain is re-read"
        )
    lock = ctx.cache.setdefault("verify_lock", asyncio.Lock())
    async with lock:  # one verification at a time; repeated asks at one head share the answer
        header = await run_in_threadpool(ctx.peer.head)
        key = None if header is None else header.hash()
        cached = ctx.cache.get("verify")
        if cached is not None and cached[0] == key:
            result: VerifyOut = cached[1]
            return result
        try:
            result = await run_in_threadpool(_verify_file, store)
        except StoreError as exc:
            raise VerifyUnavailable(f"cannot re-read the chain file: {exc}") from None
        if result.ok and result.head_hash != key:
            key = result.head_hash
        ctx.cache["verify"] = (key, result)
        return result


@router.get(
    "/chain/verify",
    response_model=VerifyOut,
    summary="Re-verify every block of this peer's stored chain (hashes, signatures, state)",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def verify_chain(ctx: Ctx, _reader: Reader) -> VerifyOut:
    return await verify_chain_once(ctx)
