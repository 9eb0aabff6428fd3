"""The "Two Small" (两小) platform: credit lines for Lishui natives' small supermarkets and inns.

Government registers the merchants' home villages, attests every rated merchant's
credit rating, publishes an interest-subsidy programme for merchants' credit loans and
funds it. Over the season merchants apply to one of the banks for part of their line;
the bank reads the borrower's price and the shared line registry
(``credit.pricing``, ``credit_loans.exposure``), grants what is left of the line at the
priced rate plus its own markup, or declines. A few merchants, with a loan open, ask a
second bank for their whole line again; that bank grants without reading the registry
and the contract refuses (one line across all banks). At maturity a merchant
deposits its shop takings (issued by the central bank: money enters the ledger only by
issuance) and pays the loan off after the subsidy, or defaults and the bank writes it off.

Lanes: each merchant's workflow is an ordinary story, but the engine visits every live
story at every step, so 28,000 ratings and 12,000 loans as separate stories would cost
O(stories x steps). Workflows are therefore multiplexed onto a fixed number of lane
stories (``lanes``/``rating_lanes``): a lane runs the workflows due, one tx at a time,
and sleeps until the next one is due. Every tx is still signed by the merchant, officer
or government member who acts.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from contracts.builtin.credit.models import (
    AttestRatingArgs,
    FundProgrammeArgs,
    PublishProgrammeArgs,
    RegisterVillageArgs,
    ScoresArgs,
)
from contracts.builtin.credit.records import BorrowerKind, SubsidyRule, Tier
from contracts.builtin.credit_loans.models import ApplyArgs, GrantArgs, LoanArgs, RepayArgs
from contracts.builtin.settlement.contract import IssueArgs
from scenarios.agents.base import AgentKit
from scenarios.engine import Outcome, Story, Tx, Wait, ok
from scenarios.world import Household

CL = "credit_loans"
PROGRAMME = "two-small-subsidy"
GRANT_REFUSALS = ("EXCEEDS_CREDIT_LINE", "BORROWER_IN_DEFAULT")
"""Why a grant may be refused in this story: a bank that grants without reading the shared
registry (a stacking attempt) passes the line; a merchant who defaulted gets no new loan.
The refused application is then declined."""
SCORE_BANDS = {"AAA": (90, 100), "AA": (80, 89), "A": (70, 79), "B": (50, 69)}
DEFAULT_BASE_RATE_BP = 600
GRACE_DAYS = 1.5


@dataclass(frozen=True)
class Desk:
    """Who acts for the government and each bank (looked up once: rosters are large)."""

    rater: str
    finance: str
    central_bank: str
    officers: dict[str, str]


@dataclass(frozen=True)
class LoanPlan:
    """Everything random about one financing, drawn up front in a fixed order."""

    number: int
    merchant: str
    bank: str
    second_bank: str
    share: float
    tenor_days: int
    markup_bp: int
    defaulter: bool
    stacks: bool


@dataclass(order=True)
class _Slot:
    wake: float
    seq: int
    story: Story = field(compare=False)
    value: Outcome | None = field(compare=False, default=None)
    started: bool = field(compare=False, default=False)


def lane(items: Sequence[tuple[float, Callable[[], Story]]]) -> Story:
    """Run many workflow stories, each started at its day, one tx at a time."""
    pending = sorted(items, key=lambda item: item[0])
    heap: list[_Slot] = []
    seq = itertools.count()
    now = 0.0
    index = 0
    while index < len(pending) or heap:
        while index < len(pending) and pending[index][0] <= now:
            heapq.heappush(heap, _Slot(pending[index][0], next(seq), pending[index][1]()))
            index += 1
        upcoming = [slot.wake for slot in heap[:1]] + [p[0] for p in pending[index:index + 1]]
        if min(upcoming) > now:
            now = min(upcoming)
            yield Wait(until_day=now)
            continue
        slot = heapq.heappop(heap)
        try:
            intent = next(slot.story) if not slot.started else slot.story.send(slot.value)
        except StopIteration:
            continue
        slot.started = True
        if isinstance(intent, Wait):
            slot.wake = intent.until_day if intent.until_day is not None else now + intent.days
            slot.value = None
        else:
            outcome = yield intent
            if isinstance(outcome, Outcome):
                now = max(now, outcome.day)
            slot.wake, slot.value = now, outcome
        slot.seq = next(seq)
        heapq.heappush(heap, slot)



# -- government ----------------------------------------------------------------------------


def register_village(desk: Desk, village: str) -> Story:
    yield Tx(desk.rater, "credit", "register_village",
             RegisterVillageArgs(village=village, name=f"home village {village}"))


def subsidy_programme(kit: AgentKit, desk: Desk) -> Story:
    spec = kit.world.scenario.agents.credit_lines
    outcome = yield Tx(desk.finance, "credit", "publish_programme", PublishProgrammeArgs(
        programme=PROGRAMME, name="Two Small entrepreneurship interest subsidy",
        borrower_kinds=[BorrowerKind.MERCHANT], products=[CL], rule=SubsidyRule.SHARE,
        share_bp=spec.subsidy_share_bp, budget=spec.subsidy_budget_fen,
    ))
    if ok(outcome):
        yield Tx(desk.finance, "credit", "fund_programme",
                 FundProgrammeArgs(programme=PROGRAMME, amount=spec.subsidy_budget_fen))


def rate_merchant(desk: Desk, merchant: Household, scores: tuple[int, int, int, int]) -> Story:
    moral, record, ability, capacity = scores
    yield Tx(desk.rater, "credit", "attest_rating", AttestRatingArgs(
        subject=merchant.member_id, village=merchant.village, tier=Tier(merchant.rating),
        kind=BorrowerKind.MERCHANT, scores=ScoresArgs(
            moral_character=moral, credit_record=record, business_ability=ability,
            repayment_capacity=capacity,
        ),
    ))


# -- a financing ---------------------------------------------------------------------------


def financing(kit: AgentKit, desk: Desk, plan: LoanPlan, base_rate_bp: int) -> Story:
    """Apply, grant within the shared line (or decline), then pay off or default."""
    officer = desk.officers[plan.bank]
    pricing = kit.view(officer, "credit", "pricing", borrower=plan.merchant,
                       base_rate_bp=base_rate_bp)
    line = int(pricing["credit_line"])
    rate = int(pricing["rate_bp"]) + plan.markup_bp
    amount = max(100, int(line * plan.share) // 10_000 * 10_000)
    loan_id = yield from apply(plan, plan.bank, amount)
    if loan_id is None:
        return
    exposure = kit.view(officer, CL, "exposure", borrower=plan.merchant)
    grant = min(amount, int(exposure["available"]))
    outcome = None
    if grant > 0:
        outcome = yield Tx(officer, CL, "grant",
                           GrantArgs(loan_id=loan_id, rate_bp=rate, amount=grant),
                           refusals=GRANT_REFUSALS)
    if not ok(outcome):
        yield Tx(officer, CL, "decline", LoanArgs(loan_id=loan_id))
        return
    assert isinstance(outcome, Outcome)
    maturity = outcome.day + plan.tenor_days
    if plan.stacks:
        yield from stack(desk, plan, line, rate)
    if plan.defaulter:
        yield Wait(until_day=maturity + GRACE_DAYS)
        yield Tx(officer, CL, "default", LoanArgs(loan_id=loan_id))
        return
    yield Wait(until_day=maturity - 1)
    yield from pay_off(kit, desk, plan.merchant, loan_id)


def apply(plan: LoanPlan, bank: str, amount: int) -> Generator[Tx, Outcome | None, str | None]:
    outcome = yield Tx(plan.merchant, CL, "apply", ApplyArgs(
        borrower=plan.merchant, bank=bank, amount=amount, tenor_days=plan.tenor_days,
    ))
    if not ok(outcome):
        return None
    assert isinstance(outcome, Outcome)
    applied = outcome.event("LoanApplied")
    assert applied is not None
    return str(applied["loan_id"])


def stack(desk: Desk, plan: LoanPlan, line: int, rate: int) -> Story:
    """With a loan open, ask a second bank for the whole line; a bank that grants without
    reading the shared registry is refused by the contract (EXCEEDS_CREDIT_LINE)."""
    officer = desk.officers[plan.second_bank]
    loan_id = yield from apply(plan, plan.second_bank, max(100, line))
    if loan_id is None:
        return
    outcome = yield Tx(officer, CL, "grant", GrantArgs(loan_id=loan_id, rate_bp=rate),
                       refusals=GRANT_REFUSALS)
    if not ok(outcome):
        yield Tx(officer, CL, "decline", LoanArgs(loan_id=loan_id))


def pay_off(kit: AgentKit, desk: Desk, merchant: str, loan_id: str) -> Story:
    """Deposit takings to cover what is owed (before the subsidy), then pay off."""
    owed = int(kit.view(merchant, CL, "loan", loan_id=loan_id)["outstanding"])
    held = int(kit.view(merchant, "settlement", "balance", account=merchant)["balance"])
    if owed > held:
        yield Tx(desk.central_bank, "settlement", "issue",
                 IssueArgs(account=merchant, amount=owed - held + 10_000, memo="shop takings"))
    yield Tx(merchant, CL, "repay", RepayArgs(loan_id=loan_id))


# -- the season ----------------------------------------------------------------------------


def _desk(kit: AgentKit) -> Desk | None:
    governments = kit.world.orgs_of_type("government")

    def first(role: str) -> str | None:
        return next((m for g in governments for m in kit.world.members_with_role(role, g)), None)

    rater, finance, central = first("agriculture"), first("finance"), first("central_bank")
    if rater is None or finance is None or central is None:
        return None
    officers = {b: kit.member(b, "loan_officer") for b in kit.world.orgs_of_type("bank")}
    return Desk(rater, finance, central, officers)


def _base_rate(kit: AgentKit) -> int:
    params: dict[str, Any] = next(
        (dict(c.params) for c in kit.world.network.config.contracts if c.name == CL), {}
    )
    return int(params.get("base_rate_bp", DEFAULT_BASE_RATE_BP))


def _split(items: list[tuple[float, Callable[[], Story]]], lanes: int) -> list[list[Any]]:
    return [items[i::lanes] for i in range(min(lanes, len(items)))]


def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    spec = kit.world.scenario.agents.credit_lines
    merchants = [h for h in kit.world.households if h.kind == "merchants"]
    if not merchants or not (kit.enabled(CL) and kit.enabled("credit")):
        return
    desk = _desk(kit)
    if desk is None or not desk.officers:
        return
    rng = kit.rng
    for village in sorted({m.village for m in merchants}):
        yield 0.0, f"village-{village}", register_village(desk, village)
    yield 0.1, "subsidy-programme", subsidy_programme(kit, desk)

    ratings: list[tuple[float, Callable[[], Story]]] = []
    for merchant in merchants:
        band = SCORE_BANDS.get(merchant.rating)
        if band is None:
            continue  # unrated: no attestation, no line
        scores = (rng.randint(*band), rng.randint(*band), rng.randint(*band), rng.randint(*band))
        ratings.append((spec.rating_day, _bind(rate_merchant, desk, merchant, scores)))
    for number, items in enumerate(_split(ratings, spec.rating_lanes)):
        yield spec.rating_day, f"ratings-{number}", lane(items)

    rated = [m.member_id for m in merchants if m.rating in SCORE_BANDS]
    banks = sorted(desk.officers)
    base_rate = _base_rate(kit)
    loans: list[tuple[float, Callable[[], Story]]] = []
    for number in range(spec.financings if rated else 0):
        bank = banks[rng.randrange(len(banks))]
        plan = LoanPlan(
            number=number,
            merchant=rated[rng.randrange(len(rated))],
            bank=bank,
            second_bank=banks[(banks.index(bank) + 1) % len(banks)],
            share=rng.uniform(*spec.amount_share),
            tenor_days=spec.tenor_days[rng.randrange(len(spec.tenor_days))],
            markup_bp=rng.randint(0, spec.markup_bp),
            defaulter=rng.random() < spec.default_probability,
            stacks=rng.random() < spec.stacking_probability,
        )
        day = spec.start_day + rng.random() * spec.spread_days
        loans.append((day, _bind(financing, kit, desk, plan, base_rate)))
    for number, items in enumerate(_split(loans, spec.lanes)):
        yield spec.start_day, f"credit-lines-{number}", lane(items)


def _bind(func: Callable[..., Story], *args: Any) -> Callable[[], Story]:
    """A factory: the workflow's generator is only created when its day comes."""
    return lambda: func(*args)
