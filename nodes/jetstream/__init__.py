"""The JetStream orderer: a chain's order is a NATS JetStream stream (Raft-replicated).

How a batch is cut, deterministically, from the stream itself
--------------------------------------------------------------

The stream ``AGL_<chain>`` holds two kinds of message, in one total order:

- envelopes (subject ``agl.<chain>.log.tx``), published by the peer whose gate
  accepted them, with ``Nats-Msg-Id = tx_id`` so a repeat within the duplicate
  window (10 minutes by default) is dropped by the server;
- cut markers (subject ``agl.<chain>.log.cut.<n>``), published only by the
  designated cutter: ``{"seq": n, "upto": S, "time_ms": T, "reason": R}``.

Batch ``n`` (block height ``n``) is the envelopes with stream sequence in
``(upto(n-1), upto(n)]``, in stream order, keeping the first of each tx_id and
dropping a tx_id already on the chain; its block time is genesis time + ``T`` ms
and its cut info is ``(orderer="orderer", seq=n, reason=R)``, as the in-process
orderer's. Every peer reads the same stream, so every peer builds the same
batches, whatever its timing; the cutter's clock only decides *when* a marker
is written, and the marker records the outcome. The cutter applies the
in-process orderer's rule (``policy.CutPolicy``: size, max wait, flush) with
``T = max(previous T, now)``, so fed the same arrivals at the same times both
orderers cut identical batches.

The cutter is single but replaceable: marker ``n`` is published with
``Nats-Msg-Id: cut-<n>`` and ``Nats-Expected-Last-Subject-Sequence: 0`` on its
own subject, so the server accepts at most one cut ``n`` (a retry is a
duplicate; a rival is refused) and a cutter that restarts reads the last marker
(last message on ``cut.*``) and carries on from its ``upto`` and time: no
double cut, no gap, no time running backwards.

A peer's position in the stream is derived from its own chain: at height ``h``
it resumes at ``upto(h) + 1``, reading marker ``h`` back by subject. The block
and its state commit in one SQLite transaction, so a SIGKILLed peer resumes
exactly where its chain ends (no JetStream durable consumer is used: its ack
position could not commit atomically with the block).

Signed header hashes are announced on core NATS subject ``agl.<chain>.headers``;
every peer compares what it hears with its own (``nodes.divergence``).

Private side-cars (``nodes.private``) go on core NATS ``agl.<chain>.private.<org>``,
one subject per entitled organisation; nats-server lets only that organisation's user
subscribe there (``auth``: the users and permissions ``network init`` writes).

Modules: ``wire`` (names, message formats), ``policy`` (when to cut),
``assembler`` (stream -> batches), ``reader`` (ordered reading that survives a
server's loss), ``cutter``, ``follower``, ``node`` (a peer wired to the stream),
``orderer`` (``OrdererAPI`` driven by the caller's clock), ``natsd`` (running
nats-server processes), ``connection``, ``loop``, ``auth`` (NATS users and subject
permissions).
"""

from nodes.jetstream.assembler import BatchAssembler
from nodes.jetstream.natsd import NatsServer, NatsServerError, start_cluster, start_local
from nodes.jetstream.node import JetStreamNode, JetStreamSettings
from nodes.jetstream.orderer import JetStreamOrderer
from nodes.jetstream.policy import CutPolicy
from nodes.jetstream.wire import ChainNames, CutMarker

__all__ = [
    "BatchAssembler",
    "ChainNames",
    "CutMarker",
    "CutPolicy",
    "JetStreamNode",
    "JetStreamOrderer",
    "JetStreamSettings",
    "NatsServer",
    "NatsServerError",
    "start_cluster",
    "start_local",
]
