"""order_finance: the worked numbers of docs/domain.md 2.4, flows, and every domain error code.

Money is in fen: 30 t of dried shiitake = 30,000 kg at 6,000 fen/kg = 180,000,000 fen.
Interest rule (interest.py): floor(principal x rate_bp x days / (10,000 x 360)).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from contracts.base import Args, Contract, Query, action, view
from contracts.builtin.registry.operations import FILE_LIEN, FileLienArgs
from contracts.context import Context, ReadContext
from contracts.genesis import ContractConfig
from contracts.lending.operations import REPAY_ORDER_FROM_PROCEEDS, OrderProceedsArgs
from contracts.policy import Role
from contracts.testing import LedgerHarness, OrgSpec, standard_orgs
from contracts.types import Id
from ledger.block import TxResult

ORGS = [
    *standard_orgs(),
    OrgSpec("buyer-b", "buyer", (("purchaser", "purchaser"), ("treasurer", "treasurer"))),
]
BASE = ["membership", "settlement", "registry", "order_finance"]

SELLER, PURCHASER, TREASURER = "coop-a.manager", "buyer.purchaser", "buyer.treasurer"
OFFICER, OTHER_OFFICER = "bank-a.officer", "bank-b.officer"
DAY0 = "2026-03-01T00:00:00Z"
DELIVERY = "2026-06-01T00:00:00Z"
MATURITY = "2026-05-30T00:00:00Z"  # day 90

QTY, PRICE = 30_000, 6_000  # kg, fen/kg
VALUE = QTY * PRICE  # 180,000,000 fen = 1.8 m CNY
LOAN = 90_000_000  # 50 % = 900,000 CNY
RATE = 435  # 4.35 %
INTEREST_90D = LOAN * RATE * 90 // (10_000 * 360)  # 978,750 fen = 9,787.50 CNY


# -- test-only contracts (passed to the harness as classes) ---------------------------------


class AssetArgs(Args):
    asset: Id


class AssetQuery(Query):
    asset: Id


class FakeDisputes(Contract):
    """Stands in for the disputes contract: a mediator freezes an asset."""

    name = "disputes"
    readers = ()
    version = "test"
    freezes_assets = True  # ctx.is_frozen asks its is_frozen view

    @action(AssetArgs, policy=Role("government", "mediator"))
    def freeze(self, ctx: Context, args: AssetArgs) -> None:
        ctx.put(f"frozen/{args.asset}", True)

    @view(AssetQuery)
    def is_frozen(self, ctx: ReadContext, query: AssetQuery) -> Any:
        return bool(ctx.get(f"frozen/{query.asset}"))


class PayLossArgs(Args):
    order_id: Id
    amount: int


class LossPayer(Contract):
    """Stands in for claims paying a loss payee: reads the debt, pays it from the insurer."""

    name = "loss_payer"
    readers = ()
    version = "test"

    @action(PayLossArgs, policy=Role("insurer", "claims_manager"))
    def pay_loss(self, ctx: Context, args: PayLossArgs) -> None:
        debt = ctx.view("order_finance", "outstanding_debt", order_id=args.order_id)
        amount = min(args.amount, debt["outstanding"])
        applied = ctx.invoke(
            REPAY_ORDER_FROM_PROCEEDS,
            OrderProceedsArgs(order_id=args.order_id, source=ctx.signer.org, amount=amount),
        )
        ctx.put(f"applied/{args.order_id}", applied.amount)


class LienFiler(Contract):
    """Another product (e.g. factoring) filing a lien on the order in the shared registry."""

    name = "lien_filer"
    readers = ()
    version = "test"

    @action(AssetArgs, policy=Role("bank", "loan_officer"))
    def file(self, ctx: Context, args: AssetArgs) -> None:
        ctx.invoke(FILE_LIEN, FileLienArgs(asset=args.asset, pledgee=ctx.signer.org,
                                           secures=f"factoring:{args.asset}"))


FAKES: dict[str, type[Contract]] = {
    "disputes": FakeDisputes, "loss_payer": LossPayer, "lien_filer": LienFiler,
}


# -- a small driver --------------------------------------------------------------------------


class Flow:
    """A chain with money issued to the parties and one-line steps of the order life cycle."""

    def __init__(
        self, *, credit: bool = False, fakes: bool = False, recourse: bool | None = None
    ) -> None:
        contracts: list[str | ContractConfig] = [
            *BASE, *(["credit"] if credit else []), *(list(FAKES) if fakes else [])
        ]
        if recourse is not None:
            params = {"recourse": recourse}
            contracts[BASE.index("order_finance")] = ContractConfig(
                name="order_finance", version="1", params=params
            )
        self.ledger = LedgerHarness(ORGS, contracts, classes=FAKES if fakes else None)
        for account in ("bank-a", "bank-b", "buyer", "buyer-b", "insurer", "gov"):
            self.ok("gov.pboc", "issue", contract="settlement", account=account,
                    amount=1_000_000_000)
        if credit:
            self.ok("gov.finance", "publish_programme", contract="credit", programme="orders-50",
                    name="order loans 50%", borrower_kinds=["cooperative"],
                    products=["order_finance"], rule="share", share_bp=5_000,
                    budget=100_000_000)
            self.ok("gov.finance", "fund_programme", contract="credit", programme="orders-50",
                    amount=100_000_000)

    def submit(self, signer: str, action_name: str, *, contract: str = "order_finance",
               co_signers: Iterable[str] = (), **args: Any) -> TxResult:
        return self.ledger.submit(signer, contract, action_name, co_signers=tuple(co_signers),
                                  **args)

    def ok(self, signer: str, action_name: str, **kw: Any) -> None:
        result = self.submit(signer, action_name, **kw)
        assert result.committed, f"{action_name}: {result.code} {result.message}"
        self.ledger.check_invariants()

    def balance(self, account: str) -> int:
        return self.ledger.balance(account)

    def order(self, order_id: str = "po-1") -> Any:
        return self.ledger.view("order_finance", "order", order_id=order_id)

    def create(self, order_id: str = "po-1", **kw: Any) -> None:
        args = {"order_id": order_id, "buyer": "buyer", "quantity": QTY, "unit_price": PRICE,
                "delivery_due": DELIVERY, **kw}
        self.ok(SELLER, "create_order", **args)

    def finance(self, order_id: str = "po-1", **kw: Any) -> None:
        args = {"order_id": order_id, "principal": LOAN, "rate_bp": RATE, "maturity": MATURITY,
                **kw}
        self.ok(OFFICER, "finance", **args)

    def to_financed(self, order_id: str = "po-1", **kw: Any) -> None:
        self.create(order_id, **kw)
        self.ok(PURCHASER, "confirm", order_id=order_id)
        self.finance(order_id)

    def deliver_accept_invoice(self, accepted: int, order_id: str = "po-1") -> None:
        self.ok(SELLER, "deliver", order_id=order_id, quantity=accepted)
        self.ok(PURCHASER, "accept", order_id=order_id, quantity=accepted)
        self.ok(SELLER, "invoice", order_id=order_id)

    def pay_all(self, order_id: str = "po-1") -> None:
        owed = self.order(order_id)["invoice_amount"]
        self.ok(TREASURER, "pay", order_id=order_id, amount=owed)


# -- docs/domain.md 2.4 -------------------------------------------------------------------------


def test_worked_example_short_delivery_without_subsidy_pays_bank_then_coop() -> None:
    flow = Flow()
    flow.to_financed()
    assert flow.balance("coop-a") == LOAN
    flow.ledger.advance(days=90)
    flow.deliver_accept_invoice(27_000)
    assert flow.order()["invoice_amount"] == 162_000_000  # 1.62 m CNY
    flow.pay_all()
    bank_before, coop_before = flow.balance("bank-a"), flow.balance("coop-a")
    flow.ok(OFFICER, "settle", order_id="po-1")

    assert INTEREST_90D == 978_750  # 9,787.50 CNY ("~9,800")
    assert flow.balance("bank-a") - bank_before == 90_978_750
    assert flow.balance("coop-a") - coop_before == 71_021_250  # 710,212.50 CNY ("~710,000")
    order = flow.order()
    assert order["status"] == "SETTLED"
    assert order["loan"]["status"] == "CLOSED"
    assert flow.balance(order["controlled_account"]) == 0
    assert not flow.ledger.view("registry", "lookup", asset="order:po-1")["encumbered"]


def test_settlement_emits_loan_repaid_with_interest_and_principal_before_loan_closed() -> None:
    flow = Flow()
    flow.to_financed()
    flow.ledger.advance(days=90)
    flow.deliver_accept_invoice(27_000)
    flow.pay_all()
    result = flow.submit(OFFICER, "settle", order_id="po-1")
    assert result.committed, result.message
    events = [(e["type"], e["data"]) for e in result.events if e["contract"] == "order_finance"]
    names = [name for name, _ in events]
    assert names.index("LoanRepaid") < names.index("LoanClosed")
    repaid = [data for name, data in events if name == "LoanRepaid"]
    assert repaid == [
        {"loan_id": "order_finance:po-1", "interest": INTEREST_90D, "principal": LOAN,
         "penalty": 0, "costs": 0}
    ]


def test_partial_repayments_emit_loan_repaid_parts_that_add_up_to_the_principal() -> None:
    flow = Flow()
    flow.to_financed()
    flow.ledger.advance(days=10)
    flow.ok(PURCHASER, "cancel", order_id="po-1", co_signers=[OFFICER])
    interest = LOAN * RATE * 10 // 3_600_000
    flow.ok("gov.pboc", "issue", contract="settlement", account="coop-a", amount=interest)
    parts = []
    for amount in (interest + 1_000, LOAN - 1_000):
        result = flow.submit(SELLER, "repay", order_id="po-1", amount=amount)
        assert result.committed, result.message
        parts += [e["data"] for e in result.events if e["type"] == "LoanRepaid"]
    assert [(p["interest"], p["principal"]) for p in parts] == [
        (interest, 1_000), (0, LOAN - 1_000)
    ]


def test_worked_example_with_credit_subsidy_halves_the_interest_the_coop_pays() -> None:
    flow = Flow(credit=True)
    flow.to_financed()
    flow.ledger.advance(days=90)
    flow.deliver_accept_invoice(27_000)
    flow.pay_all()
    bank_before, coop_before = flow.balance("bank-a"), flow.balance("coop-a")
    flow.ok(OFFICER, "settle", order_id="po-1")

    subsidy = INTEREST_90D * 5_000 // 10_000
    assert subsidy == 489_375
    assert flow.balance("bank-a") - bank_before == 90_978_750  # full interest, half from gov
    assert flow.balance("coop-a") - coop_before == 162_000_000 - LOAN - (INTEREST_90D - subsidy)
    assert flow.balance("coop-a") - coop_before == 71_510_625
    loan = flow.order()["loan"]
    assert (loan["subsidy_paid"], loan["interest_paid"]) == (489_375, 489_375)


def test_typhoon_short_delivery_leaves_direct_debt_that_an_insurance_payout_closes() -> None:
    flow = Flow(fakes=True)
    flow.to_financed()
    flow.ledger.advance(days=90)
    flow.deliver_accept_invoice(15_000)  # receivable 0.9 m CNY
    flow.pay_all()
    flow.ok(OFFICER, "settle", order_id="po-1")
    loan = flow.ledger.view("order_finance", "loan", order_id="po-1")
    assert loan["status"] == "DIRECT_DEBT"
    assert loan["outstanding"] == INTEREST_90D  # 90,000,000 paid interest first, then principal
    assert loan["principal_paid"] == LOAN - INTEREST_90D
    debt = flow.ledger.view("order_finance", "outstanding_debt", order_id="po-1")
    assert debt == {"outstanding": INTEREST_90D, "lender": "bank-a"}

    bank_before = flow.balance("bank-a")
    flow.ok("insurer.claims", "pay_loss", contract="loss_payer", order_id="po-1",
            amount=5_000_000, co_signers=["insurer.treasurer"])  # a fake: no claims grant
    assert flow.balance("bank-a") - bank_before == INTEREST_90D
    assert flow.ledger.get("loss_payer", "applied/po-1") == INTEREST_90D
    assert flow.ledger.view("order_finance", "loan", order_id="po-1")["status"] == "CLOSED"


def test_cancellation_accelerates_the_loan_and_the_coop_repays_it_directly() -> None:
    flow = Flow()
    flow.to_financed()
    flow.ledger.advance(days=10)
    flow.ok(PURCHASER, "cancel", order_id="po-1", co_signers=[OFFICER])
    loan = flow.ledger.view("order_finance", "loan", order_id="po-1")
    interest = LOAN * RATE * 10 // 3_600_000
    assert (loan["status"], loan["outstanding"]) == ("ACCELERATED", LOAN + interest)
    assert not flow.ledger.view("registry", "lookup", asset="order:po-1")["encumbered"]
    flow.ok("gov.pboc", "issue", contract="settlement", account="coop-a", amount=interest)
    flow.ok(SELLER, "repay", order_id="po-1", amount=LOAN + interest)
    assert flow.ledger.view("order_finance", "loan", order_id="po-1")["status"] == "CLOSED"


def test_undelivered_order_past_maturity_defaults_against_the_seller_and_is_written_off() -> None:
    flow = Flow(credit=True)
    flow.to_financed()
    flow.ledger.advance(days=91)
    flow.ok(OFFICER, "default", order_id="po-1")
    order = flow.order()
    # day 91 is past the due date: one day of penalty at 1.5 x the rate (L2)
    penalty = LOAN * RATE * 15_000 * 1 // (10**8 * 360)
    assert order["status"] == "DEFAULTED"
    loan = order["loan"]
    assert (loan["status"], loan["penalty_accrued"]) == ("DEFAULTED", penalty)
    assert loan["written_off"] == loan["claim"] == LOAN + INTEREST_90D + penalty  # L4: still owed
    assert flow.ledger.get("credit", "default/coop-a/order_finance:po-1") is not None


def test_split_and_assigned_receivable_is_paid_before_the_seller() -> None:
    flow = Flow()
    flow.to_financed()
    flow.deliver_accept_invoice(QTY)
    flow.ok(SELLER, "split_receivable", receivable_id="po-1",
            amounts=[30_000_000, 150_000_000], co_signers=[OFFICER])
    flow.ok(SELLER, "transfer_receivable", receivable_id="po-1.1", new_holder="coop-b",
            co_signers=[OFFICER])
    flow.pay_all()
    coop_b, coop_a = flow.balance("coop-b"), flow.balance("coop-a")
    flow.ok(SELLER, "settle", order_id="po-1")
    assert flow.balance("coop-b") - coop_b == 30_000_000
    assert flow.balance("coop-a") - coop_a == VALUE - LOAN - 30_000_000  # same day: no interest


def test_earmarked_loan_is_disbursed_to_the_listed_supplier() -> None:
    flow = Flow()
    flow.create(suppliers=["coop-b"])
    flow.ok(PURCHASER, "confirm", order_id="po-1")
    flow.finance(disburse_to="coop-b")
    assert (flow.balance("coop-b"), flow.balance("coop-a")) == (LOAN, 0)


def test_views_list_orders_by_seller_and_buyer() -> None:
    flow = Flow()
    flow.create("po-1")
    flow.create("po-2", buyer="buyer-b")
    by_seller = flow.ledger.view("order_finance", "orders_by_seller", seller="coop-a")
    by_buyer = flow.ledger.view("order_finance", "orders_by_buyer", buyer="buyer-b")
    assert [o["order_id"] for o in by_seller] == ["po-1", "po-2"]
    assert [o["order_id"] for o in by_buyer] == ["po-2"]


# -- every domain error: code, and no state changed -----------------------------------------

Step = Callable[[Flow], None]


def _financed(flow: Flow) -> None:
    flow.to_financed()


def _invoiced(flow: Flow) -> None:
    flow.to_financed()
    flow.deliver_accept_invoice(27_000)


def _confirmed(flow: Flow) -> None:
    flow.create()
    flow.ok(PURCHASER, "confirm", order_id="po-1")


def _none(flow: Flow) -> None:
    pass


def _closed_loan(flow: Flow) -> None:
    flow.to_financed()
    flow.ok(SELLER, "repay", order_id="po-1", amount=LOAN)


def _frozen(flow: Flow) -> None:
    _invoiced(flow)
    flow.ok("gov.mediator", "freeze", contract="disputes", asset="order:po-1")


def _encumbered(flow: Flow) -> None:
    _confirmed(flow)
    flow.ok(OTHER_OFFICER, "file", contract="lien_filer", asset="order:po-1")


def _unfinanced(flow: Flow) -> None:
    _confirmed(flow)


def _earmarked(flow: Flow) -> None:
    flow.create(suppliers=["coop-b"])
    flow.ok(PURCHASER, "confirm", order_id="po-1")


def _split(flow: Flow) -> None:
    _invoiced(flow)
    flow.ok(SELLER, "split_receivable", receivable_id="po-1", amounts=[1, 161_999_999],
            co_signers=[OFFICER])


def _shipped(flow: Flow) -> None:
    flow.to_financed()
    flow.ok(SELLER, "deliver", order_id="po-1", quantity=27_000)


def _part_accepted(flow: Flow) -> None:
    _shipped(flow)
    flow.ok(PURCHASER, "accept", order_id="po-1", quantity=27_000)


def _remainder_cancelled(flow: Flow) -> None:
    _part_accepted(flow)
    flow.ledger.advance(days=93)  # delivery was due on day 92
    flow.ok(PURCHASER, "cancel_remainder", order_id="po-1")


ORDER = {"order_id": "po-1"}
FINANCE = {"order_id": "po-1", "principal": LOAN, "rate_bp": RATE, "maturity": MATURITY}
CREATE = {"order_id": "po-1", "buyer": "buyer", "quantity": QTY, "unit_price": PRICE,
          "delivery_due": DELIVERY}

ERROR_CASES: list[tuple[str, Step, str, str, dict[str, Any], tuple[str, ...]]] = [
    ("ORDER_NOT_FOUND", _none, PURCHASER, "confirm", ORDER, ()),
    ("ORDER_ALREADY_EXISTS", _confirmed, SELLER, "create_order", CREATE, ()),
    ("BUYER_IS_SELLER", _none, SELLER, "create_order", {**CREATE, "buyer": "coop-a"}, ()),
    ("INVALID_DATE", _none, SELLER, "create_order", {**CREATE, "delivery_due": DAY0}, ()),
    ("INVALID_DATE", _confirmed, OFFICER, "finance", {**FINANCE, "maturity": DAY0}, ()),
    ("ORDER_STATE_INVALID", _financed, OTHER_OFFICER, "finance", FINANCE, ()),
    ("ORDER_STATE_INVALID", _confirmed, PURCHASER, "confirm", ORDER, ()),
    ("ORDER_STATE_INVALID", _shipped, PURCHASER, "cancel", ORDER, (OFFICER,)),
    ("UNAUTHORIZED", _confirmed, "buyer-b.purchaser", "accept", {**ORDER, "quantity": 1}, ()),
    ("UNAUTHORIZED", _none, "buyer.purchaser", "create_order", CREATE, ()),
    ("ORDER_ENCUMBERED", _encumbered, OFFICER, "finance", FINANCE, ()),
    ("FINANCING_ABOVE_RATIO", _confirmed, OFFICER, "finance",
     {**FINANCE, "principal": LOAN + 1}, ()),
    ("DISBURSEMENT_NOT_EARMARKED", _earmarked, OFFICER, "finance", FINANCE, ()),
    ("DISBURSEMENT_NOT_EARMARKED", _confirmed, OFFICER, "finance",
     {**FINANCE, "disburse_to": "coop-b"}, ()),
    ("QUANTITY_EXCEEDS_ORDERED", _financed, SELLER, "deliver", {**ORDER, "quantity": QTY + 1},
     ()),
    ("ACCEPTED_EXCEEDS_DELIVERED", _shipped, PURCHASER, "accept",
     {**ORDER, "quantity": 27_001}, ()),
    ("PAYEE_NOT_CONTROLLED_ACCOUNT", _invoiced, TREASURER, "pay",
     {**ORDER, "amount": 1, "payee": "coop-a"}, ()),
    ("PAYMENT_EXCEEDS_RECEIVABLE", _invoiced, TREASURER, "pay",
     {**ORDER, "amount": 162_000_001}, ()),
    ("UNAUTHORIZED", _invoiced, "buyer-b.treasurer", "pay", {**ORDER, "amount": 1}, ()),
    ("RECEIVABLE_NOT_FOUND", _invoiced, SELLER, "split_receivable",
     {"receivable_id": "po-9", "amounts": [1, 1]}, ()),
    ("SPLIT_NOT_CONSERVING", _invoiced, SELLER, "split_receivable",
     {"receivable_id": "po-1", "amounts": [1, 1]}, (OFFICER,)),
    ("RECEIVABLE_STATE_INVALID", _split, SELLER, "split_receivable",
     {"receivable_id": "po-1", "amounts": [1, 161_999_999]}, (OFFICER,)),
    ("UNAUTHORIZED", _invoiced, SELLER, "transfer_receivable",
     {"receivable_id": "po-1", "new_holder": "coop-b"}, ()),
    ("LOAN_NOT_FOUND", _unfinanced, SELLER, "repay", {**ORDER, "amount": 1}, ()),
    ("LOAN_NOT_OPEN", _closed_loan, SELLER, "repay", {**ORDER, "amount": 1}, ()),
    ("REPAYMENT_EXCEEDS_DEBT", _financed, SELLER, "repay", {**ORDER, "amount": LOAN + 1}, ()),
    ("LOAN_NOT_DUE", _financed, OFFICER, "default", ORDER, ()),
    ("QUANTITY_EXCEEDS_ORDERED", _shipped, SELLER, "deliver", {**ORDER, "quantity": 3_001}, ()),
    ("DELIVERY_NOT_LATE", _part_accepted, PURCHASER, "cancel_remainder", ORDER, ()),
    ("DELIVERIES_CLOSED", _remainder_cancelled, SELLER, "deliver", {**ORDER, "quantity": 1},
     ()),
    ("DELIVERIES_CLOSED", _remainder_cancelled, PURCHASER, "cancel_remainder", ORDER, ()),
    ("PAYMENT_NOT_DUE", _invoiced, OFFICER, "buyer_default", ORDER, ()),
    ("UNAUTHORIZED", _financed, PURCHASER, "cancel", ORDER, ()),
    ("UNAUTHORIZED", _financed, PURCHASER, "cancel", ORDER, (OTHER_OFFICER,)),
    ("ASSET_FROZEN", _frozen, TREASURER, "pay", {**ORDER, "amount": 1}, ()),
    ("ASSET_FROZEN", _frozen, SELLER, "transfer_receivable",
     {"receivable_id": "po-1", "new_holder": "coop-b"}, (OFFICER,)),
]


def _snapshot(flow: Flow) -> dict[str, Any]:
    names = ("order_finance/", "settlement/", "registry/", "credit/")
    return {k: v for name in names for k, v in flow.ledger.store.state.scan(name)}


@pytest.mark.parametrize(
    ("code", "setup", "signer", "action_name", "args", "co_signers"),
    ERROR_CASES,
    ids=[f"{case[0]}-{case[3]}-{i}" for i, case in enumerate(ERROR_CASES)],
)
def test_rejected_action_has_its_code_and_changes_no_state(
    code: str, setup: Step, signer: str, action_name: str, args: dict[str, Any],
    co_signers: tuple[str, ...],
) -> None:
    flow = Flow(fakes=True)
    setup(flow)
    before = _snapshot(flow)
    result = flow.submit(signer, action_name, co_signers=co_signers, **args)
    assert (result.committed, result.code) == (False, code), result.message
    assert _snapshot(flow) == before
    flow.ledger.check_invariants()


def test_every_order_finance_error_code_has_a_case() -> None:
    from contracts.builtin.order_finance import errors
    from contracts.exceptions import DomainError

    codes = {
        cls.code for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, DomainError)
        and cls.__module__ == errors.__name__
    }
    assert codes <= {case[0] for case in ERROR_CASES}
