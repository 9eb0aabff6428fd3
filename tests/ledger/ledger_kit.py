"""Test scaffolding for the ledger tests: real members, a genesis, and a tiny executor.

``KvExecutor`` is a real ``ExecutorAPI`` (not a mock): contract ``kv`` with actions
``put`` (write ``args.value`` under ``kv/<args.key>``), ``delete`` and ``refuse``
(write, then reject, so tests can see a rejected tx leaves no writes). It is enough
to build chains of any length without the contract layer.

Member keys come from fixed seeds so a child process can sign for a chain that an
earlier process started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ledger import (
    Block,
    BlockBuilder,
    BlockContext,
    ChainStoreAPI,
    CutInfo,
    CutReason,
    Envelope,
    ExecutionOutcome,
    PrivateKey,
    SignatureVerifier,
    SignerInfo,
    genesis_block,
    make_body,
    sign_envelope,
)
from ledger.identity import (
    MemberRecord,
    create_org_ca,
    issue_member_certificate,
    member_state_key,
)
from ledger.interfaces import StateWriter

CHAIN_ID = "agri-test"
GENESIS_TIME = "2026-05-01T00:00:00Z"
NOT_BEFORE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class KvExecutor:
    """Contract ``kv``: put, delete, refuse. Deterministic; touches only its overlay."""

    def execute(
        self,
        envelope: Envelope,
        signers: tuple[SignerInfo, ...],
        state: StateWriter,
        block: BlockContext,
    ) -> ExecutionOutcome:
        if envelope.contract != "kv":
            return ExecutionOutcome(False, "UNKNOWN_CONTRACT", f"no contract {envelope.contract!r}")
        args = envelope.args
        key = f"kv/{args['key']}"
        if envelope.action == "put":
            state.put(key, args["value"])
            return ExecutionOutcome(True, events=({"type": "put", "key": key},))
        if envelope.action == "delete":
            state.delete(key)
            return ExecutionOutcome(True)
        if envelope.action == "refuse":
            state.put(key, args.get("value"))
            return ExecutionOutcome(False, "KV_REFUSED", "refused after writing")
        return ExecutionOutcome(False, "UNKNOWN_ACTION", f"no action {envelope.action!r}")


@dataclass(frozen=True)
class Member:
    member_id: str
    role: str
    key: PrivateKey
    record: dict[str, Any]


def make_org(org_id: str, names_roles: Iterable[tuple[str, str]], *, revoked: Sequence[str] = ()
             ) -> list[Member]:
    """Members of one organisation with real certificates from its CA."""
    ca_key = PrivateKey.from_seed(f"{org_id}/ca".encode())
    ca = create_org_ca(org_id, "cooperative", ca_key, not_before=NOT_BEFORE, serial=1)
    members = []
    for serial, (name, role) in enumerate(names_roles, start=2):
        member_id = f"{org_id}.{name}"
        key = PrivateKey.from_seed(member_id.encode())
        cert = issue_member_certificate(
            ca, ca_key, member_id, role, key.public_key(), not_before=NOT_BEFORE, serial=serial
        )
        record = MemberRecord.from_certificate(cert).to_json()
        record["revoked"] = name in revoked
        members.append(Member(member_id, role, key, record))
    return members


def default_members() -> list[Member]:
    return make_org("coop1", [("alice", "keeper"), ("bob", "farmer"), ("carol", "officer")],
                    revoked=["carol"])


def genesis_for(members: Sequence[Member], chain_id: str = CHAIN_ID) -> Block:
    writes = {member_state_key(m.member_id): m.record for m in members}
    config = {"chain_id": chain_id, "orgs": sorted({m.member_id.split(".")[0] for m in members})}
    return genesis_block(chain_id, config, writes, GENESIS_TIME)


def tx(
    member: Member,
    action: str = "put",
    args: dict[str, Any] | None = None,
    *,
    nonce: int | str = 0,
    chain_id: str = CHAIN_ID,
    co_signers: Sequence[Member] = (),
) -> Envelope:
    body = make_body(
        chain_id=chain_id, contract="kv", action=action,
        args=args if args is not None else {"key": "k", "value": 1},
        signer=member.member_id, nonce=nonce, created_at=GENESIS_TIME,
    )
    return sign_envelope(body, member.key, [(m.member_id, m.key) for m in co_signers])


def block_time(height: int) -> str:
    moment = dt.datetime(2026, 5, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=height)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def builder_for(store: ChainStoreAPI, verifier: SignatureVerifier | None = None) -> BlockBuilder:
    return BlockBuilder(store, KvExecutor(), verifier or SignatureVerifier(), CHAIN_ID)


def build_next(builder: BlockBuilder, envelopes: Sequence[Envelope]) -> Block:
    head = builder.store.head()
    assert head is not None
    height = head.height + 1
    return builder.build(
        envelopes, block_time(height), CutInfo("orderer0", height, CutReason.SIZE)
    )


def append_next(builder: BlockBuilder, envelopes: Sequence[Envelope]) -> Block:
    block = build_next(builder, envelopes)
    builder.store.append(block)
    return block


def standard_block_txs(members: Sequence[Member], height: int, count: int) -> list[Envelope]:
    """``count`` put txs for ``height``, unique per height, signed round-robin by the
    unrevoked members; every fourth is a ``refuse`` so chains carry rejected txs too."""
    signers = [m for m in members if not m.record["revoked"]]
    envelopes = []
    for index in range(count):
        member = signers[(height + index) % len(signers)]
        action = "refuse" if (height + index) % 4 == 3 else "put"
        args = {"key": f"h{height}-{index}", "value": {"height": height, "index": index}}
        envelopes.append(tx(member, action, args, nonce=f"{height}-{index}"))
    return envelopes
