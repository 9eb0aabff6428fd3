"""Need to know: what one member may read of a peer's state, views, txs, blocks and events.

Every read route (and any other reader: the console, the scenario agents, the report)
asks this module, so the rules live in one place:

- a stored value is readable by the members of the organisations its contract's
  ``readers`` declaration names (``contracts.readers``), by every member if the
  declaration is public, and by the supervisors named in genesis (who read
  everything). An unreadable value reads as absent: a state read is a 404 like a
  missing key, a view sees a state without it (so a view answers only from readable
  rows, and "not found" for a record the member may not read);
- a tx is readable by its signers' organisations, the supervisors, and the parties
  of every non-public value it wrote (a public write, such as a lien in the registry,
  widens nothing: the registry entry is readable through state anyway). Readers of a
  written value are taken from the value written and, for a ``via`` link, the related
  record at the head;
- a block's header, hash, tx ids and result codes are visible to every member; the
  envelope (body, args, signatures), the result's message, writes and events only to
  the tx's readers. The event stream follows the same rule per tx.

The filter runs on read, never while a block commits. Each peer's operator still holds
the full chain file (``chain.db``): need to know limits what members read through the
API, not what an organisation that runs a peer stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from contracts.base import Contract
from contracts.genesis import GenesisConfig
from contracts.readers import ReaderTable, org_of
from contracts.runtime import ContractRuntime
from ledger.block import Block, TxResult
from ledger.identity import MEMBERSHIP_NAMESPACE
from ledger.interfaces import BlockContext, ChainStoreAPI, StateReader
from ledger.tx import Envelope


@dataclass(frozen=True)
class Viewer:
    """The member reading, as the chain knows it."""

    member: str
    org: str
    org_type: str
    role: str
    supervisor: bool


class FilteredState:
    """A ``StateReader`` that shows one viewer only the values it may read."""

    def __init__(self, visibility: Visibility, viewer: Viewer, state: StateReader) -> None:
        self._visibility = visibility
        self._viewer = viewer
        self._state = state

    def get(self, key: str) -> Any | None:
        value = self._state.get(key)
        if value is None or self._visibility.may_read(self._viewer, key, value, self._state):
            return value
        return None

    def peek(self, key: str) -> Any | None:
        """As ``get``: a filtered read hands out only what the viewer may read."""
        return self.get(key)

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        for key, value in self._state.scan(prefix):
            if self._visibility.may_read(self._viewer, key, value, self._state):
                yield key, value


class Visibility:
    """The read rules of one chain: its contracts' declarations and its supervisors."""

    def __init__(self, contracts: Mapping[str, Contract], config: GenesisConfig) -> None:
        self.table = ReaderTable({name: c.readers or () for name, c in contracts.items()})
        self.config = config

    @classmethod
    def of(cls, runtime: ContractRuntime, config: GenesisConfig) -> Visibility:
        return cls(runtime.contracts, config)

    # -- who is reading ------------------------------------------------------------------

    def viewer(self, member_id: str, state: StateReader) -> Viewer | None:
        """The member's org, org type and role from the membership registry; None if the
        member is not enrolled."""
        record = state.get(f"{MEMBERSHIP_NAMESPACE}/member/{member_id}")
        if not isinstance(record, Mapping):
            return None
        org = str(record.get("org", ""))
        role = str(record.get("role", ""))
        org_record = state.get(f"{MEMBERSHIP_NAMESPACE}/org/{org}")
        org_type = str(org_record.get("type", "")) if isinstance(org_record, Mapping) else ""
        return Viewer(member_id, org, org_type, role, self.config.is_supervisor(org_type, role))

    # -- state ---------------------------------------------------------------------------

    def may_read(self, viewer: Viewer, full_key: str, value: Any, state: StateReader) -> bool:
        """True if ``viewer`` may read ``value`` stored at ``full_key``."""
        if viewer.supervisor:
            return True
        readers = self.table.readers_of(full_key, value, state.get)
        return readers.allows(viewer.org, viewer.org_type, viewer.role)

    def state(self, viewer: Viewer, state: StateReader) -> StateReader:
        """``state`` as ``viewer`` sees it."""
        return state if viewer.supervisor else FilteredState(self, viewer, state)

    def get(self, viewer: Viewer, store: ChainStoreAPI, contract: str, key: str) -> Any | None:
        """The value at ``contract/key`` if ``viewer`` may read it, else None (as absent)."""
        return self.state(viewer, store.state).get(f"{contract}/{key}")

    def view(
        self,
        viewer: Viewer,
        store: ChainStoreAPI,
        runtime: ContractRuntime,
        contract: str,
        view_name: str,
        params: Mapping[str, Any],
    ) -> Any:
        """Call a view on the head state as ``viewer`` sees it."""
        head = store.head()
        assert head is not None
        block = BlockContext(self.config.chain_id, head.height, head.time)
        return runtime.call_view(
            contract, view_name, params, self.state(viewer, store.state), block
        )

    # -- transactions, blocks, events ----------------------------------------------------

    def may_read_tx(
        self, viewer: Viewer, envelope: Envelope, result: TxResult | None, state: StateReader
    ) -> bool:
        """True if ``viewer`` may read the tx's body, args, message, writes and events."""
        if viewer.supervisor:
            return True
        if any(org_of(signer) == viewer.org for signer in envelope.signers):
            return True
        if result is None:
            return False
        for key, value in result.writes:
            readers = self.table.readers_of(key, value, state.get)
            if not readers.public and readers.allows(viewer.org, viewer.org_type, viewer.role):
                return True
        return False

    def block_json(self, viewer: Viewer, block: Block, state: StateReader) -> dict[str, Any]:
        """A block as ``viewer`` may see it: every tx id and result code; the envelope,
        message, writes and events of the txs it may read."""
        txs: list[dict[str, Any]] = []
        for envelope, result in zip(block.envelopes, block.results, strict=True):
            if self.may_read_tx(viewer, envelope, result, state):
                txs.append({"envelope": envelope.to_json(), "result": result.to_json()})
            else:
                txs.append({"envelope": None, "result": redacted_result(result)})
        return {
            "hash": block.hash,
            "header": block.header.to_json(),
            "txs": txs,
            "genesis": None if block.genesis is None else dict(block.genesis),
        }

    def readable_txs(self, viewer: Viewer, block: Block, state: StateReader) -> list[bool]:
        """Per tx of ``block``: may ``viewer`` read it."""
        return [
            self.may_read_tx(viewer, envelope, result, state)
            for envelope, result in zip(block.envelopes, block.results, strict=True)
        ]


def redacted_result(result: TxResult) -> dict[str, Any]:
    """What every member sees of a tx it may not read: id, status and result code."""
    return {"tx_id": result.tx_id, "status": result.status.value, "code": result.code}


class ReadablePeer(Protocol):
    """What ``MemberReads`` needs of a peer (``nodes.peer.Peer``)."""

    runtime: ContractRuntime
    config: GenesisConfig

    def read_store(self, read: Callable[[ChainStoreAPI], Any]) -> Any: ...


class MemberReads:
    """One member's reads of one peer, need to know applied: what a member's system gets
    through the HTTP API, for in-process readers (scenario agents, the scenario report)."""

    def __init__(self, peer: ReadablePeer, member: str) -> None:
        self.peer = peer
        self.member = member
        self.rules = Visibility.of(peer.runtime, peer.config)
        self._viewer: Viewer | None = None

    def viewer(self, store: ChainStoreAPI) -> Viewer:
        if self._viewer is None:
            found = self.rules.viewer(self.member, store.state)
            if found is None:
                raise LookupError(f"{self.member} is not an enrolled member")
            self._viewer = found
        return self._viewer

    def state_get(self, contract: str, key: str) -> Any | None:
        def read(store: ChainStoreAPI) -> Any | None:
            return self.rules.get(self.viewer(store), store, contract, key)

        return self.peer.read_store(read)

    def view(self, contract: str, view_name: str, params: Mapping[str, Any]) -> Any:
        def read(store: ChainStoreAPI) -> Any:
            return self.rules.view(
                self.viewer(store), store, self.peer.runtime, contract, view_name, params
            )

        return self.peer.read_store(read)

    def readable_txs(self, block: Block) -> list[bool]:
        def read(store: ChainStoreAPI) -> list[bool]:
            return self.rules.readable_txs(self.viewer(store), block, store.state)

        result: list[bool] = self.peer.read_store(read)
        return result


def supervisor_member(config: GenesisConfig, members: Iterable[tuple[str, str, str]]) -> str | None:
    """The first of ``members`` (member id, org type, role) that genesis names a supervisor."""
    return next(
        (m for m, org_type, role in sorted(members) if config.is_supervisor(org_type, role)), None
    )
