"""The plain model beside the claims machine (claims_machine.py): the parties and covers
of p1, the season's dates, and what the model keeps of each claim and household. Written
out independently of the contract, so that a slip in either shows as a disagreement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from test_claims_kit import CNY, MU

from ledger.timefmt import parse_time

H1, H2, H3, H4 = (f"coop-q.h{i:03d}" for i in range(1, 5))
P1_COVERS = {H1: (10 * MU, 10 * MU), H2: (10 * MU, 20 * MU), H3: (10 * MU, 10 * MU)}
SI_PER_MU = 500 * CNY
HOUSEHOLD_SI = 5_000 * CNY
LOAN = 300 * CNY
TEA_WINDOW = ("2026-03-01T00:00:00Z", "2026-09-30T00:00:00Z")
PERIOD_END = parse_time("2026-11-30T00:00:00Z")
BEIJING = ZoneInfo("Asia/Shanghai")
RETENTION = dt.timedelta(days=1_825)
PERSONAL = {"name": "1a" * 32, "id_number": "2b" * 32, "bank_card": "3c" * 32}
LOSS_TIMES = ("now", "now", "a minute ago", "2026-03-02T00:00:00Z", "2026-04-01T00:00:00Z")


def model_payout(loss_bp: int, area: int, insured: int, planted: int) -> int:
    """The model's own C1 for p1 (tillering cap 80 %, 500 CNY/mu), written out plainly."""
    f = 0 if loss_bp < 3_000 else 10_000 if loss_bp >= 7_000 else loss_bp
    return 8_000 * SI_PER_MU * f * area * insured // (10_000 * 10_000 * 100 * planted)


def any_open(c: MClaim) -> bool:
    """Some household still to agree or be paid (or no household assessed yet)."""
    return not c.households or any(h.state in ("ASSESSED", "AGREED", "OBJECTED")
                                   for h in c.households.values())


@dataclass
class MHousehold:
    state: str
    amount: int = 0
    pay_due: dt.datetime | None = None
    advanced: int = 0


def advance_limit(h: MHousehold) -> int:
    """How much of an assessed amount may be paid in advance in all (50 %, floored)."""
    return h.amount * 5_000 // 10_000


@dataclass
class MClaim:
    kind: str
    state: str
    reported: dt.datetime
    publicity_ends: dt.datetime | None = None
    declared: bool = False
    households: dict[str, MHousehold] = field(default_factory=dict)
