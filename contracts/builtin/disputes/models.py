"""Genesis parameters, action arguments and view queries of the disputes contract."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from contracts.base import Args, Params, Query
from contracts.builtin.disputes.records import Complexity
from contracts.types import ContentHash, Id, PositiveFen, Text

Days = Annotated[int, Field(ge=1, le=3650)]


class DisputesParams(Params):
    """Complaint timers (CBIRC measures 2020: 15 / 30 / +30 days) and the People's Mediation
    Law's 30-day window for a joint application for court confirmation (docs/domain.md 5)."""

    simple_days: Days = 15
    complex_days: Days = 30
    extension_days: Days = 30
    confirm_days: Days = 30
    asset_kinds: tuple[str, ...] = ("receipt", "order", "claim")


class OpenArgs(Args):
    dispute: Id
    asset: Id
    claimant: Id
    respondent: Id
    complexity: Annotated[Complexity, Strict(False)] = Complexity.SIMPLE
    summary: Text = ""
    evidence: ContentHash | None = None


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


class EnforceArgs(Args):
    dispute: Id
    court_ref: ContentHash


class AssetQuery(Query):
    asset: Id


class DisputeQuery(Query):
    dispute: Id


class NoQuery(Query):
    pass
