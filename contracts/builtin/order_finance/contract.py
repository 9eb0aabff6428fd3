"""Order financing: purchase order, one loan against it, delivery, receivable, waterfall.

A cooperative (seller) drafts a purchase order; the buyer confirms it; one bank
lends at most ``finance_ratio_bp`` of the confirmed value (B1) against it after the
shared registry shows the order (asset ``order:<id>``) unencumbered, and files its
lien. The loan is disbursed to the seller, or only to listed suppliers when the order
is earmarked (B2). The seller delivers, the buyer accepts all or part; the seller
invoices accepted quantity x price (B5); the buyer pays only into the order's
controlled account ``escrow:order_finance:order:<id>`` (B3); settlement runs the
waterfall (B4, B6): the lending core's for the bank (lending.py: interest subsidy from
the credit contract, agreed fees, penalty, interest, principal), then the remainder to
the receivable holders (waterfall.py).

Design choices (A, docs/domain.md 2.1 and L5):
- cancel before delivery (buyer) accelerates the loan: the whole debt falls due at
  once as the seller's direct debt and the lien closes; once the order is financed the
  buyer cannot cancel alone: the financing bank's loan officer co-signs while its lien
  is open;
- the seller delivers in one or more shipments up to the ordered quantity; the buyer
  accepts what arrived of each; a shipment after ``delivery_due`` is recorded with its
  days late, and then the buyer alone may cancel the undelivered remainder
  (``cancel_remainder``), so the seller invoices only what was accepted; invoicing less
  than ordered records the short quantity;
- a buyer that has not paid the invoice ``payment_days`` after it is in default on the
  receivable (``buyer_default``, recovery.py): recorded against the buyer, the
  receivable stays open and later payments still repay the bank first; recourse to the
  seller is the ``recourse`` parameter;
- a short settlement (short delivery) leaves the unpaid part as the seller's direct
  debt (DIRECT_DEBT), due at maturity, repayable by the seller (``repay``) or an
  insurance payout (``repay_from_proceeds``); the receivable's lien closes with it;
- an open loan past its due time may be defaulted by the bank before the invoice
  (the seller did not perform): money in the controlled account is swept through the
  waterfall first, the rest is written off, and the credit contract records the
  seller's default; once invoiced, only after the buyer's default, and the write-off
  keeps its claim on the receivable;
- a receivable may be split or assigned only by its holder with the lending bank's
  co-signature while the lien is open (Civil Code Art. 445); children conserve value;
- finance, pay, settle, split and transfer refuse an order frozen by a dispute.
Interest, penalty past the due time and their rounding: ``contracts.lending``.
Loan id: ``order_finance:<order id>``.
"""

from __future__ import annotations

from contracts.base import Contract, action, operation
from contracts.builtin.order_finance import lending
from contracts.builtin.order_finance.delivery import OrderDelivery
from contracts.builtin.order_finance.errors import (
    BuyerIsSeller,
    DisbursementNotEarmarked,
    FinancingAboveRatio,
    LoanNotDue,
    LoanNotOpen,
    OrderAlreadyExists,
    OrderEncumbered,
    PayeeNotControlledAccount,
    PaymentExceedsReceivable,
    PaymentNotDue,
    RepaymentExceedsDebt,
    SplitNotConserving,
)
from contracts.builtin.order_finance.guards import (
    BUYER,
    BUYER_TREASURER,
    BUYER_WITH_CONSENT,
    HOLDER_WITH_CONSENT,
    LENDER,
    SELLER,
    order_parties,
    receivable_parties,
    require_future,
    require_open_receivable,
    require_status,
)
from contracts.builtin.order_finance.invariants import OrderFinanceInvariants
from contracts.builtin.order_finance.models import (
    CreateOrderArgs,
    FinanceArgs,
    OrderArgs,
    OrderFinanceParams,
    PayArgs,
    RepayArgs,
    SplitArgs,
    TransferReceivableArgs,
)
from contracts.builtin.order_finance.parties import OrderParties
from contracts.builtin.order_finance.readers import READERS
from contracts.builtin.order_finance.records import (
    OPEN_LOAN,
    Loan,
    LoanStatus,
    Order,
    OrderStatus,
    Receivable,
    ReceivableStatus,
    asset_id,
    controlled_account_name,
    loan_id_of,
    order_key,
)
from contracts.builtin.order_finance.recovery import (
    bank_first,
    days_after,
    recover,
    to_recourse,
    write_off_keeping_claim,
)
from contracts.builtin.order_finance.store import (
    find_loan,
    get_loan,
    get_order,
    get_receivable,
    put_loan,
    put_order,
    put_receivable,
    receivables_of,
)
from contracts.builtin.order_finance.views import OrderFinanceViews
from contracts.builtin.order_finance.waterfall import Leaf, holder_shares
from contracts.builtin.registry.operations import FILE_LIEN, FileLienArgs
from contracts.context import Context, ReadContext
from contracts.exceptions import InvalidArguments
from contracts.lending.operations import (
    RECORD_DEFAULT,
    Applied,
    OrderProceedsArgs,
    RecordDefaultArgs,
)
from contracts.policy import Role, any_of
from contracts.types import MAX_AMOUNT
from ledger.timefmt import parse_time


class OrderFinanceContract(
    OrderDelivery, OrderParties, OrderFinanceViews, OrderFinanceInvariants, Contract
):
    name = "order_finance"
    version = "1"
    readers = READERS
    description = (
        "Purchase-order and receivable financing: one order, one loan, repaid from the "
        "buyer's payment."
    )
    Params = OrderFinanceParams

    # -- order ---------------------------------------------------------------------------

    @action(CreateOrderArgs, policy=Role("cooperative", "manager"))
    def create_order(self, ctx: Context, args: CreateOrderArgs) -> None:
        """A cooperative drafts a purchase order with a buyer org."""
        seller = ctx.signer.org
        if args.buyer == seller:
            raise BuyerIsSeller(f"{seller} cannot sell to itself", seller=seller)
        if ctx.get(order_key(args.order_id)) is not None:
            raise OrderAlreadyExists(f"order {args.order_id} exists", order_id=args.order_id)
        require_future(ctx, "delivery_due", args.delivery_due)
        value = args.quantity * args.unit_price
        if value > MAX_AMOUNT:
            raise InvalidArguments(
                "quantity x unit_price is too large",
                [{"path": "args.quantity", "rule": f"value must be <= {MAX_AMOUNT} fen"}],
            )
        put_order(
            ctx,
            Order(
                order_id=args.order_id,
                seller=seller,
                buyer=args.buyer,
                quantity=args.quantity,
                unit_price=args.unit_price,
                value=value,
                delivery_due=args.delivery_due,
                payment_days=args.payment_days,
                suppliers=list(args.suppliers),
                status=OrderStatus.DRAFT,
                created_at=ctx.time,
            ),
        )
        ctx.emit(
            "OrderCreated", order_id=args.order_id, seller=seller, buyer=args.buyer, value=value
        )

    @action(OrderArgs, policy=BUYER, parties=order_parties)
    def confirm(self, ctx: Context, args: OrderArgs) -> None:
        """The buyer confirms price, quantity and delivery date."""
        order = get_order(ctx, args.order_id)
        require_status(order, OrderStatus.DRAFT)
        put_order(ctx, order.model_copy(update={"status": OrderStatus.CONFIRMED}))
        ctx.emit("OrderConfirmed", order_id=order.order_id)

    @action(OrderArgs, policy=BUYER_WITH_CONSENT, parties=order_parties)
    def cancel(self, ctx: Context, args: OrderArgs) -> None:
        """The buyer cancels before delivery, with the financing bank's co-signature once
        financed (L5); a loan on the order accelerates."""
        order = get_order(ctx, args.order_id)
        require_status(order, OrderStatus.DRAFT, OrderStatus.CONFIRMED, OrderStatus.FINANCED)
        loan = find_loan(ctx, order.order_id)
        if loan is not None and loan.status is LoanStatus.ACTIVE:
            loan = lending.release_lien(ctx, lending.accrued_now(ctx, loan))
            put_loan(
                ctx, loan.model_copy(update={"status": LoanStatus.ACCELERATED, "due_at": ctx.time})
            )
            ctx.emit("LoanAccelerated", loan_id=loan.loan_id, outstanding=loan.outstanding)
        put_order(ctx, order.model_copy(update={"status": OrderStatus.CANCELLED}))
        ctx.emit("OrderCancelled", order_id=order.order_id)

    # -- financing -----------------------------------------------------------------------

    @action(FinanceArgs, policy=Role("bank", "loan_officer"))
    def finance(self, ctx: Context, args: FinanceArgs) -> None:
        """A bank lends against a confirmed, unencumbered order, up to the ratio (B1, B2)."""
        order = get_order(ctx, args.order_id)
        asset = asset_id(order.order_id)
        ctx.require_not_frozen(asset)
        require_status(order, OrderStatus.CONFIRMED)
        lien = ctx.view("registry", "lookup", asset=asset)
        if lien["encumbered"]:
            raise OrderEncumbered(f"{asset} is already encumbered", asset=asset, lien=lien["lien"])
        ratio_bp = int(self.params.finance_ratio_bp)
        cap = order.value * ratio_bp // 10_000
        if args.principal > cap:
            raise FinancingAboveRatio(
                f"principal {args.principal} exceeds {ratio_bp} bp of {order.value} = {cap} fen",
                principal=args.principal,
                cap=cap,
            )
        require_future(ctx, "maturity", args.maturity)
        payee = args.disburse_to or order.seller
        allowed = order.suppliers or [order.seller]
        if payee not in allowed:
            raise DisbursementNotEarmarked(f"{payee} is not among {allowed}", payee=payee)
        lender, loan_id = ctx.signer.org, loan_id_of(order.order_id)
        ctx.invoke(FILE_LIEN, FileLienArgs(asset=asset, pledgee=lender, secures=loan_id))
        ctx.transfer(lender, payee, args.principal, f"disburse {loan_id}")
        put_loan(
            ctx,
            Loan(
                loan_id=loan_id,
                order_id=order.order_id,
                lender=lender,
                borrower=order.seller,
                order_value=order.value,
                ratio_bp=ratio_bp,
                principal=args.principal,
                rate_bp=args.rate_bp,
                costs=args.fees,
                day_count=self.params.day_count_basis,
                penalty_share_bp=self.params.penalty_share_bp,
                disbursed_to=payee,
                start=ctx.time,
                maturity=args.maturity,
                due_at=args.maturity,
                accrued_to=ctx.time,
                status=LoanStatus.ACTIVE,
                lien_open=True,
                recourse=bool(self.params.recourse),
            ),
        )
        put_order(ctx, order.model_copy(update={"status": OrderStatus.FINANCED}))
        ctx.emit(
            "OrderFinanced",
            order_id=order.order_id,
            loan_id=loan_id,
            lender=lender,
            principal=args.principal,
        )

    @action(RepayArgs, policy=SELLER, parties=order_parties)
    def repay(self, ctx: Context, args: RepayArgs) -> None:
        """The seller repays from its own account: interest, principal, fees; under
        recourse also a loan written off after the buyer's default (L5)."""
        order = get_order(ctx, args.order_id)
        loan = get_loan(ctx, order.order_id)
        if loan.recourse and loan.claim_left:
            self._check_repayment(loan.claim_left, args.amount)
            loan, _ = recover(ctx, loan, order.seller, args.amount)
            put_loan(ctx, loan)
            return
        loan = lending.accrued_now(ctx, self._open_loan(ctx, order.order_id))
        self._check_repayment(loan.outstanding, args.amount)
        loan, _ = lending.collect(ctx, loan, order.seller, args.amount)
        put_loan(ctx, loan)

    @operation(OrderProceedsArgs, result=Applied)
    def repay_from_proceeds(self, ctx: Context, args: OrderProceedsArgs) -> Applied:
        """Apply up to ``amount`` fen from ``source`` (e.g. an insurance payout) to the loan.

        ``source`` must be debitable in this tx (an account a signer owns). Returns the
        fen applied: 0 when the order has no open loan, never more than is owed.
        """
        found = find_loan(ctx, args.order_id)
        if found is None or found.status not in OPEN_LOAN:
            return Applied(amount=0)
        loan = lending.accrued_now(ctx, found)
        loan, share = lending.collect(ctx, loan, args.source, min(args.amount, loan.outstanding))
        put_loan(ctx, loan)
        ctx.emit("ProceedsApplied", loan_id=loan.loan_id, source=args.source,
                 amount=share.to_lender)
        return Applied(amount=share.to_lender)

    @action(OrderArgs, policy=LENDER, parties=order_parties)
    def default(self, ctx: Context, args: OrderArgs) -> None:
        """The bank declares an unpaid loan past due in default and writes it off.

        Once invoiced the receivable repays the loan: the bank writes off only after the
        buyer's default, and that write-off keeps its claim on the receivable (L5)."""
        order = get_order(ctx, args.order_id)
        loan = self._open_loan(ctx, order.order_id)
        if parse_time(loan.due_at) > ctx.now:
            raise LoanNotDue(f"loan {loan.loan_id} is due {loan.due_at}", due_at=loan.due_at)
        if order.status is OrderStatus.BUYER_DEFAULT and loan.lien_open:
            put_loan(ctx, write_off_keeping_claim(ctx, loan))
            return
        if loan.status in (LoanStatus.ACTIVE, LoanStatus.RECOURSE):
            require_status(
                order,
                OrderStatus.FINANCED,
                OrderStatus.SHIPPED,
                OrderStatus.DELIVERED,
                OrderStatus.PARTIALLY_DELIVERED,
            )
            order, swept = self._run_waterfall(ctx, order, loan)
            loan = swept if swept is not None else loan
            order = order.model_copy(update={"status": OrderStatus.DEFAULTED})
            put_order(ctx, order)
        if loan.status in OPEN_LOAN:
            loan = lending.write_off(ctx, lending.accrued_now(ctx, loan))
        put_loan(ctx, loan)

    # -- delivery and receivable ---------------------------------------------------------

    @action(SplitArgs, policy=HOLDER_WITH_CONSENT, parties=receivable_parties)
    def split_receivable(self, ctx: Context, args: SplitArgs) -> None:
        """Split an open receivable into children summing to it (B5); bank co-signs."""
        parent = get_receivable(ctx, args.receivable_id)
        order = get_order(ctx, parent.order_id)
        ctx.require_not_frozen(asset_id(order.order_id))
        require_open_receivable(parent, order)
        if sum(args.amounts) != parent.amount:
            raise SplitNotConserving(
                f"parts sum to {sum(args.amounts)}, receivable is {parent.amount}",
                parts=sum(args.amounts),
                amount=parent.amount,
            )
        for index, amount in enumerate(args.amounts, start=1):
            put_receivable(
                ctx,
                Receivable(
                    receivable_id=f"{parent.receivable_id}.{index}",
                    order_id=order.order_id,
                    parent=parent.receivable_id,
                    amount=amount,
                    holder=parent.holder,
                    status=ReceivableStatus.OPEN,
                ),
            )
        put_receivable(ctx, parent.model_copy(update={"status": ReceivableStatus.SPLIT}))
        ctx.emit("ReceivableSplit", receivable_id=parent.receivable_id, amounts=list(args.amounts))

    @action(TransferReceivableArgs, policy=HOLDER_WITH_CONSENT, parties=receivable_parties)
    def transfer_receivable(self, ctx: Context, args: TransferReceivableArgs) -> None:
        """Assign an open receivable to another org; the lending bank co-signs (Art. 445)."""
        receivable = get_receivable(ctx, args.receivable_id)
        order = get_order(ctx, receivable.order_id)
        ctx.require_not_frozen(asset_id(order.order_id))
        require_open_receivable(receivable, order)
        put_receivable(ctx, receivable.model_copy(update={"holder": args.new_holder}))
        ctx.emit(
            "ReceivableTransferred", receivable_id=receivable.receivable_id, holder=args.new_holder
        )

    # -- payment and settlement ----------------------------------------------------------

    @action(PayArgs, policy=BUYER_TREASURER, parties=order_parties)
    def pay(self, ctx: Context, args: PayArgs) -> None:
        """The buyer pays the invoice into the order's controlled account only (B3)."""
        order = get_order(ctx, args.order_id)
        ctx.require_not_frozen(asset_id(order.order_id))
        require_status(order, OrderStatus.RECEIVABLE, OrderStatus.BUYER_DEFAULT)
        account = ctx.escrow(controlled_account_name(order.order_id))
        if args.payee is not None and args.payee != account:
            raise PayeeNotControlledAccount(
                f"payment must go to {account}, not {args.payee}",
                payee=args.payee,
                account=account,
            )
        owed = order.invoice_amount - order.paid_in
        if args.amount > owed:
            raise PaymentExceedsReceivable(f"{args.amount} > {owed} still owed", owed=owed)
        ctx.transfer(order.buyer, account, args.amount, f"pay order {order.order_id}")
        paid_in = order.paid_in + args.amount
        status = OrderStatus.PAID if paid_in == order.invoice_amount else order.status
        late = order.status is OrderStatus.BUYER_DEFAULT
        order = order.model_copy(update={"paid_in": paid_in, "status": status})
        if late:  # L5: a payment after the buyer's default repays the bank at once
            order, loan = bank_first(ctx, order, find_loan(ctx, order.order_id), account)
            if loan is not None:
                put_loan(ctx, loan)
        put_order(ctx, order)
        ctx.emit(
            "OrderPaid",
            order_id=order.order_id,
            amount=args.amount,
            full=paid_in == order.invoice_amount,
        )

    @action(OrderArgs, policy=any_of(LENDER, SELLER), parties=order_parties)
    def buyer_default(self, ctx: Context, args: OrderArgs) -> None:
        """The lender or the seller records that the buyer has not paid the invoice by its
        due date (L5): the default is the buyer's, the receivable stays open, what sits in
        the controlled account repays the bank, and with recourse the seller owes now."""
        order = get_order(ctx, args.order_id)
        ctx.require_not_frozen(asset_id(order.order_id))
        require_status(order, OrderStatus.RECEIVABLE)
        assert order.payment_due is not None  # set by invoice
        overdue_days = days_after(order.payment_due, ctx.now)
        if not overdue_days:
            raise PaymentNotDue(
                f"the invoice is due {order.payment_due}", payment_due=order.payment_due
            )
        if ctx.has_contract(RECORD_DEFAULT.contract):
            ctx.invoke(RECORD_DEFAULT,
                       RecordDefaultArgs(borrower=order.buyer, loan_id=asset_id(order.order_id)))
        order = order.model_copy(
            update={"status": OrderStatus.BUYER_DEFAULT, "buyer_default_at": ctx.time}
        )
        account = ctx.escrow(controlled_account_name(order.order_id))
        order, loan = bank_first(ctx, order, find_loan(ctx, order.order_id), account)
        if loan is not None:
            put_loan(ctx, to_recourse(ctx, loan))
        put_order(ctx, order)
        ctx.emit(
            "BuyerDefaulted",
            order_id=order.order_id,
            buyer=order.buyer,
            unpaid=order.invoice_amount - order.paid_in,
            days_overdue=overdue_days,
            recourse=loan is not None and loan.recourse,
        )

    @action(OrderArgs, policy=any_of(LENDER, SELLER), parties=order_parties)
    def settle(self, ctx: Context, args: OrderArgs) -> None:
        """Run the waterfall on a paid order; a shortfall becomes the seller's direct debt."""
        order = get_order(ctx, args.order_id)
        ctx.require_not_frozen(asset_id(order.order_id))
        require_status(order, OrderStatus.PAID)
        order, loan = self._run_waterfall(ctx, order, find_loan(ctx, order.order_id))
        put_order(ctx, order.model_copy(update={"status": OrderStatus.SETTLED}))
        if loan is not None:
            loan = lending.release_lien(ctx, loan)  # a written-off claim ends with the receivable
            if loan.status in OPEN_LOAN:
                overdue = parse_time(loan.maturity) <= ctx.now
                loan = loan.model_copy(
                    update={
                        "status": LoanStatus.DIRECT_DEBT,
                        "due_at": ctx.time if overdue else loan.maturity,
                    }
                )
                ctx.emit(
                    "ShortfallToDirectDebt", loan_id=loan.loan_id, outstanding=loan.outstanding
                )
            put_loan(ctx, loan)
        ctx.emit(
            "OrderSettled",
            order_id=order.order_id,
            to_lender=order.to_lender,
            to_holders=order.to_holders,
        )

    # -- helpers -------------------------------------------------------------------------

    def _run_waterfall(
        self, ctx: Context, order: Order, loan: Loan | None
    ) -> tuple[Order, Loan | None]:
        """Pay out everything in the controlled account: bank first, then holders."""
        account = ctx.escrow(controlled_account_name(order.order_id))
        order, loan = bank_first(ctx, order, loan, account)
        remainder = order.paid_in - order.paid_out
        leaves = [
            Leaf(r.receivable_id, r.holder, r.amount)
            for r in receivables_of(ctx, order.order_id)
            if r.status is ReceivableStatus.OPEN
        ]
        for leaf, paid in holder_shares(remainder, leaves, order.seller):
            ctx.transfer(account, leaf.holder, paid, f"proceeds {leaf.receivable_id}")
            receivable = get_receivable(ctx, leaf.receivable_id)
            put_receivable(
                ctx,
                receivable.model_copy(
                    update={
                        "status": ReceivableStatus.SETTLED,
                        "received": receivable.received + paid,
                    }
                ),
            )
        order = order.model_copy(
            update={
                "paid_out": order.paid_out + remainder,
                "to_holders": order.to_holders + remainder,
            }
        )
        return order, loan

    def _open_loan(self, ctx: ReadContext, order_id: str) -> Loan:
        loan = get_loan(ctx, order_id)
        if loan.status not in OPEN_LOAN:
            raise LoanNotOpen(
                f"loan {loan.loan_id} is {loan.status.value}", status=loan.status.value
            )
        return loan

    def _check_repayment(self, outstanding: int, amount: int) -> None:
        if amount > outstanding:
            raise RepaymentExceedsDebt(
                f"args.amount {amount} > outstanding {outstanding}", outstanding=outstanding
            )
