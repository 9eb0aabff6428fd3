"""The genesis configuration: who is on the network and which contracts run.

``GenesisConfig`` is the JSON stored in block 0 (its hash is in the header).
``build_genesis`` checks it (every member certificate chains to its org's CA and
is valid at genesis time; every enabled contract is installed at that version
with valid params) and returns block 0 plus the runtime that executes later blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from contracts.base import Contract
from contracts.exceptions import RegistrationError
from contracts.registry import discover, instantiate
from contracts.roles import DEFAULT_ROLES
from contracts.runtime import ContractRuntime
from ledger.block import Block
from ledger.chain import genesis_block
from ledger.exceptions import CertificateError, IdentityError
from ledger.identity import (
    ca_org,
    ca_org_type,
    certificate_from_pem,
    certificate_to_pem,
    check_member_certificate,
    member_state_key,
    org_state_key,
)
from ledger.roster import Roster
from ledger.timefmt import is_rfc3339_utc, parse_time


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrgConfig(_Model):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: str
    ca_certificate: str
    roles: list[str] = Field(default_factory=list, description="extra roles beyond the catalogue")


class MemberConfig(_Model):
    certificate: str


class ContractConfig(_Model):
    name: str
    version: str
    params: dict[str, Any] = Field(default_factory=dict)
    policies: dict[str, Any] = Field(default_factory=dict)


class OrdererConfig(_Model):
    batch_size: int = Field(default=500, ge=1, le=10_000)
    max_wait_ms: int = Field(default=200, ge=1)


DEFAULT_DEV_CLOCK_ROLES: dict[str, list[str]] = {"government": ["admin"]}


class DevClockConfig(_Model):
    """Present only on a development chain: the orderer's clock may then be moved forward
    (``agriledger clock advance``) by a member holding one of ``roles`` (org type ->
    roles; default the government's admin, who runs the network). A chain without it is a
    production chain, whose block times are the orderer's wall clock and nothing else."""

    roles: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_DEV_CLOCK_ROLES.items()},
        min_length=1,
    )


DEFAULT_SUPERVISORS: dict[str, list[str]] = {"government": ["central_bank"]}
"""The supervisory roles of a chain that names none: the government's central bank, the
financial regulator of the county's lenders."""


class GenesisConfig(_Model):
    chain_id: str = Field(min_length=1)
    time: str
    organisations: list[OrgConfig]
    members: list[MemberConfig]
    contracts: list[ContractConfig]
    orderer: OrdererConfig = OrdererConfig()
    dev_clock: DevClockConfig | None = None
    """None on a production chain (and then left out of the JSON, so a production
    genesis hashes as it did before development chains existed)."""
    supervisors: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_SUPERVISORS.items()}
    )
    """Org type -> roles whose members read every record, tx and event (need to know,
    ``contracts.readers``): the financial regulator. Left out of the JSON when it is the
    default, so a genesis that names none hashes as before supervisors existed."""

    @model_serializer(mode="wrap")
    def _leave_out_production_defaults(
        self, handler: SerializerFunctionWrapHandler
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("dev_clock") is None:
            data.pop("dev_clock", None)
        if data.get("supervisors") == DEFAULT_SUPERVISORS:
            data.pop("supervisors", None)
        return data

    def is_supervisor(self, org_type: str, role: str) -> bool:
        """True if members of ``org_type`` holding ``role`` read everything."""
        return role in self.supervisors.get(org_type, ())

    @field_validator("time")
    @classmethod
    def _time_is_rfc3339(cls, value: str) -> str:
        if not is_rfc3339_utc(value):
            raise ValueError("must be an RFC 3339 UTC time such as 2026-03-01T00:00:00Z")
        return value

    def role_catalogue(self) -> dict[str, frozenset[str]]:
        catalogue = dict(DEFAULT_ROLES)
        for org in self.organisations:
            if org.roles:
                catalogue[org.type] = catalogue.get(org.type, frozenset()) | frozenset(org.roles)
        return catalogue


def genesis_from_roster(
    chain_id: str,
    time: str,
    roster: Roster,
    contracts: list[ContractConfig],
    orderer: OrdererConfig | None = None,
) -> GenesisConfig:
    return GenesisConfig(
        chain_id=chain_id,
        time=time,
        organisations=[
            OrgConfig(id=o.id, type=o.type, ca_certificate=certificate_to_pem(o.ca_certificate))
            for o in roster.orgs.values()
        ],
        members=[
            MemberConfig(certificate=certificate_to_pem(c.certificate))
            for o in roster.orgs.values()
            for c in o.members.values()
        ],
        contracts=contracts,
        orderer=orderer or OrdererConfig(),
    )


def build_runtime(
    config: GenesisConfig, classes: Mapping[str, type[Contract]] | None = None
) -> ContractRuntime:
    enabled = [c.model_dump() for c in config.contracts]
    classes = discover(c.name for c in config.contracts) if classes is None else classes
    return ContractRuntime(instantiate(classes, enabled, config.role_catalogue()))


def build_genesis(
    config: GenesisConfig, classes: Mapping[str, type[Contract]] | None = None
) -> tuple[Block, ContractRuntime]:
    """Check the configuration and return block 0 and the contract runtime."""
    runtime = build_runtime(config, classes)
    at = parse_time(config.time)
    writes: dict[str, Any] = {}
    cas = {}
    catalogue = config.role_catalogue()
    for org in config.organisations:
        if org.id in cas:
            raise RegistrationError(f"organisations: {org.id!r} listed twice")
        if org.type not in catalogue:
            raise RegistrationError(f"organisations.{org.id}.type: unknown org type {org.type!r}")
        try:
            ca = certificate_from_pem(org.ca_certificate)
            ca_names = (ca_org(ca), ca_org_type(ca))
        except IdentityError as exc:
            raise RegistrationError(f"organisations.{org.id}.ca_certificate: {exc}") from None
        if ca_names != (org.id, org.type):
            raise RegistrationError(
                f"organisations.{org.id}.ca_certificate: the CA is for {ca_names[0]!r} "
                f"({ca_names[1]}), not {org.id!r} ({org.type})"
            )
        cas[org.id] = ca
        writes[org_state_key(org.id)] = {
            "id": org.id, "type": org.type, "ca_certificate": org.ca_certificate,
            "roles": sorted(catalogue[org.type]),
        }
    _check_dev_clock(config.dev_clock, catalogue)
    _check_supervisors(config.supervisors, catalogue)
    for index, member in enumerate(config.members):
        try:
            cert = certificate_from_pem(member.certificate)
            org_id = cert.issuer.rfc4514_string()
            record = None
            for candidate_id, ca in cas.items():
                if cert.issuer == ca.subject:
                    record = check_member_certificate(cert, ca, at=at)
                    org_id = candidate_id
                    break
        except (CertificateError, IdentityError) as exc:
            raise RegistrationError(f"members[{index}]: {exc}") from None
        if record is None:
            raise RegistrationError(
                f"members[{index}]: issuer {org_id} is not a listed organisation"
            )
        key = member_state_key(record.member_id)
        if key in writes:
            raise RegistrationError(f"members[{index}]: {record.member_id} listed twice")
        org_type = next(o.type for o in config.organisations if o.id == org_id)
        if record.role not in catalogue[org_type]:
            raise RegistrationError(
                f"members[{index}]: role {record.role!r} is not a role of a {org_type}"
            )
        writes[key] = record.to_json()
    for contract in runtime.contracts.values():
        for key, value in contract.initial_state().items():
            writes[f"{contract.name}/{key}"] = value
    config_json = config.model_dump(mode="json")
    return genesis_block(config.chain_id, config_json, writes, config.time), runtime


def _check_supervisors(
    supervisors: Mapping[str, list[str]], catalogue: Mapping[str, frozenset[str]]
) -> None:
    """Every supervisory role is one an organisation of that type can hold."""
    for org_type, roles in supervisors.items():
        if org_type not in catalogue:
            raise RegistrationError(f"supervisors.{org_type}: unknown org type")
        unknown = sorted(set(roles) - catalogue[org_type])
        if unknown or not roles:
            raise RegistrationError(
                f"supervisors.{org_type}: {', '.join(unknown) or 'no roles'}: "
                f"not a role of a {org_type} (roles: {', '.join(sorted(catalogue[org_type]))})"
            )


def _check_dev_clock(
    dev_clock: DevClockConfig | None, catalogue: Mapping[str, frozenset[str]]
) -> None:
    """Every role allowed to move a dev chain's clock is one an organisation can hold."""
    if dev_clock is None:
        return
    for org_type, roles in dev_clock.roles.items():
        if org_type not in catalogue:
            raise RegistrationError(f"dev_clock.roles.{org_type}: unknown org type")
        unknown = sorted(set(roles) - catalogue[org_type])
        if unknown or not roles:
            raise RegistrationError(
                f"dev_clock.roles.{org_type}: {', '.join(unknown) or 'no roles'}: "
                f"not a role of a {org_type} (roles: {', '.join(sorted(catalogue[org_type]))})"
            )
