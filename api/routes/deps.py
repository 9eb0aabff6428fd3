"""Dependencies shared by the routers: the peer's context and the authenticated reader."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.context import ApiContext
from api.exceptions import AuthError


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

READ_SECURITY: list[dict[str, list[str]]] = [{"HttpMessageSignature": []}]
