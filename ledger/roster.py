"""Generating and storing a network's identities: org CAs and member keys and certificates.

Generation is deterministic from a seed (keys from seeded hashes, serial numbers
from the member id) so a simulated network built twice from the same seed has
the same genesis, and therefore the same chain.

Directory layout written by ``save`` (keys 0600, directories 0700)::

    orgs/<org>/ca.pem
    orgs/<org>/ca.key
    orgs/<org>/members/<member id>/cert.pem
    orgs/<org>/members/<member id>/key.pem
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from ledger.crypto import PrivateKey
from ledger.identity import (
    Credentials,
    create_org_ca,
    issue_member_certificate,
    load_certificate,
    load_private_key,
    save_certificate,
    save_private_key,
)


@dataclass(frozen=True)
class OrgSpec:
    """An organisation to create: id, type and (member name, role) pairs."""

    id: str
    type: str
    members: tuple[tuple[str, str], ...] = ()


@dataclass
class OrgIdentity:
    id: str
    type: str
    ca_key: PrivateKey
    ca_certificate: x509.Certificate
    members: dict[str, Credentials] = field(default_factory=dict)

    def add_member(
        self, name: str, role: str, *, seed: int | str, not_before: dt.datetime
    ) -> Credentials:
        """Create a member's key (from the seed) and certificate signed by this org's CA."""
        member_id = f"{self.id}.{name}"
        key = PrivateKey.from_seed(f"{seed}/member/{member_id}".encode())
        cert = issue_member_certificate(
            self.ca_certificate, self.ca_key, member_id, role, key.public_key(),
            not_before=not_before, serial=_serial(f"{seed}/{member_id}"),
        )
        cred = Credentials(member_id, key, cert)
        self.members[member_id] = cred
        return cred


def _serial(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big") >> 1 | 1


@dataclass
class Roster:
    """Every organisation's CA and every member's credentials."""

    orgs: dict[str, OrgIdentity]

    @classmethod
    def generate(
        cls, specs: Iterable[OrgSpec], *, seed: int | str, not_before: dt.datetime
    ) -> Roster:
        orgs: dict[str, OrgIdentity] = {}
        for spec in specs:
            ca_key = PrivateKey.from_seed(f"{seed}/ca/{spec.id}".encode())
            ca_cert = create_org_ca(
                spec.id, spec.type, ca_key, not_before=not_before,
                serial=_serial(f"{seed}/{spec.id}"),
            )
            org = OrgIdentity(spec.id, spec.type, ca_key, ca_cert)
            for name, role in spec.members:
                org.add_member(name, role, seed=seed, not_before=not_before)
            orgs[spec.id] = org
        return cls(orgs)

    def member(self, member_id: str) -> Credentials:
        org = self.orgs[member_id.split(".", 1)[0]]
        return org.members[member_id]

    def members(self) -> Mapping[str, Credentials]:
        return {mid: cred for org in self.orgs.values() for mid, cred in org.members.items()}

    def save(self, root: Path) -> None:
        for org in self.orgs.values():
            base = root / "orgs" / org.id
            base.mkdir(parents=True, exist_ok=True)
            os.chmod(base, 0o700)
            save_certificate(base / "ca.pem", org.ca_certificate)
            save_private_key(base / "ca.key", org.ca_key)
            for member_id, cred in org.members.items():
                mdir = base / "members" / member_id
                mdir.mkdir(parents=True, exist_ok=True)
                os.chmod(mdir, 0o700)
                save_certificate(mdir / "cert.pem", cred.certificate)
                save_private_key(mdir / "key.pem", cred.key)

    @classmethod
    def load(cls, root: Path, org_types: Mapping[str, str]) -> Roster:
        orgs: dict[str, OrgIdentity] = {}
        for org_id, org_type in org_types.items():
            base = root / "orgs" / org_id
            org = OrgIdentity(
                org_id, org_type,
                load_private_key(base / "ca.key"), load_certificate(base / "ca.pem"),
            )
            members_dir = base / "members"
            if members_dir.exists():
                for mdir in sorted(members_dir.iterdir()):
                    org.members[mdir.name] = load_credentials(mdir)
            orgs[org_id] = org
        return cls(orgs)


def load_credentials(member_dir: Path) -> Credentials:
    return Credentials(
        member_id=member_dir.name,
        key=load_private_key(member_dir / "key.pem"),
        certificate=load_certificate(member_dir / "cert.pem"),
    )
