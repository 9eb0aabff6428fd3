"""Network templates: which organisations and members a new network starts with.

Every organisation gets a ``peer`` member (role ``peer``) whose key is the
node identity its peer signs header hashes with. ``peer`` is added to each
org type's role catalogue in genesis (``OrgConfig.roles``) rather than reusing
``admin``: a stolen node key can sign headers but cannot enrol members or move
money, since every tx a node key signs is refused (``contracts.runtime``).

Every organisation has a ``treasurer`` (two at the banks, for dual control above
the bank's threshold): its account moves by plain transfer only on a treasurer's
signature.

Member ids are ``<org>.<name>``, named as ``contracts.testing.standard_orgs`` names
them: a role one member holds is named plainly (``coop-a.keeper``,
``insurer.adjuster``, ``bank-a.officer``); a role several hold is numbered from 1
(``coop-a.farmer-1``, ``bank-a.treasurer-2``).

Templates enable every installed built-in contract (found with
``contracts.registry.discover``) whose parameters all have defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from contracts.base import Contract
from contracts.genesis import (
    ContractConfig,
    DevClockConfig,
    GenesisConfig,
    OrdererConfig,
    OrgConfig,
    genesis_from_roster,
)
from contracts.registry import discover
from contracts.roles import NODE_ROLE
from ledger.roster import OrgSpec, Roster
from ledger.timefmt import parse_time
from nodes.exceptions import NetworkConfigError

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
    wall_clock_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Further parameters for a production chain only, whose time nothing can move (a
    development chain keeps the real periods and skips them with the dev clock)."""
    peerless: frozenset[str] = frozenset()
    """Organisations that run no peer: their members sign and submit through others'."""

    def specs(self, peers_per_org: int = 1) -> list[OrgSpec]:
        """The org specs with ``peers_per_org`` peer members added to each organisation
        that runs peers."""
        names = ["peer"] if peers_per_org == 1 else [
            f"peer-{i}" for i in range(1, peers_per_org + 1)
        ]
        return [
            o if o.id in self.peerless
            else OrgSpec(o.id, o.type, (*o.members, *((n, PEER_ROLE) for n in names)))
            for o in self.orgs
        ]


def _people(prefix: str, role: str, count: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}-{i}", role) for i in range(1, count + 1))


BUYER = OrgSpec("buyer", "buyer", (
    ("admin", "admin"), ("purchaser", "purchaser"), ("treasurer", "treasurer"),
))
"""An offtaker: its purchaser confirms and accepts orders, its treasurer pays them."""


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
            ("keeper", "warehouse_keeper"), *_people("farmer", "farmer", 6))
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
                ("adjuster", "adjuster"), ("claims", "claims_manager"),
                ("treasurer", "treasurer"),
            )),
            OrgSpec("coop-a", "cooperative", coop),
            OrgSpec("coop-b", "cooperative", coop),
            BUYER,
            CUSTODIAN,
        ),
        wall_clock_params={"claims": LIVE_CLOCK_CLAIMS},
    )


LIVE_CLOCK_CLAIMS = {"underwriting_publicity_days": 0, "claim_publicity_days": 0}
"""Without a dev clock a served network's block time is the wall clock: with the 3-day
posting periods a new user would wait six days between enrolment and payout, so a
lishui network made without ``--dev`` posts for 0 days. ``network init --dev`` keeps
the 3 days and ``agriledger clock advance NET 3d`` passes them."""


def small() -> Template:
    """Four peers (government, bank, insurer, cooperative) for tests and benches, with the
    roles each finance product needs, and a buyer and a collateral manager that run no
    peer of their own (they sign orders, payments and co-signatures and send them to any
    peer), so the three products run end to end on four peers. The collateral manager
    is there because the cooperative's only warehouse is its own (V5)."""
    return Template(
        name="small",
        description="Four peer-running organisations (government, bank, insurer, "
        "cooperative), and a buyer and a collateral manager without a peer, for tests "
        "and benches",
        chain_id="small",
        orgs=(
            OrgSpec("gov", "government", (
                ("admin", "admin"), ("pboc", "central_bank"), ("treasurer", "treasurer"),
                ("agri", "agriculture"), ("finance", "finance"),
            )),
            OrgSpec("bank-a", "bank", (
                ("admin", "admin"), ("officer", "loan_officer"),
                *_people("treasurer", "treasurer", 2),
            )),
            OrgSpec("insurer", "insurer", (
                ("admin", "admin"), ("adjuster", "adjuster"), ("treasurer", "treasurer"),
                ("underwriter", "underwriter"), ("claims", "claims_manager"),
            )),
            OrgSpec("coop-a", "cooperative", (
                ("admin", "admin"), ("keeper", "warehouse_keeper"), ("treasurer", "treasurer"),
                *_people("farmer", "farmer", 8), ("manager", "manager"),
            )),
            BUYER,
            CUSTODIAN,
        ),
        peerless=frozenset({"buyer", "custodian"}),
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
                ("admin", "admin"), ("underwriter", "underwriter"), ("adjuster", "adjuster"),
                ("claims", "claims_manager"), ("treasurer", "treasurer"),
            )),
            OrgSpec("coop-a", "cooperative", (
                ("admin", "admin"), ("manager", "manager"), ("keeper", "warehouse_keeper"),
                ("treasurer", "treasurer"), *_people("farmer", "farmer", 8),
            )),
            BUYER,
            CUSTODIAN,
        ),
    )


TEMPLATES: Mapping[str, Callable[[], Template]] = {
    "lishui": lishui, "small": small, "county": county,
}


def template_contracts(
    template: Template,
    *,
    dev: bool = False,
    enable: Sequence[str] = (),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    classes: Mapping[str, type[Contract]] | None = None,
) -> list[ContractConfig]:
    """The contracts a new network of ``template`` runs: the built-ins, plus ``enable``
    (any installed contract, e.g. a plug-in), with the template's parameters (and its
    ``wall_clock_params`` unless ``dev``) and then ``params`` (contract -> name -> value)
    over the defaults. Each contract's parameters are checked by its own model here;
    NetworkConfigError names an unknown contract or parameter and lists the known ones.
    """
    classes = discover() if classes is None else classes
    configs = {c.name: c for c in builtin_contracts(classes)}
    for name in enable:
        if name not in classes:
            raise NetworkConfigError(
                f"{name}: no such contract installed (installed: {', '.join(sorted(classes))})"
            )
        configs.setdefault(name, ContractConfig(name=name, version=classes[name].version))
    overrides = {name: dict(values) for name, values in template.params.items()}
    for name, values in ({} if dev else template.wall_clock_params).items():
        overrides.setdefault(name, {}).update(values)
    for name, values in (params or {}).items():
        if name not in configs:
            hint = "add --enable " + name if name in classes else (
                f"installed: {', '.join(sorted(classes))}"
            )
            raise NetworkConfigError(f"{name}: not a contract this network runs ({hint})")
        overrides.setdefault(name, {}).update(values)
    result = []
    for name, config in sorted(configs.items()):
        merged = {**config.params, **overrides.get(name, {})}
        _check_params(name, classes[name], merged)
        result.append(config.model_copy(update={"params": merged}))
    return result


def _check_params(name: str, cls: type[Contract], values: Mapping[str, Any]) -> None:
    fields = cls.Params.model_fields
    for key in values:
        if key not in fields:
            raise NetworkConfigError(
                f"{name}.{key}: {name} has no such parameter (its parameters: "
                f"{', '.join(sorted(fields))})"
            )
    try:
        cls.Params.model_validate(dict(values))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise NetworkConfigError(f"{name}.{where}: {error['msg']}") from None


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
    dev_clock: DevClockConfig | None = None,
) -> NetworkSpec:
    """Generate identities (deterministic from ``seed``) and the genesis configuration.

    ``dev_clock`` makes a development chain (its clock can be moved forward); without it
    the template's ``wall_clock_params`` apply too."""
    not_before = parse_time(time) - dt.timedelta(days=1)
    roster = Roster.generate(template.specs(peers_per_org), seed=seed, not_before=not_before)
    if contracts is None:
        contracts = template_contracts(template, dev=dev_clock is not None)
    config = genesis_from_roster(chain_id or template.chain_id, time, roster, contracts, orderer)
    orgs = [with_peer_role(org) for org in config.organisations]
    update = {"organisations": orgs, "dev_clock": dev_clock}
    return NetworkSpec(config.model_copy(update=update), roster)


def with_peer_role(org: OrgConfig) -> OrgConfig:
    roles = org.roles if PEER_ROLE in org.roles else [*org.roles, PEER_ROLE]
    return org.model_copy(update={"roles": roles})
