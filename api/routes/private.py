"""Private fields: submit an envelope with its side-car, read a plaintext by its hash.

``POST /v1/private/transactions`` takes ``{"envelope": ..., "private": [{field, value,
salt, hash}, ...]}``: the peer checks every sealed field against its salt and against
the envelope's args, hands the side-car to the entitled organisations' peers, then
forwards the envelope like ``POST /v1/transactions``. ``GET /v1/private/{hash}`` is a
signed read: a member of an entitled organisation gets the field, its value and salt
(so it can recompute the hash on chain); anyone else, and anything purged or never
received here, is 404 PRIVATE_NOT_FOUND.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.exceptions import RequestInvalid, ResourceNotFound
from api.routes.deps import READ_SECURITY, Ctx, Reader
from api.routes.transactions import PROBLEMS, Timeout, Wait, forward, submit_responses
from ledger.encoding import decode
from ledger.identity import MEMBERSHIP_NAMESPACE
from ledger.private import PrivateDataRefused
from nodes.peer import Peer

router = APIRouter(prefix="/v1/private", tags=["private"])

MAX_PRIVATE_BODY = 4 * 1024 * 1024
HASH = r"^[0-9a-f]{64}$"


SEALED_FIELD = {
    "type": "object",
    "required": ["field", "value", "salt", "hash"],
    "additionalProperties": False,
    "properties": {
        "field": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"},
        "value": {"type": "string", "maxLength": 512},
        "salt": {"type": "string", "pattern": "^([0-9a-f]{2}){16,64}$",
                 "description": "16 to 64 random bytes, lowercase hex"},
        "hash": {"type": "string", "pattern": HASH,
                 "description": "SHA-256 of the domain, salt and canonical {field, value}"},
    },
}
SUBMIT_PRIVATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["envelope", "private"],
            "additionalProperties": False,
            "properties": {
                "envelope": {"$ref": "#/components/schemas/EnvelopeModel"},
                "private": {"type": "array", "minItems": 1, "items": SEALED_FIELD},
            },
        }}},
    }
}


class PrivateFieldInvalid(RequestInvalid):
    code = "PRIVATE_DATA_INVALID"


class PrivateNotFound(ResourceNotFound):
    code = "PRIVATE_NOT_FOUND"


def _peer(ctx: Ctx) -> Peer:
    peer = ctx.peer
    if not isinstance(peer, Peer) or peer.share is None:
        raise PrivateFieldInvalid(
            "this peer cannot deliver private fields (no private channel to the other peers)",
            [{"path": "$.private", "rule": "not accepted by this peer"}],
        )
    return peer


async def _body(request: Request) -> tuple[Any, Any]:
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > MAX_PRIVATE_BODY:
            raise RequestInvalid(f"request body exceeds {MAX_PRIVATE_BODY} bytes")
    data = decode(bytes(raw))
    if not isinstance(data, dict) or set(data) != {"envelope", "private"}:
        raise RequestInvalid(
            "the body is {\"envelope\": ..., \"private\": [...]}",
            [{"path": "$", "rule": "an object with exactly envelope and private"}],
        )
    return data["envelope"], data["private"]


@router.post(
    "/transactions",
    status_code=202,
    summary="Submit one envelope with the private side-car of its salted hashes",
    openapi_extra=SUBMIT_PRIVATE_BODY,
    responses=submit_responses("final status"),
)
async def submit_private(request: Request, ctx: Ctx, wait: Wait = None,
                         timeout: Timeout = None) -> JSONResponse:
    peer = _peer(ctx)
    envelope, fields = await _body(request)

    def submit() -> list[str]:
        try:
            return peer.submit_private(envelope, fields)
        except PrivateDataRefused as exc:
            raise PrivateFieldInvalid(str(exc), [{"path": exc.path, "rule": exc.rule}]) from None

    return await forward(ctx, submit, wait, timeout)


@router.get(
    "/{digest}",
    summary="A private field's plaintext and salt, for a member of an entitled organisation",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def read_private(
    ctx: Ctx, reader: Reader, digest: Annotated[str, Path(pattern=HASH)]
) -> JSONResponse:
    member = await run_in_threadpool(
        ctx.peer.state_get, MEMBERSHIP_NAMESPACE, f"member/{reader}"
    )
    org = member.get("org") if isinstance(member, dict) else None
    peer = ctx.peer
    record = (await run_in_threadpool(peer.private.get, digest)
              if isinstance(peer, Peer) else None)
    if record is None or org not in record.readers:
        raise PrivateNotFound(f"no private field {digest} for {reader}", hash=digest)
    return JSONResponse(record.to_json())
