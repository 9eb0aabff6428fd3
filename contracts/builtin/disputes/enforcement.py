"""The court seam of the disputes contract: how a term's money reaches its payee (D7, D3).

The contract decides *when* the court acts (its actions and state table); this module
decides *how the money moves*: which path each term takes (the asset's own payout path or
a plain account move, as the asset's contract says), compulsion of the respondent through
settlement's ``compel``, payment under the payer's own authority, a court-ordered sale of
the frozen asset, and the judgment that records what was paid and what is still owed.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.assets import (
    CourtPayoutArgs,
    CourtSaleArgs,
    court_path,
    court_payout_of,
    court_sale_of,
)
from contracts.builtin.disputes.errors import (
    DismissalWithTerms,
    SaleNotAvailable,
    TermPayerNotParty,
)
from contracts.builtin.disputes.models import DisputesParams, SaleArgs, TermArgs
from contracts.builtin.disputes.records import (
    Dispute,
    Judgment,
    JudgmentDebt,
    Sale,
    Term,
    TermPath,
)
from contracts.builtin.settlement.authority import DualControlRequired, court_funds
from contracts.context import Context
from contracts.exceptions import Unauthorized
from contracts.money import COMPEL, MoveArgs
from contracts.policy import Principal


@dataclass(frozen=True)
class Court:
    """The court's money moves for the disputes contract named ``contract`` under
    ``params`` (read when the contract acts, so a changed parameter applies at once)."""

    contract: str
    params: DisputesParams

    def owner(self, dispute: Dispute) -> str:
        """The contract that owns the disputed asset's kind."""
        return str(self.params.asset_contracts[dispute.asset.partition(":")[0]])

    def route(self, ctx: Context, dispute: Dispute, given: list[TermArgs]) -> tuple[Term, ...]:
        """The terms, each payer a party, each on the path the asset's contract names."""
        terms = []
        for t in given:
            if t.payer not in (dispute.claimant, dispute.respondent):
                raise TermPayerNotParty(f"payer {t.payer} is not a party to {dispute.id}",
                                        payer=t.payer)
            on_asset = court_path(ctx, self.owner(dispute), dispute.asset, t.payer, t.payee)
            terms.append(Term(payer=t.payer, payee=t.payee, amount=t.amount,
                              via=TermPath.ASSET if on_asset else TermPath.ACCOUNT))
        return tuple(terms)

    def down_path(self, ctx: Context, dispute: Dispute, term: Term | JudgmentDebt,
                  source: str, amount: int) -> int:
        """Send ``amount`` fen from ``source`` down the asset's payout path for ``term``;
        the fen it took (never more than ``amount``)."""
        applied = ctx.invoke(court_payout_of(self.owner(dispute)), CourtPayoutArgs(
            asset=dispute.asset, payer=term.payer, payee=term.payee, source=source,
            amount=amount)).amount
        return min(applied, amount)

    def compel(self, ctx: Context, dispute: Dispute, term: Term, amount: int) -> int:
        """Take up to ``amount`` from the respondent without its signature; the fen paid.

        An account term moves straight to the payee. An asset term is gathered in the
        court-funds escrow, paid down the asset's path from there, and what the path
        did not take goes back to the respondent in the same tx."""
        memo = f"judgment {dispute.id}"
        if term.via is TermPath.ACCOUNT:
            ctx.invoke(COMPEL, MoveArgs(source=term.payer, target=term.payee, amount=amount,
                                        memo=memo))
            return amount
        funds = court_funds(self.contract)
        ctx.invoke(COMPEL, MoveArgs(source=term.payer, target=funds, amount=amount, memo=memo))
        applied = self.down_path(ctx, dispute, term, funds, amount)
        ctx.transfer(funds, term.payer, amount - applied, memo=f"unapplied, {memo}")
        return applied

    def pay(self, ctx: Context, dispute: Dispute, term: Term | JudgmentDebt,
            amount: int) -> int:
        """A signing payer pays ``amount`` on ``term`` by its own authority; the fen paid.

        An asset term's whole amount passes through the court-funds escrow, so the
        payer's authority (treasurer, dual control) is checked on the whole, never on
        the parts the path splits it into; what the path did not take comes back."""
        memo = f"judgment {dispute.id}"
        if term.via is TermPath.ACCOUNT:
            ctx.transfer(term.payer, term.payee, amount, memo=memo)
            return amount
        funds = court_funds(self.contract)
        ctx.transfer(term.payer, funds, amount, memo=memo)
        applied = self.down_path(ctx, dispute, term, funds, amount)
        ctx.transfer(funds, term.payer, amount - applied, memo=f"unapplied, {memo}")
        return applied

    def sell(self, ctx: Context, dispute: Dispute, sale: SaleArgs | None,
             upheld: bool) -> Sale | None:
        """Run a court-ordered sale of the frozen asset through its owner (D7)."""
        if sale is None:
            return None
        kind = dispute.asset.partition(":")[0]
        if kind not in self.params.sale_kinds:
            raise SaleNotAvailable(f"{dispute.asset} is not an asset a court sale reaches "
                                   f"(kinds: {sorted(self.params.sale_kinds)})",
                                   asset=dispute.asset)
        if not upheld:
            raise DismissalWithTerms(f"a judgment dismissing {dispute.id} orders no sale",
                                     dispute=dispute.id)
        ctx.invoke(court_sale_of(self.owner(dispute)), CourtSaleArgs(
            asset=dispute.asset, buyer=sale.buyer, price=sale.price, costs=sale.costs))
        ctx.emit("CourtSale", dispute=dispute.id, asset=dispute.asset, buyer=sale.buyer,
                 price=sale.price, costs=sale.costs)
        return Sale(buyer=sale.buyer, price=sale.price, costs=sale.costs)

    def execute(self, ctx: Context, dispute: Dispute, terms: tuple[Term, ...], upheld: bool,
                court_ref: str, court: Principal, sale: SaleArgs | None = None) -> Judgment:
        """Sell the asset if ordered; pay each term as far as its payer's balance (and
        an asset term's payout path) allows; record the rest as debt; the judgment is
        entered by ``court`` (the signer acting as the court).

        The respondent pays by compulsion: the court's signature on this tx is the
        authority (settlement's ``compel``, the one exception to the payer-signs rule),
        up to the term and to what the respondent holds, member or org account, with
        no co-signature. A term the claimant pays (an agreement may order one) moves
        only as far as the tx may debit the claimant (its signature; for an org, its
        treasurer, two above the dual-control threshold); else it is a debt whole, never
        split to slip under the threshold. An asset term reaches its payee only down the
        asset's payout path (``compel``). Each term is paid once: ``enforce`` and
        ``judge`` close the dispute, and ``pay_judgment`` takes no more than is owed."""
        sold = self.sell(ctx, dispute, sale, upheld)
        debts = []
        for term in terms:
            balance = int(ctx.view("settlement", "balance", account=term.payer)["balance"])
            paid = min(term.amount, balance)
            if paid and term.payer == dispute.respondent:
                paid = self.compel(ctx, dispute, term, paid)
            elif paid and ctx.signed_by(term.payer):
                try:  # the operation is atomic: a refused move leaves nothing behind
                    paid = self.pay(ctx, dispute, term, paid)
                except (Unauthorized, DualControlRequired):
                    paid = 0
            else:
                paid = 0
            debts.append(JudgmentDebt(payer=term.payer, payee=term.payee, amount=term.amount,
                                      paid=paid, via=term.via))
            if paid < term.amount:
                ctx.emit("JudgmentDebtRecorded", dispute=dispute.id, payer=term.payer,
                         payee=term.payee, outstanding=term.amount - paid, via=term.via.value)
        return Judgment(upheld=upheld, court_ref=court_ref, entered_by=court.member_id,
                        entered_org_type=court.org_type, entered_role=court.role, at=ctx.time,
                        debts=tuple(debts), sale=sold)
