"""An insurer's adjuster works a claim to payout in the console, with the dev clock (issue 17).

The network is lishui made with ``--dev``: its posting periods are the real 3 days, and
they pass because a government admin moves the development clock from the explorer,
not because the template posts for 0 days. What is not the claim's own story (money,
premium subsidy programmes, the cooperative's pledge loan that is the household's loss
payee, enrolment and underwriting) is set up through the Python client, signed with
the same key files; everything from the loss report to the payout is done in Chromium.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from api.client import Client, load_member
from ledger.block import TxState
from ledger.timefmt import format_time
from tests.api.serve_kit import ServeProcess
from tests.browser.browser_kit import Console, Shots, loan_id, shots_for
from tests.browser.test_browser_console import accessible

pytestmark = [pytest.mark.integration, pytest.mark.browser]

FARMER = "coop-a.farmer-1"
PHONE = {"width": 375, "height": 740}
POLICY = "rice-ui"
CLAIM = "typhoon-ui-1"


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return shots_for(request.node.name)


@pytest.fixture
def consoles(browser: Browser, served: ServeProcess) -> Iterator[dict[str, Console]]:
    opened: dict[str, Console] = {}
    yield opened
    for console in opened.values():
        console.close()


def open_console(consoles: dict[str, Console], browser: Browser, served: ServeProcess,
                 member: str, **kw: Any) -> Console:
    console = Console(browser, served.url, served.directory, member, **kw)
    console.signed_in()
    consoles[member] = console
    return console


def commit(served: ServeProcess, member: str, contract: str, action: str, *,
           co_signers: tuple[str, ...] = (), **args: Any) -> str:
    net = served.directory
    with Client(served.url, load_member(net, member)) as client:
        status = client.call(contract, action,
                             co_signers=[load_member(net, m) for m in co_signers], **args)
    assert status.status is TxState.COMMITTED, f"{action}: {status.code} {status.message}"
    return status.tx_id


def chain_now(served: ServeProcess, after: dt.timedelta = dt.timedelta()) -> str:
    with Client(served.url, load_member(served.directory, "gov.admin")) as client:
        now = dt.datetime.fromisoformat(client.clock()["now"])
    return format_time(now + after)


def pass_days(served: ServeProcess, days: int) -> None:
    with Client(served.url, load_member(served.directory, "gov.admin")) as client:
        client.advance_clock(f"{days}d")


def pledge_loan(served: ServeProcess) -> str:
    """coop-a's disbursed 1,000 CNY pledge loan at bank-a: the household's loss payee."""
    commit(served, "gov.pboc", "settlement", "issue", account="bank-a", amount=10_000_000)
    intake = commit(served, "coop-a.keeper", "warehouse_receipt", "record_intake",
                    commodity="paddy", depositor="coop-a", grade="2", moisture_permille=140,
                    pile="claims bay", quantity=5000, unit="kg", warehouse="coop-a",
                    received_at=chain_now(served, -dt.timedelta(hours=1)))
    issued = commit(served, "coop-a.keeper", "warehouse_receipt", "issue",
                    co_signers=("custodian.cm",), lot_id=f"lot-{intake[:24]}", quantity=5000,
                    shrinkage_bp=50, storage_days=300, storage_fee=0, value=500_000,
                    warehouse="coop-a")
    loan = loan_id(commit(served, "coop-a.manager", "warehouse_receipt", "apply",
                          bank="bank-a", borrower="coop-a", receipt_ids=[f"wr-{issued[:24]}"]))
    commit(served, "bank-a.officer", "warehouse_receipt", "approve", loan_id=loan,
           principal=100_000, rate_bp=450, tenor_days=120)
    commit(served, "bank-a.officer", "warehouse_receipt", "disburse", loan_id=loan)
    return loan


def insured_and_underwritten(served: ServeProcess, loan: str) -> None:
    """The farmer's 10 mu of rice under a policy in force, premium paid by every level."""
    for account in ("gov", "coop-a", "insurer"):
        commit(served, "gov.pboc", "settlement", "issue", account=account, amount=100_000_000)
    year = dt.datetime.fromisoformat(chain_now(served)).astimezone(
        ZoneInfo("Asia/Shanghai")).year
    for level in ("central", "province", "county"):
        commit(served, "gov.finance", "claims", "publish_programme", programme=f"{level}-{year}",
               level=level, purpose="premium", fiscal_year=year, budget=10_000_000)
    commit(served, "coop-a.manager", "claims", "enrol", policy_id=POLICY, insurer="insurer",
           book="lishui-rice", crop="rice", region="lishui", period_start=chain_now(served),
           period_end=chain_now(served, dt.timedelta(days=180)), perils=["typhoon"],
           sum_insured_per_mu=500_00, premium_per_mu=15_00, stage_caps={"tillering": 8_000},
           province_share_bp=3_000, county_share_bp=1_500,
           covers=[{"insured": FARMER, "insured_area": 10_00, "planted_area": 10_00,
                    "loss_payee": {"kind": "warehouse_receipt", "ref": loan}}])
    commit(served, "insurer.underwriter", "claims", "underwrite", policy_id=POLICY)
    pass_days(served, 3)  # the insured list is posted in the village for its 3 days
    commit(served, "insurer.underwriter", "claims", "publicise_underwriting", policy_id=POLICY)
    for level in ("central", "province", "county"):
        commit(served, "gov.finance", "claims", "pay_premium_share", policy_id=POLICY,
               level=level, programme=f"{level}-{year}")
    commit(served, "coop-a.manager", "claims", "pay_premium_share", policy_id=POLICY,
           level="farmer")


def queue_row(page: Page) -> Any:
    return page.get_by_role("region", name="Claims").get_by_role("row").filter(has_text=CLAIM)


def at_phone_width(page: Page, drawn: str) -> None:
    """At 375 px the page, once drawn, does not scroll sideways (wide tables scroll in
    their own focusable region) and still passes axe."""
    page.set_viewport_size(PHONE)
    page.locator(drawn).first.wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways at 375 px by {overflow} px"
    accessible(page)


def reads_while_drawn(console: Console, path: str, drawn: str) -> tuple[Page, list[str]]:
    """The page at ``path`` once ``drawn`` shows, and every /v1 URL it asked for."""
    reads: list[str] = []
    page = console.page
    listen = lambda request: reads.append(request.url) if "/v1/" in request.url else None  # noqa: E731
    page.on("request", listen)
    try:
        console.goto(path)
        page.locator(drawn).first.wait_for()
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("request", listen)
    return page, reads


def test_an_adjuster_works_a_claim_to_payout_with_the_dev_clock(
    browser: Browser, served: ServeProcess, consoles: dict[str, Console], shots: Shots
) -> None:
    loan = pledge_loan(served)
    insured_and_underwritten(served, loan)
    farmer = open_console(consoles, browser, served, FARMER, viewport=PHONE)
    adjuster = open_console(consoles, browser, served, "insurer.adjuster")
    claims = open_console(consoles, browser, served, "insurer.claims")
    agri = open_console(consoles, browser, served, "gov.agri")
    manager = open_console(consoles, browser, served, "coop-a.manager")
    admin = open_console(consoles, browser, served, "gov.admin")

    # 1. The farmer reports the typhoon loss from a phone.
    farmer.act("claims", "report_loss", claim_id=CLAIM, policy_id=POLICY, peril="typhoon",
               occurred_at=chain_now(served))
    shots.take(farmer.page, "farmer-reports-loss-on-phone")

    # 2. The adjuster's queue: the claim with its 24 h survey clock, a Survey link.
    page = adjuster.goto("/")
    row = queue_row(page)
    expect(row).to_contain_text("REPORTED")
    expect(row.locator("time").nth(1)).to_have_attribute("title", re.compile(r"^UTC \d{4}-"))
    accessible(page)
    shots.take(page, "adjuster-queue-survey-due")
    row.get_by_role("link", name=re.compile("^Survey")).click()
    expect(page.locator("#arg-claim_id")).to_have_value(CLAIM)
    page.locator("#arg-evidence").fill("a1" * 32)
    page.get_by_role("button", name="Review").click()
    shots.take(page, "adjuster-survey-review")
    page.get_by_role("button", name="Sign and submit").click()
    adjuster.committed(page)

    # 3. Assesses the household: half the crop lost on all 10 mu, at tillering.
    page = adjuster.goto("/")
    queue_row(page).get_by_role("link", name=re.compile("^Assess")).click()
    expect(page.locator("#arg-claim_id")).to_have_value(CLAIM)
    adjuster.act("claims", "assess_household", claim_id=CLAIM, insured=FARMER, loss_bp=5000,
                 damaged_area=1000, stage="tillering", evidence=["b2" * 32])

    # 4. The co-signatures the contract requires: agriculture bureau and cooperative.
    envelope = agri.hand_over("claims", "verify", claim_id=CLAIM)
    shots.take(agri.page, "agriculture-signs-and-hands-over")
    manager.cosign_and_submit(envelope)
    shots.take(manager.page, "cooperative-cosigns-verify")

    # 5. The claims manager posts the settlement list; the queue shows the publicity end
    #    and the 10-day payment clock; paying before the posting ends is refused. The
    #    queue is read from list views (GET /v1/lists), never block by block.
    claims.act("claims", "publicise_claim", claim_id=CLAIM)
    page, reads = reads_while_drawn(claims, "/", "#view table")
    assert not [r for r in reads if "/v1/blocks" in r], reads
    assert [r for r in reads if "/v1/lists/claims?prefix=claim%2F" in r], reads
    row = queue_row(page)
    expect(row).to_contain_text("PUBLICISED")
    accessible(page)
    shots.take(page, "claims-manager-queue-publicity")
    at_phone_width(page, "#view table")
    shots.take(page, "claims-manager-queue-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    farmer_page = farmer.review("claims", "sign_agreement", claim_id=CLAIM, insured=FARMER)
    farmer_page.get_by_role("button", name="Sign and submit").click()
    outcome = farmer_page.locator("#outcome")
    expect(outcome).to_have_attribute("data-status", "rejected")
    expect(outcome).to_contain_text("PUBLICITY")
    shots.take(farmer_page, "farmer-agreement-refused-during-publicity")

    # 6. A government admin moves the development clock past the 3-day posting.
    page = admin.goto("/explorer")
    clock = page.get_by_role("region", name="Development clock")
    expect(clock).to_contain_text("development chain")
    clock.get_by_label("Move forward by").fill("3d")
    clock.get_by_role("button", name="Move the clock").click()
    expect(clock.locator("#clock-status")).to_contain_text("moved forward by 3d")
    accessible(page)
    shots.take(page, "admin-moves-dev-clock")

    # 7. The farmer signs the agreement; the claims manager pays from the queue.
    farmer.act("claims", "sign_agreement", claim_id=CLAIM, insured=FARMER)
    page = claims.goto("/")
    queue_row(page).get_by_role("link", name=re.compile("^Pay")).click()
    expect(page.locator("#arg-insured")).to_have_value(FARMER)
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Sign and submit").click()
    pay_tx = claims.committed(page)

    # 8. The explorer shows the payout: the loss payee (the pledge loan) first.
    page = claims.goto(f"/explorer/txs/{pay_tx}")
    tx = page.locator("#tx")
    expect(tx).to_contain_text("claims.pay")
    expect(tx).to_contain_text("ClaimPaid")
    expect(tx).to_contain_text("ClaimPaid")
    events = json.loads(tx.locator("pre").nth(1).inner_text())
    moved = [e["data"] for e in events if e["type"] == "Transferred"]
    paid = next(e["data"] for e in events if e["type"] == "ClaimPaid")
    assert [(m["target"], m["amount"]) for m in moved] == [
        ("bank-a", paid["to_payee"]), (FARMER, paid["to_insured"])]  # the lender first
    assert paid["amount"] == 2_000_00  # 10 mu x 500 CNY x 80 % tillering cap x 50 % loss
    assert paid["to_payee"] > 100_000  # the loan's principal and its interest
    accessible(page)
    shots.take(page, "explorer-payout-tx")
    page = claims.goto("/")
    expect(queue_row(page)).to_contain_text("PAID")
    shots.take(page, "claims-manager-queue-paid")
    officer = open_console(consoles, browser, served, "bank-a.officer")
    page = officer.goto("/")
    book = page.get_by_role("region", name="Pledge loans").get_by_role("row").filter(has_text=loan)
    expect(book).to_contain_text(re.compile("REPAID|CLOSED"))
    shots.take(page, "bank-loan-repaid-by-payout")


def test_the_county_sees_declarations_budgets_and_their_use_at_phone_width(
    browser: Browser, served: ServeProcess, consoles: dict[str, Console], shots: Shots
) -> None:
    year = dt.datetime.fromisoformat(chain_now(served)).astimezone(
        ZoneInfo("Asia/Shanghai")).year
    commit(served, "gov.finance", "claims", "publish_programme", programme=f"county-ui-{year}",
           level="county", purpose="loss_share", fiscal_year=year, budget=2_500_000_01)
    agri = open_console(consoles, browser, served, "gov.agri", viewport=PHONE)
    agri.act("claims", "declare_disaster", declaration_id="typhoon-ui-decl", peril="typhoon",
             region="lishui", window_start=chain_now(served, -dt.timedelta(days=2)),
             window_end=chain_now(served, -dt.timedelta(days=1)), severity=3)
    page, reads = reads_while_drawn(agri, "/", "#view table")
    assert not [r for r in reads if "/v1/blocks" in r], reads
    declared = page.get_by_role("region", name="Declarations").get_by_role("row").filter(
        has_text="typhoon-ui-decl")
    expect(declared).to_contain_text("by gov.agri")
    expect(declared.locator("time").first).to_have_attribute("title", re.compile(r"^UTC "))
    budget = page.get_by_role("region", name="Premium and loss-share budgets").get_by_role(
        "row").filter(has_text=f"county-ui-{year}")
    expect(budget).to_contain_text("¥2,500,000.01")  # fen exact
    for heading in ("Interest subsidies", "Village credit ratings", "Disputes"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    at_phone_width(page, "#view table")
    shots.take(page, "government-view-phone")
