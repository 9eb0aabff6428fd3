"""Applying approved governance changes at the block boundary.

The contract set a block runs with is a function of the state before it and of the
block's time: the genesis contracts with every change the governance contract scheduled
at a height up to the block's own (``governance/scheduled/<height>/<id>``) or at a time
up to the block's time (``governance/scheduled_at/<time>/<id>``), applied in the order
they came into force: by the height each was first in force at (for a timed change, the
first block after its approval whose time reached it, read from the stored headers),
then by key. Nothing is written at the boundary (every write on the chain is a tx's), so
``verify`` needs nothing new and a replay rebuilds the same runtime by calling
``configure`` before each block, as a peer does.

A peer that lacks the class of a contract version a change enables stops with
``ContractVersionMissing`` (naming contract, version and height) instead of executing
the block with the wrong code; restarted with that version installed it resumes.
Another version of a contract than the entry point's is installed by handing the peer
``classes`` with a ``"<name>@<version>"`` key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from contracts.base import Contract
from contracts.exceptions import RegistrationError
from contracts.genesis import GenesisConfig
from contracts.registry import discover, instantiate
from contracts.runtime import ContractRuntime
from ledger.interfaces import StateReader
from ledger.timefmt import parse_time

SCHEDULED_PREFIX = "governance/scheduled/"
SCHEDULED_AT_PREFIX = "governance/scheduled_at/"
BlockTime = Callable[[int], str]
"""The time of a stored block by height (a peer's or a replay's store)."""


class ContractVersionMissing(RegistrationError):
    """An approved change needs a contract version this peer does not have installed."""

    code = "CONTRACT_VERSION_MISSING"

    def __init__(self, contract: str, version: str, height: int, installed: str | None) -> None:
        self.contract = contract
        self.version = version
        self.height = height
        self.installed = installed
        super().__init__(
            f"{self.code}: block {height} runs {contract} version {version!r} (approved by "
            f"governance), which is not installed on this peer (installed: "
            f"{installed or 'none'}); install it and restart the peer"
        )


class GovernedChangeUnusable(RegistrationError):
    """An approved change cannot be applied by any peer (a contract bug or bad params)."""

    code = "GOVERNED_CHANGE_UNUSABLE"


def scheduled_changes(
    state: StateReader,
    height: int,
    time: str,
    in_force: Callable[[str, dict[str, Any]], int],
) -> list[tuple[str, dict[str, Any]]]:
    """The (key, change) of every approved change in force at the block ``height`` of
    ``time``, in the order they came into force; ``in_force(key, value)`` gives a timed
    change's first height."""
    found: list[tuple[int, str, dict[str, Any]]] = []
    for key, value in state.scan(SCHEDULED_PREFIX):
        at = int(key[len(SCHEDULED_PREFIX):].split("/", 1)[0])
        if at > height:
            break  # keys sort by height
        found.append((at, key, value))
    moment = parse_time(time)
    for key, value in state.scan(SCHEDULED_AT_PREFIX):
        if parse_time(key[len(SCHEDULED_AT_PREFIX):].split("/", 1)[0]) > moment:
            break  # keys sort by time (fixed width)
        found.append((in_force(key, value), key, value))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(key, value) for _at, key, value in found]


def contract_entries(
    config: GenesisConfig, changes: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The genesis contract entries with ``changes`` applied in order."""
    entries = {c.name: c.model_dump(mode="json") for c in config.contracts}
    for _key, scheduled in changes:
        change = scheduled["change"]
        kind = change["kind"]
        if kind == "set_params":
            entry = entries[change["contract"]]
            # A change approved before "merge" existed carries the whole params.
            entry["params"] = {**entry["params"], **change["params"]} if change.get(
                "merge") else change["params"]
        elif kind == "upgrade_contract":
            entries[change["contract"]]["version"] = change["version"]
        elif kind == "enable_contract":
            entries[change["contract"]] = {
                "name": change["contract"], "version": change["version"],
                "params": change["params"], "policies": {},
            }
    return list(entries.values())


def installed_class(
    classes: Mapping[str, type[Contract]], name: str, version: str
) -> type[Contract] | None:
    """The installed class of ``name`` at ``version``, or None."""
    cls = classes.get(f"{name}@{version}") or classes.get(name)
    return cls if cls is not None and cls.version == version else None


class Governor:
    """Keeps one runtime configured for the block being executed (a peer's or a replay's)."""

    def __init__(
        self,
        config: GenesisConfig,
        runtime: ContractRuntime,
        classes: Mapping[str, type[Contract]] | None,
        block_time: BlockTime,
    ) -> None:
        self.config = config
        self.runtime = runtime
        self._classes = classes
        self._block_time = block_time
        self._applied: tuple[str, ...] = ()
        self._in_force: dict[str, int] = {}
        """Timed change key -> the height it came into force at (blocks never change)."""
        self.enabled = any(c.name == "governance" for c in config.contracts)

    def configure(self, state: StateReader, height: int, time: str) -> None:
        """Make the runtime the one block ``height`` (of ``time``) runs with;
        ContractVersionMissing if a version it needs is not installed (the runtime is then
        left unchanged)."""
        if not self.enabled:
            return

        def in_force(key: str, value: dict[str, Any]) -> int:
            if key not in self._in_force:
                self._in_force[key] = self._first_height(key, value, height)
            return self._in_force[key]

        changes = scheduled_changes(state, height, time, in_force)
        applied = tuple(key for key, _ in changes)
        if applied == self._applied:
            return
        entries = contract_entries(self.config, changes)
        classes = self._classes if self._classes is not None else discover()
        resolved: dict[str, type[Contract]] = {}
        for entry in entries:
            cls = installed_class(classes, entry["name"], entry["version"])
            if cls is None:
                present = classes.get(entry["name"])
                raise ContractVersionMissing(
                    entry["name"], entry["version"], height,
                    None if present is None else present.version,
                )
            resolved[entry["name"]] = cls
        try:
            contracts = instantiate(resolved, entries, self.config.role_catalogue())
        except RegistrationError as exc:
            raise GovernedChangeUnusable(f"block {height}: {exc}") from None
        self.runtime.reconfigure(contracts)
        self._applied = applied

    def _first_height(self, key: str, value: dict[str, Any], height: int) -> int:
        """The first block after the approval whose time reached the change's time; the
        block being configured (``height``) if no stored one did."""
        due = parse_time(key[len(SCHEDULED_AT_PREFIX):].split("/", 1)[0])
        for at in range(int(value["approved_height"]) + 1, height):
            if parse_time(self._block_time(at)) >= due:
                return at
        return height
