"""Pre-forward checks: what a peer refuses before anything reaches the orderer.

For each envelope, in this order (so the same junk always gets the same code):
wire form (``Envelope.parse``), chain id, signer enrolment and revocation, every
signature (through the peer's ``SignatureVerifier``), not already committed and
not already recorded as rejected (the orderer orders a tx_id once, so a copy
would wait forever: the client gets the recorded verdict instead), no signer is a
node key (NODE_KEY_REFUSED, whatever the contract or action), the
contract is enabled, the action exists, its args parse under the action's
model, and the signers' org types and roles could satisfy the action's policy
(``Policy.roles_allow``: a farmer can never issue money, whatever the state).
Who the parties are (the receipt's holder, the pledgee bank) and business rules
depend on the state at execution time and are the block's job.

Passing the gate does not mean the tx will commit (the state may change before
its block), but failing it means the tx could never have: junk never reaches
the orderer.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from contracts.exceptions import DomainError, UnknownAction, UnknownContract
from contracts.runtime import ContractRuntime, parse_model, refuse_node_keys
from ledger.chain import signer_lookup
from ledger.crypto import SignatureVerifier
from ledger.encoding import decode
from ledger.exceptions import (
    AlreadyRejected,
    DuplicateKey,
    DuplicateTx,
    EncodingError,
    EnvelopeError,
    MalformedEnvelope,
    NestingTooDeep,
)
from ledger.interfaces import ChainStoreAPI
from ledger.tx import Envelope, SignerLookup, authenticate, signature_triples
from nodes.exceptions import GateRejected

RawEnvelope = Envelope | Mapping[str, Any] | bytes | str
"""What a client may submit: a parsed envelope, its JSON object, or its JSON text."""


class Gate:
    """Checks envelopes against a peer's head state, its contracts and its verifier."""

    def __init__(
        self,
        chain_id: str,
        store: ChainStoreAPI,
        runtime: ContractRuntime,
        verifier: SignatureVerifier,
    ) -> None:
        self.chain_id = chain_id
        self.store = store
        self.runtime = runtime
        self.verifier = verifier

    def check(self, raw: RawEnvelope, index: int = 0) -> Envelope:
        """Return the parsed envelope or raise GateRejected naming what is wrong."""
        return self._check_parsed(self._parse(raw, index), index, signer_lookup(self.store.state))

    def check_all(self, raws: Sequence[RawEnvelope]) -> list[Envelope]:
        """``check`` each of ``raws`` in order (raising at the first refusal), with their
        signatures verified on every core first. Signer records are read once per call:
        the state does not change under the peer's lock."""
        envelopes = [self._parse(raw, index) for index, raw in enumerate(raws)]
        lookup: SignerLookup = functools.cache(signer_lookup(self.store.state))
        self.verifier.prefetch(signature_triples(envelopes, lookup))
        return [self._check_parsed(e, index, lookup) for index, e in enumerate(envelopes)]

    def warm(self, envelopes: Sequence[Envelope]) -> None:
        """Verify ``envelopes``' signatures into the verifier's cache without the peer's
        lock, so a later ``check_all`` (and block execution) finds the verdicts there:
        the pipeline's verify stage, run while the peer executes another batch. A
        verdict is a pure function of (public key, message, signature), so reading signer
        keys from a state that is changing only risks a cache miss, never a wrong
        verdict."""
        self.verifier.prefetch(signature_triples(envelopes, signer_lookup(self.store.state)))

    def _check_parsed(self, envelope: Envelope, index: int, lookup: SignerLookup) -> Envelope:
        try:
            signers = authenticate(envelope, self.chain_id, lookup, self.verifier)
            self._refuse_recorded(envelope.tx_id)
            refuse_node_keys(signers)
            self._check_call(envelope)
            self.runtime.check_roles(envelope, signers, self.store.state)
        except (EnvelopeError, DomainError) as exc:
            raise GateRejected(exc, index=index, tx_id=envelope.tx_id) from None
        return envelope

    @staticmethod
    def _parse(raw: RawEnvelope, index: int) -> Envelope:
        if isinstance(raw, Envelope):
            return raw
        try:
            if isinstance(raw, bytes | str):
                return Envelope.parse(decode(raw), trusted_json=True)
            return Envelope.parse(raw)
        except (MalformedEnvelope, NestingTooDeep, DuplicateKey) as exc:
            raise GateRejected(exc, index=index) from None
        except EncodingError as exc:  # not JSON at all
            raise GateRejected(MalformedEnvelope.at(exc.path, exc.rule), index=index) from None
        except ValueError as exc:
            raise GateRejected(MalformedEnvelope(str(exc)), index=index) from None

    def _refuse_recorded(self, tx_id: str) -> None:
        """A tx already in a block gets its verdict back (the store prefers a committed
        record over a rejected one of the same tx_id)."""
        record = self.store.tx(tx_id)
        if record is None:
            return
        result = record.result
        if result.committed:
            raise DuplicateTx(
                f"tx {tx_id} already committed in block {record.height}", tx_id=tx_id
            )
        raise AlreadyRejected(
            f"tx {tx_id} was rejected in block {record.height} (index {record.index}) "
            f"with {result.code}: {result.message}; a tx is ordered once, so sign a new "
            "one (new nonce) to try again",
            tx_id=tx_id,
        )

    def _check_call(self, envelope: Envelope) -> None:
        contract = self.runtime.contracts.get(envelope.contract)
        if contract is None:
            raise UnknownContract.at(
                "tx.contract", f"{envelope.contract!r} is not enabled on this chain",
                contract=envelope.contract,
            )
        spec = contract.actions.get(envelope.action)
        if spec is None:
            raise UnknownAction.at(
                "tx.action", f"contract {contract.name!r} has no action {envelope.action!r}",
                contract=contract.name, action=envelope.action,
            )
        parse_model(spec.model, envelope.args, "tx.args")  # InvalidArguments, or a domain
        # error raised by one of the model's validators
