"""The co-signature inbox over HTTP (``api.inbox``): post an envelope naming its
co-signers, list what awaits you, add your signature. Every route is a signed read
(RFC 9421); an entry is visible only to its named co-signers and its signers, and
any other member is answered 404, as for an entry that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from cryptography.exceptions import InvalidSignature
from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.context import member_lookup
from api.exceptions import InboxEntryNotFound, InboxForbidden, RequestInvalid
from api.inbox import MAX_CO_SIGNERS, Awaiting
from api.routes.deps import READ_SECURITY, Ctx, Reader
from api.routes.transactions import PROBLEMS
from ledger.crypto import b64decode, public_key_from_bytes
from ledger.interfaces import ChainStoreAPI
from ledger.timefmt import format_time
from ledger.tx import Envelope, Signature

router = APIRouter(prefix="/v1", tags=["inbox"])

MEMBER_ID = r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$"
TX_ID = r"^[0-9a-f]{64}$"


class PostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    envelope: dict[str, Any] = Field(description="the envelope as signed so far")
    co_signers: list[Annotated[str, Field(pattern=MEMBER_ID)]] = Field(
        min_length=1, max_length=MAX_CO_SIGNERS, description="members still to sign it")


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sig: str = Field(max_length=200, description="base64 Ed25519 signature of the tx body's "
                     "canonical bytes by the signed-in member")


class EntryOut(BaseModel):
    tx_id: str
    envelope: dict[str, Any]
    awaiting: list[str] = Field(description="named co-signers who have not signed yet")
    posted_by: str
    posted_at: str


class InboxOut(BaseModel):
    items: list[EntryOut] = Field(description="entries you are named in or signed, oldest first")


def _verifies(public_key: bytes, message: bytes, sig: bytes) -> bool:
    key = public_key_from_bytes(public_key)
    try:
        key.verify(sig, message)
    except InvalidSignature:
        return False
    return True


def _check_signatures(ctx: Ctx, envelope: Envelope) -> None:
    lookup = member_lookup(ctx.peer)
    for index, signature in enumerate(envelope.signatures):
        member = lookup(signature.signer)
        if member is None or member.revoked or not _verifies(
                member.public_key, envelope.body_bytes, signature.sig):
            raise RequestInvalid(
                f"signatures[{index}]: does not verify for {signature.signer!r}",
                [{"path": f"$.envelope.signatures[{index}].sig",
                  "rule": "must verify with the signer's enrolled, unrevoked key"}])


@router.post("/inbox", response_model=EntryOut, summary="Post an envelope you signed for its "
             "co-signers' inboxes", openapi_extra={"security": READ_SECURITY},
             responses=PROBLEMS)
async def post(body: PostIn, ctx: Ctx, reader: Reader) -> EntryOut:
    envelope = Envelope.parse(body.envelope)
    if envelope.chain_id != ctx.peer.chain_id:
        raise RequestInvalid(f"tx.chain_id {envelope.chain_id!r} is not this chain",
                             [{"path": "$.envelope.tx.chain_id", "rule": "this chain's id"}])
    if reader not in envelope.signers:
        raise InboxForbidden(f"{reader} has not signed this envelope: only a signer posts it",
                             tx_id=envelope.tx_id)
    lookup = member_lookup(ctx.peer)
    for index, member in enumerate(body.co_signers):
        if member in envelope.signers or lookup(member) is None:
            raise RequestInvalid(
                f"co_signers[{index}]: {member} is not an enrolled member still to sign",
                [{"path": f"$.co_signers[{index}]",
                  "rule": "an enrolled member who has not signed this envelope"}])
    await run_in_threadpool(_check_signatures, ctx, envelope)
    item = Awaiting(envelope, tuple(dict.fromkeys(body.co_signers)), reader,
                    format_time(dt.datetime.now(dt.UTC)))
    ctx.inbox.post(item)
    return EntryOut.model_validate(item.to_json())


@router.get("/inbox", response_model=InboxOut, summary="Envelopes awaiting your signature, "
            "and those you signed that await others'", openapi_extra={"security": READ_SECURITY},
            responses=PROBLEMS)
async def listing(ctx: Ctx, reader: Reader) -> InboxOut:
    inbox = ctx.inbox
    mine = inbox.for_member(reader)

    def on_chain(store: ChainStoreAPI) -> set[str]:
        return {i.envelope.tx_id for i in mine if store.tx(i.envelope.tx_id) is not None}

    done = await run_in_threadpool(ctx.peer.read_store, on_chain)
    inbox.drop(done)  # submitted: nothing awaits any more
    return InboxOut(items=[EntryOut.model_validate(i.to_json()) for i in mine
                           if i.envelope.tx_id not in done])


def _visible(ctx: Ctx, reader: str, tx_id: str) -> Awaiting:
    item = ctx.inbox.get(tx_id)
    if item is None or not item.visible_to(reader):
        raise InboxEntryNotFound(f"nothing awaiting in your inbox as {tx_id}", tx_id=tx_id)
    return item


@router.get("/inbox/{tx_id}", response_model=EntryOut, summary="One entry you are named in",
            openapi_extra={"security": READ_SECURITY}, responses=PROBLEMS)
async def entry(ctx: Ctx, reader: Reader,
                tx_id: Annotated[str, Path(pattern=TX_ID)]) -> EntryOut:
    return EntryOut.model_validate(_visible(ctx, reader, tx_id).to_json())


@router.post("/inbox/{tx_id}/signatures", response_model=EntryOut,
             summary="Add your signature to an entry that awaits it",
             openapi_extra={"security": READ_SECURITY}, responses=PROBLEMS)
async def sign(body: SignIn, ctx: Ctx, reader: Reader,
               tx_id: Annotated[str, Path(pattern=TX_ID)]) -> EntryOut:
    item = _visible(ctx, reader, tx_id)
    if reader not in item.awaiting:
        raise InboxForbidden(f"{reader} has already signed {tx_id}", tx_id=tx_id)
    try:
        sig = b64decode(body.sig)
    except ValueError:
        sig = b""
    member = member_lookup(ctx.peer)(reader)
    if member is None or member.revoked or not _verifies(
            member.public_key, item.envelope.body_bytes, sig):
        raise RequestInvalid("sig: does not verify for you over this tx's body",
                             [{"path": "$.sig", "rule": "your Ed25519 signature of the tx "
                               "body's canonical bytes"}])
    signed = ctx.inbox.signed(tx_id, Signature(reader, sig))
    if signed is None:
        raise InboxEntryNotFound(f"nothing awaiting in your inbox as {tx_id}", tx_id=tx_id)
    return EntryOut.model_validate(signed.to_json())
