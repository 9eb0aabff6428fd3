"""Server-sent events of committed blocks, tx results and contract events.

Per block, in order: one ``tx`` event per tx (its result), one ``contract``
event per event a committed tx emitted, then the ``block`` event, which alone
carries ``id: <height>``. So ``Last-Event-ID: H`` (sent by any SSE client on
reconnect) means "block H was fully delivered" and the stream resumes at H + 1.
A first connection may pass ``from_height``; without either the stream starts
after the current head. A comment line is sent as keep-alive when idle.

Need to know (``api.visibility``): a member sees the full ``tx`` event and the
``contract`` events only of the txs it may read; of any other tx, a ``tx`` event with
its height, index, id, status and code. Supervisors share one encoding per block.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.context import ApiContext
from api.exceptions import RequestInvalid
from api.routes.deps import READ_SECURITY, Ctx, Viewing, visibility
from api.routes.transactions import PROBLEMS
from api.visibility import Viewer, redacted_result
from ledger.block import Block
from ledger.interfaces import ChainStoreAPI

router = APIRouter(prefix="/v1", tags=["events"])

SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "text/event-stream: events tx, contract, block (id = height)",
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "description": "one SSE event; data is JSON",
                    "properties": {
                        "event": {"type": "string", "enum": ["tx", "contract", "block"]},
                        "data": {"type": "string"},
                        "id": {"type": "string", "description": "block height (block events)"},
                    },
                    "required": ["event", "data"],
                }
            }
        },
    }
}


MAX_BLOCKS_PER_WRITE = 32
"""A follower catching up sends at most this many blocks' events in one write."""


def _sse(event: str, data: Any, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def block_events(block: Block, readable: Sequence[bool] | None = None) -> str:
    """The block's events; with ``readable``, only the txs flagged true in full."""
    parts = []
    for index, (envelope, result) in enumerate(zip(block.envelopes, block.results, strict=True)):
        if readable is not None and not readable[index]:
            parts.append(_sse("tx", {"height": block.height, "index": index,
                                     **redacted_result(result)}))
            continue
        parts.append(
            _sse(
                "tx",
                {
                    "height": block.height,
                    "index": index,
                    "tx_id": result.tx_id,
                    "status": result.status.value,
                    "code": result.code,
                    "message": result.message,
                    "contract": envelope.contract,
                    "action": envelope.action,
                    "signer": envelope.signer,
                },
            )
        )
        for event in result.events:
            parts.append(_sse("contract", {"height": block.height, "tx_id": result.tx_id, **event}))
    parts.append(
        _sse(
            "block",
            {
                "height": block.height,
                "hash": block.hash,
                "header": block.header.to_json(),
                "txs": len(block.results),
            },
            str(block.height),
        )
    )
    return "".join(parts)


async def _start_height(
    ctx: ApiContext, from_height: int | None, last_event_id: str | None
) -> int:
    if last_event_id is not None:
        try:
            return int(last_event_id) + 1
        except ValueError:
            raise RequestInvalid(
                "Last-Event-ID must be a block height",
                [{"path": "header.last-event-id", "rule": "an integer block height"}],
            ) from None
    if from_height is not None:
        return from_height
    return await _head_height(ctx) + 1


async def _head_height(ctx: ApiContext) -> int:
    known = ctx.watcher.head_height()
    return known if known is not None else await run_in_threadpool(ctx.peer.height)


def block_event_bytes(block: Block, readable: Sequence[bool] | None = None) -> bytes:
    return block_events(block, readable).encode()


FILTERED_TEXTS = 256
"""Event texts kept per (height, org, org type, role): the followers of one org and role
share one filtered encoding of a block, as supervisors share the full one."""

TextKey = tuple[int, str, str, str]
"""(height, org, org type, role) of one visibility class; ("*", "*", "*") for the full text."""


class SharedTexts:
    """Event texts by visibility class, each computed once. One block wakes all its
    followers together: without the in-flight tasks, each follower of a class found no
    text yet, filtered and encoded the block itself (200 idle streams, 200 filterings
    per block), so the followers of a class await the first one's task instead."""

    def __init__(self, keep: int = FILTERED_TEXTS) -> None:
        self._keep = keep
        self._done: OrderedDict[TextKey, bytes] = OrderedDict()
        self._running: dict[TextKey, asyncio.Task[bytes | None]] = {}

    async def get(
        self, key: TextKey, compute: Callable[[], Coroutine[Any, Any, bytes | None]]
    ) -> bytes | None:
        known = self._done.get(key)
        if known is not None:
            return known
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(compute())
            self._running[key] = task
            task.add_done_callback(lambda done: self._finish(key, done))
        return await asyncio.shield(task)  # a follower that leaves does not cancel the others'

    def _finish(self, key: TextKey, task: asyncio.Task[bytes | None]) -> None:
        self._running.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return
        text = task.result()
        if text is not None:
            self._done[key] = text
            while len(self._done) > self._keep:
                self._done.popitem(last=False)


class _HeadReads:
    """Head-state reads for ``via`` links, each under the peer's lock on its own, so
    filtering a block for a follower never holds the lock the applying thread needs."""

    def __init__(self, ctx: ApiContext) -> None:
        self._peer = ctx.peer

    def get(self, key: str) -> Any | None:
        def read(store: ChainStoreAPI) -> Any | None:
            return store.state.get(key)

        return self._peer.read_store(read)

    def peek(self, key: str) -> Any | None:
        return self.get(key)

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        def read(store: ChainStoreAPI) -> list[tuple[str, Any]]:
            return list(store.state.scan(prefix))

        return iter(self._peer.read_store(read))


async def _block_text(ctx: ApiContext, viewer: Viewer, height: int) -> bytes | None:
    """The block's events as ``viewer`` may read them: supervisors read every block in
    full and share one encoding; the followers of one org and role share a filtered one."""
    if viewer.supervisor:
        text = ctx.watcher.recent_text(height, block_event_bytes)  # shared by all supervisors
        if text is not None:
            return text
        key: TextKey = (height, "*", "*", "*")
    else:
        key = (height, viewer.org, viewer.org_type, viewer.role)
    texts: SharedTexts = ctx.cache.setdefault("event_texts", SharedTexts())

    async def compute() -> bytes | None:
        block = ctx.watcher.recent_block(height)
        if block is None:
            block = await run_in_threadpool(ctx.peer.block, height)
            if block is None:
                return None
        readable = None
        if not viewer.supervisor:
            rules = visibility(ctx)
            readable = await run_in_threadpool(
                rules.readable_txs, viewer, block, _HeadReads(ctx)
            )
        ctx.metrics.event_blocks_encoded.inc()
        return block_event_bytes(block, readable)

    return await texts.get(key, compute)


async def _stream(
    ctx: ApiContext, viewer: Viewer, start: int, follow: bool
) -> AsyncIterator[bytes]:
    """Each wake-up sends every block the follower is behind by in one write: with many
    followers, the cost per block is one shared encoding (for supervisors) plus one send
    per follower."""
    height = max(start, 0)
    yield b": agriledger events\n\n"
    while True:
        head = await _head_height(ctx)
        parts: list[bytes] = []
        while height <= head:
            text = await _block_text(ctx, viewer, height)
            if text is None:
                break
            parts.append(text)
            height += 1
            if len(parts) >= MAX_BLOCKS_PER_WRITE:
                yield b"".join(parts)
                parts = []
        if parts:
            yield parts[0] if len(parts) == 1 else b"".join(parts)
        if not follow:
            return
        if not await ctx.watcher.wait_block(ctx.settings.keepalive_s):
            yield b": keep-alive\n\n"


@router.get(
    "/events",
    summary="Server-sent events: tx results, contract events and blocks, resumable by height",
    openapi_extra={"security": READ_SECURITY},
    responses={**SSE_DOC, **PROBLEMS},
    response_class=StreamingResponse,
)
async def events(
    ctx: Ctx,
    viewer: Viewing,
    from_height: Annotated[int | None, Query(ge=0, le=2**53 - 1)] = None,
    follow: Annotated[bool, Query(description="false: stop at the current head")] = True,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=32, pattern=r"^-?\d+$")
    ] = None,
) -> StreamingResponse:
    start = await _start_height(ctx, from_height, last_event_id)
    return StreamingResponse(
        _stream(ctx, viewer, start, follow),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
