"""Who is party to an asset: the seam between the disputes contract and asset owners.

Assets are named ``<kind>:<id>`` across contracts (``receipt:<id>``, ``order:<id>``,
``claim:<id>``). The contract that owns a kind answers, through a view named
``asset_parties`` taking ``{"asset": "<kind>:<id>"}``, whether the asset exists and
who has a stake in it. The disputes contract asks it before anyone may freeze the
asset, so a plug-in contract takes part by exposing that view and being named for its
kind in the disputes contract's ``asset_contracts`` parameter.

A court's money terms (D7) reach an asset through the same seam. The owning contract
says, through a view named ``court_path`` taking ``{"asset", "payer", "payee"}``,
whether money ``payer`` owes ``payee`` over the asset must run the asset's own payout
path (an insurer paying an insured on a claim: loss payee first, within the sum
insured; a buyer paying for a financed receivable: the bank first). If so, the disputes
contract pays that term only through the owner's ``court_payout`` operation
(``asset, payer, payee, source, amount`` -> the fen the path took from ``source``),
never straight to the payee; a contract without the view has no such
path and its terms move account to account. A pledged receipt's proceeds come from a
court-ordered sale instead: the owner's ``court_sale`` operation (``asset, buyer,
price, costs``: the buyer pays and the loan's waterfall runs).
Both operations run only when the disputes contract invokes them (``require_court``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from contracts.base import Args, Query
from contracts.context import Context, ReadContext
from contracts.exceptions import Unauthorized, UnknownAction
from contracts.operations import NoneType, Operation
from contracts.records import Record
from contracts.types import Fen, Id

ASSET_PARTIES_VIEW = "asset_parties"
COURT_PATH_VIEW = "court_path"
COURT_PAYOUT = "court_payout"
COURT_SALE = "court_sale"
COURT_CALLER = "disputes"


class AssetQuery(Query):
    """The argument of every ``asset_parties`` view."""

    asset: Id


class AssetParties(Record):
    """What an asset's owning contract says about it.

    ``parties``: every identity (member or org id, as the contract records it) with a
    stake in the asset: holder, pledgee, depositor, buyer, seller, lender, insured,
    insurer. ``owners``: the parties whose own asset it is, so that a freeze they ask
    for costs no security. ``value``: what the asset is worth in fen as the contract
    knows it (a receipt's value, an order's value, a claim's unpaid assessed amount).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    exists: bool
    parties: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    value: int = 0

    @classmethod
    def missing(cls) -> AssetParties:
        return cls(exists=False)

    @classmethod
    def of(cls, parties: list[str | None], owners: list[str], value: int) -> AssetParties:
        """An existing asset; ``None`` parties (no pledgee, no lender yet) are left out."""
        return cls(exists=True, parties=tuple(dict.fromkeys(p for p in parties if p)),
                   owners=tuple(dict.fromkeys(owners)), value=value)


def asset_parties(ctx: ReadContext, contract: str, asset: str) -> AssetParties:
    """Ask ``contract`` about ``asset``; a contract not enabled on this chain owns nothing."""
    if not ctx.has_contract(contract):
        return AssetParties.missing()
    return AssetParties.model_validate(ctx.view(contract, ASSET_PARTIES_VIEW, asset=asset))


class CourtPathQuery(Query):
    """The argument of every ``court_path`` view."""

    asset: Id
    payer: Id
    payee: Id


def court_path(ctx: ReadContext, contract: str, asset: str, payer: str, payee: str) -> bool:
    """Whether ``contract`` pays money ``payer`` owes ``payee`` over ``asset`` through the
    asset's own payout path (its ``court_path`` view; no view: no such path)."""
    if not ctx.has_contract(contract):
        return False
    try:
        return bool(ctx.view(contract, COURT_PATH_VIEW, asset=asset, payer=payer, payee=payee))
    except UnknownAction:
        return False


def require_court(ctx: Context, operation: str) -> None:
    """Refuse an asset's court operation unless the disputes contract invoked it."""
    if ctx.caller != COURT_CALLER:
        raise Unauthorized(f"{operation} runs only when {COURT_CALLER} invokes it, "
                           f"not {ctx.caller or 'a signed tx'}", operation=operation)



class CourtPayoutArgs(Args):
    """A court term paid down an asset's own payout path: up to ``amount`` fen from
    ``source`` for money ``payer`` owes ``payee`` over ``asset``."""

    asset: Id
    payer: Id
    payee: Id
    source: Id
    amount: Fen


class CourtPaid(BaseModel):
    """The fen the asset's payout path took from the source (never more than offered)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Fen


class CourtSaleArgs(Args):
    """A court-ordered sale of ``asset`` to ``buyer`` at ``price``, ``costs`` first."""

    asset: Id
    buyer: Id
    price: Fen
    costs: Fen


def court_payout_of(contract: str) -> Operation[CourtPayoutArgs, CourtPaid]:
    """The handle of ``contract``'s ``court_payout`` operation (the asset's owner)."""
    return Operation(contract, COURT_PAYOUT, CourtPayoutArgs, CourtPaid)


def court_sale_of(contract: str) -> Operation[CourtSaleArgs, None]:
    """The handle of ``contract``'s ``court_sale`` operation (the asset's owner)."""
    return Operation(contract, COURT_SALE, CourtSaleArgs, NoneType)
