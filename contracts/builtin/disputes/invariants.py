"""Declared invariants of the disputes contract (docs/domain.md 5, D1..D4).

D1 an open dispute freezes its asset: the freeze index names exactly the open disputes.
D2 every agreement was sealed by the government mediation committee.
D3 a performed agreement paid exactly its terms; payers are parties; nothing else paid.
D4 deadlines follow the complaint timers and escalations happen only after a deadline.
D6 the deposits escrow holds exactly the security of the open disputes; a closed
   dispute's security went to the side its outcome names.
D7 exactly the ENFORCED disputes carry a court's outcome, entered by the court role; its
   debts are the ordered terms, paid in part or in full, never beyond; a dismissal
   orders nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts.base import invariant
from contracts.builtin.disputes.machine import add_days, handling_days, is_past
from contracts.builtin.disputes.records import (
    Complexity,
    Dispute,
    DisputeState,
    Term,
    open_key,
)
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

    @invariant("D6", "security is escrowed while a dispute is open, then paid by its outcome")
    def deposits_conserved(self, ctx: ReadContext) -> Iterable[str]:
        held = 0
        for key, raw in ctx.scan("dispute/"):
            d = Dispute.model_validate(raw)
            if d.is_open:
                held += d.deposit
                if d.deposit_to is not None:
                    yield f"{key} is open but its security went to {d.deposit_to}"
            elif d.deposit and d.deposit_to != d.deposit_owed_to:
                yield (f"{key} ({d.state.value}, upheld={d.upheld}) paid its security to "
                       f"{d.deposit_to}, not {d.deposit_owed_to}")
        if ctx.has_contract("settlement"):
            account = f"escrow:{ctx.contract_name}:deposits"
            balance = int(ctx.view("settlement", "balance", account=account)["balance"])
            if balance != held:
                yield f"{account} holds {balance} fen; open disputes' security is {held}"

    @invariant("D7", "an ENFORCED outcome is the court's; its terms are paid or owed")
    def judgments_recorded(self, ctx: ReadContext) -> Iterable[str]:
        for key, raw in ctx.scan("dispute/"):
            d = Dispute.model_validate(raw)
            j = d.judgment
            if (j is not None) != (d.state is DisputeState.ENFORCED):
                yield f"{key} is {d.state.value} with judgment {j is not None}"
            if j is None:
                continue
            if (j.entered_org_type, j.entered_role) != ("government", "court"):
                yield f"{key}: outcome entered by {j.entered_by} ({j.entered_role})"
            for debt in j.debts:
                if not 0 <= debt.paid <= debt.amount:
                    yield f"{key}: {debt.payer} paid {debt.paid} of {debt.amount} fen"
                if debt.payer not in (d.claimant, d.respondent):
                    yield f"{key}: judgment debtor {debt.payer} is not a party"
            if j.debts and not j.upheld:
                yield f"{key}: a dismissal orders payments"
            if j.sale is not None and not j.upheld:
                yield f"{key}: a dismissal orders a sale"
            ordered = tuple(Term(payer=t.payer, payee=t.payee, amount=t.amount, via=t.via)
                            for t in j.debts)
            if d.agreement is not None and d.history[-2].state is DisputeState.CONFIRMED \
                    and ordered != d.agreement.terms:
                yield f"{key}: enforced {ordered}, the confirmed agreement says {d.agreement.terms}"
        if ctx.has_contract("settlement"):
            funds = f"escrow:{ctx.contract_name}:court"
            left = int(ctx.view("settlement", "balance", account=funds)["balance"])
            if left:
                yield f"{funds} keeps {left} fen after the court's tx"
