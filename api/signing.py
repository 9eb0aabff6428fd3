"""RFC 9421 HTTP Message Signatures as agriledger uses them for reads (the client side).

A read request carries one signature, label ``sig1``, made with the member's
Ed25519 key (the key of the member certificate enrolled on chain)::

    Signature-Input: sig1=("@method" "@path" "@query");created=1767225600;
        expires=1767225660;keyid="insurer-a.adjuster-1";alg="ed25519";nonce="5f0c..."
    Signature: sig1=:<base64 Ed25519 signature of the signature base>:

A request with a body adds ``"content-digest"`` to the covered components and a
``Content-Digest: sha-256=:<base64 SHA-256 of the body>:`` header (RFC 9530).
The signature base is built exactly as RFC 9421 section 2.5 says; the
``http-message-signatures`` library (pyauth) builds and checks it here and on
the server. ``api/auth.py`` holds the server's checks.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from ledger.crypto import PrivateKey

LABEL = "sig1"
ALGORITHM = "ed25519"
COVERED_COMPONENTS: tuple[str, ...] = ("@method", "@path", "@query")
BODY_COMPONENT = "content-digest"
DEFAULT_VALIDITY_S = 60


class HeaderMap(Protocol):
    """What the signer needs of a header container (httpx.Headers fits)."""

    def items(self) -> Iterable[tuple[str, str]]: ...
    def __iter__(self) -> Iterator[str]: ...
    def __contains__(self, name: object) -> bool: ...
    def __setitem__(self, name: str, value: str) -> None: ...
    def __delitem__(self, name: str) -> None: ...


@dataclass
class SignableRequest:
    """The request view the signature library reads: method, absolute URL, headers."""

    method: str
    url: str
    headers: HeaderMap


def sign_request(
    request: SignableRequest,
    body: bytes,
    member_id: str,
    key: PrivateKey,
    *,
    now: dt.datetime | None = None,
    nonce: str | None = None,
    validity_s: int = DEFAULT_VALIDITY_S,
) -> None:
    """Add Signature-Input, Signature (and Content-Digest when there is a body) in place.

    A fresh random nonce per request keeps two identical reads in the same second
    from looking like a replay.
    """
    created = now or dt.datetime.now(dt.UTC)
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={member_id: key.raw}),
    )
    for name in ("signature", "signature-input", "content-digest"):
        if name in request.headers:
            del request.headers[name]
    signer.sign(
        request,
        key_id=member_id,
        created=created,
        expires=created + dt.timedelta(seconds=validity_s),
        nonce=nonce or secrets.token_hex(16),
        label=LABEL,
        covered_component_ids=COVERED_COMPONENTS,
        body=body if body else None,
    )
