"""schemathesis against /openapi.json of a live peer: no 5xx, every response matches the schema.

Reads are signed per request (RFC 9421) by a requests auth hook, so generated
reads get past authentication and exercise the handlers; generated envelopes are
schema-valid but unsigned junk, so they test the gate's refusals.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.signing import SignableRequest, sign_request
from ledger.identity import Credentials
from tests.api.conftest import Served, start_network

pytestmark = pytest.mark.integration

EXAMPLES = 100
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]


class SignedReads(requests.auth.AuthBase):
    def __init__(self, member: Credentials) -> None:
        self.member = member

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        sign_request(
            SignableRequest(str(request.method), str(request.url), request.headers),  # type: ignore[arg-type]
            body,
            self.member.member_id,
            self.member.key,
        )
        return request


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_network(tmp_path_factory.mktemp("fuzz") / "net", seed="schemathesis")
    try:
        with server.client("gov.pboc") as client:
            client.call("settlement", "issue", account="coop-a.farmer-1", amount=1_000)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_schema(live: Served) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(live.url + "/openapi.json")


@pytest.fixture(scope="module")
def session(live: Served) -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.auth = SignedReads(live.member("gov.admin"))
        yield http


def test_no_5xx_and_every_response_matches_the_schema(
    api_schema: schemathesis.BaseSchema, live: Served, session: requests.Session
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: schemathesis.Case) -> None:
            if case.path == "/v1/events":
                case.query = {**(case.query or {}), "follow": "false"}
            response = case.call(base_url=live.url, session=session, timeout=30)
            case.validate_response(response, checks=CHECKS)

        exercise()
