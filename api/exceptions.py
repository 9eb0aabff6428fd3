"""Errors raised by the HTTP API layer itself.

::

    ApiError                          base (has .code)
    ├── AuthError                     a read request is not authenticated (401 unless noted)
    │   ├── CredentialsMissing        no Signature / Signature-Input headers (AUTH_REQUIRED)
    │   ├── SignatureInvalid          malformed, wrong coverage or does not verify (AUTH_INVALID)
    │   ├── UnknownKey                keyid names no enrolled member (AUTH_UNKNOWN_MEMBER)
    │   ├── SignatureExpired          created too old / in the future, or expired (AUTH_EXPIRED)
    │   ├── SignatureReplayed         nonce already used within the window (AUTH_REPLAYED)
    │   └── MemberRevoked             the member was revoked (MEMBER_REVOKED, 403)
    ├── RequestInvalid                bad body or query, with field paths (INVALID_REQUEST)
    │   └── BatchTooLarge             more envelopes than one request may carry (BATCH_TOO_LARGE)
    ├── ResourceNotFound              a named thing does not exist (404)
    │   ├── TxNotFound                TX_NOT_FOUND
    │   ├── BlockNotFound             BLOCK_NOT_FOUND
    │   ├── StateKeyNotFound          STATE_NOT_FOUND
    │   ├── ContractNotFound          CONTRACT_NOT_FOUND
    │   ├── ViewNotFound              VIEW_NOT_FOUND
    │   └── InboxEntryNotFound        INBOX_ENTRY_NOT_FOUND (absent, or not yours to see)
    ├── InboxForbidden                not a signer of what you post; already signed (403)
    └── VerifyUnavailable             the peer's chain is not in a file that can be re-read

Handlers raise these (or let domain errors through); ``api/errors.py`` turns
every one into a problem-details response in one place.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """Base of API errors; ``code`` is stable and machine-readable."""

    code: ClassVar[str] = "API_ERROR"

    def __init__(self, message: str, **facts: Any) -> None:
        self.message = message
        self.facts = facts
        super().__init__(message)


class AuthError(ApiError):
    code = "AUTH_ERROR"


class CredentialsMissing(AuthError):
    code = "AUTH_REQUIRED"


class SignatureInvalid(AuthError):
    code = "AUTH_INVALID"


class UnknownKey(AuthError):
    code = "AUTH_UNKNOWN_MEMBER"


class SignatureExpired(AuthError):
    code = "AUTH_EXPIRED"


class SignatureReplayed(AuthError):
    code = "AUTH_REPLAYED"


class MemberRevoked(AuthError):
    code = "MEMBER_REVOKED"


class RequestInvalid(ApiError):
    """Input that never reaches the chain; ``errors`` lists ``{"path", "rule"}`` per bad field."""

    code = "INVALID_REQUEST"

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        self.errors = errors or []
        super().__init__(message, errors=self.errors)


class BatchTooLarge(RequestInvalid):
    code = "BATCH_TOO_LARGE"


class ResourceNotFound(ApiError):
    code = "NOT_FOUND"


class TxNotFound(ResourceNotFound):
    code = "TX_NOT_FOUND"


class BlockNotFound(ResourceNotFound):
    code = "BLOCK_NOT_FOUND"


class StateKeyNotFound(ResourceNotFound):
    code = "STATE_NOT_FOUND"


class ContractNotFound(ResourceNotFound):
    code = "CONTRACT_NOT_FOUND"


class ViewNotFound(ResourceNotFound):
    code = "VIEW_NOT_FOUND"


class InboxEntryNotFound(ResourceNotFound):
    code = "INBOX_ENTRY_NOT_FOUND"


class InboxForbidden(ApiError):
    """The co-signature inbox refuses this member this step (not a signer; signed already)."""

    code = "INBOX_FORBIDDEN"


class VerifyUnavailable(ApiError):
    code = "VERIFY_UNAVAILABLE"
