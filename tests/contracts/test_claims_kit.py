"""Shared set-up for the claims tests: organisations, funding and a flow driver.

Not a test module itself (it holds no tests); the claims test files import it.
Units follow the contract: fen, centi-mu, basis points.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from contracts.base import Args, Contract, Query, action, operation, view
from contracts.context import Context, ReadContext
from contracts.genesis import ContractConfig
from contracts.lending.operations import Applied, LoanProceedsArgs
from contracts.policy import Role
from contracts.testing import LedgerHarness, OrgSpec, standard_orgs
from contracts.types import Fen, Id
from ledger.block import TxResult

MU = 100  # centi-mu per mu
CNY = 100  # fen per yuan
EVIDENCE = ["ab" * 32]
START = "2026-03-01T00:00:00Z"
PERIOD = ("2026-03-01T00:00:00Z", "2026-11-30T00:00:00Z")
STAGE_CAPS = {"regreening": 6_000, "tillering": 8_000, "heading": 10_000}
GOV_LEVELS = {"central": "gov-central", "province": "gov-province", "county": "gov-county"}
FINANCE = {level: f"{org}.finance" for level, org in GOV_LEVELS.items()}
PROGRAMMES = {level: f"{level}-premium-2026" for level in GOV_LEVELS}
LOSS_PROGRAMME = "province-loss-2026"
BUDGET = 1_000_000 * CNY


def evidence(*parts: str) -> list[str]:
    """A distinct evidence hash per claim (survey) or per claim and household (C16)."""
    return [hashlib.sha256("/".join(parts).encode()).hexdigest()]


def claims_orgs(farmers: int = 4) -> list[OrgSpec]:
    """standard_orgs() plus three government levels, a second insurer and coop-q's farmers."""
    coop_members = (("admin", "admin"), ("manager", "manager"),
                    *((f"h{i:03d}", "farmer") for i in range(1, farmers + 1)))
    return [
        *standard_orgs(),
        *(OrgSpec(org, "government", (("finance", "finance"),)) for org in GOV_LEVELS.values()),
        OrgSpec("insurer-b", "insurer", (
            ("admin", "admin"), ("underwriter", "underwriter"), ("adjuster", "adjuster"),
            ("claims", "claims_manager"),
        )),
        OrgSpec("coop-q", "cooperative", coop_members),
    ]


def claims_config(**params: Any) -> ContractConfig:
    from contracts.builtin.claims import ClaimsContract

    return ContractConfig(name="claims", version=ClaimsContract.version, params=params)


def harness(
    *, farmers: int = 4, extra: Sequence[str | ContractConfig] = (),
    classes: Mapping[str, type[Contract]] | None = None, **params: Any,
) -> LedgerHarness:
    ledger = LedgerHarness(
        claims_orgs(farmers),
        ["membership", "settlement", "registry", *extra, claims_config(**params)],
        start=START, classes=classes,
    )
    fund(ledger)
    return ledger


def fund(ledger: LedgerHarness) -> None:
    """Issue working money to every payer: government levels, coops, insurers."""
    for account in (*GOV_LEVELS.values(), "gov", "coop-a", "coop-q", "insurer", "insurer-b"):
        ok(ledger.submit("gov.pboc", "settlement", "issue", account=account,
                         amount=10_000_000 * CNY))
    for level, member in FINANCE.items():
        publish(ledger, member, PROGRAMMES[level], level, "premium")
    publish(ledger, FINANCE["province"], LOSS_PROGRAMME, "province", "loss_share")


def publish(ledger: LedgerHarness, member: str, programme: str, level: str, purpose: str,
            *, budget: int = BUDGET, fiscal_year: int = 2026) -> TxResult:
    """Government finance publishes a budget programme (C17)."""
    return ok(ledger.submit(member, "claims", "publish_programme", programme=programme,
                            level=level, purpose=purpose, fiscal_year=fiscal_year,
                            budget=budget))


def ok(result: TxResult) -> TxResult:
    assert result.committed, f"{result.code}: {result.message}"
    return result


def rejected(result: TxResult, code: str) -> None:
    assert not result.committed, "expected a rejection"
    assert result.code == code, f"expected {code}, got {result.code}: {result.message}"


def cover(insured: str, mu: int, planted_mu: int | None = None, **extra: Any) -> dict[str, Any]:
    return {"insured": insured, "insured_area": mu * MU,
            "planted_area": (planted_mu or mu) * MU, **extra}


Before = Callable[[str, str, tuple[str, ...], Mapping[str, Any]], None]


class Flow:
    """Drives one policy and its claims through the happy path, asserting each step."""

    def __init__(self, ledger: LedgerHarness, *, coop: str = "coop-q",
                 insurer: str = "insurer", before: Before | None = None) -> None:
        """``before`` is called with each tx's signer, action, co-signers and args just
        before it is submitted (a machine attacks the tx there)."""
        self.ledger = ledger
        self.coop = coop
        self.insurer = insurer
        self.before = before

    def submit(self, signer: str, action: str, co_signers: Sequence[str] = (),
               **args: Any) -> TxResult:
        if self.before is not None:
            self.before(signer, action, tuple(co_signers), args)
        return self.ledger.submit(signer, "claims", action, co_signers=co_signers, **args)

    def enrol_args(
        self, policy_id: str, covers: list[dict[str, Any]], **terms: Any
    ) -> dict[str, Any]:
        args: dict[str, Any] = {
            "policy_id": policy_id, "insurer": self.insurer, "book": "2026-rice",
            "crop": "rice", "region": "lishui", "period_start": PERIOD[0],
            "period_end": PERIOD[1], "perils": ["typhoon", "flood"],
            "sum_insured_per_mu": 500 * CNY, "premium_per_mu": 15 * CNY,
            "stage_caps": STAGE_CAPS, "province_share_bp": 3_000, "county_share_bp": 1_500,
            "covers": covers,
        }
        args.update(terms)
        return args

    def enrol(self, policy_id: str, covers: list[dict[str, Any]], **terms: Any) -> None:
        args = self.enrol_args(policy_id, covers, **terms)
        ok(self.submit(f"{self.coop}.manager", "enrol", **args))

    def activate(self, policy_id: str) -> None:
        ok(self.submit(f"{self.insurer}.underwriter", "underwrite", policy_id=policy_id))
        self.ledger.advance(days=3)
        ok(self.submit(f"{self.coop}.manager", "publicise_underwriting", policy_id=policy_id))
        for level, member in FINANCE.items():
            ok(self.submit(member, "pay_premium_share", policy_id=policy_id, level=level,
                           programme=PROGRAMMES[level]))
        ok(self.submit(f"{self.coop}.manager", "pay_premium_share", policy_id=policy_id,
                       level="farmer"))

    def policy(self, policy_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.ledger.view("claims", "policy", policy_id=policy_id)
        return result

    def claim(self, claim_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.ledger.view("claims", "claim", claim_id=claim_id)
        return result

    def report(self, claim_id: str, policy_id: str, *, peril: str = "typhoon",
               declaration_id: str | None = None) -> None:
        args: dict[str, Any] = {"claim_id": claim_id, "policy_id": policy_id, "peril": peril,
                                "occurred_at": self.ledger.now}
        if declaration_id:
            args["declaration_id"] = declaration_id
        ok(self.submit(f"{self.coop}.manager", "report_loss", **args))

    def survey_and_assess(self, claim_id: str, losses: Mapping[str, tuple[int, int]],
                          stage: str = "tillering") -> None:
        """losses: insured -> (loss bp, damaged centi-mu)."""
        ok(self.submit(f"{self.insurer}.adjuster", "survey", claim_id=claim_id,
                       evidence=evidence(claim_id)))
        for insured, (loss_bp, area) in losses.items():
            ok(self.submit(f"{self.insurer}.adjuster", "assess_household", claim_id=claim_id,
                           insured=insured, loss_bp=loss_bp, damaged_area=area, stage=stage,
                           evidence=evidence(claim_id, insured)))

    def verify_and_publicise(self, claim_id: str) -> None:
        ok(self.submit("gov.agri", "verify", co_signers=[f"{self.coop}.manager"],
                       claim_id=claim_id))
        ok(self.submit(f"{self.insurer}.claims", "publicise_claim", claim_id=claim_id))

    def agree_and_pay(self, claim_id: str, insureds: Sequence[str]) -> None:
        for insured in insureds:
            ok(self.submit(insured, "sign_agreement", claim_id=claim_id, insured=insured))
            ok(self.submit(f"{self.insurer}.claims", "pay", claim_id=claim_id, insured=insured))

    def full_claim(self, claim_id: str, policy_id: str,
                   losses: Mapping[str, tuple[int, int]], **report: Any) -> None:
        self.report(claim_id, policy_id, **report)
        self.survey_and_assess(claim_id, losses)
        self.verify_and_publicise(claim_id)
        self.ledger.advance(days=3)
        self.agree_and_pay(claim_id, list(losses))


# -- small real contracts standing in for the lender and the dispute committee -----------



class LoanArgs(Args):
    loan_id: Id
    outstanding: Fen


class LoanQuery(Query):
    loan_id: Id


class LenderStandIn(Contract):
    """A minimal pledge-loan book with the loss-payee interface of the preamble."""

    name = "warehouse_receipt"
    readers = ()
    version = "test"

    @action(LoanArgs, policy=Role("bank", "loan_officer"))
    def open_loan(self, ctx: Context, args: LoanArgs) -> None:
        ctx.put(f"loan/{args.loan_id}", {"outstanding": args.outstanding,
                                         "lender": ctx.signer.org})

    @view(LoanQuery)
    def outstanding_debt(self, ctx: ReadContext, query: LoanQuery) -> Any:
        return ctx.get(f"loan/{query.loan_id}") or {"outstanding": 0, "lender": None}

    @operation(LoanProceedsArgs, result=Applied)
    def repay_from_proceeds(self, ctx: Context, args: LoanProceedsArgs) -> Applied:
        loan = dict(ctx.get(f"loan/{args.loan_id}") or {})
        applied = min(args.amount, int(loan["outstanding"]))
        ctx.transfer(args.source, loan["lender"], applied, memo=f"repay {args.loan_id}")
        loan["outstanding"] = int(loan["outstanding"]) - applied
        ctx.put(f"loan/{args.loan_id}", loan)
        return Applied(amount=applied)


class AssetArgs(Args):
    asset: Id


class AssetQuery(Query):
    asset: Id


class DisputesStandIn(Contract):
    """Freezes and thaws assets by the mediator's word; ``is_frozen`` as the preamble says."""

    name = "disputes"
    readers = ()
    version = "test"
    freezes_assets = True  # ctx.is_frozen asks its is_frozen view

    @action(AssetArgs, policy=Role("government", "mediator"))
    def freeze(self, ctx: Context, args: AssetArgs) -> None:
        ctx.put(f"frozen/{args.asset}", {"asset": args.asset})

    @action(AssetArgs, policy=Role("government", "mediator"))
    def thaw(self, ctx: Context, args: AssetArgs) -> None:
        ctx.delete(f"frozen/{args.asset}")

    @view(AssetQuery)
    def is_frozen(self, ctx: ReadContext, query: AssetQuery) -> bool:
        return ctx.get(f"frozen/{query.asset}") is not None


STAND_INS: dict[str, type[Contract]] = {
    "warehouse_receipt": LenderStandIn, "disputes": DisputesStandIn,
}


def harness_with_stand_ins(**kwargs: Any) -> LedgerHarness:
    return harness(extra=["warehouse_receipt", "disputes"], classes=STAND_INS, **kwargs)
