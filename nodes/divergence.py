"""Comparing signed headers: each honest peer flags any peer whose header differs from its own.

A peer records the header hash it computed at each height and the signed
headers other peers announce. A claim is compared once both sides are known (a
peer that is behind keeps others' claims until it reaches that height). A claim
whose signature does not verify under the announcing peer's enrolled node key
is dropped and counted, never flagged: otherwise anyone could frame a peer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ledger.crypto import SignatureVerifier
from nodes.messages import SignedHeader

KeyLookup = Callable[[str], bytes | None]


@dataclass(frozen=True, slots=True)
class Divergence:
    """``accuser`` computed ``ours`` at ``height``; ``accused`` signed ``theirs``."""

    accuser: str
    accused: str
    height: int
    ours: str
    theirs: str


class DivergenceMonitor:
    def __init__(self, owner: str, keys: KeyLookup, verifier: SignatureVerifier) -> None:
        self.owner = owner
        self._keys = keys
        self._verifier = verifier
        self._own: dict[int, str] = {}
        self._waiting: dict[int, list[SignedHeader]] = {}
        self.flagged: dict[str, Divergence] = {}
        self.agreements = 0
        self.bad_signatures = 0

    def record_own(self, height: int, header_hash: str) -> None:
        self._own[height] = header_hash
        for claim in self._waiting.pop(height, []):
            self._compare(claim, header_hash)

    def observe(self, claim: SignedHeader) -> None:
        if claim.peer == self.owner:
            return
        key = self._keys(claim.signer)
        if key is None or not self._verifier.verify(key, claim.message(), claim.signature):
            self.bad_signatures += 1
            return
        ours = self._own.get(claim.height)
        if ours is None:
            self._waiting.setdefault(claim.height, []).append(claim)
        else:
            self._compare(claim, ours)

    def _compare(self, claim: SignedHeader, ours: str) -> None:
        if claim.header_hash == ours:
            self.agreements += 1
        elif claim.peer not in self.flagged:
            self.flagged[claim.peer] = Divergence(
                self.owner, claim.peer, claim.height, ours, claim.header_hash
            )
