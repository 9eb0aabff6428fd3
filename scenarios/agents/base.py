"""What every agent has: the world, a seeded random generator, and read access like a client.

Agents decide; stories (generators of ``Tx`` and ``Wait``) carry out the decisions
as signed transactions. Reads go through a peer's contract views as one member sees
them (need to know, ``api.visibility``), exactly what a bank's or insurer's system
would get through the HTTP API.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contracts.builtin.settlement.authority import SettlementParams
from contracts.roles import TREASURER
from ledger.timefmt import format_time, parse_time
from scenarios.world import World

Reader = Callable[[str, str, str, Mapping[str, Any]], Any]
"""(reading member, contract, view, params) -> the view's result as that member sees it."""


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

    def dual_control(
        self, org: str, amount: int | None, signer: str = "", roles: tuple[str, ...] = (TREASURER,)
    ) -> tuple[str, ...]:
        """The co-signer a debit of ``amount`` fen from ``org``'s account needs (settlement's
        dual control): a member of ``org`` with one of ``roles`` other than ``signer`` when the
        amount is above the org's threshold, or not known in advance (a pay-off of whatever
        is owed at block time); else nobody."""
        if amount is not None and amount <= self.dual_control_threshold(org):
            return ()
        for role in roles:
            others = [m for m in self.world.members_with_role(role, org) if m != signer]
            if others:
                return (others[0],)
        raise LookupError(f"organisation {org} has no second member with a role in {roles}")

    def dual_control_threshold(self, org: str) -> int:
        params = next(
            (c.params for c in self.world.network.config.contracts if c.name == "settlement"), {}
        )
        return SettlementParams.model_validate(params).threshold(org, self.world.org_type(org))

    def time_at(self, day: float) -> str:
        """RFC 3339 time of simulated ``day`` (for deadlines and periods in tx args)."""
        start = parse_time(self.world.scenario.start)
        return format_time(start + dt.timedelta(days=day))

    def view(self, member: str, contract: str, view: str, **params: Any) -> Any:
        """A contract view as ``member`` may read it."""
        return self.read(member, contract, view, params)

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
