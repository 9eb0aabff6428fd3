"""The ``warehouse_receipt`` contract: electronic warehouse receipts and pledge loans.

Wiring only: each action names its argument model, its policy (policies.py) and
its parties, and hands over to receipts.py, loans.py or enforcement.py. States, rounding and
parameters are documented where they live: records.py (states), interest.py
(actual/365, floor with exact carry), ltv.py (cap, warning and liquidation lines),
waterfall.py (costs -> interest -> principal -> surplus), prices.py (attested prices,
the only source of a revaluation or a take's floor), impairment.py (goods lost in store,
stored-goods insurance: V4), custody.py (piles, collateral managers, stock checks: V5),
params.py (defaults).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import BaseModel

from contracts.base import Contract, action, invariant, operation, view
from contracts.builtin.warehouse_receipt import (
    custody,
    enforcement,
    impairment,
    loans,
    models,
    prices,
    receipts,
)
from contracts.builtin.warehouse_receipt import invariants as inv
from contracts.builtin.warehouse_receipt import policies as pol
from contracts.builtin.warehouse_receipt.errors import ReceiptNotActive, ReceiptNotExpired
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.parties import ReceiptParties
from contracts.builtin.warehouse_receipt.readers import READERS
from contracts.builtin.warehouse_receipt.records import TERMINAL_RECEIPT_STATES, ReceiptState
from contracts.builtin.warehouse_receipt.store import (
    all_loans,
    all_lots,
    all_receipts,
    find_custody,
    find_price,
    get_loan,
    get_lot,
    get_receipt,
)
from contracts.context import Context, ReadContext
from contracts.lending.operations import Applied, LoanProceedsArgs
from contracts.types import MAX_AMOUNT


class WarehouseReceiptContract(ReceiptParties, Contract):
    name = "warehouse_receipt"
    version = "1"
    readers = READERS
    description = "Electronic warehouse receipts and pledge loans against them."
    Params: ClassVar[type[BaseModel]] = WarehouseReceiptParams

    @property
    def p(self) -> WarehouseReceiptParams:
        params: WarehouseReceiptParams = self.params
        return params

    # -- receipts ------------------------------------------------------------------------

    @action(models.IntakeArgs, policy=pol.KEEPER, parties=pol.warehouse_parties)
    def record_intake(self, ctx: Context, args: models.IntakeArgs) -> None:
        """The keeper records goods received onto a pile; the contract names the new lot
        (``lot-<tx id prefix>``, in the IntakeRecorded event). One lot per pile (V5)."""
        custody.record_intake(ctx, self.p, args)

    @action(models.IssueArgs, policy=pol.KEEPER, parties=pol.warehouse_parties)
    def issue(self, ctx: Context, args: models.IssueArgs) -> None:
        """The warehouse issues a receipt for (part of) an intake lot, never beyond it (A1)."""
        receipts.issue(ctx, self.p, args)

    @action(models.TransferArgs, policy=pol.HOLDER_AND_WAREHOUSE, parties=pol.receipt_parties)
    def transfer(self, ctx: Context, args: models.TransferArgs) -> None:
        """Holder's endorsement with the warehouse's countersignature (Civil Code Art. 910)."""
        receipts.transfer(ctx, args)

    @action(models.SplitArgs, policy=pol.HOLDER_AND_WAREHOUSE, parties=pol.receipt_parties)
    def split(self, ctx: Context, args: models.SplitArgs) -> None:
        """Split into parts; a pledged receipt needs its pledgee's loan officer co-signing."""
        receipts.split(ctx, args)

    @action(models.MergeArgs, policy=pol.HOLDER_AND_WAREHOUSE, parties=pol.merge_parties)
    def merge(self, ctx: Context, args: models.MergeArgs) -> None:
        """Merge unpledged receipts of one lot and holder into one."""
        receipts.merge(ctx, args)

    @action(models.AttestPriceArgs, policy=pol.PRICE_ORACLE)
    def attest_price(self, ctx: Context, args: models.AttestPriceArgs) -> None:
        """A price oracle (price bureau or appraiser, never a bank) attests a market price."""
        prices.attest(ctx, self.p, args)

    @action(models.ReceiptArgs, policy=pol.REVALUER, parties=pol.receipt_parties)
    def revalue(self, ctx: Context, args: models.ReceiptArgs) -> None:
        """Revalue a receipt at the latest attested price (V1): the oracle, the pledgee or
        the holder may ask, nobody names the value. A pledged one may open (or close)
        its loan's margin call."""
        receipt = receipts.revalue(ctx, self.p, args)
        if receipt.loan_id is not None:
            loans.reassess(ctx, self.p, receipt.loan_id)

    @action(models.ReceiptArgs, policy=pol.HOLDER, parties=pol.receipt_parties)
    def request_delivery(self, ctx: Context, args: models.ReceiptArgs) -> None:
        """The holder asks for the goods (unpledged, unexpired) and pays the storage fee."""
        receipts.request_delivery(ctx, args)

    @action(models.ReceiptArgs, policy=pol.KEEPER, parties=pol.receipt_parties)
    def confirm_outbound(self, ctx: Context, args: models.ReceiptArgs) -> None:
        """The warehouse releases the goods; the receipt is cancelled (WITHDRAWN)."""
        receipts.confirm_outbound(ctx, args)

    @action(models.ReceiptArgs, policy=pol.ANYONE)
    def expire(self, ctx: Context, args: models.ReceiptArgs) -> None:
        """Anyone may expire a receipt at or after its expiry; a pledged one defaults its loan."""
        receipt = get_receipt(ctx, args.receipt_id)
        if receipt.state not in (ReceiptState.ACTIVE, ReceiptState.PLEDGED):
            raise ReceiptNotActive(f"receipt {receipt.receipt_id} is {receipt.state}")
        if not receipts.is_expired(ctx, receipt):
            raise ReceiptNotExpired(f"receipt {receipt.receipt_id} expires at {receipt.expiry}")
        if receipt.state is ReceiptState.PLEDGED:
            loans.expire_pledged(ctx, self.p, receipt)
        else:
            receipts.expire_unpledged(ctx, receipt)

    # -- impairment and custody (V4, V5) -------------------------------------------------

    @action(models.LossArgs, policy=pol.WAREHOUSE_KEEPER, parties=pol.receipt_parties)
    def record_loss(self, ctx: Context, args: models.LossArgs) -> None:
        """The keeper records goods lost, spoiled or destroyed in store: the receipt is
        written down (or LOST) and a pledged one's loan reassessed at once."""
        impairment.record_loss(ctx, self.p, args, event=impairment.RECORDED)

    @action(models.LossArgs, policy=pol.ADJUSTER, parties=pol.insured_parties)
    def survey_loss(self, ctx: Context, args: models.LossArgs) -> None:
        """The receipt's stored-goods insurer establishes a loss by survey (same effect)."""
        impairment.record_loss(ctx, self.p, args, event=impairment.SURVEYED)

    @action(models.InsurancePaymentArgs, policy=pol.INSURER_PAYS, parties=pol.insured_parties)
    def pay_goods_insurance(self, ctx: Context, args: models.InsurancePaymentArgs) -> None:
        """The insurer pays on the insured loss: the pledgee first (loss payee), then the holder."""
        impairment.pay_goods_insurance(ctx, self.p, args)

    @action(models.StockCheckArgs, policy=pol.COLLATERAL_MANAGER)
    def attest_stock(self, ctx: Context, args: models.StockCheckArgs) -> None:
        """The warehouse's collateral manager attests its periodic stock count; a count
        that matches the books cures the margin calls a missed one opened."""
        custody.attest_stock(ctx, self.p, args)
        loans.reassess_at(ctx, self.p, args.warehouse)

    # -- loans ---------------------------------------------------------------------------

    @action(models.ApplyArgs, policy=pol.BORROWER, parties=pol.apply_parties)
    def apply(self, ctx: Context, args: models.ApplyArgs) -> None:
        """The holder applies to a bank with receipts it holds (ACTIVE, unexpired, free)."""
        loans.apply(ctx, args)

    @action(models.ApproveArgs, policy=pol.LOAN_OFFICER, parties=pol.loan_parties)
    def approve(self, ctx: Context, args: models.ApproveArgs) -> None:
        """The bank sets principal (<= LTV cap x value), tenor and rate."""
        loans.approve(ctx, self.p, args)

    @action(models.LoanArgs, policy=pol.LOAN_OFFICER, parties=pol.loan_parties)
    def disburse(self, ctx: Context, args: models.LoanArgs) -> None:
        """Mark liens, file them in the registry and pay the principal, all in one tx."""
        loans.disburse(ctx, self.p, args)

    @action(models.RepayArgs, policy=pol.BORROWER, parties=pol.loan_parties)
    def repay(self, ctx: Context, args: models.RepayArgs) -> None:
        """Pay interest then principal; full repayment releases every lien.

        Without ``amount`` the borrower pays off whatever is owed at block time, after
        any interest subsidy (which a borrower cannot know in advance)."""
        loan = get_loan(ctx, args.loan_id)
        if args.amount is None:
            loans.collect(ctx, self.p, loan, loan.borrower, MAX_AMOUNT, cap=True)
            return
        loans.collect(ctx, self.p, loan, loan.borrower, args.amount, cap=False)

    @action(models.LoanReceiptArgs, policy=pol.BORROWER, parties=pol.loan_parties)
    def top_up(self, ctx: Context, args: models.LoanReceiptArgs) -> None:
        """Pledge another receipt of the borrower to the loan (cures a margin call)."""
        loans.top_up(ctx, self.p, args)

    @action(models.LoanReceiptArgs, policy=pol.LOAN_OFFICER, parties=pol.loan_parties)
    def release_receipt(self, ctx: Context, args: models.LoanReceiptArgs) -> None:
        """The bank consents to release one receipt if the rest keeps LTV within the cap."""
        loans.release_receipt(ctx, self.p, args)

    @action(models.LoanArgs, policy=pol.ANYONE_AT_BANK, parties=pol.loan_parties)
    def call_unverified(self, ctx: Context, args: models.LoanArgs) -> None:
        """Anyone at the lending bank calls a loan whose pledged goods lie in a warehouse
        whose stock count is overdue or short (V5): a margin call, cure_days to cure."""
        loans.call_unverified(ctx, self.p, args)

    @action(models.LoanArgs, policy=pol.ANYONE_AT_BANK, parties=pol.loan_parties)
    def mark_default(self, ctx: Context, args: models.LoanArgs) -> None:
        """Anyone at the lending bank, once maturity or the cure period has passed."""
        loans.mark_default(ctx, self.p, args)

    @action(models.EnforceTakeArgs, policy=pol.TAKE, parties=pol.loan_parties)
    def enforce_take(self, ctx: Context, args: models.EnforceTakeArgs) -> None:
        """After default the bank takes the goods at a price agreed with (co-signed by) the
        pledgor, not below attested value less the haircut; surplus to the pledgor."""
        enforcement.take_collateral(ctx, self.p, args)

    @action(models.EnforceSaleArgs, policy=pol.SALE, parties=pol.sale_parties)
    def enforce_sale(self, ctx: Context, args: models.EnforceSaleArgs) -> None:
        """After default the bank sells to a co-signing third-party buyer, who pays."""
        enforcement.auction(ctx, self.p, args)

    @action(models.FailedAuctionArgs, policy=pol.LOAN_OFFICER, parties=pol.loan_parties)
    def record_failed_auction(self, ctx: Context, args: models.FailedAuctionArgs) -> None:
        """An enforcement auction drew no bid at or above its reserve: recorded; the loan
        stays in default for a re-auction or an agreed take (V3)."""
        enforcement.failed_auction(ctx, self.p, args)

    # -- operations for other contracts -------------------------------------------------

    @operation(LoanProceedsArgs, result=Applied)
    def repay_from_proceeds(self, ctx: Context, args: LoanProceedsArgs) -> Applied:
        """Apply up to ``amount`` from ``source`` (e.g. an insurance payout) to the loan;
        returns the fen applied (never more than the debt; 0 once the loan is closed)."""
        loan = get_loan(ctx, args.loan_id)
        if args.amount <= 0 or loan.state not in loans.REPAYABLE:
            return Applied(amount=0)
        return Applied(amount=loans.collect(ctx, self.p, loan, args.source, args.amount,
                                            cap=True))

    # -- views ---------------------------------------------------------------------------

    @view(models.ReceiptQuery)
    def receipt(self, ctx: ReadContext, query: models.ReceiptQuery) -> Any:
        return get_receipt(ctx, query.receipt_id).to_state()

    @view(models.LotQuery)
    def lot(self, ctx: ReadContext, query: models.LotQuery) -> Any:
        return get_lot(ctx, query.warehouse, query.lot_id).to_state()

    @view(models.CustodyQuery)
    def custody(self, ctx: ReadContext, query: models.CustodyQuery) -> Any:
        """A warehouse's collateral manager, last and next stock check, and shortfalls
        (null if it has none), with the goods its books say are in store."""
        found = find_custody(ctx, query.warehouse)
        if found is None:
            return None
        return {**found.to_state(), "books": custody.book_stock(ctx, query.warehouse)}

    @view(models.LoanQuery)
    def loan(self, ctx: ReadContext, query: models.LoanQuery) -> Any:
        """The loan accrued to block time, with what is out and owed (``debt``: after a
        write-off the shortfall is still owed)."""
        loan = loans.accrued(ctx, self.p, get_loan(ctx, query.loan_id))
        return {**loan.to_state(), "principal_outstanding": loan.principal_outstanding,
                "debt": loan.debt}

    @view(models.LoanQuery)
    def outstanding_debt(self, ctx: ReadContext, query: models.LoanQuery) -> Any:
        """Principal plus interest accrued to block time, and who is owed it."""
        loan = loans.accrued(ctx, self.p, get_loan(ctx, query.loan_id))
        return {"outstanding": loan.debt, "lender": loan.bank}

    @view(models.PriceQuery)
    def price(self, ctx: ReadContext, query: models.PriceQuery) -> Any:
        """The latest attested price of a commodity grade per unit (null if none)."""
        found = find_price(ctx, query.commodity, query.grade, query.unit)
        return None if found is None else found.to_state()

    @view(models.HolderQuery)
    def receipts_by_holder(self, ctx: ReadContext, query: models.HolderQuery) -> Any:
        return [
            r.to_state()
            for r in all_receipts(ctx)
            if r.holder == query.holder and r.state not in TERMINAL_RECEIPT_STATES
        ]

    @view(models.AssetQuery)
    def is_encumbered(self, ctx: ReadContext, query: models.AssetQuery) -> Any:
        return ctx.view("registry", "lookup", asset=query.asset)

    # -- invariants ----------------------------------------------------------------------

    def _snapshot(self, ctx: ReadContext) -> inv.Snapshot:
        return inv.Snapshot.of(all_lots(ctx), all_receipts(ctx), all_loans(ctx))

    @invariant("A1", "live receipts of a lot never exceed the goods recorded at intake")
    def a1(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a1_no_over_issue(self._snapshot(ctx))

    @invariant("A2", "a receipt has at most one lien; a lot never backs two loans")
    def a2(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a2_single_lien(self._snapshot(ctx))

    @invariant("A3", "a pledged receipt stays with the borrower, pledged to the lender")
    def a3(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a3_pledged_stay_put(self._snapshot(ctx))

    @invariant("A4", "split and merge conserve quantity, value and grade; parents terminal")
    def a4(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a4_split_merge_conserve(self._snapshot(ctx))

    @invariant("A5", "warehouse issues/cancels, holder transfers, pledgee releases")
    def a5(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a5_right_signers(self._snapshot(ctx))

    @invariant("A6", "WITHDRAWN, MERGED, SPLIT and EXPIRED receipts are never re-activated")
    def a6(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a6_terminal_is_final(self._snapshot(ctx))

    @invariant("A7", "principal within LTV cap at disbursement; DISBURSED below the warning line")
    def a7(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a7_ltv(self._snapshot(ctx), self.p)

    @invariant("A8", "a closed loan holds no liens")
    def a8(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a8_closed_has_no_liens(self._snapshot(ctx))

    @invariant("A9", "the registry holds exactly the liens of live loans")
    def a9(self, ctx: ReadContext) -> Iterable[str]:
        snap = self._snapshot(ctx)
        liens: dict[str, Any] = {}
        if ctx.has_contract("registry"):
            for bank in sorted({loan.bank for loan in snap.loans.values()}):
                for lien in ctx.view("registry", "by_pledgee", pledgee=bank):
                    if lien["filed_by"] == self.name:
                        liens[lien["asset"]] = lien
        return inv.a9_registry_mirrors_liens(snap, liens)

    @invariant("A10", "liquidation pays costs, penalty, interest, principal, then only surplus")
    def a10(self, ctx: ReadContext) -> Iterable[str]:
        return inv.a10_waterfall(self._snapshot(ctx))

    @invariant("V3", "a take is at least attested value less haircut; a sale is to a third party")
    def v3(self, ctx: ReadContext) -> Iterable[str]:
        return inv.v3_enforcement_terms(self._snapshot(ctx), self.p)

    @invariant("V4", "a lost receipt is never live; insurance pays at most the insured loss")
    def v4(self, ctx: ReadContext) -> Iterable[str]:
        return inv.v4_impaired_never_live(self._snapshot(ctx))

    @invariant("V5", "one lot per pile; a borrower's own receipt carries a collateral manager")
    def v5(self, ctx: ReadContext) -> Iterable[str]:
        return inv.v5_custody(self._snapshot(ctx))

    @invariant("L1", "no part of a loan paid beyond what it owes; a written-off claim stays owed")
    def l1(self, ctx: ReadContext) -> Iterable[str]:
        return inv.l1_settlement_conserved(self._snapshot(ctx))
