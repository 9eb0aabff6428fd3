"""The plug-in surface: a Contract class with actions, views, operations and invariants.

A contract is a class::

    class Settlement(Contract):
        name = "settlement"
        version = "1"
        Params = SettlementParams            # pydantic model of genesis parameters

        @action(TransferArgs, policy=Party("owner"),
                parties=lambda self, ctx, a: {"owner": a.source})
        def transfer(self, ctx: Context, args: TransferArgs) -> None: ...

        @view(BalanceQuery)
        def balance(self, ctx: ReadContext, query: BalanceQuery) -> JSON: ...

        @operation(MoveArgs)
        def move(self, ctx: Context, args: MoveArgs) -> None: ...

        @invariant("S1", "no account balance is negative")
        def no_negative_balance(self, ctx: ReadContext) -> Iterable[str]: ...

- Actions are what transactions call: typed args (a pydantic model), an
  authorisation policy as data, and the parties the policy names.
- Views are read-only queries, used by other contracts and the HTTP API.
- Operations are called by other contracts inside the same tx (settlement
  transfers, encumbrance registration); they run in the target's own namespace.
  Like actions they take a model of their arguments, and declare the model of
  what they return (``result=``); callers name them with a typed handle
  (``contracts.operations.Operation``) in ``ctx.invoke``.
- Invariants yield a message per violation; the test harness checks them all
  after every step.
- ``readers`` declares, per key pattern, the record stored there and which of its
  fields name the parties that may read it (``contracts.readers``); registration
  refuses a contract without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from contracts.exceptions import RegistrationError
from contracts.policy import Policy
from contracts.readers import Readable

if TYPE_CHECKING:
    from contracts.context import Context

ModelT = TypeVar("ModelT", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])

PartiesResolver = Callable[[Any, "Context", Any], Mapping[str, Any]]
"""(contract, the tx's context, args) -> {party name: member or org id(s)}. Called during
execution, before the handler, so it sees the tx's signers; it must only read."""


class Args(BaseModel):
    """Base of action argument models: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Query(BaseModel):
    """Base of view parameter models. Lax so HTTP query strings coerce to ints."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Params(BaseModel):
    """Base of genesis parameter models."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    handler: Callable[..., None]
    model: type[BaseModel]
    policy: Policy
    parties: PartiesResolver | None
    doc: str


@dataclass(frozen=True)
class ViewSpec:
    name: str
    handler: Callable[..., Any]
    model: type[BaseModel]
    doc: str


@dataclass(frozen=True)
class OperationSpec:
    name: str
    handler: Callable[..., Any]
    model: type[BaseModel]
    result: type
    """The type every result is an instance of (``NoneType`` when it returns nothing)."""
    doc: str


@dataclass(frozen=True)
class InvariantSpec:
    code: str
    description: str
    check: Callable[..., Iterable[str]]


def action(
    model: type[BaseModel],
    *,
    policy: Policy,
    parties: PartiesResolver | None = None,
    name: str | None = None,
) -> Callable[[F], F]:
    """Mark a method as an action callable by transactions."""

    def mark(func: F) -> F:
        func.__agriledger_action__ = ActionSpec(  # type: ignore[attr-defined]
            name=name or func.__name__, handler=func, model=model, policy=policy,
            parties=parties, doc=(func.__doc__ or "").strip(),
        )
        return func

    return mark


def view(model: type[BaseModel], *, name: str | None = None) -> Callable[[F], F]:
    """Mark a method as a read-only view."""

    def mark(func: F) -> F:
        func.__agriledger_view__ = ViewSpec(  # type: ignore[attr-defined]
            name=name or func.__name__, handler=func, model=model,
            doc=(func.__doc__ or "").strip(),
        )
        return func

    return mark


def operation(
    model: type[BaseModel], *, result: type | None = None, name: str | None = None
) -> Callable[[F], F]:
    """Mark a method as callable by other contracts within a tx, with its argument model
    and the model of its result (None: it returns nothing)."""
    if not isinstance(model, type):  # used bare, as @operation
        raise RegistrationError(
            f"@operation on {getattr(model, '__qualname__', model)!r} needs its argument "
            "model: @operation(ArgsModel, result=ResultModel)"
        )

    def mark(func: F) -> F:
        func.__agriledger_operation__ = OperationSpec(  # type: ignore[attr-defined]
            name=name or func.__name__, handler=func, model=model,
            result=type(None) if result is None else result, doc=(func.__doc__ or "").strip(),
        )
        return func

    return mark


def invariant(code: str, description: str) -> Callable[[F], F]:
    """Mark a method as a declared invariant; it yields one message per violation."""

    def mark(func: F) -> F:
        spec = InvariantSpec(code, description, func)
        func.__agriledger_invariant__ = spec  # type: ignore[attr-defined]
        return func

    return mark


def _entries(attr: Any) -> Iterable[tuple[str, str, str]]:
    """(kind, table attribute, key) for each framework marker on a class attribute."""
    if spec := getattr(attr, "__agriledger_action__", None):
        yield "action", "actions", spec.name
    if spec := getattr(attr, "__agriledger_view__", None):
        yield "view", "views", spec.name
    if spec := getattr(attr, "__agriledger_operation__", None):
        yield "operation", "operations", spec.name
    if spec := getattr(attr, "__agriledger_invariant__", None):
        yield "invariant", "invariants", spec.code


def _entry_value(attr: Any, kind: str) -> Any:
    marker = {"action": "__agriledger_action__", "view": "__agriledger_view__",
              "operation": "__agriledger_operation__",
              "invariant": "__agriledger_invariant__"}[kind]
    return getattr(attr, marker)


class Contract:
    """Base class of every contract. Subclasses set name, version and Params."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = ""
    description: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = Params
    readers: ClassVar[tuple[Readable, ...] | None] = None
    """Who may read each record the contract stores (``contracts.readers``); required."""
    freezes_assets: ClassVar[bool] = False
    """True for a contract that can freeze assets (an open dispute): it declares a view
    ``is_frozen`` taking ``asset``, which ``ctx.is_frozen`` asks."""

    actions: ClassVar[dict[str, ActionSpec]]
    views: ClassVar[dict[str, ViewSpec]]
    operations: ClassVar[dict[str, OperationSpec]]
    invariants: ClassVar[dict[str, InvariantSpec]]

    registration_problems: ClassVar[list[str]]
    """Clashes found while collecting the tables (two actions with one name...);
    ``contracts.registry.check_contract_class`` turns them into a RegistrationError."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.actions, cls.views, cls.operations, cls.invariants = {}, {}, {}, {}
        cls.registration_problems = []
        for klass in reversed(cls.__mro__):
            # A subclass may override a base class's entry; one class may not declare two.
            seen: dict[tuple[str, str], str] = {}
            for attr_name, attr in vars(klass).items():
                for kind, table, key in _entries(attr):
                    clash = seen.get((kind, key))
                    if clash is not None:
                        cls.registration_problems.append(
                            f"{klass.__name__}.{attr_name} and .{clash} both declare "
                            f"{kind} {key!r}"
                        )
                    seen[(kind, key)] = attr_name
                    getattr(cls, table)[key] = _entry_value(attr, kind)

    def __init__(
        self, params: BaseModel | None = None, policies: Mapping[str, Policy] | None = None
    ) -> None:
        self.params: Any = params if params is not None else self.Params()
        self._policies = dict(policies or {})

    def policy_for(self, action_name: str) -> Policy:
        """The action's policy, or the genesis override if one was given."""
        return self._policies.get(action_name, self.actions[action_name].policy)

    def initial_state(self) -> Mapping[str, Any]:
        """Keys (within the contract's namespace) seeded into the genesis state."""
        return {}
