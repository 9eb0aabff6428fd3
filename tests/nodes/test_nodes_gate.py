from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from nodes_kit import issues, sign, small_spec

from ledger.tx import Envelope, add_signature
from nodes.exceptions import GateRejected
from nodes.local import LocalNetwork
from nodes.peer import Peer

SPEC = small_spec(batch_size=100)


@pytest.fixture
def net() -> LocalNetwork:
    return LocalNetwork(SPEC, lambda: 0)


def _peer(net: LocalNetwork) -> Peer:
    return net.peers["bank-a.peer"]


def _bad_signature() -> Any:
    data = issues(SPEC, 1, start=10)[0].to_json()
    other = issues(SPEC, 1, start=11)[0].to_json()
    data["signatures"] = other["signatures"]
    return data


def _wrong_chain() -> Envelope:
    from ledger.tx import make_body, sign_envelope

    body = make_body(chain_id="elsewhere", contract="settlement", action="issue",
                     args={"account": "coop-a.farmer-1", "amount": 5}, signer="gov.pboc",
                     nonce=1, created_at=SPEC.config.time)
    return sign_envelope(body, SPEC.roster.member("gov.pboc").key)


JUNK: dict[str, tuple[Callable[[], Any], str, list[str]]] = {
    # kind: (envelope, code, the fields the kept error names)
    "not an object": (lambda: [1, 2], "MALFORMED_ENVELOPE", ["envelope"]),
    "missing field": (
        lambda: {"tx": {}, "signatures": []}, "MALFORMED_ENVELOPE", ["tx.action"]),
    "not json": (lambda: b"{nope", "MALFORMED_ENVELOPE", ["$"]),
    "signature of another body": (_bad_signature, "BAD_SIGNATURE", ["signatures[0].sig"]),
    "another chain": (_wrong_chain, "WRONG_CHAIN", ["tx.chain_id"]),
    "unknown contract": (
        lambda: sign(SPEC, "gov.pboc", "casino", "bet", {}), "UNKNOWN_CONTRACT",
        ["tx.contract"]),
    "unknown action": (
        lambda: sign(SPEC, "gov.pboc", "settlement", "print", {}), "UNKNOWN_ACTION",
        ["tx.action"]),
    "invalid args": (
        lambda: sign(SPEC, "gov.pboc", "settlement", "issue", {"account": "x", "amount": -5}),
        "INVALID_ARGUMENTS", ["tx.args.amount"]),
}


@pytest.mark.parametrize("kind", sorted(JUNK))
def test_junk_is_refused_at_the_gate_and_never_reaches_the_orderer(
    net: LocalNetwork, kind: str
) -> None:
    make, code, fields = JUNK[kind]
    with pytest.raises(GateRejected) as info:
        _peer(net).submit([make()])
    assert info.value.code == code
    assert info.value.cause.code == code
    assert [e["path"] for e in info.value.cause.errors] == fields
    assert net.orderer.pending() == 0
    assert net.orderer.height() == 0


def test_an_unknown_signer_is_refused_at_the_gate(net: LocalNetwork) -> None:
    envelope = issues(SPEC, 1, start=20)[0].to_json()
    envelope["tx"]["signer"] = envelope["signatures"][0]["signer"] = "gov.ghost"
    with pytest.raises(GateRejected) as info:
        _peer(net).submit(envelope)
    assert info.value.code in {"UNKNOWN_SIGNER", "BAD_SIGNATURE"}


def test_one_bad_envelope_in_a_call_forwards_none_of_them(net: LocalNetwork) -> None:
    good = issues(SPEC, 2, start=30)
    with pytest.raises(GateRejected) as info:
        _peer(net).submit([good[0], _bad_signature(), good[1]])
    assert info.value.index == 1
    assert net.orderer.pending() == 0


def test_a_committed_tx_is_refused_when_submitted_again(net: LocalNetwork) -> None:
    envelope = issues(SPEC, 1, start=40)[0]
    _peer(net).submit(envelope)
    net.flush()
    with pytest.raises(GateRejected) as info:
        net.peers["gov.peer"].submit(envelope.to_json())
    assert info.value.code == "DUPLICATE_TX"


NODE_KEY_TXS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "spend its org's treasury": (
        "settlement", "transfer", {"source": "bank-a", "target": "bank-a.peer", "amount": 1}),
    "issue money": ("settlement", "issue", {"account": "bank-a", "amount": 1}),
    "revoke a member": ("membership", "revoke", {"member_id": "bank-a.officer"}),
    "a contract that is not enabled": ("casino", "bet", {}),
    "an action that does not exist": ("settlement", "print", {}),
}


@pytest.mark.parametrize("attempt", sorted(NODE_KEY_TXS))
def test_a_node_key_signs_no_transaction_at_the_gate(net: LocalNetwork, attempt: str) -> None:
    """T3: whatever a stolen node key signs is refused before the orderer, first of all
    the contract checks, so the code does not depend on what was attempted."""
    contract, action, args = NODE_KEY_TXS[attempt]
    with pytest.raises(GateRejected) as info:
        _peer(net).submit([sign(SPEC, "bank-a.peer", contract, action, args)])
    assert info.value.code == "NODE_KEY_REFUSED"
    assert "node key" in info.value.message
    assert net.orderer.pending() == 0


def test_a_node_key_as_co_signer_is_refused_at_the_gate(net: LocalNetwork) -> None:
    envelope = sign(SPEC, "bank-a.treasurer-1", "settlement", "transfer",
                    {"source": "bank-a", "target": "gov", "amount": 1})
    tainted = add_signature(envelope, "bank-a.peer", SPEC.roster.member("bank-a.peer").key)
    with pytest.raises(GateRejected) as info:
        _peer(net).submit([tainted])
    assert info.value.code == "NODE_KEY_REFUSED"
    assert net.orderer.pending() == 0
