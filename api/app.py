"""The FastAPI app of one peer: routers per resource, problem details, metrics, OpenAPI.

The OpenAPI document (with every action's argument schema) is built in ``api.openapi``;
``/docs`` and ``/redoc`` load Swagger UI and ReDoc from assets packaged with the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import console, errors
from api.context import ApiContext, ApiSettings, ClockControl, ServedPeer, build_context
from api.inbox import Inbox
from api.metrics import MetricsMiddleware
from api.openapi import build_openapi
from api.routes import blocks, events, health, lists, private, state, transactions
from api.routes import clock as clock_routes
from api.routes import inbox as inbox_routes

DESCRIPTION = """\
How banks, insurers, cooperatives and government reach the ledger from their own systems.

**Writes** (`POST /v1/transactions`) are authorised by the Ed25519 signatures inside each
envelope; no HTTP credential is needed. **Reads** need an RFC 9421 HTTP Message Signature
made with an enrolled, unrevoked member's Ed25519 key:
`Signature-Input: sig1=("@method" "@path" "@query");created=...;expires=...;\
keyid="<member id>";alg="ed25519";nonce="..."` and `Signature: sig1=:<base64>:`
(add `"content-digest"` and a `Content-Digest` header when a request has a body).
No signature: 401 AUTH_REQUIRED; revoked member: 403 MEMBER_REVOKED.

Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.
"""

def create_app(
    peer: ServedPeer, settings: ApiSettings | None = None, clock: ClockControl | None = None,
    peer_heads: console.PeerHeads | None = None, inbox: Inbox | None = None,
) -> FastAPI:
    """The API of ``peer``; several may run in one process (each has its own metrics).
    ``clock``: the orderer's clock, when this process runs the orderer (``/v1/clock``).
    ``peer_heads``: every peer's head, for the console's explorer (default: this peer's).
    ``inbox``: where co-signature requests are kept (default: this process's memory).
    The web console (``api.console``) is served at ``/``."""
    ctx: ApiContext = build_context(peer, settings, clock, inbox)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.watcher.start()
        try:
            yield
        finally:
            ctx.watcher.stop()

    app = FastAPIOffline(  # /docs (Swagger UI) and /redoc from packaged assets, no CDN
        title=f"agriledger peer {peer.node_id}",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    routers = (transactions.router, state.router, blocks.router, events.router, health.router,
               clock_routes.router, private.router, lists.router, inbox_routes.router)
    for router in routers:
        app.include_router(router)
    console.install(app, peer.node_id, peer_heads or (lambda: [_own_head(peer)]))
    errors.install(app)
    app.add_middleware(MetricsMiddleware, metrics=ctx.metrics)
    app.openapi = lambda: build_openapi(app, ctx.contracts)  # type: ignore[method-assign]
    return app


def _own_head(peer: ServedPeer) -> console.PeerHead:
    header = peer.head()
    return console.PeerHead(
        peer.node_id, None, -1 if header is None else header.height,
        None if header is None else header.hash(),
    )
