"""Every way a write or a read is refused: each with its own code, and the chain unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.client import Client, TxBuilder
from api.schemas import TxState
from api.signing import SignableRequest, sign_request
from ledger.crypto import PrivateKey, b64decode, b64encode
from ledger.identity import Credentials
from tests.api.conftest import Served

pytestmark = pytest.mark.integration

REVOKED = "coop-a.farmer-8"


@pytest.fixture(scope="module")
def revoked(served: Served) -> str:
    with served.client("coop-a.admin") as admin:
        status = admin.call("membership", "revoke", member_id=REVOKED, reason="left the co-op")
    assert status.status is TxState.COMMITTED
    return REVOKED


@pytest.fixture
def pboc(served: Served) -> Iterator[Client]:
    with served.client("gov.pboc") as client:
        yield client


def _height(client: Client) -> int:
    return int(client.health()["height"])


def _refused(client: Client, envelope: dict[str, Any], status: int, code: str) -> None:
    before = _height(client)
    response = client.http.post("/v1/transactions", json=envelope)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert _height(client) == before  # nothing reached the orderer
    assert client.health()["pending"] == 0


def _issue(builder: TxBuilder, account: str = "coop-a.farmer-1") -> dict[str, Any]:
    return builder.build("settlement", "issue", {"account": account, "amount": 100}).to_json()


def test_a_forged_signature_is_refused_as_bad_signature(pboc: Client) -> None:
    envelope = _issue(pboc.builder())
    sig = bytearray(b64decode(envelope["signatures"][0]["sig"]))
    sig[0] ^= 0xFF
    envelope["signatures"][0]["sig"] = b64encode(bytes(sig))
    _refused(pboc, envelope, 403, "BAD_SIGNATURE")


def test_an_unknown_signer_is_refused(served: Served, pboc: Client) -> None:
    ghost = Credentials(
        "coop-a.ghost", PrivateKey.generate(), served.member("coop-a.admin").certificate
    )
    _refused(pboc, _issue(TxBuilder(pboc.chain_id, ghost)), 403, "UNKNOWN_SIGNER")


def test_a_revoked_member_cannot_submit(served: Served, pboc: Client, revoked: str) -> None:
    builder = TxBuilder(pboc.chain_id, served.member(revoked))
    envelope = builder.build(
        "settlement", "transfer", {"source": revoked, "target": "coop-a.farmer-1", "amount": 1}
    ).to_json()
    _refused(pboc, envelope, 403, "SIGNER_REVOKED")


def test_another_chains_envelope_is_refused(served: Served, pboc: Client) -> None:
    envelope = _issue(TxBuilder("some-other-chain", served.member("gov.pboc")))
    _refused(pboc, envelope, 422, "WRONG_CHAIN")


def test_a_replayed_envelope_is_refused_as_duplicate(pboc: Client) -> None:
    envelope = _issue(pboc.builder())
    first = pboc.submit(envelope, wait=True, timeout=20)
    assert first.results[0].status is TxState.COMMITTED  # type: ignore[union-attr]
    balance = pboc.view("settlement", "balance", account="coop-a.farmer-1")
    _refused(pboc, envelope, 409, "DUPLICATE_TX")
    assert pboc.view("settlement", "balance", account="coop-a.farmer-1") == balance


def test_a_wrong_role_is_refused_at_the_gate(served: Served, pboc: Client) -> None:
    farmer = TxBuilder(pboc.chain_id, served.member("coop-a.farmer-2"))
    before = pboc.view("settlement", "balance", account="coop-a.farmer-2")
    _refused(pboc, _issue(farmer, "coop-a.farmer-2"), 403, "UNAUTHORIZED")
    assert pboc.view("settlement", "balance", account="coop-a.farmer-2") == before


def test_the_wrong_party_with_the_right_role_is_rejected_in_its_block(
    served: Served, pboc: Client
) -> None:
    """Who a party is depends on state at execution, so that check is the block's job."""
    thief = TxBuilder(pboc.chain_id, served.member("coop-a.farmer-2"))
    before = pboc.view("settlement", "balance", account="coop-a.farmer-1")
    envelope = thief.build(
        "settlement", "transfer",
        {"source": "coop-a.farmer-1", "target": "coop-a.farmer-2", "amount": 1},
    ).to_json()
    result = pboc.submit(envelope, wait=True, timeout=20)
    outcome = result.results[0]  # type: ignore[union-attr]
    assert outcome.status is TxState.REJECTED
    assert outcome.code == "UNAUTHORIZED"
    assert pboc.view("settlement", "balance", account="coop-a.farmer-1") == before


def test_an_unauthenticated_read_is_401(served: Served) -> None:
    response = httpx.get(served.url + "/v1/blocks/head")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_REQUIRED"


def test_a_read_signed_by_a_revoked_member_is_403(served: Served, revoked: str) -> None:
    with served.client(revoked) as client:
        response = client.http.get("/v1/blocks/head")
    assert response.status_code == 403
    assert response.json()["code"] == "MEMBER_REVOKED"


def test_a_read_signed_by_an_unknown_key_is_401(served: Served) -> None:
    ghost = Credentials(
        "coop-a.ghost", PrivateKey.generate(), served.member("coop-a.admin").certificate
    )
    with Client(served.url, ghost) as client:
        response = client.http.get("/v1/blocks/head")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_UNKNOWN_MEMBER"


def test_a_read_signed_with_another_members_key_is_401(served: Served) -> None:
    thief = Credentials("gov.pboc", PrivateKey.generate(), served.member("gov.pboc").certificate)
    with Client(served.url, thief) as client:
        response = client.http.get("/v1/blocks/head")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID"


def test_a_replayed_read_request_is_401(served: Served) -> None:
    member = served.member("gov.pboc")
    request = httpx.Request("GET", served.url + "/v1/blocks/head")
    sign_request(
        SignableRequest("GET", str(request.url), request.headers), b"", member.member_id, member.key
    )
    with httpx.Client() as http:
        assert http.send(request).status_code == 200
        again = http.send(request)
    assert again.status_code == 401
    assert again.json()["code"] == "AUTH_REPLAYED"


def test_a_read_whose_path_was_changed_after_signing_is_401(served: Served) -> None:
    member = served.member("gov.pboc")
    request = httpx.Request("GET", served.url + "/v1/blocks/head")
    sign_request(
        SignableRequest("GET", str(request.url), request.headers), b"", member.member_id, member.key
    )
    moved = httpx.Request("GET", served.url + "/v1/blocks/0", headers=request.headers)
    with httpx.Client() as http:
        response = http.send(moved)
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID"
