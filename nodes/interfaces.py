"""The nodes layer's seams, in one place.

A network is an orderer and several peers. Clients hand envelopes to a peer
(``PeerAPI.submit``); the peer checks them (form, chain, enrolment, signatures,
contract/action/args) and forwards only good ones to the orderer
(``OrdererAPI.submit``). The orderer puts them in one order and cuts ``Batch``es
by size or by a maximum wait in (simulated or real) time, stamping the cut time;
it keeps every batch so a peer can fetch from any height. Each peer executes each
batch into the next block, appends it, signs the header hash, and announces the
``SignedHeader`` to the others, who compare it with their own.

- ``OrdererAPI``: ordering only; never executes or checks signatures beyond what
  the peers already did.
- ``PeerAPI``: what the HTTP API wraps. Every method is safe to call from any
  thread. Submission is all-or-nothing per call: one bad envelope raises
  ``GateRejected`` (with its index and a code such as BAD_SIGNATURE or
  INVALID_ARGUMENTS) and none of the call's envelopes is forwarded.
- ``Transport``: carries ``messages.Message`` objects between node ids. The
  simulated network implements it with latency, loss, partitions and crashes on
  a seeded clock; ``nodes.local.LocalNetwork`` delivers at once in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ledger.block import Block, BlockHeader, TxState
from ledger.tx import Envelope
from nodes.messages import Batch, Message, SignedHeader

BlockCallback = Callable[[Block], None]
Unsubscribe = Callable[[], None]


@dataclass(frozen=True, slots=True)
class TxStatus:
    tx_id: str
    state: TxState
    height: int | None = None
    index: int | None = None
    code: str | None = None
    message: str | None = None


class OrdererAPI(Protocol):
    """Puts envelopes in one order and cuts them into batches (in-process or JetStream)."""

    @property
    def node_id(self) -> str: ...

    def submit(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Batch]:
        """Queue envelopes for ordering; a tx_id already queued or ordered is ignored.

        Returns the batches this cut at once because the size limit was reached.
        """

    def poll(self, now_ms: int) -> list[Batch]:
        """Cut what is due at ``now_ms`` (size or max wait) and return the new batches."""

    def next_deadline(self) -> int | None:
        """When the oldest pending envelope's wait expires (ms), or None if nothing waits."""

    def flush(self, now_ms: int) -> list[Batch]:
        """Cut everything pending now (reason FLUSH)."""

    def height(self) -> int:
        """Seq of the last batch cut (0 when none: batch seq n becomes block height n)."""

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]:
        """Batches ``seq``, ``seq + 1``, ... from the log (catch-up)."""

    def subscribe(self, callback: Callable[[Batch], None]) -> Unsubscribe:
        """Call ``callback`` with every batch as it is cut, in order."""


class PeerAPI(Protocol):
    """One organisation's peer: gate, executor, store and node identity."""

    @property
    def node_id(self) -> str: ...

    def submit(self, envelopes: Envelope | Mapping[str, Any] | Sequence[Any]) -> list[str]:
        """Gate-check and forward envelopes (parsed or wire JSON); return their tx_ids."""

    def tx_status(self, tx_id: str) -> TxStatus: ...

    def apply(self, batch: Batch) -> SignedHeader:
        """Execute the next batch into a block, append it, sign and return its header claim.

        Raises OutOfOrder unless ``batch.seq == height() + 1``.
        """

    def height(self) -> int: ...

    def head(self) -> BlockHeader | None: ...

    def block(self, height: int) -> Block | None: ...

    def state_get(self, contract: str, key: str) -> Any | None:
        """The value at ``<contract>/<key>`` in the head state."""

    def state_scan(self, contract: str, prefix: str = "") -> Iterator[tuple[str, Any]]: ...

    def view(self, contract: str, view_name: str, params: Mapping[str, Any]) -> Any:
        """Call a contract view on the head state (block time = head block's time)."""

    def subscribe(self, callback: BlockCallback) -> Unsubscribe:
        """Call ``callback(block)`` after each block is appended, in height order.

        Callbacks run on the applying thread while the peer's lock is held: keep
        them short, queue work elsewhere, and never call ``apply`` from one.
        """

    def observe(self, header: SignedHeader) -> None:
        """Compare another peer's signed header with ours (flagging it if it differs)."""


class Transport(Protocol):
    """Carries messages between nodes by id; may delay, drop or reorder them."""

    def send(self, source: str, target: str, message: Message) -> None: ...

    def register(self, node_id: str, handler: Callable[[str, Message], None]) -> None:
        """Deliver messages addressed to ``node_id`` to ``handler(source, message)``."""
