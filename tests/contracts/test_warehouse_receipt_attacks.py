"""The warehouse-receipt machine with the rest of its actions attacked.

``WarehouseReceiptMachine`` attacks issue, transfer, apply/approve/disburse, release,
repay, revalue and enforcement before the real signer's tx. This subclass attacks the
rest the same way (``ContractMachine.attack``: the same role at the other org of the type,
every other role of the signer's org, its node key, revoked members, the counterparty),
each impostor refused with its code and the state unchanged:

- ``split`` / ``merge`` / ``request_delivery`` (withdrawal) as the holder's other roles,
  the other cooperative's manager, and the pledgee bank or the warehouse keeper signing
  for the holder; the keeper's co-signature and the pledgee's consent to a split forged by
  the other keeper, the bank's risk officer or the other bank (RECEIPT_PLEDGED: no
  consent);
- ``confirm_outbound`` as the other cooperative's keeper and the holder;
- ``top_up`` as the lending bank's loan officer and the other cooperative's manager;
- ``mark_default`` as the other bank and the borrower (any member of the lending bank
  may record the default).

Policies are checked before any state, so the attack runs before every such tx whose
signers are the right parties, whatever the outcome of the real tx.

It also adds one steered rule, ``auction_fails`` (V3): after default an auction with no
bid at or above its reserve is recorded (``record_failed_auction``, attacked as above),
and an agreed take at the floor may follow. A subclass, so that the base machine's
source, which seeds the derandomised coverage batch, is not touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from test_warehouse_receipt_stateful import WarehouseReceiptMachine
from wr_fixtures import WR
from wr_parties import ORACLES, P

from contracts.builtin.warehouse_receipt.policies import HOLDER_ROLES
from contracts.testing import Threat
from ledger.block import TxResult

HOLDER_STEPS = frozenset({"split", "merge", "request_delivery"})


class AttackedWarehouseReceiptMachine(WarehouseReceiptMachine):
    def act(self, signer: str, action: str, co: tuple[str, ...] = (), **args: Any) -> TxResult:
        self.attack_rest(signer, action, co, args)
        return super().act(signer, action, co, **args)

    def attack_as(
        self, signer: str, action: str, co: tuple[str, ...], args: Mapping[str, Any], *,
        counterparty: tuple[str, ...] = (), entitled: tuple[str, ...] = (),
        codes: Mapping[Threat, Iterable[str]] | None = None,
    ) -> None:
        """``attack_wr`` with codes widened per threat; skipped when a real signer is revoked."""
        if {signer, *co} & self.revoked:
            return
        others = tuple(c for c in counterparty if c not in self.revoked and c not in co)
        self.attack(signer, WR, action, args, co_signers=co, counterparty=others,
                    entitled=entitled, codes=codes)
        event(f"attacked {action}")

    def org_members(self, org: str, roles: Iterable[str] | None = None) -> tuple[str, ...]:
        members = self.ledger.roster.orgs[org].members
        wanted = None if roles is None else set(roles)
        return tuple(m for m, c in members.items() if wanted is None or c.role in wanted)

    def attack_rest(self, signer: str, action: str, co: tuple[str, ...],
                    args: dict[str, Any]) -> None:
        """Attack ``action`` if it is one of the rest and ``signer`` is the right party."""
        org = signer.split(".")[0]
        if action in HOLDER_STEPS:
            first = args["receipt_ids"][0] if action == "merge" else args["receipt_id"]
            r = self.receipt(first)
            if org != r["holder"]:
                return
            pledgee = r["pledgee"]
            codes = {t: {"RECEIPT_PLEDGED"} for t in (Threat.WRONG_ORG, Threat.WRONG_ROLE)}
            self.attack_as(
                signer, action, co, args,
                counterparty=(f"{r['warehouse']}.keeper", *((f"{pledgee}.loan",) if pledgee
                                                            else ())),
                entitled=self.org_members(org, HOLDER_ROLES),
                codes=codes if action == "split" and pledgee else None,
            )
        elif action == "confirm_outbound":
            r = self.receipt(args["receipt_id"])
            self.attack_as(signer, action, co, args, counterparty=(self.actor(r["holder"]),))
        elif action in ("top_up", "mark_default"):
            loan = self.wr.loan_view(args["loan_id"])
            own = loan["borrower"] if action == "top_up" else loan["bank"]
            if org != own:
                return
            other = f"{loan['bank']}.loan" if action == "top_up" else self.actor(loan["borrower"])
            self.attack_as(signer, action, co, args, counterparty=(other,),
                           entitled=self.org_members(
                               own, HOLDER_ROLES if action == "top_up" else None))

    @precondition(lambda self: bool(self.pledged))
    @rule(data=st.data(), reserve_bp=st.integers(8_500, 10_500), bid_bp=st.integers(0, 10_500),
          then_take=st.booleans())
    def auction_fails(self, data: st.DataObject, reserve_bp: int, bid_bp: int,
                      then_take: bool) -> None:
        """V3, steered as ``mature_default_and_enforce``: a live loan runs past maturity
        into default with today's price attested, and an auction with no bid at or above
        its reserve is recorded (the reserve obeys the sale's floor; no pledgor co-signs);
        the loan stays in default, and an agreed take at the floor may follow."""
        lid = data.draw(st.sampled_from(self.live_loans()), label="loan")
        self.default_after_maturity(lid, ORACLES[0])
        loan = self.wr.loan_view(lid)
        bank = self.loan_bank[lid]
        value, problem = self.market_value(loan["receipts"])
        reserve = max(1, value * reserve_bp // 10_000)
        best_bid = reserve * bid_bp // 10_000
        args = {"loan_id": lid, "reserve": reserve, "best_bid": best_bid}
        self.attack_wr(f"{bank}.loan", "record_failed_auction",
                       counterparty=(self.actor(loan["borrower"]),), **args)
        result = self.act(f"{bank}.loan", "record_failed_auction", **args)
        if loan["state"] != "DEFAULT":
            self.expect(result, "INVALID_LOAN_STATE")
        elif best_bid >= reserve:
            self.expect(result, "AUCTION_NOT_FAILED", "a bid met the reserve: no failure")
        elif problem is not None:
            self.expect(result, problem)
        elif reserve * 10_000 < value * (10_000 - P.take_haircut_bp):
            self.expect(result, "SALE_BELOW_RESERVE", "failed auction below the floor refused")
        elif not self.by_revoked:
            assert result.committed, result
            after = self.wr.loan_view(lid)
            assert after["state"] == "DEFAULT"
            assert after["failed_auctions"][-1]["reserve"] == reserve
            event("auction failed")
            if then_take:
                self.enforce(lid, "take", 10_000, 0, 100)


TestWarehouseReceiptMachine = AttackedWarehouseReceiptMachine.TestCase
