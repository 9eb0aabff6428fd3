"""Attacks on a real ``agriledger serve`` (a child process on loopback), as a client makes them.

Each attack is one ``Attack`` case: what it sends and how the peer must answer. A
``refused`` attack gets a 4xx problem+json with its code and leaves the chain as it
was (same head, same balances, nothing pending); a ``recorded`` one (a party acting
beyond its rights, which only the block can judge) may land in a block but only as
a rejection, with every balance unchanged. No attack ever gets a 5xx. Add a case to
``ATTACKS`` to add an attack; a rule not enforced yet is a case marked
``xfail(strict=True)`` naming the rule, to flip once it is.

The server runs with ``--auth-skew 5`` so the read-signature clock skew is tested
through the CLI option that sets it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.client import Client, TxBuilder, load_member
from api.commands.network_up import agriledger_command
from api.schemas import SubmitResults
from api.signing import SignableRequest, sign_request
from ledger.block import TxState
from ledger.encoding import MAX_DEPTH
from ledger.identity import Credentials
from ledger.timefmt import format_time
from ledger.tx import Envelope
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES
from tests.api.conftest import free_base_port
from tests.nats.kit import Processes

pytestmark = pytest.mark.integration

SKEW_S = 5
ACCOUNTS = ("coop-a", "coop-a.farmer-1", "coop-a.farmer-2", "bank-a", "gov")
FUNDED = {"coop-a": 50_000_000, "coop-a.farmer-1": 1_000_000, "bank-a": 80_000_000}


@dataclass
class Peer:
    """The served network: its directory, the first peer's URL and members' keys."""

    directory: Path
    url: str
    members: dict[str, Credentials] = field(default_factory=dict)

    def member(self, member_id: str) -> Credentials:
        if member_id not in self.members:
            self.members[member_id] = load_member(self.directory, member_id)
        return self.members[member_id]

    def client(self, member_id: str = "gov.pboc") -> Client:
        return Client(self.url, self.member(member_id))

    def builder(self, member_id: str) -> TxBuilder:
        return TxBuilder("county", self.member(member_id))

    def post(self, body: bytes, **params: str) -> httpx.Response:
        with httpx.Client(base_url=self.url, timeout=60) as http:
            return http.post(
                "/v1/transactions", content=body, params=params,
                headers={"content-type": "application/json"},
            )


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    directory = tmp_path_factory.mktemp("attacks") / "net"
    init_network(directory, TEMPLATES["county"](), seed="attacks")
    port = free_base_port(8)
    procs = Processes()
    try:
        procs.spawn(
            [*agriledger_command(), "serve", str(directory), "--port", str(port),
             "--auth-skew", str(SKEW_S)],
            directory.parent / "serve.log",
        )
        url = f"http://127.0.0.1:{port}"
        _wait_serving(url, directory.parent / "serve.log")
        served = Peer(directory, url)
        _fund(served)
        yield served
    finally:
        procs.close()


def _wait_serving(url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"agriledger serve did not start: {log.read_text()[-2000:]}")


def _fund(peer: Peer) -> None:
    pboc = peer.builder("gov.pboc")
    issues = [pboc.build("settlement", "issue", {"account": a, "amount": n}).to_json()
              for a, n in FUNDED.items()]
    with peer.client() as client:
        result = client.submit(issues, wait=True, timeout=30)
    assert isinstance(result, SubmitResults)
    assert result.complete
    assert all(r.status is TxState.COMMITTED for r in result.results)


@dataclass(frozen=True)
class Ledger:
    """What an attack must not change: the head, every balance, nothing left pending."""

    head: str
    balances: tuple[int, ...]
    pending: int

    @classmethod
    def read(cls, peer: Peer) -> Ledger:
        with peer.client() as client:
            head = client.head()["hash"]
            balances = tuple(
                int(client.view("settlement", "balance", account=a)["balance"]) for a in ACCOUNTS
            )
            pending = int(client.health()["pending"])
        return cls(head, balances, pending)


class NotRefused(AssertionError):
    """The attack went through: what an xfail case expects, so a broken set-up still fails."""


@dataclass(frozen=True)
class Attack:
    """One attack: ``prepare`` (optional, before the ledger is read) makes what ``send``
    needs; ``send`` makes the request. ``recorded``: refused in a block is also fine."""

    name: str
    send: Callable[[Peer, Any], httpx.Response]
    status: int | None  # None for a recorded attack: the rule's owner picks the code
    code: str | None
    prepare: Callable[[Peer], Any] | None = None
    recorded: bool = False
    marks: tuple[pytest.MarkDecorator, ...] = ()


def _envelope(peer: Peer, member: str, contract: str, action: str, **args: Any) -> dict[str, Any]:
    return peer.builder(member).build(contract, action, args).to_json()


def _issue(peer: Peer, amount: int = 1, account: str = "coop-a.farmer-1") -> dict[str, Any]:
    return _envelope(peer, "gov.pboc", "settlement", "issue", account=account, amount=amount)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = {"a": value}
    return value


def deep_args(peer: Peer, _: Any) -> httpx.Response:
    """The issue's body: 1,500 levels inside ``args`` (about 3 KB), the parser's limit."""
    envelope = _issue(peer)
    text = _json(envelope).replace(b'"args": {', b'"args": {"x": ' + b"[" * 1500 + b"]" * 1500
                                   + b', ', 1)
    return peer.post(text)


def just_too_deep(peer: Peer, _: Any) -> httpx.Response:
    """One level past MAX_DEPTH: envelope, tx and args are three of them."""
    envelope = _issue(peer)
    envelope["tx"]["args"]["memo"] = _nested(MAX_DEPTH - 2)
    return peer.post(_json(envelope))


def duplicate_amount(peer: Peer, _: Any) -> httpx.Response:
    """Signed for 1 fen; a second ``amount`` that a last-wins parser would read as 5."""
    text = _json(_issue(peer, amount=1)).replace(b'"amount": 1', b'"amount": 1, "amount": 5', 1)
    return peer.post(text)


def duplicate_in_batch(peer: Peer, _: Any) -> httpx.Response:
    first, second = _json(_issue(peer)), _json(_issue(peer))
    second = second.replace(b'"tx": {', b'"tx": {"contract": "settlement", ', 1)
    return peer.post(b"[" + first + b", " + second + b"]")


def resubmit(peer: Peer, envelope: dict[str, Any]) -> httpx.Response:
    return peer.post(_json(envelope))


def rejected_once(peer: Peer) -> dict[str, Any]:
    """A transfer out of someone else's account: recorded as rejected (UNAUTHORIZED)."""
    envelope = _envelope(peer, "coop-a.farmer-2", "settlement", "transfer",
                         source="coop-a.farmer-1", target="coop-a.farmer-2", amount=1)
    outcome = _submit_and_wait(peer, envelope)
    assert outcome["status"] == "rejected", outcome
    return envelope


def committed_once(peer: Peer) -> dict[str, Any]:
    envelope = _issue(peer, account="gov")
    outcome = _submit_and_wait(peer, envelope)
    assert outcome["status"] == "committed", outcome
    return envelope


def _submit_and_wait(peer: Peer, envelope: dict[str, Any]) -> dict[str, Any]:
    response = peer.post(_json(envelope), wait="commit", timeout="30")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["results"][0]
    return result


def raw(body: bytes) -> Callable[[Peer, Any], httpx.Response]:
    def send(peer: Peer, _: Any) -> httpx.Response:
        return peer.post(body)

    return send


def signed_as(member: str, contract: str, action: str, **args: Any) -> Callable[..., Any]:
    def send(peer: Peer, _: Any) -> httpx.Response:
        envelope = _envelope(peer, member, contract, action, **args)
        return peer.post(_json(envelope), wait="commit", timeout="30")

    return send


def pledged_receipt(peer: Peer) -> str:
    """200 t of paddy worth 520,000 CNY, pledged by coop-a to bank-a for a 300,000 CNY loan."""
    received = format_time(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    intake = _committed(peer, "coop-a.keeper", "warehouse_receipt", "record_intake", {
        "warehouse": "coop-a", "depositor": "coop-a", "commodity": "paddy", "grade": "2",
        "quantity": 200, "unit": "t", "moisture_permille": 140, "pile": "barn 1",
        "received_at": received})
    issue = peer.builder("coop-a.keeper").build(  # coop-a's own store: its collateral manager
        "warehouse_receipt", "issue",
        {"warehouse": "coop-a", "lot_id": f"lot-{intake[:24]}", "quantity": 200,
         "shrinkage_bp": 50, "storage_days": 365, "storage_fee": 0, "value": 52_000_000},
        co_signers=[peer.member("custodian.cm")],
    ).to_json()
    outcome = _submit_and_wait(peer, issue)
    assert outcome["status"] == "committed", outcome
    receipt = f"wr-{str(outcome['tx_id'])[:24]}"
    applied = _committed(peer, "coop-a.manager", "warehouse_receipt", "apply",
                         {"borrower": "coop-a", "bank": "bank-a", "receipt_ids": [receipt]})
    loan = {"loan_id": f"loan-{applied[:24]}"}
    _committed(peer, "bank-a.officer", "warehouse_receipt", "approve",
               {**loan, "principal": 30_000_000, "tenor_days": 180, "rate_bp": 450})
    _committed(peer, "bank-a.officer", "warehouse_receipt", "disburse", loan)
    with peer.client() as client:
        pledged = client.view("warehouse_receipt", "receipt", receipt_id=receipt)
    assert pledged["pledgee"] == "bank-a"
    return receipt


def _committed(peer: Peer, member: str, contract: str, action: str, args: Any) -> str:
    envelope = _envelope(peer, member, contract, action, **args)
    outcome = _submit_and_wait(peer, envelope)
    assert outcome["status"] == "committed", outcome
    return str(outcome["tx_id"])


def lender_revalues(peer: Peer, receipt: str) -> httpx.Response:
    envelope = _envelope(peer, "bank-a.risk", "warehouse_receipt", "revalue",
                         receipt_id=receipt, value=1)
    return peer.post(_json(envelope), wait="commit", timeout="30")


def too_big_batch(peer: Peer, _: Any) -> httpx.Response:
    one = _json(_issue(peer))
    return peer.post(b"[" + b",".join([one] * 1001) + b"]")


def with_float(peer: Peer, _: Any) -> httpx.Response:
    return peer.post(_json(_issue(peer)).replace(b'"amount": 1', b'"amount": 1.0', 1))


def with_big_int(peer: Peer, _: Any) -> httpx.Response:
    return peer.post(_json(_issue(peer)).replace(b'"amount": 1', b'"amount": 9007199254740993', 1))


def with_nan(peer: Peer, _: Any) -> httpx.Response:
    return peer.post(_json(_issue(peer)).replace(b'"amount": 1', b'"amount": NaN', 1))


def with_lone_surrogate(peer: Peer, _: Any) -> httpx.Response:
    return peer.post(_json(_issue(peer)).replace(b'"tx": {', b'"tx": {"x": "\\ud800", ', 1))


ATTACKS = [
    Attack("nested-1500-deep-in-args", deep_args, 400, "JSON_TOO_DEEP"),
    Attack("nested-one-past-the-limit", just_too_deep, 400, "JSON_TOO_DEEP"),
    Attack("duplicate-amount-key", duplicate_amount, 400, "DUPLICATE_KEY"),
    Attack("duplicate-key-in-a-batch", duplicate_in_batch, 400, "DUPLICATE_KEY"),
    Attack("resubmit-a-rejected-envelope", resubmit, 409, "ALREADY_REJECTED",
           prepare=rejected_once),
    Attack("resubmit-a-committed-envelope", resubmit, 409, "DUPLICATE_TX",
           prepare=committed_once),
    Attack("float-amount", with_float, 400, "INVALID_JSON"),
    Attack("integer-past-2^53", with_big_int, 400, "INVALID_JSON"),
    Attack("nan-literal", with_nan, 400, "INVALID_JSON"),
    Attack("escaped-lone-surrogate", with_lone_surrogate, 400, "INVALID_JSON"),
    Attack("nan-then-junk", raw(b"[NaN]]"), 400, "INVALID_JSON"),  # was 500: a ValueError
    Attack("float-then-junk", raw(b'{"amount": 1.5}}'), 400, "INVALID_JSON"),
    Attack("invalid-utf-8", raw(b'{"tx": "\xff\xfe"}'), 400, "INVALID_JSON"),
    Attack("not-json", raw(b"{'tx': 1}"), 400, "INVALID_JSON"),
    Attack("a-json-string", raw(b'"envelope"'), 422, "INVALID_REQUEST"),
    Attack("an-empty-batch", raw(b"[]"), 422, "INVALID_REQUEST"),
    Attack("a-batch-of-1001", too_big_batch, 413, "BATCH_TOO_LARGE"),
    Attack(
        "farmer-spends-the-cooperative-treasury",
        signed_as("coop-a.farmer-1", "settlement", "transfer",
                  source="coop-a", target="coop-a.farmer-1", amount=10_000_000),
        None, None, recorded=True,
    ),
    Attack(
        "dispute-over-an-asset-that-does-not-exist",
        signed_as("coop-a.admin", "disputes", "open", dispute="d-ghost",
                  asset="receipt:no-such-receipt", claimant="coop-a", respondent="bank-a"),
        None, None, recorded=True,
    ),
    Attack(
        "lender-revalues-its-own-collateral-to-one-fen", lender_revalues, None, None,
        prepare=pledged_receipt, recorded=True,
    ),
]


def _outcome(response: httpx.Response) -> tuple[int, str]:
    """(status, code) of an answer: a problem's, or a recorded rejection's from wait=commit."""
    if response.status_code >= 400:
        return response.status_code, str(response.json().get("code"))
    results = response.json().get("results") or []
    if results and results[0]["status"] == "rejected":
        return 200, str(results[0]["code"])
    return response.status_code, "ACCEPTED"


@pytest.mark.parametrize(
    "attack", [pytest.param(a, id=a.name, marks=a.marks) for a in ATTACKS]
)
def test_an_attack_is_refused_and_changes_nothing(peer: Peer, attack: Attack) -> None:
    prepared = attack.prepare(peer) if attack.prepare else None
    before = Ledger.read(peer)
    response = attack.send(peer, prepared)
    assert response.status_code < 500, response.text
    status, code = _outcome(response)
    if attack.recorded and status < 400 and code == "ACCEPTED":
        raise NotRefused(f"{attack.name} was accepted: {response.text}")
    after = Ledger.read(peer)
    assert after.balances == before.balances
    assert after.pending == 0
    if attack.recorded:
        return
    assert (status, code) == (attack.status, attack.code), response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert after.head == before.head


def test_a_duplicate_key_is_named_by_its_path(peer: Peer) -> None:
    problem = duplicate_in_batch(peer, None).json()
    assert problem["errors"] == [
        {"path": "$[1].tx.contract", "rule": "duplicate key 'contract' in one object"}
    ]
    assert duplicate_amount(peer, None).json()["errors"][0]["path"] == "$.tx.args.amount"


def test_nesting_up_to_the_limit_is_read_and_judged_by_the_gate(peer: Peer) -> None:
    memo = _nested(MAX_DEPTH - 3)  # 64 levels with the envelope's three
    envelope = _envelope(peer, "gov.pboc", "settlement", "issue",
                         account="coop-a.farmer-1", amount=1, memo=memo)
    response = peer.post(_json(envelope))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "INVALID_ARGUMENTS"  # the issue has no memo field


def test_a_rejected_envelope_answers_with_its_recorded_verdict(peer: Peer) -> None:
    envelope = rejected_once(peer)
    problem = resubmit(peer, envelope).json()
    assert problem["tx_id"] == _tx_id(envelope)
    assert "UNAUTHORIZED" in problem["detail"]
    with peer.client() as client:
        status = client.tx(problem["tx_id"])
        assert (status.status, status.code) == (TxState.REJECTED, "UNAUTHORIZED")
        assert client.health()["pending"] == 0


def _tx_id(envelope: dict[str, Any]) -> str:
    return Envelope.parse(envelope).tx_id


def test_an_envelope_sent_twice_in_one_batch_is_ordered_once(peer: Peer) -> None:
    envelope = _issue(peer, amount=7, account="coop-a.farmer-2")
    with peer.client() as client:
        before = client.view("settlement", "balance", account="coop-a.farmer-2")["balance"]
        result = client.submit([envelope, envelope], wait=True, timeout=30)
        assert isinstance(result, SubmitResults)
        assert result.complete
        assert [r.status for r in result.results] == [TxState.COMMITTED] * 2
        after = client.view("settlement", "balance", account="coop-a.farmer-2")["balance"]
        assert after == before + 7
        assert client.health()["pending"] == 0


def test_a_resubmit_while_pending_is_accepted_once(peer: Peer) -> None:
    envelope = _issue(peer, amount=3, account="coop-a.farmer-2")
    first, second = peer.post(_json(envelope)), peer.post(_json(envelope))
    assert first.status_code == 202, first.text
    # still pending: 202 with the same tx_id; already in a block: its verdict
    assert (second.status_code, second.json().get("code")) in {(202, None), (409, "DUPLICATE_TX")}
    tx_id = first.json()["tx_ids"][0]
    with peer.client() as client:
        assert client.wait_for([tx_id])[0].status is TxState.COMMITTED
        assert client.health()["pending"] == 0


def _signed_read(peer: Peer, expired_s: int) -> httpx.Response:
    """GET /v1/blocks/head signed 60 s ago with an ``expires`` that passed ``expired_s`` ago."""
    member = peer.member("gov.pboc")
    request = httpx.Request("GET", peer.url + "/v1/blocks/head")
    created = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60 + expired_s)
    sign_request(
        SignableRequest("GET", str(request.url), request.headers), b"", member.member_id,
        member.key, now=created, validity_s=60,
    )
    with httpx.Client() as http:
        return http.send(request)


def test_a_read_signature_expired_beyond_the_skew_is_refused(peer: Peer) -> None:
    response = _signed_read(peer, expired_s=SKEW_S + 10)
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_EXPIRED"


def test_a_read_signature_expired_within_the_skew_is_accepted(peer: Peer) -> None:
    assert _signed_read(peer, expired_s=SKEW_S - 3).status_code == 200
