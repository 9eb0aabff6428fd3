"""Transactions on the wire: body, envelope, tx_id, signing and signature checks.

Wire format (docs/architecture.md, "Wire format")::

    body     = {"chain_id", "contract", "action", "args": {...}, "signer", "nonce", "created_at"}
    tx_id    = lowercase hex SHA-256 of canonical(body)
    envelope = {"tx": body, "signatures": [{"signer": id, "sig": base64(Ed25519(canonical(body)))}]}

The first signature is the signer's; the rest are co-signers. ``Envelope.parse``
admits exactly this shape and raises ``MalformedEnvelope`` naming the field and
the rule otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ledger.crypto import (
    PrivateKey,
    SignatureVerifier,
    Signed,
    b64decode,
    b64encode,
    sha256_hex,
)
from ledger.encoding import canonical, canonical_trusted, check
from ledger.exceptions import (
    BadSignature,
    EncodingError,
    MalformedEnvelope,
    RevokedSigner,
    UnknownSigner,
    WrongChain,
)
from ledger.timefmt import is_rfc3339_utc

BODY_FIELDS = frozenset({"chain_id", "contract", "action", "args", "signer", "nonce", "created_at"})
ENVELOPE_FIELDS = frozenset({"tx", "signatures"})
SIGNATURE_FIELDS = frozenset({"signer", "sig"})
MAX_SIGNATURES = 16
SIGNATURE_BYTES = 64


@dataclass(frozen=True, slots=True)
class Signature:
    signer: str
    sig: bytes

    def to_json(self) -> dict[str, str]:
        return {"signer": self.signer, "sig": b64encode(self.sig)}


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed, well-formed envelope. ``body_bytes`` are the canonical bytes that were signed."""

    body: Mapping[str, Any]
    body_bytes: bytes
    tx_id: str
    signatures: tuple[Signature, ...]

    @property
    def chain_id(self) -> str:
        return str(self.body["chain_id"])

    @property
    def contract(self) -> str:
        return str(self.body["contract"])

    @property
    def action(self) -> str:
        return str(self.body["action"])

    @property
    def args(self) -> Mapping[str, Any]:
        args: Mapping[str, Any] = self.body["args"]
        return args

    @property
    def signer(self) -> str:
        return str(self.body["signer"])

    @property
    def created_at(self) -> str:
        return str(self.body["created_at"])

    @property
    def signers(self) -> tuple[str, ...]:
        return tuple(s.signer for s in self.signatures)

    def to_json(self) -> dict[str, Any]:
        return {"tx": dict(self.body), "signatures": [s.to_json() for s in self.signatures]}

    def canonical_bytes(self) -> bytes:
        """RFC 8785 bytes of ``to_json()``, reusing the body bytes ("signatures" < "tx")."""
        signatures = canonical_trusted([s.to_json() for s in self.signatures])
        return b'{"signatures":' + signatures + b',"tx":' + self.body_bytes + b"}"

    @classmethod
    def parse(cls, data: object, *, trusted_json: bool = False) -> Envelope:
        """Check the wire shape of ``data`` and return an Envelope.

        ``trusted_json`` skips the subset walk when ``data`` came from
        ``ledger.encoding.decode`` (which already refused floats and big integers).
        """
        if not isinstance(data, Mapping):
            raise MalformedEnvelope.at("envelope", "must be a JSON object")
        _exact_fields(data, ENVELOPE_FIELDS, "envelope")
        body = data["tx"]
        if not isinstance(body, Mapping):
            raise MalformedEnvelope.at("tx", "must be a JSON object")
        _exact_fields(body, BODY_FIELDS, "tx")
        _check_body(body)
        try:
            body_bytes = canonical_trusted(body) if trusted_json else canonical(body)
        except EncodingError as exc:
            raise MalformedEnvelope.at(f"tx{exc.path[1:]}", exc.rule) from None
        tx_id = sha256_hex(body_bytes)
        signatures = _parse_signatures(data["signatures"], tx_id)
        if signatures[0].signer != body["signer"]:
            raise MalformedEnvelope.at(
                "signatures[0].signer", "the first signature must be the tx signer's", tx_id=tx_id
            )
        return cls(body=body, body_bytes=body_bytes, tx_id=tx_id, signatures=signatures)


def _exact_fields(
    obj: Mapping[str, Any], expected: frozenset[str], where: str, *, tx_id: str | None = None
) -> None:
    if obj.keys() == expected:
        return
    keys = set(obj.keys())
    missing = expected - keys
    if missing:
        raise MalformedEnvelope.at(f"{where}.{sorted(missing)[0]}", "field required", tx_id=tx_id)
    extra = keys - expected
    if extra:
        raise MalformedEnvelope.at(f"{where}.{sorted(extra)[0]}", "unknown field", tx_id=tx_id)


def _check_body(body: Mapping[str, Any]) -> None:
    for name in ("chain_id", "contract", "action", "signer", "created_at"):
        value = body[name]
        if not isinstance(value, str) or not value:
            raise MalformedEnvelope.at(f"tx.{name}", "must be a non-empty string")
    if not isinstance(body["args"], Mapping):
        raise MalformedEnvelope.at("tx.args", "must be a JSON object")
    nonce = body["nonce"]
    if isinstance(nonce, bool) or not isinstance(nonce, int | str):
        raise MalformedEnvelope.at("tx.nonce", "must be an integer or a string")
    if not is_rfc3339_utc(body["created_at"]):
        raise MalformedEnvelope.at(
            "tx.created_at", "must be an RFC 3339 UTC time such as 2026-05-01T08:00:00Z"
        )


def _parse_signatures(raw: object, tx_id: str) -> tuple[Signature, ...]:
    if not isinstance(raw, list) or not raw:
        raise MalformedEnvelope.at("signatures", "must be a non-empty array", tx_id=tx_id)
    if len(raw) > MAX_SIGNATURES:
        raise MalformedEnvelope.at(
            "signatures", f"at most {MAX_SIGNATURES} allowed", tx_id=tx_id
        )
    parsed: list[Signature] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"signatures[{index}]"
        if not isinstance(item, Mapping):
            raise MalformedEnvelope.at(where, "must be a JSON object", tx_id=tx_id)
        _exact_fields(item, SIGNATURE_FIELDS, where, tx_id=tx_id)
        signer, sig_text = item["signer"], item["sig"]
        if not isinstance(signer, str) or not signer:
            raise MalformedEnvelope.at(
                f"{where}.signer", "must be a non-empty string", tx_id=tx_id
            )
        if signer in seen:
            raise MalformedEnvelope.at(
                f"{where}.signer", f"{signer!r} signs twice", tx_id=tx_id
            )
        seen.add(signer)
        if not isinstance(sig_text, str):
            raise MalformedEnvelope.at(f"{where}.sig", "must be a base64 string", tx_id=tx_id)
        try:
            sig = b64decode(sig_text)
        except ValueError:
            raise MalformedEnvelope.at(
                f"{where}.sig", "not RFC 4648 base64", tx_id=tx_id
            ) from None
        if len(sig) != SIGNATURE_BYTES:
            raise MalformedEnvelope.at(
                f"{where}.sig", "an Ed25519 signature is 64 bytes", tx_id=tx_id
            )
        parsed.append(Signature(signer, sig))
    return tuple(parsed)


def make_body(
    *,
    chain_id: str,
    contract: str,
    action: str,
    args: Mapping[str, Any],
    signer: str,
    nonce: int | str,
    created_at: str,
) -> dict[str, Any]:
    body = {
        "chain_id": chain_id,
        "contract": contract,
        "action": action,
        "args": dict(args),
        "signer": signer,
        "nonce": nonce,
        "created_at": created_at,
    }
    check(body)
    return body


def sign_envelope(
    body: Mapping[str, Any],
    signer_key: PrivateKey,
    co_signers: Iterable[tuple[str, PrivateKey]] = (),
) -> Envelope:
    """Sign ``body`` with the signer's key and any co-signers' keys."""
    body_bytes = canonical(body)
    signatures = [Signature(str(body["signer"]), signer_key.sign(body_bytes))]
    signatures.extend(Signature(member, key.sign(body_bytes)) for member, key in co_signers)
    return Envelope(
        body=dict(body), body_bytes=body_bytes, tx_id=sha256_hex(body_bytes),
        signatures=tuple(signatures),
    )


def add_signature(envelope: Envelope, member_id: str, key: PrivateKey) -> Envelope:
    """Return the envelope with one more co-signature over the same body bytes."""
    signature = Signature(member_id, key.sign(envelope.body_bytes))
    return Envelope(
        body=envelope.body, body_bytes=envelope.body_bytes, tx_id=envelope.tx_id,
        signatures=(*envelope.signatures, signature),
    )


@dataclass(frozen=True, slots=True)
class SignerInfo:
    """What the identity registry says about one signer."""

    member_id: str
    org: str
    role: str
    public_key: bytes
    revoked: bool
    org_type: str = ""  # the org's type (bank, insurer, ...); "" if the org is unknown


SignerLookup = Callable[[str], SignerInfo | None]


def signature_triples(
    envelopes: Iterable[Envelope], lookup: SignerLookup
) -> Iterator[Signed]:
    """(public key, body bytes, signature, tx_id) of every signature by a known signer: what
    ``SignatureVerifier.prefetch`` needs to check a batch on every core before
    ``authenticate`` runs envelope by envelope."""
    for envelope in envelopes:
        for signature in envelope.signatures:
            info = lookup(signature.signer)
            if info is not None:
                yield info.public_key, envelope.body_bytes, signature.sig, envelope.tx_id


def authenticate(
    envelope: Envelope,
    chain_id: str,
    lookup: SignerLookup,
    verifier: SignatureVerifier,
) -> tuple[SignerInfo, ...]:
    """Check chain id, enrolment and every signature; return the signers' infos in order.

    Raises the EnvelopeError subclass that names what is wrong. Checks run in a
    fixed order (chain, enrolment, revocation, signature) so every peer gives the
    same code for the same envelope.
    """
    if envelope.chain_id != chain_id:
        raise WrongChain.at(
            "tx.chain_id", f"{envelope.chain_id!r} is not this chain ({chain_id!r})",
            tx_id=envelope.tx_id,
        )
    infos: list[SignerInfo] = []
    for index, signature in enumerate(envelope.signatures):
        info = lookup(signature.signer)
        if info is None:
            raise UnknownSigner.at(
                f"signatures[{index}].signer", f"{signature.signer!r} is not enrolled",
                tx_id=envelope.tx_id,
            )
        if info.revoked:
            raise RevokedSigner.at(
                f"signatures[{index}].signer", f"{signature.signer!r} was revoked",
                tx_id=envelope.tx_id,
            )
        infos.append(info)
    for index, (signature, info) in enumerate(zip(envelope.signatures, infos, strict=True)):
        if not verifier.verify(
            info.public_key, envelope.body_bytes, signature.sig, envelope.tx_id
        ):
            raise BadSignature.at(
                f"signatures[{index}].sig", f"does not verify for {signature.signer!r}",
                tx_id=envelope.tx_id,
            )
    return tuple(infos)
