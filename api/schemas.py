"""Request and response shapes of the HTTP API (pydantic models; they drive /openapi.json).

The envelope models document the wire format of docs/architecture.md; the server does not
trust them for parsing (``ledger.tx.Envelope.parse`` and the peer's gate do that,
so error codes match the ledger's), they exist so that OpenAPI tells clients
in any language exactly what to send.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ledger.block import TxState

MAX_BATCH = 1000

TX_ID_PATTERN = r"^[0-9a-f]{64}$"
RFC3339_UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class TxBody(BaseModel):
    """The signed part of a transaction; ``tx_id`` = hex SHA-256 of its RFC 8785 bytes."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"additionalProperties": False})

    chain_id: str = Field(min_length=1, description="the chain this tx is for")
    contract: str = Field(min_length=1, description="an enabled contract (GET /v1/contracts)")
    action: str = Field(min_length=1, description="an action of that contract")
    args: dict[str, Any] = Field(description="the action's arguments; integers only, no floats")
    signer: str = Field(min_length=1, description="the enrolled member id that signs first")
    nonce: int | str = Field(description="any integer or string that makes the body unique")
    created_at: str = Field(pattern=RFC3339_UTC_PATTERN, examples=["2026-05-01T08:00:00Z"])


class SignatureEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signer: str = Field(min_length=1, description="member id of this signer")
    sig: str = Field(
        min_length=88,
        max_length=88,
        description="RFC 4648 base64 (with padding) of the 64-byte Ed25519 signature "
        "over the canonical bytes of tx",
    )


class EnvelopeModel(BaseModel):
    """One signed transaction. The first signature is the signer's, then co-signers'."""

    model_config = ConfigDict(extra="forbid")

    tx: TxBody
    signatures: list[SignatureEntry] = Field(min_length=1, max_length=16)


class TxStatusOut(_Out):
    tx_id: str
    status: TxState = Field(description="pending, committed or rejected")
    height: int | None = Field(default=None, description="block height once in a block")
    index: int | None = Field(default=None, description="position in that block")
    code: str | None = Field(default=None, description="why it was rejected")
    message: str | None = None


class SubmitAccepted(_Out):
    tx_ids: list[str] = Field(description="in the order submitted")


class SubmitResults(_Out):
    tx_ids: list[str]
    results: list[TxStatusOut] = Field(description="final status of each tx, in order")
    complete: bool = Field(description="false if the wait ended with some txs still pending")


class RoleRequirement(_Out):
    org_type: str = Field(description="'*' for any")
    role: str = Field(description="'*' for any")


class PartyRequirement(_Out):
    party: str = Field(description="resolved per tx from the args (an org or member id)")
    roles: list[str] = Field(description="roles the party's signer must hold (empty: any)")


class ActionInfo(_Out):
    name: str
    doc: str
    policy: dict[str, Any] = Field(
        description="the authorisation policy as data (contracts/policy.py)"
    )
    roles: list[RoleRequirement] = Field(description="every org type and role the policy names")
    parties: list[PartyRequirement] = Field(description="parties the policy names")
    args_schema: dict[str, Any] = Field(description="JSON schema of the action's args")


class ViewInfo(_Out):
    name: str
    doc: str
    params_schema: dict[str, Any] = Field(description="JSON schema of the view's query parameters")


class ContractInfo(_Out):
    name: str
    version: str
    description: str
    actions: list[ActionInfo]
    views: list[ViewInfo]
    params: dict[str, Any] = Field(
        default_factory=dict, description="the genesis parameters in force, defaults included"
    )


class ContractsOut(_Out):
    chain_id: str
    contracts: list[ContractInfo]


class StateOut(_Out):
    contract: str
    key: str
    value: Any
    height: int = Field(description="head height the value was read at")


class ViewOut(_Out):
    contract: str
    view: str
    params: dict[str, Any]
    result: Any
    height: int


class ListedRecord(_Out):
    key: str = Field(description="the key within the contract's namespace")
    value: Any


class ListOut(_Out):
    contract: str
    prefix: str
    items: list[ListedRecord] = Field(description="readable records, in key order")
    next_after: str | None = Field(
        default=None, description="pass as after for the next page; null on the last page")
    height: int = Field(description="head height the page was read at")


class CutOut(_Out):
    orderer: str
    seq: int
    reason: str


class BlockHeaderOut(_Out):
    chain_id: str
    height: int
    prev_hash: str
    tx_root: str
    results_root: str
    state_hash: str
    time: str
    cut: CutOut
    genesis_hash: str | None = None


class HeadOut(_Out):
    hash: str
    header: BlockHeaderOut


class TxResultOut(_Out):
    tx_id: str
    status: str
    code: str | None = None
    message: str | None = None
    writes: list[list[Any]] | None = Field(
        default=None, description="absent when the reader may not read the tx"
    )
    events: list[dict[str, Any]] | None = Field(
        default=None, description="absent when the reader may not read the tx"
    )


class BlockTxOut(_Out):
    envelope: dict[str, Any] | None = Field(
        description="null when the reader may not read the tx (need to know): only its "
        "id, status and code are shown"
    )
    result: TxResultOut


class BlockOut(_Out):
    hash: str
    header: BlockHeaderOut
    txs: list[BlockTxOut]
    genesis: dict[str, Any] | None = None


class VerifyOut(_Out):
    ok: bool
    blocks: int = 0
    txs: int = 0
    head_hash: str | None = None
    failed_height: int | None = None
    reason: str | None = None


class HealthOut(_Out):
    status: str = Field(description="ok, or halted (intake refused: see fault)")
    fault: str | None = Field(
        default=None, description="why intake is halted (e.g. the store cannot be written)"
    )
    node_id: str
    chain_id: str
    height: int
    head_hash: str | None
    pending: int = Field(description="txs accepted here and not yet in a block")


class FieldError(_Out):
    path: str = Field(description="JSON path of the bad field, e.g. $[2].tx.args.amount")
    rule: str


class Problem(_Out):
    """RFC 9457 problem details (media type application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str = Field(description="stable machine-readable code")
    errors: list[FieldError] | None = None
    tx_id: str | None = None
    index: int | None = Field(default=None, description="index of the refused envelope in a batch")


class ClockOut(_Out):
    """The orderer's block clock on this network."""

    dev_chain: bool = Field(description="true when genesis has dev_clock (the clock may move)")
    offset_ms: int = Field(description="how far the clock was moved forward, in ms")
    offset: str = Field(description="the same as a duration, e.g. 3d")
    now: str = Field(description="the time a block cut now would carry (RFC 3339 UTC)")


class ClockAdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(
        description="how far to move the clock forward: a positive whole number and a unit "
        "s, m, h, d or w (90s, 15m, 3d, 2w, 1d12h)",
        examples=["3d"],
        max_length=64,
    )
