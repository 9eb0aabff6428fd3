"""Workloads for the three finance products, pre-signed in a valid order.

Each flow is the whole life of one asset, so a measured mix exercises the same
contract code a season does: a warehouse-receipt pledge loan (deposit, grade,
issue, apply, approve, disburse with the lien filed, repay releasing the lien),
an order-financing loan (order, confirm, finance, deliver, accept, invoice, pay
into the controlled account, settle bank-first) and a group crop policy with a
claim (enrol, underwrite, premium shares from three government levels and the
farmers, disaster, report, survey, assessment per household, co-signed
verification, publicity, agreements, payouts).

Ids the contracts derive from tx_ids (receipts, pledge loans) are computed from
the pre-signed envelopes, which is possible because a tx_id is the hash of the
body. The benchmark's block times stay within the genesis day, so no interest
accrues and each loan is repaid by its principal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from contracts.builtin.settlement.authority import SettlementParams
from contracts.builtin.warehouse_receipt.custody import lot_id_for
from contracts.builtin.warehouse_receipt.receipts import receipt_id_for
from ledger.timefmt import format_time, parse_time
from ledger.tx import Envelope
from nodes.workloads.base import WorkloadContext

FUNDING = 10**13
RECEIVED_AT = "2026-01-01T00:00:00Z"
"""When the benchmark's goods came in: before any block the benchmark makes."""


def _later(ctx: WorkloadContext, days: int) -> str:
    return format_time(parse_time(ctx.spec.config.time) + dt.timedelta(days=days))


def evidence(*parts: str) -> str:
    """A distinct evidence hash per claim and household (the same hash cannot back two)."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def _dual_control(amount: int, org: str, co_signer: str) -> list[str]:
    """``co_signer`` when ``amount`` fen from ``org`` (a county-template org of the same
    name as its type) is above the default dual-control threshold, as settlement requires."""
    return [co_signer] if amount > SettlementParams().threshold(org, org) else []


def _fund(ctx: WorkloadContext, accounts: list[str]) -> list[Envelope]:
    issuer = ctx.members(role="central_bank")[0]
    return [
        ctx.sign(issuer, "settlement", "issue", {"account": a, "amount": FUNDING})
        for a in accounts
    ]


class PledgeWorkload:
    name: str = "pledge"
    contracts: tuple[str, ...] = ("warehouse_receipt", "settlement", "registry")

    def setup(self, ctx: WorkloadContext) -> list[Envelope]:
        return _fund(ctx, ["coop-a", "bank-a"])

    def generate(self, ctx: WorkloadContext, count: int) -> list[Envelope]:
        manager, keeper = "coop-a.manager", "coop-a.keeper"
        officer = "bank-a.officer"
        out: list[Envelope] = []
        for n in itertools.count():
            if len(out) >= count:
                break
            quantity = ctx.rng.randint(10_000, 50_000)
            value = quantity * 260
            principal = value * 7 // 10
            intake = ctx.sign(keeper, "warehouse_receipt", "record_intake", {
                "warehouse": "coop-a", "depositor": "coop-a", "commodity": "paddy",
                "grade": "2", "quantity": quantity, "unit": "kg", "moisture_permille": 140,
                "pile": f"bench pile {ctx.seed}-{n}", "received_at": RECEIVED_AT})
            out.append(intake)
            issue = ctx.sign(keeper, "warehouse_receipt", "issue", {
                "warehouse": "coop-a", "lot_id": lot_id_for(intake.tx_id),
                "quantity": quantity, "shrinkage_bp": 50, "storage_days": 300,
                "storage_fee": 0, "value": value},
                co_signers=("custodian.cm",))  # coop-a's own warehouse: V5 collateral manager
            receipt = receipt_id_for(issue.tx_id)
            apply = ctx.sign(manager, "warehouse_receipt", "apply", {
                "borrower": "coop-a", "bank": "bank-a", "receipt_ids": [receipt]})
            loan = f"loan-{apply.tx_id[:24]}"
            out += [issue, apply]
            out.append(ctx.sign(officer, "warehouse_receipt", "approve", {
                "loan_id": loan, "principal": principal, "tenor_days": 120, "rate_bp": 450}))
            out.append(ctx.sign(officer, "warehouse_receipt", "disburse", {"loan_id": loan}))
            out.append(ctx.sign(manager, "warehouse_receipt", "repay", {
                "loan_id": loan, "amount": principal}))
        return out[:count]


class OrdersWorkload:
    name: str = "orders"
    contracts: tuple[str, ...] = ("order_finance", "settlement", "registry")

    def setup(self, ctx: WorkloadContext) -> list[Envelope]:
        return _fund(ctx, ["coop-a", "bank-a", "buyer"])

    def generate(self, ctx: WorkloadContext, count: int) -> list[Envelope]:
        manager, officer = "coop-a.manager", "bank-a.officer"
        purchaser, treasurer = "buyer.purchaser", "buyer.treasurer"
        out: list[Envelope] = []
        for n in itertools.count():
            if len(out) >= count:
                break
            order = f"bench-order-{ctx.seed}-{n}"
            quantity, price = ctx.rng.randint(1_000, 30_000), 6_000
            ref = {"order_id": order}
            out += [
                ctx.sign(manager, "order_finance", "create_order", {
                    "order_id": order, "buyer": "buyer", "quantity": quantity,
                    "unit_price": price, "delivery_due": _later(ctx, 60)}),
                ctx.sign(purchaser, "order_finance", "confirm", ref),
                ctx.sign(officer, "order_finance", "finance", {
                    "order_id": order, "principal": quantity * price // 2, "rate_bp": 435,
                    "maturity": _later(ctx, 90), "fees": 0}),
                ctx.sign(manager, "order_finance", "deliver", {**ref, "quantity": quantity}),
                ctx.sign(purchaser, "order_finance", "accept", {**ref, "quantity": quantity}),
                ctx.sign(manager, "order_finance", "invoice", ref),
                ctx.sign(treasurer, "order_finance", "pay", {**ref, "amount": quantity * price},
                         co_signers=_dual_control(quantity * price, "buyer", purchaser)),
                ctx.sign(officer, "order_finance", "settle", ref),
            ]
        return out[:count]


CLAIMS_PARAMS = {
    "government_accounts": {"central": "gov", "province": "gov", "county": "gov"},
    "underwriting_publicity_days": 0,
    "claim_publicity_days": 0,
}
"""Genesis params the claims workload needs: one government pays every premium level,
and publicity periods of zero days so a whole claim fits in a benchmark run."""
GOV_LEVELS = ("central", "province", "county")


def _programme(level: str) -> str:
    return f"bench-premium-{level}"


class ClaimsWorkload:
    name: str = "claims"
    contracts: tuple[str, ...] = ("claims", "settlement")
    policies: int = 4

    def _parties(self, ctx: WorkloadContext) -> list[str]:
        return [m for m in ctx.members(role="farmer") if m.startswith("coop-a.")][:4]

    def setup(self, ctx: WorkloadContext) -> list[Envelope]:
        """Fund the payers, publish each level's premium budget for the fiscal year, and
        enrol and activate a pool of policies (one plot each) before the measured txs,
        so their losses (dated a day after genesis) fall inside the cover (C11)."""
        year = int(ctx.spec.config.time[:4])
        manager, finance, underwriter = "coop-a.manager", "gov.finance", "insurer.underwriter"
        out = [*_fund(ctx, ["coop-a", "gov", "insurer"]), *(
            ctx.sign(finance, "claims", "publish_programme", {
                "programme": _programme(level), "level": level, "purpose": "premium",
                "fiscal_year": year, "budget": FUNDING})
            for level in GOV_LEVELS)]
        for n in range(self.policies):
            ref = {"policy_id": self._policy(ctx, n)}
            out += [
                ctx.sign(manager, "claims", "enrol", {
                    **ref, "insurer": "insurer", "book": "bench", "crop": "rice",
                    "region": "bench", "period_start": ctx.spec.config.time,
                    "period_end": _later(ctx, 180), "perils": ["typhoon"],
                    "sum_insured_per_mu": 50_000, "premium_per_mu": 1_500,
                    "stage_caps": {"tillering": 8_000}, "province_share_bp": 3_000,
                    "county_share_bp": 1_500,
                    "covers": [{"insured": f, "insured_area": 1_000, "planted_area": 1_000,
                                "plot": f"plot-{n}"} for f in self._parties(ctx)]}),
                ctx.sign(underwriter, "claims", "underwrite", ref),
                ctx.sign(underwriter, "claims", "publicise_underwriting", ref),
                *(ctx.sign(finance, "claims", "pay_premium_share",
                           {**ref, "level": level, "programme": _programme(level)})
                  for level in GOV_LEVELS),
                ctx.sign(manager, "claims", "pay_premium_share", {**ref, "level": "farmer"}),
            ]
        return out

    def _policy(self, ctx: WorkloadContext, n: int) -> str:
        return f"bench-policy-{ctx.seed}-{n}"

    def generate(self, ctx: WorkloadContext, count: int) -> list[Envelope]:
        """Declared typhoons, each claimed once on every policy of the pool (its own event
        there); declarations are a second apart, since one disaster is declared once."""
        farmers = self._parties(ctx)
        manager, agri = "coop-a.manager", "gov.agri"
        adjuster, claims = "insurer.adjuster", "insurer.claims"
        struck = parse_time(_later(ctx, 1))
        out: list[Envelope] = []
        for n in itertools.count():
            if len(out) >= count:
                break
            event, policy = divmod(n, self.policies)
            claim, decl = f"bench-claim-{ctx.seed}-{n}", f"decl-{ctx.seed}-{event}"
            loss = format_time(struck - dt.timedelta(seconds=event))  # one second each
            cref = {"claim_id": claim}
            if policy == 0:  # a disaster, claimed once on each policy of the pool
                out.append(ctx.sign(agri, "claims", "declare_disaster", {
                    "declaration_id": decl, "peril": "typhoon", "region": "bench",
                    "window_start": loss, "window_end": loss, "severity": 2}))
            out += [
                ctx.sign(manager, "claims", "report_loss", {
                    **cref, "policy_id": self._policy(ctx, policy),
                    "peril": "typhoon", "occurred_at": loss, "declaration_id": decl}),
                ctx.sign(adjuster, "claims", "survey", {**cref, "evidence": [evidence(claim)]}),
                *(ctx.sign(adjuster, "claims", "assess_household", {
                    **cref, "insured": f, "loss_bp": 5_000, "damaged_area": 800,
                    "stage": "tillering", "evidence": [evidence(claim, f)]}) for f in farmers),
                ctx.sign(agri, "claims", "verify", cref, co_signers=[manager]),
                ctx.sign(claims, "claims", "publicise_claim", cref),
                *(ctx.sign(f, "claims", "sign_agreement", {**cref, "insured": f}) for f in farmers),
                *(ctx.sign(claims, "claims", "pay", {**cref, "insured": f}) for f in farmers),
            ]
        return out[:count]
