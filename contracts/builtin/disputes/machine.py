"""The dispute state machine as a table, and the complaint-deadline arithmetic.

FILED -> ACCEPTED -> MEDIATING -> AGREEMENT_SIGNED -> (CONFIRMATION_REQUESTED -> CONFIRMED |
REJECTED) -> PERFORMED | ENFORCED; MEDIATING -> FAILED -> LITIGATION -> ENFORCED. A court
enters both ENFORCED steps: ``enforce`` executes a confirmed agreement, ``judge`` a judgment
after litigation.
Added (docs/domain.md 5 leaves them open): FILED -> DECLINED (the committee refuses the case, so
a groundless filing cannot freeze an asset for long); FILED/ACCEPTED/MEDIATING -> WITHDRAWN
(the claimant drops it); REJECTED -> PERFORMED | LITIGATION (a court refusing confirmation
leaves a civil contract the parties may still perform, or sue on).
"""

from __future__ import annotations

import datetime as dt

from contracts.builtin.disputes.records import Complexity, DisputeState
from ledger.timefmt import format_time, parse_time

S = DisputeState

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[DisputeState], DisputeState]] = {
    "accept": (frozenset({S.FILED}), S.ACCEPTED),
    "decline": (frozenset({S.FILED}), S.DECLINED),
    "start_mediation": (frozenset({S.ACCEPTED}), S.MEDIATING),
    "sign_agreement": (frozenset({S.MEDIATING}), S.AGREEMENT_SIGNED),
    "fail": (frozenset({S.MEDIATING}), S.FAILED),
    "withdraw": (frozenset({S.FILED, S.ACCEPTED, S.MEDIATING}), S.WITHDRAWN),
    "request_confirmation": (frozenset({S.AGREEMENT_SIGNED}), S.CONFIRMATION_REQUESTED),
    "confirm": (frozenset({S.CONFIRMATION_REQUESTED}), S.CONFIRMED),
    "reject": (frozenset({S.CONFIRMATION_REQUESTED}), S.REJECTED),
    "perform": (frozenset({S.AGREEMENT_SIGNED, S.CONFIRMED, S.REJECTED}), S.PERFORMED),
    "enforce": (frozenset({S.CONFIRMED}), S.ENFORCED),
    "judge": (frozenset({S.LITIGATION}), S.ENFORCED),
    "litigate": (frozenset({S.FAILED, S.REJECTED}), S.LITIGATION),
}


def handling_days(complexity: Complexity, simple_days: int, complex_days: int) -> int:
    return simple_days if complexity is Complexity.SIMPLE else complex_days


def add_days(time: str, days: int) -> str:
    return format_time(parse_time(time) + dt.timedelta(days=days))


def is_past(now: str, deadline: str) -> bool:
    """Strictly after the deadline: a step at the deadline instant is still on time."""
    return parse_time(now) > parse_time(deadline)


def security(disputed: int, deposit_bp: int) -> int:
    """The deposit for freezing another's asset: ``deposit_bp`` of the disputed amount,
    rounded up so that the security never falls short by a fen."""
    return -(-disputed * deposit_bp // 10_000)
