"""Malformed plug-ins and genesis configurations fail at start-up, with an error that says
what is wrong and where, never on the first transaction."""

from __future__ import annotations

import datetime as dt
import sys
import types
from importlib.metadata import EntryPoint
from typing import Any

import pytest
from pydantic import BaseModel

from contracts import Args, Context, Contract, Params, Party, Role, action, view
from contracts import registry as registry_module
from contracts.base import invariant, operation
from contracts.builtin.settlement import SettlementContract
from contracts.exceptions import RegistrationError
from contracts.genesis import ContractConfig, build_genesis, genesis_from_roster
from contracts.policy import AllOf, AnyOf, OutOf, all_of
from contracts.registry import ENTRY_POINT_GROUP, check_contract_class, discover
from ledger.roster import OrgSpec, Roster


class NoArgs(Args):
    pass


class Good(Contract):
    name = "good"
    version = "2"
    readers = ()

    @action(NoArgs, policy=Role("bank", "loan_officer"))
    def act(self, ctx: Context, args: NoArgs) -> None:
        pass


def contract_with(*, policy: Any = None, model: Any = NoArgs, **attrs: Any) -> type[Contract]:
    """A one-action contract class with the given policy/model/class attributes."""

    def act(self: Any, ctx: Context, args: Any) -> None:
        pass

    body: dict[str, Any] = {"name": "bad", "version": "1"}
    body.update(attrs)
    body["act"] = action(model, policy=policy or Role("bank", "admin"))(act)
    return type("Bad", (Contract,), body)


class LaxArgs(BaseModel):
    amount: int


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (contract_with(name=""), "name must be a non-empty identifier"),
        (contract_with(name="no spaces"), "name must be a non-empty identifier"),
        (contract_with(version=""), "version is required"),
        (contract_with(Params=dict), "Params must be a pydantic model"),
        (contract_with(model=dict), "action needs a pydantic model for its args"),
        (contract_with(model=LaxArgs), "must forbid unknown fields"),
        (contract_with(policy=Role("bank", "pilot")), "role 'pilot', which no bank holds"),
        (contract_with(policy=Role("guild", "admin")), "unknown org type 'guild'"),
        (contract_with(policy=Role("*", "pilot")), "role 'pilot'"),
        (contract_with(policy=Party("holder", roles=("pilot",))), "role 'pilot'"),
        (contract_with(policy=Party("holder")), "has no parties= resolver"),
        (contract_with(policy=AllOf(())), "has no sub-policies"),
        (contract_with(policy=AnyOf(())), "has no sub-policies"),
        (contract_with(policy=OutOf(3, (Role("bank", "admin"),))), "out-of threshold 3"),
        (object, "must subclass contracts.Contract"),
    ],
)
def test_malformed_contract_classes_are_refused_with_a_clear_error(cls: Any, message: str) -> None:
    with pytest.raises(RegistrationError, match=message.replace("(", r"\(")):
        check_contract_class(cls)


def test_a_view_without_a_strict_model_is_refused() -> None:
    class BadView(Contract):
        name = "badview"
        version = "1"
        readers = ()

        @view(LaxArgs)
        def look(self, ctx: Any, query: Any) -> Any:
            return None

    with pytest.raises(RegistrationError, match=r"badview\.look: the params model LaxArgs"):
        check_contract_class(BadView)


def test_an_operation_without_a_strict_model_is_refused() -> None:
    class BadOperation(Contract):
        name = "badop"
        version = "1"

        @operation(LaxArgs)
        def poke(self, ctx: Any, args: Any) -> None:
            return None

    with pytest.raises(RegistrationError, match=r"badop\.poke: the args model LaxArgs"):
        check_contract_class(BadOperation)


def test_an_operation_declared_without_its_argument_model_is_refused() -> None:
    with pytest.raises(RegistrationError, match=r"needs its argument model"):

        class Untyped(Contract):
            name = "untyped"
            version = "1"

            @operation  # type: ignore[arg-type]
            def poke(self, ctx: Any, amount: int) -> None:  # type: ignore[misc]
                return None


def test_a_contract_that_freezes_assets_must_answer_is_frozen() -> None:
    class Freezer(Contract):
        name = "freezer"
        version = "1"
        freezes_assets = True

    with pytest.raises(RegistrationError, match=r"freezer: freezes_assets needs a view"):
        check_contract_class(Freezer)


def test_two_actions_declaring_one_name_are_refused() -> None:
    class Twice(Contract):
        name = "twice"
        version = "1"
        readers = ()

        @action(NoArgs, policy=Role("bank", "admin"), name="go")
        def first(self, ctx: Context, args: NoArgs) -> None: ...

        @action(NoArgs, policy=Role("bank", "admin"), name="go")
        def second(self, ctx: Context, args: NoArgs) -> None: ...

    with pytest.raises(RegistrationError, match="both declare action 'go'"):
        check_contract_class(Twice)


def test_two_invariants_with_one_code_are_refused() -> None:
    class Codes(Contract):
        name = "codes"
        version = "1"
        readers = ()

        @invariant("X1", "one")
        def one(self, ctx: Any) -> list[str]:
            return []

        @invariant("X1", "two")
        def two(self, ctx: Any) -> list[str]:
            return []

    with pytest.raises(RegistrationError, match="both declare invariant 'X1'"):
        check_contract_class(Codes)


def test_a_subclass_may_override_an_action_of_its_base() -> None:
    class Better(Good):
        @action(NoArgs, policy=Role("bank", "risk_officer"))
        def act(self, ctx: Context, args: NoArgs) -> None:
            pass

    check_contract_class(Better)
    assert Better.actions["act"].policy == Role("bank", "risk_officer")
    assert Good.actions["act"].policy == Role("bank", "loan_officer")


def test_entry_point_name_must_equal_the_contract_name() -> None:
    with pytest.raises(RegistrationError, match="registered as 'money' but named 'settlement'"):
        check_contract_class(SettlementContract, entry_name="money")


# -- discovery through the entry-point group ----------------------------------------------


@pytest.fixture
def fake_plugins(monkeypatch: pytest.MonkeyPatch) -> list[EntryPoint]:
    """An importable module of contract classes and a controllable entry-point list."""
    module = types.ModuleType("fake_agriledger_plugins")
    module.Good = Good  # type: ignore[attr-defined]
    module.OtherGood = type("OtherGood", (Good,), {})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    points: list[EntryPoint] = []

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        assert group == ENTRY_POINT_GROUP
        return points

    monkeypatch.setattr(registry_module, "entry_points", fake_entry_points)
    return points


def point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_discover_loads_and_checks_registered_contracts(fake_plugins: list[EntryPoint]) -> None:
    fake_plugins.append(point("good", "fake_agriledger_plugins:Good"))
    assert discover() == {"good": Good}


def test_two_contracts_registered_under_one_name_are_refused(
    fake_plugins: list[EntryPoint],
) -> None:
    fake_plugins += [
        point("good", "fake_agriledger_plugins:Good"),
        point("good", "fake_agriledger_plugins:OtherGood"),
    ]
    with pytest.raises(
        RegistrationError, match="two contracts are registered under the name 'good'"
    ):
        discover()


def test_an_entry_point_named_unlike_its_contract_is_refused(
    fake_plugins: list[EntryPoint],
) -> None:
    fake_plugins.append(point("great", "fake_agriledger_plugins:Good"))
    with pytest.raises(RegistrationError, match="registered as 'great' but named 'good'"):
        discover()


def test_an_entry_point_that_fails_to_import_is_refused(fake_plugins: list[EntryPoint]) -> None:
    fake_plugins.append(point("gone", "no_such_module_anywhere:Gone"))
    with pytest.raises(RegistrationError, match=r"entry point 'gone'.*failed to load"):
        discover()


def test_discover_by_name_skips_plugins_the_chain_does_not_enable(
    fake_plugins: list[EntryPoint],
) -> None:
    fake_plugins += [
        point("good", "fake_agriledger_plugins:Good"),
        point("broken", "no_such_module_anywhere:Gone"),
    ]
    assert discover(["good"]) == {"good": Good}


def test_the_builtins_are_registered_under_their_names() -> None:
    found = discover(["membership", "settlement", "registry"])
    assert {name: cls.name for name, cls in found.items()} == {
        "membership": "membership",
        "settlement": "settlement",
        "registry": "registry",
    }


# -- genesis --------------------------------------------------------------------------------


class LimitParams(Params):
    limit: int = 10


class Limited(Good):
    name = "limited"
    readers = ()
    Params = LimitParams


CLASSES: dict[str, type[Contract]] = {
    "good": Good,
    "limited": Limited,
    "settlement": SettlementContract,
}
ROSTER = Roster.generate(
    [OrgSpec("bank-a", "bank", (("officer", "loan_officer"),))],
    seed=0,
    not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
)


def genesis_with(*contracts: ContractConfig) -> Any:
    config = genesis_from_roster("c", "2026-03-01T00:00:00Z", ROSTER, list(contracts))
    return build_genesis(config, CLASSES)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            ContractConfig(name="nosuch", version="1"),
            "enables contract 'nosuch', which is not installed",
        ),
        (ContractConfig(name="good", version="1"), "good version '1', installed is '2'"),
        (
            ContractConfig(name="limited", version="2", params={"limit": "x"}),
            "limited.params.limit",
        ),
        (ContractConfig(name="limited", version="2", params={"limt": 3}), "limited.params.limt"),
        (
            ContractConfig(name="good", version="2", policies={"act2": {"role": "admin"}}),
            "unknown action good.act2",
        ),
        (
            ContractConfig(name="good", version="2", policies={"act": {"role": "pilot"}}),
            "role 'pilot'",
        ),
        (
            ContractConfig(
                name="good", version="2", policies={"act": {"role": "admin", "org_type": "guild"}}
            ),
            "unknown org type 'guild'",
        ),
        (
            ContractConfig(
                name="good", version="2", policies={"act": {"role": "admin", "org": "x"}}
            ),
            "unknown keys",
        ),
        (
            ContractConfig(name="settlement", version="1", policies={"issue": {"party": "owner"}}),
            "names parties \\['owner'\\]; the action resolves only none",
        ),
    ],
)
def test_bad_genesis_contract_entries_fail_at_start_up(entry: ContractConfig, message: str) -> None:
    with pytest.raises(RegistrationError, match=message):
        genesis_with(entry)


def test_genesis_enabling_a_contract_twice_fails() -> None:
    entry = ContractConfig(name="good", version="2")
    with pytest.raises(RegistrationError, match="enables contract 'good' twice"):
        genesis_with(entry, entry)


def test_genesis_params_reach_the_contract_instance() -> None:
    _block, runtime = genesis_with(ContractConfig(name="limited", version="2", params={"limit": 3}))
    assert runtime.contracts["limited"].params == LimitParams(limit=3)


def test_genesis_policy_override_replaces_the_declared_policy() -> None:
    override = {"any": [{"role": "risk_officer", "org_type": "bank"}, {"role": "admin"}]}
    _block, runtime = genesis_with(
        ContractConfig(name="good", version="2", policies={"act": override})
    )
    assert runtime.contracts["good"].policy_for("act") == AnyOf(
        (Role("bank", "risk_officer"), Role("*", "admin"))
    )


def test_genesis_refuses_an_org_whose_ca_names_another_org_or_type() -> None:
    config = genesis_from_roster("c", "2026-03-01T00:00:00Z", ROSTER, [])
    orgs = [config.organisations[0].model_copy(update={"type": "insurer"})]
    with pytest.raises(RegistrationError, match="the CA is for 'bank-a' \\(bank\\)"):
        build_genesis(config.model_copy(update={"organisations": orgs}), CLASSES)


def test_genesis_refuses_a_member_whose_role_its_org_type_lacks() -> None:
    roster = Roster.generate(
        [OrgSpec("bank-a", "bank", (("f", "farmer"),))],
        seed=0,
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    config = genesis_from_roster("c", "2026-03-01T00:00:00Z", roster, [])
    with pytest.raises(RegistrationError, match="role 'farmer' is not a role of a bank"):
        build_genesis(config, CLASSES)


def test_policies_built_in_code_are_checked_like_json_ones() -> None:
    with pytest.raises(RegistrationError, match="role 'pilot'"):
        check_contract_class(
            contract_with(policy=all_of(Role("bank", "admin"), Role("*", "pilot")))
        )
