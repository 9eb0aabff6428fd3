"""Warehouse-receipt pledge loans over a season.

A cooperative deposits its harvest in its own certified warehouse; the keeper
grades it and issues a receipt; the cooperative pledges the receipt to a bank.
The bank lends within its loan-to-value cap, priced by the borrower's credit
rating when the credit contract runs. When prices move, the bank's risk officer
revalues the collateral; a margin call is cured by a partial repayment, or not.
At maturity the cooperative repays in full (liens released in the same tx) or
defaults, and the bank sells the goods at auction to a buyer or takes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scenarios.agents.base import AgentKit, at_least
from scenarios.engine import Outcome, Story, Tx, Wait, ok

WR = "warehouse_receipt"


def ltv_cap_bp(kit: AgentKit) -> int:
    """The chain's loan-to-value cap (genesis param of warehouse_receipt, default 70 %)."""
    params = next(c.params for c in kit.world.network.config.contracts if c.name == WR)
    return int(params.get("ltv_cap_bp", 7000))


def bank_offer(
    kit: AgentKit, bank: str, borrower: str, value: int, base_rate_bp: int
) -> tuple[int, int]:
    """Principal (within the LTV cap) and rate (discounted by the borrower's rating)."""
    principal = value * ltv_cap_bp(kit) // 10_000
    rate = base_rate_bp
    if kit.enabled("credit"):
        pricing = kit.view("credit", "pricing", borrower=borrower, base_rate_bp=base_rate_bp)
        rate = int(pricing.get("rate_bp", base_rate_bp))
    return principal, rate


def pay_off(kit: AgentKit, payer: str, loan_id: str) -> Story:
    """Pay off whatever is owed at block time, after any interest subsidy."""
    yield Tx(payer, WR, "repay", {"loan_id": loan_id})


@dataclass(frozen=True)
class Plan:
    """What one loan's story will do, drawn up front so the scenario's promises can be kept."""

    commodity: str
    defaulter: bool
    cures: bool


def steepest_fall(kit: AgentKit) -> str:
    """The commodity whose price path falls most (relative to its starting price)."""
    spec = kit.world.scenario.agents.pledge

    def fall(commodity: str) -> float:
        start = spec.commodities[commodity]
        path = kit.world.scenario.agents.price_path.get(commodity, [])
        return max((1 - price / start for _, price in path), default=0.0)

    return max(sorted(spec.commodities), key=fall)


def plans(kit: AgentKit) -> list[Plan]:
    """Each loan's commodity, default and cure, then the promised minimum of cures (on
    loans of the steepest-falling commodity, which get the margin calls) and defaults."""
    spec = kit.world.scenario.agents.pledge
    rng = kit.rng
    names = sorted(spec.commodities)
    loans = range(spec.loans)
    commodities = [names[rng.randrange(len(names))] for _ in loans]
    defaulter = [rng.random() < spec.default_probability for _ in loans]
    cures = [rng.random() < spec.cure_probability and not defaulter[n] for n in loans]
    if spec.at_least_cured:
        falling = steepest_fall(kit)
        exposed = [n for n in loans if commodities[n] == falling]
        others = [n for n in loans if n not in exposed]
        for n in rng.sample(others, min(max(spec.at_least_cured - len(exposed), 0), len(others))):
            commodities[n] = falling  # enough loans of it to cure
        candidates = [n for n in loans if commodities[n] == falling]
        at_least(rng, cures, spec.at_least_cured, candidates)
        for n in candidates:
            defaulter[n] = defaulter[n] and not cures[n]
    at_least(rng, defaulter, spec.at_least_defaulted, [n for n in loans if not cures[n]])
    return [Plan(commodities[n], defaulter[n], cures[n]) for n in loans]


def cure_amount(kit: AgentKit, loan: str, cap_value: int) -> int:
    """What brings the loan back within the cap: repayments pay accrued interest first, so
    the interest to date plus the principal above the cap, and a cushion for the interest
    that accrues between this read and the block."""
    state = kit.view(WR, "loan", loan_id=loan)
    owed = int(state["principal_outstanding"])
    interest = int(state.get("interest_accrued", 0))
    return interest + max(1, owed - cap_value) + max(1, owed // 1_000)


def pledge_story(
    kit: AgentKit, coop: str, bank: str, buyer: str | None, number: int, plan: Plan
) -> Story:
    spec = kit.world.scenario.agents.pledge
    rng = kit.rng
    manager = kit.member(coop, "manager")
    keeper = kit.member(coop, "warehouse_keeper")
    officer = kit.member(bank, "loan_officer")
    risk = kit.member(bank, "risk_officer")
    commodity = plan.commodity
    quantity = rng.randint(*spec.quantity_kg)
    defaulter = plan.defaulter
    cures = plan.cures
    auction = rng.random() < spec.sale_probability
    lot = f"{coop}-lot-{number}"

    outcome = yield Tx(
        manager,
        WR,
        "declare_deposit",
        {
            "lot_id": lot,
            "depositor": coop,
            "warehouse": coop,
            "commodity": commodity,
            "quantity": quantity,
            "unit": "kg",
        },
    )
    if not ok(outcome):
        return
    outcome = yield Tx(
        keeper,
        WR,
        "inspect_and_grade",
        {
            "warehouse": coop,
            "lot_id": lot,
            "quantity": quantity,
            "grade": "2",
            "moisture_permille": 140,
        },
    )
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    price = kit.price(commodity, outcome.day, spec.commodities[commodity])
    value = quantity * price
    outcome = yield Tx(
        keeper,
        WR,
        "issue",
        {
            "warehouse": coop,
            "lot_id": lot,
            "quantity": quantity,
            "shrinkage_bp": 50,
            "location": f"{coop} certified warehouse, bay {number}",
            "storage_days": 300,
            "storage_fee": quantity // 10,
            "value": value,
        },
    )
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    issued = outcome.event("ReceiptIssued")
    assert issued is not None
    receipt = issued["receipt_id"]
    outcome = yield Tx(
        manager, WR, "apply", {"borrower": coop, "bank": bank, "receipt_ids": [receipt]}
    )
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    applied = outcome.event("LoanApplied")
    assert applied is not None
    loan = applied["loan_id"]
    kit.board.setdefault(("pledge_loan", coop), loan)
    principal, rate = bank_offer(kit, bank, coop, value, spec.rate_bp)
    outcome = yield Tx(
        officer,
        WR,
        "approve",
        {
            "loan_id": loan,
            "principal": principal,
            "tenor_days": spec.tenor_days,
            "rate_bp": rate,
        },
    )
    if not ok(outcome):
        return
    outcome = yield Tx(officer, WR, "disburse", {"loan_id": loan})
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    disbursed_day = outcome.day
    maturity_day = disbursed_day + spec.tenor_days

    # Price moves: the bank's risk officer revalues on each change during the loan.
    path = kit.world.scenario.agents.price_path.get(commodity, [])
    for change_day, new_price in sorted(path):
        if not disbursed_day < change_day < maturity_day:
            continue
        yield Wait(until_day=change_day + 0.3)
        outcome = yield Tx(
            risk, WR, "revalue", {"receipt_id": receipt, "value": quantity * new_price}
        )
        if not isinstance(outcome, Outcome) or outcome.event("MarginCall") is None:
            continue
        if cures and not defaulter:
            cap_value = quantity * new_price * ltv_cap_bp(kit) // 10_000
            outcome = yield Tx(
                manager, WR, "repay", {"loan_id": loan, "amount": cure_amount(kit, loan, cap_value)}
            )
        else:
            defaulter = True
            yield Wait(days=11)
            outcome = yield Tx(officer, WR, "mark_default", {"loan_id": loan})
            if ok(outcome):
                yield from _enforce(kit, loan, officer, buyer, auction, quantity * new_price)
            return

    if defaulter:
        yield Wait(until_day=maturity_day + 1.2)
        outcome = yield Tx(officer, WR, "mark_default", {"loan_id": loan})
        if ok(outcome):
            yield from _enforce(kit, loan, officer, buyer, auction, value)
        return
    yield Wait(until_day=maturity_day - 2)
    yield from pay_off(kit, manager, loan)
    outcome = yield Tx(manager, WR, "request_delivery", {"receipt_id": receipt})
    if ok(outcome):
        yield Wait(days=1)
        yield Tx(keeper, WR, "confirm_outbound", {"receipt_id": receipt})


def _enforce(
    kit: AgentKit, loan: str, officer: str, buyer: str | None, auction: bool, value: int
) -> Story:
    if auction and buyer is not None:
        purchaser = kit.member(buyer, "purchaser")
        price = value * 9 // 10  # auction at a 10 % discount to appraisal
        yield Tx(
            officer,
            WR,
            "enforce_sale",
            {
                "loan_id": loan,
                "buyer": buyer,
                "price": price,
                "costs": price // 100,
            },
            co_signers=(purchaser,),
        )
    else:
        yield Tx(officer, WR, "enforce_take", {"loan_id": loan, "costs": 0})



def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    spec = kit.world.scenario.agents.pledge
    if not spec.loans or not kit.enabled(WR):
        return
    coops = kit.world.orgs_of_type("cooperative")
    banks = kit.world.orgs_of_type("bank")
    buyers = kit.world.orgs_of_type("buyer")
    for number, plan in enumerate(plans(kit)):
        coop = coops[number % len(coops)]
        bank = banks[(number // len(coops)) % len(banks)]
        buyer = buyers[number % len(buyers)] if buyers else None
        day = spec.start_day + kit.rng.random() * spec.spread_days
        yield day, f"pledge-{number}", pledge_story(kit, coop, bank, buyer, number, plan)
