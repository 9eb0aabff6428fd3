"""What nodes say to each other: ordered batches, signed headers, and the four messages.

All are frozen dataclasses; a transport carries them as objects in-process (a
wire codec for process-separated peers would encode ``Batch`` and
``SignedHeader`` with ``to_json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.block import CutInfo
from ledger.crypto import b64encode
from ledger.tx import Envelope


@dataclass(frozen=True, slots=True)
class Batch:
    """One cut of the orderer: block height ``seq``, the cut time, and the envelopes in order."""

    seq: int
    time: str
    cut: CutInfo
    envelopes: tuple[Envelope, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "cut": self.cut.to_json(),
            "envelopes": [e.to_json() for e in self.envelopes],
        }


@dataclass(frozen=True, slots=True)
class SignedHeader:
    """A peer's claim: "at ``height`` I computed header ``header_hash``", signed by its node key."""

    peer: str
    signer: str
    height: int
    header_hash: str
    signature: bytes

    def message(self) -> bytes:
        return signed_header_message(self.height, self.header_hash)

    def to_json(self) -> dict[str, Any]:
        return {
            "peer": self.peer, "signer": self.signer, "height": self.height,
            "header_hash": self.header_hash, "signature": b64encode(self.signature),
        }


def signed_header_message(height: int, header_hash: str) -> bytes:
    """The bytes a peer signs: domain-separated so a header signature is never a tx signature."""
    return f"agriledger/header/v1/{height}/{header_hash}".encode("ascii")


@dataclass(frozen=True, slots=True)
class SubmitEnvelopes:
    """Peer -> orderer: gate-checked envelopes to order."""

    envelopes: tuple[Envelope, ...]


@dataclass(frozen=True, slots=True)
class DeliverBatches:
    """Orderer -> peer: batches in seq order (a fresh cut, or a catch-up reply)."""

    batches: tuple[Batch, ...]


@dataclass(frozen=True, slots=True)
class FetchBatches:
    """Peer -> orderer: "send me batches from ``from_seq``" (catch-up after a crash or loss)."""

    from_seq: int


@dataclass(frozen=True, slots=True)
class AnnounceHeader:
    """Peer -> peers: a signed header for comparison."""

    header: SignedHeader


Message = SubmitEnvelopes | DeliverBatches | FetchBatches | AnnounceHeader
