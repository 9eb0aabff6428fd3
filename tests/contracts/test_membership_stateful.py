"""Membership against a dumb model: member id -> (role, revoked).

Admins enrol certificates their org's CA signed, certificates with roles the org
type lacks, certificates of other orgs, and forgeries (right names, wrong CA key);
they revoke members; members act afterwards. The model predicts every code, the
``member`` view is compared with it after every step, and M1/M2 are checked by
the harness."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, precondition, rule

from contracts.roles import DEFAULT_ROLES
from contracts.testing import ContractMachine, OrgSpec, Threat, with_node_keys
from ledger.crypto import PrivateKey
from ledger.identity import certificate_to_pem, create_org_ca, issue_member_certificate

# coop-a's farmer and manager and coop-b (an admin of the same org type) only attack;
# every org has its node key.
ORGS = with_node_keys([
    OrgSpec("gov", "government", (("admin", "admin"), ("pboc", "central_bank"))),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("deputy", "admin"),
                                      ("farmer", "farmer"), ("mgr", "manager"))),
    OrgSpec("bank-a", "bank", (("admin", "admin"),)),
    OrgSpec("coop-b", "cooperative", (("admin", "admin"),)),
])
ORG_TYPES = {o.id: o.type for o in ORGS}
ADMINS = ["gov.admin", "coop-a.admin", "coop-a.deputy", "bank-a.admin"]
ROLES = sorted(frozenset().union(*DEFAULT_ROLES.values()))
NOT_BEFORE = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
FORGED_SERIAL = 0x5EED_F0_96ED


def org_of(member_id: str) -> str:
    return member_id.split(".", 1)[0]


class MembershipMachine(ContractMachine):
    orgs = ORGS
    contracts = ("membership", "settlement")

    certificates = Bundle("certificates")
    enrolled = Bundle("enrolled")

    def __init__(self) -> None:
        super().__init__()
        self.roles: dict[str, str] = {}  # every member id with a certificate -> its role
        self.enrolled_ids: set[str] = {m for m in self.ledger.roster.members()}
        self.revoked_ids: set[str] = set()
        self.pem: dict[str, str] = {}
        self.names = itertools.count()

    def signer_code(self, signer: str) -> str | None:
        if signer in self.revoked_ids:
            return "SIGNER_REVOKED"
        if signer not in self.enrolled_ids:
            return "UNKNOWN_SIGNER"
        return None

    def impostors_refused(
        self, admin: str, action: str, args: dict[str, str], subject: str | None = None
    ) -> None:
        """Before an admin's enrol/revoke that the model says commits: every other admin
        of the org may too; anyone else of the org, its node key, a revoked member, an
        admin of another org of the same type and the member revoked must be refused."""
        org = org_of(admin)
        admins = [m for m, role in self.roles.items()
                  if role == "admin" and org_of(m) == org and m not in self.revoked_ids]
        others = [subject] if subject and self.roles.get(subject) != "admin" else []
        self.attack(admin, "membership", action, args, counterparty=others,
                    entitled=[*ADMINS, *admins], threats=tuple(Threat))

    # -- certificates (off chain: an org's CA signs them) -----------------------------------

    @rule(target=certificates, org=st.sampled_from(sorted(ORG_TYPES)), role=st.sampled_from(ROLES))
    def org_ca_signs_a_certificate(self, org: str, role: str) -> str:
        name = f"m{next(self.names)}"
        cred = self.ledger.roster.orgs[org].add_member(name, role, seed="t", not_before=NOT_BEFORE)
        self.roles[cred.member_id] = role
        self.pem[cred.member_id] = certificate_to_pem(cred.certificate)
        return cred.member_id

    # -- enrolment ----------------------------------------------------------------------------

    @rule(target=enrolled, admin=st.sampled_from(ADMINS), member=certificates)
    def admin_enrols_a_certificate(self, admin: str, member: str) -> str:
        org = org_of(member)
        expected = self.signer_code(admin)
        if expected is None and org_of(admin) != org:
            expected = "UNAUTHORIZED"  # another org's certificate
        if expected is None and member in self.enrolled_ids:
            expected = "MEMBER_ALREADY_ENROLLED"
        if expected is None and self.roles[member] not in DEFAULT_ROLES[ORG_TYPES[org]]:
            expected = "UNKNOWN_ROLE"
        if expected is None:
            self.impostors_refused(admin, "enrol", {"certificate": self.pem[member]})
        result = self.run(admin, "membership", "enrol", certificate=self.pem[member])
        assert result.code == expected, result.message
        if result.committed:
            self.enrolled_ids.add(member)
        return member

    @rule(admin=st.sampled_from(ADMINS), org=st.sampled_from(sorted(ORG_TYPES)))
    def a_forged_certificate_is_refused(self, admin: str, org: str) -> None:
        """Right org name and CA subject, wrong CA key: the signature does not verify."""
        fake_ca_key = PrivateKey.from_seed(f"forger/{org}".encode())
        fake_ca = create_org_ca(org, ORG_TYPES[org], fake_ca_key, not_before=NOT_BEFORE,
                                serial=FORGED_SERIAL)
        member_key = PrivateKey.from_seed(b"forger/member")
        cert = issue_member_certificate(
            fake_ca,
            fake_ca_key,
            f"{org}.mole",
            "admin",
            member_key.public_key(),
            not_before=NOT_BEFORE,
            serial=FORGED_SERIAL,  # not random: a run's txs are the same in every process
        )
        expected = self.signer_code(admin) or (
            "UNAUTHORIZED" if org_of(admin) != org else "CERTIFICATE_INVALID"
        )
        result = self.run(admin, "membership", "enrol", certificate=certificate_to_pem(cert))
        assert result.code == expected, result.message

    # -- revocation ---------------------------------------------------------------------------

    @precondition(lambda self: len(self.enrolled_ids - self.revoked_ids) > len(ADMINS) + 1)
    @rule(admin=st.sampled_from(ADMINS), member=enrolled)
    def admin_revokes_a_member(self, admin: str, member: str) -> None:
        expected = self.signer_code(admin)
        if expected is None and org_of(admin) != org_of(member):
            expected = "UNAUTHORIZED"
        if expected is None and member not in self.enrolled_ids:
            expected = "MEMBER_NOT_FOUND"
        if expected is None and member in self.revoked_ids:
            expected = "MEMBER_ALREADY_REVOKED"
        if expected is None:
            self.impostors_refused(admin, "revoke", {"member_id": member, "reason": "left"},
                                   member)
        result = self.run(admin, "membership", "revoke", member_id=member, reason="left")
        assert result.code == expected, result.message
        if result.committed:
            self.revoked_ids.add(member)

    @rule(admin=st.sampled_from(ADMINS), org=st.sampled_from(sorted(ORG_TYPES)))
    def revoking_someone_never_enrolled_is_member_not_found(self, admin: str, org: str) -> None:
        expected = self.signer_code(admin) or (
            "UNAUTHORIZED" if org_of(admin) != org else "MEMBER_NOT_FOUND"
        )
        result = self.run(admin, "membership", "revoke", member_id=f"{org}.nobody")
        assert result.code == expected

    # -- members acting -----------------------------------------------------------------------

    @rule(member=st.one_of(certificates, enrolled))
    def a_member_acts(self, member: str) -> None:
        """Revoked: SIGNER_REVOKED; never enrolled: UNKNOWN_SIGNER; else it reaches the
        contract (and has no money)."""
        expected = self.signer_code(member) or "INSUFFICIENT_FUNDS"
        result = self.run(member, "settlement", "transfer", source=member, target="gov", amount=1)
        assert result.code == expected

    # -- comparison with the model --------------------------------------------------------------

    @invariant()
    def the_member_views_match_the_model(self) -> None:
        for member_id, role in self.roles.items():
            if member_id not in self.enrolled_ids:
                continue
            record = self.ledger.view("membership", "member", member_id=member_id)
            assert (record["role"], record["revoked"]) == (role, member_id in self.revoked_ids)
        for org in ORG_TYPES:
            listed = {m["id"] for m in self.ledger.view("membership", "members", org_id=org)}
            assert listed == {m for m in self.enrolled_ids if org_of(m) == org}


TestMembership = MembershipMachine.TestCase
