"""Disputes: a party's dispute freezes the receipt, order or claim it names until it closes.

Flow (table in ``machine.py``): a party files (FILED) and the asset is frozen at once (D1);
the government mediation committee (role ``mediator``) accepts or declines it, mediates, and
seals an agreement that both parties co-sign (D2: the seal needs a mediator's signature);
the parties may jointly ask for court confirmation within ``confirm_days`` of signing; the
committee records the court's answer (CONFIRMED / REJECTED) and enforcement (ENFORCED). The
dispute closes - and the asset thaws - at PERFORMED, ENFORCED, DECLINED or WITHDRAWN;
a case in FAILED or LITIGATION stays frozen until the court's outcome is recorded (enforce).

Standing (D5): the asset must exist and both parties must be parties to it, as the contract
owning the asset's kind says (``asset_contracts``; the ``asset_parties`` view of
``contracts.assets``). A stranger cannot freeze what is not its business, and a claimant
cannot name an accomplice as respondent to collect its own forfeited security.

Security (D6): freezing an asset that is not the claimant's own escrows a deposit from the
claimant's account into ``escrow:disputes:deposits`` (``deposit_bp`` of the larger of the
amount claimed and the asset's value). The debit is settlement's like any other: an org
claimant's filing is signed or co-signed by its treasurer (two above the dual-control
threshold); its loan officer or manager alone cannot pay security from the org's account.
When the dispute closes the contract pays it out of its escrow: back to the claimant if
the claim was upheld (agreement performed, or a court outcome for the claimant), to the
respondent if it was dismissed (declined, withdrawn, or a court outcome against the
claimant). No action releases it earlier.

Enforcement (D7): the court (role ``court``) confirms agreements and enters the ENFORCED
outcome: ``enforce`` executes a confirmed agreement's terms, ``judge`` a judgment after
litigation. A judgment is a legal compulsion: each term the respondent owes is paid at
once from the respondent's own account (member or org), up to the term and to what it
holds, without the respondent's signature, through settlement's ``compel`` (granted to
this contract and the court role alone, ``compelled_debit_roles``). A term the claimant
owes moves only under the claimant's own money authority. The rest stays recorded as a
judgment debt, which ``pay_judgment`` by the debtor (an org through its treasurer)
reduces and the ``judgment_debts`` view lists.

Payout paths (D7, D3): the asset's contract, not the parties, says which path a term
takes (``contracts.assets.court_path``, recorded as the term's ``via``). An ``asset``
term is paid only down the asset's own payout path, the owner's ``court_payout``: a
claim's payout (loss payee first, within the sum insured, booked in the consortium
book, deducted from the claim's own payment), a financed receivable's (the controlled
account, the bank first). The money passes whole through ``escrow:disputes:court``
(compelled from the respondent, or paid in under the payer's own authority), and what
the path does not take goes back in the same tx; the rest of the term stays owed. A
court may also order the frozen asset sold (``sale``; a pledged receipt: the buyer
co-signs and pays, the loan's A10 waterfall runs) before the terms are paid.
How the court's money moves (paths, compulsion, sale, judgment) is ``enforcement.py``;
this module holds the actions and the state they keep.

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

from contracts.assets import asset_parties
from contracts.base import Contract, action, view
from contracts.builtin.disputes.enforcement import Court
from contracts.builtin.disputes.errors import (
    AlreadyEscalated,
    AssetAlreadyDisputed,
    AssetNotFound,
    ConfirmationWindowClosed,
    DeadlineNotPassed,
    DismissalWithTerms,
    DisputeAlreadyExists,
    DisputeNotFound,
    ExtensionNotAllowed,
    InvalidTransition,
    NoJudgmentDebt,
    NoStanding,
    Overpayment,
    PayerMustSign,
    PayoutPathShort,
    RespondentNotParty,
    SameParty,
    UnsupportedAsset,
)
from contracts.builtin.disputes.invariants import DisputesInvariants
from contracts.builtin.disputes.machine import (
    TRANSITIONS,
    add_days,
    handling_days,
    is_past,
    security,
)
from contracts.builtin.disputes.models import (
    AssetQuery,
    ConfirmationArgs,
    DisputeArgs,
    DisputeQuery,
    DisputesParams,
    EnforceArgs,
    FailArgs,
    JudgmentArgs,
    NoQuery,
    OpenArgs,
    PayJudgmentArgs,
    SignAgreementArgs,
)
from contracts.builtin.disputes.readers import READERS
from contracts.builtin.disputes.records import (
    HANDLING_STATES,
    Agreement,
    Complexity,
    Dispute,
    DisputeState,
    Escalation,
    Judgment,
    JudgmentDebt,
    Step,
    dispute_key,
    open_key,
)
from contracts.context import Context, ReadContext
from contracts.policy import Party, Principal, Role, all_of

MEDIATOR = Role("government", "mediator")
COURT = Role("government", "court")
DEPOSITS = "deposits"
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


def _judgment_term(dispute: Dispute, term: int) -> tuple[Judgment, JudgmentDebt]:
    """The dispute's judgment and its ``term``-th debt, or NO_JUDGMENT_DEBT."""
    judgment = dispute.judgment
    if judgment is None or term >= len(judgment.debts):
        raise NoJudgmentDebt(f"dispute {dispute.id} has no judgment term {term}",
                             dispute=dispute.id, term=term)
    return judgment, judgment.debts[term]


def _payer(_self: Any, ctx: ReadContext, args: PayJudgmentArgs) -> Mapping[str, Any]:
    return {"payer": _judgment_term(_load(ctx, args.dispute), args.term)[1].payer}


def _check_step(dispute: Dispute, step: str) -> DisputeState:
    """The state ``step`` leads to, if the table allows it from the dispute's state."""
    sources, target = TRANSITIONS[step]
    if dispute.state not in sources:
        raise InvalidTransition(
            f"dispute {dispute.id} is {dispute.state.value}; {step} needs "
            f"{sorted(s.value for s in sources)}",
            dispute=dispute.id, state=dispute.state.value, action=step,
        )
    return target


def _signer_as(ctx: Context, role: Role) -> Principal:
    """The signer acting in ``role`` (the policy guarantees one)."""
    return next((s for s in ctx.signers if s.org_type == role.org_type and s.role == role.role),
                ctx.signer)


class DisputesContract(DisputesInvariants, Contract):
    name = "disputes"
    version = "1"
    readers = READERS
    freezes_assets = True  # its is_frozen view answers ctx.is_frozen for every contract
    description = "Dispute mediation; an open dispute freezes the asset it names."
    Params = DisputesParams

    def _advance(self, ctx: Context, dispute: Dispute, step: str, **changes: Any) -> Dispute:
        """Move the dispute along the table; settle its security and thaw its asset when
        it closes."""
        target = _check_step(dispute, step)
        history = (*dispute.history, Step(state=target, at=ctx.time, by=ctx.signer.member_id))
        new = dispute.model_copy(update={**changes, "state": target, "history": history})
        if not new.is_open:
            new = self._settle_deposit(ctx, new)
            ctx.delete(open_key(dispute.asset))
            ctx.emit("AssetReleased", asset=dispute.asset, dispute=dispute.id)
        ctx.save(dispute_key(dispute.id), new)
        ctx.emit("DisputeStateChanged", dispute=dispute.id, state=target.value,
                 previous=dispute.state.value)
        return new

    def _settle_deposit(self, ctx: Context, dispute: Dispute) -> Dispute:
        """Pay a closing dispute's security out of the escrow to whom the outcome owes it."""
        if not dispute.deposit:
            return dispute
        to = dispute.deposit_owed_to
        ctx.transfer(ctx.escrow(DEPOSITS), to, dispute.deposit, memo=f"dispute {dispute.id}")
        ctx.emit("DepositReturned" if to == dispute.claimant else "DepositForfeited",
                 dispute=dispute.id, to=to, amount=dispute.deposit)
        return dispute.model_copy(update={"deposit_to": to})

    @property
    def _court(self) -> Court:
        """The court's money moves (``enforcement.py``), under the current parameters."""
        return Court(self.name, self.params)

    # -- filing ----------------------------------------------------------------------------

    @action(OpenArgs, policy=Party("claimant"), parties=_claimant)
    def open(self, ctx: Context, args: OpenArgs) -> None:
        """A party to a receipt, order or claim files a dispute over it against another
        party; the asset is frozen from now on, against security unless it is the
        claimant's own (D5, D6)."""
        kind, _, ident = args.asset.partition(":")
        owner = self.params.asset_contracts.get(kind)
        if owner is None or not ident:
            raise UnsupportedAsset(
                f"asset {args.asset!r} is not <kind>:<id> with kind in "
                f"{sorted(self.params.asset_contracts)}",
                asset=args.asset,
            )
        if args.claimant == args.respondent:
            raise SameParty(f"{args.claimant} cannot dispute with itself", party=args.claimant)
        if ctx.get(dispute_key(args.dispute)) is not None:
            raise DisputeAlreadyExists(f"dispute {args.dispute} already exists",
                                       dispute=args.dispute)
        asset = asset_parties(ctx, owner, args.asset)
        if not asset.exists:
            raise AssetNotFound(args.asset)
        if args.claimant not in asset.parties:
            raise NoStanding(f"{args.claimant} is not a party to {args.asset} "
                             f"(parties: {list(asset.parties)})",
                             asset=args.asset, claimant=args.claimant)
        if args.respondent not in asset.parties:
            raise RespondentNotParty(f"{args.respondent} is not a party to {args.asset} "
                                     f"(parties: {list(asset.parties)})",
                                     asset=args.asset, respondent=args.respondent)
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
            claimed=args.amount,
            deposit=0 if args.claimant in asset.owners
            else security(max(args.amount, asset.value), self.params.deposit_bp),
        )
        ctx.save(dispute_key(args.dispute), dispute)
        ctx.put(open_key(args.asset), {"dispute": args.dispute})
        if dispute.deposit:
            ctx.transfer(args.claimant, ctx.escrow(DEPOSITS), dispute.deposit,
                         memo=f"security for dispute {args.dispute}")
            ctx.emit("DepositEscrowed", dispute=args.dispute, claimant=args.claimant,
                     amount=dispute.deposit)
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
        _check_step(dispute, "sign_agreement")
        terms = self._court.route(ctx, dispute, args.terms)
        sealer = _signer_as(ctx, MEDIATOR)
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

    @action(ConfirmationArgs, policy=COURT)
    def record_confirmation(self, ctx: Context, args: ConfirmationArgs) -> None:
        """The court decides the joint application to confirm the agreement."""
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
            paid = self._court.pay(ctx, dispute, term, term.amount)
            if paid < term.amount:
                raise PayoutPathShort(
                    f"{dispute.asset}'s payout path takes {paid} of the {term.amount} fen "
                    f"{term.payer} owes {term.payee}: the agreement cannot be performed whole",
                    asset=dispute.asset, amount=term.amount, applied=paid)

    @action(DisputeArgs, policy=EITHER_PARTY, parties=_parties)
    def litigate(self, ctx: Context, args: DisputeArgs) -> None:
        """A party takes a failed mediation (or a refused confirmation) to court."""
        self._advance(ctx, _load(ctx, args.dispute), "litigate")

    @action(EnforceArgs, policy=COURT)
    def enforce(self, ctx: Context, args: EnforceArgs) -> None:
        """The court enforces a confirmed agreement: its terms are paid or become judgment
        debts, the claimant's security comes back, and the case closes (D7)."""
        dispute = _load(ctx, args.dispute)
        _check_step(dispute, "enforce")
        terms = dispute.agreement.terms if dispute.agreement is not None else ()
        judgment = self._court.execute(ctx, dispute, terms, True, args.court_ref,
                                       _signer_as(ctx, COURT), args.sale)
        self._close_with(ctx, dispute, "enforce", judgment)

    @action(JudgmentArgs, policy=COURT)
    def judge(self, ctx: Context, args: JudgmentArgs) -> None:
        """The court's judgment after litigation: upholding the claim (with the money it
        orders) or dismissing it, which forfeits the claimant's security (D6, D7)."""
        dispute = _load(ctx, args.dispute)
        _check_step(dispute, "judge")
        if args.terms and not args.upheld:
            raise DismissalWithTerms(f"a judgment dismissing {dispute.id} orders no payment",
                                     dispute=dispute.id)
        terms = self._court.route(ctx, dispute, args.terms)
        judgment = self._court.execute(ctx, dispute, terms, args.upheld, args.court_ref,
                                       _signer_as(ctx, COURT), args.sale)
        self._close_with(ctx, dispute, "judge", judgment)

    def _close_with(self, ctx: Context, dispute: Dispute, step: str, judgment: Judgment) -> None:
        """Record the court's outcome; the deposit follows it (see ``Dispute.upheld``)."""
        self._advance(ctx, dispute, step, judgment=judgment, court_ref=judgment.court_ref)

    @action(PayJudgmentArgs, policy=Party("payer"), parties=_payer)
    def pay_judgment(self, ctx: Context, args: PayJudgmentArgs) -> None:
        """The judgment debtor pays (part of) what is still owed on one term (D7)."""
        dispute = _load(ctx, args.dispute)
        judgment, debt = _judgment_term(dispute, args.term)
        if debt.outstanding == 0:
            raise NoJudgmentDebt(f"term {args.term} of {dispute.id} is paid in full",
                                 dispute=dispute.id, term=args.term)
        if args.amount > debt.outstanding:
            raise Overpayment(f"{args.amount} fen exceeds the {debt.outstanding} fen still "
                              f"owed on term {args.term} of {dispute.id}",
                              dispute=dispute.id, outstanding=debt.outstanding)
        paid = self._court.pay(ctx, dispute, debt, args.amount)
        if paid < args.amount:
            raise PayoutPathShort(
                f"{dispute.asset}'s payout path takes {paid} of the {args.amount} fen offered "
                f"on term {args.term} of {dispute.id}", asset=dispute.asset,
                amount=args.amount, applied=paid)
        debts = list(judgment.debts)
        debts[args.term] = debt.model_copy(update={"paid": debt.paid + args.amount})
        judgment = judgment.model_copy(update={"debts": tuple(debts)})
        ctx.save(dispute_key(dispute.id), dispute.model_copy(update={"judgment": judgment}))
        ctx.emit("JudgmentPaid", dispute=dispute.id, term=args.term, payer=debt.payer,
                 amount=args.amount, outstanding=debt.outstanding - args.amount)

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
    def judgment_debts(self, ctx: ReadContext, query: NoQuery) -> Any:
        """Every judgment term not yet paid in full, in dispute order."""
        rows: list[dict[str, Any]] = []
        for _, raw in ctx.scan("dispute/"):
            dispute = Dispute.model_validate(raw)
            debts = dispute.judgment.debts if dispute.judgment is not None else ()
            rows.extend({"dispute": dispute.id, "term": i, "payer": d.payer, "payee": d.payee,
                         "amount": d.amount, "paid": d.paid, "outstanding": d.outstanding,
                         "via": d.via.value}
                        for i, d in enumerate(debts) if d.outstanding)
        return rows

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
