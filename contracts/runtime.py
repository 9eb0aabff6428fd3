"""The contract runtime: the ledger's executor, dispatching each tx by table.

It refuses a tx signed by a node key (role ``peer``: node keys sign block headers,
never txs; checked here as well as at the gate, since a byzantine peer can skip its
own gate), validates args against the action's model, resolves the parties the
policy names, checks the policy against the signers, and runs the handler. A DomainError
becomes a rejected result with its code; any other exception is a contract bug,
recorded as CONTRACT_FAULT so every peer still agrees on the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from contracts.base import Contract
from contracts.context import Context, ReadContext
from contracts.exceptions import (
    ContractError,
    DomainError,
    InvalidArguments,
    NodeKeyRefused,
    Unauthorized,
    UnknownAction,
    UnknownContract,
)
from contracts.operations import Operation
from contracts.policy import Principal
from contracts.roles import NODE_ROLE
from ledger.exceptions import FieldError
from ledger.interfaces import BlockContext, ExecutionOutcome, StateReader, StateWriter
from ledger.state import Overlay
from ledger.tx import Envelope, SignerInfo

log = logging.getLogger(__name__)

CONTRACT_FAULT = "CONTRACT_FAULT"

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R")


def validation_errors(exc: ValidationError, root: str) -> list[FieldError]:
    """Pydantic errors as [{"path": "args.principal", "rule": "..."}]."""
    errors: list[FieldError] = []
    for error in exc.errors():
        path = root + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
        )
        errors.append({"path": path, "rule": error["msg"]})
    return errors


def parse_model(model: type[BaseModel], data: Mapping[str, Any], root: str) -> BaseModel:
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        errors = validation_errors(exc, root)
        summary = "; ".join(f"{e['path']}: {e['rule']}" for e in errors)
        raise InvalidArguments(summary, errors) from None


def refuse_node_keys(signers: tuple[SignerInfo, ...]) -> None:
    """Raise NodeKeyRefused if any signer or co-signer holds the node role."""
    for signer in signers:
        if signer.role == NODE_ROLE:
            raise NodeKeyRefused(
                f"{signer.member_id} is a node key (role {NODE_ROLE!r}): node keys sign "
                "block headers only, never transactions",
                member=signer.member_id,
            )


def fault_message(exc: BaseException, contract: str, action: str) -> str:
    """The recorded message of a CONTRACT_FAULT: the exception type and where, no more.

    The message goes into the block's results root, so it must be the same on every
    peer; ``str(exc)`` is not (object addresses, wording that changes between Python
    versions), so it is only logged.
    """
    return f"{type(exc).__name__} in {contract}.{action}"


class ContractRuntime:
    """Executes txs against a fixed set of enabled contracts (implements ExecutorAPI)."""

    def __init__(self, contracts: Mapping[str, Contract]) -> None:
        self.reconfigure(contracts)

    def reconfigure(self, contracts: Mapping[str, Contract]) -> None:
        """Run with ``contracts`` from now on (governance changes them between blocks,
        ``contracts.governed``; the gate and block builder share this runtime)."""
        self.contracts = dict(contracts)
        self.freezers = tuple(c.name for c in self.contracts.values() if c.freezes_assets)
        """The enabled contracts that can freeze assets (``Contract.freezes_assets``)."""

    def execute(
        self,
        envelope: Envelope,
        signers: tuple[SignerInfo, ...],
        state: StateWriter,
        block: BlockContext,
    ) -> ExecutionOutcome:
        events: list[Mapping[str, Any]] = []
        try:
            refuse_node_keys(signers)
            contract = self._contract(envelope.contract)
            spec = contract.actions.get(envelope.action)
            if spec is None:
                raise UnknownAction(
                    f"contract {contract.name!r} has no action {envelope.action!r}",
                    contract=contract.name, action=envelope.action,
                )
            args = parse_model(spec.model, envelope.args, "args")
            principals = tuple(
                Principal(s.member_id, s.org, s.org_type, s.role) for s in signers
            )
            ctx = Context(
                self, contract, state, block, tx_id=envelope.tx_id, signers=principals,
                events=events,
            )
            parties = spec.parties(contract, ctx, args) if spec.parties else {}
            policy = contract.policy_for(spec.name)
            if not policy.satisfied(principals, parties):
                raise Unauthorized(
                    f"{contract.name}.{spec.name} requires {policy.describe()}",
                    contract=contract.name, action=spec.name,
                )
            spec.handler(contract, ctx, args)
        except DomainError as exc:
            return ExecutionOutcome(ok=False, code=exc.code, message=exc.message)
        except Exception as exc:  # a bug in a contract must not split the network
            log.exception("contract fault in %s.%s", envelope.contract, envelope.action)
            return ExecutionOutcome(
                ok=False, code=CONTRACT_FAULT,
                message=fault_message(exc, envelope.contract, envelope.action),
            )
        return ExecutionOutcome(ok=True, events=tuple(events))

    def check_roles(
        self, envelope: Envelope, signers: tuple[SignerInfo, ...], state: StateReader
    ) -> None:
        """Raise Unauthorized if no resolution of the action's parties could let these
        signers act (their org types and roles are wrong whatever the state becomes)."""
        contract = self._contract(envelope.contract)
        spec = contract.actions.get(envelope.action)
        if spec is None:
            raise UnknownAction(f"contract {contract.name!r} has no action {envelope.action!r}")
        principals = tuple(
            Principal(s.member_id, s.org, s.org_type, s.role) for s in signers
        )
        policy = contract.policy_for(spec.name)
        if not policy.roles_allow(principals):
            raise Unauthorized(
                f"{contract.name}.{spec.name} requires {policy.describe()}",
                contract=contract.name, action=spec.name,
            )

    def _contract(self, name: str) -> Contract:
        contract = self.contracts.get(name)
        if contract is None:
            raise UnknownContract(f"contract {name!r} is not enabled on this chain", contract=name)
        return contract

    def call_view(
        self,
        contract_name: str,
        view_name: str,
        params: Mapping[str, Any],
        state: StateReader,
        block: BlockContext,
    ) -> Any:
        contract = self._contract(contract_name)
        spec = contract.views.get(view_name)
        if spec is None:
            raise UnknownAction(f"contract {contract_name!r} has no view {view_name!r}")
        query = parse_model(spec.model, params, "params")
        return spec.handler(contract, ReadContext(self, contract, state, block), query)

    def call_operation(self, caller: Context, op: Operation[A, R], args: A) -> R:
        """Run ``op`` with ``args`` atomically: if it raises, none of its writes or events
        remain, even when the caller catches the error and carries on."""
        contract = self._contract(op.contract)
        spec = contract.operations.get(op.name)
        if spec is None:
            raise ContractError(f"contract {op.contract!r} has no operation {op.name!r}")
        if spec.model is not op.args or spec.result is not op.result:
            raise ContractError(
                f"{op.contract}.{op.name} takes {spec.model.__name__} and returns "
                f"{spec.result.__name__}; the caller's handle says {op.args.__name__} and "
                f"{op.result.__name__}"
            )
        if type(args) is not spec.model:
            raise ContractError(
                f"{op.contract}.{op.name} takes {spec.model.__name__}, "
                f"not {type(args).__name__}"
            )
        savepoint = Overlay(caller.state_writer)
        events: list[Mapping[str, Any]] = []
        result = spec.handler(contract, caller.child(contract, state=savepoint, events=events),
                              args)
        if not isinstance(result, spec.result):
            raise ContractError(
                f"{op.contract}.{op.name} returned {type(result).__name__}, "
                f"not {spec.result.__name__}"
            )
        caller.absorb(savepoint, events)
        return result

    def check_invariants(self, state: StateReader, block: BlockContext) -> list[str]:
        """Every declared invariant of every enabled contract; one line per violation."""
        violations: list[str] = []
        for contract in self.contracts.values():
            ctx = ReadContext(self, contract, state, block)
            for spec in contract.invariants.values():
                for message in spec.check(contract, ctx):
                    violations.append(
                        f"{contract.name} {spec.code} ({spec.description}): {message}"
                    )
        return violations
