"""The declared invariants C1..C9 of docs/domain.md 3.3 and C11..C17 (what a claimant or an
insurer will try), as checks over the stored state, and C10, the state layout's own:
per-household records belong to a stored parent and the claim heads' objection counts
agree with their households.

Each check yields one message per violation; ClaimsContract declares them with
@invariant and the stateful tests run them after every step. The checks work on
whole policies and claims, each assembled from its head and its per-household keys.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TypeVar

from contracts.builtin.claims.books import layers
from contracts.builtin.claims.clock import before, local_date, meet, within, years_later
from contracts.builtin.claims.index import matches
from contracts.builtin.claims.lifecycle import claim_is_open
from contracts.builtin.claims.models import ClaimsParams
from contracts.builtin.claims.payout import (
    BP,
    household_payout,
    index_payout,
    premium,
    share_losses,
    split_premium,
)
from contracts.builtin.claims.records import (
    ACTIVATED,
    Assessment,
    Book,
    BreachKind,
    Claim,
    ClaimHead,
    ClaimKind,
    CourtAward,
    Cover,
    CoverIndex,
    EvidenceUse,
    HouseholdState,
    PolicyHead,
    PolicyState,
    Programme,
    Reading,
    ShareLevel,
    breach_key,
    scan,
    split_child_key,
    with_covers,
    with_households,
)
from contracts.context import ReadContext
from contracts.records import Record
from ledger.timefmt import parse_time

R = TypeVar("R", bound=Record)


def children(ctx: ReadContext, model: type[R], prefix: str) -> dict[str, dict[str, R]]:
    """{parent id: {insured: record}} of every ``cover/`` or ``household/`` key."""
    out: dict[str, dict[str, R]] = defaultdict(dict)
    for key, value in ctx.scan(prefix):
        parent, insured = split_child_key(key)
        out[parent][insured] = model.model_validate(value)
    return out


class Snapshot:
    """Every record of the contract, read once per check."""

    def __init__(self, ctx: ReadContext) -> None:
        self.heads = {p.id: p for p in scan(ctx, PolicyHead, "policy/")}
        self.claim_heads = scan(ctx, ClaimHead, "claim/")
        self.covers = children(ctx, Cover, "cover/")
        self.households = children(ctx, Assessment, "household/")
        self.awards = children(ctx, CourtAward, "award/")
        self.policies = {i: with_covers(p, self.covers.get(i, {})) for i, p in self.heads.items()}
        self.claims: list[Claim] = [with_households(c, self.households.get(c.id, {}))
                                    for c in self.claim_heads]
        self.readings = {r.id: r for r in scan(ctx, Reading, "reading/")}
        self.books = scan(ctx, Book, "book/")
        self.programmes = {p.id: p for p in scan(ctx, Programme, "programme/")}


def c1_payout_formula(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for claim in snap.claims:
        if claim.kind is not ClaimKind.INDEMNITY:
            continue
        policy = snap.policies[claim.policy_id]
        for insured, h in claim.households.items():
            if not h.stage:  # an objection from a household not yet assessed
                continue
            cover = policy.covers[insured]
            expected = household_payout(
                stage_cap_bp=policy.stage_caps[h.stage],
                sum_insured_per_mu=policy.sum_insured_per_mu, loss_bp=h.loss_bp,
                damaged_area=h.damaged_area, insured_area=cover.insured_area,
                planted_area=cover.planted_area, threshold_bp=params.loss_threshold_bp,
                full_bp=params.full_loss_bp,
            )
            if h.formula != expected or h.amount > h.formula:
                yield f"{claim.id}/{insured}: formula {h.formula}, amount {h.amount}, " \
                      f"C1 gives {expected}"


def c2_sum_insured(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    paid: dict[tuple[str, str], int] = defaultdict(int)
    for claim in snap.claims:
        for insured, h in claim.households.items():
            paid[claim.policy_id, insured] += h.paid
            finals = [p for p in h.payments if not p.advance]
            if h.paid != sum(p.amount for p in h.payments) or h.paid > h.amount:
                yield f"{claim.id}/{insured}: paid {h.paid} of {h.amount}, payments disagree"
            if len(finals) != (1 if h.state is HouseholdState.PAID else 0):
                yield f"{claim.id}/{insured}: {len(finals)} final payments while {h.state.value}"
    for head in snap.claim_heads:
        for insured, award in snap.awards.get(head.id, {}).items():
            paid[head.policy_id, insured] += award.paid
            if award.paid != sum(p.amount for p in award.payments):
                yield f"{head.id}/{insured}: court award {award.paid}, payments disagree"
    for policy in snap.policies.values():
        for insured, cover in policy.covers.items():
            claimed = paid[policy.id, insured]
            if cover.paid != claimed:
                yield f"{policy.id}/{insured}: cover paid {cover.paid}, claims paid {claimed}"
            if cover.paid > cover.sum_insured(policy.sum_insured_per_mu):
                yield f"{policy.id}/{insured}: paid {cover.paid} above its sum insured"
        total = sum(c.paid for c in policy.covers.values())
        if total > policy.total_sum_insured():
            yield f"{policy.id}: paid {total} above sum insured {policy.total_sum_insured()}"


def c3_publicity_before_payout(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    for claim in Snapshot(ctx).claims:
        for insured, h in claim.households.items():
            for p in h.payments:
                if p.advance:
                    # The half-limit binds when the advance is paid (advance_pay); a later
                    # lower reassessment may leave more than half advanced, never more
                    # than all of it (assess_household).
                    if claim.declaration_id is None or h.advanced > h.amount:
                        yield f"{claim.id}/{insured}: advance outside the rule"
                    continue
                if h.agreed_at is None or before(p.at, h.agreed_at):
                    yield f"{claim.id}/{insured}: paid before the insured agreed"
                if claim.kind is ClaimKind.INDEMNITY and (
                    claim.publicity_ends is None or before(p.at, claim.publicity_ends)
                    or before(h.agreed_at or p.at, claim.publicity_ends)
                ):
                    yield f"{claim.id}/{insured}: paid or agreed before publicity ended"


def c4_deadlines_recorded(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    for claim in Snapshot(ctx).claims:
        due, done = claim.survey_due, claim.surveyed_at
        late = due and done and before(due, done)
        if late and ctx.get(breach_key(claim.id, BreachKind.SURVEY, None)) is None:
            yield f"{claim.id}: late survey without a breach record"
        for insured, h in claim.households.items():
            late = h.paid_at and h.pay_due and before(h.pay_due, h.paid_at)
            if late and ctx.get(breach_key(claim.id, BreachKind.PAYMENT, insured)) is None:
                yield f"{claim.id}/{insured}: late payment without a breach record"
    for key, breach in ctx.scan("breach/"):
        if not before(breach["due"], breach["recorded_at"]):
            yield f"{key}: recorded at {breach['recorded_at']}, not after its due time"


def c5_no_netting(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for claim in snap.claims:
        policy = snap.policies[claim.policy_id]
        for insured, h in claim.households.items():
            for p in h.payments:
                if p.to_payee < 0 or p.to_insured < 0 or p.to_payee + p.to_insured != p.amount:
                    yield f"{claim.id}/{insured}: payment {p.amount} split " \
                          f"{p.to_payee}+{p.to_insured}"
            if h.state is HouseholdState.PAID:
                cover = policy.covers[insured]
                award = snap.awards.get(claim.id, {}).get(insured, CourtAward())
                owed = max(h.advanced, h.amount - h.awarded)  # a court award is deducted
                if h.awarded > award.paid:
                    yield f"{claim.id}/{insured}: deducted {h.awarded} of a court award " \
                          f"of {award.paid}"
                if h.paid + h.shortfall != owed:
                    yield f"{claim.id}/{insured}: paid {h.paid} + shortfall {h.shortfall} " \
                          f"!= {owed}"
                if h.shortfall and cover.paid != cover.sum_insured(policy.sum_insured_per_mu):
                    yield f"{claim.id}/{insured}: short-paid though sum insured remains"


def c6_premium_shares(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    for policy in Snapshot(ctx).policies.values():
        bp = policy.shares_bp
        if (bp[ShareLevel.CENTRAL] != params.central_share_bp
                or bp[ShareLevel.PROVINCE] < params.province_min_share_bp
                or min(bp.values()) < 0 or sum(bp.values()) != BP):
            yield f"{policy.id}: share rates {bp}"
        total = premium(policy.premium_per_mu, sum(c.insured_area for c in policy.covers.values()))
        split = split_premium(total, bp[ShareLevel.CENTRAL], bp[ShareLevel.PROVINCE],
                              bp[ShareLevel.COUNTY]).as_dict()
        if policy.premium != total or {k.value: v for k, v in policy.shares_due.items()} != split:
            yield f"{policy.id}: premium {policy.premium} shares {policy.shares_due}, " \
                  f"expected {split}"
        all_paid = len(policy.shares_paid_by) == len(ShareLevel)
        if (policy.activated_at is not None) != all_paid or (
            policy.state in ACTIVATED and policy.activated_at is None
        ):
            yield f"{policy.id}: {policy.state.value} with shares paid by {policy.shares_paid_by}"


def c7_loss_payee_first(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for claim in snap.claims:
        policy = snap.policies[claim.policy_id]
        awards = snap.awards.get(claim.id, {})
        for insured in {*claim.households, *awards}:
            has_payee = policy.covers[insured].loss_payee is not None
            h = claim.households.get(insured)
            award = awards.get(insured, CourtAward())
            for p in [*(h.payments if h else ()), *award.payments]:
                if p.payee_debt is None:
                    if p.to_payee or (has_payee and p.amount):
                        yield f"{claim.id}/{insured}: payee share {p.to_payee} without its debt"
                elif p.to_payee != min(p.amount, p.payee_debt):
                    yield f"{claim.id}/{insured}: payee got {p.to_payee}, min(payment, debt) is " \
                          f"{min(p.amount, p.payee_debt)}"


def c8_index_station_only(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    indexed = {c.policy_id for c in snap.claims if c.kind is ClaimKind.INDEX}
    for claim in snap.claims:
        if claim.kind is not ClaimKind.INDEX:
            continue
        policy = snap.policies[claim.policy_id]
        reading = snap.readings.get(claim.reading_id or "")
        if reading is None or policy.index is None or reading.station != policy.index.station \
                or not policy.index.crossed(reading.value):
            yield f"{claim.id}: not triggered by its policy's station"
            continue
        for insured, h in claim.households.items():
            expected = index_payout(sum_insured_per_mu=policy.sum_insured_per_mu,
                                    payout_bp=policy.index.payout_bp,
                                    insured_area=policy.covers[insured].insured_area)
            if h.formula != expected or h.amount > expected:
                yield f"{claim.id}/{insured}: index formula {h.formula}, terms give {expected}"
    for reading in snap.readings.values():
        for policy in snap.policies.values():
            activated = policy.activated_at
            if activated and before(activated, reading.attested_at) \
                    and matches(policy, reading) and policy.id not in indexed:
                yield f"reading {reading.id} crosses {policy.id}'s trigger but paid nothing"


def c9_loss_sharing(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for book in snap.books:
        in_book = [p for p in snap.policies.values() if p.book == book.id]
        active = sum(p.earned for p in in_book)
        paid = sum(c.paid for p in in_book for c in p.covers.values())
        if book.premium != active or book.paid != paid:
            yield f"book {book.id}: premium {book.premium}/{active}, paid {book.paid}/{paid}"
        table = layers(params)
        share = share_losses(book.premium, book.paid, table).government
        free_bp = table[0].up_to_bp if table and table[0].government == 0 else 0
        if book.government_settled > share:
            yield f"book {book.id}: government settled {book.government_settled} > share {share}"
        if book.paid * BP <= book.premium * free_bp and book.government_settled:
            yield f"book {book.id}: government paid {book.government_settled} below 2x premium"


def c10_layout(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for policy_id, covers in snap.covers.items():
        if policy_id not in snap.heads:
            yield f"covers {sorted(covers)} of a policy {policy_id} that is not stored"
        for insured, cover in covers.items():
            if cover.insured != insured:
                yield f"{policy_id}/{insured}: the cover names {cover.insured}"
    heads = {c.id: c for c in snap.claim_heads}
    for claim_id, households in snap.households.items():
        head = heads.get(claim_id)
        if head is None:
            yield f"households {sorted(households)} of a claim {claim_id} that is not stored"
            continue
        covered = snap.covers.get(head.policy_id, {})
        for insured in households:
            if insured not in covered:
                yield f"{claim_id}/{insured}: not insured by {head.policy_id}"
    for claim in snap.claims:
        objected = sum(h.state is HouseholdState.OBJECTED for h in claim.households.values())
        if heads[claim.id].objected != objected:
            yield f"{claim.id}: counts {heads[claim.id].objected} objections, " \
                  f"{objected} households are OBJECTED"


def c11_cover_in_time(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for claim in snap.claims:
        policy = snap.heads[claim.policy_id]
        start = policy.cover_from
        if start is None or not within(claim.occurred_at, start, policy.period_end):
            yield f"{claim.id}: loss at {claim.occurred_at} outside cover {start} to " \
                  f"{policy.period_end} of {policy.id}"


def c12_one_cover(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    index: dict[str, list[tuple[str, CoverIndex]]] = defaultdict(list)
    for key, raw in ctx.scan("insured/"):
        holder, _, policy_id = key.removeprefix("insured/").rpartition("~")
        index[holder].append((policy_id, CoverIndex.model_validate(raw)))
    live = {(f"{insured}~{p.crop}", p.id) for p in snap.policies.values()
            if p.state is not PolicyState.CANCELLED for insured in p.covers}
    listed = {(holder, pid) for holder, entries in index.items() for pid, _ in entries}
    if live != listed:
        yield f"cover index disagrees with live covers: {sorted(live ^ listed)[:4]}"
    for holder, entries in index.items():
        for i, (_, a) in enumerate(entries):
            for _, b in entries[i + 1:]:
                meets = (a.plot is None or b.plot is None or a.plot == b.plot) and not before(
                    a.period_end, b.period_start) and not before(b.period_end, a.period_start)
                lawful = a.insurer != b.insurer and (a.double_insurance or b.double_insurance)
                if meets and not lawful:
                    yield f"{holder}: covered by both {a.policy_id} and {b.policy_id}"
    for claim in snap.claims:
        policy = snap.policies[claim.policy_id]
        for insured, h in claim.households.items():
            if h.other_sum_insured and h.stage:
                own = policy.covers[insured].sum_insured(policy.sum_insured_per_mu)
                if h.amount > h.formula * own // (own + h.other_sum_insured):
                    yield f"{claim.id}/{insured}: {h.amount} above its proportional share"


def _event(claim: Claim, tz: str) -> str:
    if claim.declaration_id:
        return f"decl:{claim.declaration_id}"
    return f"{claim.peril}:{local_date(claim.occurred_at, tz)}"


def c13_one_event(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    seen: dict[tuple[str, str], str] = {}
    tz = params.time_zone
    for claim in snap.claims:
        if claim.kind is not ClaimKind.INDEMNITY:
            continue
        key = (claim.policy_id, _event(claim, tz))
        if key in seen:
            yield f"{claim.id} and {seen[key]} are one event {key[1]} on {claim.policy_id}"
        seen[key] = claim.id
    windows = {d["id"]: d for _, d in ctx.scan("declaration/")}
    yield from _overlapping_declarations(list(windows.values()))
    for claim in snap.claims:
        if claim.kind is not ClaimKind.INDEMNITY or not claim.declaration_id:
            continue
        decl = windows[claim.declaration_id]
        first, last = local_date(decl["window_start"], tz), local_date(decl["window_end"], tz)
        for other in snap.claims:
            day = local_date(other.occurred_at, tz)
            if other.policy_id == claim.policy_id and other.kind is ClaimKind.INDEMNITY \
                    and not other.declaration_id and other.peril == claim.peril \
                    and first <= day <= last:
                yield f"{other.id} is inside declaration {decl['id']}, claimed as {claim.id}"


def _overlapping_declarations(declarations: list[dict[str, Any]]) -> Iterator[str]:
    """Two declarations of one peril and region whose windows meet: one loss would be two
    events (sorted by start: if any two meet, two neighbours do)."""
    ordered = sorted(declarations, key=lambda d: (d["peril"], d["region"],
                                                  parse_time(d["window_start"])))
    for prev, this in itertools.pairwise(ordered):
        if (prev["peril"], prev["region"]) == (this["peril"], this["region"]) and meet(
                prev["window_start"], prev["window_end"], this["window_start"],
                this["window_end"]):
            yield f"declarations {prev['id']} and {this['id']} overlap ({this['peril']} in "\
                  f"{this['region']})"


def c14_limitation(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    for claim in Snapshot(ctx).claims:
        limit = years_later(claim.occurred_at, params.limitation_years, params.time_zone)
        if before(limit, claim.reported_at):
            yield f"{claim.id}: reported {claim.reported_at}, limitation ended {limit}"


def c15_lifecycle(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    for policy in snap.policies.values():
        claims = [c for c in snap.claims if c.policy_id == policy.id]
        ended = policy.ended_at
        if policy.state in (PolicyState.EXPIRED, PolicyState.CLOSED) and (
            ended is None or not before(policy.period_end, ended)
        ):
            yield f"{policy.id}: {policy.state.value} at {ended}, period ends {policy.period_end}"
        if policy.state in (PolicyState.CLOSED, PolicyState.CANCELLED):
            still = [c.id for c in claims if claim_is_open(ctx, c.id)]
            late = [c.id for c in claims if ended is None or before(ended, c.reported_at)]
            if still or late:
                yield f"{policy.id}: {policy.state.value} with open {still}, later {late}"
        for level, amount in policy.refunds.items():
            if level not in policy.shares_paid_by or not 0 <= amount <= policy.shares_due[level]:
                yield f"{policy.id}: refund {amount} of the {level.value} share"
        if policy.refunds and policy.state is not PolicyState.CANCELLED:
            yield f"{policy.id}: refunds while {policy.state.value}"
        if policy.state is PolicyState.CANCELLED and any(c.paid for c in policy.covers.values()) \
                and any(policy.refunds.values()):
            yield f"{policy.id}: refunded premium after a paid claim"


def c16_unique_evidence(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    claims_of: dict[str, set[str]] = defaultdict(set)
    households_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for claim in snap.claims:
        for digest in claim.survey_evidence:
            claims_of[digest].add(claim.id)
        for insured, h in claim.households.items():
            for digest in h.evidence:
                claims_of[digest].add(claim.id)
                households_of[digest].add((claim.id, insured))
    uses = {k.removeprefix("evidence/"): EvidenceUse.model_validate(v)
            for k, v in ctx.scan("evidence/")}
    for digest, owners in claims_of.items():
        use = uses.get(digest)
        holders = households_of[digest]
        if len(owners) > 1 or len(holders) > 1:
            yield f"evidence {digest[:12]} backs claims {sorted(owners)}, households {holders}"
        elif use is None or {use.claim_id} != owners or (
            holders and {(use.claim_id, use.insured)} != holders
        ):
            yield f"evidence {digest[:12]}: recorded use {use} disagrees with {owners} {holders}"


def c17_budgets(ctx: ReadContext, params: ClaimsParams) -> Iterator[str]:
    snap = Snapshot(ctx)
    spent: dict[str, int] = defaultdict(int)
    for policy in snap.policies.values():
        for level, programme_id in policy.share_programmes.items():
            programme = snap.programmes.get(programme_id)
            if programme is None or programme.level != level.value \
                    or programme.purpose != "premium":
                yield f"{policy.id}: {level.value} share from programme {programme_id}"
            spent[programme_id] += policy.shares_due[level] - policy.refunds.get(level, 0)
        if set(policy.share_programmes) != set(policy.shares_paid_by) - {ShareLevel.FARMER}:
            yield f"{policy.id}: government shares paid outside a programme"
    for book in snap.books:
        for programme_id, amount in book.settled_from.items():
            programme = snap.programmes.get(programme_id)
            if programme is None or programme.purpose != "loss_share" \
                    or programme.level != params.loss_sharing_level:
                yield f"book {book.id}: loss share from programme {programme_id}"
            spent[programme_id] += amount
        if sum(book.settled_from.values()) != book.government_settled:
            yield f"book {book.id}: settled {book.government_settled} not from programmes"
    for programme in snap.programmes.values():
        paid = spent[programme.id]
        if not 0 <= programme.spent <= programme.budget or programme.spent != paid:
            yield f"programme {programme.id}: spent {programme.spent} (shares {paid}) " \
                  f"of budget {programme.budget}"
