"""Every figure of a run, folded from the chain an honest peer holds, plus the network's report.

The collector reads each committed block's contract events in height order
(events carry the facts: who lent how much to whom, when a claim was reported
and paid) and dispatches them by (contract, event type) through one table, so
a number in the report can always be traced back to the events behind it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api.visibility import MemberReads
from ledger.timefmt import parse_time
from nodes.peer import Peer
from nodes.report import NetworkReport
from nodes.sim.simulation import Simulation
from scenarios.engine import EngineStats, Outcome, Tx
from scenarios.result import (
    Breach,
    ChainFigures,
    ClaimFigures,
    ClaimStages,
    ClientFigures,
    CreditFigures,
    ExposureFigures,
    FaultRecord,
    Figures,
    Flag,
    LoanStats,
    NetworkFigures,
    OrderFigures,
    PeerEnd,
    PremiumFigures,
    ProductLine,
    ProposalLine,
    RefusedTx,
    SeasonFigures,
    SeasonLoans,
    SubsidyFigures,
)
from scenarios.world import World

MS_PER_DAY = 86_400_000

PRODUCTS = {
    "warehouse_receipt": "receipt pledge",
    "order_finance": "order financing",
    "credit_loans": "credit loan",
}
"""The loan product each lending contract offers, as the report names it."""

FARMERS_SHARE = "farmer"
"""The premium level the farmers pay themselves (via their cooperative); every other
level is a government subsidy."""

LOAN_STATS = ("issued", "issued_fen", "outstanding_fen", "repaid", "defaulted", "written_off_fen")


@dataclass
class _Loan:
    bank: str
    borrower: str
    outstanding: int = 0
    principal: int = 0
    product: str = ""


@dataclass(frozen=True)
class _Order:
    buyer: str
    seller: str
    value: int


@dataclass
class Fold:
    """The running totals of one chain's events; ``HANDLERS`` update it event by event."""

    start: dt.datetime
    loans: dict[str, _Loan] = field(default_factory=dict)
    applied: dict[str, tuple[str, str]] = field(default_factory=dict)
    sellers: dict[str, str] = field(default_factory=dict)
    by_bank: dict[str, dict[str, int]] = field(default_factory=dict)
    series: dict[str, list[list[float]]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    premium: Counter[str] = field(default_factory=Counter)
    subsidy: Counter[str] = field(default_factory=Counter)
    by_product: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    live_orders: dict[str, _Order] = field(default_factory=dict)
    breach_list: list[dict[str, Any]] = field(default_factory=list)
    margin: Counter[str] = field(default_factory=Counter)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    breaches: int = 0
    day: float = 0.0
    boundaries: list[float] = field(default_factory=list)
    """The scenario's season boundaries (days); season n runs from the (n-1)th on."""
    season_sums: dict[int, Counter[str]] = field(default_factory=dict)
    season_banks: dict[int, dict[str, Counter[str]]] = field(default_factory=dict)
    days: dict[int, float] = field(default_factory=dict)
    """Block height -> its simulated day."""

    def season(self) -> Counter[str]:
        """The running sums of the season ``day`` falls in (empty without seasons)."""
        return self.season_sums.setdefault(bisect_right(self.boundaries, self.day), Counter())

    def season_bank(self, bank: str) -> Counter[str]:
        index = bisect_right(self.boundaries, self.day)
        return self.season_banks.setdefault(index, {}).setdefault(bank, Counter())

    def bank(self, bank: str) -> dict[str, int]:
        return self.by_bank.setdefault(bank, dict.fromkeys(LOAN_STATS, 0))

    def add(self, loan: _Loan, stat: str, amount: int) -> None:
        """Count ``amount`` into ``stat`` of the loan's bank and of its (bank, product) line."""
        self.bank(loan.bank)[stat] += amount
        line = self.by_product.setdefault((loan.bank, loan.product), dict.fromkeys(LOAN_STATS, 0))
        line[stat] += amount

    def move(self, loan_id: str, delta: int) -> None:
        loan = self.loans.get(loan_id)
        if loan is None or delta == 0:
            return
        delta = max(delta, -loan.outstanding)
        loan.outstanding += delta
        self.add(loan, "outstanding_fen", delta)
        self.series.setdefault(loan.bank, [[0.0, 0]]).append(
            [round(self.day, 3), self.bank(loan.bank)["outstanding_fen"]]
        )

    def exposure(self) -> list[dict[str, Any]]:
        """Who is exposed to whom now: outstanding principal of live loans, value of live
        orders (cancelled and settled ones are out)."""
        edges: Counter[tuple[str, str]] = Counter()
        for loan in self.loans.values():
            if loan.outstanding > 0:
                edges[(loan.bank, loan.borrower)] += loan.outstanding
        for order in self.live_orders.values():
            edges[(order.buyer, order.seller)] += order.value
        return [{"from": a, "to": b, "fen": v} for (a, b), v in sorted(edges.items())]


Handler = Callable[[Fold, Mapping[str, Any]], None]


def _wr_applied(f: Fold, d: Mapping[str, Any]) -> None:
    f.applied[d["loan_id"]] = (d["bank"], d["borrower"])


def _disbursed(
    f: Fold, loan_id: str, bank: str, borrower: str, principal: int, product: str
) -> None:
    loan = f.loans[loan_id] = _Loan(bank, borrower, 0, principal, product)
    f.season().update({"loans": 1, "issued_fen": principal})
    f.season_bank(bank).update({"issued": 1, "issued_fen": principal})
    f.add(loan, "issued", 1)
    f.add(loan, "issued_fen", principal)
    f.move(loan_id, principal)


def _disbursed_as(contract: str) -> Handler:
    def handle(f: Fold, d: Mapping[str, Any]) -> None:
        bank, borrower = f.applied.get(d["loan_id"], ("?", "?"))
        _disbursed(f, d["loan_id"], bank, borrower, int(d["principal"]), PRODUCTS[contract])

    return handle


def _of_financed(f: Fold, d: Mapping[str, Any]) -> None:
    seller = f.sellers.get(d["order_id"], d["order_id"])
    _disbursed(
        f, d["loan_id"], d["lender"], seller, int(d["principal"]), PRODUCTS["order_finance"]
    )
    f.counts.setdefault("orders", Counter())["financed"] += 1
    f.counts["orders"]["financed_fen"] += int(d["principal"])


def _repaid_principal(f: Fold, d: Mapping[str, Any]) -> None:
    f.season()["borrowers_interest_fen"] += int(d.get("interest", 0))
    f.move(d["loan_id"], -int(d.get("principal", 0)))


def _closed(f: Fold, d: Mapping[str, Any]) -> None:
    loan = f.loans.get(d["loan_id"])
    if loan is None:
        return
    if str(d.get("closure", "repaid")).lower() == "repaid":
        f.add(loan, "repaid", 1)
    f.move(d["loan_id"], -loan.outstanding)


def _defaulted(f: Fold, d: Mapping[str, Any]) -> None:
    loan = f.loans.get(d["loan_id"])
    if loan is None:
        return
    f.add(loan, "defaulted", 1)
    if "written_off" in d:
        f.add(loan, "written_off_fen", int(d["written_off"]))
        f.move(d["loan_id"], -loan.outstanding)


def _enforced(f: Fold, d: Mapping[str, Any]) -> None:
    loan = f.loans.get(d["loan_id"])
    if loan is None:
        return
    f.add(loan, "written_off_fen", int(d.get("written_off", 0)))
    f.margin["enforced"] += 1
    f.margin[str(d.get("closure", "")).lower()] += 1  # auctioned / taken_by_bank
    f.move(d["loan_id"], -loan.outstanding)


def _margin_call(f: Fold, d: Mapping[str, Any]) -> None:
    f.margin["calls"] += 1


def _margin_cured(f: Fold, d: Mapping[str, Any]) -> None:
    f.margin["cured"] += 1


def _order_created(f: Fold, d: Mapping[str, Any]) -> None:
    f.sellers[d["order_id"]] = d["seller"]
    f.live_orders[d["order_id"]] = _Order(d["buyer"], d["seller"], int(d.get("value", 0)))
    f.counts.setdefault("orders", Counter())["created"] += 1


def _order_over(name: str) -> Handler:
    """A cancelled or settled order: counted, and no longer an exposure."""

    def handle(f: Fold, d: Mapping[str, Any]) -> None:
        f.live_orders.pop(d["order_id"], None)
        f.counts.setdefault("orders", Counter())[name] += 1

    return handle


def _claim(stage: str) -> Handler:
    def handle(f: Fold, d: Mapping[str, Any]) -> None:
        claim = f.claims.setdefault(d["claim_id"], {"claim_id": d["claim_id"]})
        claim.setdefault(stage, round(f.day, 3))
        if stage == "paid_day":
            claim["paid_fen"] = claim.get("paid_fen", 0) + int(d.get("amount", 0))
            claim["to_loss_payee_fen"] = claim.get("to_loss_payee_fen", 0) + int(
                d.get("to_payee", 0) or 0
            )

    return handle


def _count(group: str, name: str) -> Handler:
    def handle(f: Fold, d: Mapping[str, Any]) -> None:
        f.counts.setdefault(group, Counter())[name] += 1

    return handle


def _invoiced(f: Fold, d: Mapping[str, Any]) -> None:
    """Counted at the invoice, which ends the shipments: less than ordered is short."""
    if int(d.get("short_qty", 0)) > 0:
        f.counts.setdefault("orders", Counter())["short_delivered"] += 1


def _shipped(f: Fold, d: Mapping[str, Any]) -> None:
    if int(d.get("days_late", 0)) > 0:
        f.counts.setdefault("orders", Counter())["late_deliveries"] += 1


def _dispute_state(f: Fold, d: Mapping[str, Any]) -> None:
    f.counts.setdefault("disputes", Counter())[str(d.get("state", "")).lower()] += 1


def _premium(f: Fold, d: Mapping[str, Any]) -> None:
    f.premium[str(d["level"])] += int(d["amount"])


def _funded(f: Fold, d: Mapping[str, Any]) -> None:
    f.subsidy["budget_fen"] += int(d["amount"])


def _subsidy_paid(f: Fold, d: Mapping[str, Any]) -> None:
    paid = int(d.get("subsidy", d.get("amount", 0)))
    f.subsidy["used_fen"] += paid
    f.subsidy["payments"] += 1
    f.season().update({"subsidy_fen": paid, "subsidy_payments": 1})


def _breach(f: Fold, d: Mapping[str, Any]) -> None:
    f.breaches += 1
    due_day = (parse_time(str(d["due"])) - f.start).total_seconds() / 86_400
    f.breach_list.append(
        {
            "claim_id": d["claim_id"],
            "kind": d.get("kind", ""),
            "insured": d.get("insured"),
            "due": d["due"],
            "days_late": round(f.day - due_day, 2),
        }
    )


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("warehouse_receipt", "LoanApplied"): _wr_applied,
    ("warehouse_receipt", "LoanDisbursed"): _disbursed_as("warehouse_receipt"),
    ("warehouse_receipt", "LoanRepaid"): _repaid_principal,
    ("warehouse_receipt", "LoanClosed"): _closed,
    ("warehouse_receipt", "LoanDefaulted"): _defaulted,
    ("warehouse_receipt", "LoanEnforced"): _enforced,
    ("warehouse_receipt", "MarginCall"): _margin_call,
    ("warehouse_receipt", "MarginCallCured"): _margin_cured,
    ("order_finance", "OrderCreated"): _order_created,
    ("order_finance", "OrderFinanced"): _of_financed,
    ("order_finance", "OrderCancelled"): _order_over("cancelled"),
    ("order_finance", "OrderSettled"): _order_over("settled"),
    ("order_finance", "Invoiced"): _invoiced,
    ("order_finance", "OrderDelivered"): _shipped,
    ("order_finance", "BuyerDefaulted"): _count("orders", "buyer_defaults"),
    ("order_finance", "ShortfallToDirectDebt"): _count("orders", "shortfall_to_direct_debt"),
    ("order_finance", "OrderConfirmed"): _count("orders", "confirmed"),
    ("order_finance", "LoanRepaid"): _repaid_principal,
    ("order_finance", "LoanClosed"): _closed,
    ("order_finance", "LoanDefaulted"): _defaulted,
    ("claims", "LossReported"): _claim("reported_day"),
    ("claims", "IndexTriggered"): _claim("reported_day"),
    ("claims", "ClaimSurveyed"): _claim("surveyed_day"),
    ("claims", "AgreementSigned"): _claim("agreed_day"),
    ("claims", "ClaimPaid"): _claim("paid_day"),
    ("claims", "PremiumSharePaid"): _premium,
    ("claims", "DeadlineBreached"): _breach,
    ("claims", "PolicyExpired"): _count("policy", "expired"),
    ("claims", "PolicyClosed"): _count("policy", "closed"),
    ("disputes", "DisputeOpened"): _count("disputes", "opened"),
    ("disputes", "DisputeStateChanged"): _dispute_state,
    ("disputes", "DisputeEscalated"): _count("disputes", "escalated"),
    ("credit", "ProgrammeFunded"): _funded,
    ("credit", "SubsidyPaid"): _subsidy_paid,
    ("credit_loans", "LoanApplied"): _wr_applied,
    ("credit_loans", "LoanDisbursed"): _disbursed_as("credit_loans"),
    ("credit_loans", "LoanRepaid"): _repaid_principal,
    ("credit_loans", "LoanClosed"): _closed,
    ("credit_loans", "LoanDefaulted"): _defaulted,
}


class MetricsCollector:
    def __init__(self, world: World) -> None:
        self.world = world
        self.outcomes_by_action: Counter[str] = Counter()
        self.rejections_by_action: Counter[str] = Counter()
        self.scripted_refusals: list[RefusedTx] = []

    def on_outcome(self, story: str, tx: Tx, outcome: Outcome) -> None:
        key = f"{tx.contract}.{tx.action}"
        self.outcomes_by_action[key] += 1
        if not outcome.committed:
            self.rejections_by_action[f"{key}:{outcome.code}"] += 1
            if tx.scripted:
                self.scripted_refusals.append(RefusedTx(
                    day=round(outcome.day, 3), actor=tx.actor, action=key,
                    code=outcome.code or "?", message=outcome.message or "",
                ))

    def finish(
        self,
        sim: Simulation,
        report: NetworkReport,
        peer: Peer | None,
        stats: EngineStats,
        faults: list[FaultRecord],
        reader: MemberReads | None = None,
    ) -> Figures:
        """Fold the chain as ``reader`` (the regulator) may read it: every tx's status and
        code, and the events of the txs it may read (a supervisor reads them all)."""
        start = parse_time(self.world.scenario.start)
        fold = Fold(start=start, boundaries=list(self.world.scenario.seasons))
        committed = rejected = txs = 0
        codes: Counter[str] = Counter()
        height = peer.height() if peer is not None else 0
        for h in range(1, height + 1):
            assert peer is not None
            block = peer.block(h)
            if block is None:
                continue
            fold.day = (parse_time(block.header.time) - start).total_seconds() / 86_400
            fold.days[h] = fold.day
            readable = (
                reader.readable_txs(block) if reader is not None else [True] * len(block.results)
            )
            for result, may_read in zip(block.results, readable, strict=True):
                txs += 1
                if not result.committed:
                    rejected += 1
                    codes[result.code or "?"] += 1
                    continue
                committed += 1
                if not may_read:
                    continue
                for event in result.events:
                    handler = HANDLERS.get((event.get("contract", ""), event.get("type", "")))
                    if handler is not None:
                        handler(fold, event.get("data", {}))
        head = peer.head() if peer is not None else None
        claims = sorted(fold.claims.values(), key=lambda c: c["claim_id"])
        paid = [c for c in claims if "paid_day" in c and "reported_day" in c]
        delays = [c["paid_day"] - c["reported_day"] for c in paid]
        kinds = {o.id: o.type for o in self.world.scenario.network.organisations}
        flagged = {
            accused.split(".", 1)[0]: Flag(
                by=sorted(a.split(".", 1)[0] for a in accusers),
                height=min(d.height for d in report.flags if d.accused == accused),
            )
            for accused, accusers in report.flagged().items()
        }
        return Figures(
            chain=ChainFigures(
                blocks=height + 1,
                txs=txs,
                committed=committed,
                rejected=rejected,
                rejected_by_code=dict(sorted(codes.items())),
                head_hash=head.hash() if head else "",
                state_hash=head.state_hash if head else "",
                heads_equal=report.converged,
                peers={
                    p.node_id.split(".", 1)[0]: PeerEnd(
                        height=p.height, head=p.head_hash, up=p.up, behaviour=p.behaviour
                    )
                    for p in report.peers
                },
            ),
            credit=CreditFigures(
                by_bank={bank: LoanStats(**stats) for bank, stats in fold.by_bank.items()},
                by_bank_product=[
                    ProductLine.model_validate({"bank": bank, "product": product, **stats})
                    for (bank, product), stats in sorted(fold.by_product.items())
                ],
                outstanding_series=fold.series,
                loans=len(fold.loans),
                margin_calls=fold.margin["calls"],
                margin_calls_cured=fold.margin["cured"],
                enforced=fold.margin["enforced"],
                auctioned=fold.margin["auctioned"],
                taken_by_lender=fold.margin["taken_by_bank"],
                repaid=sum(b["repaid"] for b in fold.by_bank.values()),
                defaulted=sum(b["defaulted"] for b in fold.by_bank.values()),
                issued_fen=sum(b["issued_fen"] for b in fold.by_bank.values()),
                outstanding_fen=sum(b["outstanding_fen"] for b in fold.by_bank.values()),
            ),
            claims=ClaimFigures(
                timeline=[ClaimStages(**c) for c in claims],
                count=len(claims),
                paid=len(paid),
                paid_fen=sum(c.get("paid_fen", 0) for c in claims),
                to_loss_payee_fen=sum(c.get("to_loss_payee_fen", 0) for c in claims),
                days_to_payout_mean=sum(delays) / len(delays) if delays else 0.0,
                days_to_payout_max=max(delays) if delays else 0.0,
                deadline_breaches=fold.breaches,
                duplicates_refused=self.rejections_by_action[
                    "claims.report_loss:DUPLICATE_CLAIM"],
                policies_expired=fold.counts.get("policy", Counter())["expired"],
                policies_closed=fold.counts.get("policy", Counter())["closed"],
                breaches=[Breach(**b) for b in fold.breach_list],
            ),
            premium=PremiumFigures(
                by_level=dict(sorted(fold.premium.items())),
                total_fen=sum(fold.premium.values()),
                subsidy_fen=sum(v for k, v in fold.premium.items() if k != FARMERS_SHARE),
                farmers_fen=fold.premium.get(FARMERS_SHARE, 0),
            ),
            subsidy=SubsidyFigures(**fold.subsidy),
            exposure=ExposureFigures.model_validate({"edges": fold.exposure(), "kinds": kinds}),
            orders=OrderFigures(**fold.counts.get("orders", Counter())),
            disputes=dict(sorted(fold.counts.get("disputes", Counter()).items())),
            faults=faults,
            flagged=flagged,
            network=NetworkFigures(
                events=list(report.events),
                messages=dict(report.stats.get("by_kind", {})),
                lost=report.stats.get("lost", 0),
            ),
            clients=ClientFigures(
                submitted=stats.submitted,
                committed=stats.committed,
                rejected=stats.rejected,
                refused_at_gate=stats.refused_at_gate,
                by_action=dict(sorted(self.outcomes_by_action.items())),
                rejections=dict(sorted(self.rejections_by_action.items())),
                scripted_refusals=list(self.scripted_refusals),
            ),
            seasons=self._seasons(fold),
            proposals=self._proposals(fold, peer, reader),
        )

    def _seasons(self, fold: Fold) -> dict[str, SeasonFigures]:
        """Each season's figures (none when the scenario names no seasons)."""
        if not fold.boundaries:
            return {}
        scenario = self.world.scenario
        edges = [0.0, *fold.boundaries, float(scenario.days)]
        banks = [o.id for o in scenario.network.organisations if o.type == "bank"]
        seasons: dict[str, SeasonFigures] = {}
        for index in range(len(edges) - 1):
            sums = fold.season_sums.get(index, Counter())
            lent = fold.season_banks.get(index, {})
            interest = sums["borrowers_interest_fen"] + sums["subsidy_fen"]
            seasons[str(index + 1)] = SeasonFigures(
                from_day=edges[index], to_day=edges[index + 1],
                loans=sums["loans"], issued_fen=sums["issued_fen"],
                by_bank={
                    bank: SeasonLoans(**lent.get(bank, Counter()))
                    for bank in sorted({*banks, *lent})
                },
                interest_fen=interest,
                borrowers_interest_fen=sums["borrowers_interest_fen"],
                subsidy_fen=sums["subsidy_fen"], subsidy_payments=sums["subsidy_payments"],
                subsidy_share_bp=sums["subsidy_fen"] * 10_000 // interest if interest else 0,
            )
        return seasons

    def _proposals(
        self, fold: Fold, peer: Peer | None, reader: MemberReads | None
    ) -> list[ProposalLine]:
        """The governance proposals as they stand at the end (as the regulator reads them)."""
        if peer is None or "governance" not in peer.runtime.contracts:
            return []
        shown = (reader.view("governance", "proposals", {}) if reader is not None
                 else peer.view("governance", "proposals", {}))
        start = parse_time(self.world.scenario.start)

        def day_of(height: Any) -> float | None:
            return None if height is None else round(fold.days.get(int(height), 0.0), 3)

        lines = []
        for p in shown:
            if p.get("effective_time"):
                at = (parse_time(p["effective_time"]) - start).total_seconds() / 86_400
                effective = f"day {at:g}"
            else:
                effective = f"height {p['effective_height']}"
            lines.append(ProposalLine(
                id=p["id"], kind=p["kind"], proposer=p["proposer"], status=p["status"],
                effective=effective, approvals=sorted(p.get("approvals", {})),
                rejections=sorted(p.get("rejections", {})),
                proposed_day=day_of(p.get("proposed_height")),
                decided_day=day_of(p.get("decided_height")),
            ))
        return lines
