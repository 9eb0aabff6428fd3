"""Every membership outcome is reached: enrolment and revocation at every org, new admins.

``MembershipMachine`` draws a certificate's org and role and the enrolling admin on
their own, so an enrolment commits rarely (3 runs of 20 in a probe with
``RecordsReached``). ``SteeredMembershipMachine`` adds a rule that has an org's CA sign
a certificate for a role its type may hold, has that org's admin enrol it (every
impostor refused first: the machine's own checked rule), lets the member act, and
(in turn) revokes it, or, for a new admin, has it enrol a member of its own.
``RecordsReached`` (contracts/reached.py) notes what each run reached; member records
have no state field, so the labels are read from the events (``result_labels``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import rule
from test_membership_stateful import ORG_TYPES, MembershipMachine

from contracts.reached import SteeredMachine, assert_reached
from contracts.roles import DEFAULT_ROLES
from ledger.block import TxResult

RUNS = 30
STEPS = 20
MIN_RUNS = 3
ORGS = sorted(ORG_TYPES)
GENESIS_ADMIN = {"gov": "gov.admin", "coop-a": "coop-a.admin", "bank-a": "bank-a.admin",
                 "coop-b": "coop-b.admin"}

WANTED = (
    *(f"enrolled:{org}" for org in sorted(ORG_TYPES)),
    *(f"revoked:{org}" for org in sorted(ORG_TYPES)),
    "enrolled by a new admin", "a new member acted", "a revoked member refused",
)


class SteeredMembershipMachine(SteeredMachine, MembershipMachine):
    """The machine plus a rule that enrols a valid certificate and follows its member."""

    def result_labels(self, result: TxResult) -> Iterable[str]:
        for event in result.events:
            if event["type"] == "MemberEnrolled":
                yield f"enrolled:{event['data']['org']}"
            if event["type"] == "MemberRevoked":
                yield f"revoked:{event['data']['member_id'].split('.', 1)[0]}"

    @rule(data=st.data(), offset=st.integers(0, len(ORGS) - 1), revoke=st.booleans())
    def member_path(self, data: st.DataObject, offset: int, revoke: bool) -> None:
        """The next org in turn (from a drawn start): its CA signs a certificate for one
        of its type's roles (an admin's as often as all others), an admin of the org
        enrols it and the member acts; then it is revoked and refused (every other call
        in turn, or as drawn), or, an admin, it enrols a member itself."""
        org = self.next_path(ORGS, offset)
        roles = sorted(DEFAULT_ROLES[ORG_TYPES[org]])
        role = data.draw(st.one_of(st.just("admin"), st.sampled_from(roles)), label="role")
        admin = GENESIS_ADMIN[org]
        if admin in self.revoked_ids:
            return
        member = self.org_ca_signs_a_certificate(org, role)
        self.admin_enrols_a_certificate(admin, member)
        if member not in self.enrolled_ids:
            return
        self.a_member_acts(member)
        self.note_label("a new member acted")
        if role == "admin" and not revoke:
            other = self.org_ca_signs_a_certificate(
                org, data.draw(st.sampled_from(sorted(DEFAULT_ROLES[ORG_TYPES[org]])))
            )
            self.admin_enrols_a_certificate(member, other)
            if other in self.enrolled_ids:
                self.note_label("enrolled by a new admin")
        elif revoke or self.paths_taken % 2:
            self.admin_revokes_a_member(admin, member)
            self.a_member_acts(member)
            if member in self.revoked_ids:
                self.note_label("a revoked member refused")

    @rule(data=st.data(), offset=st.integers(0, len(ORGS) - 1), revoke=st.booleans())
    def another_member_path(self, data: st.DataObject, offset: int, revoke: bool) -> None:
        """``member_path`` once more, so a run of 20 steps among 8 rules takes a few."""
        self.member_path(data, offset, revoke)


@pytest.mark.usefixtures("module_independent_draws")
def test_every_outcome_is_reached() -> None:
    assert_reached(SteeredMembershipMachine, WANTED, runs=RUNS, steps=STEPS, at_least=MIN_RUNS)
