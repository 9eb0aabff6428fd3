"""Append benchmark: how close does the ledger's append path get to raw Ed25519 verification?

    python bench/append.py [--txs 20000] [--block-size 500] [--signers 64] [--profile]

1. Pre-signs N single-signature transactions and keeps them as wire bytes (what a
   peer receives from the orderer).
2. Appends them into a fresh SqliteStore in blocks of ``--block-size``: decode +
   ``Envelope.parse`` + ``BlockBuilder.build`` (signature verification on, cache
   disabled) + ``SqliteStore.append``, and reports txs/s.
3. Measures the raw Ed25519 verify rate of ``cryptography`` (keys pre-parsed, nothing
   else) on the same signatures. Raw verification of each block's signatures is timed
   just before that block is appended, so both figures see the same machine load
   (on a shared machine a separate measurement can be off by half). The ratio
   append/raw is the headline (target >= 0.6).
4. Times ``verify_store`` on the resulting file.

Everything runs on one thread; ``--pin`` also pins the process to one CPU. The last
line printed is a one-line JSON summary. ``--profile`` writes cProfile stats of the
append phase.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ledger import (
    BlockBuilder,
    BlockContext,
    CutInfo,
    CutReason,
    Envelope,
    ExecutionOutcome,
    PrivateKey,
    SignatureVerifier,
    SignerInfo,
    SqliteStore,
    decode,
    genesis_block,
    make_body,
    sign_envelope,
)
from ledger.crypto import b64decode, b64encode
from ledger.encoding import canonical
from ledger.gc_policy import apply_peer_gc_policy
from ledger.identity import member_state_key
from ledger.interfaces import StateWriter
from ledger.verify import verify_store

CHAIN_ID = "bench-chain"
START = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
TARGET_RATIO = 0.6


class LotExecutor:
    """A minimal deterministic executor: writes the tx's args under ``lots/<args.lot>``."""

    def execute(
        self,
        envelope: Envelope,
        signers: tuple[SignerInfo, ...],
        state: StateWriter,
        block: BlockContext,
    ) -> ExecutionOutcome:
        args = envelope.args
        state.put(f"lots/{args['lot']}", {"kg": args["kg"], "owner": signers[0].member_id})
        return ExecutionOutcome(True)


def _time(seconds: int) -> str:
    return (START + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_signers(count: int) -> list[tuple[str, PrivateKey]]:
    return [(f"coop{i % 8}.member{i}", PrivateKey.from_seed(f"bench/{i}".encode()))
            for i in range(count)]


def genesis_writes(signers: Sequence[tuple[str, PrivateKey]]) -> dict[str, Any]:
    return {
        member_state_key(member_id): {
            "id": member_id, "org": member_id.split(".")[0], "role": "keeper",
            "public_key": b64encode(key.public_bytes()), "revoked": False,
        }
        for member_id, key in signers
    }


def presign(count: int, signers: Sequence[tuple[str, PrivateKey]]) -> list[bytes]:
    wire = []
    for i in range(count):
        member_id, key = signers[i % len(signers)]
        body = make_body(
            chain_id=CHAIN_ID, contract="warehouse", action="deposit",
            args={"lot": f"L{i:07d}", "kg": 1000 + i % 997, "grade": "A", "crop": "tea"},
            signer=member_id, nonce=i, created_at=_time(i // 100),
        )
        wire.append(sign_envelope(body, key).canonical_bytes())
    return wire


RawItem = tuple[Ed25519PublicKey, bytes, bytes]


def raw_items(wire: Sequence[bytes], signers: Sequence[tuple[str, PrivateKey]]) -> list[RawItem]:
    """(public key object, signature, signed bytes) per tx: all raw verification needs."""
    keys = {m: Ed25519PublicKey.from_public_bytes(k.public_bytes()) for m, k in signers}
    items = []
    for data in wire:
        envelope = json.loads(data)
        sig = envelope["signatures"][0]
        items.append((keys[sig["signer"]], b64decode(sig["sig"]), canonical(envelope["tx"])))
    return items


def raw_verify_seconds(items: Sequence[RawItem]) -> float:
    start = time.perf_counter()
    for key, sig, message in items:
        key.verify(sig, message)
    return time.perf_counter() - start


def append_all(
    store: SqliteStore,
    wire: Sequence[bytes],
    raw: Sequence[RawItem],
    block_size: int,
    progress: Progress | None,
    profiler: cProfile.Profile | None = None,
) -> tuple[float, float]:
    """Append ``wire`` in blocks; return (append seconds, raw verify seconds)."""
    builder = BlockBuilder(store, LotExecutor(), SignatureVerifier(cache_size=0), CHAIN_ID)
    task = progress.add_task("append", total=len(wire)) if progress else None
    elapsed = raw_elapsed = 0.0
    for offset in range(0, len(wire), block_size):
        raw_elapsed += raw_verify_seconds(raw[offset:offset + block_size])
        chunk = wire[offset:offset + block_size]
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        envelopes = [Envelope.parse(decode(data), trusted_json=True) for data in chunk]
        height = store.height() + 1
        block = builder.build(envelopes, _time(height), CutInfo("orderer0", height, CutReason.SIZE))
        store.append(block)
        elapsed += time.perf_counter() - start
        if profiler:
            profiler.disable()
        if progress is not None and task is not None:
            progress.advance(task, len(chunk))
    rejected = sum(
        1 for h in range(1, store.height() + 1)
        for _i, _t, committed, _e, _r in store.tx_rows(h) if not committed
    )
    if rejected:
        raise SystemExit(f"{rejected} txs were rejected; the benchmark expects all to commit")
    return elapsed, raw_elapsed


def pin_to_one_cpu() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    return "not pinned"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--txs", type=int, default=20_000)
    parser.add_argument("--block-size", type=int, default=500)
    parser.add_argument("--signers", type=int, default=64)
    parser.add_argument("--pin", action="store_true", help="pin the process to one CPU")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the append here")
    args = parser.parse_args(argv)
    apply_peer_gc_policy()  # a peer process's setting (see ledger.gc_policy)
    console = Console(stderr=True)
    pinned = pin_to_one_cpu() if args.pin else "one thread"

    signers = make_signers(args.signers)
    with console.status(f"pre-signing {args.txs} transactions"):
        wire = presign(args.txs, signers)
        raw = raw_items(wire, signers)

    with tempfile.TemporaryDirectory(prefix="agriledger-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        store = SqliteStore(path)
        store.append(genesis_block(CHAIN_ID, {"chain_id": CHAIN_ID}, genesis_writes(signers),
                                   _time(0)))
        profiler = cProfile.Profile() if args.profile else None
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as progress:
            append_s, raw_s = append_all(store, wire, raw, args.block_size, progress, profiler)
        store.close()
        if profiler:
            profiler.dump_stats(args.profile)
            console.print(f"profile of the append phase written to {args.profile}")

        readonly = SqliteStore(path, readonly=True)
        with console.status("verify_store on the result"):
            start = time.perf_counter()
            report = verify_store(readonly, verifier=SignatureVerifier(cache_size=0))
            verify_s = time.perf_counter() - start
        readonly.close()
        db_bytes = path.stat().st_size

    append_rate = args.txs / append_s
    raw_rate = args.txs / raw_s
    summary = {
        "txs": args.txs,
        "block_size": args.block_size,
        "signers": args.signers,
        "cpu": pinned,
        "raw_verify_per_s": round(raw_rate),
        "append_txs_per_s": round(append_rate),
        "append_ratio": round(append_rate / raw_rate, 3),
        "target_ratio": TARGET_RATIO,
        "verify_store_txs_per_s": round(report.txs / verify_s),
        "verify_store_ratio": round(report.txs / verify_s / raw_rate, 3),
        "blocks": report.blocks,
        "db_bytes": db_bytes,
    }
    table = Table(title=f"agriledger append benchmark ({args.txs} txs, {pinned})")
    table.add_column("measure")
    table.add_column("txs/s", justify="right")
    table.add_column("vs raw verify", justify="right")
    table.add_row("raw Ed25519 verify (cryptography)", f"{raw_rate:,.0f}", "1.00")
    ok = "green" if summary["append_ratio"] >= TARGET_RATIO else "red"
    table.add_row(f"append via BlockBuilder, blocks of {args.block_size}", f"{append_rate:,.0f}",
                  f"[{ok}]{summary['append_ratio']:.2f}[/{ok}] (target {TARGET_RATIO})")
    table.add_row("verify_store", f"{summary['verify_store_txs_per_s']:,}",
                  f"{summary['verify_store_ratio']:.2f}")
    Console().print(table)
    print(json.dumps(summary, separators=(",", ":")))
    return summary


if __name__ == "__main__":
    main()
