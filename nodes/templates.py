"""Network templates: which organisations and members a new network starts with.

Every organisation gets a ``peer`` member (role ``peer``) whose key is the
node identity its peer signs header hashes with. ``peer`` is added to each
org type's role catalogue in genesis (``OrgConfig.roles``) rather than reusing
``admin``: a stolen node key can sign headers but cannot enrol members or move
money, since every tx a node key signs is refused (``contracts.runtime``).

Every organisation has a ``treasurer`` (two at the banks, for dual control above
the bank's threshold): its account moves by plain transfer only on a treasurer's
signature.

Templates enable every installed built-in contract (found with
``contracts.registry.discover``) whose parameters all have defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.base import Contract
from contracts.genesis import (
    ContractConfig,
    GenesisConfig,
    OrdererConfig,
    OrgConfig,
    genesis_from_roster,
)
from contracts.registry import discover
from contracts.roles import NODE_ROLE
from ledger.roster import OrgSpec, Roster
from ledger.timefmt import parse_time

PEER_ROLE = NODE_ROLE
BUILTIN_PACKAGE = "contracts.builtin"
DEFAULT_TIME = "2026-03-01T00:00:00Z"


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    orgs: tuple[OrgSpec, ...]
    chain_id: str
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Genesis parameters by contract name, over the contract's defaults."""

    def specs(self, peers_per_org: int = 1) -> list[OrgSpec]:
        """The org specs with ``peers_per_org`` peer members added to each organisation."""
        names = ["peer"] if peers_per_org == 1 else [
            f"peer-{i}" for i in range(1, peers_per_org + 1)
        ]
        return [
            OrgSpec(o.id, o.type, (*o.members, *((n, PEER_ROLE) for n in names)))
            for o in self.orgs
        ]


def _people(prefix: str, role: str, count: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}-{i}", role) for i in range(1, count + 1))


CUSTODIAN = OrgSpec("custodian", "appraiser", (
    ("admin", "admin"), ("cm", "collateral_manager"), ("treasurer", "treasurer"),
))
"""An independent collateral manager (docs/domain.md V5): it co-signs the receipts of a
cooperative's own warehouse (``custodian.cm``) and counts its stock, so they may secure
the cooperative's loans."""


def lishui() -> Template:
    bank = (("admin", "admin"), ("officer", "loan_officer"), ("risk", "risk_officer"),
            ("teller", "teller"), *_people("treasurer", "treasurer", 2))
    coop = (("admin", "admin"), ("manager", "manager"), ("treasurer", "treasurer"),
            *_people("keeper", "warehouse_keeper", 2), *_people("farmer", "farmer", 6))
    return Template(
        name="lishui",
        description="A mountain county: government, two banks, an insurer, two cooperatives, "
        "a buyer and a collateral manager",
        chain_id="lishui",
        orgs=(
            OrgSpec("gov", "government", (
                ("admin", "admin"), ("pboc", "central_bank"), ("agri", "agriculture"),
                ("met", "meteorology"), ("mediator", "mediator"), ("finance", "finance"),
                ("prices", "price_bureau"),
                ("court", "court"),
                ("treasurer", "treasurer"),
            )),
            OrgSpec("bank-a", "bank", bank),
            OrgSpec("bank-b", "bank", bank),
            OrgSpec("insurer", "insurer", (
                ("admin", "admin"), ("underwriter", "underwriter"),
                *_people("adjuster", "adjuster", 3), ("claims", "claims_manager"),
                ("treasurer", "treasurer"),
            )),
            OrgSpec("coop-a", "cooperative", coop),
            OrgSpec("coop-b", "cooperative", coop),
            OrgSpec("buyer", "buyer", (
                ("admin", "admin"), ("purchaser", "purchaser"), ("treasurer", "treasurer"),
            )),
            CUSTODIAN,
        ),
        params={"claims": LIVE_CLOCK_CLAIMS},
    )


LIVE_CLOCK_CLAIMS = {"underwriting_publicity_days": 0, "claim_publicity_days": 0}
"""A served network's block time is the wall clock: with the 3-day posting periods a
new user would wait six days between enrolment and payout. The lishui template posts
for 0 days until a dev clock can move time (a production network sets 3)."""


def small() -> Template:
    return Template(
        name="small",
        description="Four organisations (government, bank, insurer, cooperative) for tests "
        "and benches",
        chain_id="small",
        orgs=(
            OrgSpec("gov", "government", (
                ("admin", "admin"), ("pboc", "central_bank"), ("treasurer", "treasurer"),
            )),
            OrgSpec("bank-a", "bank", (
                ("admin", "admin"), ("officer", "loan_officer"),
                *_people("treasurer", "treasurer", 2),
            )),
            OrgSpec("insurer", "insurer", (
                ("admin", "admin"), ("adjuster-1", "adjuster"), ("treasurer", "treasurer"),
            )),
            OrgSpec("coop-a", "cooperative", (
                ("admin", "admin"), ("keeper", "warehouse_keeper"), ("treasurer", "treasurer"),
                *_people("farmer", "farmer", 8),
            )),
        ),
    )


def county() -> Template:
    """The small template's four peer-running orgs with every role the three finance
    products need, plus a buyer and a collateral manager (the benchmark's network)."""
    return Template(
        name="county",
        description="Government, bank, insurer and cooperative with every product's roles, "
        "a buyer and a collateral manager",
        chain_id="county",
        orgs=(
            OrgSpec("gov", "government", (
                ("admin", "admin"), ("pboc", "central_bank"), ("agri", "agriculture"),
                ("finance", "finance"), ("mediator", "mediator"), ("prices", "price_bureau"),
                ("court", "court"), ("treasurer", "treasurer"),
            )),
            OrgSpec("bank-a", "bank", (
                ("admin", "admin"), ("officer", "loan_officer"), ("risk", "risk_officer"),
                *_people("treasurer", "treasurer", 2),
            )),
            OrgSpec("insurer", "insurer", (
                ("admin", "admin"), ("underwriter", "underwriter"), ("adjuster-1", "adjuster"),
                ("claims", "claims_manager"), ("treasurer", "treasurer"),
            )),
            OrgSpec("coop-a", "cooperative", (
                ("admin", "admin"), ("manager", "manager"), ("keeper", "warehouse_keeper"),
                ("treasurer", "treasurer"), *_people("farmer", "farmer", 8),
            )),
            OrgSpec("buyer", "buyer", (
                ("admin", "admin"), ("purchaser", "purchaser"), ("treasurer", "treasurer"),
            )),
            CUSTODIAN,
        ),
    )


TEMPLATES: Mapping[str, Callable[[], Template]] = {
    "lishui": lishui, "small": small, "county": county,
}


def builtin_contracts(
    classes: Mapping[str, type[Contract]] | None = None,
) -> list[ContractConfig]:
    """Every installed built-in contract whose params validate with their defaults, by name."""
    classes = discover() if classes is None else classes
    configs = []
    for name, cls in sorted(classes.items()):
        if not cls.__module__.startswith(BUILTIN_PACKAGE):
            continue
        try:
            cls.Params.model_validate({})
        except ValueError:
            continue
        configs.append(ContractConfig(name=name, version=cls.version))
    return configs


@dataclass(frozen=True)
class NetworkSpec:
    """Everything a network starts from: the genesis configuration and every identity."""

    config: GenesisConfig
    roster: Roster

    def peer_members(self) -> list[str]:
        """Member ids holding the ``peer`` role, in roster order: one node each."""
        return [
            member_id
            for member_id, cred in self.roster.members().items()
            if cred.role == PEER_ROLE
        ]


def build_network(
    template: Template,
    *,
    seed: int | str,
    chain_id: str | None = None,
    time: str = DEFAULT_TIME,
    peers_per_org: int = 1,
    orderer: OrdererConfig | None = None,
    contracts: list[ContractConfig] | None = None,
) -> NetworkSpec:
    """Generate identities (deterministic from ``seed``) and the genesis configuration."""
    not_before = parse_time(time) - dt.timedelta(days=1)
    roster = Roster.generate(template.specs(peers_per_org), seed=seed, not_before=not_before)
    if contracts is None:
        contracts = [
            c.model_copy(update={"params": {**c.params, **template.params[c.name]}})
            if c.name in template.params else c
            for c in builtin_contracts()
        ]
    config = genesis_from_roster(chain_id or template.chain_id, time, roster, contracts, orderer)
    orgs = [with_peer_role(org) for org in config.organisations]
    return NetworkSpec(config.model_copy(update={"organisations": orgs}), roster)


def with_peer_role(org: OrgConfig) -> OrgConfig:
    roles = org.roles if PEER_ROLE in org.roles else [*org.roles, PEER_ROLE]
    return org.model_copy(update={"roles": roles})
