"""Independent custody (docs/domain.md 7.2 V5): intake, piles, collateral managers and
stock checks.

- Lots exist only through intake records: the warehouse keeper records the goods
  received (``record_intake``: depositor, commodity, grade, quantity, moisture, pile,
  when received), and the contract names the lot ``lot-<tx id prefix>``; nobody picks
  a lot id. Receipts are issued against such a lot only, for at most what it has not
  yet receipted (receipts.py), and carry the lot's pile as their storage place.
- One lot per pile: a pile holds one lot until its goods have all left (withdrawn or
  lost). A second intake on goods already there (the Qingdao pattern: several
  receipts, one pile of metal) is refused, so the live receipts on any pile never
  exceed the goods on it, across every lot of the warehouse (A1).
- A receipt that secures a loan comes from a warehouse that is not the borrower, or
  carries a collateral manager (监管方: an independent ``appraiser`` org's
  ``collateral_manager``) who co-signed its issue. The first such co-signature
  appoints that org the warehouse's collateral manager; another org cannot co-sign
  there.
- The collateral manager counts the warehouse's stock every ``stock_check_days``
  (``attest_stock``, one count per commodity and unit; goods on the books and not
  counted count as zero). A count below the books records a shortfall until a later
  count matches them (the keeper records the loss meanwhile, impairment.py).
- Consequence: while a warehouse's check is overdue or a shortfall stands, its managed
  receipts are unverified. None is pledged or topped up (apply, disburse, top_up
  refuse), and in a loan already out they count for nothing in the LTV test: the
  lender calls the loan (``call_unverified``, loans.py), which opens a margin call
  unless the loan's verified collateral still covers it; a count that matches the
  books, or repaying or topping up to within the cap, cures it; past the cure period
  the lender may mark the default.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from contracts.builtin.warehouse_receipt import errors, models
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.records import Custody, Lot, Receipt
from contracts.builtin.warehouse_receipt.store import (
    all_lots,
    find_custody,
    find_pile,
    get_lot,
    put_custody,
    put_lot,
    put_pile,
)
from contracts.context import Context, ReadContext
from contracts.exceptions import DomainError
from ledger.timefmt import format_time, parse_time

COLLATERAL_MANAGER = ("appraiser", "collateral_manager")


def lot_id_for(tx_id: str) -> str:
    return f"lot-{tx_id[:24]}"


def record_intake(
    ctx: Context, params: WarehouseReceiptParams, args: models.IntakeArgs
) -> str:
    """The keeper's intake record: a new lot on ``args.pile``, with the contract's id."""
    if args.commodity not in params.eligible_commodities:
        raise errors.CommodityNotEligible(
            f"commodity {args.commodity!r} is not on the eligible commodity list",
            commodity=args.commodity,
        )
    if parse_time(args.received_at) > ctx.now:
        raise errors.IntakeAfterBlock(
            f"received_at {args.received_at} is after block time {ctx.time}",
            received_at=args.received_at,
        )
    if not ctx.view("membership", "members", org_id=args.depositor):
        raise errors.DepositorNotFound(
            f"depositor {args.depositor!r} is not an organisation with members",
            depositor=args.depositor,
        )
    lot = Lot(
        lot_id=lot_id_for(ctx.tx_id),
        warehouse=args.warehouse,
        depositor=args.depositor,
        commodity=args.commodity,
        unit=args.unit,
        quantity=args.quantity,
        grade=args.grade,
        moisture_permille=args.moisture_permille,
        location=args.pile,
        received_at=args.received_at,
        recorded_at=ctx.time,
    )
    claim_pile(ctx, lot, args.pile)
    put_lot(ctx, lot)
    ctx.emit(
        "IntakeRecorded",
        warehouse=lot.warehouse,
        lot_id=lot.lot_id,
        depositor=lot.depositor,
        commodity=lot.commodity,
        grade=lot.grade,
        quantity=lot.quantity,
        unit=lot.unit,
        pile=lot.location,
    )
    return lot.lot_id


def claim_pile(ctx: Context, lot: Lot, location: str) -> None:
    """Put ``lot`` on ``location`` at its warehouse, unless another lot's goods lie there."""
    holder = find_pile(ctx, lot.warehouse, location)
    if holder is not None and holder != lot.lot_id:
        other = get_lot(ctx, lot.warehouse, holder)
        if other.in_store > 0:
            raise errors.PileOccupied(
                f"pile {location!r} at {lot.warehouse} holds lot {holder} "
                f"({other.in_store} {other.unit} in store)",
                location=location,
                lot_id=holder,
            )
    put_pile(ctx, lot.warehouse, location, lot.lot_id)


def manager_signer(ctx: Context) -> str | None:
    """The org of a collateral manager among the signers, if any."""
    return next(
        (s.org for s in ctx.signers if (s.org_type, s.role) == COLLATERAL_MANAGER), None
    )


def custodian_for_issue(ctx: Context, params: WarehouseReceiptParams, warehouse: str) -> str | None:
    """The co-signing collateral manager of a receipt being issued (appointing it at the
    warehouse's first co-signed issue), or None."""
    manager = manager_signer(ctx)
    if manager is None:
        return None
    custody = find_custody(ctx, warehouse)
    if custody is None:
        put_custody(
            ctx,
            Custody(
                warehouse=warehouse,
                manager=manager,
                appointed_at=ctx.time,
                due=format_time(ctx.now + dt.timedelta(days=params.stock_check_days)),
            ),
        )
        ctx.emit("CollateralManagerAppointed", warehouse=warehouse, manager=manager)
    elif custody.manager != manager:
        raise errors.NotCollateralManager(
            f"{manager} is not the collateral manager of {warehouse} ({custody.manager} is)",
            warehouse=warehouse,
            manager=custody.manager,
        )
    return manager


def book_stock(ctx: ReadContext, warehouse: str) -> dict[str, int]:
    """Goods the warehouse's lots say are in store, by ``commodity/unit``."""
    books: dict[str, int] = defaultdict(int)
    for lot in all_lots(ctx):
        if lot.warehouse == warehouse and lot.in_store:
            books[f"{lot.commodity}/{lot.unit}"] += lot.in_store
    return dict(books)


def attest_stock(ctx: Context, params: WarehouseReceiptParams, args: models.StockCheckArgs) -> None:
    custody = find_custody(ctx, args.warehouse)
    manager = manager_signer(ctx)
    if custody is None or manager != custody.manager:
        raise errors.NotCollateralManager(
            f"{manager} is not the collateral manager of {args.warehouse} "
            f"({custody.manager if custody else 'none appointed'})",
            warehouse=args.warehouse,
        )
    counted: dict[str, int] = defaultdict(int)
    for count in args.counts:
        counted[f"{count.commodity}/{count.unit}"] += count.quantity
    books = book_stock(ctx, args.warehouse)
    shortfalls = {
        key: books[key] - counted[key] for key in sorted(books) if counted[key] < books[key]
    }
    due = ctx.now + dt.timedelta(days=params.stock_check_days)
    put_custody(
        ctx,
        custody.model_copy(
            update={"checked_at": ctx.time, "due": format_time(due), "shortfalls": shortfalls}
        ),
    )
    ctx.emit(
        "StockChecked",
        warehouse=args.warehouse,
        manager=manager,
        books=books,
        counted=dict(counted),
        shortfalls=shortfalls,
        next_due=format_time(due),
    )


def unverified(ctx: ReadContext, receipt: Receipt) -> DomainError | None:
    """Why ``receipt``'s goods are not vouched for now: its warehouse's stock count is
    overdue or found goods missing (None for a receipt without a custodian)."""
    if receipt.custodian is None:
        return None
    custody = find_custody(ctx, receipt.warehouse)
    assert custody is not None  # appointed by the issue that named the custodian
    if ctx.now > parse_time(custody.due):
        return errors.StockCheckOverdue(
            f"{receipt.warehouse}'s stock check was due {custody.due}; "
            f"{custody.manager} must count the stock first",
            warehouse=receipt.warehouse,
            due=custody.due,
        )
    if custody.shortfalls:
        return errors.StockShortfall(
            f"{custody.manager}'s last count at {receipt.warehouse} found goods missing: "
            f"{custody.shortfalls}",
            warehouse=receipt.warehouse,
            shortfalls=custody.shortfalls,
        )
    return None


def require_custody(ctx: ReadContext, receipt: Receipt, borrower: str) -> None:
    """V5 before a receipt secures a loan: independent warehouse, or a current, clean
    collateral manager's custody."""
    if receipt.custodian is None and receipt.warehouse == borrower:
        raise errors.CollateralManagerRequired(
            f"receipt {receipt.receipt_id} was issued by {borrower}'s own warehouse "
            "without a collateral manager's co-signature",
            receipt_id=receipt.receipt_id,
            warehouse=receipt.warehouse,
        )
    problem = unverified(ctx, receipt)
    if problem is not None:
        raise problem
