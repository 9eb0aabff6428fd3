"""The development clock: on a chain whose genesis has ``dev_clock``, time can be moved forward.

Contracts see time only as block timestamps, and the orderer stamps each batch with
its wall clock plus an *offset*. On a development chain a member holding one of
``dev_clock.roles`` may grow that offset (``agriledger clock advance NET 3d``), so a
3-day posting period passes in a second, as Hardhat's ``evm_increaseTime`` does; Daml's
static time, by contrast, replaces the clock outright, which would stop max-wait cuts.
The offset only grows (block times never run backwards) and the orderer's log keeps
it, so a restarted network goes on from the moved clock. A production chain (no
``dev_clock`` in genesis) refuses every move with NOT_A_DEV_CHAIN.

Durations are written as a positive whole number and a unit, optionally several
(``90s``, ``15m``, ``6h``, ``3d``, ``2w``, ``1d12h``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.genesis import GenesisConfig
from nodes.exceptions import DevClockForbidden, DevClockRefused, NotADevChain

UNITS_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_PART = re.compile(r"([0-9]{1,9})([smhdw])")
_DURATION = re.compile(r"(?:[0-9]{1,9}[smhdw])+")
MAX_STEP_MS = 3_650 * UNITS_MS["d"]
"""One move is at most ten years (a typo such as 3000w is refused, not obeyed)."""
MAX_OFFSET_MS = 100 * 365 * UNITS_MS["d"]
"""The clock is never more than a century ahead of the wall clock (block times stay
well inside what RFC 3339 timestamps and Python datetimes can hold)."""
DURATION_RULE = "a positive whole number and a unit s, m, h, d or w, such as 90s, 15m, 3d, 2w"


def parse_duration(text: str) -> int:
    """Milliseconds in ``text``; ValueError naming the rule when it is not a forward move."""
    text = text.strip()
    if not _DURATION.fullmatch(text):
        raise ValueError(f"{text!r} is not a duration: {DURATION_RULE} (time only moves forward)")
    total = sum(int(n) * UNITS_MS[unit] for n, unit in _PART.findall(text))
    if total <= 0:
        raise ValueError(f"{text!r} does not move the clock: the duration must be positive")
    if total > MAX_STEP_MS:
        raise ValueError(f"{text!r} is more than 3650d: move the clock at most ten years at once")
    return total


def format_duration(ms: int) -> str:
    """``259200000`` -> ``3d``; ``90061000`` -> ``1d1h1m1s`` (the largest units first)."""
    if ms == 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        count, ms = divmod(ms, UNITS_MS[unit])
        if count:
            parts.append(f"{count}{unit}")
    if ms:
        parts.append(f"{ms}ms")
    return "".join(parts)


@dataclass(frozen=True)
class ClockReading:
    """What the orderer's clock says now: the time a block cut now would carry."""

    dev_chain: bool
    offset_ms: int
    now: str

    def to_json(self) -> dict[str, object]:
        return {
            "dev_chain": self.dev_chain,
            "offset_ms": self.offset_ms,
            "offset": format_duration(self.offset_ms),
            "now": self.now,
        }


def check_may_advance(
    config: GenesisConfig, org_type: str, role: str, offset_ms: int, by_ms: int
) -> None:
    """Refuse unless this chain is a dev chain, the role may move its clock and the new
    offset stays within ``MAX_OFFSET_MS``."""
    dev = config.dev_clock
    if dev is None:
        raise NotADevChain(
            f"chain {config.chain_id!r} is a production chain (its genesis has no dev_clock): "
            "its block times follow the wall clock only; create a development network with "
            "`agriledger network init --dev`"
        )
    if role not in dev.roles.get(org_type, ()):
        allowed = "; ".join(f"{t}: {', '.join(r)}" for t, r in sorted(dev.roles.items()))
        raise DevClockForbidden(
            f"a {org_type}'s {role} may not move this chain's clock "
            f"(genesis dev_clock.roles allows {allowed})"
        )
    if offset_ms + by_ms > MAX_OFFSET_MS:
        raise DevClockRefused(
            f"the clock is already {format_duration(offset_ms)} ahead; moving it "
            f"{format_duration(by_ms)} more would put it over a century ahead of the wall clock"
        )
