"""Who must be refused: the wrong identities a test tries an action as, and the codes.

For an action that one member is entitled to sign, ``impostors`` lists the members of
the roster who are not, one or more per ``Threat``:

- ``WRONG_ORG``: the same role in another organisation of the same type (another
  bank's loan officer releasing bank A's lien);
- ``WRONG_ROLE``: another role in the entitled member's own organisation (the bank's
  risk officer, the cooperative's farmer);
- ``NODE_KEY``: the organisation's peer node key (role ``peer``), which signs blocks
  and headers, never business transactions;
- ``REVOKED``: a member of the organisation whose enrolment was revoked;
- ``COUNTERPARTY``: the other side of the deal, named by the test (the borrower
  signing the release the pledgee bank must sign).

``REFUSED_WITH`` is the one table of the codes each threat must be refused with; a
test may widen it per action where a contract refuses with a domain code of its own.
Modelled on Daml Script's ``submitMustFail``: the attempt is submitted as a real
signed transaction, and must be rejected and leave the state as it was.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from contracts.roles import NODE_ROLE
from ledger.roster import OrgSpec, Roster

__all__ = [
    "ALL_THREATS", "NODE_KEY_ROLE", "REFUSED_WITH", "Attempt", "Threat", "impostors",
    "with_node_keys",
]

NODE_KEY_ROLE = NODE_ROLE
"""The role of a peer node's own key (``<org>.peer``), as network templates enrol it."""


class Threat(enum.StrEnum):
    WRONG_ORG = "wrong org"
    WRONG_ROLE = "wrong role"
    NODE_KEY = "node key"
    REVOKED = "revoked member"
    COUNTERPARTY = "counterparty"


ALL_THREATS: tuple[Threat, ...] = tuple(Threat)

REFUSED_WITH: Mapping[Threat, frozenset[str]] = MappingProxyType({
    Threat.WRONG_ORG: frozenset({"UNAUTHORIZED"}),
    Threat.WRONG_ROLE: frozenset({"UNAUTHORIZED"}),
    # Policies refuse a node key today (no policy names the peer role); the gate and
    # runtime are to refuse it with a code of its own before any policy is read.
    Threat.NODE_KEY: frozenset({"NODE_KEY_REFUSED"}),
    # The ledger refuses a revoked signature before any contract runs.
    Threat.REVOKED: frozenset({"SIGNER_REVOKED"}),
    Threat.COUNTERPARTY: frozenset({"UNAUTHORIZED"}),
})


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try of an action as a member who must be refused, and the codes that count
    (``threat`` is None for a single ``must_fail`` attempt). ``instead_of`` names the
    co-signer the impostor stands in for; None means the impostor signs first."""

    threat: Threat | None
    signer: str
    codes: frozenset[str]
    instead_of: str | None = None


def with_node_keys(orgs: Iterable[OrgSpec]) -> list[OrgSpec]:
    """The org specs with a ``<org>.peer`` node key added where an org has none."""
    return [
        org if any(role == NODE_KEY_ROLE for _, role in org.members)
        else OrgSpec(org.id, org.type, (*org.members, ("peer", NODE_KEY_ROLE)))
        for org in orgs
    ]


def impostors(
    roster: Roster,
    signer: str,
    *,
    revoked: Collection[str] = (),
    enrolled: Collection[str] | None = None,
    threats: Iterable[Threat] = ALL_THREATS,
    counterparty: Iterable[str] = (),
    entitled: Iterable[str] = (),
    codes: Mapping[Threat, Iterable[str]] | None = None,
) -> list[Attempt]:
    """The attempts that must fail when ``signer`` is the member entitled to act.

    ``revoked`` are the members revoked so far; ``enrolled``, if given, the only roster
    members on the chain (a certificate made but never enrolled is nobody's impostor);
    ``entitled`` are other members who may
    also act (never tried); ``codes`` widens ``REFUSED_WITH`` per threat. A threat the
    roster has nobody for (no other org of that type, no revoked member) is skipped.
    Each member is tried once, under the first threat that picks it.
    """
    members = {
        m: c for m, c in roster.members().items() if enrolled is None or m in enrolled
    }
    me = members[signer]
    org_type = roster.orgs[me.org].type
    chosen = set(threats)
    spared = {signer, *entitled}
    picks: list[tuple[Threat, str]] = []

    def active(member_id: str) -> bool:
        return member_id not in revoked and members[member_id].role != NODE_KEY_ROLE

    if Threat.WRONG_ORG in chosen:
        for org in roster.orgs.values():
            if org.id != me.org and org.type == org_type:
                same = [m for m, c in org.members.items()
                        if m in members and c.role == me.role and active(m)]
                picks += [(Threat.WRONG_ORG, m) for m in same[:1]]
    own = {m: c for m, c in roster.orgs[me.org].members.items() if m in members}
    if Threat.WRONG_ROLE in chosen:
        roles_seen = {me.role}
        for member_id, cred in own.items():
            if cred.role not in roles_seen and active(member_id):
                roles_seen.add(cred.role)
                picks.append((Threat.WRONG_ROLE, member_id))
    if Threat.NODE_KEY in chosen:
        picks += [(Threat.NODE_KEY, m) for m, c in own.items() if c.role == NODE_KEY_ROLE]
    if Threat.REVOKED in chosen:
        picks += [(Threat.REVOKED, m) for m in own if m in revoked]
    if Threat.COUNTERPARTY in chosen:
        picks += [(Threat.COUNTERPARTY, m) for m in counterparty]
    widen = {threat: frozenset(extra) for threat, extra in (codes or {}).items()}
    attempts: list[Attempt] = []
    for threat, member_id in picks:
        if member_id in spared:
            continue
        spared.add(member_id)
        allowed = REFUSED_WITH[threat] | widen.get(threat, frozenset())
        if member_id in revoked:
            allowed |= REFUSED_WITH[Threat.REVOKED]
        attempts.append(Attempt(threat, member_id, allowed))
    return attempts
