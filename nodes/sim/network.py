"""The simulated network: nodes on a networkx graph whose edges carry latency and loss.

A message from A to B follows the lowest-latency path; it is lost with each
edge's loss probability (drawn from the seeded generator), dropped if either end
is down or the two are in different partition groups (checked when sent and
again when it would arrive), and otherwise delivered after the path's latency,
times any slow-down set on its edges, plus seeded jitter.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from nodes.messages import Message
from nodes.sim.clock import EventLoop

Handler = Callable[[str, Message], None]


@dataclass
class NetworkStats:
    sent: int = 0
    delivered: int = 0
    lost: int = 0
    partitioned: int = 0
    down: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def complete_graph(
    nodes: Sequence[str], rng: random.Random, *, latency_ms: tuple[int, int] = (5, 25),
    loss: float = 0.0,
) -> nx.Graph:
    """Every node linked to every other, each link's latency drawn from ``latency_ms``."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            graph.add_edge(a, b, latency=rng.randint(*latency_ms), loss=loss, slow=1)
    return graph


class SimNetwork:
    """Implements ``nodes.interfaces.Transport`` on an EventLoop."""

    def __init__(
        self, loop: EventLoop, graph: nx.Graph, rng: random.Random, *, jitter_ms: int = 2
    ) -> None:
        self.loop = loop
        self.graph = graph
        self.rng = rng
        self.jitter_ms = jitter_ms
        self._handlers: dict[str, Handler] = {}
        self._down: set[str] = set()
        self._group: dict[str, int] = {}
        self._paths: dict[tuple[str, str], list[str] | None] = {}
        self.stats = NetworkStats()

    # -- transport -----------------------------------------------------------------------

    def register(self, node_id: str, handler: Handler) -> None:
        self._handlers[node_id] = handler

    def send(self, source: str, target: str, message: Message) -> None:
        self.stats.sent += 1
        kind = type(message).__name__
        self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + 1
        if not self._reachable(source, target):
            return
        path = self._path(source, target)
        if path is None:
            self.stats.partitioned += 1
            return
        delay = 0
        for a, b in itertools.pairwise(path):
            edge = self.graph.edges[a, b]
            if edge["loss"] and self.rng.random() < edge["loss"]:
                self.stats.lost += 1
                return
            delay += edge["latency"] * edge["slow"]
        delay += self.rng.randint(0, self.jitter_ms) if self.jitter_ms else 0
        self.loop.after(delay, lambda: self._arrive(source, target, message))

    def _arrive(self, source: str, target: str, message: Message) -> None:
        if not self._reachable(source, target):
            return
        self.stats.delivered += 1
        self._handlers[target](source, message)

    def _reachable(self, source: str, target: str) -> bool:
        if source in self._down or target in self._down:
            self.stats.down += 1
            return False
        if self._group.get(source, -1) != self._group.get(target, -1):
            self.stats.partitioned += 1
            return False
        return True

    def _path(self, source: str, target: str) -> list[str] | None:
        key = (source, target)
        if key not in self._paths:
            try:
                self._paths[key] = nx.shortest_path(
                    self.graph, source, target,
                    weight=lambda a, b, e: e["latency"] * e["slow"],
                )
            except nx.NetworkXNoPath:
                self._paths[key] = None
        return self._paths[key]

    # -- faults --------------------------------------------------------------------------

    def crash(self, node_id: str) -> None:
        self._down.add(node_id)

    def restart(self, node_id: str) -> None:
        self._down.discard(node_id)

    def partition(self, groups: Iterable[Iterable[str]]) -> None:
        """Split the network: nodes in different groups cannot talk.

        Nodes not listed in any group form one more group together.
        """
        self._group = {}
        for index, group in enumerate(groups):
            for node in group:
                self._group[node] = index

    def heal(self) -> None:
        self._group = {}

    def set_link(self, a: str, b: str, *, latency_ms: int, loss: float) -> None:
        """Give link a-b its own latency and loss (adding it if the topology lacks it)."""
        self.graph.add_edge(a, b, latency=latency_ms, loss=loss, slow=1)
        self._paths.clear()

    def slow_link(self, a: str, b: str, factor: int) -> None:
        """Multiply the latency of link a-b by ``factor`` (1 restores it)."""
        self.graph.edges[a, b]["slow"] = factor
        self._paths.clear()
