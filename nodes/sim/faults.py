"""Faults a simulation can inject, as data: each knows how to apply itself to a ``FaultTarget``.

Schedule them with ``Simulation.fault_at(time_ms, fault)``; they run on the
simulated clock like any other event, so a faulty run replays exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nodes.behaviour import BehaviourAPI


class FaultTarget(Protocol):
    def crash(self, node_id: str) -> None: ...

    def restart(self, node_id: str) -> None: ...

    def partition(self, groups: tuple[tuple[str, ...], ...]) -> None: ...

    def heal(self) -> None: ...

    def slow_link(self, a: str, b: str, factor: int) -> None: ...

    def set_behaviour(self, node_id: str, behaviour: BehaviourAPI) -> None: ...


@dataclass(frozen=True)
class Crash:
    node: str

    def apply(self, target: FaultTarget) -> None:
        target.crash(self.node)

    def describe(self) -> str:
        return f"crash {self.node}"


@dataclass(frozen=True)
class Restart:
    node: str

    def apply(self, target: FaultTarget) -> None:
        target.restart(self.node)

    def describe(self) -> str:
        return f"restart {self.node}"


@dataclass(frozen=True)
class Partition:
    groups: tuple[tuple[str, ...], ...]

    def apply(self, target: FaultTarget) -> None:
        target.partition(self.groups)

    def describe(self) -> str:
        return "partition " + " | ".join(",".join(g) for g in self.groups)


@dataclass(frozen=True)
class Heal:
    def apply(self, target: FaultTarget) -> None:
        target.heal()

    def describe(self) -> str:
        return "heal"


@dataclass(frozen=True)
class SlowLink:
    a: str
    b: str
    factor: int

    def apply(self, target: FaultTarget) -> None:
        target.slow_link(self.a, self.b, self.factor)

    def describe(self) -> str:
        return f"slow {self.a}-{self.b} x{self.factor}"


@dataclass(frozen=True)
class Byzantine:
    node: str
    behaviour: BehaviourAPI

    def apply(self, target: FaultTarget) -> None:
        target.set_behaviour(self.node, self.behaviour)

    def describe(self) -> str:
        return f"byzantine {self.node} ({self.behaviour.name})"


Fault = Crash | Restart | Partition | Heal | SlowLink | Byzantine
