"""Who is party to an asset: the seam between the disputes contract and asset owners.

Assets are named ``<kind>:<id>`` across contracts (``receipt:<id>``, ``order:<id>``,
``claim:<id>``). The contract that owns a kind answers, through a view named
``asset_parties`` taking ``{"asset": "<kind>:<id>"}``, whether the asset exists and
who has a stake in it. The disputes contract asks it before anyone may freeze the
asset, so a plug-in contract takes part by exposing that view and being named for its
kind in the disputes contract's ``asset_contracts`` parameter.
"""

from __future__ import annotations

from pydantic import ConfigDict

from contracts.base import Query
from contracts.context import ReadContext
from contracts.records import Record
from contracts.types import Id

ASSET_PARTIES_VIEW = "asset_parties"


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
