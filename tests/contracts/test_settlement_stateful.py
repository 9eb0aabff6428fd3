"""Settlement against a dumb model: a dict of balances and a running total issued.

Many parties issue and transfer, rightly and wrongly: a farmer, a keeper, a manager
or a loan officer spending their org's treasury (no treasury role, T1), a node key
(T3), a revoked member, another org's treasurer, a single treasurer above the org's
dual-control threshold or co-signed by someone who does not count (T2), overdrafts.
The model predicts each verdict's code; after every step every balance the model
knows is compared with the chain, and the harness checks S1 (no negative balance)
and S2 (balances sum to the supply)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, consumes, invariant, precondition, rule

from contracts.builtin.settlement.authority import SettlementParams
from contracts.testing import ContractMachine, OrgSpec, Threat

ORGS = [
    OrgSpec("gov", "government", (
        ("admin", "admin"), ("pboc", "central_bank"), ("finance", "finance"),
        ("treasurer", "treasurer"), ("peer", "peer"),
    )),
    OrgSpec("coop-a", "cooperative", (
        ("admin", "admin"), ("f1", "farmer"), ("f2", "farmer"), ("keeper", "warehouse_keeper"),
        ("manager", "manager"), ("treasurer", "treasurer"),
    )),
    OrgSpec("coop-b", "cooperative", (("admin", "admin"), ("f1", "farmer"),
                                       ("treasurer", "treasurer"))),
    OrgSpec("bank-a", "bank", (
        ("admin", "admin"), ("officer", "loan_officer"), ("teller", "teller"),
        ("treasurer-1", "treasurer"), ("treasurer-2", "treasurer"), ("peer", "peer"),
    )),
]
ROLE = {f"{o.id}.{name}": role for o in ORGS for name, role in o.members}
ORG_TYPE = {o.id: o.type for o in ORGS}
ORG_IDS = [o.id for o in ORGS]
MEMBERS = sorted(ROLE)
ADMINS = {o.id: f"{o.id}.admin" for o in ORGS}
NODE_KEYS = [m for m in MEMBERS if ROLE[m] == "peer"]
REVOCABLE = [m for m in MEMBERS if ROLE[m] not in ("admin", "central_bank", "peer")]
ACCOUNTS = [m for m in MEMBERS if m not in NODE_KEYS] + [o.id for o in ORGS] + [
    "escrow:claims:pool"
]
PARAMS = SettlementParams()
THRESHOLD = {o.id: PARAMS.threshold(o.id, o.type) for o in ORGS}
amounts = st.one_of(st.integers(1, 1_000), st.integers(1, 10**9), st.integers(1, 10**11))


def org_of(account: str) -> str:
    return account.split(".", 1)[0]


def is_org(account: str) -> bool:
    return account in ORG_TYPE


class SettlementMachine(ContractMachine):
    attacks_per_action = None  # transfers are cheap; org-account ones come late in a run
    orgs = ORGS
    contracts = ("membership", "settlement")

    funded = Bundle("funded")
    revoked = Bundle("revoked")

    def __init__(self) -> None:
        super().__init__()
        self.balances: dict[str, int] = {}
        self.issued = 0
        self.revoked_members: set[str] = set()

    # -- the model -------------------------------------------------------------------------

    def expect(
        self, signer: str, action: str, code: str | None, co_signers: Sequence[str] = (),
        **args: object,
    ) -> bool:
        result = self.run(signer, "settlement", action, co_signers=co_signers, **args)
        assert result.code == code, f"expected {code}, got {result.code}: {result.message}"
        return result.committed

    def authorised(self, signers: Sequence[str], source: str) -> set[str]:
        """Signers who may debit ``source``: itself, or its org's treasurers (T1)."""
        return {
            s for s in signers
            if s == source or (is_org(source) and org_of(s) == source and ROLE[s] == "treasurer")
        }

    def verdict(self, signers: Sequence[str], source: str, target: str, amount: int) -> str | None:
        if any(s in self.revoked_members for s in signers):
            return "SIGNER_REVOKED"
        if any(s in NODE_KEYS for s in signers):
            return "NODE_KEY_REFUSED"
        authorised = self.authorised(signers, source)
        if not authorised:
            return "UNAUTHORIZED"
        if is_org(source) and amount > THRESHOLD[source] and len(authorised) < 2:
            return "DUAL_CONTROL_REQUIRED"
        if source == target:
            return "SAME_ACCOUNT"
        if self.balances.get(source, 0) < amount:
            return "INSUFFICIENT_FUNDS"
        return None

    def move(self, source: str, target: str, amount: int) -> None:
        self.balances[source] -= amount
        self.balances[target] = self.balances.get(target, 0) + amount

    def able(self, source: str) -> list[str]:
        return [
            m for m in MEMBERS
            if m not in self.revoked_members and self.authorised([m], source)
        ]

    # -- rules -----------------------------------------------------------------------------

    # Org accounts drawn half the time, so treasuries get funded and their transfers
    # (and the attacks on them) happen often.
    @rule(target=funded, account=st.sampled_from(ACCOUNTS) | st.sampled_from(ORG_IDS),
          amount=amounts)
    def central_bank_issues(self, account: str, amount: int) -> str:
        self.expect("gov.pboc", "issue", None, account=account, amount=amount)
        self.balances[account] = self.balances.get(account, 0) + amount
        self.issued += amount
        return account

    @rule(
        signer=st.sampled_from([m for m in MEMBERS if m != "gov.pboc"]),
        account=st.sampled_from(ACCOUNTS),
        amount=amounts,
    )
    def anyone_else_issuing_is_refused(self, signer: str, account: str, amount: int) -> None:
        code = (
            "SIGNER_REVOKED" if signer in self.revoked_members
            else "NODE_KEY_REFUSED" if signer in NODE_KEYS else "UNAUTHORIZED"
        )
        self.expect(signer, "issue", code, account=account, amount=amount)

    @rule(source=funded, dest=st.sampled_from(ACCOUNTS), data=st.data())
    def owner_transfers_within_balance(self, source: str, dest: str, data: st.DataObject) -> None:
        """The right people: the member itself, or treasurers (two above the threshold)."""
        able = self.able(source)
        balance = self.balances.get(source, 0)
        if not able or balance == 0 or source == dest:
            return  # nothing this rule can do for this draw; other rules cover the refusals
        amount = data.draw(st.integers(1, balance), label="amount")
        dual = is_org(source) and amount > THRESHOLD[source]
        if dual and len(able) < 2:
            return
        signers = data.draw(st.permutations(able), label="signers")[: 2 if dual else 1]
        # Every identity that must be refused tries the same transfer first, in one block:
        # another org's member of the same role, every other role of the org (a farmer or
        # keeper spending the treasury, T1), the node key (T3), revoked members. Above
        # the threshold an impostor beside one real treasurer gets DUAL_CONTROL_REQUIRED.
        dual_code = ["DUAL_CONTROL_REQUIRED"] if dual else []
        self.attack(
            signers[0], "settlement", "transfer",
            {"source": source, "target": dest, "amount": amount},
            co_signers=signers[1:], entitled=able,
            codes={Threat.WRONG_ORG: dual_code, Threat.WRONG_ROLE: dual_code},
        )
        self.expect(
            signers[0], "transfer", None, signers[1:], source=source, target=dest, amount=amount
        )
        self.move(source, dest, amount)

    @rule(
        signer=st.sampled_from(MEMBERS),
        co_signers=st.lists(st.sampled_from(MEMBERS), max_size=2, unique=True),
        source=st.sampled_from(ACCOUNTS),
        dest=st.sampled_from(ACCOUNTS),
        amount=amounts,
    )
    def any_transfer_gets_the_right_verdict(
        self, signer: str, co_signers: list[str], source: str, dest: str, amount: int
    ) -> None:
        """Right and wrong parties and co-signers, overdrafts, same account: the model
        predicts the code, and the invariant below that a refusal moved nothing."""
        co_signers = [c for c in co_signers if c != signer]
        code = self.verdict([signer, *co_signers], source, dest, amount)
        if self.expect(signer, "transfer", code, co_signers, source=source, target=dest,
                       amount=amount):
            self.move(source, dest, amount)

    @rule(
        org=st.sampled_from([o.id for o in ORGS]),
        intruder=st.sampled_from(["farmer", "warehouse_keeper", "manager", "loan_officer",
                                  "teller", "admin", "finance", "peer", "other_treasurer"]),
        amount=amounts,
    )
    def wrong_identity_spending_an_org_treasury_is_refused(
        self, org: str, intruder: str, amount: int
    ) -> None:
        if intruder == "other_treasurer":
            candidates = [m for m in MEMBERS if ROLE[m] == "treasurer" and org_of(m) != org]
        else:
            candidates = [m for m in MEMBERS if ROLE[m] == intruder and org_of(m) == org]
        candidates = [m for m in candidates if m not in self.revoked_members]
        if not candidates:
            return
        code = "NODE_KEY_REFUSED" if intruder == "peer" else "UNAUTHORIZED"
        self.expect(candidates[0], "transfer", code, source=org, target="coop-b.f1",
                    amount=amount)

    @rule(org=st.sampled_from([o.id for o in ORGS]), data=st.data())
    def one_treasurer_above_the_threshold_is_refused(self, org: str, data: st.DataObject) -> None:
        treasurers = [m for m in self.able(org) if m != org]
        if not treasurers:
            return
        amount = THRESHOLD[org] + data.draw(st.integers(1, 10**6), label="excess")
        helper = data.draw(
            st.sampled_from([m for m in MEMBERS if m not in treasurers and m not in NODE_KEYS
                             and m not in self.revoked_members]),
            label="co-signer without authority",
        )
        self.expect(treasurers[0], "transfer", "DUAL_CONTROL_REQUIRED", [helper], source=org,
                    target="coop-b.f1", amount=amount)

    @precondition(lambda self: self.issued > 0)
    @rule(source=funded, data=st.data())
    def overdraft_is_refused(self, source: str, data: st.DataObject) -> None:
        able = self.able(source)
        amount = self.balances.get(source, 0) + data.draw(st.integers(1, 10**6), label="excess")
        if not able or (is_org(source) and amount > THRESHOLD[source] and len(able) < 2):
            return
        dest = "coop-b" if source != "coop-b" else "gov"
        self.expect(able[0], "transfer", "INSUFFICIENT_FUNDS", able[1:2], source=source,
                    target=dest, amount=amount)

    @rule(target=revoked, member=st.sampled_from(REVOCABLE))
    def admin_revokes_a_member(self, member: str) -> str:
        result = self.run(ADMINS[org_of(member)], "membership", "revoke", member_id=member)
        expected = "MEMBER_ALREADY_REVOKED" if member in self.revoked_members else None
        assert result.code == expected
        self.revoked_members.add(member)
        return member

    @rule(member=consumes(revoked), amount=amounts)
    def revoked_member_cannot_move_its_money(self, member: str, amount: int) -> None:
        self.expect(
            member, "transfer", "SIGNER_REVOKED", source=member, target="gov", amount=amount
        )
        self.expect(
            member, "transfer", "SIGNER_REVOKED", source=org_of(member), target="gov",
            amount=amount,
        )

    # -- comparison with the model ------------------------------------------------------------

    @invariant()
    def every_balance_matches_the_model(self) -> None:
        for account in ACCOUNTS:
            assert self.ledger.balance(account) == self.balances.get(account, 0), account
        assert self.ledger.view("settlement", "supply") == {"issued": self.issued}


TestSettlement = SettlementMachine.TestCase
