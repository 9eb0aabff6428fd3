"""Warehouse-receipt pledge loans over a season.

A cooperative deposits its harvest in a certified warehouse independent of it (V5):
its own, with the network's collateral manager co-signing every receipt and counting
the stock every half ``stock_check_days``; else an independent warehouse org; else
another cooperative's warehouse. The keeper grades the lot onto its own pile and
issues a receipt; the cooperative pledges the receipt to a bank.
The bank lends within its loan-to-value cap, priced by the borrower's credit
rating when the credit contract runs. A price oracle outside the banks (the
government's price bureau, or an appraiser) attests each commodity's price on the
path's change days and often enough that it never goes stale, and revalues the
pledged receipts when the price moves; a margin call is cured by a partial
repayment, or not. At maturity the cooperative repays in full (liens released in
the same tx) or defaults, and the bank sells the goods at auction to a third-party
buyer, or takes them at a price agreed with (co-signed by) the cooperative, never
below the attested value less the contract's haircut.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.builtin.warehouse_receipt.models import (
    ApplyArgs,
    ApproveArgs,
    AttestPriceArgs,
    EnforceSaleArgs,
    EnforceTakeArgs,
    IntakeArgs,
    IssueArgs,
    LoanArgs,
    ReceiptArgs,
    RepayArgs,
    StockCheckArgs,
    StockCount,
)
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from scenarios.agents.base import AgentKit, at_least
from scenarios.engine import Outcome, Story, Tx, Wait, ok

WR = "warehouse_receipt"


GRADE = "2"
UNIT = "kg"
ORACLE_ROLES = ("price_bureau", "appraiser")


def _param(kit: AgentKit, name: str) -> int:
    """A warehouse_receipt genesis param, or its default."""
    params = next(c.params for c in kit.world.network.config.contracts if c.name == WR)
    return int(params.get(name, getattr(WarehouseReceiptParams(), name)))


def ltv_cap_bp(kit: AgentKit) -> int:
    """The chain's loan-to-value cap (genesis param of warehouse_receipt, default 70 %)."""
    return _param(kit, "ltv_cap_bp")


def price_oracle(kit: AgentKit) -> str | None:
    """The first member holding a price-oracle role, if the network has one."""
    for role in ORACLE_ROLES:
        members = kit.world.members_with_role(role)
        if members:
            return members[0]
    return None


def price_story(kit: AgentKit, oracle: str, commodity: str, default: int) -> Story:
    """The oracle attests ``commodity``'s price on each change day of the price path and
    every half of the contract's maximum price age in between."""
    every = _param(kit, "price_max_age_days") / 2
    changes = sorted(day for day, _ in kit.world.scenario.agents.price_path.get(commodity, []))
    day = 0.05
    while day < kit.world.scenario.days:
        yield Wait(until_day=day)
        yield Tx(
            oracle,
            WR,
            "attest_price",
            AttestPriceArgs(
                commodity=commodity,
                grade=GRADE,
                unit=UNIT,
                price_per_unit=kit.price(commodity, day, default),
                as_of=kit.time_at(day),
            ),
        )
        day = min([day + every, *(c + 0.1 for c in changes if c + 0.1 > day)])


def attested_value(kit: AgentKit, reader: str, commodity: str, quantity: int) -> int | None:
    """``quantity`` of ``commodity`` at its latest attested price (None if never attested)."""
    price = kit.view(reader, WR, "price", commodity=commodity, grade=GRADE, unit=UNIT)
    return None if price is None else quantity * int(price["price_per_unit"])


def bank_offer(
    kit: AgentKit, officer: str, borrower: str, value: int, base_rate_bp: int
) -> tuple[int, int]:
    """Principal (within the LTV cap) and rate (discounted by the borrower's rating)."""
    principal = value * ltv_cap_bp(kit) // 10_000
    rate = base_rate_bp
    if kit.enabled("credit"):
        pricing = kit.view(officer, "credit", "pricing", borrower=borrower,
                           base_rate_bp=base_rate_bp)
        rate = int(pricing.get("rate_bp", base_rate_bp))
    return principal, rate


def collateral_manager(kit: AgentKit) -> str | None:
    """The first member holding the collateral-manager role, if the network has one."""
    members = kit.world.members_with_role("collateral_manager")
    return members[0] if members else None


def custody(kit: AgentKit, coop: str) -> tuple[str, tuple[str, ...]]:
    """Where ``coop`` stores goods it will pledge, and who co-signs their receipts (V5)."""
    manager = collateral_manager(kit)
    if manager is not None:
        return coop, (manager,)
    independent = kit.world.orgs_of_type("warehouse") or [
        c for c in kit.world.orgs_of_type("cooperative") if c != coop
    ]
    return (independent[0], ()) if independent else (coop, ())


def stock_story(kit: AgentKit, manager: str, warehouse: str) -> Story:
    """The collateral manager counts ``warehouse``'s stock every half ``stock_check_days``
    (the agents' goods are never short, so the count is the books)."""
    every = _param(kit, "stock_check_days") / 2
    day = 0.5
    while day < kit.world.scenario.days:
        yield Wait(until_day=day)
        found = kit.view(manager, WR, "custody", warehouse=warehouse)
        if found is not None:
            counts = [
                StockCount(commodity=key.split("/")[0], unit=key.split("/")[1], quantity=qty)
                for key, qty in sorted(found["books"].items())
            ]
            yield Tx(manager, WR, "attest_stock", StockCheckArgs(
                warehouse=warehouse,
                counts=counts,
            ))
        day += every


def pay_off(kit: AgentKit, payer: str, borrower: str, loan_id: str) -> Story:
    """Pay off whatever is owed at block time, after any interest subsidy (the amount is
    not known in advance, so the borrower's treasurer co-signs)."""
    yield Tx(payer, WR, "repay", RepayArgs(loan_id=loan_id),
             co_signers=kit.dual_control(borrower, None, payer))


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


def cure_amount(kit: AgentKit, reader: str, loan: str, cap_value: int) -> int:
    """What brings the loan back within the cap: repayments pay accrued interest first, so
    the interest to date plus the principal above the cap, and a cushion for the interest
    that accrues between this read and the block."""
    state = kit.view(reader, WR, "loan", loan_id=loan)
    owed = int(state["principal_outstanding"])
    interest = int(state["debt"]) - owed  # interest and any penalty owed to date
    return interest + max(1, owed - cap_value) + max(1, owed // 1_000)


def pledge_story(
    kit: AgentKit, coop: str, bank: str, buyer: str | None, number: int, plan: Plan
) -> Story:
    spec = kit.world.scenario.agents.pledge
    rng = kit.rng
    manager = kit.member(coop, "manager")
    warehouse, custodian = custody(kit, coop)
    keeper = kit.member(warehouse, "warehouse_keeper")
    officer = kit.member(bank, "loan_officer")
    oracle = price_oracle(kit)
    commodity = plan.commodity
    quantity = rng.randint(*spec.quantity_kg)
    defaulter = plan.defaulter
    cures = plan.cures
    auction = rng.random() < spec.sale_probability

    outcome = yield Tx(
        keeper,
        WR,
        "record_intake",
        IntakeArgs(
            warehouse=warehouse,
            depositor=coop,
            commodity=commodity,
            grade=GRADE,
            quantity=quantity,
            unit=UNIT,
            moisture_permille=140,
            pile=f"{warehouse} bay {number}",
            received_at=kit.time_at(0),
        ),
    )
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    intake = outcome.event("IntakeRecorded")
    assert intake is not None
    lot = intake["lot_id"]
    price = kit.price(commodity, outcome.day, spec.commodities[commodity])
    value = quantity * price
    outcome = yield Tx(
        keeper,
        WR,
        "issue",
        IssueArgs(
            warehouse=warehouse,
            lot_id=lot,
            quantity=quantity,
            shrinkage_bp=50,
            storage_days=300,
            storage_fee=quantity // 10,
            value=value,
        ),
        co_signers=custodian,
    )
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    issued = outcome.event("ReceiptIssued")
    assert issued is not None
    receipt = issued["receipt_id"]
    outcome = yield Tx(
        manager, WR, "apply", ApplyArgs(borrower=coop, bank=bank, receipt_ids=[receipt])
    )
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    applied = outcome.event("LoanApplied")
    assert applied is not None
    loan = applied["loan_id"]
    kit.board.setdefault(("pledge_loan", coop), loan)
    principal, rate = bank_offer(kit, officer, coop, value, spec.rate_bp)
    outcome = yield Tx(
        officer,
        WR,
        "approve",
        ApproveArgs(
            loan_id=loan,
            principal=principal,
            tenor_days=spec.tenor_days,
            rate_bp=rate,
        ),
    )
    if not ok(outcome):
        return
    outcome = yield Tx(officer, WR, "disburse", LoanArgs(loan_id=loan),
                       co_signers=kit.dual_control(bank, principal, officer))
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    disbursed_day = outcome.day
    maturity_day = disbursed_day + spec.tenor_days

    # Price moves: once the oracle has attested the new price it revalues the receipt.
    path = kit.world.scenario.agents.price_path.get(commodity, [])
    for change_day, new_price in sorted(path):
        if oracle is None or not disbursed_day < change_day < maturity_day:
            continue
        yield Wait(until_day=change_day + 0.3)
        outcome = yield Tx(oracle, WR, "revalue", ReceiptArgs(receipt_id=receipt))
        if not isinstance(outcome, Outcome) or outcome.event("MarginCall") is None:
            continue
        if cures and not defaulter:
            cap_value = quantity * new_price * ltv_cap_bp(kit) // 10_000
            amount = cure_amount(kit, manager, loan, cap_value)
            outcome = yield Tx(
                manager, WR, "repay", RepayArgs(loan_id=loan, amount=amount),
                co_signers=kit.dual_control(coop, amount, manager),
            )
        else:
            defaulter = True
            yield Wait(days=11)
            outcome = yield Tx(officer, WR, "mark_default", LoanArgs(loan_id=loan))
            if ok(outcome):
                yield from _enforce(
                    kit, loan, manager, officer, buyer, auction, commodity, quantity
                )
            return

    if defaulter:
        yield Wait(until_day=maturity_day + 1.2)
        outcome = yield Tx(officer, WR, "mark_default", LoanArgs(loan_id=loan))
        if ok(outcome):
            yield from _enforce(kit, loan, manager, officer, buyer, auction, commodity, quantity)
        return
    yield Wait(until_day=maturity_day - 2)
    yield from pay_off(kit, manager, coop, loan)
    outcome = yield Tx(manager, WR, "request_delivery", ReceiptArgs(receipt_id=receipt))
    if ok(outcome):
        yield Wait(days=1)
        yield Tx(keeper, WR, "confirm_outbound", ReceiptArgs(receipt_id=receipt))


def _enforce(
    kit: AgentKit,
    loan: str,
    manager: str,
    officer: str,
    buyer: str | None,
    auction: bool,
    commodity: str,
    quantity: int,
) -> Story:
    """Auction to the buyer at the reserve, or a take that the cooperative co-signs at
    exactly the floor: both the attested value less the haircut (V3)."""
    value = attested_value(kit, officer, commodity, quantity)
    if value is None:
        return
    floor = -(-value * (10_000 - _param(kit, "take_haircut_bp")) // 10_000)
    if auction and buyer is not None:
        purchaser = kit.member(buyer, "purchaser")
        price = floor
        yield Tx(
            officer,
            WR,
            "enforce_sale",
            EnforceSaleArgs(
                loan_id=loan,
                buyer=buyer,
                price=price,
                costs=price // 100,
            ),
            co_signers=(purchaser, *kit.dual_control(buyer, price, purchaser)),
        )
    else:
        yield Tx(
            officer,
            WR,
            "enforce_take",
            EnforceTakeArgs(loan_id=loan, price=floor, costs=floor // 200),  # an appraisal, 0.5 %
            co_signers=(manager,),
        )


def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    spec = kit.world.scenario.agents.pledge
    if not spec.loans or not kit.enabled(WR):
        return
    oracle = price_oracle(kit)
    if oracle is not None:
        for commodity, default in sorted(spec.commodities.items()):
            yield 0.05, f"prices-{commodity}", price_story(kit, oracle, commodity, default)
    coops = kit.world.orgs_of_type("cooperative")
    manager = collateral_manager(kit)
    if manager is not None:
        for coop in coops:
            yield 0.5, f"stock-{coop}", stock_story(kit, manager, coop)
    buyers = kit.world.orgs_of_type("buyer")
    turns: Counter[tuple[str, ...]] = Counter()
    for number, plan in enumerate(plans(kit)):
        coop = coops[number % len(coops)]
        day = spec.start_day + kit.rng.random() * spec.spread_days
        banks = lenders(kit, day)
        turn = turns[banks]  # the loan's number while no bank joins
        turns[banks] += 1
        bank = banks[(turn // len(coops)) % len(banks)]
        joined = kit.world.joins_day(bank)
        if joined is not None:  # its members are enrolled and it is funded on its day
            day = max(day, joined + JOINED_LEAD_DAYS)
        buyer = buyers[number % len(buyers)] if buyers else None
        yield day, f"pledge-{number}", pledge_story(kit, coop, bank, buyer, number, plan)


JOINED_LEAD_DAYS = 0.5
"""A bank that joined takes loans from half a day after its joining day on."""


def lenders(kit: AgentKit, day: float) -> tuple[str, ...]:
    """The banks in business on ``day`` in the order loans go round them: those that joined
    during the run first (the latest first: a new bank is keen for business), then the
    genesis banks in the scenario's order. Each set of banks takes its own turns, so a
    scenario where no bank joins spreads its loans as it always did."""
    banks = kit.world.orgs_of_type("bank", day)
    joined = sorted((b for b in banks if kit.world.joins_day(b) is not None),
                    key=lambda b: (-(kit.world.joins_day(b) or 0.0), b))
    return (*joined, *(b for b in banks if kit.world.joins_day(b) is None))
