"""JetStream network benchmark: committed tx/s across 4 peer processes and a local nats-server,
beside the in-process network's figure measured in the same run (``nodes.bench.run_bench``).

    .venv/bin/python bench/nats_bench.py [--txs 5000] [--peers 4] [--chunk 250]

The JetStream side: a temp network directory (small template), a local
nats-server, one ``agriledger serve --orderer nats`` process per peer (the
first cuts). Setup txs are committed first; then the measured mix is posted
over HTTP, each peer's API taking every N-th chunk from its own thread. The
clock stops when every peer's head holds the last measured tx; committed tx/s
counts committed results in the blocks between (read from the first peer).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from api.client import Client
from api.commands.network_up import agriledger_command
from api.commands.serve_nats import endpoint_path
from ledger.tx import Envelope
from nodes.bench import run_bench
from nodes.jetstream.natsd import start_local
from nodes.network_dir import NetworkDir, init_network
from nodes.templates import small
from nodes.workloads import WorkloadContext, build_mix

MIX = {"settlement": 4, "membership": 1}


def post(url: str, envelopes: list[Envelope]) -> None:
    response = httpx.post(
        f"{url}/v1/transactions", json=[e.to_json() for e in envelopes], timeout=120
    )
    response.raise_for_status()


def heights(urls: list[str]) -> list[int]:
    return [int(httpx.get(f"{u}/v1/health", timeout=10).json()["height"]) for u in urls]


def wait_for_tx(client: Client, tx_id: str, timeout_s: float = 300) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            status = client.tx(tx_id)
            if status.height is not None:
                return status.height
        except Exception:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"tx {tx_id} not committed")


def start_peers(net: NetworkDir, url: str, peers: list[str]) -> tuple[list[Any], list[str]]:
    procs = []
    for index, peer_id in enumerate(peers):
        log = (net.root / f"{peer_id}.log").open("ab")
        args = [*agriledger_command(), "serve", str(net.root), "--peer", peer_id,
                "--orderer", "nats", "--nats-url", url, "--port", "0"]
        procs.append(subprocess.Popen([*args, "--cutter"] if index == 0 else args,
                                      stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))
        log.close()
    urls = []
    for peer_id in peers:
        path = endpoint_path(net.root, peer_id)
        deadline = time.monotonic() + 90
        while not path.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{peer_id} did not start")
            time.sleep(0.05)
        urls.append(str(json.loads(path.read_text())["url"]))
    return procs, urls


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(procs: list[Any], names: list[str], server: Any) -> dict[str, float]:
    found = {name: cpu_seconds(proc.pid) for name, proc in zip(names, procs, strict=True)}
    if getattr(server, "process", None) is not None:
        found["nats-server"] = cpu_seconds(server.process.pid)
    return found


def run_nats(txs: int, peers: int, chunk: int, seed: int) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="agl-nats-bench-"))
    server = start_local(root / "nats")
    procs: list[Any] = []
    try:
        net = init_network(root / "net", small(), seed=f"bench-{seed}")
        peer_ids = net.spec.peer_members()[:peers]
        procs, urls = start_peers(net, server.url, peer_ids)
        setup, measured = build_mix(WorkloadContext(net.spec, seed=seed), MIX, txs)
        client = Client(urls[0], net.spec.roster.member("gov.pboc"))
        for index in range(0, len(setup), chunk):
            post(urls[0], setup[index:index + chunk])
        if setup:
            wait_for_tx(client, setup[-1].tx_id)
        first = heights(urls)[0] + 1
        chunks = [measured[i:i + chunk] for i in range(0, len(measured), chunk)]

        def feed(k: int) -> None:
            for part in chunks[k::len(urls)]:
                post(urls[k], part)

        cpu0 = cpu_by_process(procs, peer_ids, server)
        load0 = time.process_time()
        t0 = time.perf_counter()
        feeders = [threading.Thread(target=feed, args=(k,)) for k in range(len(urls))]
        for thread in feeders:
            thread.start()
        for thread in feeders:
            thread.join()
        last = max(wait_for_tx(client, e.tx_id) for e in (c[-1] for c in chunks))
        while min(heights(urls)) < last:
            time.sleep(0.005)
        seconds = time.perf_counter() - t0
        cpu = {name: spent - cpu0[name]
               for name, spent in cpu_by_process(procs, peer_ids, server).items()}
        cpu["load generator (this process)"] = time.process_time() - load0
        committed = 0
        rejected: Counter[str] = Counter()
        for height in range(first, last + 1):
            for tx in client.block(height)["txs"]:
                if tx["result"]["status"] == "committed":
                    committed += 1
                else:
                    rejected[tx["result"]["code"]] += 1
        client.close()
        return {"committed": committed, "rejected": sum(rejected.values()),
                "rejected_by_code": dict(rejected), "seconds": seconds,
                "committed_tx_per_s": committed / seconds, "blocks": last - first + 1,
                "cpu_seconds": cpu}
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--txs", type=int, default=5000)
    parser.add_argument("--peers", type=int, default=4)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    inproc = run_bench(peers=args.peers, txs=args.txs, mix=MIX, seed=args.seed,
                       verify_seconds=0.5)
    nats = run_nats(args.txs, args.peers, args.chunk, args.seed)
    ratio = nats["committed_tx_per_s"] / inproc.committed_tx_per_s
    print(f"txs {args.txs} (settlement=4,membership=1), {args.peers} peers, batch size 500")
    print(f"in-process network     {inproc.committed_tx_per_s:>9,.0f} committed tx/s "
          f"({inproc.committed} committed in {inproc.seconds:.2f} s, one process)")
    print(f"JetStream, processes   {nats['committed_tx_per_s']:>9,.0f} committed tx/s "
          f"({nats['committed']:.0f} committed, {nats['rejected']:.0f} rejected in "
          f"{nats['seconds']:.2f} s, {nats['blocks']:.0f} blocks; HTTP submit)")
    print(f"ratio JetStream : in-process  {ratio:.2f}")
    over_verify = nats["committed_tx_per_s"] / inproc.verify_per_s
    print(f"raw Ed25519 verify/s (one core, this run)  {inproc.verify_per_s:,.0f}; in-process "
          f"ratio {inproc.ratio:.2f}, JetStream {over_verify:.2f}")
    cores = os.cpu_count() or 1
    total = sum(nats["cpu_seconds"].values())
    print(f"where the CPU went during the measured window ({nats['seconds']:.2f} s wall x "
          f"{cores} cores = {nats['seconds'] * cores:.2f} CPU-s available, {total:.2f} used):")
    measured = max(1, nats["committed"] + nats["rejected"])
    for name, spent in nats["cpu_seconds"].items():
        print(f"  {name:<32} {spent:>6.2f} CPU-s  {spent / measured * 1e6:>6.0f} us per tx")
    print(f"  in process, each peer executes a tx in {inproc.execute_us_per_peer_tx:.0f} us "
          f"and the gate/verify costs {inproc.gate_us_per_tx:.0f} us once: every peer "
          "process repeats the gate, verification and execution, and adds HTTP, JetStream "
          "and encoding")
    if nats["rejected"]:
        # Four clients feed four peers at once, so the order differs from the pre-signed
        # order: a revocation may reach the orderer before the enrolment it revokes.
        print(f"rejected by code (concurrent feeders reorder): {nats['rejected_by_code']}")


if __name__ == "__main__":
    main()
