"""The ledger core: canonical encoding, keys and identities, transactions, blocks, state, storage.

It knows nothing about contracts: execution is delegated to an ``ExecutorAPI``.
"""

from ledger.block import Block, BlockHeader, CutInfo, CutReason, TxResult, TxState
from ledger.chain import BlockBuilder, genesis_block, signer_lookup
from ledger.crypto import PrivateKey, SignatureVerifier
from ledger.encoding import canonical, decode
from ledger.exceptions import (
    BadSignature,
    DuplicateTx,
    EncodingError,
    EnvelopeError,
    LedgerError,
    MalformedEnvelope,
    RevokedSigner,
    StoreError,
    UnknownSigner,
    VerificationError,
    WrongChain,
)
from ledger.interfaces import BlockContext, ChainStoreAPI, ExecutionOutcome, ExecutorAPI
from ledger.memory_store import MemoryStore
from ledger.sqlite_store import SqliteStore
from ledger.tx import Envelope, SignerInfo, make_body, sign_envelope

__all__ = [
    "BadSignature",
    "Block",
    "BlockBuilder",
    "BlockContext",
    "BlockHeader",
    "ChainStoreAPI",
    "CutInfo",
    "CutReason",
    "DuplicateTx",
    "EncodingError",
    "Envelope",
    "EnvelopeError",
    "ExecutionOutcome",
    "ExecutorAPI",
    "LedgerError",
    "MalformedEnvelope",
    "MemoryStore",
    "PrivateKey",
    "RevokedSigner",
    "SignatureVerifier",
    "SignerInfo",
    "SqliteStore",
    "StoreError",
    "TxResult",
    "TxState",
    "UnknownSigner",
    "VerificationError",
    "WrongChain",
    "canonical",
    "decode",
    "genesis_block",
    "make_body",
    "sign_envelope",
    "signer_lookup",
]
