"""Turning an ordered batch of envelopes into the next block.

Order, then execute: for each envelope in batch order the ledger checks the
chain id, that the tx_id has not committed before, that every signer is enrolled
and unrevoked (read from the identity registry as it stands at that point in the
block) and that every signature verifies; then the executor runs the tx on a
private overlay. A tx that fails any step is recorded as rejected with the
error's code and leaves no writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ledger.block import (
    ZERO_HASH,
    Block,
    BlockHeader,
    CutInfo,
    CutReason,
    TxResult,
    Write,
    next_state_hash,
    next_state_hash_raw,
    results_root,
    tx_root,
)
from ledger.crypto import SignatureVerifier, b64decode, sha256_hex
from ledger.encoding import canonical
from ledger.exceptions import DuplicateTx, EnvelopeError
from ledger.identity import member_state_key, org_of, org_state_key
from ledger.interfaces import BlockContext, ChainStoreAPI, ExecutorAPI, StateReader
from ledger.merkle import EMPTY_ROOT
from ledger.state import Overlay
from ledger.tx import Envelope, SignerInfo, authenticate, signature_triples


def signer_lookup(state: StateReader, height: int | None = None) -> Any:
    """A SignerLookup reading member records from ``state``.

    With ``height`` (a block being built), a member of an organisation that governance
    has not admitted yet, or has removed, at that height counts as revoked: its org
    record carries ``from_height`` / ``removed_from`` (see the membership contract)."""

    def lookup(member_id: str) -> SignerInfo | None:
        record = state.peek(member_state_key(member_id))  # read-only: no copy needed
        if record is None:
            return None
        org = record.get("org", org_of(member_id))
        org_record = state.peek(org_state_key(org))
        return SignerInfo(
            member_id=member_id,
            org=org,
            role=record["role"],
            public_key=b64decode(record["public_key"]),
            revoked=bool(record.get("revoked")) or (
                height is not None and org_record is not None
                and not _org_in_force(org_record, height)
            ),
            org_type="" if org_record is None else str(org_record["type"]),
        )

    return lookup


def _org_in_force(org: Any, height: int) -> bool:
    removed = org.get("removed_from")
    return int(org.get("from_height", 0)) <= height and (removed is None or height < removed)


_MEMBER_PREFIX = member_state_key("")
_ORG_PREFIX = org_state_key("")


class _BlockSigners:
    """Signer lookups within one block, remembered until a committed tx writes the record.

    The block overlay only changes when a tx commits, so forgetting the member keys a
    committed tx wrote keeps every answer equal to a fresh read.
    """

    def __init__(self, state: StateReader, height: int | None = None) -> None:
        self._lookup = signer_lookup(state, height)
        self._known: dict[str, SignerInfo | None] = {}

    def __call__(self, member_id: str) -> SignerInfo | None:
        try:
            return self._known[member_id]
        except KeyError:
            info: SignerInfo | None = self._lookup(member_id)
            self._known[member_id] = info
            return info

    def forget(self, writes: Sequence[Write]) -> None:
        for key, _ in writes:
            if key.startswith(_MEMBER_PREFIX):
                self._known.pop(key[len(_MEMBER_PREFIX):], None)
            elif key.startswith(_ORG_PREFIX):  # an org's type changed: rare, forget all
                self._known.clear()


def genesis_block(
    chain_id: str, config: Mapping[str, Any], writes: Mapping[str, Any], time: str
) -> Block:
    """Block 0: the genesis configuration and the state it seeds."""
    sorted_writes: list[Write] = sorted(writes.items())
    header = BlockHeader(
        chain_id=chain_id,
        height=0,
        prev_hash=ZERO_HASH,
        tx_root=EMPTY_ROOT,
        results_root=EMPTY_ROOT,
        state_hash=next_state_hash(ZERO_HASH, sorted_writes),
        time=time,
        cut=CutInfo(orderer="genesis", seq=0, reason=CutReason.GENESIS),
        genesis_hash=sha256_hex(canonical(dict(config))),
    )
    return Block(
        header=header, envelopes=(), results=(), genesis=dict(config),
        genesis_writes=tuple(sorted_writes),
    )


class BlockBuilder:
    """Executes batches on top of a store's head and returns the next block (not appended)."""

    def __init__(
        self,
        store: ChainStoreAPI,
        executor: ExecutorAPI,
        verifier: SignatureVerifier,
        chain_id: str,
    ) -> None:
        self.store = store
        self.executor = executor
        self.verifier = verifier
        self.chain_id = chain_id

    def build(self, envelopes: Sequence[Envelope], time: str, cut: CutInfo) -> Block:
        head = self.store.head()
        if head is None:
            raise ValueError("the store has no genesis block")
        height = head.height + 1
        context = BlockContext(chain_id=self.chain_id, height=height, time=time)
        block_overlay = Overlay(self.store.state)
        lookup = _BlockSigners(block_overlay, height)
        self.verifier.prefetch(signature_triples(envelopes, lookup))
        committed = self.store.committed_among(envelope.tx_id for envelope in envelopes)
        results: list[TxResult] = []
        for envelope in envelopes:
            results.append(self._run_one(envelope, block_overlay, lookup, committed, context))
        raw_writes = block_overlay.raw_writes()  # exactly the committed txs' merged writes
        header = BlockHeader(
            chain_id=self.chain_id,
            height=height,
            prev_hash=head.hash(),
            tx_root=tx_root(envelopes),
            results_root=results_root(results),
            state_hash=next_state_hash_raw(head.state_hash, raw_writes),
            time=time,
            cut=cut,
        )
        return Block(
            header=header, envelopes=tuple(envelopes), results=tuple(results),
            raw_writes=raw_writes,
        )

    def _run_one(
        self,
        envelope: Envelope,
        block_overlay: Overlay,
        lookup: _BlockSigners,
        committed: set[str],
        context: BlockContext,
    ) -> TxResult:
        tx_id = envelope.tx_id
        try:
            if tx_id in committed:
                raise DuplicateTx(f"tx {tx_id} already committed", tx_id=tx_id)
            signers = authenticate(envelope, self.chain_id, lookup, self.verifier)
        except EnvelopeError as exc:
            return TxResult.rejected(tx_id, exc.code, exc.message)
        tx_overlay = Overlay(block_overlay)
        outcome = self.executor.execute(envelope, signers, tx_overlay, context)
        if not outcome.ok:
            return TxResult.rejected(
                tx_id, outcome.code or "REJECTED", outcome.message or "rejected"
            )
        committed.add(tx_id)
        writes, raw_writes = tx_overlay.settled_writes()
        tx_overlay.commit_into(block_overlay)
        lookup.forget(writes)
        return TxResult.committed_from_raw(tx_id, writes, raw_writes, outcome.events)
