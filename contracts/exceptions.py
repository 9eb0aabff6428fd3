"""Errors of the contract layer.

::

    ContractError                       base
    ├── DomainError                     deterministic rejection of a tx (.code, .facts, and
    │                                   .errors naming bad fields: ``.at(path, rule)``)
    │   ├── UnknownContract             UNKNOWN_CONTRACT
    │   ├── UnknownAction               UNKNOWN_ACTION
    │   ├── InvalidArguments            INVALID_ARGUMENTS (.errors: field path + rule)
    │   ├── Unauthorized                UNAUTHORIZED (policy not satisfied by the signers)
    │   ├── NodeKeyRefused              NODE_KEY_REFUSED (a node key signed a tx)
    │   ├── AssetFrozen                 ASSET_FROZEN (an open dispute names the asset)
    │   ├── InsufficientFunds           INSUFFICIENT_FUNDS
    │   ├── NotFound                    NOT_FOUND; subclasses such as RECEIPT_NOT_FOUND
    │   └── ... each contract's own codes (RECEIPT_ALREADY_PLEDGED, ...)
    └── RegistrationError               a plug-in is malformed; raised at start-up, never per tx

A DomainError raised by an action leaves no writes: the tx is recorded as
rejected with the error's ``code`` and message. Anything else escaping an action
is a bug in the contract; the runtime records it as CONTRACT_FAULT so every peer
still agrees, and logs it.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from ledger.exceptions import FieldError


class ContractError(Exception):
    """Base of contract-layer errors."""


class DomainError(ContractError):
    """A deterministic rejection with a stable code and the facts behind it."""

    code: ClassVar[str] = "DOMAIN_ERROR"
    errors: list[FieldError]
    """The input fields at fault, when the refusal is about given fields (else empty)."""

    def __init__(self, message: str, **facts: Any) -> None:
        self.message = message
        self.facts = facts
        self.errors = []
        super().__init__(message)

    @classmethod
    def at(cls, path: str, rule: str, **facts: Any) -> Self:
        """The refusal of one input field: message ``path: rule``, ``errors`` naming it."""
        error = cls(f"{path}: {rule}", **facts)
        error.errors = [{"path": path, "rule": rule}]
        return error


class UnknownContract(DomainError):
    code = "UNKNOWN_CONTRACT"


class UnknownAction(DomainError):
    code = "UNKNOWN_ACTION"


class InvalidArguments(DomainError):
    code = "INVALID_ARGUMENTS"

    def __init__(self, message: str, errors: list[FieldError]) -> None:
        super().__init__(message, errors=errors)
        self.errors = errors


class Unauthorized(DomainError):
    code = "UNAUTHORIZED"


class NodeKeyRefused(DomainError):
    """A node identity (role ``peer``) signed or co-signed a tx: node keys sign block
    headers only, so a stolen one can move no money and change no record."""

    code = "NODE_KEY_REFUSED"


class AssetFrozen(DomainError):
    code = "ASSET_FROZEN"


class InsufficientFunds(DomainError):
    code = "INSUFFICIENT_FUNDS"


class NotFound(DomainError):
    """Something named by the args does not exist (contracts subclass it per kind of thing)."""

    code = "NOT_FOUND"
    what: ClassVar[str] = "record"

    def __init__(self, ident: str) -> None:
        super().__init__(f"{self.what} {ident!r} not found", id=ident)


class InvalidState(DomainError):
    """The asset is not in a state that allows this action."""

    code = "INVALID_STATE"


class RegistrationError(ContractError):
    """A contract plug-in is malformed (duplicate name, missing model, unknown role...)."""
