"""Who may read: RFC 9421 HTTP Message Signatures by an enrolled, unrevoked member.

Writes need no HTTP credential: every envelope carries its own Ed25519
signatures, which the peer checks. Every read carries one HTTP message
signature (see ``api/signing.py`` for the wire form) and is checked here, in
this order, each failure with its own code:

1. ``Signature`` and ``Signature-Input`` present, else AUTH_REQUIRED (401);
   exactly one signature, covering ``@method``, ``@path``, ``@query`` (and
   ``content-digest`` when there is a body), with ``keyid``, ``created`` and
   ``nonce`` parameters and ``alg``, if given, ``ed25519``, else AUTH_INVALID (401).
2. ``created`` no older than the window and not in the future (beyond the
   allowed clock skew), ``expires`` (if given) not passed, else AUTH_EXPIRED (401).
3. ``keyid`` is a member id enrolled in the chain state, else AUTH_UNKNOWN_MEMBER (401).
4. The signature (and the body digest) verifies with the member's public key
   from its on-chain record, else AUTH_INVALID (401).
5. The (keyid, nonce) pair was not seen within the window, else AUTH_REPLAYED (401).
6. The member is not revoked, else MEMBER_REVOKED (403).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import http_sf
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)
from http_message_signatures.algorithms import HTTPSignatureAlgorithm

from api.exceptions import (
    CredentialsMissing,
    MemberRevoked,
    SignatureExpired,
    SignatureInvalid,
    SignatureReplayed,
    UnknownKey,
)
from api.signing import ALGORITHM, BODY_COMPONENT, COVERED_COMPONENTS
from ledger.crypto import b64decode, public_key_from_bytes

VERIFY_ORIGIN = "http://agriledger.invalid"  # @authority is not covered: any host will do
DEFAULT_WINDOW_S = 300
DEFAULT_SKEW_S = 30
MAX_NONCE_LENGTH = 128


@dataclass(frozen=True, slots=True)
class MemberKey:
    """What the chain says about a keyid: its Ed25519 public key and whether it was revoked."""

    member_id: str
    public_key: bytes
    revoked: bool


MemberLookup = Callable[[str], MemberKey | None]


class _HeaderLines:
    """Read-only header view over raw (name, value) pairs, repeated lines kept."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> Iterable[tuple[str, str]]:
        return iter(self._pairs)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name for name, _ in self._pairs))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(n.lower() == name.lower() for n, _ in self._pairs)

    def get(self, name: str) -> str | None:
        values = [v for n, v in self._pairs if n.lower() == name]
        return ", ".join(values) if values else None


@dataclass
class _Message:
    method: str
    url: str
    headers: _HeaderLines


class NonceCache:
    """(keyid, nonce) pairs seen within the window; thread-safe, pruned as it goes."""

    def __init__(self, window_s: int, max_entries: int = 1_000_000) -> None:
        self.window_s = window_s
        self.max_entries = max_entries
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def add(self, keyid: str, nonce: str, now: float) -> bool:
        """Record the pair; False if it was already there (a replay)."""
        with self._lock:
            if now >= self._next_prune or len(self._seen) >= self.max_entries:
                self._seen = {k: exp for k, exp in self._seen.items() if exp > now}
                self._next_prune = now + 1.0
            key = (keyid, nonce)
            expiry = self._seen.get(key)
            if expiry is not None and expiry > now:
                return False
            self._seen[key] = now + self.window_s
            return True


class ReadAuthenticator:
    """Checks one read request's RFC 9421 signature against the members in chain state."""

    def __init__(
        self,
        lookup: MemberLookup,
        *,
        window_s: int = DEFAULT_WINDOW_S,
        skew_s: int = DEFAULT_SKEW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lookup = lookup
        self.window_s = window_s
        self.skew_s = skew_s
        self.clock = clock
        self.nonces = NonceCache(window_s + 2 * skew_s)

    def authenticate(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> str:
        """Return the member id that signed the request, or raise the AuthError saying why."""
        lines = _HeaderLines(headers)
        sig_input, sig_value = lines.get("signature-input"), lines.get("signature")
        if sig_input is None and sig_value is None:
            raise CredentialsMissing(
                "reads need an RFC 9421 signature: send Signature-Input and Signature headers"
            )
        if sig_input is None or sig_value is None:
            raise SignatureInvalid("both Signature-Input and Signature headers are required")
        covered, params = _parse_input(sig_input)
        _check_coverage(covered, params, has_body=bool(body))
        now = self.clock()
        self._check_time(params, now)
        keyid = str(params["keyid"])
        member = self.lookup(keyid)
        if member is None:
            raise UnknownKey(f"keyid {keyid!r} is not an enrolled member", keyid=keyid)
        self._verify(method, target, lines, body, member)
        if not self.nonces.add(keyid, str(params["nonce"]), now):
            raise SignatureReplayed(f"nonce {params['nonce']!r} of {keyid!r} was already used")
        if member.revoked:
            raise MemberRevoked(f"member {keyid!r} was revoked", keyid=keyid)
        return keyid

    def _check_time(self, params: dict[str, Any], now: float) -> None:
        created = params["created"]
        if created > now + self.skew_s:
            raise SignatureExpired("signature 'created' is in the future")
        if created < now - self.window_s - self.skew_s:
            raise SignatureExpired(f"signature is older than {self.window_s} s")
        expires = params.get("expires")
        if expires is not None and expires < now - self.skew_s:
            raise SignatureExpired("signature has expired")

    def _verify(
        self, method: str, target: str, lines: _HeaderLines, body: bytes, member: MemberKey
    ) -> None:
        try:
            public_key = public_key_from_bytes(member.public_key)
        except Exception:
            raise SignatureInvalid(
                f"member {member.member_id!r} has no usable Ed25519 key"
            ) from None
        verifier = _Verifier(
            signature_algorithm=_ED25519,
            key_resolver=MappingKeyResolver(
                public_keys={member.member_id: public_key}, private_keys={}
            ),
        )
        message = _Message(method, VERIFY_ORIGIN + target, lines)
        try:
            verifier.verify(
                message,
                max_age=None,
                require_components=COVERED_COMPONENTS,
                body=body,
            )
        except HTTPMessageSignaturesException as exc:
            raise SignatureInvalid(f"signature does not verify: {exc}") from None


_ED25519: type[HTTPSignatureAlgorithm] = algorithms.ED25519


class _Verifier(HTTPMessageVerifier):
    """The library's verifier minus its wall-clock checks: ``_check_time`` did them already,
    with the authenticator's injected clock, and with codes of their own."""

    require_created = True

    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        return None


def _parse_input(value: str) -> tuple[list[str], dict[str, Any]]:
    """Covered component names and parameters of the single signature in Signature-Input."""
    try:
        parsed: Any = http_sf.parse(value.encode("latin-1"), tltype="dictionary")
    except Exception:
        raise SignatureInvalid("Signature-Input is not an RFC 8941 dictionary") from None
    if not isinstance(parsed, dict) or len(parsed) != 1:
        raise SignatureInvalid("exactly one signature is expected in Signature-Input")
    ((member, params),) = parsed.values()
    if not isinstance(member, list):
        raise SignatureInvalid("Signature-Input member must be an inner list of components")
    covered = []
    for item in member:
        name = item[0] if isinstance(item, tuple) else None
        if not isinstance(name, str) or item[1]:
            raise SignatureInvalid("covered components must be plain strings")
        covered.append(name)
    return covered, dict(params)


def _check_coverage(covered: list[str], params: dict[str, Any], *, has_body: bool) -> None:
    missing = [c for c in COVERED_COMPONENTS if c not in covered]
    if has_body and BODY_COMPONENT not in covered:
        missing.append(BODY_COMPONENT)
    if missing:
        raise SignatureInvalid(f"signature must cover {', '.join(missing)}")
    keyid, created, nonce = params.get("keyid"), params.get("created"), params.get("nonce")
    if not isinstance(keyid, str) or not keyid:
        raise SignatureInvalid("the keyid parameter (a member id) is required")
    if type(created) is not int:
        raise SignatureInvalid("the created parameter (an integer) is required")
    if "expires" in params and type(params["expires"]) is not int:
        raise SignatureInvalid("the expires parameter must be an integer")
    if not isinstance(nonce, str) or not 1 <= len(nonce) <= MAX_NONCE_LENGTH:
        raise SignatureInvalid(
            f"the nonce parameter (a string of 1..{MAX_NONCE_LENGTH}) is required"
        )
    if "alg" in params and params["alg"] != ALGORITHM:
        raise SignatureInvalid(f"alg must be {ALGORITHM!r}")


def member_key_from_record(member_id: str, record: Any) -> MemberKey | None:
    """A MemberKey from the membership state record (``ledger.identity.MemberRecord`` JSON)."""
    if not isinstance(record, dict):
        return None
    try:
        return MemberKey(
            member_id, b64decode(str(record["public_key"])), bool(record.get("revoked"))
        )
    except (KeyError, ValueError):
        return None
