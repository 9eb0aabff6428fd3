"""Errors raised by the ledger layer.

The tree, drawn once so readers see every way the ledger can say no::

    LedgerError                      base of everything below
    ├── EncodingError                a value cannot be canonically encoded (.path, .rule, .errors)
    │   ├── NestingTooDeep           JSON text nested deeper than the wire format allows
    │   └── DuplicateKey             a JSON object names the same key twice
    ├── IdentityError                a certificate or key is unusable
    │   └── CertificateError         chain, validity window or revocation check failed
    ├── EnvelopeError                a transaction envelope is refused (.code; .errors when
    │                                one field is at fault: raised with ``.at(path, rule)``)
    │   ├── MalformedEnvelope        not the wire format (MALFORMED_ENVELOPE)
    │   ├── WrongChain               chain_id is not this chain's (WRONG_CHAIN)
    │   ├── BadSignature             a signature does not verify (BAD_SIGNATURE)
    │   ├── UnknownSigner            a signer is not enrolled (UNKNOWN_SIGNER)
    │   ├── RevokedSigner            a signer's enrolment was revoked (SIGNER_REVOKED)
    │   ├── DuplicateTx              the tx_id already committed (DUPLICATE_TX)
    │   └── AlreadyRejected          the tx_id is recorded as rejected (ALREADY_REJECTED)
    ├── StoreError                   the chain store refuses an operation
    │   └── BlockMismatch            a block does not extend the head it claims to
    └── VerificationError            a stored chain fails verification (.height, .reason)

Envelope errors are deterministic rejections: every honest peer reaches the same
verdict, and the transaction is recorded as rejected with the error's ``code``.
Store errors are faults: the operation is retried or abandoned, never half-applied.
"""

from __future__ import annotations

from typing import Self, TypedDict


class FieldError(TypedDict):
    """One bad input field: where (``tx.args.amount``, ``signatures[0].sig``) and which rule."""

    path: str
    rule: str


class LedgerError(Exception):
    """Base of all ledger errors."""


class EncodingError(LedgerError):
    """A JSON value the ledger must sign or hash is not canonically encodable."""

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}")

    @property
    def errors(self) -> list[FieldError]:
        return [{"path": self.path, "rule": self.rule}]


class NestingTooDeep(EncodingError):
    """Arrays and objects nest deeper than ``ledger.encoding.MAX_DEPTH``."""

    code = "JSON_TOO_DEEP"


class DuplicateKey(EncodingError):
    """An object names a key twice; JSON parsers disagree on which one wins, so neither does."""

    code = "DUPLICATE_KEY"


class IdentityError(LedgerError):
    """A key or certificate cannot be used."""


class CertificateError(IdentityError):
    """A member certificate fails its chain, validity or revocation check."""


class EnvelopeError(LedgerError):
    """An envelope is refused; ``code`` is stable and machine-readable."""

    code = "ENVELOPE_ERROR"

    def __init__(
        self, message: str, *, tx_id: str | None = None, errors: tuple[FieldError, ...] = ()
    ) -> None:
        self.message = message
        self.tx_id = tx_id
        self.errors = list(errors)
        super().__init__(message)

    @classmethod
    def at(cls, path: str, rule: str, *, tx_id: str | None = None) -> Self:
        """The error for one field: message ``path: rule``, and ``errors`` naming it."""
        return cls(f"{path}: {rule}", tx_id=tx_id, errors=({"path": path, "rule": rule},))


class MalformedEnvelope(EnvelopeError):
    code = "MALFORMED_ENVELOPE"


class WrongChain(EnvelopeError):
    code = "WRONG_CHAIN"


class BadSignature(EnvelopeError):
    code = "BAD_SIGNATURE"


class UnknownSigner(EnvelopeError):
    code = "UNKNOWN_SIGNER"


class RevokedSigner(EnvelopeError):
    code = "SIGNER_REVOKED"


class DuplicateTx(EnvelopeError):
    code = "DUPLICATE_TX"


class AlreadyRejected(EnvelopeError):
    """The tx_id is in a block as rejected: an envelope is ordered once, so a resubmitted
    copy would never be ordered again (and would sit as pending forever). A retry is a
    new tx (a new nonce), signed again."""

    code = "ALREADY_REJECTED"


class StoreError(LedgerError):
    """The chain store refused an operation; nothing was written."""


class BlockMismatch(StoreError):
    """A block's height or prev_hash does not extend the current head."""


class VerificationError(LedgerError):
    """A stored chain failed verification at ``height`` for ``reason``."""

    def __init__(self, height: int, reason: str) -> None:
        self.height = height
        self.reason = reason
        super().__init__(f"block {height}: {reason}")


ENVELOPE_ERRORS: tuple[type[EnvelopeError], ...] = (
    MalformedEnvelope,
    WrongChain,
    BadSignature,
    UnknownSigner,
    RevokedSigner,
    DuplicateTx,
)
