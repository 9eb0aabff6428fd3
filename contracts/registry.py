"""Finding and checking contract plug-ins.

Contracts register through the entry-point group ``agriledger.contracts``
(``name = "package.module:ContractClass"``). Every class is checked when loaded,
never on its first tx: the entry-point name equals the contract's name, names
are unique, each action has a pydantic model and a policy whose org types and
roles exist in the role catalogue, each view has a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from contracts.base import Contract
from contracts.exceptions import RegistrationError
from contracts.policy import Policy, Role, policy_from_json, walk
from contracts.roles import DEFAULT_ROLES

ENTRY_POINT_GROUP = "agriledger.contracts"


def discover() -> dict[str, type[Contract]]:
    """Load every contract class registered under the entry-point group, checked."""
    found: dict[str, type[Contract]] = {}
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        try:
            cls = point.load()
        except Exception as exc:
            raise RegistrationError(f"entry point {point.name!r} ({point.value}) failed to load: {exc}") from exc
        if point.name in found and found[point.name] is not cls:
            raise RegistrationError(f"two contracts are registered under the name {point.name!r}")
        check_contract_class(cls, entry_name=point.name)
        found[point.name] = cls
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
    if not cls.name or not cls.name.isidentifier():
        raise RegistrationError(f"{where}: name must be a non-empty identifier")
    if entry_name is not None and entry_name != cls.name:
        raise RegistrationError(f"{where}: registered as {entry_name!r} but named {cls.name!r}")
    if not cls.version:
        raise RegistrationError(f"{where}: version is required")
    if not (isinstance(cls.Params, type) and issubclass(cls.Params, BaseModel)):
        raise RegistrationError(f"{where}: Params must be a pydantic model")
    for name, spec in cls.actions.items():
        if not (isinstance(spec.model, type) and issubclass(spec.model, BaseModel)):
            raise RegistrationError(f"{cls.name}.{name}: action needs a pydantic model for its args")
        check_policy(spec.policy, f"{cls.name}.{name}", catalogue)
    for name, vspec in cls.views.items():
        if not (isinstance(vspec.model, type) and issubclass(vspec.model, BaseModel)):
            raise RegistrationError(f"{cls.name}.{name}: view needs a pydantic model for its params")


def check_policy(policy: Policy, where: str, catalogue: Mapping[str, frozenset[str]]) -> None:
    for node in walk(policy):
        if isinstance(node, Role):
            if node.org_type != "*" and node.org_type not in catalogue:
                raise RegistrationError(f"{where}: policy names unknown org type {node.org_type!r}")
            allowed = (
                frozenset().union(*catalogue.values())
                if node.org_type == "*"
                else catalogue[node.org_type]
            )
            if node.role != "*" and node.role not in allowed:
                raise RegistrationError(
                    f"{where}: policy names role {node.role!r}, which no {node.org_type} holds"
                )


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
            raise RegistrationError(f"genesis enables contract {name!r}, which is not installed")
        if str(entry.get("version", cls.version)) != cls.version:
            raise RegistrationError(
                f"genesis enables {name} version {entry['version']!r}, installed is {cls.version!r}"
            )
        if name in contracts:
            raise RegistrationError(f"genesis enables contract {name!r} twice")
        try:
            params = cls.Params.model_validate(entry.get("params") or {})
        except ValidationError as exc:
            raise RegistrationError(f"genesis params of {name}: {exc}") from None
        policies: dict[str, Policy] = {}
        for action_name, data in (entry.get("policies") or {}).items():
            if action_name not in cls.actions:
                raise RegistrationError(f"genesis overrides policy of unknown action {name}.{action_name}")
            policy = policy_from_json(data, f"{name}.policies.{action_name}")
            check_policy(policy, f"{name}.{action_name}", catalogue)
            policies[action_name] = policy
        contracts[name] = cls(params, policies)
    return contracts
