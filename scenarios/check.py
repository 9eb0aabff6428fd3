"""Resolving every name a scenario uses before anything runs.

The schema checks shapes; this checks references: a fault names a peer that exists, a
timeline action names a member, an enabled contract, one of its actions and only that
action's arguments, and an expectation names an enabled contract, a view of it, or a
metric the report computes. Each problem is (field path, rule); ``scenarios.loader``
adds the file and line, so a typo is reported as ``file:line: field: rule`` in a second
instead of as a traceback after the whole simulation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from contracts.base import Contract
from contracts.builtin.governance.models import Change
from contracts.registry import discover
from scenarios.schema import (
    ByzantineFault,
    CrashFault,
    MetricThreshold,
    PartitionFault,
    Scenario,
    SlowLinkFault,
    StateFact,
    ViewFact,
)

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

ANY = "*"
METRICS: Mapping[str, Any] = {
    "chain": {
        "blocks": 0, "txs": 0, "committed": 0, "rejected": 0, "rejected_by_code": {ANY: 0},
        "heads_equal": 0, "peers": {ANY: {ANY: 0}},
    },
    "credit": {
        "by_bank": {ANY: {ANY: 0}}, "loans": 0, "margin_calls": 0, "margin_calls_cured": 0,
        "enforced": 0, "auctioned": 0, "taken_by_lender": 0, "repaid": 0, "defaulted": 0,
        "issued_fen": 0, "outstanding_fen": 0,
    },
    "claims": {
        "count": 0, "paid": 0, "paid_fen": 0, "to_loss_payee_fen": 0, "days_to_payout_mean": 0,
        "days_to_payout_max": 0, "deadline_breaches": 0, "duplicates_refused": 0,
        "policies_expired": 0, "policies_closed": 0,
    },
    "premium": {"by_level": {ANY: 0}, "total_fen": 0, "subsidy_fen": 0, "farmers_fen": 0},
    "subsidy": {ANY: 0},
    "orders": dict.fromkeys(
        ("created", "confirmed", "financed", "financed_fen", "cancelled", "short_delivered",
         "late_deliveries", "buyer_defaults", "shortfall_to_direct_debt", "settled"), 0,
    ),
    "disputes": {ANY: 0},
    "network": {"messages": {ANY: 0}, "lost": 0},
    "clients": {
        "submitted": 0, "committed": 0, "rejected": 0, "refused_at_gate": 0,
        "by_action": {ANY: 0}, "rejections": {ANY: 0},
    },
    "flagged": {ANY: {"height": 0}},
    "seasons": {ANY: {
        "from_day": 0, "to_day": 0, "loans": 0, "issued_fen": 0, "by_bank": {ANY: {ANY: 0}},
        "interest_fen": 0, "borrowers_interest_fen": 0, "subsidy_fen": 0,
        "subsidy_payments": 0, "subsidy_share_bp": 0,
    }},
    "run": {ANY: 0},
    "passed": 0,
}
"""The numbers ``metrics.json`` holds, by dotted name (``*``: any key there)."""


def metric_known(name: str) -> bool:
    node: Any = METRICS
    for part in name.split("."):
        if not isinstance(node, Mapping):
            return False
        node = node.get(part, node.get(ANY))
        if node is None:
            return False
    return not isinstance(node, Mapping)


def _metric_names() -> str:
    def walk(node: Mapping[str, Any], prefix: str) -> Iterator[str]:
        for key, sub in node.items():
            yield from walk(sub, f"{prefix}{key}.") if isinstance(sub, Mapping) else [prefix + key]

    return ", ".join(sorted(n for n in walk(METRICS, "") if ANY not in n))


def _contracts(scenario: Scenario) -> dict[str, type[Contract]]:
    names = list(scenario.network.contracts) or None
    installed = discover(None)
    return {n: c for n, c in installed.items() if names is None or n in names}


def _members(scenario: Scenario) -> tuple[dict[str, set[str]], set[str]]:
    """Named members per org, and the orgs whose members are generated (any name goes)."""
    named = {
        o.id: {f"{o.id}.{m}" for m in o.members} | {f"{o.id}.peer"}
        for o in scenario.network.organisations
    }
    generated = {org for p in scenario.populations for org in p.organisations}
    return named, generated


def _member_problem(
    member: str, named: Mapping[str, set[str]], generated: set[str]
) -> str | None:
    org = member.split(".", 1)[0]
    if org not in named:
        return f"no organisation {org!r}; organisations: {', '.join(sorted(named))}"
    if member in named[org] or org in generated:
        return None
    return f"no member {member!r}; members of {org}: {', '.join(sorted(named[org]))}"


def _peer_problem(name: str, peers: set[str], orderer_ok: bool = False) -> str | None:
    if name in peers or (orderer_ok and name == "orderer"):
        return None
    extra = " or 'orderer'" if orderer_ok else ""
    return f"no peer {name!r}; organisations running a peer: {', '.join(sorted(peers))}{extra}"


def _fault_problems(scenario: Scenario, peers: set[str]) -> Iterator[Problem]:
    for i, fault in enumerate(scenario.faults):
        if isinstance(fault, CrashFault | ByzantineFault):
            found = _peer_problem(fault.peer, peers)
            if found:
                yield ("faults", i, "peer"), found
        elif isinstance(fault, PartitionFault):
            for g, group in enumerate(fault.groups):
                for m, name in enumerate(group):
                    found = _peer_problem(name, peers, orderer_ok=True)
                    if found:
                        yield ("faults", i, "groups", g, m), found
        elif isinstance(fault, SlowLinkFault):
            for side in ("a", "b"):
                found = _peer_problem(getattr(fault, side), peers, orderer_ok=True)
                if found:
                    yield ("faults", i, side), found


def _not_enabled(where: Loc, contracts: Mapping[str, type[Contract]], contract: str) -> Problem:
    return (*where, "contract"), (
        f"contract {contract!r} is not enabled; enabled: {', '.join(sorted(contracts))}"
    )


def _unknown_names(
    where: Loc, names: Iterable[str], known: Iterable[str], what: str, owner: str
) -> Iterator[Problem]:
    """Each of ``names`` that is not one of ``known`` (an argument, a param), by name."""
    known = list(known)
    for name in names:
        if name not in known:
            yield (*where, name), f"{owner} has no {what} {name!r}; {what}s: {', '.join(known)}"


def _action_problems(
    where: Loc, contracts: Mapping[str, type[Contract]], contract: str, action: str,
    args: Mapping[str, Any],
) -> Iterator[Problem]:
    cls = contracts.get(contract)
    if cls is None:
        yield _not_enabled(where, contracts, contract)
        return
    spec = cls.actions.get(action)
    if spec is None:
        yield (*where, "action"), (
            f"{contract} has no action {action!r}; actions: {', '.join(sorted(cls.actions))}"
        )
        return
    fields = spec.model.model_fields
    yield from _unknown_names((*where, "args"), args, fields, "argument", f"{contract}.{action}")
    for name, info in fields.items():
        if info.is_required() and name not in args:
            yield (*where, "args"), f"{contract}.{action} needs argument {name!r}"


_CHANGE: TypeAdapter[Any] = TypeAdapter(Change)
CHANGE_KINDS = ("set_params", "enable_contract", "upgrade_contract", "add_org", "remove_org",
                "rotate_ca")


def _signer_problem(
    name: str, scenario: Scenario, named: Mapping[str, set[str]], generated: set[str]
) -> str | None:
    """A governance signer: a member id, or an organisation id standing for its admin."""
    if "." in name:
        return _member_problem(name, named, generated)
    org = next((o for o in scenario.network.organisations if o.id == name), None)
    if org is None:
        return f"no organisation {name!r}; organisations: {', '.join(sorted(named))}"
    if "admin" not in org.members.values():
        return f"organisation {name!r} has no member with role admin to sign for it"
    return None


def _change_problems(
    where: Loc, change: Mapping[str, Any], scenario: Scenario,
    contracts: Mapping[str, type[Contract]],
) -> Iterator[Problem]:
    kind = change.get("kind")
    if kind not in CHANGE_KINDS:
        yield (*where, "kind"), f"unknown change kind {kind!r}; kinds: {', '.join(CHANGE_KINDS)}"
        return
    if kind == "add_org":
        org_id = change.get("org_id")
        org = next((o for o in scenario.network.organisations if o.id == org_id), None)
        if org is None:
            yield (*where, "org_id"), (
                f"no organisation {org_id!r} in network.organisations (list it with joins_day)"
            )
        elif org.joins_day is None and "ca_certificate" not in change:
            yield (*where, "org_id"), (
                f"{org_id} is in genesis; an organisation a step admits has joins_day"
            )
        extra = sorted(set(change) - {"kind", "org_id", "org_type", "ca_certificate",
                                      "admin_certificate"})
        for name in extra:
            yield (*where, name), f"add_org has no field {name!r}"
        return
    if kind == "set_params":
        contract = str(change.get("contract"))
        cls = contracts.get(contract)
        if cls is None:
            yield _not_enabled(where, contracts, contract)
            return
        params = change.get("params")
        if not isinstance(params, Mapping):
            yield (*where, "params"), "a mapping of the contract's params to their new values"
            return
        fields = cls.Params.model_fields
        yield from _unknown_names((*where, "params"), params, fields, "param", contract)
        try:
            cls.Params.model_validate({k: v for k, v in params.items() if k in fields})
        except ValidationError as exc:
            for error in exc.errors():
                yield (*where, "params", *error["loc"]), error["msg"]
        return
    try:
        _CHANGE.validate_python(dict(change))
    except ValidationError as exc:
        for error in exc.errors():
            yield (*where, *[p for p in error["loc"] if p != kind]), error["msg"]


def _governance_problems(
    scenario: Scenario, contracts: Mapping[str, type[Contract]],
    named: Mapping[str, set[str]], generated: set[str],
) -> Iterator[Problem]:
    if scenario.governance and "governance" not in contracts:
        yield ("governance",), (
            "the governance contract is not enabled: add governance: {} to network.contracts"
        )
        return
    proposed: set[str] = set()
    admitted: dict[str, float] = {}
    for i, step in enumerate(scenario.governance):
        signers: list[tuple[str, int | None, str]] = [
            ("approvals", j, m) for j, m in enumerate(step.approvals)
        ]
        signers += [("rejections", j, m) for j, m in enumerate(step.rejections)]
        if step.proposer is not None:
            signers.insert(0, ("proposer", None, step.proposer))
        for field, j, name in signers:
            problem = _signer_problem(name, scenario, named, generated)
            if problem:
                loc: Loc = ("governance", i, field) if j is None else ("governance", i, field, j)
                yield loc, problem
        if step.change is None:
            if step.proposal not in proposed:
                yield ("governance", i, "proposal"), (
                    f"no earlier step proposes {step.proposal!r} (a step without change "
                    "votes on one)"
                )
            continue
        proposed.add(step.proposal)
        yield from _change_problems(("governance", i, "change"), step.change, scenario,
                                    contracts)
        if step.change.get("kind") == "add_org":
            admitted.setdefault(str(step.change.get("org_id")), step.day)
    for k, org in enumerate(scenario.network.organisations):
        if org.joins_day is None:
            continue
        day = admitted.get(org.id)
        if day is None:
            yield ("network", "organisations", k, "joins_day"), (
                f"{org.id} is not in genesis, and no governance step admits it "
                "(change: {kind: add_org, org_id: " + org.id + "})"
            )
        elif day >= org.joins_day:
            yield ("network", "organisations", k, "joins_day"), (
                f"{org.id} joins on day {org.joins_day:g}, but the step admitting it is on "
                f"day {day:g}: admit it before"
            )


def problems(scenario: Scenario) -> list[Problem]:
    """Every unresolved name in ``scenario``, as (field path, rule)."""
    peers = {o.id for o in scenario.network.organisations if o.peer}
    named, generated = _members(scenario)
    contracts = _contracts(scenario)
    found: list[Problem] = list(_fault_problems(scenario, peers))
    for i, item in enumerate(scenario.timeline):
        for loc, member in [(("actor",), item.actor)] + [
            (("co_signers", j), m) for j, m in enumerate(item.co_signers)
        ]:
            problem = _member_problem(member, named, generated)
            if problem:
                found.append((("timeline", i, *loc), problem))
        found += _action_problems(("timeline", i), contracts, item.contract, item.action,
                                  item.args)
    found += _governance_problems(scenario, contracts, named, generated)
    for i, expectation in enumerate(scenario.expect):
        if isinstance(expectation, StateFact | ViewFact) and expectation.contract not in contracts:
            found.append((("expect", i, "contract"), (
                f"contract {expectation.contract!r} is not enabled; enabled: "
                f"{', '.join(sorted(contracts))}"
            )))
        elif isinstance(expectation, ViewFact):
            views = contracts[expectation.contract].views
            if expectation.view not in views:
                found.append((("expect", i, "view"), (
                    f"{expectation.contract} has no view {expectation.view!r}; views: "
                    f"{', '.join(sorted(views))}"
                )))
        elif isinstance(expectation, MetricThreshold) and not metric_known(expectation.name):
            found.append((("expect", i, "name"), (
                f"no metric {expectation.name!r}; metrics: {_metric_names()}"
            )))
    return found
