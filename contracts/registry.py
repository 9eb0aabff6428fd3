"""Finding and checking contract plug-ins.

Contracts register through the entry-point group ``agriledger.contracts``
(``name = "package.module:ContractClass"``). Every class is checked when loaded,
never on its first tx: the entry-point name equals the contract's name, names
are unique, each action has a pydantic model and a policy whose org types and
roles exist in the role catalogue, each view has a model, and the contract declares
who may read each record it stores (``contracts.readers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from contracts.base import Contract
from contracts.exceptions import RegistrationError
from contracts.policy import (
    AllOf,
    AnyOf,
    OutOf,
    Party,
    Policy,
    Role,
    party_names,
    policy_from_json,
    walk,
)
from contracts.readers import check_readers
from contracts.roles import DEFAULT_ROLES, all_roles
from contracts.runtime import validation_errors

ENTRY_POINT_GROUP = "agriledger.contracts"


def discover(names: Iterable[str] | None = None) -> dict[str, type[Contract]]:
    """Load the contract classes registered under the entry-point group, checked.

    With ``names``, only entry points of those names are loaded (a chain need not
    import plug-ins it does not enable, so a broken one it never uses cannot stop it);
    duplicate registrations of a loaded name are still refused.
    """
    wanted = None if names is None else frozenset(names)
    found: dict[str, type[Contract]] = {}
    sources: dict[str, str] = {}
    points = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: (p.name, p.value))
    for point in points:
        if wanted is not None and point.name not in wanted:
            continue
        try:
            cls = point.load()
        except Exception as exc:
            raise RegistrationError(
                f"entry point {point.name!r} ({point.value}) failed to load: {exc}"
            ) from exc
        if point.name in found and found[point.name] is not cls:
            raise RegistrationError(
                f"two contracts are registered under the name {point.name!r}: "
                f"{sources[point.name]} and {point.value}"
            )
        check_contract_class(cls, entry_name=point.name)
        found[point.name] = cls
        sources[point.name] = point.value
    return found


def check_contract_class(
    cls: Any,
    *,
    entry_name: str | None = None,
    catalogue: Mapping[str, frozenset[str]] = DEFAULT_ROLES,
) -> None:
    """Raise RegistrationError if ``cls`` is not a well-formed contract."""
    where = f"contract {getattr(cls, '__name__', cls)!r}"
    if not (isinstance(cls, type) and issubclass(cls, Contract)):
        raise RegistrationError(f"{where}: must subclass contracts.Contract")
    if not isinstance(cls.name, str) or not cls.name.isidentifier():
        raise RegistrationError(f"{where}: name must be a non-empty identifier")
    if entry_name is not None and entry_name != cls.name:
        raise RegistrationError(f"{where}: registered as {entry_name!r} but named {cls.name!r}")
    if not cls.version or not isinstance(cls.version, str):
        raise RegistrationError(f"{where}: version is required (a string)")
    if not (isinstance(cls.Params, type) and issubclass(cls.Params, BaseModel)):
        raise RegistrationError(f"{where}: Params must be a pydantic model")
    if cls.registration_problems:
        raise RegistrationError(f"{cls.name}: " + "; ".join(cls.registration_problems))
    for name, spec in cls.actions.items():
        _check_model(spec.model, f"{cls.name}.{name}", "action", "args")
        check_policy(spec.policy, f"{cls.name}.{name}", catalogue)
        if party_names(spec.policy) and spec.parties is None:
            raise RegistrationError(
                f"{cls.name}.{name}: policy names parties {sorted(party_names(spec.policy))} "
                "but the action has no parties= resolver"
            )
    for name, vspec in cls.views.items():
        _check_model(vspec.model, f"{cls.name}.{name}", "view", "params")
    if cls.freezes_assets and "is_frozen" not in cls.views:
        raise RegistrationError(
            f"{cls.name}: freezes_assets needs a view is_frozen(asset) for ctx.is_frozen"
        )
    for name, ospec in cls.operations.items():
        _check_model(ospec.model, f"{cls.name}.{name}", "operation", "args")
    tables: tuple[tuple[str, Mapping[str, Any]], ...] = (
        ("action", cls.actions), ("view", cls.views), ("operation", cls.operations),
    )
    for kind, table in tables:
        for name in table:
            if not name.isidentifier():
                raise RegistrationError(f"{cls.name}: {kind} name {name!r} is not an identifier")
    check_readers(cls.name, cls.readers)


def _check_model(model: Any, where: str, kind: str, what: str) -> None:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise RegistrationError(f"{where}: {kind} needs a pydantic model for its {what}")
    if model.model_config.get("extra") != "forbid":
        raise RegistrationError(
            f"{where}: the {what} model {model.__name__} must forbid unknown fields "
            f"(derive it from contracts.{'Query' if kind == 'view' else 'Args'})"
        )


def check_policy(policy: Policy, where: str, catalogue: Mapping[str, frozenset[str]]) -> None:
    """Every org type and role the policy names exists; combinators are not empty."""
    every_role = all_roles(catalogue)
    for node in walk(policy):
        if isinstance(node, Role):
            if node.org_type != "*" and node.org_type not in catalogue:
                raise RegistrationError(f"{where}: policy names unknown org type {node.org_type!r}")
            allowed = every_role if node.org_type == "*" else catalogue[node.org_type]
            if node.role != "*" and node.role not in allowed:
                raise RegistrationError(
                    f"{where}: policy names role {node.role!r}, which no {node.org_type} holds"
                )
        elif isinstance(node, Party):
            for role in node.roles:
                if role not in every_role:
                    raise RegistrationError(
                        f"{where}: policy gives party {node.name!r} role {role!r}, "
                        "which no organisation type holds"
                    )
        elif isinstance(node, AllOf | AnyOf | OutOf):
            if not node.policies:
                raise RegistrationError(f"{where}: {node.describe()} has no sub-policies")
            if isinstance(node, OutOf) and not 1 <= node.n <= len(node.policies):
                raise RegistrationError(
                    f"{where}: out-of threshold {node.n} is not between 1 and "
                    f"{len(node.policies)}"
                )
        else:
            raise RegistrationError(f"{where}: {node!r} is not a policy")


def instantiate(
    classes: Mapping[str, type[Contract]],
    enabled: Iterable[Mapping[str, Any]],
    catalogue: Mapping[str, frozenset[str]] = DEFAULT_ROLES,
) -> dict[str, Contract]:
    """Build the enabled contracts from genesis entries ``{name, version, params, policies}``."""
    contracts: dict[str, Contract] = {}
    for entry in enabled:
        name = entry["name"]
        cls = classes.get(name)
        if cls is None:
            raise RegistrationError(
                f"genesis enables contract {name!r}, which is not installed"
                f" (installed: {', '.join(sorted(classes)) or 'none'})"
            )
        if str(entry.get("version", cls.version)) != cls.version:
            raise RegistrationError(
                f"genesis enables {name} version {entry['version']!r}, installed is {cls.version!r}"
            )
        if name in contracts:
            raise RegistrationError(f"genesis enables contract {name!r} twice")
        check_contract_class(cls, entry_name=name, catalogue=catalogue)
        try:
            params = cls.Params.model_validate(entry.get("params") or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{e['path']}: {e['rule']}" for e in validation_errors(exc, f"{name}.params")
            )
            raise RegistrationError(f"genesis params of {name}: {problems}") from None
        policies: dict[str, Policy] = {}
        for action_name, data in (entry.get("policies") or {}).items():
            if action_name not in cls.actions:
                raise RegistrationError(
                    f"genesis overrides policy of unknown action {name}.{action_name}"
                )
            policy = policy_from_json(data, f"{name}.policies.{action_name}")
            check_policy(policy, f"{name}.policies.{action_name}", catalogue)
            resolved = party_names(cls.actions[action_name].policy)
            unresolved = party_names(policy) - resolved
            if unresolved:
                raise RegistrationError(
                    f"{name}.policies.{action_name}: names parties {sorted(unresolved)}; "
                    f"the action resolves only {sorted(resolved) or 'none'}"
                )
            policies[action_name] = policy
        contracts[name] = cls(params, policies)
    return contracts
