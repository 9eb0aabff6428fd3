"""One table from exception types to HTTP status and RFC 9457 problem details.

Handlers never build error responses themselves: domain code raises its own
exception types (ledger, contracts, nodes, api) and the handlers installed by
``install`` translate them here, at the edge. Lookup walks the exception's MRO,
so a contract's own ``NotFound`` subclass answers 404 without being listed.

A problem body::

    {"type": "urn:agriledger:problem:bad-signature", "title": "...", "status": 403,
     "detail": "signatures[0].sig: does not verify for 'bank-a.officer'",
     "instance": "/v1/transactions", "code": "BAD_SIGNATURE",
     "errors": [{"path": "$.signatures[0].sig", "rule": "does not verify ..."}],
     "tx_id": "...", "index": 0}

``errors`` appears for input errors and names the JSON path of each bad field
(``$[i]...`` for the i-th envelope of a batch, ``query.x`` for query parameters).
It is read from the exception's own fields (``errors``, ``path`` and ``rule``),
never parsed back out of a message. ``GateRejected`` keeps the ledger or
contract error that refused the envelope (``cause``); it is answered as that
error's entry in the table, with the envelope's index.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import exceptions as api_exc
from contracts import exceptions as contract_exc
from ledger import exceptions as ledger_exc
from nodes import exceptions as node_exc

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:agriledger:problem:"


@dataclass(frozen=True, slots=True)
class ProblemSpec:
    status: int
    title: str
    code: str | None = None  # used when the exception type has no ``code`` of its own


ERROR_TABLE: Mapping[type[BaseException], ProblemSpec] = {
    # ledger
    ledger_exc.LedgerError: ProblemSpec(500, "Ledger error", "LEDGER_ERROR"),
    ledger_exc.EncodingError: ProblemSpec(400, "Not valid canonical JSON", "INVALID_JSON"),
    ledger_exc.NestingTooDeep: ProblemSpec(400, "JSON nested too deep"),
    ledger_exc.DuplicateKey: ProblemSpec(400, "Duplicate key in a JSON object"),
    ledger_exc.IdentityError: ProblemSpec(422, "Unusable key or certificate", "IDENTITY_ERROR"),
    ledger_exc.CertificateError: ProblemSpec(422, "Certificate refused", "CERTIFICATE_INVALID"),
    ledger_exc.EnvelopeError: ProblemSpec(422, "Envelope refused"),
    ledger_exc.MalformedEnvelope: ProblemSpec(422, "Envelope is not in the wire format"),
    ledger_exc.WrongChain: ProblemSpec(422, "Envelope is for another chain"),
    ledger_exc.BadSignature: ProblemSpec(403, "A signature does not verify"),
    ledger_exc.UnknownSigner: ProblemSpec(403, "A signer is not enrolled"),
    ledger_exc.RevokedSigner: ProblemSpec(403, "A signer was revoked"),
    ledger_exc.DuplicateTx: ProblemSpec(409, "Transaction already committed"),
    ledger_exc.AlreadyRejected: ProblemSpec(409, "Transaction already recorded as rejected"),
    ledger_exc.StoreError: ProblemSpec(503, "Chain store unavailable", "STORE_UNAVAILABLE"),
    ledger_exc.BlockMismatch: ProblemSpec(503, "Block does not extend the head", "BLOCK_MISMATCH"),
    ledger_exc.VerificationError: ProblemSpec(
        500, "Stored chain fails verification", "CHAIN_INVALID"
    ),
    # contracts
    contract_exc.ContractError: ProblemSpec(500, "Contract error", "CONTRACT_ERROR"),
    contract_exc.DomainError: ProblemSpec(422, "Refused by the contract"),
    contract_exc.UnknownContract: ProblemSpec(404, "Contract not enabled"),
    contract_exc.UnknownAction: ProblemSpec(404, "No such action or view"),
    contract_exc.InvalidArguments: ProblemSpec(422, "Invalid arguments"),
    contract_exc.Unauthorized: ProblemSpec(403, "Policy not satisfied by the signers"),
    contract_exc.NodeKeyRefused: ProblemSpec(403, "Node keys sign block headers, not transactions"),
    contract_exc.AssetFrozen: ProblemSpec(409, "Asset frozen by a dispute"),
    contract_exc.InsufficientFunds: ProblemSpec(409, "Insufficient funds"),
    contract_exc.NotFound: ProblemSpec(404, "Not found"),
    contract_exc.InvalidState: ProblemSpec(409, "Invalid state for this action"),
    contract_exc.RegistrationError: ProblemSpec(
        500, "Malformed contract plug-in", "REGISTRATION_ERROR"
    ),
    # nodes
    node_exc.NodeError: ProblemSpec(503, "Node error", "NODE_ERROR"),
    node_exc.GateRejected: ProblemSpec(422, "Envelope refused by the peer"),
    node_exc.NodeDown: ProblemSpec(503, "Node down", "NODE_DOWN"),
    node_exc.OutOfOrder: ProblemSpec(503, "Batch out of order", "OUT_OF_ORDER"),
    node_exc.IntakeHalted: ProblemSpec(503, "Intake halted: the peer cannot store blocks"),
    node_exc.OrderingUnavailable: ProblemSpec(503, "Outcome unknown: ordering unavailable"),
    node_exc.NetworkDirError: ProblemSpec(500, "Network directory unusable", "NETWORK_DIR_ERROR"),
    node_exc.NetworkConfigError: ProblemSpec(422, "Network configuration refused",
                                             "NETWORK_CONFIG_INVALID"),
    node_exc.DevClockRefused: ProblemSpec(409, "Clock not moved"),
    node_exc.NotADevChain: ProblemSpec(409, "Not a development chain"),
    node_exc.DevClockForbidden: ProblemSpec(403, "Role may not move the clock"),
    node_exc.DevClockUnavailable: ProblemSpec(409, "This peer does not run the orderer"),
    # api
    api_exc.ApiError: ProblemSpec(400, "Bad request"),
    api_exc.AuthError: ProblemSpec(401, "Not authenticated"),
    api_exc.CredentialsMissing: ProblemSpec(401, "Signed request required"),
    api_exc.SignatureInvalid: ProblemSpec(401, "Request signature invalid"),
    api_exc.UnknownKey: ProblemSpec(401, "Request signed by an unknown member"),
    api_exc.SignatureExpired: ProblemSpec(401, "Request signature outside its time window"),
    api_exc.SignatureReplayed: ProblemSpec(401, "Request signature replayed"),
    api_exc.MemberRevoked: ProblemSpec(403, "Member revoked"),
    api_exc.RequestInvalid: ProblemSpec(422, "Invalid request"),
    api_exc.BatchTooLarge: ProblemSpec(413, "Batch too large"),
    api_exc.ResourceNotFound: ProblemSpec(404, "Not found"),
    api_exc.TxNotFound: ProblemSpec(404, "Transaction not found"),
    api_exc.BlockNotFound: ProblemSpec(404, "Block not found"),
    api_exc.StateKeyNotFound: ProblemSpec(404, "State key not found"),
    api_exc.ContractNotFound: ProblemSpec(404, "Contract not enabled"),
    api_exc.ViewNotFound: ProblemSpec(404, "View not found"),
    api_exc.InboxEntryNotFound: ProblemSpec(404, "Nothing awaiting you there"),
    api_exc.InboxForbidden: ProblemSpec(403, "Not yours to post or sign"),
    api_exc.VerifyUnavailable: ProblemSpec(409, "Chain verification unavailable"),
    # framework
    RequestValidationError: ProblemSpec(422, "Invalid request", "INVALID_REQUEST"),
    StarletteHTTPException: ProblemSpec(400, "HTTP error", "HTTP_ERROR"),
    Exception: ProblemSpec(500, "Internal error", "INTERNAL"),
}

_HTTP_CODES = {404: "ROUTE_NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def spec_for(exc: BaseException) -> ProblemSpec:
    """The table entry for ``exc``: its own type's, else its nearest listed ancestor's.
    A gate refusal is answered as the error that caused it."""
    if isinstance(exc, node_exc.GateRejected):
        exc = exc.cause
    for klass in type(exc).__mro__:
        spec = ERROR_TABLE.get(klass)
        if spec is not None:
            return spec
    return ERROR_TABLE[Exception]


def code_of(exc: BaseException, spec: ProblemSpec) -> str:
    if isinstance(exc, StarletteHTTPException):
        return _HTTP_CODES.get(exc.status_code, spec.code or "HTTP_ERROR")
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        return code
    return spec.code or "ERROR"


def status_of(exc: BaseException, spec: ProblemSpec) -> int:
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    return spec.status


def json_path(where: str, index: int | None = None) -> str:
    """``tx.args.amount`` -> ``$.tx.args.amount`` (or ``$[i].tx...`` inside a batch)."""
    root = "$" if index is None else f"$[{index}]"
    if where in ("", "envelope", "$"):
        return root
    if where.startswith("$"):
        return root + where[1:]
    return f"{root}{'' if where.startswith('[') else '.'}{where}"


def field_errors(exc: BaseException, batch: bool = True) -> list[dict[str, Any]] | None:
    """The per-field errors an input error carries, as ``{"path", "rule"}`` with JSON paths."""
    if isinstance(exc, api_exc.RequestInvalid):
        return exc.errors or None
    if isinstance(exc, RequestValidationError):
        return [
            {"path": ".".join(str(p) for p in err["loc"]), "rule": err["msg"]}
            for err in exc.errors()
        ]
    if isinstance(exc, node_exc.GateRejected):
        index = exc.index if batch else None
        return [
            {"path": json_path(e["path"], index), "rule": e["rule"]} for e in exc.cause.errors
        ] or None
    if isinstance(exc, ledger_exc.EncodingError):
        return [{"path": exc.path, "rule": exc.rule}]
    if isinstance(exc, ledger_exc.EnvelopeError):
        return [{"path": json_path(e["path"]), "rule": e["rule"]} for e in exc.errors] or None
    if isinstance(exc, contract_exc.DomainError):
        return [{"path": e["path"], "rule": e["rule"]} for e in exc.errors] or None
    return None


def problem(exc: BaseException, instance: str, *, batch: bool = True) -> tuple[int, dict[str, Any]]:
    """Status and problem-details body for ``exc`` raised while serving ``instance``."""
    spec = spec_for(exc)
    code = code_of(exc, spec)
    status = status_of(exc, spec)
    detail = getattr(exc, "message", None) or getattr(exc, "detail", None) or str(exc)
    if status >= 500 and spec is ERROR_TABLE[Exception]:
        detail = "internal error; the server log has the details"
    errors = field_errors(exc, batch)
    if isinstance(exc, RequestValidationError) and errors:  # its str() is a multi-line repr
        detail = "; ".join(f"{e['path']}: {e['rule']}" for e in errors)
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code.lower().replace("_", "-"),
        "title": spec.title,
        "status": status,
        "detail": str(detail),
        "instance": instance,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    tx_id = getattr(exc, "tx_id", None)
    if isinstance(tx_id, str):
        body["tx_id"] = tx_id
    if isinstance(exc, node_exc.GateRejected):
        body["index"] = exc.index
    return status, body


def problem_response(exc: BaseException, request: Request) -> JSONResponse:
    status, body = problem(exc, request.url.path, batch=getattr(request.state, "batch", True))
    if status >= 500:
        log.error("%s %s -> %s", request.method, request.url.path, status, exc_info=exc)
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 503:
        headers.setdefault("Retry-After", "1")
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(exc, request)


def install(app: FastAPI) -> None:
    """Route every exception in the table (and anything else) through ``problem_response``."""
    for exc_type in ERROR_TABLE:
        if issubclass(exc_type, Exception):
            app.add_exception_handler(exc_type, _handle)
