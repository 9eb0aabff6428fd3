"""Re-checking a stored chain from its SQLite file, trusting nothing in it.

For every block, in height order: the heights are contiguous, the stored hash is
the hash of the stored header, prev_hash links to the block before, tx_root and
results_root match the stored envelopes and results, tx_ids are what the bodies
hash to and commit at most once, every committed tx's signatures verify for
enrolled, unrevoked signers (as the rebuilt identity registry stood at that tx),
and state_hash matches the recorded writes. Finally no tx rows may lie outside the
chain's blocks (a deleted head block), and the stored state table must equal the
state rebuilt from all recorded writes.

The first problem raises VerificationError naming the block.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ledger.block import (
    ZERO_HASH,
    BlockHeader,
    TxResult,
    merge_writes,
    next_state_hash,
    results_root,
)
from ledger.chain import signer_lookup
from ledger.crypto import SignatureVerifier, sha256_hex
from ledger.encoding import canonical
from ledger.exceptions import EncodingError, EnvelopeError, MalformedEnvelope, VerificationError
from ledger.merkle import merkle_root
from ledger.sqlite_store import SqliteStore
from ledger.state import MemoryState, Overlay
from ledger.tx import Envelope, authenticate, signature_triples

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class VerifyReport:
    blocks: int
    txs: int
    head_hash: str

    def summary(self) -> str:
        return f"OK: {self.blocks} blocks, {self.txs} txs, head {self.head_hash}"


@dataclass
class _Replayed:
    """State rebuilt from recorded writes, with the height that last wrote each key."""

    state: MemoryState
    last_writer: dict[str, int]


def verify_store(
    store: SqliteStore,
    *,
    verifier: SignatureVerifier | None = None,
    on_block: ProgressCallback | None = None,
    block_hook: Callable[[int, list[Envelope], list[TxResult], Any], None] | None = None,
) -> VerifyReport:
    """Verify every block of ``store``; raise VerificationError at the first bad one.

    ``block_hook`` (used by ``--replay``) is called after each block's own checks
    with the block's envelopes, results and header, and may raise VerificationError.
    """
    verifier = verifier or SignatureVerifier(1 << 14)  # holds a block's prefetched verdicts
    replayed = _Replayed(MemoryState(), {})
    prev_hash = ZERO_HASH
    prev_state_hash = ZERO_HASH
    chain_id: str | None = None
    committed: set[str] = set()
    blocks = txs = 0
    expected_height = 0
    for height, stored_hash, header_text, genesis_text in store.block_rows():
        if height != expected_height:
            raise VerificationError(expected_height, "block missing from the chain")
        header = _parse_header(height, header_text)
        if header.height != height:
            raise VerificationError(
                height, f"header height {header.height} stored at height {height}"
            )
        computed_hash = header.hash()
        if computed_hash != stored_hash:
            raise VerificationError(height, "block hash does not match its header")
        if header.prev_hash != prev_hash:
            raise VerificationError(height, "prev_hash does not link to the previous block")
        if chain_id is None:
            chain_id = header.chain_id
        elif header.chain_id != chain_id:
            raise VerificationError(height, f"chain_id {header.chain_id!r} differs from genesis")
        if height == 0:
            writes = _check_genesis(header, genesis_text)
            envelopes: list[Envelope] = []
            results: list[TxResult] = []
        else:
            if genesis_text is not None:
                raise VerificationError(height, "genesis payload on a non-genesis block")
            envelopes, results = _check_body(store, header, chain_id, replayed, committed, verifier)
            writes = merge_writes(r.writes for r in results if r.committed)
        state_hash = next_state_hash(prev_state_hash, writes)
        if state_hash != header.state_hash:
            raise VerificationError(height, "state_hash does not match the recorded writes")
        if height == 0:
            _apply(replayed, writes, height)
        if block_hook is not None:
            block_hook(height, envelopes, results, header)
        prev_hash, prev_state_hash = computed_hash, state_hash
        blocks += 1
        txs += len(envelopes)
        expected_height += 1
        if on_block is not None:
            on_block(height)
    if blocks == 0:
        raise VerificationError(0, "the chain is empty (no genesis block)")
    stored_txs = store.count_txs()
    if stored_txs != txs:
        raise VerificationError(
            expected_height, f"{stored_txs - txs} tx rows stored outside the chain's blocks"
        )
    _compare_state(store, replayed, expected_height - 1)
    return VerifyReport(blocks=blocks, txs=txs, head_hash=prev_hash)


def _parse_header(height: int, header_text: str) -> BlockHeader:
    try:
        return BlockHeader.from_json(json.loads(header_text))
    except (ValueError, KeyError, TypeError) as exc:
        raise VerificationError(height, f"header is not readable: {exc}") from None


def _check_genesis(header: BlockHeader, genesis_text: str | None) -> list[tuple[str, Any]]:
    if genesis_text is None:
        raise VerificationError(0, "genesis payload missing")
    payload = json.loads(genesis_text)
    if sha256_hex(canonical(payload["config"])) != header.genesis_hash:
        raise VerificationError(0, "genesis configuration does not match genesis_hash")
    return merge_writes([[(k, v) for k, v in payload["writes"]]])


def _check_body(
    store: SqliteStore,
    header: BlockHeader,
    chain_id: str,
    replayed: _Replayed,
    committed: set[str],
    verifier: SignatureVerifier,
) -> tuple[list[Envelope], list[TxResult]]:
    height = header.height
    envelopes: list[Envelope] = []
    results: list[TxResult] = []
    for expected_index, (index, tx_id, is_committed, env_text, result_text) in enumerate(
        store.tx_rows(height)
    ):
        if index != expected_index:
            raise VerificationError(height, f"tx {expected_index} missing")
        try:
            envelope = Envelope.parse(json.loads(env_text))
        except (MalformedEnvelope, EncodingError, ValueError) as exc:
            raise VerificationError(height, f"tx {index}: malformed envelope: {exc}") from None
        if envelope.tx_id != tx_id:
            raise VerificationError(height, f"tx {index}: stored tx_id is not the hash of its body")
        try:
            result = TxResult.from_json(json.loads(result_text))
        except (ValueError, KeyError, TypeError) as exc:
            raise VerificationError(height, f"tx {index}: result is not readable: {exc}") from None
        if result.tx_id != tx_id or bool(is_committed) != result.committed:
            raise VerificationError(height, f"tx {index}: result does not belong to its tx")
        envelopes.append(envelope)
        results.append(result)
    if merkle_root([e.tx_id for e in envelopes]) != header.tx_root:
        raise VerificationError(height, "tx_root mismatch")
    if results_root(results) != header.results_root:
        raise VerificationError(height, "results_root mismatch")
    overlay = Overlay(replayed.state)
    lookup = signer_lookup(overlay)
    verifier.prefetch(signature_triples(
        (e for e, r in zip(envelopes, results, strict=True) if r.committed), lookup
    ))
    for index, (envelope, result) in enumerate(zip(envelopes, results, strict=True)):
        if not result.committed:
            continue
        if envelope.tx_id in committed:
            raise VerificationError(height, f"tx {index}: tx_id {envelope.tx_id} committed twice")
        committed.add(envelope.tx_id)
        try:
            authenticate(envelope, chain_id, lookup, verifier)
        except EnvelopeError as exc:
            raise VerificationError(
                height, f"tx {index}: committed but {exc.code}: {exc.message}"
            ) from None
        for key, value in result.writes:
            overlay.put(key, value)
    _apply(replayed, merge_writes(r.writes for r in results if r.committed), height)
    return envelopes, results


def _apply(replayed: _Replayed, writes: Iterable[tuple[str, Any]], height: int) -> None:
    for key, value in writes:
        replayed.state.put(key, value)
        replayed.last_writer[key] = height


def _compare_state(store: SqliteStore, replayed: _Replayed, head_height: int) -> None:
    stored = dict(store.state.raw_items())
    rebuilt = {key: raw.decode("utf-8") for key, raw in replayed.state.items()}
    for key in sorted(set(stored) | set(rebuilt)):
        if stored.get(key) != rebuilt.get(key):
            height = replayed.last_writer.get(key, head_height)
            raise VerificationError(height, f"state row {key!r} differs from the rebuilt state")
