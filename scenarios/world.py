"""From a scenario file to a network: organisations, generated populations, identities, genesis.

Everything is drawn from a ``random.Random`` seeded with the scenario seed, in a
fixed order, so the same file and seed give the same members, the same keys and
therefore the same genesis and chain.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from contracts.genesis import ContractConfig, OrdererConfig, genesis_from_roster
from contracts.registry import discover
from ledger.crypto import PrivateKey
from ledger.identity import Credentials
from ledger.roster import OrgSpec, Roster
from ledger.timefmt import parse_time
from nodes.templates import PEER_ROLE, NetworkSpec, builtin_contracts, with_peer_role
from scenarios.schema import PopulationSpec, Scenario

PEER_NAME = "peer"


@dataclass(frozen=True)
class Household:
    """A generated farmer or merchant: who they are and what the agents know about them."""

    member_id: str
    org: str
    kind: str
    village: str
    crop: str
    acreage_mu: int
    rating: str


@dataclass
class World:
    scenario: Scenario
    network: NetworkSpec
    households: list[Household] = field(default_factory=list)
    joining: Roster | None = None
    """Identities of the organisations with ``joins_day``, kept out of genesis: governance
    admits them during the run."""

    @property
    def peers(self) -> list[str]:
        return self.network.peer_members()

    def credentials(self, member_id: str) -> Credentials:
        """A genesis member's or a joining organisation's member's credentials."""
        if self.joining is not None and member_id in self.joining.members():
            return self.joining.member(member_id)
        return self.network.roster.member(member_id)

    def key(self, member_id: str) -> PrivateKey:
        return self.credentials(member_id).key

    def members_with_role(self, role: str, org: str | None = None) -> list[str]:
        members = dict(self.network.roster.members())
        if self.joining is not None:
            members.update(self.joining.members())
        return [
            member_id
            for member_id, cred in members.items()
            if cred.role == role and (org is None or cred.org == org)
        ]

    def orgs_of_type(self, org_type: str, day: float | None = None) -> list[str]:
        """Organisations of ``org_type`` in business: from genesis, and a joining one from
        its ``joins_day`` when ``day`` is given (without it, genesis organisations only)."""
        return [
            o.id for o in self.scenario.network.organisations
            if o.type == org_type and (
                o.joins_day is None or (day is not None and day >= o.joins_day)
            )
        ]

    def joins_day(self, org: str) -> float | None:
        """The day ``org`` joins the running chain, or None for a genesis organisation."""
        return next((o.joins_day for o in self.scenario.network.organisations if o.id == org),
                    None)

    def org_type(self, org: str) -> str:
        return next(o.type for o in self.scenario.network.organisations if o.id == org)

    def peer_of(self, org: str) -> str | None:
        """The peer member id of ``org``, if it runs one."""
        member_id = f"{org}.{PEER_NAME}"
        identity = self.network.roster.orgs.get(org)
        return member_id if identity is not None and member_id in identity.members else None


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def generate_households(
    spec: PopulationSpec, rng: random.Random, start_index: int
) -> list[Household]:
    role_prefix = "farmer" if spec.kind == "farmers" else "merchant"
    households = []
    for i in range(spec.count):
        org = spec.organisations[i % len(spec.organisations)]
        number = start_index + i + 1
        households.append(
            Household(
                member_id=f"{org}.{role_prefix}-{number}",
                org=org,
                kind=spec.kind,
                village=f"{org}-village-{rng.randrange(spec.villages) + 1}",
                crop=_weighted(rng, spec.crops),
                acreage_mu=rng.randint(*spec.acreage_mu),
                rating=_weighted(rng, {str(k): v for k, v in spec.ratings.items()}),
            )
        )
    return households


def contract_configs(scenario: Scenario) -> list[ContractConfig]:
    configured = scenario.network.contracts
    if not configured:
        return builtin_contracts()
    classes = discover()
    configs = []
    for name in sorted(configured):
        cls = classes.get(name)
        version = cls.version if cls is not None else "?"
        spec = configured[name]
        configs.append(
            ContractConfig(name=name, version=version, params=spec.params, policies=spec.policies)
        )
    return configs


def build_world(scenario: Scenario) -> World:
    rng = random.Random(scenario.seed)
    households: list[Household] = []
    for population in scenario.populations:
        households += generate_households(population, rng, len(households))
    extra: dict[str, list[tuple[str, str]]] = {}
    for household in households:
        role = "farmer"
        extra.setdefault(household.org, []).append((household.member_id.split(".", 1)[1], role))
    specs: list[OrgSpec] = []
    joining: list[OrgSpec] = []
    for org in scenario.network.organisations:
        members = [*sorted(org.members.items()), *extra.get(org.id, [])]
        if org.peer:
            members.append((PEER_NAME, PEER_ROLE))
        (joining if org.joins_day is not None else specs).append(
            OrgSpec(org.id, org.type, tuple(members))
        )
    not_before = parse_time(scenario.start) - dt.timedelta(days=1)
    roster = Roster.generate(
        specs, seed=f"scenario/{scenario.name}/{scenario.seed}", not_before=not_before
    )
    joining_roster = Roster.generate(
        joining, seed=f"scenario/{scenario.name}/{scenario.seed}/joining", not_before=not_before
    ) if joining else None
    orderer = OrdererConfig(
        batch_size=scenario.network.orderer.batch_size,
        max_wait_ms=scenario.network.orderer.max_wait_ms,
    )
    config = genesis_from_roster(
        scenario.network.chain_id, scenario.start, roster, contract_configs(scenario), orderer
    )
    peer_orgs = {o.id for o in scenario.network.organisations if o.peer}
    orgs = [with_peer_role(o) if o.id in peer_orgs else o for o in config.organisations]
    network = NetworkSpec(config.model_copy(update={"organisations": orgs}), roster)
    return World(scenario, network, households, joining_roster)
