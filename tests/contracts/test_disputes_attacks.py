"""The disputes machine with attackers: every disputes action, before it commits, is tried
by the identities that must be refused, each refused with its code and the state unchanged.

``DisputesMachine`` (``test_disputes_machine``) drives the disputes; this subclass adds,
before each tx its model says commits, one block of impostors (``ContractMachine.attack``):

- the committee's steps (accept, decline, start_mediation, fail, extend) and the court's
  (record_confirmation, enforce, judge) as the government's other roles (admin, central
  bank, and the mediator for the court's steps or the court for the committee's), its node
  key, a revoked court member, and both parties;
- a party's steps (open, withdraw, perform, litigate, request_confirmation,
  sign_agreement, pay_judgment) as another bank's treasurer, another role of a farmer's
  cooperative, the org's node key, a revoked member, the other party where the step is
  not theirs (withdrawing the claimant's case, paying the other's debt) and a farmer
  who is party to nothing; each co-signer's consent (the other party's, the mediator's
  seal, a bank's second treasurer) forged the same way;
- escalate, open to anyone, as node keys and revoked members only.

Any member of a bank that is a party passes the party policy, so the bank's other
members are entitled to sign its steps; its money still moves only as settlement's
authority allows (tested in ``test_disputes_authority``). The court's judgment compels
payment, so judge and enforce are attacked as the court alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import event
from test_disputes_kit import ORGS, SIGNER_OF, TREASURERS
from test_disputes_machine import DisputesMachine

from contracts.testing import OrgSpec, Threat, with_node_keys

COMMITTEE_STEPS = frozenset({"accept", "decline", "start_mediation", "fail", "extend"})
COURT_STEPS = frozenset({"record_confirmation", "enforce", "judge"})
OLD = {"gov": ("old-court", "court"), "coop-a": ("old", "farmer"), "bank-a": ("old", "treasurer")}


def _orgs() -> list[OrgSpec]:
    """The kit's orgs with node keys, an admin at bank-a, and one member per org to revoke."""
    extra = {"bank-a": (("admin", "admin"),)}
    return with_node_keys([
        OrgSpec(o.id, o.type, (*o.members, *extra.get(o.id, ()), OLD[o.id]))
        if o.id in OLD else o for o in ORGS
    ])


class AttackedDisputesMachine(DisputesMachine):
    orgs = _orgs()
    revoked_members = tuple(f"{org}.{name}" for org, (name, _) in OLD.items())

    def attempt(self, code: str | None, signer: str, contract: str, action: str, *,
                co_signers: list[str] | None = None, **args: Any) -> Any:
        if code is None and contract == "disputes":
            self.attack_disputes(signer, action, list(co_signers or []), args)
        return super().attempt(code, signer, contract, action, co_signers=co_signers, **args)

    def parties_of(self, action: str, args: Mapping[str, Any]) -> tuple[str, str]:
        if action == "open":
            return str(args["claimant"]), str(args["respondent"])
        d = self.model[str(args["dispute"])]
        return d.claimant, d.respondent

    def members_of(self, parties: Iterable[str]) -> list[str]:
        """Every member of the bank parties (any of them passes a party policy)."""
        return [m for p in parties if p in TREASURERS
                for m in self.ledger.member_ids(org=p)]

    def attack_disputes(self, signer: str, action: str, co: list[str],
                        args: Mapping[str, Any]) -> None:
        claimant, respondent = self.parties_of(action, args)
        party_signers = [SIGNER_OF[claimant], SIGNER_OF[respondent]]
        bystanders = [f for f in ("coop-a.f1", "coop-a.f2") if f not in (claimant, respondent)]
        threats: tuple[Threat, ...] = tuple(Threat)
        codes: dict[Threat, set[str]] = {}
        counterparty: list[str] = []
        entitled: list[str] = []
        if action in COMMITTEE_STEPS | COURT_STEPS:
            co, counterparty = [], party_signers
        elif action == "escalate":
            threats = (Threat.NODE_KEY, Threat.REVOKED)
        else:
            own = {"open": claimant, "withdraw": claimant, "perform": respondent}.get(action)
            if action == "pay_judgment":
                own = self.model[str(args["dispute"])].debts[int(args["term"])].payer
            if own is None:  # litigate, or both parties sign
                entitled = self.members_of((claimant, respondent))
            else:
                entitled = self.members_of((own,))
                counterparty = [SIGNER_OF[p] for p in (claimant, respondent) if p != own]
            counterparty += bystanders
            if action == "perform":  # the claimant passes the policy but does not pay
                codes[Threat.COUNTERPARTY] = {"PAYER_MUST_SIGN"}
            if len([s for s in (signer, *co) if s in TREASURERS["bank-a"]]) == 2:
                # an impostor standing in for one of two treasurers leaves one: one short
                for threat in (Threat.WRONG_ORG, Threat.COUNTERPARTY):
                    codes.setdefault(threat, set()).add("DUAL_CONTROL_REQUIRED")
        live = [c for c in counterparty if c not in (signer, *co) and c not in self.revoked]
        attempts = self.attack(signer, "disputes", action, args, co_signers=co, threats=threats,
                               counterparty=live, entitled=entitled, codes=codes)
        if attempts:
            event(f"attacked {action}")


TestDisputesMachine = AttackedDisputesMachine.TestCase
