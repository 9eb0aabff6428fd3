"""The console in headless Chromium against a real ``agriledger serve`` (issue 17).

Every member signs in with its own key file; reads are RFC 9421 signatures made by
Web Crypto in the page and writes are envelopes signed there, so these tests pass
only if the browser's signatures verify with the peer exactly as the CLI's do.
axe-core (bundled by ``axe-playwright-python``) checks each page it visits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect

from api.client import Client, load_member
from ledger.encoding import canonical
from tests.api.serve_kit import ServeProcess, run_cli
from tests.browser.browser_kit import (
    RECEIPT_TERMS,
    Console,
    Shots,
    intake,
    issue_receipt,
    loan_id,
    receipt_id,
    shots_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SERIOUS = {"serious", "critical"}
_axe = Axe()


def accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations = _axe.run(page).response["violations"]
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations if v["impact"] in SERIOUS
    ]
    assert not bad, bad


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


def test_receipt_pledged_approved_disbursed_and_the_explorer_shows_the_block(
    browser: Browser, served: ServeProcess, consoles: dict[str, Console], shots: Shots
) -> None:
    funded = run_cli("tx", "submit", served.directory, "--as", "gov.pboc", "settlement", "issue",
                     "account=bank-a", "amount=1000000000", "--wait")
    assert funded.returncode == 0, funded.stderr
    manager = open_console(consoles, browser, served, "coop-a.manager")
    keeper = open_console(consoles, browser, served, "coop-a.keeper")
    cm = open_console(consoles, browser, served, "custodian.cm")
    officer = open_console(consoles, browser, served, "bank-a.officer")

    receipt = issue_receipt(manager, keeper, cm, "paddy-ui-1", value_fen=5_200_000)
    page = manager.goto("/")
    row = page.get_by_role("row").filter(has_text=receipt)
    expect(row).to_contain_text("¥52,000.00")
    expect(row).to_contain_text("ACTIVE")
    accessible(page)
    shots.take(page, "cooperative-receipt-active")

    row.get_by_role("link", name="Pledge").click()  # the apply form, prefilled from the row
    expect(page.locator("#arg-receipt_ids")).to_have_value(receipt)
    page.locator("#arg-bank").fill("bank-a")
    page.get_by_role("button", name="Review").click()
    body = json.loads(page.locator("#confirm-body").inner_text())
    assert body["args"] == {"bank": "bank-a", "borrower": "coop-a", "receipt_ids": [receipt]}
    assert page.locator("#confirm-body").inner_text() == canonical(body).decode()
    accessible(page)
    shots.take(page, "cooperative-pledge-review")
    page.get_by_role("button", name="Sign and submit").click()
    loan = loan_id(manager.committed(page))

    page = officer.goto("/")
    application = page.get_by_role("region", name="Applications").get_by_role("row").filter(
        has_text=loan)
    expect(application).to_contain_text("¥52,000.00")
    accessible(page)
    shots.take(page, "bank-application-to-approve")
    application.get_by_role("link", name="Approve").click()
    page.locator("#arg-principal").fill("3640000")
    expect(page.locator("output.money")).to_have_text("= ¥36,400.00")
    page.locator("#arg-rate_bp").fill("450")
    page.locator("#arg-tenor_days").fill("120")
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Sign and submit").click()
    officer.committed(page)
    disbursed = officer.act("warehouse_receipt", "disburse", loan_id=loan)

    page = officer.goto("/")
    book = page.get_by_role("region", name="Pledge loans").get_by_role("row").filter(has_text=loan)
    expect(book).to_contain_text("DISBURSED")
    expect(book).to_contain_text("70.00 %")  # 36,400 on 52,000 of collateral
    accessible(page)
    shots.take(page, "bank-loan-book")

    page = officer.goto(f"/explorer/txs/{disbursed}")
    expect(page.locator("#tx")).to_contain_text("warehouse_receipt.disburse")
    expect(page.locator("#tx")).to_contain_text("bank-a.officer")
    expect(page.locator("#tx")).to_contain_text(loan)
    accessible(page)
    shots.take(page, "explorer-disburse-tx")
    page.locator("#tx dd a").first.click()  # the block it is in
    expect(page.locator("#block")).to_contain_text(disbursed[:12])
    expect(page.locator("#block")).to_contain_text("committed")
    accessible(page)
    shots.take(page, "explorer-block")

    page = officer.goto("/explorer")
    expect(page.locator("#peers")).to_contain_text("custodian.peer")
    expect(page.locator("#blocks")).to_contain_text("Recent blocks")
    expect(page.locator("#head time")).to_have_attribute("title", re.compile(r"^UTC \d{4}-"))
    manager.act("warehouse_receipt", "repay", loan_id=loan)  # arrives on the live stream
    expect(page.locator("#live")).to_contain_text("warehouse_receipt.repay by coop-a.manager")
    accessible(page)
    shots.take(page, "explorer-live")


def test_a_member_of_another_bank_does_not_see_the_loan(
    browser: Browser, served: ServeProcess, consoles: dict[str, Console], shots: Shots
) -> None:
    manager = open_console(consoles, browser, served, "coop-a.manager")
    keeper = open_console(consoles, browser, served, "coop-a.keeper")
    cm = open_console(consoles, browser, served, "custodian.cm")
    receipt = issue_receipt(manager, keeper, cm, "paddy-ui-2", value_fen=1_000_000)
    apply_tx = manager.act("warehouse_receipt", "apply", bank="bank-a", borrower="coop-a",
                           receipt_ids=[receipt])
    other = open_console(consoles, browser, served, "bank-b.officer")
    page = other.goto(f"/explorer/txs/{apply_tx}")
    expect(page.locator("#tx")).not_to_have_text("")  # the page has answered
    shots.take(page, "other-bank-tx-page")
    assert loan_id(apply_tx) not in page.locator("main").inner_text()
    assert receipt not in page.locator("main").inner_text()


def test_a_cosignature_awaits_in_the_named_signers_inbox_and_nobody_elses(
    browser: Browser, served: ServeProcess, consoles: dict[str, Console], shots: Shots
) -> None:
    keeper = open_console(consoles, browser, served, "coop-a.keeper")
    cm = open_console(consoles, browser, served, "custodian.cm")
    other = open_console(consoles, browser, served, "bank-b.officer")
    lot = intake(keeper, "paddy-ui-inbox")
    tx_id = keeper.send_to_inboxes("warehouse_receipt", "issue", ["custodian.cm"], lot_id=lot,
                                   value=2_000_000, **RECEIPT_TERMS)
    shots.take(keeper.page, "keeper-sends-to-inbox")

    page = other.goto("/cosign")  # another organisation's console: nothing, not even its id
    expect(page.get_by_text("Inbox: nothing awaits you.")).to_be_visible()
    with Client(served.url, load_member(served.directory, "bank-b.officer")) as outsider:
        assert outsider.http.get(f"/v1/inbox/{tx_id}").status_code == 404
        assert tx_id not in outsider.http.get("/v1/inbox").text
    shots.take(page, "other-org-inbox-empty")

    page = cm.goto("/cosign")
    entry = page.get_by_role("region", name="Inbox").get_by_role("row").filter(
        has_text="warehouse_receipt.issue")
    expect(entry).to_contain_text("coop-a.keeper")
    accessible(page)
    shots.take(page, "collateral-manager-inbox")
    entry.get_by_role("button", name=re.compile("^Review")).click()
    expect(page.locator("#review-body")).to_contain_text("coop-a.keeper: signature checks")
    page.get_by_role("button", name="Add my signature").click()
    expect(page.locator("#review-body")).to_contain_text("custodian.cm: signature checks")
    page.get_by_role("button", name="Submit it now").click()
    assert cm.committed(page) == tx_id
    assert receipt_id(tx_id).startswith("wr-")
    page = keeper.goto("/cosign")  # on chain now: it awaits nobody
    expect(page.get_by_text("Inbox: nothing awaits you.")).to_be_visible()
    shots.take(cm.page, "collateral-manager-cosigned")


def test_a_key_that_is_not_the_members_is_refused_with_the_field_named(
    browser: Browser, served: ServeProcess, shots: Shots
) -> None:
    # not signed in first: a second sign-in started while the first one's navigation to
    # "/" is under way aborts the page load (net::ERR_ABORTED), a race of the test
    console = Console(browser, served.url, served.directory, "coop-a.manager", sign_in=False)
    console.sign_in(served.directory, "coop-a.manager", key_of="bank-a.officer")
    expect(console.page.locator("#status")).to_have_text(
        "Key file: this is not the key of coop-a.manager")
    expect(console.page.locator("#who")).to_contain_text("Not signed in")
    shots.take(console.page, "wrong-key-refused")
    console.close()


def test_keyboard_only_at_phone_width_and_a_refused_action_names_its_rule(
    browser: Browser, served: ServeProcess, consoles: dict[str, Console], shots: Shots
) -> None:
    phone = {"width": 375, "height": 740}
    farmer = open_console(consoles, browser, served, "coop-a.farmer-1", viewport=phone)
    page = farmer.goto("/actions?contract=settlement&action=transfer")
    page.locator("legend").wait_for()
    shots.take(page, "phone-transfer-form")
    expect(page.locator("legend")).to_have_text("settlement.transfer")
    page.locator("#arg-source").focus()
    page.keyboard.type("coop-a.farmer-1")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the help text's field to the next input
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("arg-"), focused
    page.locator("#arg-target").fill("coop-b.farmer-2")
    page.locator("#arg-amount").focus()
    page.keyboard.type("12.5")
    page.keyboard.press("Enter")  # submits the form: refused in the page, nothing signed
    expect(page.locator("#status")).to_contain_text("amount: must be a whole number")
    expect(page.locator("#arg-amount")).to_be_focused()
    page.locator("#arg-amount").fill("")
    page.keyboard.type("100")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check before you sign")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Sign and submit": the farmer has no money, so refused
    outcome = page.locator("#outcome")
    expect(outcome).to_have_attribute("data-status", "rejected")
    expect(outcome).to_contain_text("INSUFFICIENT")
    accessible(page)
    shots.take(page, "phone-transfer-refused")

    # Every page of the console at 375 px: no sideways scroll, axe clean, and every
    # link, button and field reachable with Tab alone.
    refused = outcome.get_attribute("data-tx-id")
    for path, drawn in (("/sign-in", "form"), ("/", "#view .help"), ("/explorer", "#clock p"),
                        ("/explorer/blocks/0", "#block dl"), (f"/explorer/txs/{refused}", "#tx dl"),
                        ("/actions?contract=settlement&action=transfer", "legend"),
                        ("/cosign", "#inbox")):
        page = farmer.goto(path)
        page.locator(drawn).first.wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at 375 px by {overflow} px"
        accessible(page)
        unreached = keyboard_unreached(page)
        assert not unreached, f"{path}: Tab never reaches {unreached}"
    shots.take(page, "phone-cosign-page")


REACHABLE = ("a[href], button, input:not([type=hidden]), select, textarea, "
             "[tabindex]:not([tabindex='-1'])")


def keyboard_unreached(page: Page) -> list[str]:
    """The visible controls that pressing Tab from the top of the page never focuses."""
    count = page.evaluate(
        """(sel) => { let n = 0; for (const e of document.querySelectorAll(sel)) {
             if (e.offsetParent !== null && !e.disabled) e.dataset.kb = String(n++); }
           return n; }""", REACHABLE)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached: set[str] = set()
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        kb = page.evaluate("document.activeElement && document.activeElement.dataset.kb")
        if kb is not None:
            reached.add(kb)
    missing: list[str] = page.evaluate(
        """(reached) => [...document.querySelectorAll('[data-kb]')]
             .filter((e) => !reached.includes(e.dataset.kb))
             .map((e) => e.outerHTML.slice(0, 80))""", sorted(reached))
    return missing


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), max_size=6), inner,
                      max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def bare_page(browser: Browser, served: ServeProcess) -> Iterator[Page]:
    page = browser.new_page()
    page.goto(f"{served.url}/sign-in")
    yield page
    page.close()


FIXED: list[Any] = [
    {"b": 1, "a": [True, None, -5, "x"], "_": {"z": "\u00e9\u4e2d", "y": ""}},
    {"\U0001f600": 1, "\ufb33": 2, "a\u0000b": "\u001f\u007f\"\\/\n\t\b\f\r"},
    {"amount": 2**53 - 1, "neg": -(2**53 - 1), "nested": [[[{"k": []}]], {}]},
    "\u2028\u2029 \U0001f33e paddy",
]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=8))
def test_the_browser_canonical_bytes_equal_the_ledgers(bare_page: Page, values: list[Any]) -> None:
    """ledger.js's RFC 8785 bytes are the ledger's for the JSON the ledger admits (keys
    outside the BMP included, where JCS order differs from code-point order)."""
    got = bare_page.evaluate(
        "async (values) => { const m = await import('/console/static/ledger.js');"
        " return values.map((v) => m.canonical(v)); }", FIXED + values)
    assert got == [canonical(v).decode() for v in FIXED + values]


def test_the_browser_refuses_a_float_naming_its_path(bare_page: Page) -> None:
    refused = bare_page.evaluate(
        "async () => { const m = await import('/console/static/ledger.js');"
        " try { m.canonical({a: {b: 1.5}}); return null } catch (e) { return e.message } }")
    assert refused == "$.a.b: must be an integer within ±(2^53 - 1), not 1.5"
