"""Shared pieces of the credit tests: orgs, a test-only loan contract, the credit config."""

from __future__ import annotations

from typing import Any

from contracts import Args, Context, Contract, Party, Role, action
from contracts.builtin.settlement.authority import SettlementParams
from contracts.genesis import ContractConfig
from contracts.lending.operations import (
    APPLY_INTEREST_SUBSIDY,
    RECORD_DEFAULT,
    InterestSubsidyRequest,
    RecordDefaultArgs,
)
from contracts.testing import OrgSpec
from contracts.types import BasisPoints, Fen, Id

BP = 10_000
LPR = 345
RATERS = {"gov.agri", "gov.admin"}
FINANCE = {"gov.fin", "gov.admin"}
SIGNERS = ["gov.agri", "gov.fin", "gov.admin", "gov.pboc", "bank-a.officer", "coop-a.f1"]
BORROWERS = {  # borrower account -> the member who signs its payments
    "coop-a.f1": "coop-a.f1",
    "coop-a.f2": "coop-a.f2",
    "coop-a.f3": "coop-a.f3",
    "coop-b.f1": "coop-b.f1",
    "coop-a": "coop-a.mgr",
}
TIERS = ["AAA", "AA", "A", "B", "unrated"]
RANK = {"AAA": 4, "AA": 3, "A": 2, "B": 1, "unrated": 0}
MIN_SCORE = {"AAA": 360, "AA": 320, "A": 280, "B": 200, "unrated": 0}
PRODUCTS = ["warehouse_receipt", "order_finance", "other"]
KINDS = ["household", "cooperative", "merchant"]
VILLAGE_BP = 6000

ORGS = [
    OrgSpec(
        "gov",
        "government",
        (("agri", "agriculture"), ("fin", "finance"), ("admin", "admin"), ("pboc", "central_bank")),
    ),
    OrgSpec("bank-a", "bank", (("officer", "loan_officer"),)),
    OrgSpec(
        "coop-a",
        "cooperative",
        (
            ("admin", "admin"),
            ("mgr", "manager"),
            ("f1", "farmer"),
            ("f2", "farmer"),
            ("f3", "farmer"),
        ),
    ),
    OrgSpec("coop-b", "cooperative", (("f1", "farmer"),)),
]


class PayArgs(Args):
    loan_id: Id
    borrower: Id
    lender: Id
    product: Id
    interest: Fen
    rate_bp: BasisPoints | None = 435
    term_days: int = 90
    overdue: bool = False
    defaulted: bool = False


class DefaultArgs(Args):
    loan_id: Id
    borrower: Id


class LoanBook(Contract):
    """Test-only stand-in for a loan contract, following the subsidy/default conventions."""

    name = "loanbook"
    readers = ()
    version = "1"

    @action(PayArgs, policy=Party("borrower"), parties=lambda _s, _c, a: {"borrower": a.borrower})
    def pay_interest(self, ctx: Context, args: PayArgs) -> None:
        request = InterestSubsidyRequest.model_validate(args.model_dump(exclude_none=True))
        subsidy = ctx.invoke(APPLY_INTEREST_SUBSIDY, request).paid
        ctx.put(f"paid/{ctx.tx_id}", {"subsidy": subsidy})
        ctx.transfer(args.borrower, args.lender, args.interest - subsidy, memo=args.loan_id)

    @action(DefaultArgs, policy=Role("bank", "*"))
    def default(self, ctx: Context, args: DefaultArgs) -> None:
        ctx.invoke(RECORD_DEFAULT, RecordDefaultArgs(borrower=args.borrower, loan_id=args.loan_id))


def credit_config(**params: Any) -> ContractConfig:
    return ContractConfig(
        name="credit", version="1", params={"loan_contracts": ["loanbook"], **params}
    )


# the test-only loan book debits the cooperative's account for its members
_GRANTS = SettlementParams().contract_debit_roles
SETTLEMENT = ContractConfig(name="settlement", version="1", params={"contract_debit_roles": {
    **_GRANTS,
    "cooperative": {**_GRANTS["cooperative"], "loanbook": ["manager", "admin", "farmer"]},
}})
