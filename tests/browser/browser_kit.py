"""Headless Debian Chromium driven by Playwright against a real ``agriledger serve``.

The browser is the system's ``/usr/bin/chromium`` (``make system-deps`` installs the
Debian package), launched through Playwright's ``executable_path``: no browser download.
Each member signs in in a browser context of its own (its own IndexedDB, so its own key),
by loading its key file from the network directory, as a person would.
Screenshots go to ``out/browser/<test name>/``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from ledger.timefmt import format_time

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "out" / "browser"
TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    """The system Chromium, or None when it is not installed."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


def key_file(net: Path, member: str) -> Path:
    return net / "orgs" / member.split(".")[0] / "members" / member / "key.pem"


@dataclass
class Shots:
    """Numbered screenshots of one test, in out/browser/<test>/."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Page, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        self.taken.append(path)
        return path


def shots_for(test_name: str) -> Shots:
    folder = SHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
    if folder.exists():
        shutil.rmtree(folder)
    return Shots(folder)


class Console:
    """One member's console: a browser context signed in with the member's key file."""

    def __init__(self, browser: Browser, url: str, net: Path, member: str,
                 viewport: dict[str, int] | None = None, sign_in: bool = True) -> None:
        self.member = member
        self.url = url
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        if sign_in:
            self.sign_in(net, member)

    def sign_in(self, net: Path, member: str, key_of: str | None = None) -> None:
        page = self.page
        page.goto(f"{self.url}/sign-in")
        page.get_by_label("Member id").fill(member)
        key = key_file(net, key_of or member)
        page.get_by_label("Key file (PEM, Ed25519)").set_input_files(key)
        page.get_by_role("button", name="Sign in").click()

    def signed_in(self) -> None:
        page = self.page
        page.wait_for_function(
            "location.pathname === '/' || document.querySelector('#status .error') !== null")
        assert page.url.endswith("/"), page.locator("#status").inner_text()
        expect(page.locator("#who")).to_contain_text(f"Signed in as {self.member}")

    def goto(self, path: str) -> Page:
        self.page.goto(f"{self.url}{path}")
        return self.page

    def review(self, contract: str, action: str, **args: Any) -> Page:
        """The action's form, filled with ``args``, reviewed (the canonical body shown)."""
        page = self.goto(f"/actions?contract={contract}&action={action}")
        expect(page.locator("legend")).to_have_text(f"{contract}.{action}")
        for name, value in args.items():
            field_ = page.locator(f"#arg-{name}")
            if isinstance(value, list):
                field_.fill("\n".join(str(v) for v in value))
            else:
                field_.fill(str(value))
        page.get_by_role("button", name="Review").click()
        expect(page.locator("#confirm-body")).to_be_visible()
        return page

    def act(self, contract: str, action: str, **args: Any) -> str:
        """Fill, review, sign and submit; the committed tx's id."""
        page = self.review(contract, action, **args)
        page.get_by_role("button", name="Sign and submit").click()
        return self.committed(page)

    def hand_over(self, contract: str, action: str, **args: Any) -> str:
        """Fill, review and sign for co-signature: the envelope text to pass on."""
        page = self.review(contract, action, **args)
        page.get_by_role("button", name="Sign and hand over for co-signature").click()
        out = page.locator("#envelope-out")
        expect(out).to_be_visible()
        return out.input_value()

    def send_to_inboxes(self, contract: str, action: str, co_signers: list[str],
                        **args: Any) -> str:
        """Fill, review, sign and post to the co-signers' inboxes: the tx id."""
        self.hand_over(contract, action, **args)
        page = self.page
        page.get_by_label("Co-signers (member ids, one per line)").fill("\n".join(co_signers))
        page.get_by_role("button", name="Send to their inboxes").click()
        sent = page.locator("#sent")
        expect(sent).to_contain_text("In the inboxes of")
        tx_id = sent.get_attribute("data-tx-id")
        assert tx_id is not None
        return tx_id

    def cosign_and_submit(self, envelope: str) -> str:
        page = self.goto("/cosign")
        page.get_by_label("Envelope (JSON)").fill(envelope)
        page.get_by_role("button", name="Check it").click()
        expect(page.locator("#review-body")).to_contain_text("signature checks")
        page.get_by_role("button", name="Add my signature").click()
        expect(page.locator("#review-body")).to_contain_text(f"{self.member}: signature checks")
        page.get_by_role("button", name="Submit it now").click()
        return self.committed(page)

    def committed(self, page: Page) -> str:
        outcome = page.locator("#outcome")
        expect(outcome).to_have_attribute("data-status", re.compile(r"^(committed|rejected)$"))
        assert outcome.get_attribute("data-status") == "committed", outcome.inner_text()
        tx_id = outcome.get_attribute("data-tx-id")
        assert tx_id is not None
        return tx_id

    def close(self) -> None:
        assert not self.errors, f"{self.member}'s pages threw: {self.errors}"
        self.context.close()


def receipt_id(issue_tx: str) -> str:
    """A receipt's id: wr- and the first 24 hex digits of its issuing tx."""
    return f"wr-{issue_tx[:24]}"


def loan_id(apply_tx: str) -> str:
    return f"loan-{apply_tx[:24]}"


def intake(keeper: Console, lot: str) -> str:
    """The keeper's intake record of 20 t of paddy in pile ``lot``: the lot's id."""
    received = format_time(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    tx = keeper.act("warehouse_receipt", "record_intake", commodity="paddy",
                    depositor="coop-a", grade="2", moisture_permille=140,
                    pile=f"{lot} bay", quantity=20000, received_at=received, unit="kg",
                    warehouse="coop-a")
    return f"lot-{tx[:24]}"


RECEIPT_TERMS = {"quantity": 20000, "shrinkage_bp": 50, "storage_days": 300, "storage_fee": 0,
                 "warehouse": "coop-a"}


def issue_receipt(manager: Console, keeper: Console, cm: Console, lot: str,
                  value_fen: int) -> str:
    """The cooperative's receipt for 20 t of paddy in its own warehouse (the walkthrough's
    steps: the keeper's intake record makes the lot in pile ``lot``, then the receipt is
    issued co-signed by the collateral manager)."""
    envelope = keeper.hand_over("warehouse_receipt", "issue", lot_id=intake(keeper, lot),
                                value=value_fen, **RECEIPT_TERMS)
    return receipt_id(cm.cosign_and_submit(envelope))
