"""Stateful property test of the disputes contract against a plain model.

Parties (two farmers and a bank) file disputes on receipts, orders and claims; the
mediation committee, a government admin and the bank all try the committee's steps; time
passes so deadlines lapse and escalations are due; a farmer can be revoked; a test-only
desk tries to settle money on assets, which must fail exactly while they are frozen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule
from test_disputes_kit import HASH, ORGS, SIGNER_OF, AssetDesk

from contracts import Contract
from contracts.genesis import ContractConfig
from contracts.testing import ContractMachine

PARTIES = sorted(SIGNER_OF)
ASSETS = ["receipt:r1", "order:o1", "claim:c1", "lot:w:1"]
COMMITTEE = ["gov.med", "gov.admin", "bank-a.officer"]
NEXT = {  # step -> (from states, to state), as DOMAIN.md 5 plus decline/withdraw
    "accept": ({"FILED"}, "ACCEPTED"), "decline": ({"FILED"}, "DECLINED"),
    "start_mediation": ({"ACCEPTED"}, "MEDIATING"), "fail": ({"MEDIATING"}, "FAILED"),
    "sign_agreement": ({"MEDIATING"}, "AGREEMENT_SIGNED"),
    "withdraw": ({"FILED", "ACCEPTED", "MEDIATING"}, "WITHDRAWN"),
    "request_confirmation": ({"AGREEMENT_SIGNED"}, "CONFIRMATION_REQUESTED"),
    "confirm": ({"CONFIRMATION_REQUESTED"}, "CONFIRMED"),
    "reject": ({"CONFIRMATION_REQUESTED"}, "REJECTED"),
    "perform": ({"AGREEMENT_SIGNED", "CONFIRMED", "REJECTED"}, "PERFORMED"),
    "enforce": ({"CONFIRMED", "LITIGATION"}, "ENFORCED"),
    "litigate": ({"FAILED", "REJECTED"}, "LITIGATION"),
}
CLOSED = {"PERFORMED", "ENFORCED", "DECLINED", "WITHDRAWN"}
HANDLING = {"FILED", "ACCEPTED", "MEDIATING"}


@dataclass
class DisputeModel:
    asset: str
    claimant: str
    respondent: str
    complex: bool
    filed: dt.datetime
    state: str = "FILED"
    extended: bool = False
    escalated: set[dt.datetime] = field(default_factory=set)
    amount: int = 0
    signed: dt.datetime | None = None

    @property
    def deadline(self) -> dt.datetime:
        days = (30 if self.complex else 15) + (30 if self.extended else 0)
        return self.filed + dt.timedelta(days=days)


class DisputesMachine(ContractMachine):
    orgs = ORGS
    contracts = ("membership", "settlement", "disputes",
                 ContractConfig(name="assetdesk", version="1"))
    classes: ClassVar[Mapping[str, type[Contract]]] = {"assetdesk": AssetDesk}

    disputes = Bundle("disputes")

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, DisputeModel] = {}
        self.revoked: set[str] = set()

    @property
    def now(self) -> dt.datetime:
        return self.ledger.clock

    def expect(self, result: Any, code: str | None) -> None:
        got = None if result.committed else result.code
        assert got == code, f"expected {code}, got {got}: {result.message}"

    def frozen(self) -> set[str]:
        return {d.asset for d in self.model.values() if d.state not in CLOSED}

    def step_code(self, d: DisputeModel, step: str) -> str | None:
        return None if d.state in NEXT[step][0] else "DISPUTE_INVALID_TRANSITION"

    def gate(self, signers: list[str], allowed: bool) -> str | None:
        if any(s in self.revoked for s in signers):
            return "SIGNER_REVOKED"
        return None if allowed else "UNAUTHORIZED"

    @initialize()
    def fund_parties(self) -> None:
        for account in PARTIES:
            self.expect(self.run("gov.pboc", "settlement", "issue", account=account,
                                 amount=10**8), None)

    @rule(target=disputes, dispute=st.sampled_from(["d1", "d2", "d3", "d4"]),
          asset=st.sampled_from(ASSETS), claimant=st.sampled_from(PARTIES),
          respondent=st.sampled_from(PARTIES), wrong_signer=st.booleans(),
          complex_=st.booleans())
    def open(self, dispute: str, asset: str, claimant: str, respondent: str,
             wrong_signer: bool, complex_: bool) -> Any:
        signer = SIGNER_OF[respondent] if wrong_signer else SIGNER_OF[claimant]
        code = self.gate([signer], signer == SIGNER_OF[claimant])
        if code is None and asset.startswith("lot:"):
            code = "UNSUPPORTED_ASSET"
        if code is None and claimant == respondent:
            code = "SAME_PARTY"
        if code is None and dispute in self.model:
            code = "DISPUTE_ALREADY_EXISTS"
        if code is None and asset in self.frozen():
            code = "ASSET_ALREADY_DISPUTED"
        self.expect(self.run(signer, "disputes", "open", dispute=dispute, asset=asset,
                             claimant=claimant, respondent=respondent,
                             complexity="complex" if complex_ else "simple"), code)
        if code is None:
            self.model[dispute] = DisputeModel(asset, claimant, respondent, complex_, self.now)
            return dispute
        return multiple()

    @rule(dispute=disputes, step=st.sampled_from(["accept", "decline", "start_mediation",
                                                  "fail", "confirm", "reject", "enforce"]),
          signer=st.sampled_from(COMMITTEE))
    def committee_step(self, dispute: str, step: str, signer: str) -> None:
        d = self.model[dispute]
        code = self.gate([signer], signer == "gov.med") or self.step_code(d, step)
        if step in ("confirm", "reject"):
            result = self.run(signer, "disputes", "record_confirmation", dispute=dispute,
                              confirmed=step == "confirm", court_ref=HASH)
        elif step == "enforce":
            result = self.run(signer, "disputes", "enforce", dispute=dispute, court_ref=HASH)
        else:
            result = self.run(signer, "disputes", step, dispute=dispute)
        self.expect(result, code)
        if code is None:
            d.state = NEXT[step][1]

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
        self.expect(self.run(signers[0], "disputes", "sign_agreement", co_signers=signers[1:],
                             dispute=dispute, text_hash=HASH,
                             terms=[{"payer": d.respondent, "payee": d.claimant,
                                     "amount": amount}]), code)
        if code is None:
            d.state, d.amount, d.signed = "AGREEMENT_SIGNED", amount, self.now

    @rule(dispute=disputes, jointly=st.booleans())
    def request_confirmation(self, dispute: str, jointly: bool) -> None:
        d = self.model[dispute]
        signers = [SIGNER_OF[d.claimant], SIGNER_OF[d.respondent]][: 2 if jointly else 1]
        code = self.gate(signers, jointly) or self.step_code(d, "request_confirmation")
        if code is None and d.signed and self.now > d.signed + dt.timedelta(days=30):
            code = "CONFIRMATION_WINDOW_CLOSED"
        self.expect(self.run(signers[0], "disputes", "request_confirmation",
                             co_signers=signers[1:], dispute=dispute), code)
        if code is None:
            d.state = "CONFIRMATION_REQUESTED"

    @rule(dispute=disputes, by_payer=st.booleans())
    def perform(self, dispute: str, by_payer: bool) -> None:
        d = self.model[dispute]
        signer = SIGNER_OF[d.respondent if by_payer else d.claimant]
        code = self.gate([signer], True) or self.step_code(d, "perform")
        if code is None and not by_payer:
            code = "PAYER_MUST_SIGN"
        before = self.ledger.balance(d.claimant)
        self.expect(self.run(signer, "disputes", "perform", dispute=dispute), code)
        if code is None:
            d.state = "PERFORMED"
            assert self.ledger.balance(d.claimant) == before + d.amount

    @rule(dispute=disputes, by_claimant=st.booleans(), step=st.sampled_from(["litigate",
                                                                            "withdraw"]))
    def party_step(self, dispute: str, by_claimant: bool, step: str) -> None:
        d = self.model[dispute]
        signer = SIGNER_OF[d.claimant if by_claimant else d.respondent]
        code = self.gate([signer], by_claimant or step == "litigate") or self.step_code(d, step)
        self.expect(self.run(signer, "disputes", step, dispute=dispute), code)
        if code is None:
            d.state = NEXT[step][1]

    @rule(dispute=disputes, signer=st.sampled_from(COMMITTEE))
    def extend(self, dispute: str, signer: str) -> None:
        d = self.model[dispute]
        code = self.gate([signer], signer == "gov.med")
        if code is None and (not d.complex or d.extended or d.state not in HANDLING):
            code = "EXTENSION_NOT_ALLOWED"
        self.expect(self.run(signer, "disputes", "extend", dispute=dispute), code)
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
        self.expect(self.run(signer, "disputes", "escalate", dispute=dispute), code)
        if code is None:
            d.escalated.add(d.deadline)

    @rule(days=st.integers(1, 20))
    def time_passes(self, days: int) -> None:
        self.ledger.advance(days=days)

    @precondition(lambda self: "coop-a.f2" not in self.revoked)
    @rule()
    def revoke_farmer(self) -> None:
        self.expect(self.run("coop-a.admin", "membership", "revoke", member_id="coop-a.f2"), None)
        self.revoked.add("coop-a.f2")

    @rule(asset=st.sampled_from(ASSETS[:3]))
    def settle_on_asset(self, asset: str) -> None:
        code = "ASSET_FROZEN" if asset in self.frozen() else None
        self.expect(self.run("bank-a.treasurer", "assetdesk", "settle", asset=asset,
                             source="bank-a", target="coop-a.f1", amount=1)
                    if self.ledger.balance("bank-a") else self._fund_bank(asset), code)

    def _fund_bank(self, asset: str) -> Any:
        self.expect(self.run("gov.pboc", "settlement", "issue", account="bank-a", amount=10**6),
                    None)
        return self.run("bank-a.treasurer", "assetdesk", "settle", asset=asset, source="bank-a",
                        target="coop-a.f1", amount=1)

    @invariant()
    def model_matches_ledger(self) -> None:
        for asset in ASSETS:
            assert self.ledger.view("disputes", "is_frozen", asset=asset) == (
                asset in self.frozen())
        for dispute, d in self.model.items():
            got = self.ledger.view("disputes", "dispute", dispute=dispute)
            assert (got["state"], got["extended"], len(got["escalations"])) == (
                d.state, d.extended, len(d.escalated))
        overdue = {row["dispute"] for row in self.ledger.view("disputes", "overdue")}
        assert overdue == {k for k, d in self.model.items()
                           if d.state in HANDLING and self.now > d.deadline}


TestDisputesMachine = DisputesMachine.TestCase
