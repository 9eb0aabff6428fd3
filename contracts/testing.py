"""Property-testing support for contracts: a real in-memory ledger and a stateful-test base.

``LedgerHarness`` runs actions as signed transactions, one block each, through
the same BlockBuilder and contract runtime a peer uses (real Ed25519 signatures,
real policies), on a MemoryStore, with a simulated clock.

``ContractMachine`` is a hypothesis ``RuleBasedStateMachine`` whose invariant
checks every invariant declared by every enabled contract after every step.
A tester writes only rules::

    class SettlementMachine(ContractMachine):
        orgs = [OrgSpec("gov", "government", (("pboc", "central_bank"),)), ...]
        contracts = ["membership", "settlement"]

        @rule(amount=st.integers(1, 10**6))
        def issue(self, amount):
            self.run("gov.pboc", "settlement", "issue", account="coop.f1", amount=amount)

    TestSettlement = SettlementMachine.TestCase

Every tx is recorded with ``hypothesis.note``, so a failing run prints the
shortest failing sequence of actions with each tx's outcome; the profile used by
the project sets ``print_blob`` so the failure also prints how to reproduce it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from hypothesis import note
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import RuleBasedStateMachine, invariant

from contracts.genesis import ContractConfig, GenesisConfig, build_genesis, genesis_from_roster
from contracts.runtime import ContractRuntime
from ledger.block import CutInfo, CutReason, TxResult
from ledger.chain import BlockBuilder
from ledger.crypto import SignatureVerifier
from ledger.interfaces import BlockContext
from ledger.memory_store import MemoryStore
from ledger.roster import OrgSpec, Roster
from ledger.timefmt import format_time, parse_time
from ledger.tx import Envelope, make_body, sign_envelope

__all__ = ["ContractMachine", "LedgerHarness", "OrgSpec"]

DEFAULT_START = "2026-03-01T00:00:00Z"


def contract_configs(contracts: Iterable[str | ContractConfig]) -> list[ContractConfig]:
    """Accept names (installed version, default params) or full configs."""
    from contracts.registry import discover

    classes = discover()
    configs = []
    for entry in contracts:
        if isinstance(entry, ContractConfig):
            configs.append(entry)
        else:
            configs.append(ContractConfig(name=entry, version=classes[entry].version))
    return configs


class LedgerHarness:
    """An in-memory chain with the given orgs and contracts; every action is a signed tx."""

    def __init__(
        self,
        orgs: Sequence[OrgSpec],
        contracts: Iterable[str | ContractConfig],
        *,
        seed: int | str = 0,
        start: str = DEFAULT_START,
        chain_id: str = "test-chain",
    ) -> None:
        start_time = parse_time(start)
        self.roster = Roster.generate(orgs, seed=seed, not_before=start_time - dt.timedelta(days=1))
        self.config: GenesisConfig = genesis_from_roster(
            chain_id, start, self.roster, contract_configs(contracts)
        )
        genesis, self.runtime = build_genesis(self.config)
        self.store = MemoryStore()
        self.store.append(genesis)
        self.chain_id = chain_id
        self.builder = BlockBuilder(self.store, self.runtime, SignatureVerifier(4096), chain_id)
        self.clock = start_time
        self._nonce = itertools.count()
        self.log: list[str] = []

    # -- time ----------------------------------------------------------------------------

    @property
    def now(self) -> str:
        return format_time(self.clock)

    def advance(self, *, days: int = 0, hours: int = 0, minutes: int = 0) -> None:
        self.clock += dt.timedelta(days=days, hours=hours, minutes=minutes)

    # -- transactions --------------------------------------------------------------------

    def envelope(
        self, signer: str, contract: str, action: str, args: Mapping[str, Any],
        co_signers: Sequence[str] = (),
    ) -> Envelope:
        body = make_body(
            chain_id=self.chain_id, contract=contract, action=action, args=args,
            signer=signer, nonce=next(self._nonce), created_at=self.now,
        )
        cosigning = [(m, self.roster.member(m).key) for m in co_signers]
        return sign_envelope(body, self.roster.member(signer).key, cosigning)

    def submit_envelopes(self, envelopes: Sequence[Envelope]) -> list[TxResult]:
        """Order the envelopes into one block at the current time and append it."""
        height = self.store.height() + 1
        block = self.builder.build(
            envelopes, self.now, CutInfo("harness", height, CutReason.SIZE)
        )
        self.store.append(block)
        return list(block.results)

    def submit(
        self, signer: str, contract: str, action: str, *, co_signers: Sequence[str] = (),
        **args: Any,
    ) -> TxResult:
        """Sign and commit one tx in its own block; return its result."""
        result = self.submit_envelopes([self.envelope(signer, contract, action, args, co_signers)])[0]
        outcome = "ok" if result.committed else f"{result.code}: {result.message}"
        line = f"{self.now} {signer} {contract}.{action}({args}) -> {outcome}"
        self.log.append(line)
        if currently_in_test_context():
            note(line)
        return result

    # -- reads ---------------------------------------------------------------------------

    def _block(self) -> BlockContext:
        return BlockContext(self.chain_id, self.store.height(), self.now)

    def get(self, contract: str, key: str) -> Any | None:
        return self.store.state.get(f"{contract}/{key}")

    def view(self, contract: str, view_name: str, **params: Any) -> Any:
        return self.runtime.call_view(contract, view_name, params, self.store.state, self._block())

    def balance(self, account: str) -> int:
        return int(self.view("settlement", "balance", account=account)["balance"])

    def invariant_violations(self) -> list[str]:
        return self.runtime.check_invariants(self.store.state, self._block())

    def check_invariants(self) -> None:
        violations = self.invariant_violations()
        if violations:
            raise AssertionError("invariants violated:\n  " + "\n  ".join(violations))

    @property
    def contracts(self) -> ContractRuntime:
        return self.runtime


class ContractMachine(RuleBasedStateMachine):
    """Base of contract state machines: a fresh harness per run, invariants after every step."""

    orgs: ClassVar[Sequence[OrgSpec]] = ()
    contracts: ClassVar[Sequence[str | ContractConfig]] = ()
    start: ClassVar[str] = DEFAULT_START

    def __init__(self) -> None:
        super().__init__()
        self.ledger = LedgerHarness(self.orgs, self.contracts, start=self.start)

    def run(
        self, signer: str, contract: str, action: str, *, co_signers: Sequence[str] = (),
        **args: Any,
    ) -> TxResult:
        return self.ledger.submit(signer, contract, action, co_signers=co_signers, **args)

    @invariant()
    def declared_invariants_hold(self) -> None:
        self.ledger.check_invariants()
