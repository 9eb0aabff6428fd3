"""The API over real HTTP: a uvicorn server per peer on loopback, driven by the Python client."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from api.client import ApiProblem, AsyncClient, Client, TxBuilder
from api.schemas import SubmitAccepted, SubmitResults, TxState
from tests.api.conftest import Served

pytestmark = pytest.mark.integration


def test_one_envelope_commits_and_its_status_names_the_block(served: Served, gov: Client) -> None:
    status = gov.call("settlement", "issue", account="coop-a.farmer-1", amount=5_000)
    assert status.status is TxState.COMMITTED
    assert status.height is not None
    assert status.height >= 1
    assert gov.tx(status.tx_id).height == status.height
    assert gov.view("settlement", "balance", account="coop-a.farmer-1")["balance"] >= 5_000


def test_a_batch_is_accepted_with_202_and_every_tx_commits(served: Served, gov: Client) -> None:
    builder = gov.builder()
    envelopes = [
        builder.build("settlement", "issue", {"account": "coop-a.farmer-2", "amount": 10})
        for _ in range(50)
    ]
    accepted = gov.submit(envelopes)
    assert isinstance(accepted, SubmitAccepted)
    assert accepted.tx_ids == [e.tx_id for e in envelopes]
    statuses = gov.wait_for(accepted.tx_ids, timeout=20)
    assert {s.status for s in statuses} == {TxState.COMMITTED}


def test_wait_commit_answers_each_final_status_in_order(served: Served, gov: Client) -> None:
    builder = gov.builder()
    good = builder.build("settlement", "issue", {"account": "coop-a.farmer-3", "amount": 7})
    farmer = TxBuilder(gov.chain_id, served.member("coop-a.farmer-3"))
    overdraft = farmer.build(
        "settlement",
        "transfer",
        {"source": "coop-a.farmer-3", "target": "coop-a.farmer-4", "amount": 10**12},
    )
    result = gov.submit([good, overdraft], wait=True, timeout=20)
    assert isinstance(result, SubmitResults)
    assert result.complete
    assert [r.status for r in result.results] == [TxState.COMMITTED, TxState.REJECTED]
    assert result.results[1].code == "INSUFFICIENT_FUNDS"


def test_contracts_list_actions_roles_and_args_schemas(gov: Client) -> None:
    data = gov.contracts()
    settlement = next(c for c in data["contracts"] if c["name"] == "settlement")
    issue = next(a for a in settlement["actions"] if a["name"] == "issue")
    assert {"org_type": "government", "role": "central_bank"} in issue["roles"]
    assert set(issue["args_schema"]["properties"]) >= {"account", "amount"}
    assert any(v["name"] == "balance" for v in settlement["views"])


def test_state_blocks_and_chain_verification_read_back(served: Served, gov: Client) -> None:
    gov.call("settlement", "issue", account="coop-a.farmer-5", amount=3)
    record = gov.state("membership", "member/coop-a.farmer-5")
    assert record["role"] == "farmer"
    head = gov.head()
    block = gov.block(head["header"]["height"])
    assert block["hash"] == head["hash"]
    assert gov.block(0)["genesis"]["chain_id"] == "small"
    report = gov.verify_chain()
    assert report["ok"] is True
    assert report["blocks"] >= head["header"]["height"] + 1


def test_missing_things_are_404_problems_with_codes(gov: Client) -> None:
    cases = {
        "/v1/transactions/" + "0" * 64: "TX_NOT_FOUND",
        "/v1/blocks/999999": "BLOCK_NOT_FOUND",
        "/v1/state/settlement/account/nobody-here": "STATE_NOT_FOUND",
        "/v1/state/nosuch/key": "CONTRACT_NOT_FOUND",
        "/v1/views/settlement/nosuch": "VIEW_NOT_FOUND",
    }
    for path, code in cases.items():
        response = gov.http.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code


def test_bad_input_gets_4xx_with_the_json_path_of_each_bad_field(gov: Client) -> None:
    envelope = gov.builder().build(
        "settlement", "issue", {"account": "coop-a.farmer-1", "amount": 1}
    )
    bad = envelope.to_json()
    bad["tx"]["args"] = {"account": "coop-a.farmer-1", "amount": "lots"}
    response = gov.http.post("/v1/transactions", json=[envelope.to_json(), bad])
    assert response.status_code in (403, 422)  # the re-signed body no longer verifies
    raw = gov.http.post(
        "/v1/transactions",
        content=b'{"tx": {"amount": 1.5}}',
        headers={"content-type": "application/json"},
    )
    assert raw.status_code == 400
    assert raw.json()["errors"][0]["path"] == "$.tx.amount"
    malformed = gov.http.post("/v1/transactions", json=[{"tx": {}, "signatures": []}])
    problem = malformed.json()
    assert malformed.status_code == 422
    assert problem["code"] == "MALFORMED_ENVELOPE"
    assert problem["errors"][0]["path"].startswith("$[0].tx.")
    too_many = gov.http.post("/v1/transactions", json=[{}] * 1001)
    assert too_many.status_code == 413
    assert too_many.json()["code"] == "BATCH_TOO_LARGE"


def test_invalid_args_name_each_field_path(served: Served, gov: Client) -> None:
    builder = gov.builder()
    envelope = builder.build("settlement", "issue", {"account": "coop-a.farmer-1", "amount": -5})
    with pytest.raises(ApiProblem) as caught:
        gov.submit(envelope)
    assert caught.value.status == 422
    assert caught.value.code == "INVALID_ARGUMENTS"
    assert caught.value.problem["errors"][0]["path"] == "$.tx.args.amount"


def test_events_stream_resumes_after_the_last_block_id(served: Served, gov: Client) -> None:
    start = gov.head()["header"]["height"]
    status = gov.call("settlement", "issue", account="coop-a.farmer-6", amount=11)
    events = list(gov.events(from_height=start + 1, follow=False))
    kinds = [e.event for e in events]
    assert "tx" in kinds
    assert "block" in kinds
    assert "contract" in kinds
    tx_events = [e.data for e in events if e.event == "tx"]
    assert status.tx_id in {t["tx_id"] for t in tx_events}
    last_block = [e for e in events if e.event == "block"][-1]
    resumed = gov.http.get(
        "/v1/events", params={"follow": "false"}, headers={"Last-Event-ID": last_block.id or ""}
    )
    assert resumed.status_code == 200
    assert "event: block" not in resumed.text  # nothing after the head yet


def test_events_follow_delivers_new_blocks_live(served: Served, gov: Client) -> None:
    async def scenario() -> None:
        async with AsyncClient(served.url, served.member("gov.pboc")) as client:
            start = (await client.head())["header"]["height"]
            seen: list[str] = []

            async def follow() -> None:
                async for event in client.events(from_height=start + 1):
                    if event.event == "tx":
                        seen.append(event.data["tx_id"])
                        return

            follower = asyncio.create_task(follow())
            await asyncio.sleep(0.2)
            status = await client.call("settlement", "issue", account="coop-a.farmer-7", amount=1)
            await asyncio.wait_for(follower, 20)
            assert seen == [status.tx_id]

    asyncio.run(scenario())


def test_health_and_metrics_need_no_credentials(served: Served) -> None:
    health = httpx.get(served.url + "/v1/health").json()
    assert health["chain_id"] == "small"
    assert health["node_id"] == "gov.peer"
    metrics = httpx.get(served.url + "/metrics")
    assert metrics.status_code == 200
    assert "agriledger_chain_height" in metrics.text


def test_every_peer_serves_the_same_chain_on_its_own_port(served: Served) -> None:
    endpoints = json.loads((served.directory / "endpoints.json").read_text())["peers"]
    assert endpoints == served.urls
    heads = {httpx.get(url + "/v1/health").json()["head_hash"] for url in endpoints.values()}
    assert len(heads) == 1


def test_openapi_documents_the_envelope_and_every_route(served: Served) -> None:
    schema = httpx.get(served.url + "/openapi.json").json()
    assert "EnvelopeModel" in schema["components"]["schemas"]
    paths = set(schema["paths"])
    assert {
        "/v1/transactions",
        "/v1/transactions/{tx_id}",
        "/v1/contracts",
        "/v1/state/{contract}/{key}",
        "/v1/views/{contract}/{view}",
        "/v1/blocks/head",
        "/v1/blocks/{height}",
        "/v1/chain/verify",
        "/v1/events",
        "/v1/health",
        "/metrics",
    } <= paths
    assert httpx.get(served.url + "/docs").status_code == 200
