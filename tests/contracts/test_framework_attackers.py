"""contracts.attackers and LedgerHarness.attack/must_fail: who is tried, what counts as
refused, and that an attacker who gets through (or a state that changes) fails the test."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import Args, Context, Contract, Party, action, all_of
from contracts.attackers import REFUSED_WITH, Threat, impostors
from contracts.testing import LedgerHarness, standard_orgs


class NoteArgs(Args):
    owner: str
    text: str


class Notes(Contract):
    """An org's notice board: ``post`` needs the owner org's admin, ``scribble`` only
    someone of the owner org (the loose policy an attacker should get through)."""

    name = "notes"
    readers = ()
    version = "1"

    @action(NoteArgs, policy=Party("owner", roles=("admin",)),
            parties=lambda _s, _c, a: {"owner": a.owner})
    def post(self, ctx: Context, args: NoteArgs) -> None:
        ctx.put(f"note/{args.owner}", {"text": args.text})

    @action(NoteArgs, policy=Party("owner"), parties=lambda _s, _c, a: {"owner": a.owner})
    def scribble(self, ctx: Context, args: NoteArgs) -> None:
        ctx.put(f"note/{args.owner}", {"text": args.text})

    @action(NoteArgs, policy=all_of(Party("owner", roles=("admin",)),
                                    Party("bank", roles=("loan_officer",))),
            parties=lambda _s, _c, a: {"owner": a.owner, "bank": "bank-a"})
    def pledge(self, ctx: Context, args: NoteArgs) -> None:
        """Needs bank A's loan officer as co-signer (as a lender's consent would)."""
        ctx.put(f"note/{args.owner}", {"text": args.text, "pledged": True})

    @action(NoteArgs, policy=all_of(Party("owner", roles=("admin",)), Party("bank")),
            parties=lambda _s, _c, a: {"owner": a.owner, "bank": "bank-a"})
    def pledge_loosely(self, ctx: Context, args: NoteArgs) -> None:
        """Any member of bank A consents: its node key too."""
        ctx.put(f"note/{args.owner}", {"text": args.text, "pledged": True})


def harness() -> LedgerHarness:
    return LedgerHarness(standard_orgs(), ["membership", "notes"], classes={"notes": Notes})


def by_threat(attempts: Any) -> dict[Threat, list[str]]:
    found: dict[Threat, list[str]] = {}
    for attempt in attempts:
        found.setdefault(attempt.threat, []).append(attempt.signer)
    return found


def test_impostors_of_a_loan_officer_are_the_other_bank_the_other_roles_and_the_node_key() -> None:
    ledger = harness()
    found = by_threat(impostors(ledger.roster, "bank-a.officer", counterparty=["coop-a.manager"]))
    assert found == {
        Threat.WRONG_ORG: ["bank-b.officer"],
        Threat.WRONG_ROLE: ["bank-a.admin", "bank-a.risk", "bank-a.treasurer-1"],
        Threat.NODE_KEY: ["bank-a.peer"],
        Threat.COUNTERPARTY: ["coop-a.manager"],
    }


def test_a_revoked_member_joins_the_impostors_and_leaves_the_other_threats() -> None:
    ledger = harness()
    assert ledger.submit("bank-a.admin", "membership", "revoke", member_id="bank-a.risk").committed
    assert ledger.revoked == {"bank-a.risk"}
    attempts = impostors(ledger.roster, "bank-a.officer", revoked=ledger.revoked)
    found = by_threat(attempts)
    assert found[Threat.WRONG_ROLE] == ["bank-a.admin", "bank-a.treasurer-1"]
    assert found[Threat.REVOKED] == ["bank-a.risk"]
    revoked = next(a for a in attempts if a.threat is Threat.REVOKED)
    assert revoked.codes == REFUSED_WITH[Threat.REVOKED]


def test_entitled_members_threats_and_widened_codes_are_honoured() -> None:
    ledger = harness()
    attempts = impostors(
        ledger.roster, "bank-a.officer", threats=[Threat.WRONG_ROLE, Threat.NODE_KEY],
        entitled=["bank-a.risk"], codes={Threat.NODE_KEY: ["LOAN_NOT_FOUND"]},
    )
    assert [(a.threat, a.signer) for a in attempts] == [
        (Threat.WRONG_ROLE, "bank-a.admin"), (Threat.WRONG_ROLE, "bank-a.treasurer-1"),
        (Threat.NODE_KEY, "bank-a.peer"),
    ]
    assert attempts[-1].codes == REFUSED_WITH[Threat.NODE_KEY] | {"LOAN_NOT_FOUND"}


def test_attack_on_a_sound_policy_passes_logs_each_attempt_and_changes_nothing() -> None:
    ledger = harness()
    assert ledger.submit("coop-a.admin", "membership", "revoke",
                         member_id="coop-a.farmer-2").committed
    height = ledger.store.height()
    args = {"owner": "coop-a", "text": "harvest meeting"}
    attempts = ledger.attack("coop-a.admin", "notes", "post", args,
                             counterparty=["buyer.purchaser"])
    assert {a.threat for a in attempts} == set(Threat)
    assert ledger.store.height() == height + 1  # one block holds every attempt
    attack_lines = [line for line in ledger.log if " attack (" in line]
    assert len(attack_lines) == len(attempts)
    assert any("attack (node key) coop-a.peer notes.post(" in line for line in attack_lines)
    assert any("attack (revoked member) coop-a.farmer-2" in line
               and "SIGNER_REVOKED" in line for line in attack_lines)
    assert ledger.get("notes", "note/coop-a") is None
    assert ledger.submit("coop-a.admin", "notes", "post", **args).committed


def test_an_attacker_who_gets_through_fails_the_test_naming_who_and_how() -> None:
    ledger = harness()
    args = {"owner": "coop-a", "text": "sold the lot"}
    with pytest.raises(AssertionError) as failure:
        ledger.attack("coop-a.admin", "notes", "scribble", args)
    message = str(failure.value)
    assert "notes.scribble as coop-a.manager (wrong role): expected one of" in message
    assert "coop-a.peer" not in message  # a node key is refused whatever the policy (T3)
    assert "got a commit" in message
    assert "refused attempts changed the state: ['notes/note/coop-a']" in message


def test_must_fail_accepts_only_the_listed_codes() -> None:
    ledger = harness()
    args = {"owner": "coop-a", "text": "x"}
    refused = ledger.must_fail("coop-b.admin", "notes", "post", args, codes=["UNAUTHORIZED"])
    assert refused.code == "UNAUTHORIZED"
    assert ledger.log[-1].startswith("tx 1 @2026-03-01T00:00:00Z must fail coop-b.admin notes.")
    with pytest.raises(AssertionError, match=r"expected one of \['NOTE_LOCKED'\], got UNAUTH"):
        ledger.must_fail("coop-b.admin", "notes", "post", args, codes=["NOTE_LOCKED"])


def test_a_co_signer_s_consent_is_forged_by_its_impostors_too() -> None:
    ledger = harness()
    args = {"owner": "coop-a", "text": "lot 7 pledged"}
    attempts = ledger.attack("coop-a.admin", "notes", "pledge", args,
                             co_signers=["bank-a.officer"])
    forged = [(a.threat, a.signer) for a in attempts if a.instead_of == "bank-a.officer"]
    assert forged == [
        (Threat.WRONG_ORG, "bank-b.officer"), (Threat.WRONG_ROLE, "bank-a.admin"),
        (Threat.WRONG_ROLE, "bank-a.risk"), (Threat.WRONG_ROLE, "bank-a.treasurer-1"),
        (Threat.NODE_KEY, "bank-a.peer"),
    ]
    assert any("attack (node key co-signing for bank-a.officer) coop-a.admin +bank-a.peer "
               "notes.pledge(" in line for line in ledger.log)
    with pytest.raises(AssertionError, match=r"as bank-a.admin \(wrong role co-signing for "
                       r"bank-a.officer\): expected one of .*, got a commit"):
        ledger.attack("coop-a.admin", "notes", "pledge_loosely", args,
                      co_signers=["bank-a.officer"])
