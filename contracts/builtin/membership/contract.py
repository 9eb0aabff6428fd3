"""Membership: org admins enrol members (X.509 certificate with role) and revoke them.

State (namespace ``membership``, the layout the ledger reads to authenticate signers):
``org/<org id>`` (from genesis), ``member/<member id>`` (ledger.identity.MemberRecord),
``revoked/<org id>/<serial>``. A revoked member's later txs are rejected by the
ledger with SIGNER_REVOKED. A member id is never reused: once enrolled (even if
later revoked) the same id cannot be enrolled again. The org record lists the
roles its type may hold (written by genesis from the role catalogue); a
certificate carrying any other role is refused with UNKNOWN_ROLE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from contracts.base import Args, Contract, Query, action, invariant, operation, view
from contracts.context import Context, ReadContext
from contracts.exceptions import DomainError, NotFound
from contracts.policy import Party
from contracts.readers import Readable
from contracts.roles import DEFAULT_ROLES
from contracts.types import MemberId, OrgId, Text
from ledger.exceptions import CertificateError, IdentityError
from ledger.identity import certificate_from_pem, check_member_certificate, member_fields


class CertificateInvalid(DomainError):
    code = "CERTIFICATE_INVALID"


class MemberAlreadyEnrolled(DomainError):
    code = "MEMBER_ALREADY_ENROLLED"


class MemberAlreadyRevoked(DomainError):
    code = "MEMBER_ALREADY_REVOKED"


class UnknownRole(DomainError):
    code = "UNKNOWN_ROLE"


class MemberNotFound(NotFound):
    code = "MEMBER_NOT_FOUND"
    what = "member"


class OrgNotFound(NotFound):
    code = "ORG_NOT_FOUND"
    what = "organisation"


class EnrolArgs(Args):
    certificate: str


class RevokeArgs(Args):
    member_id: MemberId
    reason: Text = ""


class MemberQuery(Query):
    member_id: MemberId


class OrgQuery(Query):
    org_id: OrgId


class OrganisationsQuery(Query):
    """The organisations in the consortium at the querying block's height."""


class OrgChangeArgs(Args):
    """A governance change to an organisation, in force from block ``height`` on."""

    kind: Literal["add_org", "remove_org", "rotate_ca"]
    org_id: OrgId
    height: int
    org_type: str = ""
    ca_certificate: str = ""
    roles: tuple[str, ...] = ()
    admin_certificate: str = ""
    """add_org: the first admin, enrolled with the organisation (signs from ``height``)."""


class OrgNotAdmitted(DomainError):
    """The organisation is not in the consortium at this height (admitted later, or
    removed by governance)."""

    code = "ORG_NOT_ADMITTED"


def org_active(org: Mapping[str, Any], height: int) -> bool:
    """True if the org record is in force at ``height`` (governance may admit an org from
    a later height or remove it from one)."""
    removed = org.get("removed_from")
    return int(org.get("from_height", 0)) <= height and (removed is None or height < removed)


def org_ca(org: Mapping[str, Any], height: int) -> str:
    """The CA certificate in force at ``height`` (the latest rotation already reached)."""
    pem = str(org["ca_certificate"])
    for rotation in org.get("ca_rotations", ()):
        if rotation["from_height"] <= height:
            pem = rotation["ca_certificate"]
    return pem


def _cert_org(_self: Any, _ctx: ReadContext, args: EnrolArgs) -> Mapping[str, Any]:
    try:
        return {"org": member_fields(certificate_from_pem(args.certificate))[1]}
    except IdentityError as exc:
        raise CertificateInvalid(f"args.certificate: {exc}") from None


def _member_org(_self: Any, _ctx: ReadContext, args: RevokeArgs) -> Mapping[str, Any]:
    return {"org": args.member_id.split(".", 1)[0]}


ORG_ADMIN = Party("org", roles=("admin",))


class MembershipContract(Contract):
    name = "membership"
    version = "1"
    readers = (  # the member registry: every member checks who signs what
        Readable("org/{org}", public=True),
        Readable("member/{member...}", public=True),
        Readable("revoked/{org}/{serial...}", public=True),
    )
    description = "Enrol and revoke members of each organisation (X.509 certificates with roles)."

    @action(EnrolArgs, policy=ORG_ADMIN, parties=_cert_org)
    def enrol(self, ctx: Context, args: EnrolArgs) -> None:
        """Enrol the member described by a certificate signed by the org's CA."""
        cert = certificate_from_pem(args.certificate)
        member_id, org_id, role = member_fields(cert)
        org = ctx.get(f"org/{org_id}")
        if org is None:
            raise OrgNotFound(org_id)
        if not org_active(org, ctx.height):
            raise OrgNotAdmitted(
                f"{org_id} is not in the consortium at height {ctx.height}", org=org_id
            )
        if ctx.get(f"member/{member_id}") is not None:
            raise MemberAlreadyEnrolled(f"{member_id} is already enrolled", member_id=member_id)
        # One keyed lookup, not a scan of every revocation the org ever made.
        serial = cert.serial_number
        revoked = {serial} if ctx.get(f"revoked/{org_id}/{serial}") else set()
        try:
            record = check_member_certificate(
                cert, certificate_from_pem(org_ca(org, ctx.height)), at=ctx.now,
                revoked_serials=revoked,
            )
        except CertificateError as exc:
            raise CertificateInvalid(f"args.certificate: {exc}") from None
        roles = org.get("roles") or sorted(DEFAULT_ROLES.get(org["type"], ()))
        if role not in roles:
            raise UnknownRole(
                f"role {role!r} is not a role of a {org['type']} ({', '.join(roles)})",
                member_id=member_id, role=role,
            )
        ctx.put(f"member/{member_id}", record.to_json())
        ctx.emit("MemberEnrolled", member_id=member_id, org=org_id, role=role)

    @action(RevokeArgs, policy=ORG_ADMIN, parties=_member_org)
    def revoke(self, ctx: Context, args: RevokeArgs) -> None:
        """Revoke a member: its later transactions are rejected."""
        record = ctx.get(f"member/{args.member_id}")
        if record is None:
            raise MemberNotFound(args.member_id)
        if record["revoked"]:
            raise MemberAlreadyRevoked(
                f"{args.member_id} is already revoked", member_id=args.member_id
            )
        record = {**record, "revoked": True, "revoked_at": ctx.time}
        ctx.put(f"member/{args.member_id}", record)
        ctx.put(
            f"revoked/{record['org']}/{record['serial']}",
            {"member_id": args.member_id, "reason": args.reason},
        )
        ctx.emit("MemberRevoked", member_id=args.member_id, reason=args.reason)

    @operation(OrgChangeArgs)
    def govern_org(self, ctx: Context, args: OrgChangeArgs) -> None:
        """Record an approved governance change to an organisation (only the governance
        contract invokes this; the ledger's signer lookup honours the heights)."""
        org = ctx.get(f"org/{args.org_id}")
        if args.kind == "add_org":
            if org is not None:
                raise MemberAlreadyEnrolled(f"organisation {args.org_id} exists")
            ctx.put(f"org/{args.org_id}", {
                "id": args.org_id, "type": args.org_type,
                "ca_certificate": args.ca_certificate, "roles": sorted(args.roles),
                "from_height": args.height,
            })
            admin = check_member_certificate(
                certificate_from_pem(args.admin_certificate),
                certificate_from_pem(args.ca_certificate), at=ctx.now,
            )
            ctx.put(f"member/{admin.member_id}", admin.to_json())
        elif org is None:
            raise OrgNotFound(args.org_id)
        elif args.kind == "remove_org":
            ctx.put(f"org/{args.org_id}", {**org, "removed_from": args.height})
        else:
            rotations = [*org.get("ca_rotations", ()), {
                "from_height": args.height, "ca_certificate": args.ca_certificate,
            }]
            ctx.put(f"org/{args.org_id}", {**org, "ca_rotations": rotations})
        ctx.emit("OrgChangeScheduled", org=args.org_id, change=args.kind, height=args.height)

    @view(OrganisationsQuery)
    def organisations(self, ctx: ReadContext, query: OrganisationsQuery) -> Any:
        return [
            {"id": record["id"], "type": record["type"]}
            for _key, record in ctx.scan("org/")
            if org_active(record, ctx.height)
        ]

    @view(OrgQuery)
    def org_exists(self, ctx: ReadContext, query: OrgQuery) -> bool:
        """True if the org id was ever used (ids, like member ids, are never reused)."""
        return ctx.get(f"org/{query.org_id}") is not None

    @view(MemberQuery)
    def member(self, ctx: ReadContext, query: MemberQuery) -> Any:
        record = ctx.get(f"member/{query.member_id}")
        if record is None:
            raise MemberNotFound(query.member_id)
        return {k: v for k, v in record.items() if k != "certificate"}

    @view(OrgQuery)
    def members(self, ctx: ReadContext, query: OrgQuery) -> Any:
        # a member id starts with its org and a dot (M1): read that org's keys, not all
        return [
            {k: v for k, v in record.items() if k != "certificate"}
            for key, record in ctx.scan(f"member/{query.org_id}.")
            if record["org"] == query.org_id
        ]

    @invariant("M1", "every member belongs to a listed organisation and its id starts with it")
    def members_belong_to_orgs(self, ctx: ReadContext) -> Iterable[str]:
        for key, record in ctx.scan("member/"):
            if ctx.get(f"org/{record['org']}") is None:
                yield f"{key}: organisation {record['org']} is not listed"
            if not record["id"].startswith(record["org"] + "."):
                yield f"{key}: member id does not start with its org"

    @invariant("M2", "a revoked member has a revocation time and a revocation entry")
    def revocations_recorded(self, ctx: ReadContext) -> Iterable[str]:
        for key, record in ctx.scan("member/"):
            if record["revoked"] and (
                record["revoked_at"] is None
                or ctx.get(f"revoked/{record['org']}/{record['serial']}") is None
            ):
                yield f"{key}: revoked without a revocation record"
