"""Governance: proposals to change the chain's configuration, approved by organisations.

An organisation's admin proposes a change (contract params, enabling or upgrading a
contract, admitting, removing an organisation or rotating its CA) with the block height
it takes effect at. Each organisation votes once, by one of its admins; the proposal is
approved once the genesis policy (``GovernanceParams``) is met, rejected once it no
longer can be, withdrawn by its proposer, or expires when its effective height arrives
while still open. An approved change is written under ``scheduled/<height>/<id>``
(or ``scheduled_at/<time>/<id>`` for a change effective at a time); every peer applies
it at that block boundary (``contracts.governed``), and roster changes are recorded in
the membership contract with the height they are in force from.

State (namespace ``governance``): ``proposal/<id>`` (``Proposal``),
``scheduled/<height, 12 digits>/<id>`` and ``scheduled_at/<time, fixed width>/<id>``
(the change as the peers apply it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from contracts.base import Contract, action, invariant, view
from contracts.builtin.governance.errors import (
    AlreadyVoted,
    EffectiveHeightTooSoon,
    EffectiveTimeTooSoon,
    InvalidChange,
    NotProposer,
    NotYourOrg,
    OrgNotVoting,
    ProposalClosed,
    ProposalExists,
    ProposalExpired,
    ProposalNotFound,
)
from contracts.builtin.governance.models import (
    ROSTER_KINDS,
    AddOrg,
    EnableContract,
    GovernanceParams,
    Proposal,
    ProposalQuery,
    ProposalsQuery,
    ProposeArgs,
    RemoveOrg,
    RotateCa,
    SetParams,
    UpgradeContract,
    VoteArgs,
)
from contracts.builtin.membership.contract import OrgChangeArgs
from contracts.context import Context, ReadContext
from contracts.operations import NoneType, Operation
from contracts.policy import Role
from contracts.readers import Readable
from contracts.roles import DEFAULT_ROLES
from ledger.exceptions import CertificateError, IdentityError
from ledger.identity import ca_org, ca_org_type, certificate_from_pem, check_member_certificate
from ledger.timefmt import parse_time

ORG_ADMIN = Role("*", "admin")
GOVERN_ORG = Operation("membership", "govern_org", OrgChangeArgs, NoneType)


def scheduled_key(height: int, proposal_id: str) -> str:
    """Sorted by height (12 digits), so the peers apply changes in one order."""
    return f"scheduled/{height:012d}/{proposal_id}"


def scheduled_at_key(time: str, proposal_id: str) -> str:
    """Sorted by time: microseconds always written, so the keys are of one width."""
    return f"scheduled_at/{parse_time(time).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}/{proposal_id}"


class GovernanceContract(Contract):
    name = "governance"
    version = "1"
    Params = GovernanceParams
    description = "Consortium proposals and approvals that change params, contracts and members."
    readers = (  # the consortium's decisions are every member's business
        Readable("proposal/{id}", public=True),
        Readable("scheduled/{height}/{id}", public=True),
        Readable("scheduled_at/{time}/{id}", public=True),
    )

    # -- actions -------------------------------------------------------------------------

    @action(ProposeArgs, policy=ORG_ADMIN)
    def propose(self, ctx: Context, args: ProposeArgs) -> None:
        """Propose a change; the proposer's organisation does not thereby approve it."""
        params: GovernanceParams = ctx.params
        if ctx.get(f"proposal/{args.proposal_id}") is not None:
            raise ProposalExists(f"proposal {args.proposal_id} exists", proposal=args.proposal_id)
        signer = ctx.signer
        self._voting_orgs(ctx, signer.org)
        self._check_effective_point(ctx, args, params)
        change = self._checked_change(ctx, args.change, signer.org)
        proposal = Proposal(
            id=args.proposal_id, kind=args.change.kind, change=change,
            effective_height=args.effective_height, effective_time=args.effective_time,
            proposer=signer.member_id, proposer_org=signer.org, proposed_height=ctx.height,
            reason=args.reason,
        )
        ctx.save(f"proposal/{proposal.id}", proposal)
        ctx.emit("ProposalMade", proposal=proposal.id, kind=proposal.kind,
                 proposer=proposal.proposer, **self._point(proposal))

    @action(VoteArgs, policy=ORG_ADMIN)
    def approve(self, ctx: Context, args: VoteArgs) -> None:
        """Approve for the signer's organisation; the approval that meets the policy
        schedules the change."""
        proposal, orgs = self._open(ctx, args.proposal_id)
        proposal.approvals[ctx.signer.org] = ctx.signer.member_id
        if self._passes(proposal, orgs, ctx.params):
            proposal.status = "approved"
            proposal.decided_height = ctx.height
            scheduled = {"proposal": proposal.id, "kind": proposal.kind,
                         "change": proposal.change}
            if proposal.effective_time is not None:
                ctx.put(scheduled_at_key(proposal.effective_time, proposal.id),
                        {**scheduled, "approved_height": ctx.height})
            else:
                assert proposal.effective_height is not None
                ctx.put(scheduled_key(proposal.effective_height, proposal.id), scheduled)
            if proposal.kind in ROSTER_KINDS:
                self._schedule_org_change(ctx, proposal)
            ctx.emit("ProposalApproved", proposal=proposal.id, **self._point(proposal))
        ctx.save(f"proposal/{proposal.id}", proposal)
        ctx.emit("ProposalVoted", proposal=proposal.id, org=ctx.signer.org, vote="approve")

    @action(VoteArgs, policy=ORG_ADMIN)
    def reject(self, ctx: Context, args: VoteArgs) -> None:
        """Vote no for the signer's organisation; once the policy can no longer be met
        (a required org type has no org left to approve, or too few orgs remain) the
        proposal is rejected."""
        proposal, orgs = self._open(ctx, args.proposal_id)
        proposal.rejections[ctx.signer.org] = ctx.signer.member_id
        if not self._can_pass(proposal, orgs, ctx.params):
            proposal.status = "rejected"
            proposal.decided_height = ctx.height
            ctx.emit("ProposalRejected", proposal=proposal.id)
        ctx.save(f"proposal/{proposal.id}", proposal)
        ctx.emit("ProposalVoted", proposal=proposal.id, org=ctx.signer.org, vote="reject")

    @action(VoteArgs, policy=ORG_ADMIN)
    def withdraw(self, ctx: Context, args: VoteArgs) -> None:
        """The proposer's organisation withdraws an open proposal."""
        proposal = self._proposal(ctx, args.proposal_id)
        if proposal.proposer_org != ctx.signer.org:
            raise NotProposer(
                f"only {proposal.proposer_org} may withdraw proposal {proposal.id}",
                proposal=proposal.id,
            )
        self._require_open(ctx, proposal)
        proposal.status = "withdrawn"
        proposal.decided_height = ctx.height
        ctx.save(f"proposal/{proposal.id}", proposal)
        ctx.emit("ProposalWithdrawn", proposal=proposal.id)

    # -- views ---------------------------------------------------------------------------

    @view(ProposalQuery)
    def proposal(self, ctx: ReadContext, query: ProposalQuery) -> Any:
        return self._shown(self._proposal(ctx, query.proposal_id), ctx)

    @view(ProposalsQuery)
    def proposals(self, ctx: ReadContext, query: ProposalsQuery) -> Any:
        shown = [self._shown(Proposal.model_validate(v), ctx)
                 for _k, v in ctx.scan("proposal/")]
        return [p for p in shown if query.status is None or p["status"] == query.status]

    # -- invariants ----------------------------------------------------------------------

    @invariant("G1", "every scheduled change belongs to an approved proposal of that point")
    def scheduled_approved(self, ctx: ReadContext) -> Iterable[str]:
        for key, value in ctx.scan("scheduled/"):
            proposal = ctx.get(f"proposal/{value['proposal']}")
            height = int(key.split("/")[1])
            if proposal is None or proposal["status"] != "approved" or (
                proposal["effective_height"] != height
            ):
                yield f"{key}: no approved proposal takes effect there"
        for key, value in ctx.scan("scheduled_at/"):
            proposal = ctx.get(f"proposal/{value['proposal']}")
            if proposal is None or proposal["status"] != "approved" or (
                proposal.get("effective_time") is None
                or scheduled_at_key(proposal["effective_time"], proposal["id"])
                != key
            ):
                yield f"{key}: no approved proposal takes effect then"

    # -- helpers -------------------------------------------------------------------------

    def _shown(self, proposal: Proposal, ctx: ReadContext) -> dict[str, Any]:
        status = proposal.shown_status(ctx.height, ctx.time)
        shown = {**proposal.to_state(), "effective_time": proposal.effective_time,
                 "status": status}
        if status == "open":
            shown["outstanding"] = self._outstanding(proposal, ctx)
        return shown

    @staticmethod
    def _outstanding(proposal: Proposal, ctx: ReadContext) -> dict[str, Any]:
        """What an open proposal still lacks under the policy, for the people voting."""
        params: GovernanceParams = ctx.params
        orgs = {o["id"]: o["type"] for o in ctx.view("membership", "organisations")}
        approving = [o for o in proposal.approvals if o in orgs]
        needed = params.majority_bp * len(orgs) // 10_000 + 1
        types = {orgs[o] for o in approving}
        return {
            "voting_orgs": len(orgs),
            "approvals": len(approving),
            "approvals_needed": max(0, needed - len(approving)),
            "org_types_missing": [t for t in params.required_org_types if t not in types],
            "not_voted": sorted(o for o in orgs
                                if o not in proposal.approvals and o not in proposal.rejections),
        }

    @staticmethod
    def _point(proposal: Proposal) -> dict[str, Any]:
        """The effective point as events carry it (height events are as they always were)."""
        if proposal.effective_time is not None:
            return {"effective_time": proposal.effective_time}
        return {"effective_height": proposal.effective_height}

    @staticmethod
    def _check_effective_point(
        ctx: ReadContext, args: ProposeArgs, params: GovernanceParams
    ) -> None:
        if args.effective_time is not None:
            if args.change.kind in ROSTER_KINDS:
                raise InvalidChange.at(
                    "args.effective_time",
                    f"a {args.change.kind} change takes effect at a height "
                    "(effective_height): peers check signers against the roster of a "
                    "height before the block's time is known",
                )
            if parse_time(args.effective_time) <= ctx.now:
                raise EffectiveTimeTooSoon.at(
                    "args.effective_time",
                    f"must be after this block's time {ctx.time}",
                )
            return
        assert args.effective_height is not None
        earliest = ctx.height + params.min_lead_blocks
        if args.effective_height < earliest:
            raise EffectiveHeightTooSoon.at(
                "args.effective_height",
                f"must be at least {earliest} (this block is {ctx.height}, "
                f"lead {params.min_lead_blocks})",
            )

    @staticmethod
    def _proposal(ctx: ReadContext, proposal_id: str) -> Proposal:
        proposal = ctx.load(Proposal, f"proposal/{proposal_id}")
        if proposal is None:
            raise ProposalNotFound(proposal_id)
        return proposal

    @staticmethod
    def _require_open(ctx: ReadContext, proposal: Proposal) -> None:
        if proposal.status != "open":
            raise ProposalClosed(
                f"proposal {proposal.id} is {proposal.status}", proposal=proposal.id,
                status=proposal.status,
            )
        if proposal.reached(ctx.height, ctx.time):
            now = str(ctx.height) if proposal.effective_time is None else ctx.time
            raise ProposalExpired(
                f"proposal {proposal.id} expired at its effective "
                f"{proposal.effective_point()} (this block is {now})",
                proposal=proposal.id,
            )

    def _open(self, ctx: Context, proposal_id: str) -> tuple[Proposal, dict[str, str]]:
        proposal = self._proposal(ctx, proposal_id)
        self._require_open(ctx, proposal)
        orgs = self._voting_orgs(ctx, ctx.signer.org)
        org = ctx.signer.org
        if org in proposal.approvals or org in proposal.rejections:
            voter = proposal.approvals.get(org) or proposal.rejections[org]
            raise AlreadyVoted(
                f"{org} has already voted on {proposal.id} (by {voter})",
                proposal=proposal.id, org=org,
            )
        return proposal, orgs

    @staticmethod
    def _voting_orgs(ctx: ReadContext, signer_org: str) -> dict[str, str]:
        """The organisations in force at this height (id -> type); the signer's among them."""
        orgs = {o["id"]: o["type"] for o in ctx.view("membership", "organisations")}
        if signer_org not in orgs:
            raise OrgNotVoting(f"{signer_org} is not a voting organisation", org=signer_org)
        return orgs

    @staticmethod
    def _passes(proposal: Proposal, orgs: Mapping[str, str], params: GovernanceParams) -> bool:
        approving = [o for o in proposal.approvals if o in orgs]
        types = {orgs[o] for o in approving}
        majority = len(approving) * 10_000 > params.majority_bp * len(orgs)
        return majority and all(t in types for t in params.required_org_types)

    @staticmethod
    def _can_pass(proposal: Proposal, orgs: Mapping[str, str], params: GovernanceParams) -> bool:
        """True while the orgs that have not rejected could still approve it."""
        possible = [o for o in orgs if o not in proposal.rejections]
        types = {orgs[o] for o in possible}
        majority = len(possible) * 10_000 > params.majority_bp * len(orgs)
        return majority and all(t in types for t in params.required_org_types)

    def _checked_change(self, ctx: ReadContext, change: Any, signer_org: str) -> dict[str, Any]:
        """The change as it will be applied; InvalidChange names what is wrong."""
        if isinstance(change, SetParams):
            current = ctx.contract_params(change.contract)
            if current is None:
                raise InvalidChange.at("args.change.contract",
                                       f"{change.contract} is not enabled on this chain")
            merged = {**current.model_dump(mode="json"), **change.params}
            try:
                checked = type(current).model_validate(merged)
            except ValidationError as exc:
                problems = "; ".join(
                    f"args.change.params.{'.'.join(map(str, e['loc']))}: {e['msg']}"
                    for e in exc.errors()
                )
                raise InvalidChange(problems, contract=change.contract) from None
            full = checked.model_dump(mode="json")
            # Only the params it names, merged over those in force when it takes effect:
            # carrying all of them, an older proposal coming into force after a newer one
            # on the same contract would put back what the newer one changed.
            return {"kind": change.kind, "contract": change.contract,
                    "params": {key: full[key] for key in change.params}, "merge": True}
        if isinstance(change, EnableContract):
            if ctx.has_contract(change.contract):
                raise InvalidChange.at("args.change.contract",
                                       f"{change.contract} is already enabled")
            return change.model_dump(mode="json")
        if isinstance(change, UpgradeContract):
            if not ctx.has_contract(change.contract):
                raise InvalidChange.at("args.change.contract",
                                       f"{change.contract} is not enabled on this chain")
            return change.model_dump(mode="json")
        orgs = {o["id"]: o["type"] for o in ctx.view("membership", "organisations")}
        if isinstance(change, AddOrg):
            if change.org_type not in DEFAULT_ROLES:
                raise InvalidChange.at("args.change.org_type",
                                       f"unknown org type {change.org_type!r}")
            if change.org_id in orgs or ctx.view("membership", "org_exists", org_id=change.org_id):
                raise InvalidChange.at("args.change.org_id", f"{change.org_id} exists")
            self._check_ca(change.ca_certificate, change.org_id, change.org_type)
            self._check_admin(ctx, change)
            return {**change.model_dump(mode="json"),
                    "roles": sorted(DEFAULT_ROLES[change.org_type])}
        if isinstance(change, RemoveOrg):
            if change.org_id not in orgs:
                raise InvalidChange.at("args.change.org_id",
                                       f"{change.org_id} is not a member organisation")
            return change.model_dump(mode="json")
        assert isinstance(change, RotateCa)
        if change.org_id != signer_org:
            raise NotYourOrg(
                f"only {change.org_id}'s admin may propose rotating its CA "
                f"(signed by {signer_org})", org=change.org_id,
            )
        self._check_ca(change.ca_certificate, change.org_id, orgs[change.org_id])
        return change.model_dump(mode="json")

    @staticmethod
    def _check_ca(pem: str, org_id: str, org_type: str) -> None:
        try:
            ca = certificate_from_pem(pem)
            names = (ca_org(ca), ca_org_type(ca))
        except IdentityError as exc:
            raise InvalidChange.at("args.change.ca_certificate", str(exc)) from None
        if names != (org_id, org_type):
            raise InvalidChange.at(
                "args.change.ca_certificate",
                f"the CA is for {names[0]!r} ({names[1]}), not {org_id!r} ({org_type})",
            )

    @staticmethod
    def _check_admin(ctx: ReadContext, change: AddOrg) -> None:
        try:
            cert = certificate_from_pem(change.admin_certificate)
            record = check_member_certificate(
                cert, certificate_from_pem(change.ca_certificate), at=ctx.now
            )
        except (IdentityError, CertificateError) as exc:
            raise InvalidChange.at("args.change.admin_certificate", str(exc)) from None
        if record.role != "admin" or record.org != change.org_id:
            raise InvalidChange.at(
                "args.change.admin_certificate",
                f"must be an admin of {change.org_id}, is {record.role} of {record.org}",
            )

    @staticmethod
    def _schedule_org_change(ctx: Context, proposal: Proposal) -> None:
        change = proposal.change
        ctx.invoke(GOVERN_ORG, OrgChangeArgs.model_validate({
            "kind": proposal.kind, "org_id": change["org_id"], "height": proposal.effective_height,
            "org_type": change.get("org_type", ""),
            "ca_certificate": change.get("ca_certificate", ""),
            "roles": tuple(change.get("roles", ())),
            "admin_certificate": change.get("admin_certificate", ""),
        }))
