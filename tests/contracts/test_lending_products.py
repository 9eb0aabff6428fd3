"""L1 for every loan product, end to end on a real ledger: a borrower who touches its loan
often (a 1-fen repayment, which pays interest, not principal) is charged, to the fen,
the same contract-rate and penalty interest as one who never touches it, over any
schedule of accrual points, across year ends and past maturity. Each product uses its
own day count (ACT/365F for pledge and credit-line loans, ACT/360 for order finance)."""

from __future__ import annotations

import datetime as dt
import itertools
from abc import ABC, abstractmethod

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_credit_loans_kit import apply, loan_id, make_ledger, ok, priced, rate
from test_order_finance import OFFICER, PURCHASER, SELLER, Flow

from contracts.testing import LedgerHarness
from ledger.timefmt import format_time, parse_time
from tests.contracts.wr_fixtures import WrLedger


class Product(ABC):
    """One product on one ledger: open two equal loans, touch one, read what each owes."""

    contract: str
    view_key: str

    def __init__(self, ledger: LedgerHarness) -> None:
        self.ledger = ledger
        self.serial = itertools.count()

    def open_pair(self, principal: int, rate_bp: int, tenor: int) -> tuple[str, str]:
        return self.open(principal, rate_bp, tenor), self.open(principal, rate_bp, tenor)

    @abstractmethod
    def open(self, principal: int, rate_bp: int, tenor: int) -> str: ...

    @abstractmethod
    def touch(self, loan: str) -> None: ...

    def charged(self, loan: str) -> tuple[int, int]:
        state = self.ledger.view(self.contract, "loan", **{self.view_key: loan})
        return state["interest_accrued"], state["penalty_accrued"]

    def due(self, days: int) -> str:
        return format_time(parse_time(self.ledger.now) + dt.timedelta(days=days))


class Pledge(Product):
    contract, view_key = "warehouse_receipt", "loan_id"

    def __init__(self) -> None:
        self.wr = WrLedger()
        super().__init__(self.wr.h)
        self.wr.fund("bank-a", 10**13)
        self.wr.fund("coop-a", 10**9)

    def open(self, principal: int, rate_bp: int, tenor: int) -> str:
        # in an independent warehouse: coop-a's own would need a collateral manager whose
        # stock checks (V5) fall due long before the years this test spans
        lot = f"lot-{next(self.serial)}"
        self.wr.deposit("coop-a", lot, 100, warehouse="coop-b")
        receipt = self.wr.issue("coop-b", lot, 100, 2 * principal, managed=False)
        return self.wr.loan("coop-a", "bank-a", [receipt], principal, tenor_days=min(tenor, 180),
                            rate_bp=rate_bp)

    def touch(self, loan: str) -> None:
        self.wr.ok("coop-a.manager", "repay", loan_id=loan, amount=1)


class OrderLoan(Product):
    contract, view_key = "order_finance", "order_id"

    def __init__(self) -> None:
        self.flow = Flow()
        super().__init__(self.flow.ledger)

    def open(self, principal: int, rate_bp: int, tenor: int) -> str:
        order = f"po-{next(self.serial)}"
        self.flow.create(order, unit_price=max(1, -(-2 * principal // 30_000)),
                         delivery_due=self.due(400))
        self.flow.ok(PURCHASER, "confirm", order_id=order)
        self.flow.ok(OFFICER, "finance", order_id=order, principal=principal, rate_bp=rate_bp,
                     maturity=self.due(tenor))
        return order

    def touch(self, loan: str) -> None:
        self.flow.ok(SELLER, "repay", order_id=loan, amount=1)


class CreditLine(Product):
    contract, view_key = "credit_loans", "loan_id"

    def __init__(self) -> None:
        super().__init__(make_ledger(borrower_fen=10**9))
        ok(rate(self.ledger, "plat.m1", "AAA"))

    def open_pair(self, principal: int, rate_bp: int, tenor: int) -> tuple[str, str]:
        for loan in getattr(self, "last", ()):  # pay the last pair off: the line is shared
            ok(self.ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan))
        self.last = super().open_pair(min(principal, 4_000_000), rate_bp, tenor)
        return self.last

    def open(self, principal: int, rate_bp: int, tenor: int) -> str:
        loan = loan_id(apply(self.ledger, "plat.m1", "bank-a", principal, min(tenor, 365)))
        ok(self.ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan,
                              rate_bp=max(rate_bp, priced("AAA"))))
        return loan

    def touch(self, loan: str) -> None:
        ok(self.ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=1))


@pytest.fixture(scope="module", params=[Pledge, OrderLoan, CreditLine])
def product(request: pytest.FixtureRequest) -> Product:
    made: Product = request.param()
    return made


gaps = st.lists(st.tuples(st.integers(1, 120), st.integers(0, 23)), min_size=1, max_size=6)


@settings(max_examples=max(10, settings.default.max_examples // 10),
          suppress_health_check=[HealthCheck.too_slow])
@given(
    principal=st.integers(1_000_000, 100_000_000), rate_bp=st.integers(100, 1_500),
    tenor=st.integers(1, 365), start=st.integers(0, 364), schedule=gaps,
)
def test_a_loan_touched_often_is_charged_what_one_never_touched_is(
    product: Product, principal: int, rate_bp: int, tenor: int, start: int,
    schedule: list[tuple[int, int]],
) -> None:
    product.ledger.advance(days=start)  # so the periods run over year ends
    touched, untouched = product.open_pair(principal, rate_bp, tenor)
    for days, hours in schedule:
        product.ledger.advance(days=days, hours=hours)
        product.touch(touched)
    assert product.charged(touched) == product.charged(untouched)
    assert sum(product.charged(untouched)) > 0
    product.ledger.check_invariants()

