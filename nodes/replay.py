"""Full replay: re-execute every stored block with the contracts and compare with what was stored.

``verify_store`` checks that a chain is internally consistent (hashes, links,
signatures, recorded writes). That cannot catch a peer that recorded the wrong
writes consistently. ``Replayer`` is its ``block_hook``: it rebuilds block 0
from the stored genesis configuration, then executes every later block's
envelopes at the stored time and cut on a fresh in-memory chain, and requires
the same results_root and state_hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from contracts.base import Contract
from contracts.exceptions import RegistrationError
from contracts.genesis import GenesisConfig, build_genesis
from contracts.governed import Governor
from ledger.block import BlockHeader, TxResult
from ledger.chain import BlockBuilder
from ledger.crypto import SignatureVerifier
from ledger.exceptions import VerificationError
from ledger.memory_store import MemoryStore
from ledger.tx import Envelope


class Replayer:
    """A ``verify_store`` block hook that re-executes each block and compares hashes."""

    def __init__(
        self,
        genesis: Mapping[str, Any],
        *,
        verifier: SignatureVerifier | None = None,
        classes: Mapping[str, type[Contract]] | None = None,
    ) -> None:
        try:
            config = GenesisConfig.model_validate(dict(genesis))
            block0, runtime = build_genesis(config, classes)
        except (ValidationError, RegistrationError) as exc:
            raise VerificationError(0, f"replay: genesis configuration unusable: {exc}") from None
        self._governor = Governor(config, runtime, classes, self._block_time)
        self._genesis_hash = block0.hash
        self._store = MemoryStore()
        self._store.append(block0)
        self._builder = BlockBuilder(
            self._store, runtime, verifier or SignatureVerifier(1 << 14), config.chain_id
        )
        self.replayed = 0

    def _block_time(self, height: int) -> str:
        header = self._store.header(height)
        assert header is not None  # the governor asks only for blocks already replayed
        return header.time

    def __call__(
        self,
        height: int,
        envelopes: list[Envelope],
        results: list[TxResult],
        header: BlockHeader,
    ) -> None:
        if height == 0:
            if header.hash() != self._genesis_hash:
                raise VerificationError(0, "replay: genesis block differs from its configuration")
            return
        try:
            self._governor.configure(self._store.state, height, header.time)
        except RegistrationError as exc:
            raise VerificationError(height, f"replay: {exc}") from None
        block = self._builder.build(envelopes, header.time, header.cut)
        for index, (ours, stored) in enumerate(zip(block.results, results, strict=True)):
            if ours.digest() != stored.digest():
                raise VerificationError(
                    height, f"replay: tx {index} ({ours.tx_id[:12]}) executes to a different result"
                )
        if block.header.state_hash != header.state_hash:
            raise VerificationError(height, "replay: state_hash differs from re-execution")
        self._store.append(block)
        self.replayed += 1
