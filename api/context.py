"""What every route of one peer's app shares: the peer, read auth, commit watcher, metrics.

``ServedPeer`` is the part of ``nodes.peer.Peer`` the API uses: the thread-safe
``PeerAPI`` plus its chain id, contract runtime and store (for re-verification).
``CommitWatcher`` bridges the peer's block callbacks (called on the applying
thread, under the peer's lock) into the event loop: waiters for a tx's final
status and event-stream followers are woken there, never on the peer's thread.
It also keeps the last few blocks, so event-stream followers keep up without
queueing for the peer's lock behind every submission, and each one's event-stream
text, encoded once however many followers stream it.

Route handlers run on the event loop: anything that takes the peer's lock goes
through ``run_in_threadpool``, or one slow block would stall every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from api.auth import MemberKey, ReadAuthenticator, member_key_from_record
from api.inbox import Inbox, inbox_for
from api.metrics import ApiMetrics
from api.schemas import TxStatusOut
from contracts.genesis import GenesisConfig
from contracts.runtime import ContractRuntime
from ledger.block import Block, TxState
from ledger.identity import MEMBERSHIP_NAMESPACE
from ledger.interfaces import ChainStoreAPI
from nodes.dev_clock import ClockReading
from nodes.interfaces import PeerAPI, TxStatus, Unsubscribe

T = TypeVar("T")


class ServedPeer(PeerAPI, Protocol):
    chain_id: str
    runtime: ContractRuntime
    store: ChainStoreAPI

    config: GenesisConfig

    def pending(self) -> list[Any]: ...

    def fault(self) -> str | None: ...

    def read_store(self, read: Callable[[ChainStoreAPI], Any]) -> Any: ...


class ClockControl(Protocol):
    """The orderer's clock, where this process runs the orderer (``nodes.local.LocalNetwork``)."""

    def clock_reading(self) -> ClockReading: ...

    def advance_clock(self, by_ms: int, *, org_type: str, role: str) -> ClockReading: ...


@dataclass(frozen=True)
class ApiSettings:
    """Limits and windows of one peer's API.

    ``auth_skew_s`` is how far a read signer's clock may be from the peer's: a
    signature's ``created`` may be that far in the future, and its ``expires`` that
    far in the past, before AUTH_EXPIRED; 0 holds ``expires`` to the second.
    """

    max_batch: int = 1000
    max_body_bytes: int = 16 * 1024 * 1024
    default_wait_s: float = 10.0
    max_wait_s: float = 60.0
    auth_window_s: int = 300
    auth_skew_s: int = 30
    keepalive_s: float = 15.0
    event_flush_s: float = 0.5
    """Event-stream followers are woken at most this often: a block after a quiet spell
    goes out at once, blocks closer together than this go out together (one write per
    follower for several blocks). 0: one wake-up per block."""


def status_out(status: TxStatus) -> TxStatusOut | None:
    """The API view of a peer's tx status; None when the peer has never heard of the tx."""
    if status.state is TxState.UNKNOWN:
        return None
    return TxStatusOut(
        tx_id=status.tx_id,
        status=status.state,
        height=status.height,
        index=status.index,
        code=status.code,
        message=status.message,
    )


RECENT_BLOCKS = 32
"""Blocks the watcher keeps for event-stream followers (a follower further behind
reads the store)."""
RECENT_TXS = 2000
"""...and at most this many txs in them (but always the newest block): a block of 500
txs is about a megabyte in memory, and every peer's API keeps its own window."""


class CommitWatcher:
    """Wakes asyncio waiters when blocks land on the peer, and keeps the latest blocks."""

    def __init__(
        self, peer: ServedPeer, on_encode: Callable[[], None] | None = None,
        flush_s: float = 0.0,
    ) -> None:
        self.peer = peer
        self._on_encode = on_encode
        self._flush_s = flush_s
        self._last_wake = float("-inf")  # loop time the followers were last woken
        self._wake_later: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Unsubscribe | None = None
        self._waiters: dict[str, list[asyncio.Future[TxStatusOut]]] = {}
        self._new_block = asyncio.Event()
        self._recent: OrderedDict[int, Block] = OrderedDict()
        self._recent_txs = 0  # txs in the blocks of _recent
        self._texts: dict[int, bytes] = {}  # event-stream text of blocks in _recent
        self._recent_lock = threading.Lock()  # the applying thread writes, the loop reads

    def recent_block(self, height: int) -> Block | None:
        """The block at ``height`` if it is among the last ``RECENT_BLOCKS`` applied."""
        with self._recent_lock:
            return self._recent.get(height)

    def recent_text(self, height: int, encode: Callable[[Block], bytes]) -> bytes | None:
        """``encode(block)`` of a recent block, computed once and shared by every follower
        (bytes, so no follower encodes the text again on its way to the socket)."""
        with self._recent_lock:
            text = self._texts.get(height)
            block = self._recent.get(height)
        if text is not None or block is None:
            return text
        text = encode(block)
        if self._on_encode is not None:
            self._on_encode()
        with self._recent_lock:
            if height in self._recent:
                text = self._texts.setdefault(height, text)
        return text

    def head_height(self) -> int | None:
        """The height of the last block applied since the watcher started, if any."""
        with self._recent_lock:
            return next(reversed(self._recent), None)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = self.peer.subscribe(self._on_block)

    def stop(self) -> None:
        if self._wake_later is not None:
            self._wake_later.cancel()
            self._wake_later = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for futures in self._waiters.values():
            for future in futures:
                future.cancel()
        self._waiters.clear()

    def _on_block(self, block: Block) -> None:
        """On the applying thread: hand the results to the loop and return at once."""
        with self._recent_lock:
            self._recent[block.height] = block
            self._recent_txs += len(block.results)
            while len(self._recent) > RECENT_BLOCKS or (
                self._recent_txs > RECENT_TXS and len(self._recent) > 1
            ):
                old, gone = self._recent.popitem(last=False)
                self._recent_txs -= len(gone.results)
                self._texts.pop(old, None)
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        outcomes = [
            TxStatusOut(
                tx_id=r.tx_id,
                status=TxState.COMMITTED if r.committed else TxState.REJECTED,
                height=block.height,
                index=i,
                code=r.code,
                message=r.message,
            )
            for i, r in enumerate(block.results)
        ]
        with contextlib.suppress(RuntimeError):  # the loop closed since the check
            loop.call_soon_threadsafe(self._resolve, outcomes)

    def _resolve(self, outcomes: list[TxStatusOut]) -> None:
        for outcome in outcomes:
            for future in self._waiters.pop(outcome.tx_id, ()):
                if not future.done():
                    future.set_result(outcome)
        self._wake_followers()

    def _wake_followers(self) -> None:
        """Wake the event-stream followers now, or once ``flush_s`` after the last wake-up
        (one timer for all of them): each idle follower costs a wake-up and a write per
        wake-up, so under load it sends several blocks per write instead of one each."""
        if self._wake_later is not None:
            return  # already due: that wake-up sends this block too
        assert self._loop is not None
        due = self._last_wake + self._flush_s
        if self._loop.time() >= due:
            self._wake_now()
        else:
            self._wake_later = self._loop.call_at(due, self._wake_now)

    def _wake_now(self) -> None:
        self._wake_later = None
        assert self._loop is not None
        self._last_wake = self._loop.time()
        event, self._new_block = self._new_block, asyncio.Event()
        event.set()

    async def wait_block(self, timeout: float) -> bool:
        """Wait for the next block (True) or the timeout (False). No task per wait: each
        of many idle followers costs one future per block, not a task and a timer."""
        try:
            async with asyncio.timeout(timeout):
                await self._new_block.wait()
        except TimeoutError:
            return False
        return True

    async def final_statuses(
        self, tx_ids: list[str], timeout: float
    ) -> tuple[list[TxStatusOut], bool]:
        """Each tx's status once committed or rejected, or pending if ``timeout`` passes first."""
        loop = asyncio.get_running_loop()
        futures: dict[str, asyncio.Future[TxStatusOut]] = {}
        for tx_id in dict.fromkeys(tx_ids):
            future: asyncio.Future[TxStatusOut] = loop.create_future()
            self._waiters.setdefault(tx_id, []).append(future)
            futures[tx_id] = future
        for tx_id, future in futures.items():  # committed before we started listening?
            known = status_out(self.peer.tx_status(tx_id))
            if known is not None and known.status is not TxState.PENDING and not future.done():
                future.set_result(known)
        try:
            if futures:
                await asyncio.wait(futures.values(), timeout=timeout)
        finally:  # unregister every future, also those a status read resolved (their
            for tx_id, future in futures.items():  # block passed: nothing would pop them)
                if not future.done():
                    future.cancel()
                waiting = self._waiters.get(tx_id)
                if waiting and future in waiting:
                    waiting.remove(future)
                    if not waiting:
                        del self._waiters[tx_id]
        results = []
        for tx_id in tx_ids:
            future = futures[tx_id]
            if future.done() and not future.cancelled():
                results.append(future.result())
            else:
                results.append(TxStatusOut(tx_id=tx_id, status=TxState.PENDING))
        complete = all(r.status is not TxState.PENDING for r in results)
        return results, complete


@dataclass
class ApiContext:
    peer: ServedPeer
    settings: ApiSettings
    auth: ReadAuthenticator
    watcher: CommitWatcher
    metrics: ApiMetrics
    clock: ClockControl | None = None
    """None where the orderer runs elsewhere (a peer ordered by JetStream)."""
    inbox: Inbox = field(default_factory=Inbox)
    """The co-signature inbox this peer's API lists (shared by the peers of one process)."""
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def node_id(self) -> str:
        return self.peer.node_id

    @property
    def contracts(self) -> Mapping[str, Any]:
        return self.peer.runtime.contracts

    def per_configuration(self, name: str, build: Callable[[], T]) -> T:
        """``build()``, kept until governance changes the enabled contracts (an effective
        change swaps a new mapping into the runtime between blocks, so a value derived
        from the old one, such as the contract list or the read rules, is rebuilt)."""
        current = self.peer.runtime.contracts
        held = self.cache.get(name)
        if held is None or held[0] is not current:
            held = self.cache[name] = (current, build())
        value: T = held[1]
        return value


def member_lookup(peer: ServedPeer) -> Any:
    """Read a keyid's member record from the peer's head state."""

    def lookup(member_id: str) -> MemberKey | None:
        record = peer.state_get(MEMBERSHIP_NAMESPACE, f"member/{member_id}")
        return member_key_from_record(member_id, record)

    return lookup


def build_context(
    peer: ServedPeer, settings: ApiSettings | None = None, clock: ClockControl | None = None,
    inbox: Inbox | None = None,
) -> ApiContext:
    settings = settings or ApiSettings()
    metrics = ApiMetrics(peer)
    return ApiContext(
        peer=peer,
        settings=settings,
        auth=ReadAuthenticator(
            member_lookup(peer), window_s=settings.auth_window_s, skew_s=settings.auth_skew_s
        ),
        watcher=CommitWatcher(peer, metrics.event_blocks_encoded.inc, settings.event_flush_s),
        metrics=metrics,
        clock=clock,
        inbox=inbox if inbox is not None else inbox_for(peer.chain_id),
    )
