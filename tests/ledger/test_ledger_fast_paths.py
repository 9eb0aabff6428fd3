"""Fast paths give exactly what the slow ones give: write bytes, result bytes, verdicts."""

from __future__ import annotations

import subprocess
import sys
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.block import TxResult, TxState
from ledger.crypto import (
    PREFETCH_MIN,
    PrivateKey,
    SignatureVerifier,
    Signed,
    message_id,
    verify_executor,
)
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


def _signed(count: int) -> list[Signed]:
    keys = [PrivateKey.generate() for _ in range(4)]
    signed = []
    for i in range(count):
        key = keys[i % len(keys)]
        message = f"body {i}".encode()
        signed.append((key.public_bytes(), message, key.sign(message), message_id(message)))
    return signed


def _verify(verifier: SignatureVerifier, item: Signed) -> bool:
    public, message, signature, _digest = item
    return verifier.verify(public, message, signature)


def test_prefetched_verdicts_are_the_verdicts_verify_would_give() -> None:
    signed = _signed(40)
    public, message, signature, digest = signed[0]
    other = b"another body"
    forged = [(public, other, signature, message_id(other)),
              (b"\x00" * 31, message, signature, digest)]
    with verify_executor() as executor:
        verifier = SignatureVerifier(1024, executor)
        verifier.prefetch(signed + forged)
    assert verifier.verifications == len(signed) + len(forged)
    assert all(_verify(verifier, t) for t in signed)
    assert not any(_verify(verifier, t) for t in forged)
    assert verifier.verifications == len(signed) + len(forged)  # every verify was a hit


def test_prefetch_without_a_cache_or_for_a_few_signatures_leaves_it_to_verify() -> None:
    uncached = SignatureVerifier(0)
    uncached.prefetch(_signed(40))
    few = SignatureVerifier(1024)
    few.prefetch(_signed(PREFETCH_MIN - 1))
    assert uncached.verifications == few.verifications == 0


def test_the_verifier_runs_on_the_executor_it_is_given_and_starts_no_thread_itself() -> None:
    before = {t.ident for t in threading.enumerate()}
    alone = SignatureVerifier(1024)  # no executor: prefetch checks in this thread
    alone.prefetch(_signed(PREFETCH_MIN * 2))
    assert {t.ident for t in threading.enumerate()} == before
    assert alone.verifications == PREFETCH_MIN * 2
    with ThreadPoolExecutor(1, thread_name_prefix="injected-pool") as executor:
        verifier = SignatureVerifier(1024, executor)
        signed = _signed(PREFETCH_MIN * 2)
        verifier.prefetch(signed)
        started = [t.name for t in threading.enumerate() if t.ident not in before]
        assert started
        assert all(name.startswith("injected-pool") for name in started)
        assert all(_verify(verifier, t) for t in signed)
        assert verifier.verifications == len(signed)


def test_importing_the_ledger_nodes_and_api_starts_no_thread_and_registers_no_fork_hook() -> None:
    """In a fresh process, record every ``os.register_at_fork`` call made from this
    repository's code while importing it; then no thread may exist beside the main one."""
    root = str(Path(__file__).resolve().parents[2])
    code = (
        "import os, sys, threading, traceback\n"
        f"ROOT = {root!r}\n"
        "ours = []\n"
        "real = os.register_at_fork\n"
        "def recording(**hooks):\n"
        "    caller = traceback.extract_stack(limit=2)[0].filename\n"
        "    if caller.startswith(ROOT) and '/.venv/' not in caller:\n"
        "        ours.append(caller)\n"
        "    real(**hooks)\n"
        "os.register_at_fork = recording\n"
        "import ledger, ledger.crypto, nodes.local, nodes.peer, nodes.sim, api.server\n"
        "assert not ours, ours\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_remembered_verdicts_hold_neither_the_messages_nor_more_than_the_cache_size() -> None:
    """Verdicts for 300 distinct 16 KB messages, the messages then dropped: the cache
    keeps 256 verdicts and a few hundred bytes each, not 4.8 MB of messages."""
    key = PrivateKey.generate()
    public = key.public_bytes()
    verifier = SignatureVerifier(256)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for i in range(300):
            message = i.to_bytes(4, "big") * 4096
            assert verifier.verify(public, message, key.sign(message))
        del message
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(verifier) == 256
    assert after - before < 256 * 1024  # about 400 bytes a verdict; the messages are 16 KB
