"""Disputes: a party's dispute freezes the receipt, order or claim it names until it closes.

Flow (table in ``machine.py``): a party files (FILED) and the asset is frozen at once (D1);
the government mediation committee (role ``mediator``) accepts or declines it, mediates, and
seals an agreement that both parties co-sign (D2: the seal needs a mediator's signature);
the parties may jointly ask for court confirmation within ``confirm_days`` of signing; the
committee records the court's answer (CONFIRMED / REJECTED) and enforcement (ENFORCED). The
dispute closes - and the asset thaws - at PERFORMED, ENFORCED, DECLINED or WITHDRAWN;
a case in FAILED or LITIGATION stays frozen until the court's outcome is recorded (enforce).

Money (D3): an agreement's terms are transfers payer -> payee in fen, each payer being the
claimant or the respondent. ``perform`` executes them in one tx with ``ctx.transfer``, the
same settlement path every contract pays through; every payer must sign it (the settlement
contract would refuse an unsigned debit anyway). A payee may be a bank or a contract escrow,
so terms can repay a loan's lender first, as the waterfall would.

Timers (D4): a complaint must be concluded (agreement or failure) within ``simple_days`` or
``complex_days`` of filing; a complex case may be extended once by ``extension_days`` by the
committee. After the deadline anyone may call ``escalate``, which records the escalation and
emits ``DisputeEscalated``; the ``overdue`` view lists the cases past their deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.base import Contract, action, view
from contracts.builtin.disputes.errors import (
    AlreadyEscalated,
    AssetAlreadyDisputed,
    ConfirmationWindowClosed,
    DeadlineNotPassed,
    DisputeAlreadyExists,
    DisputeNotFound,
    ExtensionNotAllowed,
    InvalidTransition,
    PayerMustSign,
    SameParty,
    TermPayerNotParty,
    UnsupportedAsset,
)
from contracts.builtin.disputes.invariants import DisputesInvariants
from contracts.builtin.disputes.machine import TRANSITIONS, add_days, handling_days, is_past
from contracts.builtin.disputes.models import (
    AssetQuery,
    ConfirmationArgs,
    DisputeArgs,
    DisputeQuery,
    DisputesParams,
    EnforceArgs,
    FailArgs,
    NoQuery,
    OpenArgs,
    SignAgreementArgs,
)
from contracts.builtin.disputes.records import (
    HANDLING_STATES,
    Agreement,
    Complexity,
    Dispute,
    DisputeState,
    Escalation,
    Step,
    Term,
    dispute_key,
    open_key,
)
from contracts.context import Context, ReadContext
from contracts.policy import Party, Role, all_of

MEDIATOR = Role("government", "mediator")
EITHER_PARTY = Party("parties")
BOTH_PARTIES = all_of(Party("claimant"), Party("respondent"))


def _load(ctx: ReadContext, dispute_id: str) -> Dispute:
    return ctx.require(Dispute, dispute_key(dispute_id), DisputeNotFound, dispute_id)


def _parties(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    dispute = _load(ctx, args.dispute)
    return {
        "claimant": dispute.claimant, "respondent": dispute.respondent,
        "parties": [dispute.claimant, dispute.respondent],
    }


def _claimant(_self: Any, _ctx: ReadContext, args: OpenArgs) -> Mapping[str, Any]:
    return {"claimant": args.claimant}


class DisputesContract(DisputesInvariants, Contract):
    name = "disputes"
    version = "1"
    description = "Dispute mediation; an open dispute freezes the asset it names."
    Params = DisputesParams

    def _advance(self, ctx: Context, dispute: Dispute, step: str, **changes: Any) -> Dispute:
        """Move the dispute along the table; thaw its asset when it closes."""
        sources, target = TRANSITIONS[step]
        if dispute.state not in sources:
            raise InvalidTransition(
                f"dispute {dispute.id} is {dispute.state.value}; {step} needs "
                f"{sorted(s.value for s in sources)}",
                dispute=dispute.id, state=dispute.state.value, action=step,
            )
        history = (*dispute.history, Step(state=target, at=ctx.time, by=ctx.signer.member_id))
        new = dispute.model_copy(update={**changes, "state": target, "history": history})
        ctx.save(dispute_key(dispute.id), new)
        if not new.is_open:
            ctx.delete(open_key(dispute.asset))
            ctx.emit("AssetReleased", asset=dispute.asset, dispute=dispute.id)
        ctx.emit("DisputeStateChanged", dispute=dispute.id, state=target.value,
                 previous=dispute.state.value)
        return new

    # -- filing ----------------------------------------------------------------------------

    @action(OpenArgs, policy=Party("claimant"), parties=_claimant)
    def open(self, ctx: Context, args: OpenArgs) -> None:
        """File a dispute on a receipt, order or claim; the asset is frozen from now on."""
        kind, _, ident = args.asset.partition(":")
        if kind not in self.params.asset_kinds or not ident:
            raise UnsupportedAsset(
                f"asset {args.asset!r} is not <kind>:<id> with kind in "
                f"{list(self.params.asset_kinds)}",
                asset=args.asset,
            )
        if args.claimant == args.respondent:
            raise SameParty(f"{args.claimant} cannot dispute with itself", party=args.claimant)
        if ctx.get(dispute_key(args.dispute)) is not None:
            raise DisputeAlreadyExists(f"dispute {args.dispute} already exists",
                                       dispute=args.dispute)
        frozen_by = ctx.get(open_key(args.asset))
        if frozen_by is not None:
            raise AssetAlreadyDisputed(
                f"{args.asset} is already under dispute {frozen_by['dispute']}",
                asset=args.asset, dispute=frozen_by["dispute"],
            )
        days = handling_days(args.complexity, self.params.simple_days, self.params.complex_days)
        dispute = Dispute(
            id=args.dispute, asset=args.asset, claimant=args.claimant,
            respondent=args.respondent, complexity=args.complexity, summary=args.summary,
            state=DisputeState.FILED, filed_at=ctx.time, deadline=add_days(ctx.time, days),
            history=(Step(state=DisputeState.FILED, at=ctx.time, by=ctx.signer.member_id),),
        )
        ctx.save(dispute_key(args.dispute), dispute)
        ctx.put(open_key(args.asset), {"dispute": args.dispute})
        ctx.emit("DisputeOpened", dispute=args.dispute, asset=args.asset,
                 claimant=args.claimant, respondent=args.respondent, deadline=dispute.deadline)
        ctx.emit("AssetFrozen", asset=args.asset, dispute=args.dispute)

    @action(DisputeArgs, policy=Party("claimant"), parties=_parties)
    def withdraw(self, ctx: Context, args: DisputeArgs) -> None:
        """The claimant drops the dispute before an agreement; the asset thaws."""
        self._advance(ctx, _load(ctx, args.dispute), "withdraw")

    # -- the mediation committee -----------------------------------------------------------

    @action(DisputeArgs, policy=MEDIATOR)
    def accept(self, ctx: Context, args: DisputeArgs) -> None:
        """The committee takes the case."""
        self._advance(ctx, _load(ctx, args.dispute), "accept")

    @action(DisputeArgs, policy=MEDIATOR)
    def decline(self, ctx: Context, args: DisputeArgs) -> None:
        """The committee refuses the case (groundless or outside its remit); the asset thaws."""
        self._advance(ctx, _load(ctx, args.dispute), "decline")

    @action(DisputeArgs, policy=MEDIATOR)
    def start_mediation(self, ctx: Context, args: DisputeArgs) -> None:
        self._advance(ctx, _load(ctx, args.dispute), "start_mediation")

    @action(FailArgs, policy=MEDIATOR)
    def fail(self, ctx: Context, args: FailArgs) -> None:
        """Mediation failed; the parties may go to court (the asset stays frozen)."""
        self._advance(ctx, _load(ctx, args.dispute), "fail")

    @action(DisputeArgs, policy=MEDIATOR)
    def extend(self, ctx: Context, args: DisputeArgs) -> None:
        """Extend a complex case's deadline once (the "+30 days with approval")."""
        dispute = _load(ctx, args.dispute)
        if (dispute.complexity is not Complexity.COMPLEX or dispute.extended
                or dispute.state not in HANDLING_STATES):
            raise ExtensionNotAllowed(
                f"dispute {dispute.id} ({dispute.complexity.value}, {dispute.state.value}, "
                f"extended={dispute.extended}) cannot be extended", dispute=dispute.id,
            )
        new = dispute.model_copy(update={
            "extended": True, "deadline": add_days(dispute.deadline, self.params.extension_days),
        })
        ctx.save(dispute_key(dispute.id), new)
        ctx.emit("DisputeExtended", dispute=dispute.id, deadline=new.deadline)

    @action(SignAgreementArgs, policy=all_of(Party("claimant"), Party("respondent"), MEDIATOR),
            parties=_parties)
    def sign_agreement(self, ctx: Context, args: SignAgreementArgs) -> None:
        """Both parties sign and the committee seals the mediation agreement (D2)."""
        dispute = _load(ctx, args.dispute)
        parties = {dispute.claimant, dispute.respondent}
        terms = tuple(Term(payer=t.payer, payee=t.payee, amount=t.amount) for t in args.terms)
        for term in terms:
            if term.payer not in parties:
                raise TermPayerNotParty(f"payer {term.payer} is not a party to {dispute.id}",
                                        payer=term.payer)
        sealer = next((s for s in ctx.signers if s.org_type == MEDIATOR.org_type
                       and s.role == MEDIATOR.role), ctx.signer)
        agreement = Agreement(
            terms=terms, text_hash=args.text_hash, sealed_by=sealer.member_id,
            sealer_org_type=sealer.org_type, sealer_role=sealer.role, signed_at=ctx.time,
            confirm_by=add_days(ctx.time, self.params.confirm_days),
        )
        self._advance(ctx, dispute, "sign_agreement", agreement=agreement)

    # -- court confirmation, performance, litigation --------------------------------------

    @action(DisputeArgs, policy=BOTH_PARTIES, parties=_parties)
    def request_confirmation(self, ctx: Context, args: DisputeArgs) -> None:
        """Both parties jointly apply for court confirmation, within confirm_days of signing."""
        dispute = _load(ctx, args.dispute)
        if dispute.agreement is not None and is_past(ctx.time, dispute.agreement.confirm_by):
            raise ConfirmationWindowClosed(
                f"the window to apply for confirmation of {dispute.id} closed at "
                f"{dispute.agreement.confirm_by}", dispute=dispute.id,
            )
        self._advance(ctx, dispute, "request_confirmation")

    @action(ConfirmationArgs, policy=MEDIATOR)
    def record_confirmation(self, ctx: Context, args: ConfirmationArgs) -> None:
        """The committee records the court's decision on the confirmation application."""
        step = "confirm" if args.confirmed else "reject"
        self._advance(ctx, _load(ctx, args.dispute), step, court_ref=args.court_ref)

    @action(DisputeArgs, policy=EITHER_PARTY, parties=_parties)
    def perform(self, ctx: Context, args: DisputeArgs) -> None:
        """Execute the agreement's money terms through settlement; every payer signs (D3)."""
        dispute = _load(ctx, args.dispute)
        terms = dispute.agreement.terms if dispute.agreement is not None else ()
        self._advance(ctx, dispute, "perform", performed=terms)  # state check first
        for term in terms:
            if not ctx.signed_by(term.payer):
                raise PayerMustSign(f"{term.payer} must sign to pay {term.amount} fen",
                                    payer=term.payer)
            ctx.transfer(term.payer, term.payee, term.amount, memo=f"dispute {dispute.id}")

    @action(DisputeArgs, policy=EITHER_PARTY, parties=_parties)
    def litigate(self, ctx: Context, args: DisputeArgs) -> None:
        """A party takes a failed mediation (or a refused confirmation) to court."""
        self._advance(ctx, _load(ctx, args.dispute), "litigate")

    @action(EnforceArgs, policy=MEDIATOR)
    def enforce(self, ctx: Context, args: EnforceArgs) -> None:
        """The committee records the court's enforcement or final judgment; the case closes.

        Money ordered by a court moves off-ledger or by a later ordinary transfer; this
        records the outcome and thaws the asset."""
        self._advance(ctx, _load(ctx, args.dispute), "enforce", court_ref=args.court_ref)

    # -- timers ----------------------------------------------------------------------------

    @action(DisputeArgs, policy=Role("*", "*"))
    def escalate(self, ctx: Context, args: DisputeArgs) -> None:
        """Anyone may escalate a complaint not concluded by its deadline (once per deadline)."""
        dispute = _load(ctx, args.dispute)
        if dispute.state not in HANDLING_STATES:
            raise InvalidTransition(
                f"dispute {dispute.id} is {dispute.state.value}: its complaint was concluded",
                dispute=dispute.id, state=dispute.state.value, action="escalate",
            )
        if not is_past(ctx.time, dispute.deadline):
            raise DeadlineNotPassed(f"dispute {dispute.id} is due by {dispute.deadline}",
                                    dispute=dispute.id, deadline=dispute.deadline)
        if any(e.deadline == dispute.deadline for e in dispute.escalations):
            raise AlreadyEscalated(f"dispute {dispute.id} was already escalated for "
                                   f"{dispute.deadline}", dispute=dispute.id)
        escalation = Escalation(deadline=dispute.deadline, at=ctx.time, by=ctx.signer.member_id)
        new = dispute.model_copy(update={"escalations": (*dispute.escalations, escalation)})
        ctx.save(dispute_key(dispute.id), new)
        ctx.emit("DisputeEscalated", dispute=dispute.id, asset=dispute.asset,
                 deadline=dispute.deadline, level=len(new.escalations), by=escalation.by)

    # -- views -----------------------------------------------------------------------------

    @view(AssetQuery)
    def is_frozen(self, ctx: ReadContext, query: AssetQuery) -> bool:
        """True while an open dispute names the asset."""
        return ctx.get(open_key(query.asset)) is not None

    @view(DisputeQuery)
    def dispute(self, ctx: ReadContext, query: DisputeQuery) -> Any:
        return _load(ctx, query.dispute).to_state()

    @view(NoQuery)
    def overdue(self, ctx: ReadContext, query: NoQuery) -> Any:
        """Disputes still under complaint handling after their deadline, in id order."""
        rows = []
        for _, raw in ctx.scan("dispute/"):
            dispute = Dispute.model_validate(raw)
            if dispute.state in HANDLING_STATES and is_past(ctx.time, dispute.deadline):
                rows.append({
                    "dispute": dispute.id, "asset": dispute.asset, "state": dispute.state.value,
                    "deadline": dispute.deadline,
                    "escalated": any(e.deadline == dispute.deadline for e in dispute.escalations),
                })
        return rows
