"""Settlement against a dumb model: a dict of balances and a running total issued.

Many parties issue and transfer, rightly and wrongly (a farmer debiting another
farmer, a bank officer issuing money, overdrafts, a revoked member); after every
step every balance the model knows is compared with the chain, and the harness
checks S1 (no negative balance) and S2 (balances sum to the supply)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, consumes, invariant, precondition, rule

from contracts.testing import ContractMachine, OrgSpec

ORGS = [
    OrgSpec(
        "gov", "government", (("admin", "admin"), ("pboc", "central_bank"), ("finance", "finance"))
    ),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("f1", "farmer"), ("f2", "farmer"))),
    OrgSpec("coop-b", "cooperative", (("admin", "admin"), ("f1", "farmer"))),
    OrgSpec("bank-a", "bank", (("admin", "admin"), ("officer", "loan_officer"))),
]
MEMBERS = [f"{o.id}.{name}" for o in ORGS for name, _role in o.members]
ADMINS = {o.id: f"{o.id}.admin" for o in ORGS}
REVOCABLE = [m for m in MEMBERS if not m.endswith(".admin") and m != "gov.pboc"]
ACCOUNTS = MEMBERS + [o.id for o in ORGS] + ["escrow:claims:pool"]
amounts = st.one_of(st.integers(1, 1_000), st.integers(1, 10**9))


def org_of(account: str) -> str:
    return account.split(".", 1)[0]


class SettlementMachine(ContractMachine):
    orgs = ORGS
    contracts = ("membership", "settlement")

    funded = Bundle("funded")
    revoked = Bundle("revoked")

    def __init__(self) -> None:
        super().__init__()
        self.balances: dict[str, int] = {}
        self.issued = 0
        self.revoked_members: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------

    def expect(self, signer: str, action: str, code: str | None, **args: object) -> bool:
        result = self.run(signer, "settlement", action, **args)
        assert result.code == code, f"expected {code}, got {result.code}: {result.message}"
        return result.committed

    def owns(self, signer: str, account: str) -> bool:
        """A member owns its own account and its org's treasury (an id without a dot)."""
        return account == signer or (account == org_of(signer) and "." not in account)

    def move(self, source: str, target: str, amount: int) -> None:
        self.balances[source] -= amount
        self.balances[target] = self.balances.get(target, 0) + amount

    # -- rules -----------------------------------------------------------------------------

    @rule(target=funded, account=st.sampled_from(ACCOUNTS), amount=amounts)
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
        code = "SIGNER_REVOKED" if signer in self.revoked_members else "UNAUTHORIZED"
        self.expect(signer, "issue", code, account=account, amount=amount)

    @rule(source=funded, dest=st.sampled_from(ACCOUNTS), data=st.data())
    def owner_transfers_within_balance(self, source: str, dest: str, data: st.DataObject) -> None:
        owners = [m for m in MEMBERS if self.owns(m, source) and m not in self.revoked_members]
        balance = self.balances.get(source, 0)
        if not owners or balance == 0 or source == dest:
            return  # nothing this rule can do for this draw; other rules cover the refusals
        signer = data.draw(st.sampled_from(owners), label="signer")
        amount = data.draw(st.integers(1, balance), label="amount")
        self.expect(signer, "transfer", None, source=source, target=dest, amount=amount)
        self.move(source, dest, amount)

    @rule(
        signer=st.sampled_from(MEMBERS),
        source=st.sampled_from(ACCOUNTS),
        dest=st.sampled_from(ACCOUNTS),
        amount=amounts,
    )
    def any_transfer_gets_the_right_verdict(
        self, signer: str, source: str, dest: str, amount: int
    ) -> None:
        """Right and wrong parties, overdrafts, same account: the model predicts the code."""
        balance = self.balances.get(source, 0)
        if signer in self.revoked_members:
            code = "SIGNER_REVOKED"
        elif not self.owns(signer, source):
            code = "UNAUTHORIZED"
        elif source == dest:
            code = "SAME_ACCOUNT"
        elif balance < amount:
            code = "INSUFFICIENT_FUNDS"
        else:
            code = None
        if self.expect(signer, "transfer", code, source=source, target=dest, amount=amount):
            self.move(source, dest, amount)

    @precondition(lambda self: self.issued > 0)
    @rule(source=funded, data=st.data())
    def overdraft_is_refused(self, source: str, data: st.DataObject) -> None:
        owners = [m for m in MEMBERS if self.owns(m, source) and m not in self.revoked_members]
        if not owners:
            return
        amount = self.balances.get(source, 0) + data.draw(st.integers(1, 10**6), label="excess")
        dest = "coop-b" if source != "coop-b" else "gov"
        self.expect(
            owners[0], "transfer", "INSUFFICIENT_FUNDS", source=source, target=dest, amount=amount
        )

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

    # -- comparison with the model ------------------------------------------------------------

    @invariant()
    def every_balance_matches_the_model(self) -> None:
        for account in ACCOUNTS:
            assert self.ledger.balance(account) == self.balances.get(account, 0), account
        assert self.ledger.view("settlement", "supply") == {"issued": self.issued}


TestSettlement = SettlementMachine.TestCase
