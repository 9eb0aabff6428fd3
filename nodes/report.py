"""What a network run ends with: each peer's head, who flagged whom, and whether all agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nodes.divergence import Divergence


@dataclass(frozen=True)
class PeerSummary:
    node_id: str
    up: bool
    behaviour: str
    height: int
    head_hash: str
    state_hash: str


@dataclass(frozen=True)
class NetworkReport:
    orderer_height: int
    peers: tuple[PeerSummary, ...]
    flags: tuple[Divergence, ...]
    events: tuple[str, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)

    def honest(self) -> list[PeerSummary]:
        return [p for p in self.peers if p.behaviour == "honest"]

    @property
    def converged(self) -> bool:
        """Every honest peer is up, at the orderer's height, with one head hash."""
        honest = self.honest()
        return bool(honest) and all(
            p.up and p.height == self.orderer_height for p in honest
        ) and len({p.head_hash for p in honest}) == 1

    def flagged_by(self, accuser: str) -> set[str]:
        return {d.accused for d in self.flags if d.accuser == accuser}

    def flagged(self) -> dict[str, list[str]]:
        """Accused peer -> the peers that flagged it."""
        out: dict[str, list[str]] = {}
        for d in self.flags:
            out.setdefault(d.accused, []).append(d.accuser)
        return out

    def to_text(self) -> str:
        lines = [f"orderer height {self.orderer_height}; converged: {self.converged}"]
        for p in self.peers:
            lines.append(
                f"  {p.node_id:<22} {'up' if p.up else 'DOWN':<4} {p.behaviour:<18} "
                f"height {p.height:>5} head {p.head_hash[:16]} state {p.state_hash[:16]}"
            )
        for accused, accusers in sorted(self.flagged().items()):
            first = next(d for d in self.flags if d.accused == accused)
            lines.append(
                f"  FLAGGED {accused}: header differs at height {first.height} "
                f"(flagged by {', '.join(sorted(accusers))})"
            )
        return "\n".join(lines)
