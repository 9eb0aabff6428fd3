"""The encumbrance registry: one lookup answers "is this asset encumbered?" for every bank.

Modelled on the PBoC unified security-interest registry (docs/domain.md 1.1, X2): the
secured party's contract files a lien in the same tx that marks it, and closes it
in the same tx that releases or enforces it. An asset is encumbered to at most
one pledgee at a time; the asset id names the physical thing (a warehouse lot,
a receipt, a purchase order) so a second receipt for the same lot is caught too.

State: ``lien/<asset>`` -> {"asset", "pledgee", "secures", "filed_by", "since"}.
Only contracts file and close liens (operations); there are no tx actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts.base import Contract, Query, invariant, operation, view
from contracts.builtin.registry.operations import CloseLienArgs, FileLienArgs
from contracts.builtin.registry.operations import InvalidLien as InvalidLien
from contracts.context import Context, ReadContext
from contracts.exceptions import DomainError
from contracts.readers import Readable
from contracts.types import Id


class AssetAlreadyEncumbered(DomainError):
    code = "ASSET_ALREADY_ENCUMBERED"


class LienNotFound(DomainError):
    code = "LIEN_NOT_FOUND"


class AssetQuery(Query):
    asset: Id


class PledgeeQuery(Query):
    pledgee: Id


class EncumbranceRegistryContract(Contract):
    name = "registry"
    version = "1"
    readers = (Readable("lien/{asset...}", public=True),)  # a public security-interest registry
    description = "Shared registry of liens on receipts, lots and orders (no double pledging)."

    @operation(FileLienArgs)
    def file_lien(self, ctx: Context, args: FileLienArgs) -> None:
        """Encumber ``asset`` to ``pledgee`` securing loan ``secures``; refuse a second lien."""
        asset, pledgee, secures = args.asset, args.pledgee, args.secures
        existing = ctx.get(f"lien/{asset}")
        if existing is not None:
            raise AssetAlreadyEncumbered(
                f"{asset} is already encumbered to {existing['pledgee']} "
                f"(securing {existing['secures']})",
                asset=asset, pledgee=existing["pledgee"],
            )
        ctx.put(
            f"lien/{asset}",
            {
                "asset": asset, "pledgee": pledgee, "secures": secures,
                "filed_by": ctx.caller, "since": ctx.time,
            },
        )
        ctx.emit("LienFiled", asset=asset, pledgee=pledgee, secures=secures)

    @operation(CloseLienArgs)
    def close_lien(self, ctx: Context, args: CloseLienArgs) -> None:
        """Close the lien on ``asset`` that the calling contract filed for loan ``secures``."""
        asset, secures = args.asset, args.secures
        existing = ctx.get(f"lien/{asset}")
        if existing is None or existing["secures"] != secures or existing["filed_by"] != ctx.caller:
            raise LienNotFound(
                f"no lien on {asset} securing {secures} filed by {ctx.caller}", asset=asset
            )
        ctx.delete(f"lien/{asset}")
        ctx.emit("LienClosed", asset=asset, secures=secures)

    @view(AssetQuery)
    def lookup(self, ctx: ReadContext, query: AssetQuery) -> Any:
        lien = ctx.get(f"lien/{query.asset}")
        return {"asset": query.asset, "encumbered": lien is not None, "lien": lien}

    @view(PledgeeQuery)
    def by_pledgee(self, ctx: ReadContext, query: PledgeeQuery) -> Any:
        return [lien for _, lien in ctx.scan("lien/") if lien["pledgee"] == query.pledgee]

    @invariant("R1", "every lien names its asset, pledgee and the loan it secures")
    def liens_well_formed(self, ctx: ReadContext) -> Iterable[str]:
        for key, lien in ctx.scan("lien/"):
            if key != f"lien/{lien['asset']}" or not lien["pledgee"] or not lien["secures"]:
                yield f"{key} is malformed: {lien}"
