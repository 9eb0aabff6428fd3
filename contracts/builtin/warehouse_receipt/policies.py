"""Who may do what, as data (docs/domain.md 1.3/1.4, A5, X4), and how each action names its parties.

Holders and borrowers are organisations; they act through members holding one of
``HOLDER_ROLES``. The warehouse keeper and farmers are deliberately not among them,
so a cooperative that hosts its own warehouse still needs two people (holder's
manager and warehouse keeper) to move a receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.builtin.warehouse_receipt import models
from contracts.builtin.warehouse_receipt.store import get_loan, get_receipt
from contracts.context import ReadContext
from contracts.policy import Party, Role, all_of, any_of

HOLDER_ROLES = ("admin", "manager", "purchaser", "treasurer", "loan_officer")

KEEPER = all_of(
    any_of(Role("cooperative", "warehouse_keeper"), Role("warehouse", "warehouse_keeper")),
    Party("warehouse", roles=("warehouse_keeper",)),
)
HOLDER = Party("holder", roles=HOLDER_ROLES)
HOLDER_AND_WAREHOUSE = all_of(HOLDER, Party("warehouse", roles=("warehouse_keeper",)))
BORROWER = Party("borrower", roles=HOLDER_ROLES)
LOAN_OFFICER = Party("bank", roles=("loan_officer",))
ANYONE_AT_BANK = Party("bank")
SALE = all_of(LOAN_OFFICER, Party("buyer", roles=HOLDER_ROLES))
TAKE = all_of(LOAN_OFFICER, BORROWER)
"""V3: a take at an agreed price is agreed: the pledgor co-signs it."""
ORACLE_ROLES = frozenset({("government", "price_bureau"), ("appraiser", "appraiser")})
PRICE_ORACLE = any_of(*(Role(org_type, role) for org_type, role in sorted(ORACLE_ROLES)))
"""V1: prices come from outside the loan; no bank role can attest one."""
REVALUER = any_of(
    PRICE_ORACLE,
    Party("pledgee", roles=("risk_officer", "loan_officer")),
    Party("holder", roles=HOLDER_ROLES),
)
"""Who may ask for a revaluation; the value itself always comes from the attested price."""
ANYONE = Role("*", "*")
WAREHOUSE_KEEPER = Party("warehouse", roles=("warehouse_keeper",))
"""V4: the keeper of the receipt's warehouse records goods lost in its store."""
ADJUSTER = Party("insurer", roles=("adjuster",))
"""V4: the receipt's stored-goods insurer establishes a loss by its adjuster's survey."""
INSURER_PAYS = Party("insurer", roles=("claims_manager",))
COLLATERAL_MANAGER = Role("appraiser", "collateral_manager")
"""V5: an independent org's collateral manager counts a self-run warehouse's stock."""

Parties = Mapping[str, Any]


def warehouse_parties(
    _self: Any, _ctx: ReadContext, args: models.IntakeArgs | models.IssueArgs
) -> Parties:
    return {"warehouse": args.warehouse}


def receipt_parties(_self: Any, ctx: ReadContext, args: Any) -> Parties:
    receipt = get_receipt(ctx, args.receipt_id)
    return {"holder": receipt.holder, "warehouse": receipt.warehouse, "pledgee": receipt.pledgee}


def insured_parties(_self: Any, ctx: ReadContext, args: Any) -> Parties:
    receipt = get_receipt(ctx, args.receipt_id)
    insurer = None if receipt.insurance is None else receipt.insurance.insurer
    return {"holder": receipt.holder, "warehouse": receipt.warehouse, "insurer": insurer}


def merge_parties(_self: Any, ctx: ReadContext, args: models.MergeArgs) -> Parties:
    first = get_receipt(ctx, args.receipt_ids[0])
    return {"holder": first.holder, "warehouse": first.warehouse}


def apply_parties(_self: Any, _ctx: ReadContext, args: models.ApplyArgs) -> Parties:
    return {"borrower": args.borrower, "bank": args.bank}


def loan_parties(_self: Any, ctx: ReadContext, args: Any) -> Parties:
    loan = get_loan(ctx, args.loan_id)
    return {"borrower": loan.borrower, "bank": loan.bank}


def sale_parties(_self: Any, ctx: ReadContext, args: models.EnforceSaleArgs) -> Parties:
    loan = get_loan(ctx, args.loan_id)
    return {"borrower": loan.borrower, "bank": loan.bank, "buyer": args.buyer}
