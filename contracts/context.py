"""Execution contexts: a contract's only way to touch state, other contracts, events and money.

``ReadContext`` reads the contract's own namespace, calls other contracts' views,
and knows the block time. ``Context`` adds writes, events, operations of other
contracts (``invoke`` with a typed handle; ``transfer`` through the money interface,
``contracts.money``) and the tx's signers. The framework names no contract: asset
freezes are asked of the contracts that declare ``freezes_assets``.
Nothing here reaches a clock, the network, the file system or randomness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from contracts.exceptions import AssetFrozen, ContractError
from contracts.money import MOVE, MoveArgs
from contracts.operations import Operation
from contracts.policy import Principal
from contracts.records import Record
from ledger.encoding import check as check_json
from ledger.interfaces import BlockContext, StateReader, StateWriter
from ledger.state import Overlay
from ledger.timefmt import parse_time

if TYPE_CHECKING:
    from contracts.base import Contract
    from contracts.runtime import ContractRuntime

R = TypeVar("R", bound=Record)
A = TypeVar("A", bound=BaseModel)
T = TypeVar("T")


class ReadContext:
    """Read-only access for views, invariants and party resolution."""

    def __init__(
        self,
        runtime: ContractRuntime,
        contract: Contract,
        state: StateReader,
        block: BlockContext,
    ) -> None:
        self._runtime = runtime
        self._contract = contract
        self._state = state
        self.block = block
        self._prefix = f"{contract.name}/"

    @property
    def contract_name(self) -> str:
        return self._contract.name

    @property
    def params(self) -> Any:
        return self._contract.params

    @property
    def time(self) -> str:
        """Block time (RFC 3339 UTC) as stamped by the orderer's cut."""
        return self.block.time

    @property
    def now(self) -> dt.datetime:
        return parse_time(self.block.time)

    @property
    def height(self) -> int:
        return self.block.height

    def get(self, key: str) -> Any | None:
        return self._state.get(self._prefix + key)

    def load(self, model: type[R], key: str) -> R | None:
        """The record of type ``model`` stored at ``key``, or None.

        A plain record (see ``contracts.records``) is validated straight from the
        stored value, since validation builds its own containers; others from a copy.
        """
        full = self._prefix + key
        value = self._state.peek(full) if model.plain_fields else self._state.get(full)
        return None if value is None else model.model_validate(value)

    def require(
        self, model: type[R], key: str, missing: Callable[[str], Exception], ident: str
    ) -> R:
        """``load``, raising ``missing(ident)`` (a contract's not-found error) when
        nothing is stored at ``key``."""
        record = self.load(model, key)
        if record is None:
            raise missing(ident)
        return record

    def scan(self, prefix: str = "") -> Iterator[tuple[str, Any]]:
        """(key without namespace, value) pairs under ``prefix`` in key order."""
        cut = len(self._prefix)
        for key, value in self._state.scan(self._prefix + prefix):
            yield key[cut:], value

    def view(self, contract: str, view_name: str, **params: Any) -> Any:
        """Call another contract's read-only view on the state as this tx sees it."""
        return self._runtime.call_view(contract, view_name, params, self._state, self.block)

    def has_contract(self, contract: str) -> bool:
        return contract in self._runtime.contracts

    def contract_params(self, contract: str) -> Any | None:
        """The params an enabled contract runs with (None if not enabled): governance
        checks a proposed change against them."""
        enabled = self._runtime.contracts.get(contract)
        return None if enabled is None else enabled.params

    def is_frozen(self, asset: str) -> bool:
        """True if an enabled contract that freezes assets (``Contract.freezes_assets``,
        e.g. a dispute desk) holds ``asset`` frozen; False when none is enabled."""
        return any(
            bool(self.view(name, "is_frozen", asset=asset)) for name in self._runtime.freezers
        )

    def require_not_frozen(self, asset: str) -> None:
        if self.is_frozen(asset):
            raise AssetFrozen(f"{asset} is frozen by an open dispute", asset=asset)


class Context(ReadContext):
    """Everything an action or operation may do within one tx."""

    def __init__(
        self,
        runtime: ContractRuntime,
        contract: Contract,
        state: StateWriter,
        block: BlockContext,
        *,
        tx_id: str,
        signers: tuple[Principal, ...],
        events: list[Mapping[str, Any]],
        caller: str | None = None,
        tx_contract: str | None = None,
    ) -> None:
        super().__init__(runtime, contract, state, block)
        self._writer = state
        self.tx_id = tx_id
        self.signers = signers
        self._events = events
        self.caller = caller
        self.tx_contract = tx_contract or contract.name
        """The contract whose action the tx's signers signed (operations it reaches
        run on its behalf: settlement grants operational roles per this contract)."""

    @property
    def signer(self) -> Principal:
        """The tx's signer (first signature)."""
        return self.signers[0]

    def signed_by(self, party: str) -> bool:
        """True if some signer is ``party`` (a member id) or belongs to it (an org id)."""
        return any(s.member_id == party or s.org == party for s in self.signers)

    @property
    def state_writer(self) -> StateWriter:
        """The writer this context puts into (the tx's overlay); for the runtime's savepoints."""
        return self._writer

    def put(self, key: str, value: Any) -> None:
        """Write ``value`` at ``key``; the ledger's overlay refuses values that are not
        canonical JSON (floats, integers beyond +/-(2^53-1)), which faults the tx."""
        self._writer.put(self._prefix + key, value)

    def save(self, key: str, record: Record) -> None:
        """Write ``record`` at ``key``. A plain record's dump is handed to the overlay
        as it is (fresh containers, no floats); others are copied and checked like
        any ``put``."""
        if record.plain_fields:
            self._writer.put_owned(self._prefix + key, record.to_state())
        else:
            self._writer.put(self._prefix + key, record.to_state())

    def delete(self, key: str) -> None:
        self._writer.delete(self._prefix + key)

    def emit(self, event_type: str, **data: Any) -> None:
        """Record an event; its data must be canonical JSON (it is hashed into the block)."""
        check_json(data, f"event {self._contract.name}.{event_type}")
        self._events.append({"contract": self._contract.name, "type": event_type, "data": data})

    def invoke(self, op: Operation[A, T], args: A) -> T:
        """Run another contract's operation ``op`` with ``args`` in that contract's
        namespace, within this tx; its declared result comes back."""
        return self._runtime.call_operation(self, op, args)

    def transfer(self, source: str, target: str, amount: int, memo: str = "") -> None:
        """Move ``amount`` fen between settlement accounts.

        The settlement contract allows it only from an account the signers may debit
        through this tx's contract, or from an escrow account of the calling contract.
        """
        if amount == 0:
            return
        self.invoke(MOVE, MoveArgs(source=source, target=target, amount=amount, memo=memo))

    def escrow(self, name: str) -> str:
        """The id of this contract's escrow account ``name`` (debitable only by this contract)."""
        return f"escrow:{self._contract.name}:{name}"

    def child(
        self,
        contract: Contract,
        *,
        state: StateWriter | None = None,
        events: list[Mapping[str, Any]] | None = None,
    ) -> Context:
        """A context for ``contract``'s operation called from this one: same tx and
        signers, the target's own namespace, and this contract as ``caller``."""
        if contract is self._contract:
            raise ContractError(f"{contract.name} cannot invoke its own operations via invoke()")
        return Context(
            self._runtime, contract, self._writer if state is None else state, self.block,
            tx_id=self.tx_id, signers=self.signers,
            events=self._events if events is None else events, caller=self._contract.name,
            tx_contract=self.tx_contract,
        )

    def absorb(self, savepoint: Overlay, events: Sequence[Mapping[str, Any]]) -> None:
        """Keep the writes and events of an operation that completed (see call_operation)."""
        if isinstance(self._writer, Overlay):
            savepoint.commit_into(self._writer)
        else:
            for key, value in savepoint.writes():
                if value is None:
                    self._writer.delete(key)
                else:
                    self._writer.put(key, value)
        self._events.extend(events)
