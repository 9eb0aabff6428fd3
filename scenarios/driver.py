"""The engine's view of a simulated network: sign and submit as a client, read outcomes back.

Clients submit to their own organisation's peer and fail over to the next up
peer (in a fixed order) when it is down, as a real client with several
endpoints would. Outcomes are read from an honest peer that is up.
"""

from __future__ import annotations

import itertools
import random

from pydantic import BaseModel, ValidationError

from contracts.registry import discover
from ledger.private import SALT_BYTES, PrivateDataRefused, PrivateField, seal_args
from ledger.timefmt import format_time, parse_time
from ledger.tx import make_body, sign_envelope
from nodes.exceptions import GateRejected, NodeDown
from nodes.peer import Peer
from nodes.sim.simulation import Simulation
from scenarios.engine import Outcome, Tx
from scenarios.world import World

MS_PER_DAY = 86_400_000


class AgentArgsError(ValueError):
    """An agent built a tx whose arguments its action's model refuses (a renamed or
    mistyped argument): the run stops here rather than the story ending quietly."""


class SimDriver:
    def __init__(self, world: World, sim: Simulation) -> None:
        self._models: dict[tuple[str, str], type[BaseModel]] = {
            (name, action): spec.model
            for name, cls in discover(c.name for c in world.network.config.contracts).items()
            for action, spec in cls.actions.items()
        }
        self.world = world
        self.sim = sim
        self._nonce = itertools.count(1)
        self._start = parse_time(world.scenario.start)
        self.chain_id = world.network.config.chain_id

    def now_ms(self) -> int:
        return self.sim.loop.now

    def now_day(self) -> float:
        return self.sim.loop.now / MS_PER_DAY

    def now_text(self) -> str:
        import datetime as dt

        return format_time(self._start + dt.timedelta(milliseconds=self.sim.loop.now))

    def _targets(self, actor: str) -> list[str]:
        org = actor.split(".", 1)[0]
        own = self.world.peer_of(org)
        peers = self.sim.peer_ids
        return ([own] if own in peers else []) + [p for p in peers if p != own]

    def submit(self, tx: Tx) -> str | Outcome:
        nonce = next(self._nonce)
        args = tx.arguments()
        sealed: list[PrivateField] = []
        if tx.private:  # synthetic data: salts from the scenario's seed, so runs repeat
            salts = random.Random(f"{self.world.scenario.seed}/salts/{nonce}")
            args, sealed = seal_args(args, salts=lambda: salts.randbytes(SALT_BYTES))
        if not tx.scripted:
            self._check(tx, args)
        body = make_body(
            chain_id=self.chain_id,
            contract=tx.contract,
            action=tx.action,
            args=args,
            signer=tx.actor,
            nonce=nonce,
            created_at=self.now_text(),
        )
        co = [(m, self.world.key(m)) for m in tx.co_signers]
        envelope = sign_envelope(body, self.world.key(tx.actor), co)
        for peer_id in self._targets(tx.actor):
            try:
                node = self.sim.nodes[peer_id]
                if sealed:
                    node.submit_private(envelope, sealed)
                else:
                    node.submit([envelope])
            except NodeDown:
                continue
            except GateRejected as exc:
                return Outcome(envelope.tx_id, False, exc.code, exc.message, (), self.now_day())
            except PrivateDataRefused as exc:
                return Outcome(envelope.tx_id, False, exc.code, str(exc), (), self.now_day())
            return envelope.tx_id
        return Outcome(
            envelope.tx_id, False, "NO_PEER_REACHABLE", "every peer is down", (), self.now_day()
        )

    def _check(self, tx: Tx, args: dict[str, object]) -> None:
        """An agent's args must be what its action's model admits (a mapping built by hand,
        e.g. a private tx's sealed args, is checked here; a model was checked when built)."""
        model = self._models.get((tx.contract, tx.action))
        if model is None:
            raise AgentArgsError(f"{tx.contract}.{tx.action}: no such enabled action")
        if isinstance(tx.args, BaseModel) and not tx.private:
            return
        try:
            model.model_validate(args)
        except ValidationError as exc:
            raise AgentArgsError(f"{tx.contract}.{tx.action} by {tx.actor}: {exc}") from exc

    def reference_peer(self) -> Peer | None:
        for peer_id in self.sim.peer_ids:
            node = self.sim.nodes[peer_id]
            if node.peer is not None and self.sim.behaviours[peer_id].name == "honest":
                return node.peer
        return None

    def outcome(self, tx_id: str) -> Outcome | None:
        peer = self.reference_peer()
        if peer is None:
            return None
        record = peer.tx_record(tx_id)
        if record is None:
            return None
        result = record.result
        return Outcome(
            tx_id,
            result.committed,
            result.code,
            result.message,
            tuple(result.events),
            self.now_day(),
        )
