"""Steering for the warehouse-receipt machine towards deep states: a loan at the cap, a
price crash and revaluation, a lapse into default, enforcement after maturity. Each
draws from the machine's model (so never filtered) and acts through the machine's own
checked rules; ``DeepStateSteering`` is mixed into ``WarehouseReceiptMachine``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, precondition, rule
from wr_fixtures import CNY
from wr_parties import BANKS, COOPS, IMPOSTORS, ORACLES

from ledger.timefmt import parse_time


class DeepStateSteering:
    """Rules mixed into ``WarehouseReceiptMachine`` (whose rules they call)."""

    loans = Bundle("loans")  # the machine's bundle: hypothesis keys bundles by name

    def free_receipts(self) -> list[str]:
        return sorted(
            r
            for r, h in self.holder.items()
            if r not in self.terminal and r not in self.pledged and h in COOPS
        )

    def live_loans(self) -> list[str]:
        return sorted({lid for lid in self.pledged.values()})

    @precondition(lambda self: bool(self.free_receipts()))
    @rule(target=loans, data=st.data(), bank=st.sampled_from(BANKS))
    def borrow_at_cap(self, data: st.DataObject, bank: str) -> Any:
        rid = data.draw(st.sampled_from(self.free_receipts()), label="receipt")
        self.count_stock(self.receipt(rid)["warehouse"])
        return self.borrow(rid, bank, 7000, 120, True)

    @precondition(lambda self: bool(self.pledged))
    @rule(data=st.data(), drop=st.integers(1000, 4000), oracle=st.sampled_from(ORACLES))
    def price_crash(self, data: st.DataObject, drop: int, oracle: str) -> None:
        """The oracle attests a fall in the pledged goods' price; the lender asks to revalue."""
        rid = data.draw(st.sampled_from(sorted(self.pledged)), label="receipt")
        r = self.receipt(rid)
        per_unit = r["value"] // r["quantity"] // CNY
        self.attest(r["commodity"], max(1, per_unit * (10_000 - drop) // 10_000), 0, oracle)
        self.revalue(rid, "pledgee", oracle, IMPOSTORS[0])

    @precondition(lambda self: bool(self.pledged))
    @rule(data=st.data(), days=st.integers(5, 130))
    def lapse_and_default(self, data: st.DataObject, days: int) -> None:
        lid = data.draw(st.sampled_from(self.live_loans()), label="loan")
        self.ledger.advance(days=days)
        self.mark_default(lid, "admin", False)
        if self.prices:
            for commodity in sorted(self.prices):
                self.attest(commodity, self.prices[commodity][0] // CNY, 0, ORACLES[0])

    @precondition(lambda self: bool(self.pledged))
    @rule(
        data=st.data(),
        how=st.sampled_from(("sale", "sale_to_lender", "take", "take", "take_unsigned")),
        price_bp=st.integers(8000, 12_000),
        at_floor=st.sampled_from((None, 0, -1)),
        oracle=st.sampled_from(ORACLES),
    )
    def mature_default_and_enforce(
        self, data: st.DataObject, how: str, price_bp: int, at_floor: int | None, oracle: str
    ) -> None:
        """Steer to enforcement: a live loan runs past maturity, the bank marks default,
        the oracle attests today's price, and the bank enforces (or tries to)."""
        lid = data.draw(st.sampled_from(self.live_loans()), label="loan")
        self.default_after_maturity(lid, oracle)
        self.enforce(lid, how, price_bp, at_floor, 100)

    def default_after_maturity(self, lid: str, oracle: str) -> None:
        """A live loan runs past maturity, the bank marks default (if not yet), and
        ``oracle`` attests today's price of its goods."""
        loan = self.wr.loan_view(lid)
        if loan["state"] != "DEFAULT":
            late = parse_time(loan["maturity"]) - self.ledger.clock
            self.ledger.advance(days=max(0, late.days + 1))
            self.mark_default(lid, "admin", False)
        self.attest_todays_prices(loan["receipts"], oracle)

    def attest_todays_prices(self, receipts: list[str], oracle: str) -> None:
        """``oracle`` attests each receipt's goods at their current value per unit."""
        for rid in receipts:
            r = self.receipt(rid)
            self.attest(r["commodity"], max(1, r["value"] // r["quantity"] // CNY), 0, oracle)
