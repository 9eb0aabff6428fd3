"""Attested prices and the collateral values read from them (docs/domain.md 7.2, V1 and V3).

A price oracle outside the loan (a government price bureau, or an appraiser org's
appraiser; never a bank) attests the market price of a commodity grade per unit, as
of a time no later than the block. Only the latest attestation per commodity, grade
and unit is kept; an attestation older than it is refused, so "latest" is the one
stored. A pledged receipt is revalued only to ``quantity x`` that price, and a take
after default is held against the same value: nobody, the lender least of all,
types in a value. An attestation older than ``price_max_age_days`` is stale and
values nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from contracts.builtin.warehouse_receipt import errors, models
from contracts.builtin.warehouse_receipt.liens import recorded
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.policies import ORACLE_ROLES
from contracts.builtin.warehouse_receipt.records import PriceAttestation, Receipt
from contracts.builtin.warehouse_receipt.store import find_price, put_price, put_receipt
from contracts.context import Context, ReadContext
from ledger.timefmt import parse_time


def attest(ctx: Context, params: WarehouseReceiptParams, args: models.AttestPriceArgs) -> None:
    as_of = parse_time(args.as_of)
    if as_of > ctx.now:
        raise errors.PriceOutOfOrder(
            f"as_of {args.as_of} is after block time {ctx.time}", as_of=args.as_of
        )
    if ctx.now - as_of > dt.timedelta(days=params.price_max_age_days):
        raise errors.PriceStale(
            f"as_of {args.as_of} is older than {params.price_max_age_days} days",
            as_of=args.as_of,
            max_age_days=params.price_max_age_days,
        )
    latest = find_price(ctx, args.commodity, args.grade, args.unit)
    if latest is not None and as_of < parse_time(latest.as_of):
        raise errors.PriceOutOfOrder(
            f"as_of {args.as_of} is before the latest attestation ({latest.as_of})",
            as_of=args.as_of,
            latest=latest.as_of,
        )
    signer = next(  # the oracle among the signers (the first signer under a policy override)
        (s.member_id for s in ctx.signers if (s.org_type, s.role) in ORACLE_ROLES),
        ctx.signers[0].member_id,
    )
    put_price(
        ctx,
        PriceAttestation(
            commodity=args.commodity,
            grade=args.grade,
            unit=args.unit,
            price_per_unit=args.price_per_unit,
            as_of=args.as_of,
            attester=signer,
            recorded_at=ctx.time,
        ),
    )
    ctx.emit(
        "PriceAttested",
        commodity=args.commodity,
        grade=args.grade,
        unit=args.unit,
        price_per_unit=args.price_per_unit,
        as_of=args.as_of,
        attester=signer,
    )


def current_price(
    ctx: ReadContext, params: WarehouseReceiptParams, receipt: Receipt
) -> PriceAttestation:
    """The latest attestation for the receipt's commodity, grade and unit, if not stale."""
    price = find_price(ctx, receipt.commodity, receipt.grade, receipt.unit)
    what = f"{receipt.commodity} grade {receipt.grade} per {receipt.unit}"
    if price is None:
        raise errors.PriceNotAttested(
            f"no attested price for {what}",
            commodity=receipt.commodity,
            grade=receipt.grade,
            unit=receipt.unit,
        )
    if ctx.now - parse_time(price.as_of) > dt.timedelta(days=params.price_max_age_days):
        raise errors.PriceStale(
            f"the price for {what} is as of {price.as_of}, older than "
            f"{params.price_max_age_days} days",
            as_of=price.as_of,
            max_age_days=params.price_max_age_days,
        )
    return price


def value_at(receipt: Receipt, price: PriceAttestation) -> int:
    """The receipt's goods at the attested ``price``: quantity x price per unit, in fen
    (the one valuation every revaluation, mark-down and floor uses)."""
    return receipt.quantity * price.price_per_unit


def attested_value(ctx: ReadContext, params: WarehouseReceiptParams, receipt: Receipt) -> int:
    return value_at(receipt, current_price(ctx, params, receipt))


def market_value(
    ctx: ReadContext, params: WarehouseReceiptParams, receipts: Sequence[Receipt]
) -> int:
    return sum(attested_value(ctx, params, r) for r in receipts)


def meets_take_floor(price: int, value: int, params: WarehouseReceiptParams) -> bool:
    """``price >= value x (1 - haircut)``, compared exactly in integers (no rounding)."""
    return price * 10_000 >= value * (10_000 - params.take_haircut_bp)


def take_floor(value: int, params: WarehouseReceiptParams) -> int:
    """The least agreed price a take may use: ceil(value x (1 - haircut)), in fen."""
    return -(-value * (10_000 - params.take_haircut_bp) // 10_000)


def revalued(ctx: Context, receipt: Receipt, price: PriceAttestation) -> Receipt:
    """``receipt`` valued at quantity x the attested ``price``, recorded in its history,
    stored and announced (ReceiptRevalued)."""
    value = value_at(receipt, price)
    updated = recorded(ctx, receipt, "revalued", receipt.holder, receipt.pledgee, value=value)
    put_receipt(ctx, updated)
    ctx.emit(
        "ReceiptRevalued",
        receipt_id=receipt.receipt_id,
        old=receipt.value,
        new=value,
        price_per_unit=price.price_per_unit,
        as_of=price.as_of,
        attester=price.attester,
    )
    return updated


def marked_down(ctx: Context, params: WarehouseReceiptParams, receipt: Receipt) -> Receipt:
    """``receipt`` valued at the lower of its recorded value and the latest fresh attested
    value (China practice: lower of cost and market). A top-up counts at today's price:
    20 t appraised before a 10 % fall do not cure what 23 t at the fallen price do (1.6)."""
    price = find_price(ctx, receipt.commodity, receipt.grade, receipt.unit)
    if price is None or ctx.now - parse_time(price.as_of) > dt.timedelta(
        days=params.price_max_age_days
    ):
        return receipt
    if value_at(receipt, price) >= receipt.value:
        return receipt
    return revalued(ctx, receipt, price)
