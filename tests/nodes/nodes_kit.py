"""Test scaffolding for the nodes tests: a small network and signed settlement traffic.

Networks here enable only membership and settlement so these tests do not
depend on contracts other engineers are still writing.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from contracts.genesis import ContractConfig, OrdererConfig
from ledger.tx import Envelope, make_body, sign_envelope
from nodes.templates import NetworkSpec, build_network, small

CONTRACTS = [
    ContractConfig(name="membership", version="1"),
    ContractConfig(name="settlement", version="1"),
]
FARMERS = [f"coop-a.farmer-{i}" for i in range(1, 9)]
_nonces = itertools.count()


def small_spec(seed: int = 1, *, batch_size: int = 5, max_wait_ms: int = 50) -> NetworkSpec:
    return build_network(
        small(), seed=seed, contracts=CONTRACTS,
        orderer=OrdererConfig(batch_size=batch_size, max_wait_ms=max_wait_ms),
    )


def sign(spec: NetworkSpec, signer: str, contract: str, action: str,
         args: Mapping[str, Any], *, nonce: int | None = None) -> Envelope:
    body = make_body(
        chain_id=spec.config.chain_id, contract=contract, action=action, args=args,
        signer=signer, nonce=next(_nonces) if nonce is None else nonce,
        created_at=spec.config.time,
    )
    return sign_envelope(body, spec.roster.member(signer).key)


def issues(spec: NetworkSpec, count: int, *, start: int = 0) -> list[Envelope]:
    """``count`` issuance txs from the central bank to farmers (nonces from ``start``)."""
    return [
        sign(spec, "gov.pboc", "settlement", "issue",
             {"account": FARMERS[i % len(FARMERS)], "amount": 1000 + i}, nonce=start + i)
        for i in range(count)
    ]


def transfers(spec: NetworkSpec, count: int, *, start: int = 0) -> list[Envelope]:
    """``count`` 1-fen transfers between farmers (valid after ``issues``)."""
    return [
        sign(spec, FARMERS[i % 8], "settlement", "transfer",
             {"source": FARMERS[i % 8], "target": FARMERS[(i + 1) % 8], "amount": 1},
             nonce=start + i)
        for i in range(count)
    ]
