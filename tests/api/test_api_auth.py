"""RFC 9421 read authentication without a server: each refusal has its own error type."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from api.auth import MemberKey, ReadAuthenticator
from api.exceptions import (
    AuthError,
    CredentialsMissing,
    MemberRevoked,
    SignatureExpired,
    SignatureInvalid,
    SignatureReplayed,
    UnknownKey,
)
from api.signing import SignableRequest, sign_request
from ledger.crypto import PrivateKey

KEY = PrivateKey.from_seed(b"auth-tests")
NOW = 1_800_000_000.0
URL = "http://127.0.0.1:8700/v1/state/membership/member/coop-a.f1?x=1&y=a%20b"


def members(revoked: bool = False) -> ReadAuthenticator:
    table = {"coop-a.f1": MemberKey("coop-a.f1", KEY.public_bytes(), revoked)}
    return ReadAuthenticator(table.get, clock=lambda: NOW)


def signed(
    url: str = URL,
    body: bytes = b"",
    *,
    at: float = NOW,
    key: PrivateKey = KEY,
    member: str = "coop-a.f1",
    method: str = "GET",
) -> tuple[str, str, list[tuple[str, str]], bytes]:
    request = httpx.Request(method, url, content=body or None)
    sign_request(
        SignableRequest(method, str(request.url), request.headers),
        body,
        member,
        key,
        now=dt.datetime.fromtimestamp(at, dt.UTC),
    )
    target = request.url.raw_path.decode()
    headers = [(k.decode(), v.decode()) for k, v in request.headers.raw]
    return method, target, headers, body


def test_a_fresh_signature_by_an_enrolled_member_names_the_member() -> None:
    assert members().authenticate(*signed()) == "coop-a.f1"


def test_a_signed_body_verifies_and_a_changed_body_does_not() -> None:
    auth = members()
    method, target, headers, body = signed(body=b'{"a":1}', method="POST")
    assert auth.authenticate(method, target, headers, body) == "coop-a.f1"
    method, target, headers, _ = signed(body=b'{"a":1}', method="POST")
    with pytest.raises(SignatureInvalid):
        auth.authenticate(method, target, headers, b'{"a":2}')


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: ("GET", "/v1/x", [], b""), CredentialsMissing),
        (lambda: signed(at=NOW - 3600), SignatureExpired),
        (lambda: signed(at=NOW + 3600), SignatureExpired),
        (lambda: signed(member="coop-a.ghost"), UnknownKey),
        (lambda: signed(key=PrivateKey.from_seed(b"other")), SignatureInvalid),
    ],
    ids=["missing", "stale", "future", "unknown", "wrong-key"],
)
def test_each_bad_signature_is_refused_with_its_own_error(make, error: type[AuthError]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        members().authenticate(*make())


def test_a_tampered_query_does_not_verify() -> None:
    method, target, headers, body = signed()
    with pytest.raises(SignatureInvalid):
        members().authenticate(method, target.replace("x=1", "x=2"), headers, body)


def test_a_replay_within_the_window_is_refused() -> None:
    auth = members()
    request = signed()
    auth.authenticate(*request)
    with pytest.raises(SignatureReplayed):
        auth.authenticate(*request)


def test_a_revoked_member_is_refused_after_proving_its_key() -> None:
    with pytest.raises(MemberRevoked):
        members(revoked=True).authenticate(*signed())
    with pytest.raises(SignatureInvalid):
        members(revoked=True).authenticate(*signed(key=PrivateKey.from_seed(b"other")))


def test_a_signature_that_does_not_cover_the_query_is_refused() -> None:
    method, target, headers, body = signed()
    headers = [
        (k, v.replace(' "@query"', "")) if k.lower() == "signature-input" else (k, v)
        for k, v in headers
    ]
    with pytest.raises(SignatureInvalid, match="@query"):
        members().authenticate(method, target, headers, body)
