"""Need to know against a real ``agriledger serve`` of the lishui template: bank-a lends
coop-a against a warehouse receipt; bank-b's loan officer cannot read the loan by any
route (state, views, tx lookup, blocks, the event stream, the member CLI), while bank-a,
the borrowing cooperative and the regulator (the central bank, genesis's supervisor)
can; every peer's chain file still verifies, with and without replay."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.client import ApiProblem, Client, load_member
from ledger.crypto import b64encode
from ledger.timefmt import format_time
from tests.integration.cli_kit import AGRILEDGER, ServedNetwork, serving

pytestmark = [pytest.mark.integration]

READERS = ("bank-a.officer", "coop-a.manager", "gov.pboc")
OUTSIDER = "bank-b.officer"


@pytest.fixture(scope="module")
def lent(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServedNetwork, dict[str, Any]]]:
    """A served lishui network on which bank-a has disbursed a pledge loan to coop-a."""
    with serving(tmp_path_factory.mktemp("ntk") / "net", "lishui") as served:
        cli, roles = served.cli, served.roles
        cli.submit(roles.one("gov", "central_bank"), "settlement", "issue",
                   account="bank-a", amount=1_000_000_00)
        manager, keeper = roles.one("coop-a", "manager"), roles.one("coop-a", "warehouse_keeper")
        officer = roles.one("bank-a", "loan_officer")
        received = format_time(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        intake = cli.submit(keeper, "warehouse_receipt", "record_intake", warehouse="coop-a",
                            depositor="coop-a", commodity="paddy", grade="2",
                            quantity=20_000, unit="kg", moisture_permille=140, pile="bay 1",
                            received_at=received)
        lot = {"warehouse": "coop-a", "lot_id": next(
            e["data"]["lot_id"] for e in intake["events"] if e["type"] == "IntakeRecorded")}
        issued = cli.submit(keeper, "warehouse_receipt", "issue", **lot, quantity=20_000,
                            shrinkage_bp=50, storage_days=300,
                            storage_fee=0, value=52_000_00,
                            cosign=(roles.one("custodian", "collateral_manager"),))
        receipt = next(e["data"] for e in issued["events"] if e["type"] == "ReceiptIssued")
        applied = cli.submit(manager, "warehouse_receipt", "apply", borrower="coop-a",
                             bank="bank-a", receipt_ids=[receipt["receipt_id"]])
        loan_id = next(e["data"]["loan_id"] for e in applied["events"]
                       if e["type"] == "LoanApplied")
        approved = cli.submit(officer, "warehouse_receipt", "approve", loan_id=loan_id,
                              principal=36_400_00, tenor_days=120, rate_bp=450)
        disbursed = cli.submit(officer, "warehouse_receipt", "disburse", loan_id=loan_id)
        yield served, {"loan_id": loan_id, "txs": [applied, approved, disbursed],
                       "receipt_id": receipt["receipt_id"]}


def client(served: ServedNetwork, member: str) -> Client:
    return Client.from_network(served.cli.net, member)


def problem(call: Any) -> ApiProblem:
    with pytest.raises(ApiProblem) as caught:
        call()
    return caught.value


def test_the_lender_the_borrower_and_the_regulator_read_the_loan_by_every_route(
    lent: tuple[ServedNetwork, dict[str, Any]],
) -> None:
    served, loan = lent
    loan_id = loan["loan_id"]
    for member in READERS:
        with client(served, member) as reader:
            assert reader.state("warehouse_receipt", f"loan/{loan_id}")["bank"] == "bank-a"
            assert reader.view("warehouse_receipt", "loan", loan_id=loan_id)["borrower"] == (
                "coop-a")
            for tx in loan["txs"]:
                assert reader.tx(tx["tx_id"]).height == tx["height"]
                block = reader.block(tx["height"])
                mine = next(t for t in block["txs"] if t["result"]["tx_id"] == tx["tx_id"])
                assert mine["envelope"]["tx"]["contract"] == "warehouse_receipt"
                assert mine["result"]["writes"], member
            listed = reader.view("warehouse_receipt", "receipts_by_holder", holder="coop-a")
            assert loan["receipt_id"] in json.dumps(listed), member
            first = loan["txs"][0]["height"]
            text = json.dumps([e.data for e in reader.events(first, follow=False)])
            assert f'"loan_id": "{loan_id}"' in text, member


def test_another_bank_cannot_read_the_loan_by_any_route(
    lent: tuple[ServedNetwork, dict[str, Any]],
) -> None:
    served, loan = lent
    loan_id = loan["loan_id"]
    with client(served, OUTSIDER) as outsider:
        # state: the same 404 as a key that was never written
        hidden = problem(lambda: outsider.state("warehouse_receipt", f"loan/{loan_id}"))
        absent = problem(lambda: outsider.state("warehouse_receipt", "loan/wr-no-such-loan"))
        assert (hidden.status, hidden.code) == (absent.status, absent.code) == (
            404, "STATE_NOT_FOUND")
        assert hidden.problem["detail"].replace(loan_id, "X") == absent.problem[
            "detail"].replace("wr-no-such-loan", "X")
        assert problem(lambda: outsider.state("settlement", "account/bank-a")).status == 404
        # views: as if the loan did not exist
        seen = problem(lambda: outsider.view("warehouse_receipt", "loan", loan_id=loan_id))
        none = problem(lambda: outsider.view("warehouse_receipt", "loan", loan_id="wr-none"))
        assert (seen.status, seen.code) == (none.status, none.code)
        assert seen.status == 404
        # a listing view lists only the rows the reader may read
        listed = outsider.view("warehouse_receipt", "receipts_by_holder", holder="coop-a")
        assert loan["receipt_id"] not in json.dumps(listed)
        # a list view (GET /v1/lists) skips it: the page is as if it did not exist
        assert outsider.records("warehouse_receipt", "loan/")["items"] == []
        # tx lookup: unknown
        for tx in loan["txs"]:
            assert problem(lambda tx=tx: outsider.tx(tx["tx_id"])).code == "TX_NOT_FOUND"
        # blocks: the header, tx ids and codes, never the envelope, writes or events
        for tx in loan["txs"]:
            block = outsider.block(tx["height"])
            entry = next(t for t in block["txs"] if t["result"]["tx_id"] == tx["tx_id"])
            assert entry == {"envelope": None, "result": {
                "tx_id": tx["tx_id"], "status": "committed", "code": None}}
            assert block["header"]["height"] == tx["height"]
            assert loan_id not in json.dumps(block)
        # the event stream: each tx's id and status, nothing of what it did
        events = list(outsider.events(loan["txs"][0]["height"], follow=False))
        assert {e.data["tx_id"] for e in events if e.event == "tx"} >= {
            tx["tx_id"] for tx in loan["txs"]}
        assert loan_id not in json.dumps([e.data for e in events])
        assert not [e for e in events if e.event == "contract"
                    and e.data["tx_id"] in {tx["tx_id"] for tx in loan["txs"]}]
        # what is public by nature stays public: the lien on the pledged receipt
        lien = outsider.state("registry", f"lien/receipt:{loan['receipt_id']}")
        assert lien["pledgee"] == "bank-a"


def test_list_views_page_the_readable_records_in_key_order(
    lent: tuple[ServedNetwork, dict[str, Any]],
) -> None:
    served, loan = lent
    for member in READERS:
        with client(served, member) as reader:
            page = reader.records("warehouse_receipt", "loan/")
            assert [i["key"] for i in page["items"]] == [f"loan/{loan['loan_id']}"]
            assert page["items"][0]["value"]["bank"] == "bank-a"
            assert page["next_after"] is None
    with client(served, "gov.pboc") as regulator:  # reads every account: several pages
        whole = regulator.records("settlement", "", limit=200)["items"]
        assert len(whole) >= 3
        paged: list[Any] = []
        after = None
        while True:
            page = regulator.records("settlement", "", after=after, limit=2)
            paged += page["items"]
            after = page["next_after"]
            if after is None:
                break
        assert paged == whole
        assert [i["key"] for i in whole] == sorted(i["key"] for i in whole)
        refused = problem(lambda: regulator.records("settlement", "", limit=201))
        assert (refused.status, refused.code) == (422, "INVALID_REQUEST")
        assert "limit" in json.dumps(refused.problem)


def test_the_member_cli_reports_an_unreadable_record_as_not_found(
    lent: tuple[ServedNetwork, dict[str, Any]],
) -> None:
    served, loan = lent
    proc = served.cli.run("query", str(served.cli.net), "--as", OUTSIDER, "state",
                          "warehouse_receipt", f"loan/{loan['loan_id']}")
    assert proc.returncode == 1
    assert "404 STATE_NOT_FOUND" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_peer_chain_still_verifies_with_and_without_replay(
    lent: tuple[ServedNetwork, dict[str, Any]],
) -> None:
    served, _ = lent
    # the lender's peer and the outsider's: filtering on read changed neither chain
    chains = [c for c in sorted(Path(served.cli.net).rglob("chain.db"))
              if c.parent.name in ("bank-a.peer", "bank-b.peer")]
    assert len(chains) == 2, chains
    for chain in chains:
        for extra in ((), ("--replay",)):
            proc = subprocess.run([AGRILEDGER, "verify", str(chain), *extra],
                                  capture_output=True, text=True, timeout=300, check=False)
            assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_cosignature_inbox_refuses_what_a_signer_or_an_outsider_should_not_do(
    lent: tuple[ServedNetwork, dict[str, Any]],
) -> None:
    """POST /v1/inbox and its signatures, from the side of each member who would break a
    rule: a non-signer posting, a forged signature, a co-signer who is not enrolled, an
    outsider reading or signing, a co-signer signing twice or with a signature that
    is not over the body."""
    served, _ = lent
    net = served.cli.net
    cm = load_member(net, "custodian.cm")
    with client(served, "coop-a.keeper") as poster:
        envelope = poster.builder().build("warehouse_receipt", "record_intake", {
            "warehouse": "coop-a", "depositor": "coop-a", "commodity": "paddy", "grade": "2",
            "quantity": 1_000, "unit": "kg", "moisture_permille": 140, "pile": "inbox bay",
            "received_at": format_time(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))})
        body = {"envelope": envelope.to_json(), "co_signers": ["custodian.cm"]}
        ghost = poster.http.post("/v1/inbox", json={**body, "co_signers": ["coop-a.nobody"]})
        assert (ghost.status_code, ghost.json()["code"]) == (422, "INVALID_REQUEST")
        assert "co_signers[0]" in ghost.text
        forged = envelope.to_json()
        forged["signatures"][0]["sig"] = b64encode(cm.key.sign(envelope.body_bytes))
        refused = poster.http.post("/v1/inbox", json={**body, "envelope": forged})
        assert refused.status_code == 422
        assert "$.envelope.signatures[0].sig" in refused.text
        posted = poster.http.post("/v1/inbox", json=body)
        assert posted.status_code == 200, posted.text
    tx_id = envelope.tx_id
    with client(served, "bank-b.officer") as outsider:
        assert outsider.http.post("/v1/inbox", json=body).json()["code"] == "INBOX_FORBIDDEN"
        assert outsider.http.get(f"/v1/inbox/{tx_id}").json()["code"] == (
            "INBOX_ENTRY_NOT_FOUND")
        assert outsider.http.get("/v1/inbox").json() == {"items": []}
        sig = b64encode(load_member(net, "bank-b.officer").key.sign(envelope.body_bytes))
        assert outsider.http.post(f"/v1/inbox/{tx_id}/signatures",
                                  json={"sig": sig}).status_code == 404
    with client(served, "custodian.cm") as cosigner:
        wrong = b64encode(cm.key.sign(b"not the body"))
        bad = cosigner.http.post(f"/v1/inbox/{tx_id}/signatures", json={"sig": wrong})
        assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_REQUEST")
        good = b64encode(cm.key.sign(envelope.body_bytes))
        signed = cosigner.http.post(f"/v1/inbox/{tx_id}/signatures", json={"sig": good})
        assert signed.json()["awaiting"] == []
        assert [s["signer"] for s in signed.json()["envelope"]["signatures"]] == [
            "coop-a.keeper", "custodian.cm"]
        again = cosigner.http.post(f"/v1/inbox/{tx_id}/signatures", json={"sig": good})
        assert (again.status_code, again.json()["code"]) == (403, "INBOX_FORBIDDEN")
