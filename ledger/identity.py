"""X.509 identities: one self-signed Ed25519 CA per organisation, member certificates below it.

Certificate fields (documented in docs/architecture.md, "Identity"):

- CA: subject ``O=<org id>``, ``OU=<org type>``, ``CN=<org id> CA``; basicConstraints CA=true.
- Member: subject ``O=<org id>``, ``CN=<member id>``, ``title=<role>`` (X.520 title,
  OID 2.5.4.12, the standard attribute for a person's function in an organisation);
  basicConstraints CA=false; keyUsage digitalSignature.

Member ids are ``<org id>.<name>`` so that they are unique across the network and
the owning organisation can be read off the id.

The on-chain identity registry lives in the state namespace ``membership`` under
``member/<member id>``; ``MemberRecord`` is its shape. The ledger uses it to find a
signer's public key and revocation status; the membership contract writes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.x509.oid import NameOID

from ledger.crypto import PrivateKey, b64decode, b64encode, public_key_bytes
from ledger.exceptions import CertificateError, IdentityError

MEMBERSHIP_NAMESPACE = "membership"
DEFAULT_VALIDITY = dt.timedelta(days=3650)


def member_state_key(member_id: str) -> str:
    return f"{MEMBERSHIP_NAMESPACE}/member/{member_id}"


def org_state_key(org_id: str) -> str:
    return f"{MEMBERSHIP_NAMESPACE}/org/{org_id}"


def org_of(member_id: str) -> str:
    return member_id.split(".", 1)[0]


@dataclass(frozen=True)
class MemberRecord:
    """A member as the chain knows it (state value under ``member_state_key``)."""

    member_id: str
    org: str
    role: str
    public_key: bytes
    certificate_pem: str
    serial: int
    revoked: bool = False
    revoked_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.member_id,
            "org": self.org,
            "role": self.role,
            "public_key": b64encode(self.public_key),
            "certificate": self.certificate_pem,
            "serial": str(self.serial),
            "revoked": self.revoked,
            "revoked_at": self.revoked_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MemberRecord:
        return cls(
            member_id=data["id"],
            org=data["org"],
            role=data["role"],
            public_key=b64decode(data["public_key"]),
            certificate_pem=data["certificate"],
            serial=int(data["serial"]),
            revoked=bool(data["revoked"]),
            revoked_at=data.get("revoked_at"),
        )

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> MemberRecord:
        member_id, org, role = member_fields(cert)
        key = cert.public_key()
        if not isinstance(key, Ed25519PublicKey):
            raise IdentityError(f"{member_id}: certificate key is not Ed25519")
        return cls(
            member_id=member_id,
            org=org,
            role=role,
            public_key=public_key_bytes(key),
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            serial=cert.serial_number,
        )


@dataclass(frozen=True)
class Credentials:
    """A member's private key and certificate, as a client or peer holds them."""

    member_id: str
    key: PrivateKey
    certificate: x509.Certificate

    @property
    def role(self) -> str:
        return member_fields(self.certificate)[2]

    @property
    def org(self) -> str:
        return member_fields(self.certificate)[1]


def _name(*attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def create_org_ca(
    org_id: str,
    org_type: str,
    key: PrivateKey,
    *,
    not_before: dt.datetime,
    validity: dt.timedelta = DEFAULT_VALIDITY,
    serial: int | None = None,
) -> x509.Certificate:
    """A self-signed CA certificate for an organisation."""
    subject = _name(
        (NameOID.ORGANIZATION_NAME, org_id),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, org_type),
        (NameOID.COMMON_NAME, f"{org_id} CA"),
    )
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    return builder.sign(key.raw, algorithm=None)


def issue_member_certificate(
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    member_id: str,
    role: str,
    member_public_key: Ed25519PublicKey,
    *,
    not_before: dt.datetime,
    validity: dt.timedelta = DEFAULT_VALIDITY,
    serial: int | None = None,
) -> x509.Certificate:
    """A member certificate signed by the organisation's CA, carrying id and role."""
    org_id = ca_org(ca_cert)
    if org_of(member_id) != org_id:
        raise IdentityError(f"member id {member_id!r} must start with its org id {org_id!r}.")
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                (NameOID.ORGANIZATION_NAME, org_id),
                (NameOID.COMMON_NAME, member_id),
                (NameOID.TITLE, role),
            )
        )
        .issuer_name(ca_cert.subject)
        .public_key(member_public_key)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + validity)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(ca_key.raw, algorithm=None)


def _single(name: x509.Name, oid: x509.ObjectIdentifier, what: str) -> str:
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1:
        raise IdentityError(f"certificate subject must carry exactly one {what}")
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8")


@functools.lru_cache(maxsize=4096)  # a pure function of the certificate (see _MEMO_SIZE)
def ca_org(ca_cert: x509.Certificate) -> str:
    return _single(ca_cert.subject, NameOID.ORGANIZATION_NAME, "organisation (O)")


def ca_org_type(ca_cert: x509.Certificate) -> str:
    return _single(ca_cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME, "org type (OU)")


@functools.lru_cache(maxsize=4096)  # see _MEMO_SIZE below: a pure function of the certificate
def member_fields(cert: x509.Certificate) -> tuple[str, str, str]:
    """(member id, org id, role) read from a member certificate."""
    subject = cert.subject
    return (
        _single(subject, NameOID.COMMON_NAME, "member id (CN)"),
        _single(subject, NameOID.ORGANIZATION_NAME, "organisation (O)"),
        _single(subject, NameOID.TITLE, "role (title)"),
    )


def check_member_certificate(
    cert: x509.Certificate,
    ca_cert: x509.Certificate,
    *,
    at: dt.datetime,
    revoked_serials: Collection[int] = (),
) -> MemberRecord:
    """Check that ``cert`` chains to ``ca_cert``, is valid at ``at`` and is not revoked.

    ``at`` is passed in (block time inside the ledger), never read from a clock.
    Returns the member record the certificate describes.
    """
    facts = _chain_facts(cert, ca_cert)
    if facts.error is not None:
        raise CertificateError(facts.error)
    if not facts.not_before <= at <= facts.not_after:
        raise CertificateError(
            f"certificate not valid at {at.isoformat()} "
            f"(window {facts.not_before.isoformat()} .. {facts.not_after.isoformat()})"
        )
    if facts.serial in revoked_serials:
        raise CertificateError(f"certificate serial {facts.serial} is revoked")
    member_id, org, _role = member_fields(cert)
    if org != ca_org(ca_cert) or org_of(member_id) != org:
        raise CertificateError(f"member {member_id!r} does not belong to organisation {org!r}")
    return _record_of(cert)


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class _ChainFacts:
    """What a (member certificate, CA certificate) pair says regardless of time and
    revocation; the first error, if any, in the order check_member_certificate checks."""

    error: str | None
    not_before: dt.datetime = _NEVER
    not_after: dt.datetime = _NEVER
    serial: int = 0


# Process-wide memos of pure functions of certificate bytes. Every peer enrolling the
# same member in one process parses the same PEM and checks the same CA signature;
# the memo keys hold the whole certificates, so a verdict is only reused for the
# same CA public key, signed bytes and signature (the rule for sharing signature
# verdicts, see ledger.crypto). Time validity and revocation are checked on every
# call. Certificates and member records are immutable, so sharing them is safe.
_MEMO_SIZE = 4096


@functools.lru_cache(maxsize=_MEMO_SIZE)
def _chain_facts(cert: x509.Certificate, ca_cert: x509.Certificate) -> _ChainFacts:
    if cert.issuer != ca_cert.subject:
        return _ChainFacts("certificate issuer does not match the organisation CA")
    ca_key = ca_cert.public_key()
    if not isinstance(ca_key, Ed25519PublicKey):
        return _ChainFacts("organisation CA key is not Ed25519")
    try:
        ca_key.verify(cert.signature, cert.tbs_certificate_bytes)
    except InvalidSignature:
        return _ChainFacts("certificate signature does not verify against the CA")
    return _ChainFacts(
        None, cert.not_valid_before_utc, cert.not_valid_after_utc, cert.serial_number
    )


@functools.lru_cache(maxsize=_MEMO_SIZE)
def _record_of(cert: x509.Certificate) -> MemberRecord:
    return MemberRecord.from_certificate(cert)


def certificate_to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_from_pem(pem: str | bytes) -> x509.Certificate:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        return _load_pem(data)
    except ValueError as exc:
        raise IdentityError(f"not a PEM certificate: {exc}") from None


@functools.lru_cache(maxsize=_MEMO_SIZE)
def _load_pem(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data)


def save_private_key(path: Path, key: PrivateKey) -> None:
    """Write a PEM private key readable by its owner only (0600), never world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.to_pem())
    os.chmod(path, 0o600)


def load_private_key(path: Path) -> PrivateKey:
    return PrivateKey.from_pem(path.read_bytes())


def save_certificate(path: Path, cert: x509.Certificate) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(certificate_to_pem(cert))


def load_certificate(path: Path) -> x509.Certificate:
    return certificate_from_pem(path.read_bytes())
