"""Workload generators: named sources of pre-signed envelopes in a valid order.

A ``Workload`` produces ``setup`` envelopes (run before measuring: issuance,
enrolment) and then ``generate(count)`` envelopes whose order is valid if they
are committed in that order. ``interleave`` merges several workloads by weight
while keeping each one's own order, which is all a valid order needs because
workloads touch disjoint state (each draws its own accounts and ids).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ledger.identity import Credentials
from ledger.tx import Envelope, make_body, sign_envelope
from nodes.templates import NetworkSpec


@dataclass
class WorkloadContext:
    """What generators share: the network's identities, a seeded generator, a nonce counter."""

    spec: NetworkSpec
    seed: int = 0
    created_at: str = ""
    rng: random.Random = field(init=False)
    _nonce: itertools.count[int] = field(init=False, default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.created_at = self.created_at or self.spec.config.time

    @property
    def chain_id(self) -> str:
        return self.spec.config.chain_id

    def members(self, *, role: str | None = None, org_type: str | None = None) -> list[str]:
        types = {o.id: o.type for o in self.spec.config.organisations}
        return [
            member_id
            for member_id, cred in self.spec.roster.members().items()
            if (role is None or cred.role == role)
            and (org_type is None or types[cred.org] == org_type)
        ]

    def credentials(self, member_id: str) -> Credentials:
        return self.spec.roster.member(member_id)

    def sign(
        self, signer: str, contract: str, action: str, args: Mapping[str, Any],
        co_signers: Sequence[str] = (),
    ) -> Envelope:
        body = make_body(
            chain_id=self.chain_id, contract=contract, action=action, args=args,
            signer=signer, nonce=next(self._nonce), created_at=self.created_at,
        )
        cosign = [(m, self.credentials(m).key) for m in co_signers]
        return sign_envelope(body, self.credentials(signer).key, cosign)


class Workload(Protocol):
    name: str
    contracts: tuple[str, ...]

    def setup(self, ctx: WorkloadContext) -> list[Envelope]:
        """Envelopes to commit before measuring (funding, enrolment)."""

    def generate(self, ctx: WorkloadContext, count: int) -> list[Envelope]:
        """``count`` envelopes, valid in this order after ``setup``."""


def parse_mix(text: str) -> dict[str, int]:
    """``"settlement=3,membership=1"`` -> {"settlement": 3, "membership": 1}."""
    mix: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        mix[name.strip()] = int(weight) if weight else 1
        if mix[name.strip()] < 1:
            raise ValueError(f"mix weight of {name!r} must be a positive integer")
    if not mix:
        raise ValueError("the mix names no workload")
    return mix


def interleave(streams: Mapping[str, list[Envelope]], weights: Mapping[str, int]) -> list[Envelope]:
    """Merge streams round-robin by weight, preserving each stream's order."""
    cursors = {name: 0 for name in streams}
    out: list[Envelope] = []
    while any(cursors[n] < len(s) for n, s in streams.items()):
        for name, stream in streams.items():
            take = weights.get(name, 1)
            out.extend(stream[cursors[name]:cursors[name] + take])
            cursors[name] += take
    return out
