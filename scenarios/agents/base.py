"""What every agent has: the world, a seeded random generator, and read access like a client.

Agents decide; stories (generators of ``Tx`` and ``Wait``) carry out the decisions
as signed transactions. Reads go through a peer's contract views, exactly what a
bank's or insurer's system would do through the HTTP API.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.timefmt import format_time, parse_time
from scenarios.world import World

Reader = Callable[[str, str, Mapping[str, Any]], Any]


def at_least(rng: random.Random, flags: list[bool], count: int, eligible: Sequence[int]) -> None:
    """Set ``flags`` true on seeded picks among ``eligible`` until ``count`` of those are true.

    A scenario that promises "one order is cancelled" must show it for every seed, not
    only for the seeds whose coin flips happen to land that way: draw each case with its
    probability, then make up the promised minimum from cases chosen by the same seed.
    """
    missing = count - sum(flags[i] for i in eligible)
    spare = [i for i in eligible if not flags[i]]
    for index in rng.sample(spare, min(max(missing, 0), len(spare))):
        flags[index] = True


@dataclass
class AgentKit:
    world: World
    rng: random.Random
    read: Reader
    board: dict[tuple[str, str], str] = field(default_factory=dict)
    """What one story tells another (e.g. a cooperative's pledge loan id, for its policy)."""

    def member(self, org: str, role: str) -> str:
        """The first member of ``org`` holding ``role`` (agents act through named members)."""
        members = self.world.members_with_role(role, org)
        if not members:
            raise LookupError(f"organisation {org} has no member with role {role}")
        return members[0]

    def time_at(self, day: float) -> str:
        """RFC 3339 time of simulated ``day`` (for deadlines and periods in tx args)."""
        start = parse_time(self.world.scenario.start)
        return format_time(start + dt.timedelta(days=day))

    def view(self, contract: str, view: str, **params: Any) -> Any:
        return self.read(contract, view, params)

    def enabled(self, contract: str) -> bool:
        return any(c.name == contract for c in self.world.network.config.contracts)

    def price(self, commodity: str, day: float, default: int) -> int:
        """Price in fen per unit on ``day`` from the scenario's price path (step function)."""
        path = self.world.scenario.agents.price_path.get(commodity)
        if not path:
            return default
        price = default
        for when, value in sorted(path):
            if when <= day:
                price = value
        return price
