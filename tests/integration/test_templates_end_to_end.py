"""Every finance product end to end on every template, as a user runs it: a fresh
``agriledger network init --template T --dev`` (genesis as written, never edited), one
``agriledger serve`` per template, and each step one ``agriledger`` command by the
member whose role it needs, its ``--json`` output parsed. Time-gated steps (the
3-day publicity periods, interest over a loan's life) pass by ``agriledger clock
advance`` on the development chain.

The central bank funds every payer once per network; each product names its own
assets, so the three tests share one served network in any order. Money moved is
checked from the events each committed tx reports (``tx submit --wait --json``) and
the final state from the contracts' views. Each CLI call is a new process (about a
second of CPU, mostly imports), so the tests read no more than they check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ledger.timefmt import format_time
from tests.integration.cli_kit import ServedNetwork, later, local_year, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TEMPLATES = ("lishui", "small", "county")
PAYERS = ("bank-a", "coop-a", "buyer", "gov", "insurer")
FUNDS = 10_000_000_00  # 10 m CNY in fen, to each payer


@pytest.fixture(scope="module", params=TEMPLATES)
def network(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedNetwork]:
    template: str = request.param
    with serving(tmp_path_factory.mktemp(template) / "net", template, "--dev") as served:
        pboc = served.roles.one("gov", "central_bank")
        for account in PAYERS:
            served.cli.submit(pboc, "settlement", "issue", account=account, amount=FUNDS)
        yield served


def events(status: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The data of each ``kind`` event a committed tx emitted."""
    return [e["data"] for e in status["events"] if e["type"] == kind]


def event(status: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = events(status, kind)
    return found


def transfers(status: dict[str, Any]) -> dict[tuple[str, str], int]:
    """Money the tx moved, by (source, target)."""
    moved: dict[tuple[str, str], int] = {}
    for t in events(status, "Transferred"):
        key = (t["source"], t["target"])
        moved[key] = moved.get(key, 0) + t["amount"]
    return moved


def test_a_warehouse_receipt_is_registered_pledged_and_the_loan_repaid(
    network: ServedNetwork,
) -> None:
    cli, roles = network.cli, network.roles
    keeper = roles.one("coop-a", "warehouse_keeper")
    manager = roles.one("coop-a", "manager")
    officer = roles.one("bank-a", "loan_officer")
    # coop-a's warehouse is its own, so an independent collateral manager co-signs (V5)
    collateral_manager = roles.one("custodian", "collateral_manager")

    # the keeper's intake record makes the lot and names it; nobody else picks a lot id
    received = format_time(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    intake = cli.submit(keeper, "warehouse_receipt", "record_intake", warehouse="coop-a",
                        depositor="coop-a", commodity="paddy", grade="2", quantity=20_000,
                        unit="kg", moisture_permille=140, pile="bay 1", received_at=received)
    lot = {"warehouse": "coop-a", "lot_id": event(intake, "IntakeRecorded")["lot_id"]}
    issued = cli.submit(keeper, "warehouse_receipt", "issue", **lot, quantity=20_000,
                        shrinkage_bp=50, storage_days=300, storage_fee=0,
                        value=52_000_00, cosign=(collateral_manager,))
    receipt = event(issued, "ReceiptIssued")
    assert (receipt["holder"], receipt["value"]) == ("coop-a", 52_000_00)
    assert event(issued, "CollateralManagerAppointed") == {
        "warehouse": "coop-a", "manager": "custodian"}

    applied = cli.submit(manager, "warehouse_receipt", "apply", borrower="coop-a",
                         bank="bank-a", receipt_ids=[receipt["receipt_id"]])
    loan = {"loan_id": event(applied, "LoanApplied")["loan_id"]}
    cli.submit(officer, "warehouse_receipt", "approve", **loan, principal=36_400_00,
               tenor_days=120, rate_bp=450)  # 70 % of the value: the default LTV cap
    disbursed = cli.submit(officer, "warehouse_receipt", "disburse", **loan)
    assert transfers(disbursed) == {("bank-a", "coop-a"): 36_400_00}
    pledged = cli.view(manager, "warehouse_receipt", "receipt", receipt_id=receipt["receipt_id"])
    assert (pledged["pledgee"], pledged["loan_id"]) == ("bank-a", loan["loan_id"])

    cli.advance(roles.one("gov", "admin"), "30d")
    repaid = cli.submit(manager, "warehouse_receipt", "repay", **loan)  # no amount: all of it
    # 36,400 CNY at 4.5 % a year for 30 whole days on a 365-day basis, rounded down
    interest = 36_400_00 * 450 * 30 // (10_000 * 365)
    assert interest == 134_63
    assert transfers(repaid) == {("coop-a", "bank-a"): 36_400_00 + interest}
    closed = cli.view(officer, "warehouse_receipt", "loan", **loan)
    assert (closed["closure"], closed["principal_outstanding"]) == ("REPAID", 0)
    assert (closed["interest_paid"], closed["released"]) == (interest, [receipt["receipt_id"]])


def test_an_order_is_financed_delivered_paid_and_settled_bank_first(
    network: ServedNetwork,
) -> None:
    cli, roles = network.cli, network.roles
    manager = roles.one("coop-a", "manager")
    officer = roles.one("bank-a", "loan_officer")
    purchaser = roles.one("buyer", "purchaser")
    now = cli.chain_time(manager)
    order = {"order_id": "tea-order-1"}
    quantity, price = 10_000, 6_00  # 10 t at 6 CNY/kg: 60,000 CNY
    cli.submit(manager, "order_finance", "create_order", **order, buyer="buyer",
               quantity=quantity, unit_price=price, delivery_due=later(now, 60))
    cli.submit(purchaser, "order_finance", "confirm", **order)
    financed = cli.submit(officer, "order_finance", "finance", **order, principal=30_000_00,
                          rate_bp=435, maturity=later(now, 90))
    assert transfers(financed) == {("bank-a", "coop-a"): 30_000_00}
    cli.submit(manager, "order_finance", "deliver", **order, quantity=quantity)
    cli.submit(purchaser, "order_finance", "accept", **order, quantity=quantity)
    cli.submit(manager, "order_finance", "invoice", **order)
    paid = cli.submit(roles.one("buyer", "treasurer"), "order_finance", "pay", **order,
                      amount=quantity * price)
    assert sum(transfers(paid).values()) == quantity * price
    settled = cli.submit(officer, "order_finance", "settle", **order)

    final = cli.view(officer, "order_finance", "order", **order)
    assert (final["status"], final["loan"]["status"]) == ("SETTLED", "CLOSED")
    to_bank = final["loan"]["principal_paid"] + final["loan"]["interest_paid"]
    assert final["to_lender"] == to_bank >= 30_000_00  # the bank is repaid first, in full
    moved = transfers(settled)
    assert moved[(final["controlled_account"], "bank-a")] == to_bank
    assert moved[(final["controlled_account"], "coop-a")] == quantity * price - to_bank


def test_a_claim_goes_from_enrolment_through_survey_and_publicity_to_payout(
    network: ServedNetwork,
) -> None:
    cli, roles = network.cli, network.roles
    manager = roles.one("coop-a", "manager")
    farmer = roles.all("coop-a", "farmer")[0]
    underwriter = roles.one("insurer", "underwriter")
    adjuster = roles.one("insurer", "adjuster")
    claims = roles.one("insurer", "claims_manager")
    finance, agri = roles.one("gov", "finance"), roles.one("gov", "agriculture")
    admin = roles.one("gov", "admin")

    start = cli.chain_time(manager)
    policy = {"policy_id": "rice-2026"}
    cli.submit(manager, "claims", "enrol", **policy, insurer="insurer", book="rice",
               crop="rice", region="county-a", period_start=later(start, 0),
               period_end=later(start, 180), perils=["typhoon"], sum_insured_per_mu=500_00,
               premium_per_mu=15_00, stage_caps={"tillering": 8_000}, province_share_bp=3_000,
               county_share_bp=1_500,
               covers=[{"insured": farmer, "insured_area": 10_00, "planted_area": 10_00}])
    cli.submit(underwriter, "claims", "underwrite", **policy)  # posts the insured list
    now = cli.advance(admin, "3d")  # for 3 days
    cli.submit(underwriter, "claims", "publicise_underwriting", **policy)

    year = local_year(now)  # the shares are paid in this fiscal year
    premium = 10 * 15_00  # 10 mu at 15 CNY
    for level, share_bp in (("central", 3_500), ("province", 3_000), ("county", 1_500)):
        cli.submit(finance, "claims", "publish_programme", programme=f"{level}-{year}",
                   level=level, purpose="premium", fiscal_year=year, budget=1_000_000_00)
        paid = cli.submit(finance, "claims", "pay_premium_share", **policy, level=level,
                          programme=f"{level}-{year}")
        assert transfers(paid) == {("gov", "insurer"): premium * share_bp // 10_000}, paid
    active = cli.submit(manager, "claims", "pay_premium_share", **policy, level="farmer")
    assert transfers(active) == {("coop-a", "insurer"): premium * 2_000 // 10_000}
    assert event(active, "PolicyActive")["policy_id"] == policy["policy_id"]

    cli.submit(agri, "claims", "declare_disaster", declaration_id="typhoon-1", peril="typhoon",
               region="county-a", window_start=later(now, -1), window_end=later(now, 1),
               severity=2)
    struck = cli.chain_time(manager)  # after the cover began (when the policy went active)
    claim = {"claim_id": "typhoon-1-rice"}
    cli.submit(manager, "claims", "report_loss", **claim, **policy, peril="typhoon",
               occurred_at=later(struck, 0), declaration_id="typhoon-1")
    cli.submit(adjuster, "claims", "survey", **claim, evidence=["a1" * 32])
    cli.submit(adjuster, "claims", "assess_household", **claim, insured=farmer, loss_bp=5_000,
               damaged_area=10_00, stage="tillering", evidence=["b2" * 32])
    cli.submit(agri, "claims", "verify", **claim, cosign=(manager,))
    cli.submit(claims, "claims", "publicise_claim", **claim)
    cli.advance(admin, "3d")  # the settlement list is posted for 3 days
    cli.submit(farmer, "claims", "sign_agreement", **claim, insured=farmer)
    payout = cli.submit(claims, "claims", "pay", **claim, insured=farmer)
    # 10 mu x 500 CNY x 80 % tillering cap x 50 % loss = 2,000 CNY, to the farmer's account
    assert transfers(payout) == {("insurer", farmer): 2_000_00}
    household = cli.view(claims, "claims", "claim", **claim)["households"][farmer]
    assert (household["state"], household["paid"]) == ("PAID", 2_000_00)
