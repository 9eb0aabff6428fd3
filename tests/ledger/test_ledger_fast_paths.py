"""Fast paths give exactly what the slow ones give: write bytes, result bytes, verdicts."""

from __future__ import annotations

import os
import signal
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.block import TxResult, TxState
from ledger.crypto import PREFETCH_MIN, PrivateKey, SignatureVerifier
from ledger.encoding import MAX_SAFE_INTEGER, canonical, canonical_vouched
from ledger.exceptions import EncodingError
from ledger.state import MemoryState, Overlay

keys = st.text(min_size=1, max_size=12)
scalars = (
    st.none() | st.booleans() | st.text(max_size=20)
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


@given(values)
def test_vouched_encoding_equals_the_canonical_encoding(value: object) -> None:
    assert canonical_vouched(value) == canonical(value)


@pytest.mark.parametrize("bad", [{"n": 2**60}, {"n": -(2**53)}, {"s": "\ud800"}])
def test_vouched_encoding_still_refuses_values_outside_the_subset(bad: object) -> None:
    with pytest.raises(EncodingError):
        canonical_vouched(bad)


@given(st.dictionaries(keys, values, min_size=1, max_size=5), st.lists(values, max_size=3))
def test_a_result_assembled_from_raw_writes_has_the_canonical_bytes_of_its_json(
    written: dict[str, object], event_data: list[object]
) -> None:
    overlay = Overlay(MemoryState())
    for key, value in written.items():
        overlay.put(key, value)
    overlay.delete("zz-deleted")
    events = tuple({"contract": "c", "type": "E", "data": {"v": v}} for v in event_data)
    writes, raw = overlay.settled_writes()
    fast = TxResult.committed_from_raw("tx-1", writes, raw, events)
    slow = TxResult(tx_id="tx-1", status=TxState.COMMITTED, writes=writes, events=events)
    assert fast.canonical_bytes() == canonical(slow.to_json())
    assert fast.digest() == slow.digest()


def test_an_owned_put_keeps_the_value_and_its_canonical_bytes() -> None:
    overlay = Overlay(MemoryState())
    value = {"b": [1, 2], "a": "x"}
    overlay.put_owned("k", value)
    assert overlay.peek("k") is value
    assert overlay.raw_writes() == (("k", canonical(value)),)
    assert overlay.get("k") == value
    assert overlay.get("k") is not value


def test_adopted_block_values_are_still_copied_for_readers() -> None:
    state = MemoryState()
    value = {"tags": ["x"]}
    state.adopt([("k", value), ("gone", None)])
    state.get("k")["tags"].append("y")
    assert state.get("k") == {"tags": ["x"]}
    assert state.get("gone") is None


def _triples(count: int) -> list[tuple[bytes, bytes, bytes]]:
    keys = [PrivateKey.generate() for _ in range(4)]
    triples = []
    for i in range(count):
        key = keys[i % len(keys)]
        message = f"body {i}".encode()
        triples.append((key.public_bytes(), message, key.sign(message)))
    return triples


def test_prefetched_verdicts_are_the_verdicts_verify_would_give() -> None:
    triples = _triples(40)
    public, message, signature = triples[0]
    forged = [(public, b"another body", signature), (b"\x00" * 31, message, signature)]
    verifier = SignatureVerifier(1024)
    verifier.prefetch(triples + forged)
    assert verifier.verifications == len(triples) + len(forged)
    assert all(verifier.verify(*t) for t in triples)
    assert not any(verifier.verify(*t) for t in forged)
    assert verifier.verifications == len(triples) + len(forged)  # every verify was a hit


def test_prefetch_without_a_cache_or_for_a_few_signatures_leaves_it_to_verify() -> None:
    uncached = SignatureVerifier(0)
    uncached.prefetch(_triples(40))
    few = SignatureVerifier(1024)
    few.prefetch(_triples(PREFETCH_MIN - 1))
    assert uncached.verifications == few.verifications == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_prefetches_with_a_pool_of_its_own() -> None:
    SignatureVerifier(1024).prefetch(_triples(PREFETCH_MIN))  # the parent's pool exists now
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if its prefetch completes and verifies
        verifier = SignatureVerifier(1024)
        triples = _triples(PREFETCH_MIN * 2)
        verifier.prefetch(triples)
        os._exit(0 if all(verifier.verify(*t) for t in triples) else 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the forked child's prefetch never finished")
