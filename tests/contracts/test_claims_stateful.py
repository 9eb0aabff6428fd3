"""Stateful test of the claims contract: ``ClaimsMachine`` (claims_machine.py: the
parties, the rules and the plain model) with attackers. Before each tx of ``ATTACKED``
the model says commits, every identity that must be refused tries it in one block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from claims_machine import ClaimsMachine
from hypothesis import event, settings
from test_claims_kit import Flow

from contracts.testing import Threat

ATTACKED: dict[str, Callable[[Mapping[str, object]], list[str]]] = {
    "underwrite": lambda args: ["coop-q.manager"],
    "survey": lambda args: ["coop-q.manager"],
    "assess_household": lambda args: [str(args["insured"])],
    "verify": lambda args: ["insurer.claims"],
    "sign_agreement": lambda args: ["insurer.claims"],
    "pay": lambda args: [str(args["insured"])],
    "enrol": lambda args: ["insurer.underwriter"],
    "publicise_underwriting": lambda args: ["insurer.claims"],
    "pay_premium_share": lambda args: ["insurer.underwriter"],
    "advance_pay": lambda args: [str(args["insured"]), "insurer.adjuster"],
    "declare_disaster": lambda args: ["gov.met", "coop-q.manager"],
    "close_policy": lambda args: ["coop-q.manager", "insurer.adjuster"],
    "purge_personal": lambda args: [str(args["insured"]), "insurer.underwriter"],
}
"""The actions attacked before they commit, and the counterparties who try them too."""

WIDENED: dict[str, dict[Threat, set[str]]] = {
    "enrol": {Threat.WRONG_ORG: {"INSURED_NOT_IN_COOP"}},
    "pay_premium_share": {Threat.WRONG_ORG: {"WRONG_PREMIUM_PAYER", "PROGRAMME_MISMATCH"}},
}
"""Where another org's member of the right role passes the policy and the contract
refuses with a code of its own: another coop enrolling coop-q's households, another
coop or government level paying coop-q's or this level's premium share."""


class AttackedClaimsMachine(ClaimsMachine):
    """The machine with attackers: before a tx of ``ATTACKED`` that the model says
    commits, every identity that must be refused tries it in one block
    (``ContractMachine.attack``: the same role at another org of the type, every other
    role of the signer's org, its node key, revoked members, the counterparties), each
    refused and the state unchanged. A subclass: the steered reach check
    (test_claims_coverage.py) runs the machine without them, faster."""

    def __init__(self) -> None:
        super().__init__()
        self.flow = Flow(self.ledger, before=self.attack_claims)  # its steps all commit

    def attack_claims(self, signer: str, action: str, co_signers: tuple[str, ...],
                      args: Mapping[str, object]) -> None:
        if action in ATTACKED and not {signer, *co_signers} & self.revoked:
            others = [c for c in ATTACKED[action](args) if c not in co_signers]
            self.attack(signer, "claims", action, args, co_signers=co_signers,
                        counterparty=others, codes=WIDENED.get(action))
            event(f"attacked {action}")

    def submit(self, signer: str, action: str, *, ok: bool, co_signers: tuple[str, ...] = (),
               **args: object) -> bool:
        if ok:
            self.attack_claims(signer, action, co_signers, args)
        return super().submit(signer, action, ok=ok, co_signers=co_signers, **args)


TestClaimsMachine = AttackedClaimsMachine.TestCase
# Half the CI profile's runs: with the attacks every committing step signs several more
# txs, and this was the suite's slowest test; test_claims_coverage.py steers the runs
# that matter and asserts what they reach.
TestClaimsMachine.settings = settings(
    settings.default, max_examples=min(settings.default.max_examples, 100)
)
