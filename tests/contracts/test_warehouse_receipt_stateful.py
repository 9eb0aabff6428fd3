"""Stateful property test of the warehouse-receipt contract.

Many parties act, validly and not: wrong roles, the wrong bank, a revoked manager,
Bank B trying to take goods already pledged to Bank A, transfers and withdrawals of
pledged receipts, over-issue. Collateral (docs/domain.md 7.2): price oracles and
impostors attest prices (fresh, stale, out of order); the lender tries to value its
own collateral; enforcement is tried before default (V2), as a take below the
attested floor or without the pledgor's signature, and as a sale to the lender
itself (V3); each refusal is asserted by code. After every step the framework checks every declared
invariant (A1..A10, L1, settlement S1/S2, registry R1), and this machine compares the
contract with a small model of who holds which receipt and which receipts are pledged.
Its cast is in wr_parties.py; the rules that steer towards default and enforcement in
wr_steering.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule
from wr_fixtures import (
    CM,
    CNY,
    CONTRACTS,
    ORGS,
    WR,
    WrLedger,
    intake_lot_id,
    loan_id,
    receipt_id,
)
from wr_parties import (
    ACTOR,
    BANKS,
    COOPS,
    HOLDERS,
    IMPOSTORS,
    MAX_AGE,
    NOT_ORACLES,
    ORACLES,
    TERMINAL,
    P,
    with_old_members,
)
from wr_steering import DeepStateSteering

from contracts.builtin.warehouse_receipt.policies import HOLDER_ROLES
from contracts.testing import ContractMachine
from ledger.block import TxResult
from ledger.timefmt import format_time


class WarehouseReceiptMachine(DeepStateSteering, ContractMachine):
    orgs = with_old_members(ORGS)
    contracts = CONTRACTS
    revoked_members = ("bank-a.old", "coop-a.old")

    lots = Bundle("lots")
    receipts = Bundle("receipts")
    loans = Bundle("loans")

    def __init__(self) -> None:
        super().__init__()
        self.wr = WrLedger(self.ledger)
        for account in (*BANKS, *COOPS, "buyer"):
            self.wr.fund(account, 50_000_000 * CNY)
        self.n = 0
        self.lot_model: dict[str, dict[str, Any]] = {}
        self.pile_lots: dict[tuple[str, str], str] = {}  # (warehouse, pile) -> last lot there
        self.holder: dict[str, str] = {}
        self.terminal: set[str] = set()
        self.pledged: dict[str, str] = {}  # receipt -> loan
        self.loan_receipts: dict[str, list[str]] = {}
        self.loan_bank: dict[str, str] = {}
        self.revoked: set[str] = set()
        self.by_revoked = False
        self.defaulted: set[str] = set()
        self.prices: dict[str, tuple[int, dt.datetime]] = {}  # commodity -> (fen/t, as of)

    # -- plumbing ------------------------------------------------------------------------

    def act(self, signer: str, action: str, co: tuple[str, ...] = (), **args: Any) -> TxResult:
        result = self.run(signer, WR, action, co_signers=co, **args)
        self.by_revoked = bool({signer, *co} & self.revoked)
        if self.by_revoked:
            assert result.code == "SIGNER_REVOKED", result
        return result

    def attack_wr(
        self, signer: str, action: str, co: tuple[str, ...] = (), *,
        counterparty: tuple[str, ...] = (), entitled: tuple[str, ...] = (), **args: Any,
    ) -> None:
        """Before a tx the real signer may sign, every identity that must be refused tries
        it in one block (``ContractMachine.attack``): the same role at the other org of the
        type, every other role of the signer's org, its node key, revoked members, and the
        named counterparties. Skipped when a real signer is revoked (its own tx fails)."""
        if {signer, *co} & self.revoked:
            return
        others = tuple(c for c in counterparty if c not in self.revoked and c not in co)
        self.attack(signer, WR, action, args, co_signers=co, counterparty=others,
                    entitled=entitled)
        event(f"attacked {action}")

    def role_of(self, member: str) -> str | None:
        cred = self.ledger.roster.orgs[member.split(".")[0]].members.get(member)
        return None if cred is None else cred.role

    def other_holders(self, member: str) -> tuple[str, ...]:
        """The other members of ``member``'s org in a holder role (its admin; its treasurer,
        where it has one): entitled to the holder's acts, so no attackers."""
        org, _, _ = member.partition(".")
        return tuple(m for m, c in self.ledger.roster.orgs[org].members.items()
                     if c.role in HOLDER_ROLES and m != member)

    def expect(self, result: TxResult, code: str, note: str | None = None) -> None:
        """Unless a revoked member signed (SIGNER_REVOKED, checked in act), expect ``code``."""
        if not self.by_revoked:
            assert result.code == code, result
            if note:
                event(note)

    def actor(self, org: str) -> str:
        return ACTOR[org]

    def receipt(self, rid: str) -> dict[str, Any]:
        return self.wr.receipt(rid)

    def live(self, rid: str) -> bool:
        return rid not in self.terminal

    def close_loan(self, lid: str) -> None:
        for rid in self.loan_receipts.get(lid, []):
            self.pledged.pop(rid, None)
        self.loan_receipts[lid] = []

    # -- goods ---------------------------------------------------------------------------

    @initialize(target=receipts, price=st.integers(2000, 3000))
    def seed_receipts(self, price: int) -> Any:
        """Start with goods in store: coop-a has two receipts of one lot, coop-b one."""
        seeded = []
        for coop, lot, parts in (("coop-a", "S1", (60, 40)), ("coop-b", "S2", (100,))):
            self.wr.deposit(coop, lot, sum(parts))
            self.pile_lots[(coop, f"{lot} pile")] = lot
            self.lot_model[lot] = {"warehouse": coop, "quantity": sum(parts), "issued": sum(parts)}
            for quantity in parts:
                rid = self.wr.issue(
                    coop,
                    lot,
                    quantity,
                    quantity * price * CNY,
                    storage_days=200,
                    storage_fee=100 * CNY,
                )
                self.holder[rid] = coop
                seeded.append(rid)
        return multiple(*seeded)

    @initialize(target=lots)
    def seed_lots(self) -> Any:
        return multiple("S1", "S2")

    @rule(
        target=lots,
        coop=st.sampled_from(COOPS),
        other_wh=st.booleans(),
        commodity=st.sampled_from(("paddy", "paddy", "wheat", "alumina")),
        quantity=st.integers(10, 300),
        wrong=st.booleans(),
        on=st.one_of(st.none(), st.sampled_from(("S1", "S2", "L1", "L2"))),
    )
    def intake(
        self, coop: str, other_wh: bool, commodity: str, quantity: int, wrong: bool,
        on: str | None,
    ) -> Any:
        """The keeper takes goods in on a new pile, or on another lot's pile (the Qingdao
        pattern: refused while that lot's goods are there); the manager may not (A5)."""
        warehouse = COOPS[1 - COOPS.index(coop)] if other_wh else coop
        self.n += 1
        lot = f"L{self.n}"
        pile = f"{on or lot} pile"
        signer = f"{warehouse}.manager" if wrong else f"{warehouse}.keeper"
        args: dict[str, Any] = dict(
            warehouse=warehouse, depositor=coop, commodity=commodity, grade="2",
            quantity=quantity, unit="t", moisture_permille=140, pile=pile,
            received_at=self.wr.h.now,
        )
        if not wrong:
            self.attack_wr(signer, "record_intake", **args)
        result = self.act(signer, "record_intake", **args)
        there = self.pile_lots.get((warehouse, pile))
        if wrong:
            self.expect(result, "UNAUTHORIZED")
        elif commodity == "alumina":
            self.expect(result, "COMMODITY_NOT_ELIGIBLE")
        elif there is not None and self.in_store(there) > 0:
            self.expect(result, "PILE_OCCUPIED", "second lot on an occupied pile refused")
        if not result.committed:
            return multiple()
        self.wr.lots[lot] = intake_lot_id(result)
        self.pile_lots[(warehouse, pile)] = lot
        self.lot_model[lot] = {"warehouse": warehouse, "quantity": quantity, "issued": 0}
        return lot

    def in_store(self, lot: str) -> int:
        """Goods of ``lot`` still on its pile (the contract's intake less what left)."""
        wh = self.lot_model[lot]["warehouse"]
        found = self.wr.h.view(WR, "lot", warehouse=wh, lot_id=self.wr.lot_id(lot))
        return int(found["quantity"]) - int(found["out"])

    @rule(
        target=receipts,
        lot=lots,
        share=st.integers(1, 12),
        price=st.integers(1000, 4000),
        keeper_of_other=st.booleans(),
    )
    def issue(self, lot: str, share: int, price: int, keeper_of_other: bool) -> Any:
        model = self.lot_model[lot]
        wh = model["warehouse"]
        quantity = max(1, model["quantity"] * share // 10 or 1)
        signer = f"{COOPS[1 - COOPS.index(wh)]}.keeper" if keeper_of_other else f"{wh}.keeper"
        args: dict[str, Any] = dict(
            warehouse=wh,
            lot_id=self.wr.lot_id(lot),
            quantity=quantity,
            shrinkage_bp=50,
            storage_days=200,
            storage_fee=100 * CNY,
            value=quantity * price * CNY,
        )
        if not keeper_of_other:
            self.attack_wr(signer, "issue", **args)
        # V5: the collateral manager co-signs the coops' own-warehouse receipts (the attack
        # above leaves it out: its consent is optional, so forging it proves nothing).
        result = self.act(signer, "issue", (CM,), **args)
        if keeper_of_other:
            self.expect(result, "UNAUTHORIZED")
        elif model["issued"] + quantity > model["quantity"]:
            self.expect(result, "LOT_OVER_ISSUED", "over-issue refused")
        if not result.committed:
            return multiple()
        model["issued"] += quantity
        rid = receipt_id(result)
        self.holder[rid] = self.receipt(rid)["depositor"]
        return rid

    @rule(rid=receipts, to=st.sampled_from(HOLDERS), countersign=st.booleans())
    def transfer(self, rid: str, to: str, countersign: bool) -> None:
        r = self.receipt(rid)
        co = (f"{r['warehouse']}.keeper",) if countersign else ()
        signer = self.actor(r["holder"])
        if countersign:
            self.attack_wr(signer, "transfer", co, counterparty=(self.actor(to),),
                           entitled=self.other_holders(signer), receipt_id=rid, new_holder=to)
        result = self.act(signer, "transfer", co, receipt_id=rid, new_holder=to)
        if rid in self.pledged and countersign:
            self.expect(result, "RECEIPT_PLEDGED", "transfer of pledged receipt refused")
        if not countersign:
            assert not result.committed
        if result.committed:
            self.holder[rid] = to

    @rule(target=receipts, rid=receipts, cut=st.integers(1, 9), bank_consents=st.booleans())
    def split(self, rid: str, cut: int, bank_consents: bool) -> Any:
        r = self.receipt(rid)
        if r["quantity"] < 2:
            return multiple()
        first = max(1, r["quantity"] * cut // 10)
        parts = [first, r["quantity"] - first] if first < r["quantity"] else [1, r["quantity"] - 1]
        co: tuple[str, ...] = (f"{r['warehouse']}.keeper",)
        if bank_consents and r["pledgee"]:
            co = (*co, f"{r['pledgee']}.loan")
        result = self.act(self.actor(r["holder"]), "split", co, receipt_id=rid, quantities=parts)
        if not result.committed:
            return multiple()
        kids = [receipt_id(result, 0), receipt_id(result, 1)]
        self.terminal.add(rid)
        for kid in kids:
            self.holder[kid] = self.holder[rid]
        if rid in self.pledged:
            event("pledged receipt split with consent")
            lid = self.pledged.pop(rid)
            self.loan_receipts[lid] = [x for x in self.loan_receipts[lid] if x != rid] + kids
            for kid in kids:
                self.pledged[kid] = lid
        return multiple(*kids)

    @rule(target=receipts, a=receipts, b=receipts)
    def merge(self, a: str, b: str) -> Any:
        r = self.receipt(a)
        result = self.act(
            self.actor(r["holder"]), "merge", (f"{r['warehouse']}.keeper",), receipt_ids=[a, b]
        )
        if not result.committed:
            return multiple()
        event("merged")
        kid = receipt_id(result, 0)
        self.terminal |= {a, b}
        self.holder[kid] = self.holder[a]
        return kid

    # -- prices and revaluation (V1) --------------------------------------------------------

    @rule(
        commodity=st.sampled_from(("paddy", "wheat")),
        price=st.integers(1000, 4000),
        hours_ago=st.integers(-2, 32 * 24),
        signer=st.sampled_from((*ORACLES, *ORACLES, *NOT_ORACLES)),
    )
    def attest(self, commodity: str, price: int, hours_ago: int, signer: str) -> None:
        as_of = self.ledger.clock - dt.timedelta(hours=hours_ago)
        result = self.act(
            signer,
            "attest_price",
            commodity=commodity,
            grade="2",
            unit="t",
            price_per_unit=price * CNY,
            as_of=format_time(as_of),
        )
        latest = self.prices.get(commodity)
        if signer not in ORACLES:
            self.expect(result, "UNAUTHORIZED", "non-oracle attestation refused")
        elif as_of > self.ledger.clock:
            self.expect(result, "PRICE_OUT_OF_ORDER")
        elif self.ledger.clock - as_of > MAX_AGE:
            self.expect(result, "PRICE_STALE", "stale attestation refused")
        elif latest is not None and as_of < latest[1]:
            self.expect(result, "PRICE_OUT_OF_ORDER", "out-of-order attestation refused")
        elif not self.by_revoked:
            assert result.committed, result
        if result.committed:
            self.prices[commodity] = (price * CNY, as_of)

    def allowed_to_revalue(self, signer: str, r: dict[str, Any]) -> bool:
        org, name = signer.split(".")
        return (
            signer in ORACLES
            or (org == r["pledgee"] and name in ("risk", "loan"))
            or (org == r["holder"] and self.role_of(signer) in HOLDER_ROLES)
        )

    def price_problem(self, commodity: str) -> str | None:
        """The refusal code valuing ``commodity`` now would get, from the price model."""
        latest = self.prices.get(commodity)
        if latest is None:
            return "PRICE_NOT_ATTESTED"
        if self.ledger.clock - latest[1] > MAX_AGE:
            return "PRICE_STALE"
        return None

    @rule(
        rid=receipts,
        who=st.sampled_from(("oracle", "pledgee", "holder", "outsider")),
        oracle=st.sampled_from(ORACLES),
        outsider=st.sampled_from(IMPOSTORS),
    )
    def revalue(self, rid: str, who: str, oracle: str, outsider: str) -> None:
        r = self.receipt(rid)
        signer = {
            "oracle": oracle,
            "pledgee": f"{r['pledgee'] or 'bank-a'}.risk",
            "holder": self.actor(r["holder"]),
            "outsider": outsider,
        }[who]
        if who == "oracle":
            self.attack_wr(signer, "revalue", receipt_id=rid)
        result = self.act(signer, "revalue", receipt_id=rid)
        problem = self.price_problem(r["commodity"])
        if not self.allowed_to_revalue(signer, r):
            self.expect(result, "UNAUTHORIZED", "revaluation by an outsider refused")
        elif r["state"] not in ("ACTIVE", "PLEDGED"):
            self.expect(result, "RECEIPT_NOT_ACTIVE")
        elif problem is not None:
            self.expect(result, problem, f"revaluation refused: {problem}")
        elif not self.by_revoked:
            assert result.committed, result
            assert self.receipt(rid)["value"] == r["quantity"] * self.prices[r["commodity"]][0]
        lid = r["loan_id"]
        if result.committed and lid and self.wr.loan_view(lid)["state"] == "MARGIN_CALL":
            event("margin call open")

    @precondition(lambda self: bool(self.pledged))
    @rule(data=st.data(), value=st.integers(1, 10**9), role=st.sampled_from(("risk", "loan")))
    def lender_values_its_own_collateral(self, data: st.DataObject, value: int, role: str) -> None:
        """The pledgee names a value, or attests one: refused, nothing changes (V1)."""
        rid = data.draw(st.sampled_from(sorted(self.pledged)), label="receipt")
        r = self.receipt(rid)
        lender = f"{r['pledgee']}.{role}"
        before = self.wr.snapshot()
        result = self.act(lender, "revalue", receipt_id=rid, value=value)
        self.expect(result, "INVALID_ARGUMENTS")
        result = self.act(
            lender,
            "attest_price",
            commodity=r["commodity"],
            grade="2",
            unit="t",
            price_per_unit=value,
            as_of=self.ledger.now,
        )
        self.expect(result, "UNAUTHORIZED", "lender's own valuation refused")
        assert self.wr.snapshot() == before

    @rule(rid=receipts, confirm=st.booleans())
    def withdraw(self, rid: str, confirm: bool) -> None:
        r = self.receipt(rid)
        result = self.act(self.actor(r["holder"]), "request_delivery", receipt_id=rid)
        if rid in self.pledged:
            self.expect(result, "RECEIPT_PLEDGED", "withdrawal of pledged receipt refused")
        if result.committed and confirm:
            done = self.act(f"{r['warehouse']}.keeper", "confirm_outbound", receipt_id=rid)
            if done.committed:
                self.terminal.add(rid)
                event("withdrawn")

    @rule(rid=receipts)
    def expire(self, rid: str) -> None:
        result = self.act("buyer.purchaser", "expire", receipt_id=rid)
        if result.committed:
            if rid in self.pledged:
                event("pledged receipt expired")
                self.defaulted.add(self.pledged[rid])
            else:
                self.terminal.add(rid)

    # -- loans ---------------------------------------------------------------------------

    @rule(
        target=loans,
        rid=receipts,
        bank=st.sampled_from(BANKS),
        ltv=st.integers(3000, 7300),
        tenor=st.integers(10, 200),
        go=st.booleans(),
    )
    def borrow(self, rid: str, bank: str, ltv: int, tenor: int, go: bool) -> Any:
        """Apply, approve and (usually) disburse; rejected steps are checked, not filtered."""
        r = self.receipt(rid)
        borrower = r["holder"]
        self.attack_wr(self.actor(borrower), "apply", counterparty=(f"{bank}.loan",),
                       entitled=self.other_holders(self.actor(borrower)),
                       borrower=borrower, bank=bank, receipt_ids=[rid])
        result = self.act(
            self.actor(borrower), "apply", borrower=borrower, bank=bank, receipt_ids=[rid]
        )
        if rid in self.pledged:
            self.expect(result, "RECEIPT_ALREADY_PLEDGED", "second pledge of a receipt refused")
        if result.code == "LOT_ALREADY_PLEDGED":
            event("second receipt of a pledged lot refused")
        if not result.committed:
            return multiple()
        lid = loan_id(result)
        self.loan_receipts[lid] = [rid]
        self.loan_bank[lid] = bank
        principal = max(1, r["value"] * ltv // 10_000)
        terms: dict[str, Any] = dict(
            loan_id=lid, principal=principal, tenor_days=tenor, rate_bp=450
        )
        self.attack_wr(f"{bank}.loan", "approve", counterparty=(self.actor(borrower),), **terms)
        approved = self.act(f"{bank}.loan", "approve", **terms)
        if ltv > 7000:
            self.expect(approved, "PRINCIPAL_EXCEEDS_LTV")
        if approved.committed and go:
            self.disburse(lid, True)
        return lid

    @rule(lid=loans, right_bank=st.booleans())
    def disburse(self, lid: str, right_bank: bool) -> None:
        bank = self.loan_bank[lid]
        signer = f"{bank}.loan" if right_bank else f"{BANKS[1 - BANKS.index(bank)]}.loan"
        if right_bank:
            borrower = self.actor(self.wr.loan_view(lid)["borrower"])
            self.attack_wr(signer, "disburse", counterparty=(borrower,), loan_id=lid)
        result = self.act(signer, "disburse", loan_id=lid)
        if not right_bank:
            self.expect(result, "UNAUTHORIZED", "wrong bank refused")
        if result.code == "ASSET_ALREADY_ENCUMBERED":
            event("registry stopped a double pledge")
        if result.committed:
            event("disbursed")
            for rid in self.loan_receipts[lid]:
                self.pledged[rid] = lid

    @rule(lid=loans, share=st.integers(1, 10_000), wrong_payer=st.booleans())
    def repay(self, lid: str, share: int, wrong_payer: bool) -> None:
        loan = self.wr.loan_view(lid)
        debt = loan["debt"]
        amount = max(1, debt * share // 10_000)
        signer = "coop-a.farmer" if wrong_payer else self.actor(loan["borrower"])
        if not wrong_payer:
            self.attack_wr(signer, "repay", counterparty=(f"{self.loan_bank[lid]}.loan",),
                           entitled=self.other_holders(signer), loan_id=lid, amount=amount)
        result = self.act(signer, "repay", loan_id=lid, amount=amount)
        if wrong_payer:
            self.expect(result, "UNAUTHORIZED")
        if result.committed and self.wr.loan_view(lid)["state"] == "CLOSED":
            event("repaid in full")
            self.close_loan(lid)
            self.defaulted.discard(lid)

    @rule(lid=loans, rid=receipts)
    def top_up(self, lid: str, rid: str) -> None:
        loan = self.wr.loan_view(lid)
        result = self.act(self.actor(loan["borrower"]), "top_up", loan_id=lid, receipt_id=rid)
        if result.committed:
            event("topped up")
            self.pledged[rid] = lid
            self.loan_receipts[lid].append(rid)

    @rule(lid=loans, rid=receipts)
    def release(self, lid: str, rid: str) -> None:
        borrower = self.actor(self.wr.loan_view(lid)["borrower"])
        self.attack_wr(f"{self.loan_bank[lid]}.loan", "release_receipt",
                       counterparty=(borrower,), loan_id=lid, receipt_id=rid)
        result = self.act(
            f"{self.loan_bank[lid]}.loan", "release_receipt", loan_id=lid, receipt_id=rid
        )
        if result.committed:
            event("partial release")
            self.pledged.pop(rid, None)  # a LOST receipt's lien is modelled apart
            self.loan_receipts[lid].remove(rid)

    @rule(lid=loans, who=st.sampled_from(("admin", "risk", "loan")), other_bank=st.booleans())
    def mark_default(self, lid: str, who: str, other_bank: bool) -> None:
        bank = self.loan_bank[lid]
        bank = BANKS[1 - BANKS.index(bank)] if other_bank else bank
        result = self.act(f"{bank}.{who}", "mark_default", loan_id=lid)
        if other_bank:
            self.expect(result, "UNAUTHORIZED")
        if result.committed:
            event("defaulted")
            self.defaulted.add(lid)

    def market_value(self, receipts: list[str]) -> tuple[int, str | None]:
        """Attested value of ``receipts`` (model prices), or the code valuing them gets."""
        value = 0
        for rid in receipts:
            r = self.receipt(rid)
            problem = self.price_problem(r["commodity"])
            if problem is not None:
                return 0, problem
            value += r["quantity"] * self.prices[r["commodity"]][0]
        return value, None

    @rule(
        lid=loans,
        how=st.sampled_from(("sale", "sale", "sale_to_lender", "take", "take", "take_unsigned")),
        price_bp=st.integers(2000, 15_000),
        at_floor=st.sampled_from((None, 0, -1)),
        cost_bp=st.integers(0, 600),
    )
    def enforce(
        self, lid: str, how: str, price_bp: int, at_floor: int | None, cost_bp: int
    ) -> None:
        loan = self.wr.loan_view(lid)
        bank = self.loan_bank[lid]
        state = loan["state"]
        if how.startswith("sale"):
            buyer = bank if how == "sale_to_lender" else "buyer"
            price = max(1, loan["principal"] * price_bp // 10_000)
            costs = price * cost_bp // 10_000
            co = () if buyer == bank else ("buyer.purchaser",)
            if co:
                self.attack_wr(f"{bank}.loan", "enforce_sale", co,
                               counterparty=(self.actor(loan["borrower"]),),
                               entitled=self.other_holders("buyer.purchaser"),
                               loan_id=lid, buyer=buyer, price=price, costs=costs)
            result = self.act(
                f"{bank}.loan", "enforce_sale", co,
                loan_id=lid, buyer=buyer, price=price, costs=costs,
            )
            if buyer == bank:
                self.expect(result, "BUYER_IS_LENDER", "sale to the lender refused")
            elif state != "DEFAULT":
                self.expect(result, "INVALID_LOAN_STATE", "sale before default refused")
        else:
            value, problem = self.market_value(loan["receipts"])
            floor = -(-value * (10_000 - P.take_haircut_bp) // 10_000)
            price = max(1, value * price_bp // 10_000 if at_floor is None else floor + at_floor)
            costs = price * cost_bp // 10_000
            co = () if how == "take_unsigned" else (self.actor(loan["borrower"]),)
            if co:
                self.attack_wr(f"{bank}.loan", "enforce_take", co,
                               entitled=self.other_holders(co[0]), loan_id=lid, price=price,
                               costs=costs)
            result = self.act(
                f"{bank}.loan", "enforce_take", co, loan_id=lid, price=price, costs=costs
            )
            if how == "take_unsigned":
                self.expect(result, "UNAUTHORIZED", "take without the pledgor refused")
            elif state != "DEFAULT":
                self.expect(result, "INVALID_LOAN_STATE", "take before default refused (V2)")
            elif problem is not None:
                self.expect(result, problem, f"take refused: {problem}")
            elif value == 0:
                self.expect(result, "RECEIPT_NOT_ACTIVE", "take of lost goods refused")
            elif price * 10_000 < value * (10_000 - P.take_haircut_bp):
                self.expect(result, "TAKE_BELOW_FLOOR", "take below the floor refused")
            elif costs * 10_000 > price * P.max_enforcement_cost_bp:
                self.expect(result, "ENFORCEMENT_COSTS_TOO_HIGH")
            elif not self.by_revoked:
                assert result.committed, result
                event("taken at the floor" if at_floor == 0 else "taken at an agreed price")
        if result.committed:
            assert state == "DEFAULT", state  # V2: nothing before default moves the goods
            sold = how.startswith("sale")
            event("enforced by sale" if sold else "enforced by taking")
            for rid in self.loan_receipts[lid]:
                self.holder[rid] = "buyer" if sold else bank
            self.close_loan(lid)
            self.defaulted.discard(lid)

    @precondition(lambda self: bool(self.defaulted))
    @rule(
        data=st.data(),
        how=st.sampled_from(("sale", "take")),
        price_bp=st.integers(3000, 15_000),
        at_floor=st.sampled_from((None, 0)),
    )
    def enforce_defaulted(
        self, data: st.DataObject, how: str, price_bp: int, at_floor: int | None
    ) -> None:
        lid = data.draw(st.sampled_from(sorted(self.defaulted)), label="loan")
        self.enforce(lid, how, price_bp, at_floor, 300)

    @rule(days=st.integers(1, 120))
    def advance(self, days: int) -> None:
        self.ledger.advance(days=days)

    @rule(coop=st.sampled_from(COOPS))
    def count_stock(self, coop: str) -> None:
        """The collateral manager counts what the books hold (V5), keeping pledges open."""
        custody = self.wr.h.view(WR, "custody", warehouse=coop)
        if custody is None:
            return
        counts = [
            dict(commodity=key.split("/")[0], unit=key.split("/")[1], quantity=quantity)
            for key, quantity in sorted(custody["books"].items())
        ]
        result = self.act(CM, "attest_stock", warehouse=coop, counts=counts)
        assert result.committed, result

    @precondition(lambda self: len(self.revoked) < 2)
    @rule(member=st.sampled_from(("coop-b.manager", "bank-b.loan", "buyer.purchaser")))
    def revoke(self, member: str) -> None:
        org = member.split(".")[0]
        result = self.run(f"{org}.admin", "membership", "revoke", member_id=member)
        if result.committed:
            self.revoked.add(member)

    # -- model checks --------------------------------------------------------------------

    @invariant()
    def receipts_match_model(self) -> None:
        for rid, holder in self.holder.items():
            r = self.receipt(rid)
            assert (r["state"] in TERMINAL) == (rid in self.terminal), (rid, r["state"])
            assert (r["state"] == "PLEDGED") == (rid in self.pledged), (rid, r["state"])
            assert r["loan_id"] == self.pledged.get(rid), (rid, r["loan_id"])
            if rid not in self.terminal:
                assert r["holder"] == holder, (rid, r["holder"], holder)


# Its test case runs with the remaining actions attacked too:
# test_warehouse_receipt_attacks.TestWarehouseReceiptMachine.
