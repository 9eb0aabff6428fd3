"""Genesis parameters, action arguments and view queries of the disputes contract."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from contracts.base import Args, Params, Query
from contracts.builtin.disputes.records import Complexity
from contracts.types import ContentHash, Fen, Id, PositiveFen, Text

Days = Annotated[int, Field(ge=1, le=3650)]


class DisputesParams(Params):
    """Complaint timers (CBIRC measures 2020: 15 / 30 / +30 days), the People's Mediation
    Law's 30-day window for a joint application for court confirmation, which contract
    owns each kind of asset (and so answers who has standing), and the security for
    freezing an asset that is not the claimant's own.

    ``deposit_bp``: the security is this share (basis points, rounded up to the fen) of
    the disputed amount, the larger of the amount claimed and the asset's value. The
    default 3,000 (30 %) follows the courts' usual ceiling for security on preservation
    during litigation; 0 turns security off.
    """

    simple_days: Days = 15
    complex_days: Days = 30
    extension_days: Days = 30
    confirm_days: Days = 30
    asset_contracts: dict[Id, Id] = Field(default_factory=lambda: {
        "receipt": "warehouse_receipt", "order": "order_finance", "claim": "claims",
    })
    deposit_bp: Annotated[int, Field(ge=0, le=10_000)] = 3_000
    sale_kinds: list[Id] = Field(default_factory=lambda: ["receipt"])
    """Asset kinds a court may order sold (their contract has a ``court_sale`` operation)."""


class OpenArgs(Args):
    dispute: Id
    asset: Id
    claimant: Id
    respondent: Id
    complexity: Annotated[Complexity, Strict(False)] = Complexity.SIMPLE
    summary: Text = ""
    evidence: ContentHash | None = None
    amount: Fen = 0  # the money claimed; with the asset's value, the base of the security


class DisputeArgs(Args):
    dispute: Id


class TermArgs(Args):
    payer: Id
    payee: Id
    amount: PositiveFen


class SignAgreementArgs(Args):
    dispute: Id
    terms: Annotated[list[TermArgs], Field(max_length=16, default_factory=list)]
    text_hash: ContentHash


class FailArgs(Args):
    dispute: Id
    reason: Text = ""


class ConfirmationArgs(Args):
    dispute: Id
    confirmed: bool
    court_ref: ContentHash


class SaleArgs(Args):
    """A court-ordered sale of the frozen asset: the buyer co-signs and pays ``price``."""

    buyer: Id
    price: PositiveFen
    costs: Fen = 0


class EnforceArgs(Args):
    dispute: Id
    court_ref: ContentHash
    sale: SaleArgs | None = None


class JudgmentArgs(Args):
    dispute: Id
    court_ref: ContentHash
    upheld: bool
    terms: Annotated[list[TermArgs], Field(max_length=16, default_factory=list)]
    sale: SaleArgs | None = None


class PayJudgmentArgs(Args):
    dispute: Id
    term: Annotated[int, Field(ge=0, le=15)]
    amount: PositiveFen


class AssetQuery(Query):
    asset: Id


class DisputeQuery(Query):
    dispute: Id


class NoQuery(Query):
    pass
