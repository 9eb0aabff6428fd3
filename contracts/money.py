"""The money interface: what ``Context.transfer`` asks of the settlement contract.

Money lives in one contract (``MONEY_CONTRACT``, settlement); every other contract
moves it with ``ctx.transfer`` (its ``MOVE`` operation) and, where a judgment
compels payment (D7), the ``COMPEL`` operation. Both take ``MoveArgs``, validated when
built: a bad amount or account is refused with the settlement contract's own codes.
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from contracts.base import Args
from contracts.exceptions import DomainError
from contracts.operations import NoneType, Operation
from contracts.types import MAX_AMOUNT

MONEY_CONTRACT = "settlement"


class InvalidAmount(DomainError):
    code = "INVALID_AMOUNT"


class InvalidAccount(DomainError):
    code = "INVALID_ACCOUNT"


class MoveArgs(Args):
    """Move ``amount`` fen from ``source`` to ``target`` (accounts: member, org or escrow)."""

    amount: int
    source: str
    target: str
    memo: str = ""

    @field_validator("amount", mode="before")
    @classmethod
    def _fen(cls, amount: Any) -> Any:
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
            raise InvalidAmount(f"amount must be a positive integer of fen, got {amount!r}")
        return amount

    @field_validator("source", "target", mode="before")
    @classmethod
    def _account(cls, account: Any) -> Any:
        if not isinstance(account, str) or not account:
            raise InvalidAccount(f"accounts must be non-empty ids, got {account!r}")
        return account


MOVE = Operation(MONEY_CONTRACT, "move", MoveArgs, NoneType)
"""Debit an account the tx's signers may debit (or the calling contract's escrow)."""

COMPEL = Operation(MONEY_CONTRACT, "compel", MoveArgs, NoneType)
"""Debit without the owner's signature, as a court's judgment compels (D7)."""
