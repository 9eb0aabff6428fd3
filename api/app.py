"""The FastAPI app of one peer: routers per resource, problem details, metrics, OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api import errors
from api.context import ApiContext, ApiSettings, ServedPeer, build_context
from api.metrics import MetricsMiddleware
from api.routes import blocks, events, health, state, transactions
from api.schemas import EnvelopeModel, Problem

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

SECURITY_SCHEMES = {
    "HttpMessageSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Signature",
        "description": (
            "RFC 9421 HTTP Message Signature by a member's Ed25519 key, with a matching "
            "Signature-Input header (label sig1; components @method @path @query "
            "[content-digest]; params created, keyid = member id, nonce; optional "
            'expires and alg="ed25519").'
        ),
    }
}


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in (EnvelopeModel, Problem):
        doc = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in doc.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = doc
    components["securitySchemes"] = SECURITY_SCHEMES
    app.openapi_schema = schema
    return schema


def create_app(peer: ServedPeer, settings: ApiSettings | None = None) -> FastAPI:
    """The API of ``peer``; several may run in one process (each has its own metrics)."""
    ctx: ApiContext = build_context(peer, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.watcher.start()
        try:
            yield
        finally:
            ctx.watcher.stop()

    app = FastAPI(
        title=f"agriledger peer {peer.node_id}",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    for router in (transactions.router, state.router, blocks.router, events.router, health.router):
        app.include_router(router)
    errors.install(app)
    app.add_middleware(MetricsMiddleware, metrics=ctx.metrics)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
