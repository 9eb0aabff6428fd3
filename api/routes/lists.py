"""List views: the records under a key prefix of a contract's namespace that the reader
may read, a page at a time.

The console's role views (a bank's loan book, an insurer's claims queue, a county's
declarations) list records with these instead of reading every block and collecting
ids from events: one signed read per page, filtered on the peer by need to know
(``api.visibility``: an unreadable record is skipped as if absent, so a page never
says that a record the reader may not see exists). Pages are in key order; ``after``
is the last key of the previous page (``next_after``). The peer still walks the prefix
from its start to find the page, so a page costs the rows before it, on the server
and never over the wire.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from api.routes.deps import READ_SECURITY, Ctx, Viewing, visibility
from api.routes.state import NAME, contract_named
from api.routes.transactions import PROBLEMS
from api.schemas import ListedRecord, ListOut
from ledger.interfaces import ChainStoreAPI

router = APIRouter(prefix="/v1", tags=["state"])

MAX_PAGE = 200
KEY_PREFIX = r"^[A-Za-z0-9_.:~/-]{0,200}$"


@router.get(
    "/lists/{contract}",
    response_model=ListOut,
    summary="The records under a key prefix of a contract's namespace that the reader may "
    "read, in key order, a page at a time",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def list_records(
    ctx: Ctx,
    viewer: Viewing,
    contract: Annotated[str, Path(pattern=NAME)],
    prefix: Annotated[str, Query(pattern=KEY_PREFIX, description="e.g. loan/ or claim/")],
    after: Annotated[str | None, Query(max_length=400, description="the previous page's "
                                       "next_after")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> ListOut:
    contract_named(ctx, contract)
    rules = visibility(ctx)
    namespace = f"{contract}/"

    def read(store: ChainStoreAPI) -> tuple[list[tuple[str, Any]], bool, int]:
        page: list[tuple[str, Any]] = []
        more = False
        state = rules.state(viewer, store.state)
        for full_key, value in state.scan(namespace + prefix):
            key = full_key[len(namespace):]
            if after is not None and key <= after:
                continue
            if len(page) == limit:
                more = True
                break
            page.append((key, value))
        return page, more, store.height()

    page, more, height = await run_in_threadpool(ctx.peer.read_store, read)
    return ListOut(
        contract=contract, prefix=prefix,
        items=[ListedRecord(key=key, value=value) for key, value in page],
        next_after=page[-1][0] if more else None, height=height,
    )
