"""The runtime's guarantees, exercised through a probe contract on a real in-memory chain:
rejected txs leave no writes, faults become CONTRACT_FAULT without breaking the block,
argument errors name the field, contexts stay in their namespace, and settlement's
``move`` only debits what a signer owns or the caller's own escrow."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from contracts import Args, Context, Contract, DomainError, InvalidState, Role, action, operation
from contracts.builtin.registry.operations import FILE_LIEN, FileLienArgs
from contracts.money import MOVE, MoveArgs
from contracts.operations import NoneType, Operation
from contracts.runtime import CONTRACT_FAULT
from contracts.testing import LedgerHarness, OrgSpec
from contracts.types import Fen, Id, PositiveFen

ANYONE = Role("*", "*")


class KeyArgs(Args):
    key: Id


class PayArgs(Args):
    source: str
    target: Id
    amount: Fen


class MoveLike(Args):
    source: str
    target: str
    amount: int
    memo: str = ""


class RawPayArgs(Args):
    source: str
    target: str
    amount: int


class Line(Args):
    item: Id
    amount: PositiveFen


class OrderArgs(Args):
    buyer: Id
    lines: list[Line]


class NoArgs(Args):
    pass


class ProbeContract(Contract):
    """Does one odd thing per action so the runtime's handling of it can be observed."""

    name = "probe"
    readers = ()
    version = "1"

    @action(KeyArgs, policy=ANYONE)
    def write(self, ctx: Context, args: KeyArgs) -> None:
        ctx.put(args.key, {"by": ctx.signer.member_id})
        ctx.emit("Written", key=args.key)

    @action(KeyArgs, policy=ANYONE)
    def write_then_reject(self, ctx: Context, args: KeyArgs) -> None:
        ctx.put(args.key, {"by": ctx.signer.member_id})
        ctx.transfer(ctx.signer.member_id, "gov", 1)
        raise InvalidState("changed my mind", key=args.key)

    @action(KeyArgs, policy=ANYONE)
    def write_then_crash(self, ctx: Context, args: KeyArgs) -> None:
        ctx.put(args.key, {"by": ctx.signer.member_id})
        raise KeyError(f"object at {id(self):#x}")  # a message that differs per process

    @action(NoArgs, policy=ANYONE)
    def emit_float(self, ctx: Context, args: NoArgs) -> None:
        ctx.emit("Rate", value=0.5)

    @action(NoArgs, policy=ANYONE)
    def put_huge(self, ctx: Context, args: NoArgs) -> None:
        ctx.put("huge", {"n": 2**60})

    @action(OrderArgs, policy=ANYONE)
    def order(self, ctx: Context, args: OrderArgs) -> None:
        ctx.put(f"order/{args.buyer}", {"lines": len(args.lines)})

    @action(PayArgs, policy=ANYONE)
    def pay(self, ctx: Context, args: PayArgs) -> None:
        ctx.transfer(args.source, args.target, args.amount)

    @action(PayArgs, policy=ANYONE)
    def pay_or_note(self, ctx: Context, args: PayArgs) -> None:
        """Try a payment that may fail, carry on either way: the failed move leaves nothing."""
        try:
            ctx.transfer(args.source, args.target, args.amount)
        except DomainError as exc:
            ctx.put("last_failure", {"code": exc.code})

    @action(RawPayArgs, policy=ANYONE)
    def pay_raw(self, ctx: Context, args: RawPayArgs) -> None:
        """Pass whatever the tx says to settlement's move (a buggy caller's operands)."""
        ctx.invoke(MOVE, MoveArgs(source=args.source, target=args.target, amount=args.amount))

    @action(KeyArgs, policy=ANYONE)
    def fund_pool(self, ctx: Context, args: KeyArgs) -> None:
        ctx.transfer(ctx.signer.member_id, ctx.escrow(args.key), 100)

    @action(NoArgs, policy=ANYONE)
    def call_own_operation(self, ctx: Context, args: NoArgs) -> None:
        ctx.invoke(TOUCH, NoArgs())

    @action(NoArgs, policy=ANYONE)
    def call_missing_operation(self, ctx: Context, args: NoArgs) -> None:
        ctx.invoke(Operation("settlement", "mint", NoArgs, NoneType), NoArgs())

    @action(NoArgs, policy=ANYONE)
    def call_with_a_stale_handle(self, ctx: Context, args: NoArgs) -> None:
        """A handle whose result model is not the one other.ping declares."""
        ctx.invoke(Operation("other", "ping", NoArgs, Count), NoArgs())

    @action(NoArgs, policy=ANYONE)
    def call_with_other_args(self, ctx: Context, args: NoArgs) -> None:
        """Arguments of a look-alike model (same fields) instead of the declared one."""
        look_alike = MoveLike(source=ctx.signer.member_id, target="gov", amount=1)
        ctx.invoke(MOVE, look_alike)  # type: ignore[misc]

    @action(NoArgs, policy=ANYONE)
    def call_with_a_wrong_result(self, ctx: Context, args: NoArgs) -> None:
        ctx.invoke(OTHER_COUNT, NoArgs())

    @action(NoArgs, policy=ANYONE)
    def call_disabled_contract(self, ctx: Context, args: NoArgs) -> None:
        ctx.invoke(FILE_LIEN, FileLienArgs(asset="lot:x:1", pledgee="bank-a", secures="L1"))

    @action(NoArgs, policy=ANYONE)
    def count_other(self, ctx: Context, args: NoArgs) -> None:
        ctx.put("count", {"n": ctx.invoke(OTHER_COUNT_TYPED, NoArgs()).n})

    @operation(NoArgs)
    def touch(self, ctx: Context, args: NoArgs) -> None:
        ctx.put("touched", {"by": ctx.caller})


class Count(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int


class OtherContract(Contract):
    """A second contract with an escrow of its own, to check escrows are per contract."""

    name = "other"
    readers = ()
    version = "1"

    @operation(NoArgs, result=Count)
    def count(self, ctx: Context, args: NoArgs) -> Count:
        return Count(n=7)

    @operation(NoArgs)
    def ping(self, ctx: Context, args: NoArgs) -> None:
        ctx.put("pinged", {"by": ctx.caller})

    @operation(NoArgs, result=Count, name="count_wrongly")
    def count_wrongly(self, ctx: Context, args: NoArgs) -> Any:
        return 7  # not the declared result model

    @action(NoArgs, policy=ANYONE)
    def fund_pool(self, ctx: Context, args: NoArgs) -> None:
        ctx.transfer(ctx.signer.member_id, ctx.escrow("pool"), 100)


TOUCH = Operation("probe", "touch", NoArgs, NoneType)
OTHER_COUNT_TYPED = Operation("other", "count", NoArgs, Count)
OTHER_COUNT = Operation("other", "count_wrongly", NoArgs, Count)

ORGS = [
    OrgSpec("gov", "government", (("pboc", "central_bank"), ("admin", "admin"))),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("f1", "farmer"), ("f2", "farmer"))),
]


@pytest.fixture
def chain() -> LedgerHarness:
    ledger = LedgerHarness(
        ORGS,
        ["membership", "settlement", "probe", "other"],
        classes={"probe": ProbeContract, "other": OtherContract},
    )
    for member in ("coop-a.f1", "coop-a.f2"):
        assert ledger.submit(
            "gov.pboc", "settlement", "issue", account=member, amount=1000
        ).committed
    ledger.submit("gov.pboc", "settlement", "issue", account="coop-a", amount=500)
    return ledger


def state_items(ledger: LedgerHarness) -> list[tuple[str, Any]]:
    return list(ledger.store.state.scan(""))


def test_a_committed_action_writes_its_namespace_and_emits_events(chain: LedgerHarness) -> None:
    result = chain.submit("coop-a.f1", "probe", "write", key="k1")
    assert result.committed
    assert chain.get("probe", "k1") == {"by": "coop-a.f1"}
    assert result.events == ({"contract": "probe", "type": "Written", "data": {"key": "k1"}},)


def test_a_domain_error_leaves_no_writes_and_is_recorded_rejected_with_its_code(
    chain: LedgerHarness,
) -> None:
    before = state_items(chain)
    result = chain.submit("coop-a.f1", "probe", "write_then_reject", key="k1")
    assert (result.committed, result.code, result.message) == (
        False,
        "INVALID_STATE",
        "changed my mind",
    )
    assert result.writes == ()
    assert result.events == ()
    assert state_items(chain) == before
    record = chain.store.tx(result.tx_id)
    assert record is not None
    assert record.result.code == "INVALID_STATE"


def test_a_non_domain_exception_becomes_contract_fault_and_the_block_goes_on(
    chain: LedgerHarness, caplog: pytest.LogCaptureFixture
) -> None:
    before = state_items(chain)
    crash = chain.envelope("coop-a.f1", "probe", "write_then_crash", {"key": "k1"})
    fine = chain.envelope("coop-a.f2", "probe", "write", {"key": "k2"})
    with caplog.at_level("ERROR", logger="contracts.runtime"):
        results = chain.submit_envelopes([crash, fine])
    assert results[0].code == CONTRACT_FAULT
    assert results[0].message == "KeyError in probe.write_then_crash"  # same on every peer
    assert "object at" in caplog.text  # the detail is logged, not recorded
    assert results[1].committed
    assert chain.get("probe", "k1") is None
    assert chain.get("probe", "k2") is not None
    assert state_items(chain) == sorted([*before, ("probe/k2", {"by": "coop-a.f2"})])


@pytest.mark.parametrize("action_name", ["emit_float", "put_huge"])
def test_values_the_ledger_cannot_encode_fault_the_tx_not_the_block(
    chain: LedgerHarness, action_name: str
) -> None:
    bad = chain.envelope("coop-a.f1", "probe", action_name, {})
    fine = chain.envelope("coop-a.f2", "probe", "write", {"key": "k2"})
    results = chain.submit_envelopes([bad, fine])
    assert [r.code for r in results] == [CONTRACT_FAULT, None]


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ({"source": "coop-a.f1", "target": "gov"}, "args.amount"),
        ({"source": "coop-a.f1", "target": "gov", "amount": -1}, "args.amount"),
        ({"source": "coop-a.f1", "target": "gov", "amount": "10"}, "args.amount"),
        ({"source": "coop-a.f1", "target": "", "amount": 1}, "args.target"),
        ({"source": "coop-a.f1", "target": "gov", "amount": 1, "tip": 2}, "args.tip"),
    ],
)
def test_invalid_arguments_name_the_field_path(
    chain: LedgerHarness, args: dict[str, Any], path: str
) -> None:
    result = chain.submit("coop-a.f1", "probe", "pay", **args)
    assert result.code == "INVALID_ARGUMENTS"
    assert result.message is not None
    assert result.message.startswith(f"{path}:")


def test_invalid_arguments_in_nested_models_name_the_index(chain: LedgerHarness) -> None:
    result = chain.submit(
        "coop-a.f1",
        "probe",
        "order",
        buyer="b1",
        lines=[{"item": "rice", "amount": 5}, {"item": "tea", "amount": 0}],
    )
    assert result.code == "INVALID_ARGUMENTS"
    assert result.message is not None
    assert "args.lines[1].amount" in result.message


def test_unknown_contract_and_unknown_action_are_rejected_with_their_codes(
    chain: LedgerHarness,
) -> None:
    assert chain.submit("coop-a.f1", "nosuch", "write", key="k").code == "UNKNOWN_CONTRACT"
    assert chain.submit("coop-a.f1", "probe", "nosuch", key="k").code == "UNKNOWN_ACTION"
    # an operation is not an action: txs cannot call it
    assert chain.submit("coop-a.f1", "settlement", "move").code == "UNKNOWN_ACTION"


def test_invoking_a_contract_that_is_not_enabled_is_unknown_contract(chain: LedgerHarness) -> None:
    assert chain.submit("coop-a.f1", "probe", "call_disabled_contract").code == "UNKNOWN_CONTRACT"


@pytest.mark.parametrize(
    "action_name",
    ["call_own_operation", "call_missing_operation", "call_with_a_stale_handle",
     "call_with_other_args", "call_with_a_wrong_result"],
)
def test_misusing_invoke_is_a_contract_fault(chain: LedgerHarness, action_name: str) -> None:
    balance = chain.balance("coop-a.f1")
    result = chain.submit("coop-a.f1", "probe", action_name)
    assert (result.code, result.writes) == (CONTRACT_FAULT, ())
    assert chain.balance("coop-a.f1") == balance


def test_an_operation_returns_its_declared_result_model(chain: LedgerHarness) -> None:
    result = chain.submit("coop-a.f1", "probe", "count_other")
    assert result.committed
    assert dict(result.writes) == {"probe/count": {"n": 7}}


def test_a_context_writes_only_its_own_namespace(chain: LedgerHarness) -> None:
    result = chain.submit("coop-a.f1", "probe", "write", key="account/coop-a.f1")
    assert result.committed
    assert [key for key, _ in result.writes] == ["probe/account/coop-a.f1"]
    assert chain.balance("coop-a.f1") == 1000


def test_operations_run_in_the_target_contracts_namespace(chain: LedgerHarness) -> None:
    result = chain.submit("coop-a.f1", "probe", "pay", source="coop-a.f1", target="gov", amount=10)
    assert result.committed
    assert {key for key, _ in result.writes} == {
        "settlement/account/coop-a.f1",
        "settlement/account/gov",
    }
    assert result.events[0]["contract"] == "settlement"


def test_a_failed_operation_that_the_caller_catches_leaves_none_of_its_writes(
    chain: LedgerHarness,
) -> None:
    result = chain.submit(
        "coop-a.f1",
        "probe",
        "pay_or_note",
        source="coop-a.f1",
        target="gov",
        amount=10**6,
    )
    assert result.committed
    assert dict(result.writes) == {"probe/last_failure": {"code": "INSUFFICIENT_FUNDS"}}
    assert result.events == ()
    assert chain.balance("coop-a.f1") == 1000


@pytest.mark.parametrize(
    ("signer", "source", "code"),
    [
        ("coop-a.f1", "coop-a.f1", None),  # the signer's own account
        ("coop-a.f1", "coop-a", "UNAUTHORIZED"),  # its org's treasury: a farmer is no treasurer
        ("coop-a.f1", "coop-a.f2", "UNAUTHORIZED"),  # someone else's account
        ("coop-a.f1", "gov", "UNAUTHORIZED"),  # another org's treasury
        ("coop-a.f1", "escrow:probe:pool", None),  # the calling contract's escrow
        ("coop-a.f1", "escrow:other:pool", "UNAUTHORIZED"),  # another contract's escrow
        ("coop-a.f1", "escrow:probe", "UNAUTHORIZED"),  # not an escrow id of probe at all
        ("gov.pboc", "coop-a.f1", "UNAUTHORIZED"),  # even the central bank
    ],
)
def test_settlement_move_debits_only_a_signers_account_or_the_callers_escrow(
    chain: LedgerHarness, signer: str, source: str, code: str | None
) -> None:
    assert chain.submit("coop-a.f2", "probe", "fund_pool", key="pool").committed
    assert chain.submit("coop-a.f2", "other", "fund_pool").committed
    balances = {a: chain.balance(a) for a in (source, "coop-a.f2", "gov")}
    result = chain.submit(signer, "probe", "pay", source=source, target="coop-a.f2", amount=7)
    assert result.code == code
    if code is None:
        assert chain.balance(source) == balances[source] - 7
        assert chain.balance("coop-a.f2") == balances["coop-a.f2"] + 7
    else:
        assert {a: chain.balance(a) for a in balances} == balances
    chain.check_invariants()


@pytest.mark.parametrize(
    ("target", "amount", "code"),
    [("gov", -5, "INVALID_AMOUNT"), ("gov", 0, "INVALID_AMOUNT"), ("", 5, "INVALID_ACCOUNT")],
)
def test_settlement_refuses_bad_operands_with_its_own_codes(
    chain: LedgerHarness, target: str, amount: int, code: str
) -> None:
    """The move's argument model refuses them where they are built: settlement's codes."""
    result = chain.submit(
        "coop-a.f1", "probe", "pay_raw", source="coop-a.f1", target=target, amount=amount
    )
    assert (result.code, result.writes) == (code, ())
    assert chain.balance("coop-a.f1") == 1000


@pytest.mark.parametrize(("amount", "code"), [(0, None), (1001, "INSUFFICIENT_FUNDS")])
def test_transfer_of_zero_is_a_no_op_and_overdraft_is_refused(
    chain: LedgerHarness, amount: int, code: str | None
) -> None:
    result = chain.submit(
        "coop-a.f1", "probe", "pay", source="coop-a.f1", target="gov", amount=amount
    )
    assert result.code == code
    assert result.writes == ()
    assert chain.balance("coop-a.f1") == 1000
