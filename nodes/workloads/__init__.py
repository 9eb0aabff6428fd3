"""Named workload generators for benchmarks and simulations (see ``base`` for the protocol)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ledger.tx import Envelope
from nodes.workloads.base import Workload, WorkloadContext, interleave, parse_mix
from nodes.workloads.finance import ClaimsWorkload, OrdersWorkload, PledgeWorkload
from nodes.workloads.membership import MembershipWorkload
from nodes.workloads.settlement import SettlementWorkload

WORKLOADS: Mapping[str, Callable[[], Workload]] = {
    "settlement": SettlementWorkload,
    "membership": MembershipWorkload,
    "pledge": PledgeWorkload,
    "orders": OrdersWorkload,
    "claims": ClaimsWorkload,
}


def available(enabled_contracts: set[str]) -> list[str]:
    """Workload names whose contracts are all enabled."""
    return [n for n, make in WORKLOADS.items() if set(make().contracts) <= enabled_contracts]


def build_mix(
    ctx: WorkloadContext, mix: Mapping[str, int], count: int
) -> tuple[list[Envelope], list[Envelope]]:
    """(setup envelopes, ``count`` measured envelopes interleaved by weight)."""
    unknown = sorted(set(mix) - set(WORKLOADS))
    if unknown:
        raise ValueError(f"unknown workload {unknown[0]!r}; known: {', '.join(WORKLOADS)}")
    total = sum(mix.values())
    setup: list[Envelope] = []
    streams: dict[str, list[Envelope]] = {}
    for index, (name, weight) in enumerate(mix.items()):
        workload = WORKLOADS[name]()
        share = count * weight // total + (1 if index < count * weight % total else 0)
        share = count - sum(len(s) for s in streams.values()) if index == len(mix) - 1 else share
        setup.extend(workload.setup(ctx))
        streams[name] = workload.generate(ctx, share)
    return setup, interleave(streams, mix)


__all__ = [
    "WORKLOADS",
    "Workload",
    "WorkloadContext",
    "available",
    "build_mix",
    "interleave",
    "parse_mix",
]
