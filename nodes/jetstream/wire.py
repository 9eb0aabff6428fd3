"""What goes on the NATS wire for one chain: names, envelope messages, cut markers, headers.

One stream per chain holds the order (subjects under ``<root>.log.``)::

    <root>.log.tx        an envelope: canonical JSON; header Nats-Msg-Id = tx_id
    <root>.log.cut.<n>   the cut marker of batch n: {"seq", "upto", "time_ms", "reason"};
                         header Nats-Msg-Id = "cut-<n>"

Signed headers are announced on the core NATS subject ``<root>.headers`` (not
stored: a peer compares the claims it hears with its own; a late peer's own
claims are still compared by everyone else).

``<root>`` is ``agl.<chain token>``, the chain id with every character outside
``[A-Za-z0-9_-]`` replaced by ``_`` (NATS subject tokens and stream names must
not hold dots, spaces or wildcards).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ledger.block import CutReason
from ledger.crypto import b64decode
from ledger.encoding import decode
from ledger.tx import Envelope
from nodes.messages import SignedHeader

MSG_ID = "Nats-Msg-Id"
EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class ChainNames:
    """Stream name and subjects of one chain."""

    stream: str
    root: str

    @classmethod
    def for_chain(cls, chain_id: str) -> ChainNames:
        token = _UNSAFE.sub("_", chain_id) or "_"
        return cls(stream=f"AGL_{token}", root=f"agl.{token}")

    @property
    def log(self) -> str:
        """The stream's subject filter."""
        return f"{self.root}.log.>"

    @property
    def tx(self) -> str:
        return f"{self.root}.log.tx"

    @property
    def cuts(self) -> str:
        """Every cut marker (a wildcard: the stream's last message on it is the last cut)."""
        return f"{self.root}.log.cut.*"

    def cut(self, seq: int) -> str:
        return f"{self.root}.log.cut.{seq}"

    @property
    def headers(self) -> str:
        return f"{self.root}.headers"

    def is_cut(self, subject: str) -> bool:
        return subject.startswith(f"{self.root}.log.cut.")


@dataclass(frozen=True, slots=True)
class CutMarker:
    """Batch ``seq`` holds the envelopes of the stream up to stream sequence ``upto``.

    Precisely: the envelope messages with stream sequence in
    ``(upto of batch seq-1, upto]``, in stream order, keeping the first of each
    tx_id and leaving out tx_ids already on the chain. ``time_ms`` is the block
    time in milliseconds after genesis (never below the previous cut's).
    """

    seq: int
    upto: int
    time_ms: int
    reason: CutReason

    def to_bytes(self) -> bytes:
        data = {"seq": self.seq, "upto": self.upto, "time_ms": self.time_ms,
                "reason": self.reason.value}
        return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> CutMarker:
        raw = json.loads(data)
        return cls(int(raw["seq"]), int(raw["upto"]), int(raw["time_ms"]),
                   CutReason(raw["reason"]))

    @property
    def msg_id(self) -> str:
        return cut_msg_id(self.seq)


def cut_msg_id(seq: int) -> str:
    return f"cut-{seq}"


def envelope_bytes(envelope: Envelope) -> bytes:
    return envelope.canonical_bytes()


def envelope_from_bytes(data: bytes) -> Envelope:
    """Parse a stream envelope (peers gate-checked it before publishing; shape is re-checked)."""
    return Envelope.parse(decode(data), trusted_json=True)


def header_bytes(header: SignedHeader) -> bytes:
    return json.dumps(header.to_json(), sort_keys=True, separators=(",", ":")).encode()


def header_from_bytes(data: bytes) -> SignedHeader:
    raw: dict[str, Any] = json.loads(data)
    return SignedHeader(
        peer=str(raw["peer"]), signer=str(raw["signer"]), height=int(raw["height"]),
        header_hash=str(raw["header_hash"]), signature=b64decode(str(raw["signature"])),
    )
