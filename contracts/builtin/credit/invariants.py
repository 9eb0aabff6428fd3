"""Declared invariants of the credit contract (checked after every step by the stateful tests).

C1 subsidy paid per programme <= funded <= budget, and the escrow holds exactly what is left.
C2 every subsidy payment <= the interest it offsets, and payments add up to the programme's paid.
C3 every rating was attested by a government member.
C4 every village's counts and credit-village status match its households.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from contracts.base import invariant
from contracts.builtin.credit.records import Household, Programme, SubsidyPayment, Village
from contracts.builtin.credit.rules import is_credit_village, is_good
from contracts.context import ReadContext


class CreditInvariants:
    """Mixin: the invariants, kept apart from the actions they police."""

    params: Any

    @invariant("C1", "subsidy paid per programme never exceeds its budget")
    def subsidy_within_budget(self, ctx: ReadContext) -> Iterable[str]:
        settlement = ctx.has_contract("settlement")
        for key, raw in ctx.scan("programme/"):
            p = Programme.model_validate(raw)
            if not 0 <= p.paid + p.refunded <= p.funded <= p.budget:
                yield (f"{key}: paid {p.paid} + refunded {p.refunded} <= funded {p.funded} "
                       f"<= budget {p.budget} does not hold")
            if settlement:
                held = int(ctx.view("settlement", "balance", account=p.escrow)["balance"])
                if held != p.available:
                    yield f"{key}: escrow {p.escrow} holds {held} fen, {p.available} expected"

    @invariant("C2", "a subsidy payment never exceeds the interest it offsets")
    def subsidy_within_interest(self, ctx: ReadContext) -> Iterable[str]:
        totals: dict[str, int] = defaultdict(int)
        counts: dict[str, int] = defaultdict(int)
        for key, raw in ctx.scan("payment/"):
            payment = SubsidyPayment.model_validate(raw)
            if not 0 < payment.subsidy <= payment.interest:
                yield f"{key}: subsidy {payment.subsidy} for interest {payment.interest}"
            totals[payment.programme] += payment.subsidy
            counts[payment.programme] += 1
        for key, raw in ctx.scan("programme/"):
            p = Programme.model_validate(raw)
            if (totals[p.id], counts[p.id]) != (p.paid, p.payments):
                yield (f"{key}: records {p.payments} payments of {p.paid} fen, payment log has "
                       f"{counts[p.id]} of {totals[p.id]} fen")

    @invariant("C3", "ratings are attested only by government")
    def ratings_by_government(self, ctx: ReadContext) -> Iterable[str]:
        for key, raw in ctx.scan("household/"):
            household = Household.model_validate(raw)
            if household.attester_org_type != "government":
                yield (f"{key}: attested by {household.attested_by}, "
                       f"a {household.attester_org_type or 'unknown'} member")

    @invariant("C4", "village status is consistent with its households")
    def villages_consistent(self, ctx: ReadContext) -> Iterable[str]:
        households: dict[str, int] = defaultdict(int)
        good: dict[str, int] = defaultdict(int)
        for key, raw in ctx.scan("household/"):
            household = Household.model_validate(raw)
            if ctx.get(f"village/{household.village}") is None:
                yield f"{key}: village {household.village} is not registered"
            households[household.village] += 1
            good[household.village] += is_good(household.tier, household.in_default)
        for key, raw in ctx.scan("village/"):
            v = Village.model_validate(raw)
            if (v.households, v.good) != (households[v.id], good[v.id]):
                yield (f"{key}: counts {v.households} households / {v.good} good, households "
                       f"say {households[v.id]} / {good[v.id]}")
            status = is_credit_village(
                good[v.id], households[v.id], self.params.credit_village_bp,
                self.params.credit_village_min_households,
            )
            if v.credit_village != status:
                yield f"{key}: credit_village is {v.credit_village}, its households say {status}"
