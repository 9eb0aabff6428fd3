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
shortest failing sequence of actions with each tx's outcome; ``Machine.TestCase``
turns on ``print_blob`` so the failure also prints the ``@reproduce_failure``
decorator that replays it (``pytest --hypothesis-seed=N`` replays a whole run).
``standard_orgs()`` is a ready-made county: government, two banks, an insurer,
two cooperatives and a buyer, each with its peer node key.

Authority is tested from the attacker's side with ``attack``: before a tx that the
model says commits, the same tx is signed by each identity that must be refused
(another org's member of the same role, another role of the same org, the org's
node key, a revoked member, the counterparty: ``contracts.attackers``), all in one
block; each must be rejected with its expected code, and the state must not change::

    @rule(lot=lots)
    def release(self, lot):
        self.attack("bank-a.officer", "wr", "release", {"lot": lot},
                    counterparty=["coop-a.manager"])
        self.run("bank-a.officer", "wr", "release", lot=lot)

``must_fail`` is the single-attempt form (Daml Script's ``submitMustFail``).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from hypothesis import note, settings
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import RuleBasedStateMachine, invariant

from contracts.attackers import (
    ALL_THREATS,
    NODE_KEY_ROLE,
    Attempt,
    Threat,
    impostors,
    with_node_keys,
)
from contracts.base import Contract
from contracts.exceptions import RegistrationError
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

__all__ = [
    "Attempt", "ContractMachine", "LedgerHarness", "OrgSpec", "Threat", "standard_orgs",
    "with_node_keys",
]

DEFAULT_START = "2026-03-01T00:00:00Z"


def contract_configs(
    contracts: Iterable[str | ContractConfig],
    classes: Mapping[str, type[Contract]] | None = None,
) -> list[ContractConfig]:
    """Accept names (installed version, default params) or full configs.

    A name is looked up in ``classes`` first, then among the installed plug-ins.
    """
    from contracts.registry import discover

    extra = dict(classes or {})
    entries = list(contracts)
    missing = [e for e in entries if isinstance(e, str) and e not in extra]
    installed = discover(missing) if missing else {}
    configs = []
    for entry in entries:
        if isinstance(entry, ContractConfig):
            configs.append(entry)
            continue
        cls = extra.get(entry) or installed.get(entry)
        if cls is None:
            raise RegistrationError(f"contract {entry!r} is not installed")
        configs.append(ContractConfig(name=entry, version=cls.version))
    return configs


def standard_orgs() -> list[OrgSpec]:
    """A county's worth of organisations for tests, one of each kind a scenario needs.

    ``gov`` (government: admin, central_bank ``gov.pboc``, agriculture, meteorology,
    mediator, finance, price_bureau ``gov.prices``, court ``gov.court``, treasurer),
    ``bank-a``/``bank-b`` (admin, loan_officer ``.officer``, risk_officer ``.risk``,
    treasurers ``.treasurer-1``/``.treasurer-2``), ``insurer`` (admin, underwriter, adjuster,
    claims_manager, treasurer), ``coop-a``/``coop-b`` (admin, manager, treasurer,
    warehouse_keeper ``.keeper``, farmers ``.farmer-1``/``.farmer-2``), ``buyer`` (admin,
    purchaser, treasurer). Member ids are ``<org>.<name>``, e.g. ``bank-a.officer``. Every
    org's account is spent by plain transfer only by its treasurer(s) (see settlement's
    authority). Every org also has its peer node key ``<org>.peer`` (role ``peer``), as a
    network has.
    """
    bank = (
        ("admin", "admin"), ("officer", "loan_officer"), ("risk", "risk_officer"),
        ("treasurer-1", "treasurer"), ("treasurer-2", "treasurer"),
    )
    coop = (
        ("admin", "admin"), ("manager", "manager"), ("treasurer", "treasurer"),
        ("keeper", "warehouse_keeper"), ("farmer-1", "farmer"), ("farmer-2", "farmer"),
    )
    return with_node_keys([
        OrgSpec("gov", "government", (
            ("admin", "admin"), ("pboc", "central_bank"), ("agri", "agriculture"),
            ("met", "meteorology"), ("mediator", "mediator"), ("finance", "finance"),
            ("prices", "price_bureau"), ("court", "court"), ("treasurer", "treasurer"),
        )),
        OrgSpec("bank-a", "bank", bank),
        OrgSpec("bank-b", "bank", bank),
        OrgSpec("insurer", "insurer", (
            ("admin", "admin"), ("underwriter", "underwriter"), ("adjuster", "adjuster"),
            ("claims", "claims_manager"), ("treasurer", "treasurer"),
        )),
        OrgSpec("coop-a", "cooperative", coop),
        OrgSpec("coop-b", "cooperative", coop),
        OrgSpec("buyer", "buyer", (
            ("admin", "admin"), ("purchaser", "purchaser"), ("treasurer", "treasurer"),
        )),
    ])


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
        classes: Mapping[str, type[Contract]] | None = None,
    ) -> None:
        """``classes`` adds contract classes that are not installed plug-ins (a test's own
        contracts); they are checked like plug-ins and win over an installed namesake."""
        start_time = parse_time(start)
        self.roster = Roster.generate(
            orgs, seed=seed, not_before=start_time - dt.timedelta(days=1)
        )
        self.config: GenesisConfig = _with_node_key_role(genesis_from_roster(
            chain_id, start, self.roster, contract_configs(contracts, classes)
        ), self.roster)
        genesis, self.runtime = build_genesis(self.config, self._classes(classes))
        self.store = MemoryStore()
        self.store.append(genesis)
        self.chain_id = chain_id
        self.builder = BlockBuilder(self.store, self.runtime, SignatureVerifier(4096), chain_id)
        self.clock = start_time
        self._nonce = itertools.count()
        self.log: list[str] = []
        self.revoked: set[str] = set()
        """Members whose ``membership.revoke`` committed, for ``attack``'s REVOKED threat."""
        self.enrolled: set[str] = set(self.roster.members())
        """Members on the chain: genesis's and those a ``membership.enrol`` added."""

    def _classes(
        self, classes: Mapping[str, type[Contract]] | None
    ) -> Mapping[str, type[Contract]] | None:
        if not classes:
            return None
        from contracts.registry import discover

        names = [c.name for c in self.config.contracts if c.name not in classes]
        return {**(discover(names) if names else {}), **classes}

    def member_ids(self, *, role: str | None = None, org: str | None = None) -> list[str]:
        """Member ids in the roster, optionally only those with ``role`` and/or of ``org``."""
        return sorted(
            member_id
            for member_id, cred in self.roster.members().items()
            if (role is None or cred.role == role) and (org is None or cred.org == org)
        )

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
        envelope = self.envelope(signer, contract, action, args, co_signers)
        result = self.submit_envelopes([envelope])[0]
        self._record(signer, co_signers, contract, action, args, result)
        if result.committed and contract == "membership":
            if action == "revoke":
                self.revoked.add(args["member_id"])
            self.enrolled.update(
                e["data"]["member_id"] for e in result.events if e["type"] == "MemberEnrolled"
            )
        return result

    def _record(
        self, signer: str, co_signers: Sequence[str], contract: str, action: str,
        args: Mapping[str, Any], result: TxResult, label: str = "",
    ) -> None:
        """Log the tx and its outcome, and note it for hypothesis's failure report."""
        outcome = "ok" if result.committed else f"{result.code}: {result.message}"
        cosigned = f" +{','.join(co_signers)}" if co_signers else ""
        line = (
            f"tx {len(self.log) + 1} @{self.now} {label}{signer}{cosigned} "
            f"{contract}.{action}({_args_text(args)}) -> {outcome}"
        )
        self.log.append(line)
        if currently_in_test_context():
            note(line)

    # -- attempts that must fail -------------------------------------------------------

    def attack(
        self, signer: str, contract: str, action: str, args: Mapping[str, Any], *,
        co_signers: Sequence[str] = (),
        threats: Iterable[Threat] = ALL_THREATS,
        counterparty: Iterable[str] = (),
        entitled: Iterable[str] = (),
        codes: Mapping[Threat, Iterable[str]] | None = None,
    ) -> list[Attempt]:
        """Try the tx that ``signer`` is entitled to sign as every impostor (see
        ``contracts.attackers.impostors``), in one block; assert each is refused with
        its threat's code and that nothing in the state changed. The co-signers stay
        (an impostor who is one of them is dropped from them). Then each co-signer's
        consent is forged the same way: ``signer`` signs, an impostor of the co-signer
        (its threats but the counterparty) co-signs instead. Returns the attempts."""
        threats = tuple(threats)
        entitled = (signer, *co_signers, *entitled)
        attempts = impostors(
            self.roster, signer, revoked=self.revoked, enrolled=self.enrolled, threats=threats,
            counterparty=counterparty, entitled=entitled, codes=codes,
        )
        for co_signer in co_signers:
            attempts += [
                dataclasses.replace(attempt, instead_of=co_signer)
                for attempt in impostors(
                    self.roster, co_signer, revoked=self.revoked, enrolled=self.enrolled,
                    threats=[t for t in threats if t is not Threat.COUNTERPARTY],
                    entitled=entitled, codes=codes,
                )
            ]
        self.refused(attempts, contract, action, args, signer=signer, co_signers=co_signers)
        return attempts

    def must_fail(
        self, signer: str, contract: str, action: str, args: Mapping[str, Any], *,
        codes: Iterable[str], co_signers: Sequence[str] = (),
    ) -> TxResult:
        """Submit one tx that must be rejected with one of ``codes`` and change no state."""
        attempt = Attempt(None, signer, frozenset(codes))
        return self.refused([attempt], contract, action, args, signer=signer,
                            co_signers=co_signers)[0]

    def refused(
        self, attempts: Sequence[Attempt], contract: str, action: str,
        args: Mapping[str, Any], *, signer: str, co_signers: Sequence[str] = (),
    ) -> list[TxResult]:
        """Submit the attempts in one block (``signer`` and ``co_signers`` are who may sign,
        for an attempt that stands in for a co-signer); assert every one is rejected with
        one of its codes, the block writes nothing and the whole state reads as before."""
        if not attempts:
            return []
        before = dict(self.store.state.scan(""))
        signatures = [_signatures(a, signer, co_signers) for a in attempts]
        results = self.submit_envelopes(
            [self.envelope(first, contract, action, args, co) for first, co in signatures]
        )
        failures = []
        for attempt, (first, co), result in zip(attempts, signatures, results, strict=True):
            label = _label(attempt)
            self._record(first, co, contract, action, args, result,
                         "must fail " if attempt.threat is None else f"attack ({label}) ")
            if result.committed or result.code not in attempt.codes:
                failures.append(
                    f"{contract}.{action} as {attempt.signer} ({label}): "
                    f"expected one of {sorted(attempt.codes)}, got "
                    f"{'a commit' if result.committed else f'{result.code}: {result.message}'}"
                )
        block = self.store.block(self.store.height())
        assert block is not None
        after = dict(self.store.state.scan(""))
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if block.writes() or changed:
            failures.append(f"refused attempts changed the state: {changed}")
        if failures:
            raise AssertionError("an attacker got through:\n  " + "\n  ".join(failures))
        return results

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


def _signatures(
    attempt: Attempt, signer: str, co_signers: Sequence[str]
) -> tuple[str, list[str]]:
    """(first signer, co-signers) of an attempt: the impostor signs first, keeping the
    other co-signers, or stands in for the co-signer it forges."""
    if attempt.instead_of is None:
        return attempt.signer, [c for c in co_signers if c != attempt.signer]
    return signer, [attempt.signer if c == attempt.instead_of else c for c in co_signers]


def _label(attempt: Attempt) -> str:
    if attempt.threat is None:
        return "must fail"
    if attempt.instead_of is None:
        return str(attempt.threat)
    return f"{attempt.threat} co-signing for {attempt.instead_of}"


def _with_node_key_role(config: GenesisConfig, roster: Roster) -> GenesisConfig:
    """Give the ``peer`` role to each org's catalogue where the roster has a node key,
    as network templates do (it is not a business role, so not in the default one)."""
    keyed = {cred.org for cred in roster.members().values() if cred.role == NODE_KEY_ROLE}
    orgs = [
        org.model_copy(update={"roles": [*org.roles, NODE_KEY_ROLE]})
        if org.id in keyed and NODE_KEY_ROLE not in org.roles else org
        for org in config.organisations
    ]
    return config.model_copy(update={"organisations": orgs})


def _args_text(args: Mapping[str, Any]) -> str:
    """Args as ``name=value`` pairs, long values (certificates) cut short."""
    parts = []
    for name, value in args.items():
        text = repr(value)
        parts.append(f"{name}={text if len(text) <= 60 else text[:40] + '...' + text[-12:]}")
    return ", ".join(parts)


class _ReproducibleTestCase:
    """``Machine.TestCase`` with ``print_blob`` on, whatever the profile says.

    A failing run then ends with "You can reproduce this test case by temporarily
    adding @reproduce_failure(...)": put that decorator on the machine class. The
    profile still decides max_examples and the rest.
    """

    def __get__(self, obj: object, typ: type[RuleBasedStateMachine] | None = None) -> Any:
        machine = type(obj) if obj is not None else typ
        assert machine is not None
        case = vars(RuleBasedStateMachine)["TestCase"].__get__(None, machine)
        case.settings = settings(case.settings, print_blob=True)
        return case


class ContractMachine(RuleBasedStateMachine):
    """Base of contract state machines: a fresh harness per run, invariants after every step.

    On failure hypothesis prints the shrunk steps, then one note per tx with its
    outcome (``tx 3 @2026-03-01T00:00:00Z gov.pboc settlement.issue(...) -> ok``),
    the invariant that broke, and an ``@reproduce_failure`` blob.
    """

    orgs: ClassVar[Sequence[OrgSpec]] = ()
    contracts: ClassVar[Sequence[str | ContractConfig]] = ()
    classes: ClassVar[Mapping[str, type[Contract]]] = {}
    start: ClassVar[str] = DEFAULT_START
    revoked_members: ClassVar[Sequence[str]] = ()
    """Members their org's admin revokes before the first rule, so ``attack`` has a
    revoked member of that org to try (needs the membership contract and an admin)."""
    attacks_per_action: ClassVar[int | None] = 3
    """How many times one run attacks each action (per contract, action and whether the
    tx is co-signed); None attacks every time. Each attack is a block of impostors and
    two full state reads, so attacking every committing step multiplied the machines'
    time several fold; runs differ in state, so the CI profile's 200 runs still try each
    action in hundreds of states."""

    TestCase = _ReproducibleTestCase()

    def __init__(self) -> None:
        super().__init__()
        self.ledger = LedgerHarness(
            self.orgs, self.contracts, start=self.start, classes=self.classes or None
        )
        self._attacks: collections.Counter[tuple[str, str, bool]] = collections.Counter()
        for member_id in self.revoked_members:
            admins = self.ledger.member_ids(role="admin", org=member_id.split(".", 1)[0])
            if not admins:
                raise ValueError(f"revoked_members: {member_id}'s org has no admin to revoke it")
            result = self.run(admins[0], "membership", "revoke", member_id=member_id)
            assert result.committed, f"revoking {member_id}: {result.code} {result.message}"

    def run(
        self, signer: str, contract: str, action: str, *, co_signers: Sequence[str] = (),
        **args: Any,
    ) -> TxResult:
        return self.ledger.submit(signer, contract, action, co_signers=co_signers, **args)

    def attack(
        self, signer: str, contract: str, action: str, args: Mapping[str, Any], *,
        co_signers: Sequence[str] = (),
        threats: Iterable[Threat] = ALL_THREATS,
        counterparty: Iterable[str] = (),
        entitled: Iterable[str] = (),
        codes: Mapping[Threat, Iterable[str]] | None = None,
    ) -> list[Attempt]:
        """``LedgerHarness.attack``: every impostor of ``signer`` is refused, state unchanged.

        Call it just before running a tx the model says ``signer`` may commit. Past
        ``attacks_per_action`` attacks on the same action in this run it does nothing and
        returns no attempts."""
        key = (contract, action, bool(co_signers))
        if self.attacks_per_action is not None:
            if self._attacks[key] >= self.attacks_per_action:
                return []
            self._attacks[key] += 1
        return self.ledger.attack(
            signer, contract, action, args, co_signers=co_signers, threats=threats,
            counterparty=counterparty, entitled=entitled, codes=codes,
        )

    def must_fail(
        self, signer: str, contract: str, action: str, args: Mapping[str, Any], *,
        codes: Iterable[str], co_signers: Sequence[str] = (),
    ) -> TxResult:
        """``LedgerHarness.must_fail``: one tx refused with one of ``codes``, state unchanged."""
        return self.ledger.must_fail(
            signer, contract, action, args, codes=codes, co_signers=co_signers
        )

    @invariant()
    def declared_invariants_hold(self) -> None:
        self.ledger.check_invariants()
