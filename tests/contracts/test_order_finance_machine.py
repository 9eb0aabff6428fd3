"""Stateful test of order_finance: many parties, valid and invalid actions, a dumb model beside.

Every step predicts the outcome (committed, or the exact rejection code) from the plain
Python model of of_model.py, runs the tx on a real in-memory ledger, and compares; after
every step the contract's declared invariants B1..B7 and L5 (plus settlement's and the
registry's) are checked by ContractMachine, and ``model_matches_ledger`` compares order
and loan state field by field (receivables and shipments included). Before a tx the
model says commits, every member who must not sign it tries (``impostors_refused``).

The steering that takes orders along planned paths to the deep states (buyer default,
recourse, late delivery, write-off and recovery) is of_steering.py; the check that runs
reach them is test_order_finance_deep.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, precondition, rule

from contracts.testing import ContractMachine, Threat
from ledger.block import TxResult
from tests.contracts.of_model import (
    CONSENTS,
    DECLARERS,
    DELIVERY_DAYS,
    FINANCIERS,
    HOLDERS,
    MANAGERS,
    MAX_PRICE,
    MEMBERS,
    OFFICERS,
    OPEN,
    ORGS,
    PAYMENT_DAYS,
    PURCHASERS,
    RICH,
    SELLERS,
    TREASURERS,
    MLoan,
    MOrder,
    day_time,
)
from tests.contracts.of_steering import PLANS, Steering

REACHED: Counter[str] = Counter()


class OrderFinanceMachine(ContractMachine):
    orgs = ORGS
    contracts = ("membership", "settlement", "registry", "order_finance")
    revoked_members = ("bank-a.old", "buyer.old")

    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, MOrder] = {}
        self.revoked: set[str] = set()
        self.day = 0
        self.count = 0
        self.seen: set[str] = set()
        self.steering = Steering(self)
        for account in ("bank-a", "bank-b", "buyer", "buyer-b", "coop-a", "coop-b"):
            self.run("gov.pboc", "settlement", "issue", account=account, amount=RICH)

    order_ids = Bundle("order_ids")

    # -- helpers ---------------------------------------------------------------------------

    def expect(self, result: TxResult, code: str | None) -> None:
        got = None if result.committed else result.code
        assert got == code, f"expected {code}, got {got}: {result.message}"

    def who(self, signer: str, org: str | None, *roles: str) -> str | None:
        if signer in self.revoked:
            return "SIGNER_REVOKED"
        member_org, role = MEMBERS[signer]
        return None if member_org == org and role in roles else "UNAUTHORIZED"

    def lender_or_seller(self, order: MOrder, signer: str) -> str | None:
        """any_of(lender's loan officer, seller's manager): settle and buyer_default."""
        code = self.who(signer, self.lender_of(order), "loan_officer")
        return code and self.who(signer, order.seller, "manager")

    def tx(self, signer: str, action: str, code: str | None, co: tuple[str, ...] = (),
           **args: Any) -> bool:
        if signer in self.revoked:
            code = "SIGNER_REVOKED"  # the ledger refuses the signature before any contract
        if code is None:
            self.impostors_refused(signer, action, co, args)
        result = self.run(signer, "order_finance", action, co_signers=co, **args)
        self.expect(result, code)
        self.seen.add(f"{action}:{'ok' if code is None else code}")
        self.note_states()
        return code is None

    def impostors_refused(self, signer: str, action: str, co: tuple[str, ...],
                          args: dict[str, Any]) -> None:
        """Before a tx the model says commits, everyone who must not sign it tries (wrong
        org, wrong role, node key, revoked member, the other side of the order)."""
        order = self.orders.get(args.get("order_id") or args["receivable_id"].split(".")[0])
        threats = tuple(Threat)
        if action in ("create_order", "finance"):  # any cooperative / any bank may
            threats = tuple(t for t in threats if t is not Threat.WRONG_ORG)
        other: list[str] = []
        entitled: list[str] = []
        if order is not None:
            seller, buyer = f"{order.seller}.manager", f"{order.buyer}.purchaser"
            other = [buyer if MEMBERS[signer][0] == order.seller else seller]
            lender = self.lender_of(order)
            if action == "repay" and lender:
                other = [f"{lender}.officer"]
            if action in ("settle", "buyer_default"):  # lender or seller; never the buyer
                entitled = [seller, *([f"{lender}.officer"] if lender else [])]
                other = [f"{order.buyer}.treasurer", buyer]
        self.attack(signer, "order_finance", action, args, co_signers=co, threats=threats,
                    counterparty=other, entitled=entitled)
        self.seen.add(f"attack:{action}{'+co' if co else ''}")

    def note_states(self) -> None:
        for order in self.orders.values():
            self.seen.add(order.status)
            if order.loan is not None:
                self.seen.add(f"loan:{order.loan.status}")
                if order.loan.recovered:
                    self.seen.add("recovered")
            if order.late_shipments:
                self.seen.add("late shipment")
            if order.shipments > 1:
                self.seen.add("several shipments")

    def lender_of(self, order: MOrder) -> str | None:
        return None if order.loan is None else order.loan.lender

    # -- order -----------------------------------------------------------------------------

    @initialize(target=order_ids, qty=st.integers(100, 40_000), price=st.integers(100, MAX_PRICE))
    def first_order(self, qty: int, price: int) -> str:
        """Every run starts with one valid order, so the order rules are enabled at once."""
        return self.new_order("coop-a.manager", "buyer", qty, price)

    @rule(target=order_ids, signer=st.sampled_from(SELLERS),
          buyer=st.sampled_from(["buyer", "buyer-b"]), qty=st.integers(100, 40_000),
          price=st.integers(100, MAX_PRICE))
    def create_order(self, signer: str, buyer: str, qty: int, price: int) -> str:
        return self.new_order(signer, buyer, qty, price)

    def new_order(self, signer: str, buyer: str, qty: int, price: int) -> str:
        self.count += 1
        order_id = f"po-{self.count}"
        code = self.who(signer, MEMBERS[signer][0], "manager")
        due_day = self.day + DELIVERY_DAYS
        if code is None and MEMBERS[signer][0].startswith("coop") and signer not in self.revoked:
            plan = PLANS[(qty * 31 + price + self.count) % len(PLANS)]
            self.orders[order_id] = MOrder(MEMBERS[signer][0], buyer, qty, price, due_day,
                                           plan=plan)
        elif code is None:
            code = "UNAUTHORIZED"
        self.tx(signer, "create_order", code, order_id=order_id, buyer=buyer, quantity=qty,
                unit_price=price, delivery_due=day_time(due_day))
        return order_id

    @rule(order_id=order_ids, signer=st.sampled_from(PURCHASERS))
    def confirm(self, order_id: str, signer: str) -> None:
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.buyer, "purchaser")
        if order is not None and code is None and order.status != "DRAFT":
            code = "ORDER_STATE_INVALID"
        if self.tx(signer, "confirm", code, order_id=order_id) and order is not None:
            order.status = "CONFIRMED"

    @rule(order_id=order_ids, signer=st.sampled_from(PURCHASERS),
          consent=st.sampled_from(CONSENTS))
    def cancel(self, order_id: str, signer: str, consent: str) -> None:
        """L5: once financed, the buyer cancels only with the financing bank's co-signature
        while its lien is open; alone, or with another bank, it is refused."""
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.buyer, "purchaser")
        pledged = order is not None and order.loan is not None and order.loan.lien
        if code is None and pledged and consent != "lender":
            code = "UNAUTHORIZED"
        if order is not None and code is None and order.status not in (
            "DRAFT", "CONFIRMED", "FINANCED"
        ):
            code = "ORDER_STATE_INVALID"
        if self.tx(signer, "cancel", code, self.consent_of(order, consent),
                   order_id=order_id) and order:
            order.status = "CANCELLED"
            if order.loan is not None and order.loan.status == "ACTIVE":
                order.loan.accrue(self.day)
                order.loan.status, order.loan.due_day = "ACCELERATED", self.day
                order.loan.lien = False

    # -- financing and loan servicing ------------------------------------------------------

    def finance_terms(self, order: MOrder | None, signer: str,
                      share_bp: int) -> tuple[str | None, int]:
        """The principal ``share_bp`` of the order's value asks for, and the code the
        contract must answer ``finance`` with (None: commits); shared with the fees machine."""
        code = self.who(signer, MEMBERS[signer][0], "loan_officer")
        value = 0 if order is None else order.qty * order.price
        principal = max(1, value * share_bp // 10_000)
        if code is None:
            if order is None:
                code = "ORDER_NOT_FOUND"
            elif order.status != "CONFIRMED":
                code = "ORDER_STATE_INVALID"
            elif principal > value * 5_000 // 10_000:
                code = "FINANCING_ABOVE_RATIO"
        return code, principal

    @rule(order_id=order_ids, signer=st.sampled_from(FINANCIERS), share_bp=st.integers(1, 6_000),
          rate=st.integers(0, 1_000))
    def finance(self, order_id: str, signer: str, share_bp: int, rate: int) -> None:
        order = self.orders.get(order_id)
        code, principal = self.finance_terms(order, signer, share_bp)
        maturity = day_time(self.day + 60)
        if self.tx(signer, "finance", code, order_id=order_id, principal=principal,
                   rate_bp=rate, maturity=maturity) and order is not None:
            order.status = "FINANCED"
            order.loan = MLoan(MEMBERS[signer][0], principal, rate, self.day, self.day + 60)

    @rule(order_id=order_ids, signer=st.sampled_from(MANAGERS),
          part=st.sampled_from(["all", "half", "over"]))
    def repay(self, order_id: str, signer: str, part: str) -> None:
        """The seller repays an open loan, or, under recourse, a written-off claim."""
        order = self.orders.get(order_id)
        loan = None if order is None else order.loan
        claim = loan is not None and loan.claim_left > 0  # the machine's loans have recourse
        due = 0 if loan is None else loan.claim_left if claim else loan.outstanding_on(self.day)
        amount = {"all": due, "half": due // 2, "over": due + 1}[part] or 1
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.seller, "manager")
        if code is None:
            if loan is None:
                code = "LOAN_NOT_FOUND"
            elif loan.status not in OPEN and not claim:
                code = "LOAN_NOT_OPEN"
            elif amount > due:
                code = "REPAYMENT_EXCEEDS_DEBT"
        if self.tx(signer, "repay", code, order_id=order_id, amount=amount) and loan:
            if claim:
                loan.recover(amount)
            else:
                loan.accrue(self.day)
                loan.collect(amount)

    @rule(order_id=order_ids, signer=st.sampled_from(OFFICERS))
    def default(self, order_id: str, signer: str) -> None:
        """The bank writes off a loan past due: before the invoice against the seller;
        once invoiced only after the buyer's default, keeping the claim (L5)."""
        order = self.orders.get(order_id)
        loan = None if order is None else order.loan
        code = "ORDER_NOT_FOUND" if order is None else self.who(
            signer, self.lender_of(order), "loan_officer")
        keep = order is not None and order.status == "BUYER_DEFAULT"
        if code is None and order is not None:
            if loan is None:
                code = "LOAN_NOT_FOUND"
            elif loan.status not in OPEN:
                code = "LOAN_NOT_OPEN"
            elif loan.due_day > self.day:
                code = "LOAN_NOT_DUE"
            elif keep and loan.lien:
                pass
            elif loan.status in ("ACTIVE", "RECOURSE") and order.status not in (
                "FINANCED", "SHIPPED", "DELIVERED", "PARTIALLY_DELIVERED"
            ):
                code = "ORDER_STATE_INVALID"
        if self.tx(signer, "default", code, order_id=order_id) and order and loan:
            if keep and loan.lien:
                loan.write_off(self.day, keep_claim=True)
                return
            if loan.status == "ACTIVE":
                order.waterfall(self.day)
                order.status = "DEFAULTED"
            if loan.status in OPEN:
                loan.write_off(self.day, keep_claim=False)

    # -- delivery --------------------------------------------------------------------------

    @rule(order_id=order_ids, signer=st.sampled_from(MANAGERS),
          part=st.sampled_from(["all", "half", "half", "over"]))
    def deliver(self, order_id: str, signer: str, part: str) -> None:
        order = self.orders.get(order_id)
        left = 0 if order is None else order.remaining
        self.ship(order_id, signer, {"all": left, "half": left // 2, "over": left + 1}[part] or 1)

    def ship(self, order_id: str, signer: str, qty: int) -> None:
        """One shipment: all shipments together at most the ordered quantity (L5)."""
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.seller, "manager")
        if order is not None and code is None:
            if order.status not in ("CONFIRMED", "FINANCED", "SHIPPED", "PARTIALLY_DELIVERED"):
                code = "ORDER_STATE_INVALID"
            elif order.remainder_cancelled:
                code = "DELIVERIES_CLOSED"
            elif qty > order.remaining:
                code = "QUANTITY_EXCEEDS_ORDERED"
        if self.tx(signer, "deliver", code, order_id=order_id, quantity=qty) and order:
            order.status, order.delivered = "SHIPPED", order.delivered + qty
            order.shipments += 1
            if self.day > order.due_day:
                order.late_shipments += 1
                order.days_late = self.day - order.due_day

    @rule(order_id=order_ids, signer=st.sampled_from(PURCHASERS), short=st.integers(-1, 3))
    def accept(self, order_id: str, signer: str, short: int) -> None:
        order = self.orders.get(order_id)
        pending = 0 if order is None else order.delivered - order.inspected
        qty = max(1, pending - short)
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.buyer, "purchaser")
        if order is not None and code is None:
            if order.status != "SHIPPED":
                code = "ORDER_STATE_INVALID"
            elif qty > pending:
                code = "ACCEPTED_EXCEEDS_DELIVERED"
        if self.tx(signer, "accept", code, order_id=order_id, quantity=qty) and order:
            order.accepted += qty
            order.inspected = order.delivered
            order.status = "DELIVERED" if order.accepted == order.qty else "PARTIALLY_DELIVERED"

    @rule(order_id=order_ids, signer=st.sampled_from(PURCHASERS))
    def cancel_remainder(self, order_id: str, signer: str) -> None:
        """Only once delivery is late may the buyer alone cancel what is undelivered."""
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.buyer, "purchaser")
        if order is not None and code is None:
            if order.status != "PARTIALLY_DELIVERED":
                code = "ORDER_STATE_INVALID"
            elif self.day <= order.due_day:
                code = "DELIVERY_NOT_LATE"
            elif order.remainder_cancelled or not order.remaining:
                code = "DELIVERIES_CLOSED"
        if self.tx(signer, "cancel_remainder", code, order_id=order_id) and order:
            order.remainder_cancelled = order.remaining

    @rule(order_id=order_ids, signer=st.sampled_from(MANAGERS))
    def invoice(self, order_id: str, signer: str) -> None:
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.seller, "manager")
        if order is not None and code is None and order.status not in (
            "DELIVERED", "PARTIALLY_DELIVERED"
        ):
            code = "ORDER_STATE_INVALID"
        if self.tx(signer, "invoice", code, order_id=order_id) and order:
            order.invoice = order.accepted * order.price
            order.status = "RECEIVABLE"
            order.payment_due_day = self.day + PAYMENT_DAYS
            order.receivables[order_id] = [order.invoice, order.seller, True]

    # -- payment, buyer default and settlement ---------------------------------------------

    @rule(order_id=order_ids, signer=st.sampled_from(TREASURERS),
          part=st.sampled_from(["all", "all", "half", "over"]),
          payee=st.sampled_from(["default", "controlled", "seller"]))
    def pay(self, order_id: str, signer: str, part: str, payee: str) -> None:
        order = self.orders.get(order_id)
        owed = 0 if order is None else order.invoice - order.paid_in
        amount = {"all": owed, "half": owed // 2, "over": owed + 1}[part] or 1
        target = {"default": None, "controlled": f"escrow:order_finance:order:{order_id}",
                  "seller": "coop-a"}[payee]
        code = "ORDER_NOT_FOUND" if order is None else self.who(signer, order.buyer, "treasurer")
        if order is not None and code is None:
            if order.status not in ("RECEIVABLE", "BUYER_DEFAULT"):
                code = "ORDER_STATE_INVALID"
            elif payee == "seller":
                code = "PAYEE_NOT_CONTROLLED_ACCOUNT"
            elif amount > owed:
                code = "PAYMENT_EXCEEDS_RECEIVABLE"
        args: dict[str, Any] = {} if target is None else {"payee": target}
        if self.tx(signer, "pay", code, order_id=order_id, amount=amount, **args) and order:
            order.paid_in += amount
            if order.status == "BUYER_DEFAULT":  # late: the bank is repaid at once
                self.seen.add("late payment")
                order.bank_first(self.day)
            if order.paid_in == order.invoice:
                order.status = "PAID"

    @rule(order_id=order_ids, signer=st.sampled_from(DECLARERS))
    def buyer_default(self, order_id: str, signer: str) -> None:
        """The lender or the seller records the buyer's default once the invoice is overdue;
        the buyer itself, or another bank, cannot; before the due date nobody can."""
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.lender_or_seller(order, signer)
        if order is not None and code is None:
            if order.status != "RECEIVABLE":
                code = "ORDER_STATE_INVALID"
            elif self.day <= order.payment_due_day:
                code = "PAYMENT_NOT_DUE"
        if self.tx(signer, "buyer_default", code, order_id=order_id) and order:
            order.status, order.buyer_defaulted = "BUYER_DEFAULT", True
            order.bank_first(self.day)
            loan = order.loan
            if loan is not None and loan.status == "ACTIVE":  # recourse: the seller owes now
                loan.accrue(self.day)
                loan.status, loan.due_day = "RECOURSE", min(loan.due_day, self.day)

    @rule(order_id=order_ids, signer=st.sampled_from(["bank-a.officer", "coop-a.manager",
                                                      "coop-b.manager", "buyer.treasurer"]))
    def settle(self, order_id: str, signer: str) -> None:
        order = self.orders.get(order_id)
        code = "ORDER_NOT_FOUND" if order is None else self.lender_or_seller(order, signer)
        if order is not None and code is None and order.status != "PAID":
            code = "ORDER_STATE_INVALID"
        if self.tx(signer, "settle", code, order_id=order_id) and order:
            order.waterfall(self.day)
            order.status = "SETTLED"
            loan = order.loan
            if loan is not None:
                loan.lien = False
                if loan.status in OPEN:
                    loan.status = "DIRECT_DEBT"
                    loan.due_day = max(loan.due_day, self.day)

    # -- receivables -----------------------------------------------------------------------

    def pick_receivable(self, order_id: str, pick: int) -> tuple[MOrder | None, str, Any]:
        """One of the order's receivables in the model (or the order id, which names no
        receivable before the invoice), so split/assign reach real receivables."""
        order = self.orders.get(order_id)
        ids = sorted(order.receivables) if order is not None else []
        receivable_id = ids[pick % len(ids)] if ids else order_id
        rec = None if order is None else order.receivables.get(receivable_id)
        return order, receivable_id, rec

    def holder_code(self, order: MOrder | None, rec: Any, signer: str, consent: str) -> str | None:
        """Holder signs; while the lien is open the lending bank must co-sign (Art. 445)."""
        if order is None or rec is None:
            return "RECEIVABLE_NOT_FOUND"
        code = self.who(signer, rec[1], "manager")
        pledged = order.loan is not None and order.loan.lien
        if code is None and pledged and consent != "lender":
            code = "UNAUTHORIZED"
        if code is None and not rec[2]:
            code = "RECEIVABLE_STATE_INVALID"
        if code is None and order.status != "RECEIVABLE":
            code = "ORDER_STATE_INVALID"
        return code

    def consent_of(self, order: MOrder | None, consent: str) -> tuple[str, ...]:
        """The co-signer asked for, only while the lender's lien is open: a co-signer the
        policy does not need is no consent, and an impostor standing in for it commits."""
        lender = None if order is None else self.lender_of(order)
        if order is None or order.loan is None or not order.loan.lien:
            return ()
        if consent == "lender":
            return () if lender is None else (f"{lender}.officer",)
        if consent == "other bank":  # a bank that did not lend cannot consent
            return ("bank-b.officer",) if lender != "bank-b" else ("bank-a.officer",)
        return ()

    @rule(order_id=order_ids, pick=st.integers(0, 7), signer=st.sampled_from(HOLDERS),
          consent=st.sampled_from(CONSENTS), cut=st.integers(1, 3), conserve=st.booleans())
    def split(self, order_id: str, pick: int, signer: str, consent: str, cut: int,
              conserve: bool) -> None:
        order, receivable_id, rec = self.pick_receivable(order_id, pick)
        code = self.holder_code(order, rec, signer, consent)
        face = 2 if rec is None else rec[0]
        amounts = [cut, face - cut + (0 if conserve else 1)] if face > cut else [face, 1]
        if code is None and sum(amounts) != face:
            code = "SPLIT_NOT_CONSERVING"
        ok = self.tx(signer, "split_receivable", code, self.consent_of(order, consent),
                     receivable_id=receivable_id, amounts=amounts)
        if ok and order is not None and rec is not None:
            rec[2] = False
            order.receivables[f"{receivable_id}.1"] = [amounts[0], rec[1], True]
            order.receivables[f"{receivable_id}.2"] = [amounts[1], rec[1], True]

    @rule(order_id=order_ids, pick=st.integers(0, 7), signer=st.sampled_from(HOLDERS),
          consent=st.sampled_from(CONSENTS), new_holder=st.sampled_from(["coop-a", "coop-b"]))
    def assign(self, order_id: str, pick: int, signer: str, consent: str,
               new_holder: str) -> None:
        order, receivable_id, rec = self.pick_receivable(order_id, pick)
        code = self.holder_code(order, rec, signer, consent)
        if self.tx(signer, "transfer_receivable", code, self.consent_of(order, consent),
                   receivable_id=receivable_id, new_holder=new_holder) and rec is not None:
            rec[1] = new_holder

    # -- time, membership and attacks outside the contract ---------------------------------

    @rule(days=st.sampled_from([1, 7, 30, 61]))
    def advance(self, days: int) -> None:
        self.ledger.advance(days=days)
        self.day += days

    @rule()
    def revoke_temp(self) -> None:
        code = None if "coop-a.temp" not in self.revoked else "MEMBER_ALREADY_REVOKED"
        result = self.run("coop-a.admin", "membership", "revoke", member_id="coop-a.temp")
        self.expect(result, code)
        self.revoked.add("coop-a.temp")

    @rule(order_id=order_ids, signer=st.sampled_from(["bank-a.officer", "bank-b.officer",
                                                      "bank-a.peer", "coop-a.manager"]),
          op=st.sampled_from(["file_lien", "close_lien"]))
    def lien_forged_as_a_tx(self, order_id: str, signer: str, op: str) -> None:
        """The registry has no actions: a lien is filed and closed only by the lending
        contract inside its own tx. Calling its operations as a tx, to free an order's
        lien or encumber it to another bank, is refused and changes nothing."""
        args = {"asset": f"order:{order_id}", "secures": order_id}
        if op == "file_lien":
            args["pledgee"] = signer.split(".", 1)[0]
        code = "NODE_KEY_REFUSED" if signer.endswith(".peer") else "UNKNOWN_ACTION"
        self.must_fail(signer, "registry", op, args, codes=[code])
        self.seen.add("attack:registry")

    @rule(amount=st.integers(1, 10**6))
    def buyer_pays_seller_directly(self, amount: int) -> None:
        """Paying outside the contract: the order stays unpaid, the controlled account untouched."""
        result = self.run("buyer.treasurer", "settlement", "transfer", source="buyer",
                          target="coop-a", amount=amount)
        self.expect(result, None)

    @precondition(lambda self: bool(self.steering.live_orders()))
    @rule(pick=st.integers(0, 63), steps=st.sampled_from([2, 5, 12, 12]))
    def progress(self, pick: int, steps: int) -> None:
        """of_steering.Steering: a live order a few steps along its planned path."""
        self.steering.steer(pick, steps)

    # -- comparison with the model ----------------------------------------------------------

    def teardown(self) -> None:
        REACHED.update(self.seen)
        super().teardown()

    @invariant()
    def model_matches_ledger(self) -> None:
        self.note_states()
        for order_id, order in self.orders.items():
            real = self.ledger.view("order_finance", "order", order_id=order_id)
            assert real["status"] == order.status, (order_id, real["status"], order.status)
            assert (real["accepted_qty"], real["invoice_amount"], real["paid_in"],
                    real["paid_out"]) == (
                order.accepted, order.invoice, order.paid_in, order.paid_out), (real, order)
            assert (real["delivered_qty"], real["shipments"], real["late_shipments"],
                    real["days_late"], real["remainder_cancelled"]) == (
                order.delivered, order.shipments, order.late_shipments, order.days_late,
                order.remainder_cancelled), (real, order)
            assert (real["buyer_default_at"] is not None) == order.buyer_defaulted
            loan = real["loan"]
            assert (loan is None) == (order.loan is None)
            if order.loan is not None:
                stored = self.ledger.get("order_finance", f"loan/{order_id}")
                assert stored is not None
                assert stored["status"] == order.loan.status, (order_id, stored, order.loan)
                assert (stored["principal_paid"], stored["interest_paid"],
                        stored["written_off"], stored["recovered"], stored["lien_open"]) == (
                    order.loan.principal_paid, order.loan.interest_paid,
                    order.loan.written_off, order.loan.recovered, order.loan.lien,
                ), (stored, order.loan)
            receivables = {r["receivable_id"]: r for r in real["receivables"]}
            assert set(receivables) == set(order.receivables), (order_id, receivables)
            for receivable_id, (amount, holder, is_open) in order.receivables.items():
                got = receivables[receivable_id]
                assert (got["amount"], got["holder"], got["status"] == "OPEN") == (
                    amount, holder, is_open), (receivable_id, got)
            balance = self.ledger.balance(real["controlled_account"])
            assert balance == order.paid_in - order.paid_out


TestOrderFinanceMachine = OrderFinanceMachine.TestCase
