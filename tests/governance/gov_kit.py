"""A six-organisation network with governance enabled, driven one block per ``step``.

Peers run membership, settlement and governance; ``settlement@2`` (a second version
with one extra view) is installed only where a test says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from contracts.base import Contract, Query, view
from contracts.builtin.settlement import SettlementContract
from contracts.context import ReadContext
from contracts.genesis import ContractConfig, OrdererConfig
from contracts.registry import discover
from ledger.block import TxResult
from ledger.tx import Envelope, make_body, sign_envelope
from nodes.local import LocalNetwork
from nodes.templates import NetworkSpec, build_network, small

CONTRACTS = [
    ContractConfig(name="membership", version="1"),
    ContractConfig(name="settlement", version="1"),
    ContractConfig(name="governance", version="1"),
]
ADMINS = {
    "gov": "gov.admin", "bank-a": "bank-a.admin", "insurer": "insurer.admin",
    "coop-a": "coop-a.admin", "buyer": "buyer.admin", "custodian": "custodian.admin",
}
MAJORITY = ("gov", "bank-a", "insurer", "coop-a")
"""Four of six organisations, the government among them: the default policy is met."""
_nonces = itertools.count(1)


class VersionQuery(Query):
    pass


class SettlementV2(SettlementContract):
    """Settlement version 2: the same rules and one new view."""

    version = "2"

    @view(VersionQuery)
    def code_version(self, ctx: ReadContext, query: VersionQuery) -> Any:
        return "2"


def with_v2() -> dict[str, type[Contract]]:
    return {**discover(), "settlement@2": SettlementV2}


def spec(seed: int = 1) -> NetworkSpec:
    return build_network(small(), seed=seed, contracts=CONTRACTS,
                         orderer=OrdererConfig(batch_size=1000, max_wait_ms=1000))


class Chain:
    """A LocalNetwork where every ``step`` cuts exactly one block."""

    def __init__(self, network_spec: NetworkSpec, *, store_root: Path | None = None,
                 classes: Mapping[str, type[Contract]] | None = None,
                 peers: list[str] | None = None) -> None:
        self.spec = network_spec
        self._now = 0
        self.net = LocalNetwork(network_spec, self._clock, store_root=store_root,
                                classes=classes, peers=peers)
        self.entry = next(iter(self.net.peers.values()))

    def _clock(self) -> int:
        return self._now

    def sign(self, signer: str, contract: str, action: str, args: Mapping[str, Any],
             cosigners: Iterable[str] = ()) -> Envelope:
        body = make_body(
            chain_id=self.spec.config.chain_id, contract=contract, action=action, args=args,
            signer=signer, nonce=next(_nonces), created_at=self.spec.config.time,
        )
        return sign_envelope(body, self.spec.roster.member(signer).key)

    def step(self, *envelopes: Envelope) -> list[TxResult]:
        """One block holding ``envelopes``; its results."""
        self._now += 1000
        self.entry.submit(list(envelopes))
        self.net.flush()
        block = self.entry.block(self.entry.height())
        assert block is not None
        return list(block.results)

    def past_gate(self, envelope: Envelope) -> TxResult:
        """Order ``envelope`` without the entry peer's gate (as a faulty peer could):
        the block's own checks decide."""
        self._now += 1000
        assert self.entry.forward is not None
        self.entry.forward([envelope])
        self.net.flush()
        block = self.entry.block(self.entry.height())
        assert block is not None
        [result] = block.results
        return result

    def until(self, height: int) -> None:
        """Filler blocks (a 1-fen issue each) until the head is at ``height``."""
        while self.entry.height() < height:
            self.tick_empty()

    def tick_empty(self) -> None:
        self.step(self.sign("gov.pboc", "settlement", "issue",
                            {"account": "coop-a.farmer-1", "amount": 1}))

    def tx(self, signer: str, contract: str, action: str, args: Mapping[str, Any]) -> TxResult:
        [result] = self.step(self.sign(signer, contract, action, args))
        return result

    def propose(self, signer: str, proposal_id: str, effective_height: int,
                change: Mapping[str, Any]) -> TxResult:
        return self.tx(signer, "governance", "propose", {
            "proposal_id": proposal_id, "effective_height": effective_height,
            "change": dict(change),
        })

    def approve(self, org: str, proposal_id: str) -> TxResult:
        return self.tx(ADMINS[org], "governance", "approve", {"proposal_id": proposal_id})

    def view(self, contract: str, name: str, **params: Any) -> Any:
        return self.entry.view(contract, name, params)

    def heads(self) -> set[tuple[int, str]]:
        return {(h.height, h.hash()) for p in self.net.peers.values()
                if (h := p.head()) is not None}

    def close(self) -> None:
        self.net.close()
