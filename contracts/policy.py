"""Authorisation policies as data, in the spirit of Fabric endorsement policies.

A policy is a tree evaluated against the tx's signers (each with member id, org,
org type and role)::

    Role(org_type, role)        some signer has this org type and role ("*" = any)
    Party(name, roles=...)      some signer is, or belongs to, the named party
                                (e.g. "holder", "pledgee"), optionally with one of roles
    AllOf(p, ...)               every sub-policy holds
    AnyOf(p, ...)               at least one holds
    OutOf(n, p, ...)            at least n hold

Parties are resolved per tx by the action (an org id or a member id). JSON form,
used for genesis overrides::

    {"role": "loan_officer", "org_type": "bank"}
    {"party": "holder", "roles": ["manager"]}
    {"all": [...]}, {"any": [...]}, {"out_of": 2, "of": [...]}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from contracts.exceptions import RegistrationError


@dataclass(frozen=True, slots=True)
class Principal:
    """One signer as policies see it."""

    member_id: str
    org: str
    org_type: str
    role: str


@dataclass(frozen=True, slots=True)
class Role:
    org_type: str
    role: str

    def satisfied(self, signers: Sequence[Principal], parties: Mapping[str, Any]) -> bool:
        return any(
            (self.org_type == "*" or s.org_type == self.org_type)
            and (self.role == "*" or s.role == self.role)
            for s in signers
        )

    def roles_allow(self, signers: Sequence[Principal]) -> bool:
        return self.satisfied(signers, {})

    def describe(self) -> str:
        return f"{self.org_type}:{self.role}"


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    roles: tuple[str, ...] = ()

    def satisfied(self, signers: Sequence[Principal], parties: Mapping[str, Any]) -> bool:
        if self.name not in parties:
            raise RegistrationError(
                f"policy names party {self.name!r} that the action does not resolve"
            )
        who = parties[self.name]
        if who is None:
            return False
        ids = {who} if isinstance(who, str) else set(who)
        return any(
            (s.member_id in ids or s.org in ids) and (not self.roles or s.role in self.roles)
            for s in signers
        )

    def roles_allow(self, signers: Sequence[Principal]) -> bool:
        """Whoever the party turns out to be, some signer must hold one of its roles."""
        return any(not self.roles or s.role in self.roles for s in signers)

    def describe(self) -> str:
        return f"party {self.name}" + (f" as {'/'.join(self.roles)}" if self.roles else "")


@dataclass(frozen=True, slots=True)
class AllOf:
    policies: tuple[Policy, ...]

    def satisfied(self, signers: Sequence[Principal], parties: Mapping[str, Any]) -> bool:
        return all(p.satisfied(signers, parties) for p in self.policies)

    def roles_allow(self, signers: Sequence[Principal]) -> bool:
        return all(p.roles_allow(signers) for p in self.policies)

    def describe(self) -> str:
        return "all of (" + ", ".join(p.describe() for p in self.policies) + ")"


@dataclass(frozen=True, slots=True)
class AnyOf:
    policies: tuple[Policy, ...]

    def satisfied(self, signers: Sequence[Principal], parties: Mapping[str, Any]) -> bool:
        return any(p.satisfied(signers, parties) for p in self.policies)

    def roles_allow(self, signers: Sequence[Principal]) -> bool:
        return any(p.roles_allow(signers) for p in self.policies)

    def describe(self) -> str:
        return "any of (" + ", ".join(p.describe() for p in self.policies) + ")"


@dataclass(frozen=True, slots=True)
class OutOf:
    n: int
    policies: tuple[Policy, ...]

    def satisfied(self, signers: Sequence[Principal], parties: Mapping[str, Any]) -> bool:
        return sum(p.satisfied(signers, parties) for p in self.policies) >= self.n

    def roles_allow(self, signers: Sequence[Principal]) -> bool:
        return sum(p.roles_allow(signers) for p in self.policies) >= self.n

    def describe(self) -> str:
        return f"{self.n} out of (" + ", ".join(p.describe() for p in self.policies) + ")"


Policy: TypeAlias = Role | Party | AllOf | AnyOf | OutOf
"""Every policy also answers ``roles_allow(signers)``: could these signers satisfy it for
*some* resolution of its parties? That part depends only on the signers' org types and
roles, never on state, so a peer's gate can refuse a wrong-role tx before ordering."""


def party_names(policy: Policy) -> frozenset[str]:
    """The parties a policy names (the action must resolve each of them)."""
    return frozenset(node.name for node in walk(policy) if isinstance(node, Party))


def all_of(*policies: Policy) -> AllOf:
    return AllOf(tuple(policies))


def any_of(*policies: Policy) -> AnyOf:
    return AnyOf(tuple(policies))


def out_of(n: int, *policies: Policy) -> OutOf:
    return OutOf(n, tuple(policies))


def walk(policy: Policy) -> Iterator[Policy]:
    """The policy and every sub-policy, depth first."""
    yield policy
    if isinstance(policy, AllOf | AnyOf | OutOf):
        for sub in policy.policies:
            yield from walk(sub)


_FORMS: Mapping[str, frozenset[str]] = {
    "role": frozenset({"role", "org_type"}),
    "party": frozenset({"party", "roles"}),
    "all": frozenset({"all"}),
    "any": frozenset({"any"}),
    "out_of": frozenset({"out_of", "of"}),
}


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise RegistrationError(f"{where}.{key}: must be a non-empty string")
    return value


def _subs(data: Mapping[str, Any], key: str, where: str) -> tuple[Policy, ...]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise RegistrationError(f"{where}.{key}: must be a non-empty list of policies")
    return tuple(policy_from_json(p, f"{where}.{key}[{i}]") for i, p in enumerate(items))


def policy_from_json(data: Any, where: str = "policy") -> Policy:
    """Parse the JSON form; raise RegistrationError naming the bad part.

    Strict on purpose: a misspelt key (``org_typ``) would otherwise widen who may
    act, so unknown keys, empty lists and non-string roles are refused.
    """
    if not isinstance(data, Mapping):
        raise RegistrationError(f"{where}: must be an object")
    forms = [form for form in _FORMS if form in data]
    if len(forms) != 1:
        raise RegistrationError(f"{where}: expected exactly one of role, party, all, any, out_of")
    form = forms[0]
    unknown = sorted(set(data) - _FORMS[form])
    if unknown:
        raise RegistrationError(f"{where}: unknown keys {unknown} in a {form!r} policy")
    if form == "role":
        org_type = _text(data, "org_type", where) if "org_type" in data else "*"
        return Role(org_type, _text(data, "role", where))
    if form == "party":
        roles = data.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) and r for r in roles):
            raise RegistrationError(f"{where}.roles: must be a list of role names")
        return Party(_text(data, "party", where), tuple(roles))
    if form == "all":
        return AllOf(_subs(data, "all", where))
    if form == "any":
        return AnyOf(_subs(data, "any", where))
    subs = _subs(data, "of", where)
    n = data["out_of"]
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(subs):
        raise RegistrationError(f"{where}.out_of: must be an integer between 1 and {len(subs)}")
    return OutOf(n, subs)


def policy_to_json(policy: Policy) -> dict[str, Any]:
    """The JSON form read by ``policy_from_json`` (round-trips exactly)."""
    if isinstance(policy, Role):
        return {"role": policy.role, "org_type": policy.org_type}
    if isinstance(policy, Party):
        return {"party": policy.name, "roles": list(policy.roles)}
    if isinstance(policy, AllOf):
        return {"all": [policy_to_json(p) for p in policy.policies]}
    if isinstance(policy, AnyOf):
        return {"any": [policy_to_json(p) for p in policy.policies]}
    return {"out_of": policy.n, "of": [policy_to_json(p) for p in policy.policies]}
