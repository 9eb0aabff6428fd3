"""Declared invariants of the disputes contract (docs/domain.md 5, D1..D4).

D1 an open dispute freezes its asset: the freeze index names exactly the open disputes.
D2 every agreement was sealed by the government mediation committee.
D3 a performed agreement paid exactly its terms; payers are parties; nothing else paid.
D4 deadlines follow the complaint timers and escalations happen only after a deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts.base import invariant
from contracts.builtin.disputes.machine import add_days, handling_days, is_past
from contracts.builtin.disputes.records import Complexity, Dispute, DisputeState, open_key
from contracts.context import ReadContext


class DisputesInvariants:
    """Mixin: the invariants, kept apart from the actions they police."""

    params: Any

    @invariant("D1", "opening a dispute freezes the referenced asset until it closes")
    def open_disputes_freeze(self, ctx: ReadContext) -> Iterable[str]:
        for key, raw in ctx.scan("dispute/"):
            d = Dispute.model_validate(raw)
            index = ctx.get(open_key(d.asset))
            if d.is_open and (index is None or index["dispute"] != d.id):
                yield f"{key} is {d.state.value} but {d.asset} is not frozen by it"
        for key, entry in ctx.scan("open/"):
            holder = ctx.load(Dispute, f"dispute/{entry['dispute']}")
            if holder is None:
                yield f"{key} names unknown dispute {entry['dispute']}"
                continue
            if not holder.is_open or key != open_key(holder.asset):
                yield (f"{key} is held by dispute {holder.id} ({holder.state.value}, "
                       f"asset {holder.asset})")

    @invariant("D2", "only the mediation committee seals an agreement")
    def agreements_sealed_by_committee(self, ctx: ReadContext) -> Iterable[str]:
        for key, raw in ctx.scan("dispute/"):
            a = Dispute.model_validate(raw).agreement
            if a is not None and (a.sealer_org_type, a.sealer_role) != ("government", "mediator"):
                yield (f"{key}: agreement sealed by {a.sealed_by} "
                       f"({a.sealer_org_type}:{a.sealer_role})")

    @invariant("D3", "agreement money terms execute exactly, through settlement")
    def terms_performed_exactly(self, ctx: ReadContext) -> Iterable[str]:
        for key, raw in ctx.scan("dispute/"):
            d = Dispute.model_validate(raw)
            terms = d.agreement.terms if d.agreement is not None else ()
            if any(t.payer not in (d.claimant, d.respondent) for t in terms):
                yield f"{key}: a term's payer is not a party"
            expected = terms if d.state is DisputeState.PERFORMED else ()
            if d.performed != expected:
                yield f"{key} ({d.state.value}) performed {d.performed}, expected {expected}"

    @invariant("D4", "complaint deadlines follow the timers; escalations only after a deadline")
    def timers_consistent(self, ctx: ReadContext) -> Iterable[str]:
        p = self.params
        for key, raw in ctx.scan("dispute/"):
            d = Dispute.model_validate(raw)
            days = handling_days(d.complexity, p.simple_days, p.complex_days)
            if d.extended:
                days += p.extension_days
            if d.extended and d.complexity is not Complexity.COMPLEX:
                yield f"{key}: a simple dispute was extended"
            if d.deadline != add_days(d.filed_at, days):
                yield f"{key}: deadline {d.deadline} is not filing + {days} days"
            seen = set()
            for e in d.escalations:
                if not is_past(e.at, e.deadline) or e.deadline in seen:
                    yield (f"{key}: escalation at {e.at} for deadline {e.deadline} "
                           "is premature or repeated")
                seen.add(e.deadline)
