"""Stateful property test of the credit contract against a plain model.

Many parties act: the rating office (agriculture), the finance bureau, the admin, a bank, a
central-bank member, farmers and a cooperative; some are not allowed to do what they try, and
one farmer can be revoked. A test-only loan contract ("loanbook") stands in for the loan
contracts: it pays interest (asking credit for the subsidy first) and reports defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule
from test_credit_kit import (
    BORROWERS,
    BP,
    FINANCE,
    KINDS,
    LPR,
    MIN_SCORE,
    PRODUCTS,
    RANK,
    RATERS,
    SETTLEMENT,
    SIGNERS,
    TIERS,
    VILLAGE_BP,
    LoanBook,
    credit_config,
)
from test_credit_kit import ORGS as KIT_ORGS

from contracts import Contract
from contracts.genesis import ContractConfig
from contracts.testing import ContractMachine, OrgSpec, Threat, with_node_keys

# Attackers only: a revoked rating officer; every org gets its node key. There is one
# government, so no "wrong org" attempt: a county's offices act for the county.
ORGS = with_node_keys(
    OrgSpec(o.id, o.type, (*o.members, *((("old", "agriculture"),) if o.id == "gov" else ())))
    for o in KIT_ORGS
)
THREATS = tuple(t for t in Threat if t is not Threat.WRONG_ORG)


@dataclass
class ProgrammeModel:
    kinds: set[str]
    products: set[str]
    rule: str
    share_bp: int | None
    budget: int
    funded: int = 0
    paid: int = 0
    refunded: int = 0
    open: bool = True

    def due(self, interest: int, rate_bp: int | None) -> int:
        if self.rule == "share":
            due = interest * (self.share_bp or 0) // BP
        elif rate_bp:
            due = interest * max(0, rate_bp - (LPR - 150)) // rate_bp
        else:
            due = 0
        return min(due, interest, self.funded - self.paid - self.refunded)


@dataclass
class HouseholdModel:
    village: str
    kind: str
    tier: str
    in_default: bool = False
    defaults: int = 0


@dataclass
class Model:
    villages: set[str] = field(default_factory=set)
    households: dict[str, HouseholdModel] = field(default_factory=dict)
    programmes: dict[str, ProgrammeModel] = field(default_factory=dict)
    defaults: set[tuple[str, str]] = field(default_factory=set)
    revoked: set[str] = field(default_factory=set)

    def kind_of(self, borrower: str) -> str:
        if borrower in self.households:
            return self.households[borrower].kind
        return "household" if "." in borrower else "cooperative"

    def is_credit_village(self, village: str) -> bool:
        members = [h for h in self.households.values() if h.village == village]
        good = [h for h in members if RANK[h.tier] >= 2 and not h.in_default]
        return bool(members) and len(good) * BP >= VILLAGE_BP * len(members)


class CreditMachine(ContractMachine):
    orgs = ORGS
    contracts = (
        "membership",
        SETTLEMENT,
        credit_config(credit_village_bp=VILLAGE_BP),
        ContractConfig(name="loanbook", version="1"),
    )

    villages = Bundle("villages")
    programmes = Bundle("programmes")

    classes: ClassVar[Mapping[str, type[Contract]]] = {"loanbook": LoanBook}
    revoked_members = ("gov.old",)

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.loans = 0

    def expect(self, result: Any, code: str | None) -> None:
        got = None if result.committed else result.code
        assert got == code, f"expected {code}, got {got}: {result.message}"

    def tx(self, signer: str, action: str, code: str | None, office: set[str], other: str,
           **args: Any) -> Any:
        """Run the credit tx; first, if the model says it commits, every impostor of
        ``signer`` outside ``office`` (who may all act) tries it and must be refused;
        ``other`` is the party who gains from it (the rated farmer, a bank)."""
        if code is None:
            self.attack(signer, "credit", action, args, threats=THREATS, entitled=office,
                        counterparty=[other])
        return self.run(signer, "credit", action, **args)

    def gate(self, signer: str, allowed: bool) -> str | None:
        """The code a tx by ``signer`` fails with before the contract logic, if any."""
        if signer in self.model.revoked:
            return "SIGNER_REVOKED"
        return None if allowed else "UNAUTHORIZED"

    def fund_accounts(self) -> None:
        self.expect(self.run("gov.pboc", "settlement", "issue", account="gov", amount=10**9), None)
        for borrower in BORROWERS:
            self.expect(
                self.run("gov.pboc", "settlement", "issue", account=borrower, amount=10**8), None
            )

    @initialize(target=programmes, share_bp=st.integers(1, BP), budget=st.integers(1, 3_000))
    def open_broad_programme(self, share_bp: int, budget: int) -> str:
        """A funded programme open to every borrower, so payments soon exhaust a budget."""
        self.fund_accounts()
        self.expect(self.run("gov.fin", "credit", "publish_programme", programme="p0",
                             name="p0", rule="share", share_bp=share_bp, borrower_kinds=KINDS,
                             products=PRODUCTS[:2], budget=budget), None)
        self.expect(self.run("gov.fin", "credit", "fund_programme", programme="p0",
                             amount=budget), None)
        self.model.programmes["p0"] = ProgrammeModel(set(KINDS), set(PRODUCTS[:2]), "share",
                                                     share_bp, budget, funded=budget)
        return "p0"

    # -- villages and ratings --------------------------------------------------------------

    @rule(
        target=villages,
        village=st.sampled_from(["v1", "v2", "v3"]),
        signer=st.sampled_from(SIGNERS),
    )
    def register_village(self, village: str, signer: str) -> Any:
        code = self.gate(signer, signer in RATERS)
        if code is None and village in self.model.villages:
            code = "VILLAGE_ALREADY_EXISTS"
        self.expect(
            self.tx(signer, "register_village", code, RATERS, "bank-a.officer", village=village,
                    name=village),
            code,
        )
        if code is None:
            self.model.villages.add(village)
            return village
        return multiple()

    @rule(
        village=st.one_of(villages, st.just("nowhere")),
        signer=st.sampled_from(SIGNERS),
        subject=st.sampled_from(sorted(BORROWERS)),
        tier=st.sampled_from(TIERS),
        kind=st.sampled_from(KINDS),
        score=st.integers(40, 100),
    )
    def attest(
        self, village: str, signer: str, subject: str, tier: str, kind: str, score: int
    ) -> None:
        code = self.gate(signer, signer in RATERS)
        if code is None and village not in self.model.villages:
            code = "VILLAGE_NOT_FOUND"
        if code is None and 4 * score < MIN_SCORE[tier]:
            code = "RATING_SCORES_TOO_LOW"
        scores = dict(
            moral_character=score,
            credit_record=score,
            business_ability=score,
            repayment_capacity=score,
        )
        self.expect(
            self.tx(
                signer,
                "attest_rating",
                code,
                RATERS,
                BORROWERS[subject],
                subject=subject,
                village=village,
                tier=tier,
                kind=kind,
                scores=scores,
            ),
            code,
        )
        if code is None:
            old = self.model.households.get(subject)
            defaults = old.defaults if old else sum(b == subject for b, _ in self.model.defaults)
            self.model.households[subject] = HouseholdModel(village, kind, tier, False, defaults)

    # -- programmes ------------------------------------------------------------------------

    @rule(
        target=programmes,
        programme=st.sampled_from(["p1", "p2", "p3"]),
        signer=st.sampled_from(SIGNERS),
        rule_=st.sampled_from(["share", "above_lpr"]),
        share_bp=st.one_of(st.none(), st.integers(1, BP)),
        kinds=st.sets(st.sampled_from(KINDS), min_size=1),
        products=st.sets(st.sampled_from(PRODUCTS[:2]), min_size=1),
        budget=st.integers(1, 5_000),
    )
    def publish(
        self,
        programme: str,
        signer: str,
        rule_: str,
        share_bp: int | None,
        kinds: set[str],
        products: set[str],
        budget: int,
    ) -> Any:
        code = self.gate(signer, signer in FINANCE)
        if code is None and programme in self.model.programmes:
            code = "PROGRAMME_ALREADY_EXISTS"
        if code is None and (share_bp is None) == (rule_ == "share"):
            code = "INVALID_SUBSIDY_RULE"
        args: dict[str, Any] = dict(
            programme=programme,
            name=programme,
            rule=rule_,
            borrower_kinds=sorted(kinds),
            products=sorted(products),
            budget=budget,
        )
        if share_bp is not None:
            args["share_bp"] = share_bp
        self.expect(self.tx(signer, "publish_programme", code, FINANCE, "bank-a.officer",
                            **args), code)
        if code is None:
            self.model.programmes[programme] = ProgrammeModel(
                kinds, products, rule_, share_bp, budget
            )
            return programme
        return multiple()

    @rule(programme=programmes, signer=st.sampled_from(SIGNERS), amount=st.integers(1, 4_000))
    def fund(self, programme: str, signer: str, amount: int) -> None:
        p = self.model.programmes[programme]
        code = self.gate(signer, signer in FINANCE)
        if code is None and not p.open:
            code = "PROGRAMME_CLOSED"
        if code is None and p.funded + amount > p.budget:
            code = "FUNDING_EXCEEDS_BUDGET"
        if code is None and signer != "gov.fin":
            code = "UNAUTHORIZED"  # T1/T4: the admin may run a programme but not spend on it
        self.expect(
            self.tx(signer, "fund_programme", code, FINANCE, "bank-a.officer",
                    programme=programme, amount=amount),
            code,
        )
        if code is None:
            p.funded += amount

    @rule(signer=st.sampled_from(sorted(FINANCE)))
    def fund_unknown_programme(self, signer: str) -> None:
        self.expect(
            self.run(signer, "credit", "fund_programme", programme="ghost", amount=1),
            "PROGRAMME_NOT_FOUND",
        )

    @rule(programme=programmes, signer=st.sampled_from(SIGNERS))
    def close(self, programme: str, signer: str) -> None:
        p = self.model.programmes[programme]
        code = self.gate(signer, signer in FINANCE)
        if code is None and not p.open:
            code = "PROGRAMME_CLOSED"
        before = self.ledger.balance("gov")
        self.expect(self.tx(signer, "close_programme", code, FINANCE, "bank-a.officer",
                            programme=programme), code)
        if code is None:
            refund = p.funded - p.paid - p.refunded
            p.refunded += refund
            p.open = False
            assert self.ledger.balance("gov") == before + refund

    # -- loans -----------------------------------------------------------------------------

    @rule(
        borrower=st.sampled_from(sorted(BORROWERS)),
        wrong_signer=st.booleans(),
        product=st.sampled_from(PRODUCTS),
        interest=st.integers(0, 2_000),
        rate_bp=st.integers(1, 800),
        late=st.sampled_from([None, "overdue", "defaulted"]),
    )
    def pay_interest(
        self, borrower: str, wrong_signer: bool, product: str, interest: int, rate_bp: int,
        late: str | None,
    ) -> None:
        """A loan contract offers interest; one of an overdue or defaulted loan is refused (L3)."""
        signer = "coop-b.f1" if wrong_signer and borrower != "coop-b.f1" else BORROWERS[borrower]
        code = self.gate(signer, signer == BORROWERS[borrower])
        if code is None and late is not None:
            code = "SUBSIDY_NOT_ELIGIBLE"
        expected = 0
        chosen = None
        if code is None and interest > 0:
            kind = self.model.kind_of(borrower)
            for pid in sorted(self.model.programmes):
                p = self.model.programmes[pid]
                if (
                    p.open
                    and kind in p.kinds
                    and product in p.products
                    and p.due(interest, rate_bp) > 0
                ):
                    chosen, expected = p, p.due(interest, rate_bp)
                    break
        self.loans += 1
        lender_before = self.ledger.balance("bank-a")
        borrower_before = self.ledger.balance(borrower)
        args: dict[str, Any] = dict(
            loan_id=f"loan-{self.loans}",
            borrower=borrower,
            lender="bank-a",
            product=product,
            interest=interest,
            rate_bp=rate_bp,
            **({} if late is None else {late: True}),
        )
        result = self.run(signer, "loanbook", "pay_interest", **args)
        self.expect(result, code)
        if code is None:
            assert self.ledger.balance("bank-a") == lender_before + interest
            assert self.ledger.balance(borrower) == borrower_before - (interest - expected)
            if chosen is not None:
                chosen.paid += expected

    @rule(
        borrower=st.sampled_from(sorted(BORROWERS)),
        loan=st.integers(1, 4),
        signer=st.sampled_from(["bank-a.officer", "coop-a.f1", "gov.agri"]),
    )
    def default(self, borrower: str, loan: int, signer: str) -> None:
        code = self.gate(signer, signer == "bank-a.officer")
        self.expect(
            self.run(signer, "loanbook", "default", borrower=borrower, loan_id=f"loan-{loan}"), code
        )
        if code is None and (borrower, f"loan-{loan}") not in self.model.defaults:
            self.model.defaults.add((borrower, f"loan-{loan}"))
            h = self.model.households.get(borrower)
            if h is not None:
                if h.tier != "unrated":
                    h.tier = {4: "AA", 3: "A", 2: "B", 1: "B"}[RANK[h.tier]]
                h.in_default = True
                h.defaults += 1

    @precondition(lambda self: "coop-a.f3" not in self.model.revoked)
    @rule()
    def revoke_farmer(self) -> None:
        self.expect(self.run("coop-a.admin", "membership", "revoke", member_id="coop-a.f3"), None)
        self.model.revoked.add("coop-a.f3")

    # -- the model and the ledger agree ----------------------------------------------------

    @invariant()
    def model_matches_ledger(self) -> None:
        for pid, p in self.model.programmes.items():
            got = self.ledger.view("credit", "programme", programme=pid)
            assert (got["funded"], got["paid"], got["refunded"], got["open"]) == (
                p.funded,
                p.paid,
                p.refunded,
                p.open,
            )
            assert got["paid"] <= got["budget"]
        for subject in BORROWERS:
            h = self.model.households.get(subject)
            rating: Mapping[str, Any] = self.ledger.view("credit", "rating", subject=subject)
            assert rating["tier"] == (h.tier if h else "unrated")
            if h is not None:
                assert (rating["in_default"], rating["defaults"]) == (h.in_default, h.defaults)
        for village in self.model.villages:
            got = self.ledger.view("credit", "village", village=village)
            assert got["credit_village"] == self.model.is_credit_village(village)


TestCreditMachine = CreditMachine.TestCase
