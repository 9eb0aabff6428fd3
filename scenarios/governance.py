"""Governance in a scenario: a proposal and its votes as one step, and organisations joining.

A ``GovernanceStep`` is a story: the proposer's tx (none in a step that only votes), then
each vote, each judged like a scripted timeline action (a refusal is a failed expectation
of the run, unless the step expects one: ``expect: rejected`` with ``expect_code``), then,
if the step says so, the proposal's status read on ``check_day``. An organisation with
``joins_day`` is not in genesis: a step admits it (``add_org``, its certificates taken
from the scenario's generated identities), and on its day its admin enrols its members
and the central bank funds it, after which the agents do business with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from contracts.builtin.settlement.contract import IssueArgs
from ledger.identity import certificate_to_pem
from ledger.timefmt import format_time, parse_time
from scenarios.agents.base import AgentKit
from scenarios.agents.funding import ORG_FUNDING
from scenarios.engine import Outcome, Story, Tx, Wait
from scenarios.schema import GovernanceStep
from scenarios.world import World

HeadHeight = Callable[[], int]


def filled_change(change: dict[str, Any], world: World) -> dict[str, Any]:
    """``change`` with a joining organisation's type and certificates filled in."""
    if change.get("kind") != "add_org" or world.joining is None:
        return dict(change)
    identity = world.joining.orgs.get(str(change.get("org_id")))
    if identity is None:
        return dict(change)
    admins = [c for c in identity.members.values() if c.role == "admin"]
    filled = {"org_type": identity.type,
              "ca_certificate": certificate_to_pem(identity.ca_certificate)}
    if admins:
        filled["admin_certificate"] = certificate_to_pem(admins[0].certificate)
    return {**filled, **change}


def signer(world: World, name: str) -> str:
    """A step's signer: a member id as given, or an organisation id for its first admin."""
    if "." in name:
        return name
    admins = sorted(world.members_with_role("admin", name))
    return admins[0] if admins else f"{name}.admin"


def governance_story(
    step: GovernanceStep, world: World, head_height: HeadHeight, kit: AgentKit,
    failures: list[str],
) -> Story:
    label = step.label or f"governance {step.proposal}"
    refused: list[str] = []

    def judged(outcome: Outcome | None, what: str) -> bool:
        """True if the step goes on: the tx committed (or a refusal the step may meet)."""
        assert isinstance(outcome, Outcome)
        if outcome.committed:
            return True
        if step.expect != "rejected":
            failures.append(f"{label}: {what}: expected committed, got {outcome.code}: "
                            f"{outcome.message}")
        elif step.expect_code is not None and outcome.code != step.expect_code:
            failures.append(f"{label}: {what}: expected code {step.expect_code}, got "
                            f"{outcome.code}: {outcome.message}")
        refused.append(what)
        return False

    txs: list[tuple[str, Tx]] = []
    if step.change is not None:
        assert step.proposer is not None
        if step.effective_day is not None:
            start = parse_time(world.scenario.start)
            point: dict[str, Any] = {"effective_time": format_time(
                start + dt.timedelta(days=step.effective_day))}
        else:
            assert step.effective_in_blocks is not None
            point = {"effective_height": head_height() + step.effective_in_blocks}
        proposer = signer(world, step.proposer)
        txs.append((f"{proposer} proposing", Tx(proposer, "governance", "propose", {
            "proposal_id": step.proposal, **point,
            "change": filled_change(step.change, world),
        }, scripted=True)))
    for action, voters in (("approve", step.approvals), ("reject", step.rejections)):
        for voter in voters:
            member = signer(world, voter)
            txs.append((f"{member} voting {action}", Tx(
                member, "governance", action, {"proposal_id": step.proposal}, scripted=True,
            )))
    for what, tx in txs:
        outcome = yield tx
        if not judged(outcome, what):
            break
    if step.expect == "rejected" and not refused:
        failures.append(f"{label}: expected a refusal"
                        f"{f' ({step.expect_code})' if step.expect_code else ''}, "
                        "every tx committed")
    if step.expect_status is None or step.check_day is None:
        return
    yield Wait(until_day=step.check_day)
    reader = signer(world, step.proposer or (step.approvals or step.rejections)[0])
    shown = kit.view(reader, "governance", "proposal", proposal_id=step.proposal)
    if shown["status"] != step.expect_status:
        failures.append(f"{label}: expected status {step.expect_status} on day "
                        f"{step.check_day:g}, got {shown['status']}")


def joining_story(org: str, kit: AgentKit, failures: list[str]) -> Story:
    """On its joins_day: the admin enrols the organisation's members, the central bank
    funds it (the day-0 funding for its type)."""
    world = kit.world
    assert world.joining is not None
    identity = world.joining.orgs[org]
    admins = sorted(m for m, c in identity.members.items() if c.role == "admin")
    if not admins:
        failures.append(f"{org} joins with no admin to enrol its members")
        return
    for member_id, credentials in sorted(identity.members.items()):
        if member_id == admins[0]:
            continue  # admitted with the organisation
        outcome = yield Tx(admins[0], "membership", "enrol",
                           {"certificate": certificate_to_pem(credentials.certificate)},
                           scripted=True)
        assert isinstance(outcome, Outcome)
        if not outcome.committed:
            failures.append(f"{org} joining: enrolling {member_id}: {outcome.code}: "
                            f"{outcome.message} (was it admitted before its joins_day?)")
            return
    spec = world.scenario.agents.funding
    amount = int(getattr(spec, ORG_FUNDING.get(identity.type, ""), 0) or 0)
    central = next((m for g in world.orgs_of_type("government")
                    for m in world.members_with_role("central_bank", g)), None)
    if amount and central is not None and kit.enabled("settlement"):
        yield Tx(central, "settlement", "issue",
                 IssueArgs(account=org, amount=amount, memo="opening balance"))


def governance_stories(
    world: World, kit: AgentKit, head_height: HeadHeight, failures: list[str]
) -> Iterator[tuple[float, str, Story]]:
    for step in world.scenario.governance:
        yield (step.day, step.label or f"governance-{step.proposal}",
               governance_story(step, world, head_height, kit, failures))
    for entry in world.scenario.network.organisations:
        if entry.joins_day is not None:
            yield entry.joins_day, f"join-{entry.id}", joining_story(entry.id, kit, failures)
