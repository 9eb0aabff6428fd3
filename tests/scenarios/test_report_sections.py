"""The report says what happened: live exposure only, premium shares by payer, a product
column, an order-financing section, each deadline breach, and cells that stay cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scenarios.metrics import HANDLERS, Fold
from scenarios.report import cell, render_markdown
from scenarios.result import ScenarioResult

START = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
Event = tuple[float, str, str, dict[str, Any]]


def render(document: dict[str, Any]) -> str:
    """report.md of a result loaded from a (partial) metrics.json document."""
    return render_markdown(ScenarioResult.model_validate(document), [])


def fold(events: Sequence[Event]) -> Fold:
    """Events as the collector reads them from blocks: (day, contract, type, data)."""
    f = Fold(start=START)
    for day, contract, kind, data in events:
        f.day = day
        HANDLERS[(contract, kind)](f, data)
    return f


def order(order_id: str, value: int, day: float = 1.0) -> list[Event]:
    return [
        (day, "order_finance", "OrderCreated",
         {"order_id": order_id, "seller": "coop-a", "buyer": "buyer-x", "value": value}),
        (day, "order_finance", "OrderFinanced",
         {"order_id": order_id, "loan_id": f"{order_id}-loan", "lender": "bank-a",
          "principal": value // 2}),
    ]


def test_cancelled_and_settled_orders_and_repaid_loans_leave_the_exposure() -> None:
    f = fold([
        *order("o-cancel", 1_000_000),
        *order("o-settle", 400_000),
        *order("o-live", 300_000),
        (5.0, "order_finance", "OrderCancelled", {"order_id": "o-cancel"}),
        (6.0, "order_finance", "LoanClosed", {"loan_id": "o-cancel-loan", "closure": "repaid"}),
        (7.0, "order_finance", "OrderSettled", {"order_id": "o-settle"}),
        (7.0, "order_finance", "LoanRepaid", {"loan_id": "o-settle-loan", "principal": 50_000}),
    ])
    assert f.exposure() == [
        {"from": "bank-a", "to": "coop-a", "fen": 150_000 + 150_000},  # o-settle's rest, o-live
        {"from": "buyer-x", "to": "coop-a", "fen": 300_000},  # only the live order
    ]


def test_loans_are_counted_per_bank_and_product() -> None:
    f = fold([
        *order("o-1", 200_000),
        (2.0, "warehouse_receipt", "LoanApplied",
         {"loan_id": "wr-1", "bank": "bank-a", "borrower": "coop-a"}),
        (2.0, "warehouse_receipt", "LoanDisbursed", {"loan_id": "wr-1", "principal": 70_000}),
    ])
    assert sorted(f.by_product) == [("bank-a", "order financing"), ("bank-a", "receipt pledge")]
    assert f.by_product[("bank-a", "receipt pledge")]["issued_fen"] == 70_000
    assert f.by_bank["bank-a"]["issued_fen"] == 170_000


def test_a_deadline_breach_is_listed_with_its_claim_and_days_late() -> None:
    f = fold([
        (12.5, "claims", "DeadlineBreached",
         {"claim_id": "claim-7", "kind": "pay", "insured": None, "due": "2026-05-11T00:00:00Z"}),
    ])
    assert f.breach_list == [{"claim_id": "claim-7", "kind": "pay", "insured": None,
                              "due": "2026-05-11T00:00:00Z", "days_late": 2.5}]
    text = render({"claims": {"timeline": [{"claim_id": "claim-7", "reported_day": 1}],
                                       "breaches": f.breach_list, "deadline_breaches": 1}})
    assert "| claim-7 | pay | (whole claim) | 2026-05-11T00:00:00Z | 2.5 |" in text


def test_premium_shares_are_labelled_by_payer_and_the_farmers_share_is_no_subsidy() -> None:
    f = fold([
        (1.0, "claims", "PremiumSharePaid", {"policy_id": "p", "level": lvl, "amount": fen})
        for lvl, fen in (("central", 3_500), ("province", 3_000), ("county", 1_500),
                         ("farmer", 2_000))
    ])
    text = render({"premium": {"by_level": dict(f.premium)}})
    assert "Premium subsidy" not in text
    assert "| farmers' own share (paid via the cooperative) | farmer | 20.00 |" in text
    assert "Government subsidies: 80.00 CNY; farmers' own share: 20.00 CNY." in text


def test_the_order_financing_section_reports_each_outcome() -> None:
    f = fold([*order("o-1", 200_000),
              (3.0, "order_finance", "OrderCancelled", {"order_id": "o-1"})])
    orders = {k: f.counts["orders"][k] for k in ("created", "financed", "financed_fen",
                                                 "cancelled")}
    text = render({"orders": orders})
    assert "## Order financing" in text
    assert "| 1 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 1,000.00 |" in text


def test_the_order_financing_section_shows_late_shipments_and_buyer_defaults() -> None:
    f = fold([
        *order("o-1", 200_000),
        (2.0, "order_finance", "OrderDelivered", {"order_id": "o-1", "days_late": 0}),
        (3.0, "order_finance", "OrderDelivered", {"order_id": "o-1", "days_late": 4}),
        (4.0, "order_finance", "Invoiced", {"order_id": "o-1", "short_qty": 0}),
        (40.0, "order_finance", "BuyerDefaulted", {"order_id": "o-1", "buyer": "buyer-x"}),
    ])
    assert (f.counts["orders"]["late_deliveries"], f.counts["orders"]["buyer_defaults"],
            f.counts["orders"]["short_delivered"]) == (1, 1, 0)
    text = render({"orders": dict(f.counts["orders"])})
    assert "| late deliveries | buyer defaults |" in text


@given(st.text(max_size=30))
def test_any_value_stays_inside_its_table_cell(value: str) -> None:
    text = render({"faults": [{"day": 1, "kind": "partition", "target": value}]})
    row = text.split("## Faults and recovery\n")[1].splitlines()[2]
    unescaped = row.replace("\\\\", "").replace("\\|", "")
    assert unescaped.count("|") == 5  # four cells
    assert "\n" not in cell(value)


def test_the_claims_table_reads_each_figure_from_its_own_attribute() -> None:
    text = render({"claims": {
        "timeline": [{"claim_id": "claim-1", "reported_day": 1, "paid_day": 4}],
        "count": 3, "paid": 2, "days_to_payout_mean": 3.0, "days_to_payout_max": 5.5,
        "paid_fen": 123_456, "deadline_breaches": 1, "duplicates_refused": 4,
        "policies_expired": 2, "policies_closed": 1,
    }})
    assert "| 3 | 2 | 3.0 | 5.5 | 1,234.56 | 1 | 4 | 2 / 1 |" in text
