"""Stateful property test of the disputes contract against a plain model.

Parties (two farmers, a bank) and a stranger bank file disputes on receipts, orders and
claims a test asset desk owns, and on assets nobody owns; the mediation committee, the
court, a government admin and the bank all try the committee's and the court's steps; the
court's judgments take what the respondent holds, up to the judged amount, whether or not
it co-signs (a judgment compels payment), and leave judgment debts that later payments
reduce; money bank-a owes the seller of ``order:o1`` runs the desk's payout path (its
first creditor first, never beyond the path's capacity: D7), whether a judgment compels
it, the bank performs an agreement or pays down its debt; a bank pays security and its
judgment debts only through its treasurer, both treasurers above the dual-control
threshold, and its loan officer or a lone treasurer above it is refused; claimants try
to take their security back; time passes so deadlines lapse; a farmer can be revoked; a
test-only desk tries to settle money on assets, which must fail exactly while they are
frozen. Every
refusal is checked for its code and for leaving the state as it was; every balance is
checked against the model. ``test_disputes_attacks`` runs it with impostors trying every
disputes action before it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule
from test_disputes_kit import (
    ASSETS,
    BANK_DUAL_CONTROL_FEN,
    DESK,
    DISPUTES,
    FIRST,
    FIRST_DEBT,
    HASH,
    ORGS,
    PATH,
    PATH_CAPACITY,
    SIGNER_OF,
    TREASURERS,
    AssetDesk,
)

from contracts import Contract
from contracts.testing import ContractMachine

PARTIES = sorted(SIGNER_OF)  # bank-a, bank-b (party to no asset), coop-a.f1, coop-a.f2
ASSET_IDS = [*ASSETS, "receipt:r9", "lot:w:1"]  # r9 exists nowhere; no contract owns lots
ESCROW = "escrow:disputes:deposits"
DEPOSIT_BP = 3_000
COMMITTEE = ["gov.med", "gov.admin", "bank-a.officer", "gov.court"]
BENCH = ["gov.court", "gov.med", "bank-a.officer"]
NEXT = {  # step -> (from states, to state), as docs/domain.md 5 plus decline/withdraw/judge
    "accept": ({"FILED"}, "ACCEPTED"), "decline": ({"FILED"}, "DECLINED"),
    "start_mediation": ({"ACCEPTED"}, "MEDIATING"), "fail": ({"MEDIATING"}, "FAILED"),
    "sign_agreement": ({"MEDIATING"}, "AGREEMENT_SIGNED"),
    "withdraw": ({"FILED", "ACCEPTED", "MEDIATING"}, "WITHDRAWN"),
    "request_confirmation": ({"AGREEMENT_SIGNED"}, "CONFIRMATION_REQUESTED"),
    "confirm": ({"CONFIRMATION_REQUESTED"}, "CONFIRMED"),
    "reject": ({"CONFIRMATION_REQUESTED"}, "REJECTED"),
    "perform": ({"AGREEMENT_SIGNED", "CONFIRMED", "REJECTED"}, "PERFORMED"),
    "enforce": ({"CONFIRMED"}, "ENFORCED"),
    "judge": ({"LITIGATION"}, "ENFORCED"),
    "litigate": ({"FAILED", "REJECTED"}, "LITIGATION"),
}
CLOSED = {"PERFORMED", "ENFORCED", "DECLINED", "WITHDRAWN"}
HOW = ["treasurers", "treasurers", "one", "officer"]  # how a bank signs a payment
HANDLING = {"FILED", "ACCEPTED", "MEDIATING"}


@dataclass
class Debt:
    payer: str
    payee: str
    amount: int
    paid: int


@dataclass
class DisputeModel:
    asset: str
    claimant: str
    respondent: str
    complex: bool
    filed: dt.datetime
    deposit: int
    state: str = "FILED"
    extended: bool = False
    escalated: set[dt.datetime] = field(default_factory=set)
    amount: int = 0
    signed: dt.datetime | None = None
    upheld: bool | None = None
    debts: list[Debt] = field(default_factory=list)

    @property
    def deadline(self) -> dt.datetime:
        days = (30 if self.complex else 15) + (30 if self.extended else 0)
        return self.filed + dt.timedelta(days=days)


def security(claimant: str, asset: str, claimed: int) -> int:
    _, owners, value = ASSETS[asset]
    return 0 if claimant in owners else -(-max(claimed, value) * DEPOSIT_BP // 10_000)


def sign_for(party: str, amount: int, how: str = "treasurers") -> list[str]:
    """Who signs for ``party`` paying ``amount`` fen: a farmer itself; a bank as a real org
    does ("treasurers": its treasurer, both above the threshold), or wrongly through one
    treasurer ("one") or its loan officer ("officer")."""
    if party not in TREASURERS:
        return [SIGNER_OF[party]]
    if how == "officer":
        return [f"{party}.officer"]
    if how == "one" or amount <= BANK_DUAL_CONTROL_FEN:
        return [TREASURERS[party][0]]
    return list(TREASURERS[party])


def debit_code(party: str, amount: int, signers: list[str]) -> str | None:
    """Settlement's money authority over ``party``'s account for ``amount`` fen."""
    if amount == 0:
        return None
    if party not in TREASURERS:
        return None if party in signers else "UNAUTHORIZED"
    authorised = set(signers) & set(TREASURERS[party])
    if not authorised:
        return "UNAUTHORIZED"
    if amount > BANK_DUAL_CONTROL_FEN and len(authorised) < 2:
        return "DUAL_CONTROL_REQUIRED"
    return None


class DisputesMachine(ContractMachine):
    orgs = ORGS
    contracts = ("membership", "settlement", DISPUTES, DESK)
    classes: ClassVar[Mapping[str, type[Contract]]] = {"assetdesk": AssetDesk}

    disputes = Bundle("disputes")

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, DisputeModel] = {}
        self.revoked: set[str] = set()
        self.balances: dict[str, int] = dict.fromkeys([*PARTIES, ESCROW], 0)
        self.path_paid, self.first_paid = 0, 0  # what the desk's payout path has paid

    @property
    def now(self) -> dt.datetime:
        return self.ledger.clock

    def move(self, source: str, target: str, amount: int) -> None:
        self.balances[source] -= amount
        self.balances[target] += amount

    def attempt(self, code: str | None, signer: str, contract: str, action: str, *,
                co_signers: list[str] | None = None, **args: Any) -> Any:
        """Submit; assert the expected outcome, and that a refusal wrote nothing."""
        result = self.run(signer, contract, action, co_signers=co_signers or [], **args)
        got = None if result.committed else result.code
        assert got == code, f"expected {code}, got {got}: {result.message}"
        if code is not None:
            block = self.ledger.store.block(self.ledger.store.height())
            assert block is not None
            assert block.writes() == [], f"refused {action} wrote"
            assert (result.writes, result.events) == ((), ())
        return result

    def frozen(self) -> set[str]:
        return {d.asset for d in self.model.values() if d.state not in CLOSED}

    def step_code(self, d: DisputeModel, step: str) -> str | None:
        return None if d.state in NEXT[step][0] else "DISPUTE_INVALID_TRANSITION"

    def gate(self, signers: list[str], allowed: bool) -> str | None:
        if any(s in self.revoked for s in signers):
            return "SIGNER_REVOKED"
        return None if allowed else "UNAUTHORIZED"

    def close(self, d: DisputeModel, state: str, upheld: bool) -> None:
        """The dispute closes: its security goes to the claimant if upheld, else the
        respondent (D6)."""
        d.state, d.upheld = state, upheld
        self.move(ESCROW, d.claimant if upheld else d.respondent, d.deposit)

    def pay_terms(self, d: DisputeModel, terms: list[tuple[str, str, int]]) -> None:
        """A court's outcome takes what the respondent holds, up to each term, whoever
        co-signs or does not (a judgment compels it); the rest is debt (D7). A term on
        the desk's path pays only what the path takes."""
        for payer, payee, amount in terms:
            assert payer == d.respondent
            paid = min(amount, self.balances[payer])
            if (d.asset, payer, payee) == PATH:
                paid = self.down_path(payer, payee, paid)
            else:
                self.move(payer, payee, paid)
            d.debts.append(Debt(payer, payee, amount, paid))

    def path_takes(self, amount: int) -> int:
        return min(amount, PATH_CAPACITY - self.path_paid)

    def down_path(self, payer: str, payee: str, amount: int) -> int:
        """The desk's path: its first creditor up to FIRST_DEBT, then the payee."""
        take = self.path_takes(amount)
        first = min(take, FIRST_DEBT - self.first_paid)
        self.move(payer, FIRST, first)
        self.move(payer, payee, take - first)
        self.path_paid, self.first_paid = self.path_paid + take, self.first_paid + first
        return take

    def fund_parties(self) -> None:
        """bank-a holds more than its dual-control threshold, so its payments above it
        (security, judgments) need both treasurers."""
        for account in PARTIES:
            amount = 3 * 10**8 if account == "bank-a" else 10**8
            self.attempt(None, "gov.pboc", "settlement", "issue", account=account, amount=amount)
            self.balances[account] = amount

    @initialize(target=disputes, claimed=st.sampled_from([0, 5_000_000]))
    def bank_freezes_farmers_receipt(self, claimed: int) -> Any:
        """Every run has one secured freeze: the pledgee over the farmer's receipt; and
        one case against the bank: the seller of the order (its own asset, no security)
        against its financing bank, so that judgments can order the bank to pay."""
        self.fund_parties()
        bank_claims = self.open("d0", "receipt:r1", (1, 0), None, False, claimed, "treasurers")
        against_bank = self.open("d5", "order:o1", (0, 1), None, False, 0, "treasurers")
        assert self.model["d5"].respondent == "bank-a"
        return multiple(bank_claims, against_bank)

    @rule(target=disputes, dispute=st.sampled_from(["d1", "d2", "d3", "d4"]),
          asset=st.sampled_from([*ASSETS, *ASSET_IDS]),
          pick=st.tuples(st.integers(0, 2), st.integers(0, 1)),
          abuse=st.sampled_from([None, None, None, None, "stranger", "stranger_respondent",
                                 "same", "wrong_signer"]),
          complex_=st.booleans(), claimed=st.sampled_from([0, 5_000_000, 10**9, 4 * 10**8]),
          how=st.sampled_from(HOW))
    def open(self, dispute: str, asset: str, pick: tuple[int, int], abuse: str | None,
             complex_: bool, claimed: int, how: str) -> Any:
        """Mostly two parties to the asset; else a stranger, or one party twice, or the
        respondent signing for the claimant. A bank claimant pays its security as ``how``
        says (its treasurers, or wrongly one treasurer above the threshold, or its officer)."""
        parties = ASSETS[asset][0] if asset in ASSETS else tuple(PARTIES)
        claimant = parties[pick[0] % len(parties)]
        respondent = parties[(pick[0] + 1 + pick[1] % (len(parties) - 1)) % len(parties)]
        if abuse == "stranger":
            claimant = "bank-b"
        elif abuse == "stranger_respondent":
            respondent = "bank-b"
        elif abuse == "same":
            respondent = claimant
        wrong_signer = abuse == "wrong_signer"
        deposit = security(claimant, asset, claimed) if asset in ASSETS else 0
        signers = [SIGNER_OF[respondent]] if wrong_signer else sign_for(claimant, deposit, how)
        code = self.gate(signers, not wrong_signer)
        if code is None and asset.startswith("lot:"):
            code = "UNSUPPORTED_ASSET"
        if code is None and claimant == respondent:
            code = "SAME_PARTY"
        if code is None and dispute in self.model:
            code = "DISPUTE_ALREADY_EXISTS"
        if code is None and asset not in ASSETS:
            code = "ASSET_NOT_FOUND"
        if code is None and claimant not in ASSETS[asset][0]:
            code = "NO_STANDING"
        if code is None and respondent not in ASSETS[asset][0]:
            code = "RESPONDENT_NOT_PARTY"
        if code is None and asset in self.frozen():
            code = "ASSET_ALREADY_DISPUTED"
        if code is None:
            code = debit_code(claimant, deposit, signers)
        if code is None and deposit > self.balances[claimant]:
            code = "INSUFFICIENT_FUNDS"
        self.attempt(code, signers[0], "disputes", "open", co_signers=signers[1:],
                     dispute=dispute, asset=asset, claimant=claimant, respondent=respondent,
                     amount=claimed, complexity="complex" if complex_ else "simple")
        if code is None:
            self.model[dispute] = DisputeModel(asset, claimant, respondent, complex_, self.now,
                                               deposit)
            self.move(claimant, ESCROW, deposit)
            return dispute
        return multiple()

    @rule(dispute=disputes, choices=st.lists(st.integers(0, 3), min_size=1, max_size=10))
    def progress(self, dispute: str, choices: list[int]) -> None:
        """Take the dispute's next steps as the right parties would, so that random runs
        reach the court. Where there are two ways forward, choice 0 takes the other one
        (decline, fail, dismiss, enforce without the respondent's signature); choices 2
        and 3 have a bank co-sign the court's outcome or pay its debt wrongly (one
        treasurer, its officer)."""
        for choice in choices:
            self.next_step(dispute, choice)

    def next_step(self, dispute: str, choice: int) -> None:
        d = self.model[dispute]
        usual, how = choice != 0, HOW[choice]
        if d.state == "FILED":
            self.committee_step(dispute, "accept" if usual else "decline", "gov.med")
        elif d.state == "ACCEPTED":
            self.committee_step(dispute, "start_mediation", "gov.med")
        elif d.state == "MEDIATING" and not usual:
            self.committee_step(dispute, "fail", "gov.med")
        elif d.state == "MEDIATING":
            self.sign_agreement(dispute, 7_000, "all")
        elif d.state == "AGREEMENT_SIGNED":
            self.request_confirmation(dispute, jointly=True)
        elif d.state == "CONFIRMATION_REQUESTED":
            self.record_confirmation(dispute, True, "gov.court")
        elif d.state == "CONFIRMED":
            self.enforce(dispute, "gov.court", cosigned=usual, how=how)
        elif d.state == "FAILED":
            self.party_step(dispute, usual, "litigate")
        elif d.state == "LITIGATION":
            self.judge(dispute, "gov.court", upheld=False, amount=1, cosigned=False,
                       with_terms=True, stranger_payer=False,
                       how="treasurers")  # refused: a dismissal orders none
            self.judge(dispute, "gov.court", upheld=usual, amount=150_000_000,
                       cosigned=True, with_terms=usual, stranger_payer=False, how=how)
        elif d.state == "ENFORCED" and d.debts:
            self.pay_judgment(dispute, 0, 3_000, by_payer=usual, how=how)

    @rule(dispute=disputes, step=st.sampled_from(["accept", "decline", "start_mediation",
                                                  "fail"]),
          signer=st.sampled_from(COMMITTEE))
    def committee_step(self, dispute: str, step: str, signer: str) -> None:
        d = self.model[dispute]
        code = self.gate([signer], signer == "gov.med") or self.step_code(d, step)
        self.attempt(code, signer, "disputes", step, dispute=dispute)
        if code is None and step == "decline":
            self.close(d, "DECLINED", upheld=False)
        elif code is None:
            d.state = NEXT[step][1]

    @rule(dispute=disputes, confirmed=st.booleans(), signer=st.sampled_from(BENCH))
    def record_confirmation(self, dispute: str, confirmed: bool, signer: str) -> None:
        d = self.model[dispute]
        step = "confirm" if confirmed else "reject"
        code = self.gate([signer], signer == "gov.court") or self.step_code(d, step)
        self.attempt(code, signer, "disputes", "record_confirmation", dispute=dispute,
                     confirmed=confirmed, court_ref=HASH)
        if code is None:
            d.state = NEXT[step][1]

    @rule(dispute=disputes, signer=st.sampled_from(BENCH), cosigned=st.booleans(),
          how=st.sampled_from(HOW))
    def enforce(self, dispute: str, signer: str, cosigned: bool, how: str) -> None:
        """The court enforces a confirmed agreement; the respondent's co-signature, or its
        absence, changes nothing about what it pays."""
        d = self.model[dispute]
        payer = sign_for(d.respondent, d.amount, how) if cosigned else []
        signers = list(dict.fromkeys([signer, *payer]))
        code = self.gate(signers, signer == "gov.court") or self.step_code(d, "enforce")
        self.attempt(code, signer, "disputes", "enforce", co_signers=signers[1:],
                     dispute=dispute, court_ref=HASH)
        if code is None:
            self.pay_terms(d, [(d.respondent, d.claimant, d.amount)])
            self.close(d, "ENFORCED", upheld=True)

    @rule(dispute=disputes, signer=st.sampled_from(BENCH), upheld=st.booleans(),
          amount=st.integers(1, 2 * 10**8), cosigned=st.booleans(), with_terms=st.booleans(),
          stranger_payer=st.booleans(), how=st.sampled_from(HOW))
    def judge(self, dispute: str, signer: str, upheld: bool, amount: int, cosigned: bool,
              with_terms: bool, stranger_payer: bool, how: str) -> None:
        """A judgment after litigation: upheld with money terms, or dismissed."""
        d = self.model[dispute]
        payer = "bank-b" if stranger_payer and "bank-b" not in (d.claimant, d.respondent) \
            else d.respondent
        terms = [(payer, d.claimant, amount)] if with_terms else []
        debtor = sign_for(d.respondent, amount, how) if cosigned else []
        signers = list(dict.fromkeys([signer, *debtor]))
        code = self.gate(signers, signer == "gov.court") or self.step_code(d, "judge")
        if code is None and terms and payer != d.respondent:
            code = "TERM_PAYER_NOT_PARTY"
        if code is None and terms and not upheld:
            code = "DISMISSAL_WITH_TERMS"
        self.attempt(code, signer, "disputes", "judge", co_signers=signers[1:],
                     dispute=dispute, court_ref=HASH, upheld=upheld,
                     terms=[{"payer": p, "payee": q, "amount": a} for p, q, a in terms])
        if code is None:
            self.pay_terms(d, terms)
            self.close(d, "ENFORCED", upheld=upheld)

    @rule(dispute=disputes, term=st.integers(0, 1),
          amount=st.one_of(st.integers(1, 10_000), st.integers(1, 2 * 10**8)),
          by_payer=st.booleans(), how=st.sampled_from(HOW))
    def pay_judgment(self, dispute: str, term: int, amount: int, by_payer: bool,
                     how: str) -> None:
        """The judgment debtor pays down its debt (a bank as ``how`` says); the creditor
        cannot sign for it."""
        d = self.model[dispute]
        debt = d.debts[term] if term < len(d.debts) else None
        if debt is None:
            signers = [SIGNER_OF[d.respondent if by_payer else d.claimant]]
            code = self.gate(signers, True) or "NO_JUDGMENT_DEBT"
        else:
            signers = (sign_for(debt.payer, amount, how) if by_payer
                       else [SIGNER_OF[debt.payee]])
            code = self.gate(signers, by_payer)
            outstanding = debt.amount - debt.paid
            if code is None and outstanding == 0:
                code = "NO_JUDGMENT_DEBT"
            if code is None and amount > outstanding:
                code = "JUDGMENT_OVERPAYMENT"
            if code is None:
                code = debit_code(debt.payer, amount, signers)
            if code is None and amount > self.balances[debt.payer]:
                code = "INSUFFICIENT_FUNDS"
            on_path = (d.asset, debt.payer, debt.payee) == PATH
            if code is None and on_path and self.path_takes(amount) < amount:
                code = "PAYOUT_PATH_SHORT"
        self.attempt(code, signers[0], "disputes", "pay_judgment", co_signers=signers[1:],
                     dispute=dispute, term=term, amount=amount)
        if code is None and debt is not None:
            debt.paid += amount
            if on_path:
                self.down_path(debt.payer, debt.payee, amount)
            else:
                self.move(debt.payer, debt.payee, amount)

    @rule(dispute=disputes)
    def claimant_takes_back_security(self, dispute: str) -> None:
        """The claimant tries to move its own deposit out of the disputes escrow."""
        d = self.model[dispute]
        signer = SIGNER_OF[d.claimant]
        self.attempt(self.gate([signer], False), signer, "settlement", "transfer",
                     source=ESCROW, target=d.claimant, amount=max(d.deposit, 1))

    @rule(dispute=disputes, amount=st.integers(1, 10_000),
          who=st.sampled_from(["all", "no_mediator", "bank_instead", "one_party"]))
    def sign_agreement(self, dispute: str, amount: int, who: str) -> None:
        d = self.model[dispute]
        parties = [SIGNER_OF[d.claimant], SIGNER_OF[d.respondent]]
        signers = {"all": [*parties, "gov.med"], "no_mediator": parties,
                   "bank_instead": [*parties, "bank-a.officer"],
                   "one_party": [parties[0], "gov.med"]}[who]
        signers = list(dict.fromkeys(signers))
        code = self.gate(signers, who == "all") or self.step_code(d, "sign_agreement")
        self.attempt(code, signers[0], "disputes", "sign_agreement", co_signers=signers[1:],
                     dispute=dispute, text_hash=HASH,
                     terms=[{"payer": d.respondent, "payee": d.claimant, "amount": amount}])
        if code is None:
            d.state, d.amount, d.signed = "AGREEMENT_SIGNED", amount, self.now

    @rule(dispute=disputes, jointly=st.booleans())
    def request_confirmation(self, dispute: str, jointly: bool) -> None:
        d = self.model[dispute]
        signers = [SIGNER_OF[d.claimant], SIGNER_OF[d.respondent]][: 2 if jointly else 1]
        code = self.gate(signers, jointly)
        if code is None and d.signed and self.now > d.signed + dt.timedelta(days=30):
            code = "CONFIRMATION_WINDOW_CLOSED"  # checked before the state, as it is signed
        code = code or self.step_code(d, "request_confirmation")
        self.attempt(code, signers[0], "disputes", "request_confirmation",
                     co_signers=signers[1:], dispute=dispute)
        if code is None:
            d.state = "CONFIRMATION_REQUESTED"

    @rule(dispute=disputes, by_payer=st.booleans())
    def perform(self, dispute: str, by_payer: bool) -> None:
        d = self.model[dispute]
        signer = SIGNER_OF[d.respondent if by_payer else d.claimant]
        code = self.gate([signer], True) or self.step_code(d, "perform")
        if code is None and not by_payer:
            code = "PAYER_MUST_SIGN"
        on_path = (d.asset, d.respondent, d.claimant) == PATH
        needed = self.path_takes(d.amount) if on_path else d.amount
        if code is None and needed > self.balances[d.respondent]:
            code = "INSUFFICIENT_FUNDS"  # a judgment may have taken what it held
        if code is None and on_path and needed < d.amount:
            code = "PAYOUT_PATH_SHORT"
        self.attempt(code, signer, "disputes", "perform", dispute=dispute)
        if code is None:
            if on_path:
                self.down_path(d.respondent, d.claimant, d.amount)
            else:
                self.move(d.respondent, d.claimant, d.amount)
            self.close(d, "PERFORMED", upheld=True)

    @rule(dispute=disputes, by_claimant=st.booleans(), step=st.sampled_from(["litigate",
                                                                            "withdraw"]))
    def party_step(self, dispute: str, by_claimant: bool, step: str) -> None:
        d = self.model[dispute]
        signer = SIGNER_OF[d.claimant if by_claimant else d.respondent]
        code = self.gate([signer], by_claimant or step == "litigate") or self.step_code(d, step)
        self.attempt(code, signer, "disputes", step, dispute=dispute)
        if code is None and step == "withdraw":
            self.close(d, "WITHDRAWN", upheld=False)
        elif code is None:
            d.state = NEXT[step][1]

    @rule(dispute=disputes, signer=st.sampled_from(COMMITTEE))
    def extend(self, dispute: str, signer: str) -> None:
        d = self.model[dispute]
        code = self.gate([signer], signer == "gov.med")
        if code is None and (not d.complex or d.extended or d.state not in HANDLING):
            code = "EXTENSION_NOT_ALLOWED"
        self.attempt(code, signer, "disputes", "extend", dispute=dispute)
        if code is None:
            d.extended = True

    @rule(dispute=disputes, signer=st.sampled_from(["coop-a.f1", "bank-a.officer", "gov.med"]))
    def escalate(self, dispute: str, signer: str) -> None:
        d = self.model[dispute]
        code = self.gate([signer], True)
        if code is None and d.state not in HANDLING:
            code = "DISPUTE_INVALID_TRANSITION"
        if code is None and not self.now > d.deadline:
            code = "DEADLINE_NOT_PASSED"
        if code is None and d.deadline in d.escalated:
            code = "ALREADY_ESCALATED"
        self.attempt(code, signer, "disputes", "escalate", dispute=dispute)
        if code is None:
            d.escalated.add(d.deadline)

    @rule(days=st.integers(1, 20))
    def time_passes(self, days: int) -> None:
        self.ledger.advance(days=days)

    @precondition(lambda self: "coop-a.f2" not in self.revoked)
    @rule(now=st.integers(0, 3))
    def revoke_farmer(self, now: int) -> None:
        if now:  # less often than every other rule: a revoked party blocks its disputes
            return
        self.attempt(None, "coop-a.admin", "membership", "revoke", member_id="coop-a.f2")
        self.revoked.add("coop-a.f2")

    @rule(asset=st.sampled_from(list(ASSETS)))
    def settle_on_asset(self, asset: str) -> None:
        code = "ASSET_FROZEN" if asset in self.frozen() else None
        if self.balances["bank-a"] < 1:
            code = code or "INSUFFICIENT_FUNDS"
        self.attempt(code, "bank-a.treasurer", "assetdesk", "settle", asset=asset,
                     source="bank-a", target="coop-a.f1", amount=1)
        if code is None:
            self.move("bank-a", "coop-a.f1", 1)

    @invariant()
    def model_matches_ledger(self) -> None:
        for asset in ASSET_IDS:
            assert self.ledger.view("disputes", "is_frozen", asset=asset) == (
                asset in self.frozen())
        for dispute, d in self.model.items():
            got = self.ledger.view("disputes", "dispute", dispute=dispute)
            assert (got["state"], got["extended"], len(got["escalations"])) == (
                d.state, d.extended, len(d.escalated))
            assert got["deposit"] == d.deposit
        overdue = {row["dispute"] for row in self.ledger.view("disputes", "overdue")}
        assert overdue == {k for k, d in self.model.items()
                           if d.state in HANDLING and self.now > d.deadline}
        debts = {(r["dispute"], r["term"]): r["outstanding"]
                 for r in self.ledger.view("disputes", "judgment_debts")}
        assert debts == {(k, i): t.amount - t.paid for k, d in self.model.items()
                         for i, t in enumerate(d.debts) if t.amount > t.paid}

    @invariant()
    def balances_match_model(self) -> None:
        """Deposits are conserved: what left a claimant sits in the escrow until the
        outcome pays it to exactly one side; judgment money moves only as modelled."""
        for account, balance in self.balances.items():
            assert self.ledger.balance(account) == balance, account
        held = sum(d.deposit for d in self.model.values() if d.state not in CLOSED)
        assert self.balances[ESCROW] == held

# The test case runs this machine with attackers: test_disputes_attacks.TestDisputesMachine.
