"""The warehouse-receipt machine with goods lost in store, stored-goods insurance and custody
(docs/domain.md 7.2 V4, V5), on top of every rule of ``test_warehouse_receipt_stateful``.

Keepers record losses and insurers survey them (their own receipts' and others'), the
insurer pays (pledgee first: asserted to the fen against the debt), and the parties who
would profit try what V4 and V5 forbid: re-pledging a LOST receipt, a second lot on a
receipted pile, pledging an own-warehouse receipt nobody vouched for, pledging after a
short stock count. After every step the contract's invariants (A1..A10, V3..V5, L1) and
the model hold. ``test_the_machine_reaches_impairment`` asserts, over a fixed batch of
derandomized runs, that the runs get there.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from test_warehouse_receipt_stateful import WarehouseReceiptMachine
from wr_fixtures import CM, CNY, WR
from wr_parties import BANKS, COOPS, TERMINAL

from ledger.timefmt import format_time, parse_time

REACHED: Counter[str] = Counter()
IMPAIRABLE = ("ACTIVE", "PLEDGED", "DELIVERY_PENDING")
REPAYABLE = ("DISBURSED", "MARGIN_CALL", "DEFAULT")


class ImpairmentMachine(WarehouseReceiptMachine):
    def __init__(self) -> None:
        super().__init__()
        self.wr.fund("insurer", 50_000_000 * CNY)
        self.lost_lien: dict[str, str] = {}  # LOST receipt -> the loan its lien still secures
        self.piles = 0
        REACHED["runs"] += 1

    def close_loan(self, lid: str) -> None:
        super().close_loan(lid)
        for rid in [r for r, loan in self.lost_lien.items() if loan == lid]:
            del self.lost_lien[rid]

    def fresh_lot(self, coop: str, quantity: int) -> str:
        """A lot of ``coop``'s paddy in its own warehouse, graded onto a pile of its own."""
        self.piles += 1
        lot = f"I{self.piles}"
        self.wr.deposit(coop, lot, quantity, location=f"impairment pile {self.piles}")
        return lot

    # -- V4: goods lost in store, and their insurance ---------------------------------------

    @rule(
        target=WarehouseReceiptMachine.receipts,
        coop=st.sampled_from(COOPS),
        quantity=st.integers(10, 300),
        price=st.integers(1000, 4000),
        cover_days=st.integers(1, 400),
    )
    def insured_stock(self, coop: str, quantity: int, price: int, cover_days: int) -> Any:
        if self.actor(coop) in self.revoked:
            return multiple()
        lot = self.fresh_lot(coop, quantity)
        value = quantity * price * CNY
        until = format_time(self.ledger.clock + dt.timedelta(days=cover_days))
        rid = self.wr.issue(coop, lot, quantity, value, storage_days=200,
                            insurance={"insurer": "insurer", "amount": value, "until": until})
        self.holder[rid] = coop
        return rid

    @rule(rid=WarehouseReceiptMachine.receipts, tenths=st.integers(1, 12), by_insurer=st.booleans())
    def lose_goods(self, rid: str, tenths: int, by_insurer: bool) -> None:
        r = self.receipt(rid)
        quantity = max(1, r["quantity"] * tenths // 10)
        signer, action = (
            ("insurer.adjuster", "survey_loss") if by_insurer
            else (f"{r['warehouse']}.keeper", "record_loss")
        )
        args = {"receipt_id": rid, "quantity": quantity, "cause": "flood"}
        cover = r["insurance"]
        if not by_insurer or cover is not None:
            self.attack_wr(signer, action, counterparty=(self.actor(r["holder"]),), **args)
        loan_before = r["loan_id"]
        result = self.act(signer, action, **args)
        if by_insurer and cover is None:
            self.expect(result, "UNAUTHORIZED", "survey by an insurer of nothing refused")
        elif by_insurer and self.ledger.clock > parse_time(cover["until"]):
            self.expect(result, "NOT_INSURED", "survey after the cover refused")
        elif r["state"] not in IMPAIRABLE:
            self.expect(result, "RECEIPT_NOT_ACTIVE")
        elif quantity > r["quantity"]:
            self.expect(result, "LOSS_EXCEEDS_QUANTITY")
        else:
            assert result.committed, result
        if not result.committed:
            return
        REACHED["impaired"] += 1
        after = self.receipt(rid)
        assert after["quantity"] == r["quantity"] - quantity
        assert after["value"] == r["value"] - r["value"] * quantity // r["quantity"]
        if after["state"] == "LOST":
            REACHED["lost"] += 1
            self.terminal.add(rid)
            if rid in self.pledged:
                self.lost_lien[rid] = self.pledged.pop(rid)
                REACHED["lost_pledged"] += 1
                self.try_repledge(rid, BANKS[1 - BANKS.index(self.loan_bank[loan_before])])
        if loan_before is not None:
            state = self.wr.loan_view(loan_before)["state"]
            REACHED[f"loan_after_loss:{state}"] += 1
            if state == "DEFAULT":
                self.defaulted.add(loan_before)

    @rule(rid=WarehouseReceiptMachine.receipts, tenths=st.integers(1, 12))
    def pay_insurance(self, rid: str, tenths: int) -> None:
        r = self.receipt(rid)
        cover = r["insurance"]
        payable = 0 if cover is None else (
            min(r["insured_loss"], cover["amount"]) - r["insurance_paid"]
        )
        amount = max(1, payable * tenths // 10)
        lid = r["loan_id"]
        loan = None if lid is None else self.wr.loan_view(lid)
        debt = 0
        if lid is not None and loan is not None and loan["state"] in REPAYABLE:
            debt = self.wr.h.view(WR, "outstanding_debt", loan_id=lid)["outstanding"]
        pledgee = loan["bank"] if loan is not None else None
        balances = {a: self.wr.balance(a) for a in {r["holder"], pledgee} if a}
        args = {"receipt_id": rid, "amount": amount}
        if cover is not None and amount <= payable:
            self.attack_wr("insurer.claims", "pay_goods_insurance",
                           counterparty=(self.actor(r["holder"]),), **args)
        result = self.act("insurer.claims", "pay_goods_insurance", **args)
        if cover is None:
            self.expect(result, "UNAUTHORIZED")
        elif amount > payable:
            self.expect(result, "INSURANCE_EXCEEDS_LOSS", "payout beyond the loss refused")
        else:
            assert result.committed, result
        if not result.committed:
            return
        REACHED["insurance_paid"] += 1
        to_pledgee = min(amount, debt)
        if pledgee is not None and to_pledgee:
            REACHED["insurance_to_pledgee"] += 1
            assert self.wr.balance(pledgee) - balances[pledgee] == to_pledgee
        if r["holder"] != pledgee:
            assert self.wr.balance(r["holder"]) - balances[r["holder"]] == amount - to_pledgee
        if lid is not None and self.wr.loan_view(lid)["state"] == "CLOSED":
            REACHED["payout_closed_loan"] += 1
            self.close_loan(lid)
            self.defaulted.discard(lid)

    @precondition(lambda self: bool(self.pledged))
    @rule(data=st.data(), by_insurer=st.booleans())
    def flood_pledged(self, data: st.DataObject, by_insurer: bool) -> None:
        """Steer: all the goods behind a pledge are lost at once."""
        rid = data.draw(st.sampled_from(sorted(self.pledged)), label="receipt")
        self.lose_goods(rid, 10, by_insurer and self.receipt(rid)["insurance"] is not None)

    @rule(coop=st.sampled_from(COOPS), bank=st.sampled_from(BANKS),
          tenths=st.sampled_from((1, 2, 3, 5, 10)))  # 1-2: margin call; 3+: default
    def insured_pledge_flooded_and_paid(self, coop: str, bank: str, tenths: int) -> None:
        """Steer: an insured receipt is pledged at the cap, partly lost, and the insurer pays."""
        rid = self.insured_stock(coop, 200, 2600, 365)
        if not isinstance(rid, str):
            return
        self.count_stock(coop)
        lid = self.borrow(rid, bank, 7000, 120, True)
        if not isinstance(lid, str):
            return
        self.lose_goods(rid, tenths, False)
        self.pay_insurance(rid, 10)

    # -- who would break V4/V5 tries -----------------------------------------------------------

    @precondition(lambda self: any(self.receipt(r)["state"] == "LOST" for r in self.terminal))
    @rule(data=st.data(), bank=st.sampled_from(BANKS))
    def repledge_lost(self, data: st.DataObject, bank: str) -> None:
        lost = sorted(r for r in self.terminal if self.receipt(r)["state"] == "LOST")
        self.try_repledge(data.draw(st.sampled_from(lost), label="lost receipt"), bank)

    def try_repledge(self, rid: str, bank: str) -> None:
        """The holder of a LOST receipt offers it to a bank: refused, nothing changes."""
        holder = self.receipt(rid)["holder"]
        if self.actor(holder) in self.revoked:
            return
        self.must_fail(self.actor(holder), WR, "apply",
                       {"borrower": holder, "bank": bank, "receipt_ids": [rid]},
                       codes={"RECEIPT_NOT_ACTIVE"})
        REACHED["repledge_refused"] += 1

    @rule(coop=st.sampled_from(COOPS))
    def second_lot_on_a_receipted_pile(self, coop: str) -> None:
        if self.actor(coop) in self.revoked:
            return
        lot = self.fresh_lot(coop, 50)
        self.wr.issue(coop, lot, 50, 50 * 2600 * CNY)
        self.must_fail(f"{coop}.keeper", WR, "record_intake",
                       {"warehouse": coop, "depositor": coop, "commodity": "paddy",
                        "grade": "2", "quantity": 50, "unit": "t", "moisture_permille": 140,
                        "pile": f"impairment pile {self.piles}", "received_at": self.wr.h.now},
                       codes={"PILE_OCCUPIED"})
        REACHED["pile_refused"] += 1

    @rule(coop=st.sampled_from(COOPS), bank=st.sampled_from(BANKS))
    def own_receipt_nobody_vouched_for(self, coop: str, bank: str) -> None:
        if self.actor(coop) in self.revoked:
            return
        lot = self.fresh_lot(coop, 40)
        rid = self.wr.issue(coop, lot, 40, 40 * 2600 * CNY, managed=False)
        self.must_fail(self.actor(coop), WR, "apply",
                       {"borrower": coop, "bank": bank, "receipt_ids": [rid]},
                       codes={"COLLATERAL_MANAGER_REQUIRED"})
        REACHED["unmanaged_refused"] += 1

    @rule(coop=st.sampled_from(COOPS), bank=st.sampled_from(BANKS), short=st.integers(1, 30))
    def pledge_after_a_short_count(self, coop: str, bank: str, short: int) -> None:
        if self.actor(coop) in self.revoked:
            return
        lot = self.fresh_lot(coop, 100)
        rid = self.wr.issue(coop, lot, 100, 100 * 2600 * CNY)
        books = self.wr.h.view(WR, "custody", warehouse=coop)["books"]
        counts = [
            {"commodity": key.split("/")[0], "unit": key.split("/")[1],
             "quantity": max(0, quantity - short) if key == "paddy/t" else quantity}
            for key, quantity in sorted(books.items())
        ]
        self.wr.ok(CM, "attest_stock", warehouse=coop, counts=counts)
        self.must_fail(self.actor(coop), WR, "apply",
                       {"borrower": coop, "bank": bank, "receipt_ids": [rid]},
                       codes={"STOCK_SHORTFALL"})
        REACHED["shortfall_refused"] += 1
        self.count_stock(coop)  # the recount finds the goods; pledges reopen

    # -- model ----------------------------------------------------------------------------

    @invariant()
    def receipts_match_model(self) -> None:
        for rid, holder in self.holder.items():
            r = self.receipt(rid)
            assert (r["state"] in TERMINAL) == (rid in self.terminal), (rid, r["state"])
            assert (r["state"] == "PLEDGED") == (rid in self.pledged), (rid, r["state"])
            assert r["loan_id"] == (self.pledged.get(rid) or self.lost_lien.get(rid)), rid
            if rid not in self.terminal:
                assert r["holder"] == holder, (rid, r["holder"], holder)

    def teardown(self) -> None:
        if any(self.receipt(r)["state"] == "LOST" for r in self.terminal):
            REACHED["runs_with_lost"] += 1
        super().teardown()


DEEP_RUNS = 16
DEEP = (
    "impaired", "lost", "lost_pledged", "loan_after_loss:MARGIN_CALL", "loan_after_loss:DEFAULT",
    "insurance_paid", "insurance_to_pledgee", "payout_closed_loan", "repledge_refused",
    "pile_refused", "unmanaged_refused", "shortfall_refused",
)


@pytest.mark.usefixtures("module_independent_draws")
def test_the_machine_reaches_impairment() -> None:
    """A fixed batch of derandomized runs (not the profile's): goods are lost, pledged ones
    too, loans are called and defaulted by it, insurers pay lenders first, and each V4/V5
    attempt is refused."""
    REACHED.clear()
    run_state_machine_as_test(
        ImpairmentMachine,
        settings=settings(max_examples=DEEP_RUNS, stateful_step_count=25, deadline=None,
                          database=None, derandomize=True),
    )
    assert REACHED["runs"] >= DEEP_RUNS
    missing = [state for state in DEEP if REACHED[state] == 0]
    assert not missing, f"never reached {missing}: {sorted(REACHED.items())}"
