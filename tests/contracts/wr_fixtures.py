"""Shared set-up for the warehouse-receipt tests: the orgs, a harness and short helpers.

Amounts are fen. The worked example of docs/domain.md 1.6 uses tonnes as the unit.
"""

from __future__ import annotations

from typing import Any

from contracts.testing import LedgerHarness, OrgSpec
from ledger.block import TxResult

CNY = 100  # fen per yuan

ORGS = (
    OrgSpec(
        "gov",
        "government",
        (("pboc", "central_bank"), ("admin", "admin"), ("prices", "price_bureau")),
    ),
    OrgSpec(
        "bank-a", "bank", (("loan", "loan_officer"), ("risk", "risk_officer"), ("admin", "admin"))
    ),
    OrgSpec(
        "bank-b", "bank", (("loan", "loan_officer"), ("risk", "risk_officer"), ("admin", "admin"))
    ),
    OrgSpec(
        "coop-a",
        "cooperative",
        (
            ("manager", "manager"),
            ("keeper", "warehouse_keeper"),
            ("farmer", "farmer"),
            ("admin", "admin"),
        ),
    ),
    OrgSpec(
        "coop-b",
        "cooperative",
        (
            ("manager", "manager"),
            ("keeper", "warehouse_keeper"),
            ("farmer", "farmer"),
            ("admin", "admin"),
        ),
    ),
    OrgSpec(
        "insurer", "insurer", (("adjuster", "adjuster"), ("claims", "claims_manager"))
    ),
    OrgSpec("buyer", "buyer", (("purchaser", "purchaser"), ("admin", "admin"))),
    OrgSpec("valuer", "appraiser", (("appraiser", "appraiser"),)),
    OrgSpec("custodian", "appraiser", (("cm", "collateral_manager"), ("admin", "admin"))),
)
COURT_ORGS = (
    OrgSpec("gov", "government", (*ORGS[0].members, ("court", "court"),
                                  ("mediator", "mediator"))),
    OrgSpec("bank-a", "bank", (*ORGS[1].members, ("treasurer", "treasurer"))),
    *ORGS[2:6],
    OrgSpec("buyer", "buyer", (*ORGS[6].members, ("treasurer", "treasurer"))),
    *ORGS[7:],
)
"""ORGS with a court and a mediator at gov and treasurers at bank-a (its dispute's
security) and the buyer (paying for a court-ordered sale, D7)."""
CM = "custodian.cm"
"""The collateral manager who co-signs receipts of the cooperatives' own warehouses (V5)."""
CONTRACTS = ("membership", "settlement", "registry", "warehouse_receipt")
WR = "warehouse_receipt"


def receipt_id(result: TxResult, index: int | None = None) -> str:
    base = f"wr-{result.tx_id[:24]}"
    return base if index is None else f"{base}-{index}"


def intake_lot_id(result: TxResult) -> str:
    return f"lot-{result.tx_id[:24]}"


def loan_id(result: TxResult) -> str:
    return f"loan-{result.tx_id[:24]}"


class WrLedger:
    """A harness with the test orgs and one-line helpers for common steps."""

    def __init__(self, harness: LedgerHarness | None = None) -> None:
        self.h = harness or LedgerHarness(ORGS, CONTRACTS)
        self.lots: dict[str, str] = {}

    def ok(
        self, signer: str, action: str, *, co_signers: tuple[str, ...] = (), **args: Any
    ) -> TxResult:
        result = self.h.submit(signer, WR, action, co_signers=co_signers, **args)
        assert result.committed, f"{action} rejected: {result.code}: {result.message}"
        return result

    def fails(
        self, signer: str, action: str, *, co_signers: tuple[str, ...] = (), **args: Any
    ) -> str:
        result = self.h.submit(signer, WR, action, co_signers=co_signers, **args)
        assert not result.committed, f"{action} unexpectedly committed"
        return str(result.code)

    def fund(self, account: str, amount: int) -> None:
        result = self.h.submit("gov.pboc", "settlement", "issue", account=account, amount=amount)
        assert result.committed, result.message

    def deposit(
        self,
        coop: str,
        lot: str,
        quantity: int,
        *,
        warehouse: str | None = None,
        commodity: str = "paddy",
        grade: str = "2",
        location: str | None = None,
    ) -> str:
        """The keeper records ``coop``'s goods taken in on their own pile (``location``,
        default "<lot> pile"); returns the contract's lot id, which ``issue`` and
        ``lot_asset`` also accept under the test's name ``lot``."""
        warehouse = warehouse or coop
        result = self.ok(
            f"{warehouse}.keeper",
            "record_intake",
            warehouse=warehouse,
            depositor=coop,
            commodity=commodity,
            grade=grade,
            quantity=quantity,
            unit="t",
            moisture_permille=140,
            pile=location or f"{lot} pile",
            received_at=self.h.now,
        )
        self.lots[lot] = intake_lot_id(result)
        return self.lots[lot]

    def lot_id(self, lot: str) -> str:
        """The contract's id of the lot the test calls ``lot`` (or ``lot`` itself)."""
        return self.lots.get(lot, lot)

    def lot_asset(self, lot: str, warehouse: str = "coop-a") -> str:
        return f"lot:{warehouse}:{self.lot_id(lot)}"

    def issue(
        self,
        warehouse: str,
        lot: str,
        quantity: int,
        value: int,
        *,
        storage_days: int = 365,
        storage_fee: int = 0,
        managed: bool = True,
        insurance: dict[str, Any] | None = None,
    ) -> str:
        """The keeper issues; ``managed``: the collateral manager co-signs (V5)."""
        extra = {} if insurance is None else {"insurance": insurance}
        result = self.ok(
            f"{warehouse}.keeper",
            "issue",
            co_signers=(CM,) if managed else (),
            **extra,
            warehouse=warehouse,
            lot_id=self.lot_id(lot),
            quantity=quantity,
            shrinkage_bp=50,
            storage_days=storage_days,
            storage_fee=storage_fee,
            value=value,
        )
        return receipt_id(result)

    def receipt_with(self, coop: str, lot: str, quantity: int, value: int, **kw: Any) -> str:
        self.deposit(coop, lot, quantity)
        return self.issue(coop, lot, quantity, value, **kw)

    def loan(
        self,
        borrower: str,
        bank: str,
        receipts: list[str],
        principal: int,
        *,
        tenor_days: int = 180,
        rate_bp: int = 450,
        disburse: bool = True,
    ) -> str:
        lid = loan_id(
            self.ok(
                f"{borrower}.manager", "apply", borrower=borrower, bank=bank, receipt_ids=receipts
            )
        )
        self.ok(
            f"{bank}.loan",
            "approve",
            loan_id=lid,
            principal=principal,
            tenor_days=tenor_days,
            rate_bp=rate_bp,
        )
        if disburse:
            self.ok(f"{bank}.loan", "disburse", loan_id=lid)
        return lid

    def attest(
        self,
        price_per_unit: int,
        *,
        commodity: str = "paddy",
        grade: str = "2",
        unit: str = "t",
        signer: str = "gov.prices",
        as_of: str | None = None,
    ) -> TxResult:
        """A price oracle attests ``price_per_unit`` fen per unit, as of now by default."""
        return self.ok(
            signer,
            "attest_price",
            commodity=commodity,
            grade=grade,
            unit=unit,
            price_per_unit=price_per_unit,
            as_of=as_of or self.h.now,
        )

    def receipt(self, rid: str) -> dict[str, Any]:
        result: dict[str, Any] = self.h.view(WR, "receipt", receipt_id=rid)
        return result

    def loan_view(self, lid: str) -> dict[str, Any]:
        result: dict[str, Any] = self.h.view(WR, "loan", loan_id=lid)
        return result

    def lien(self, asset: str) -> Any:
        return self.h.view("registry", "lookup", asset=asset)["lien"]

    def balance(self, account: str) -> int:
        return self.h.balance(account)

    def snapshot(self) -> list[tuple[str, bytes]]:
        return sorted(self.h.store.state.items())
