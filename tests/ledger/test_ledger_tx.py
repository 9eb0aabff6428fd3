"""Transactions: tx_id, envelope parsing, and every way authentication says no."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
import rfc8785
from ledger_kit import CHAIN_ID, Member, tx

from ledger import (
    BadSignature,
    Envelope,
    EnvelopeError,
    MalformedEnvelope,
    RevokedSigner,
    SignatureVerifier,
    UnknownSigner,
    WrongChain,
    signer_lookup,
)
from ledger.exceptions import ENVELOPE_ERRORS, DuplicateTx
from ledger.identity import member_state_key
from ledger.state import MemoryState
from ledger.tx import add_signature, authenticate


def _registry(members: list[Member]) -> Any:
    return signer_lookup(MemoryState({member_state_key(m.member_id): m.record for m in members}))


def _authenticate(envelope: Envelope, members: list[Member]) -> None:
    authenticate(envelope, CHAIN_ID, _registry(members), SignatureVerifier())


def test_tx_id_is_the_sha256_of_the_rfc8785_bytes_of_the_body(members: list[Member]) -> None:
    envelope = tx(members[0], args={"key": "稻", "value": [1, {"b": None, "a": True}]})
    expected = hashlib.sha256(rfc8785.dumps(dict(envelope.body))).hexdigest()
    assert envelope.tx_id == expected
    assert envelope.body_bytes == rfc8785.dumps(dict(envelope.body))


def test_envelope_wire_json_parses_back_to_the_same_envelope(members: list[Member]) -> None:
    envelope = tx(members[0], co_signers=[members[1]])
    wire = envelope.to_json()
    assert wire["signatures"][1]["sig"] == base64.b64encode(envelope.signatures[1].sig).decode()
    assert Envelope.parse(wire) == envelope


def test_every_envelope_error_has_a_distinct_stable_code() -> None:
    codes = {cls.__name__: cls.code for cls in ENVELOPE_ERRORS}
    assert codes == {
        "MalformedEnvelope": "MALFORMED_ENVELOPE",
        "WrongChain": "WRONG_CHAIN",
        "BadSignature": "BAD_SIGNATURE",
        "UnknownSigner": "UNKNOWN_SIGNER",
        "RevokedSigner": "SIGNER_REVOKED",
        "DuplicateTx": "DUPLICATE_TX",
    }


def _wire(members: list[Member]) -> dict[str, Any]:
    return tx(members[0], co_signers=[members[1]]).to_json()


def _drop(field: str) -> Any:
    def change(wire: dict[str, Any]) -> None:
        del wire["tx"][field]
    return change


def _set_body(field: str, value: Any) -> Any:
    def change(wire: dict[str, Any]) -> None:
        wire["tx"][field] = value
    return change


def _set_sig(index: int, field: str, value: Any) -> Any:
    def change(wire: dict[str, Any]) -> None:
        wire["signatures"][index][field] = value
    return change


def _short_sig(wire: dict[str, Any]) -> None:
    wire["signatures"][0]["sig"] = base64.b64encode(b"\x01" * 63).decode()


def _extra_envelope_field(wire: dict[str, Any]) -> None:
    wire["note"] = "hi"


def _no_signatures(wire: dict[str, Any]) -> None:
    wire["signatures"] = []


def _cosigner_first(wire: dict[str, Any]) -> None:
    wire["signatures"].reverse()


def _same_signer_twice(wire: dict[str, Any]) -> None:
    wire["signatures"][1] = dict(wire["signatures"][0])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_drop("nonce"), "tx.nonce"),
        (_drop("args"), "tx.args"),
        (_extra_envelope_field, "envelope.note"),
        (_set_body("fee", 1), "tx.fee"),
        (_set_body("chain_id", ""), "tx.chain_id"),
        (_set_body("signer", 7), "tx.signer"),
        (_set_body("args", [1]), "tx.args"),
        (_set_body("args", {"amount": 1.5}), "tx.args.amount"),
        (_set_body("args", {"lots": [1, 2**60]}), "tx.args.lots[1]"),
        (_set_body("nonce", True), "tx.nonce"),
        (_set_body("nonce", None), "tx.nonce"),
        (_set_body("created_at", "2026-05-01 08:00:00"), "tx.created_at"),
        (_set_body("created_at", "2026-02-30T08:00:00Z"), "tx.created_at"),
        (_no_signatures, "signatures"),
        (_set_sig(0, "sig", "not base64!"), "signatures[0].sig"),
        (_set_sig(1, "sig", 12), "signatures[1].sig"),
        (_short_sig, "signatures[0].sig"),
        (_set_sig(1, "signer", ""), "signatures[1].signer"),
        (_cosigner_first, "signatures[0].signer"),
        (_same_signer_twice, "signatures[1].signer"),
    ],
)
def test_malformed_envelope_names_the_field(
    members: list[Member], change: Any, field: str
) -> None:
    wire = _wire(members)
    change(wire)
    with pytest.raises(MalformedEnvelope) as info:
        Envelope.parse(wire)
    assert info.value.code == "MALFORMED_ENVELOPE"
    assert info.value.message.startswith(f"{field}:"), info.value.message


@pytest.mark.parametrize("data", [None, [], "tx", {"tx": [], "signatures": []}])
def test_non_object_envelope_or_body_is_malformed(data: Any) -> None:
    with pytest.raises(MalformedEnvelope):
        Envelope.parse(data)


def test_envelope_for_another_chain_is_wrong_chain(members: list[Member]) -> None:
    envelope = tx(members[0], chain_id="other-chain")
    with pytest.raises(WrongChain) as info:
        _authenticate(envelope, members)
    assert info.value.code == "WRONG_CHAIN"
    assert info.value.tx_id == envelope.tx_id
    assert "tx.chain_id" in info.value.message


def test_signature_by_the_wrong_key_is_bad_signature(members: list[Member]) -> None:
    alice, bob = members[0], members[1]
    envelope = tx(alice)
    forged = Envelope.parse(
        {"tx": dict(envelope.body),
         "signatures": [{"signer": alice.member_id,
                         "sig": base64.b64encode(bob.key.sign(envelope.body_bytes)).decode()}]}
    )
    with pytest.raises(BadSignature) as info:
        _authenticate(forged, members)
    assert info.value.code == "BAD_SIGNATURE"
    assert info.value.message.startswith("signatures[0].sig:")


def test_signer_missing_from_the_registry_is_unknown_signer(members: list[Member]) -> None:
    with pytest.raises(UnknownSigner) as info:
        _authenticate(tx(members[0], co_signers=[members[1]]), members[:1])
    assert info.value.code == "UNKNOWN_SIGNER"
    assert info.value.message.startswith("signatures[1].signer:")


def test_revoked_co_signer_is_revoked_signer(members: list[Member]) -> None:
    carol = next(m for m in members if m.record["revoked"])
    with pytest.raises(RevokedSigner) as info:
        _authenticate(tx(members[0], co_signers=[carol]), members)
    assert info.value.code == "SIGNER_REVOKED"
    assert info.value.message.startswith("signatures[1].signer:")


def test_well_signed_envelope_authenticates_signer_and_co_signers(members: list[Member]) -> None:
    envelope = add_signature(tx(members[0]), members[1].member_id, members[1].key)
    infos = authenticate(envelope, CHAIN_ID, _registry(members), SignatureVerifier())
    assert [i.member_id for i in infos] == [members[0].member_id, members[1].member_id]
    assert [i.role for i in infos] == [members[0].role, members[1].role]


def test_duplicate_tx_is_an_envelope_error_with_its_code() -> None:
    error = DuplicateTx("already committed", tx_id="ab" * 32)
    assert isinstance(error, EnvelopeError)
    assert (error.code, error.tx_id) == ("DUPLICATE_TX", "ab" * 32)


def test_verifier_cache_remembers_verdicts_for_identical_bytes_only(members: list[Member]) -> None:
    alice = members[0]
    envelope = tx(alice)
    verifier = SignatureVerifier(cache_size=4)
    public = alice.key.public_bytes()
    sig = envelope.signatures[0].sig
    assert verifier.verify(public, envelope.body_bytes, sig)
    assert verifier.verify(public, envelope.body_bytes, sig)
    assert verifier.verifications == 1
    assert not verifier.verify(public, envelope.body_bytes + b" ", sig)
    assert verifier.verifications == 2


def test_envelope_canonical_bytes_are_the_rfc8785_bytes_of_its_wire_json(
    members: list[Member],
) -> None:
    envelope = tx(members[0], args={"key": "🌾\ue000", "value": [1, "é"]}, co_signers=[members[1]])
    assert envelope.canonical_bytes() == rfc8785.dumps(envelope.to_json())


@pytest.mark.parametrize(
    "created_at",
    ["2026-05-01T08:00:00Z\n", "２０２６-05-01T08:00:00Z", "2026-05-01T24:00:00Z",
     "2026-05-01T08:00:00+08:00", "2026-05-01T08:00:60Z"],
)
def test_created_at_must_be_a_real_rfc3339_utc_time_in_ascii_digits(
    members: list[Member], created_at: str
) -> None:
    wire = tx(members[0]).to_json()
    wire["tx"]["created_at"] = created_at
    with pytest.raises(MalformedEnvelope, match=r"^tx\.created_at:"):
        Envelope.parse(wire)
