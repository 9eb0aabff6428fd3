"""Dependencies shared by the routers: the peer's context, the authenticated reader and
what that reader may see (``api.visibility``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.context import ApiContext
from api.exceptions import AuthError, UnknownKey
from api.visibility import Viewer, Visibility
from ledger.interfaces import ChainStoreAPI


def get_ctx(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ApiContext, Depends(get_ctx)]


async def require_reader(request: Request, ctx: Ctx) -> str:
    """The member id that signed this read (RFC 9421), or an AuthError for the edge to translate."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    target = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    body = await request.body()
    try:
        return ctx.auth.authenticate(request.method, target, headers, body)
    except AuthError as exc:
        ctx.metrics.read_auth_failures.labels(exc.code).inc()
        raise


Reader = Annotated[str, Depends(require_reader)]


def visibility(ctx: ApiContext) -> Visibility:
    """The chain's read rules, built once per configuration of the enabled contracts."""
    return ctx.per_configuration(
        "visibility", lambda: Visibility.of(ctx.peer.runtime, ctx.peer.config)
    )


async def require_viewer(ctx: Ctx, member: Reader) -> Viewer:
    """The authenticated reader's org, org type and role (a member's certificate fixes
    them, so each is looked up once per configuration: governance may remove its org)."""
    viewers: dict[str, Viewer] = ctx.per_configuration("viewers", dict)
    viewer = viewers.get(member)
    if viewer is None:
        rules = visibility(ctx)

        def look(store: ChainStoreAPI) -> Viewer | None:
            return rules.viewer(member, store.state)

        found = await run_in_threadpool(ctx.peer.read_store, look)
        if found is None:  # authenticated a moment ago: enrolled, so this is not reached
            raise UnknownKey(f"{member} is not an enrolled member", member=member)
        viewer = viewers[member] = found
    return viewer


Viewing = Annotated[Viewer, Depends(require_viewer)]

READ_SECURITY: list[dict[str, list[str]]] = [{"HttpMessageSignature": []}]
