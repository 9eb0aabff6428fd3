"""Operations benchmarks of ``agriledger serve`` (issue 21), bounded and loopback only.

``streams``: commit throughput of single-envelope submissions with no event
streams open, then with ``--streams`` idle event streams (held by a separate
process, so their reading does not slow the load generator); also health p50, and
both medians as ratios to this machine's one-core Ed25519 verify rate (measured each
round, as ``agriledger bench`` does).

``rss``: ``--txs`` transactions (batches of 500) through ``serve``; the serving
process's resident memory is sampled every 10,000 txs, and the run fails if it
grows past ``--bound-mb`` over the first sample after warm-up.

    .venv/bin/python bench/ops.py streams --streams 200 --seconds 10
    .venv/bin/python bench/ops.py streams --streams 200 --seconds 10 --rate 150
    .venv/bin/python bench/ops.py rss --txs 50000
    .venv/bin/python bench/ops.py crash --kills 10      # and diskfull, slow: bench/ops_faults.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from api.client import MemberAuth, TxBuilder, endpoints, load_member
from nodes.bench import raw_verify_rates
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES

sys.path.insert(0, str(Path(__file__).parent))
import ops_faults  # bench/ is scripts, not a package

ISSUER = "gov.pboc"


def start_server(directory: Path, port: int) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "agriledger"
    proc = subprocess.Popen(
        [str(script), "serve", str(directory), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (directory / "endpoints.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("serve did not start")
        time.sleep(0.1)
    return proc


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds the process has used so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu_rate(pid: int, seconds: float = 2.0) -> float:
    """CPU seconds per second the server spends with no load and no streams."""
    before = cpu_s(pid)
    time.sleep(seconds)
    return (cpu_s(pid) - before) / seconds


def presign(directory: Path, count: int, per_body: int, tag: str) -> list[bytes]:
    builder = TxBuilder("small", load_member(directory, ISSUER))
    bodies = []
    for i in range(0, count, per_body):
        envelopes = [
            builder.build(
                "settlement", "issue",
                {"account": f"coop-a.farmer-{1 + j % 8}", "amount": 1}, nonce=f"{tag}-{i + j}",
            ).to_json()
            for j in range(min(per_body, count - i))
        ]
        payload = envelopes if per_body > 1 else envelopes[0]
        bodies.append(json.dumps(payload).encode())
    return bodies


async def drain(url: str, timeout_s: float = 120) -> None:
    """Until the peer holds nothing pending."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        deadline = time.monotonic() + timeout_s
        while (await http.get("/v1/health")).json()["pending"] > 0:
            if time.monotonic() > deadline:
                raise RuntimeError("pending txs did not drain")
            await asyncio.sleep(0.05)


async def throughput(
    url: str, bodies: list[bytes], seconds: float, clients: int, server_pid: int,
    rate: float = 0.0, idle_cpu_per_s: float = 0.0,
) -> dict[str, float]:
    """Single submissions from ``clients`` connections for ``seconds``, then until committed;
    at most ``rate`` a second if given (the same offered load with and without streams, so
    blocks are as full in both and CPU per tx compares like with like). Also the serving
    process's CPU seconds per 1,000 committed txs: on a shared machine wall tx/s moves
    with the neighbours' load, CPU per tx much less; and the same above what the process
    spends idle (``idle_cpu_per_s``: its orderer ticker runs every 5 ms whatever the
    load, so a slower round would otherwise look costlier per tx)."""
    queue = iter(bodies)
    accepted = 0
    health_ms: list[float] = []
    limits = httpx.Limits(max_connections=clients + 1)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        height_before = (await http.get("/v1/health")).json()["height"]
        cpu_before = cpu_s(server_pid)
        start = time.perf_counter()
        stop_at = start + seconds

        sent = 0

        async def worker() -> None:
            nonlocal accepted, sent
            for body in queue:
                now = time.perf_counter()
                if now > stop_at:
                    return
                if rate:
                    due = start + sent / rate
                    sent += 1
                    if due > now:
                        await asyncio.sleep(due - now)
                response = await http.post(
                    "/v1/transactions", content=body, headers={"content-type": "application/json"}
                )
                accepted += response.status_code == 202

        async def prober() -> None:
            while time.perf_counter() < stop_at:
                began = time.perf_counter()
                await http.get("/v1/health")
                health_ms.append((time.perf_counter() - began) * 1000)
                await asyncio.sleep(0.2)

        await asyncio.gather(prober(), *(worker() for _ in range(clients)))
        await drain(url)
        elapsed = time.perf_counter() - start
        cpu = cpu_s(server_pid) - cpu_before
        blocks = (await http.get("/v1/health")).json()["height"] - height_before
    return {
        "accepted": accepted,
        "tx_per_s": round(accepted / elapsed, 1),
        "blocks": blocks,
        "server_cpu_s_per_1000_tx": round(cpu / accepted * 1000, 3) if accepted else float("nan"),
        "above_idle_cpu_s_per_1000_tx": (
            round((cpu - idle_cpu_per_s * elapsed) / accepted * 1000, 3)
            if accepted else float("nan")
        ),
        "health_p50_ms": round(statistics.median(health_ms), 1) if health_ms else float("nan"),
    }


async def hold_streams(url: str, directory: Path, count: int) -> None:
    """Open ``count`` signed event streams and read (and discard) their bytes until killed:
    subscribers that cost the server its sends, not this process's parsing."""
    auth = MemberAuth(load_member(directory, "gov.admin"))
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=None, limits=limits) as http:

        async def follow() -> None:
            async with http.stream("GET", "/v1/events") as response:
                async for _chunk in response.aiter_raw():
                    pass

        await asyncio.gather(*(follow() for _ in range(count)))


def streams(args: argparse.Namespace) -> dict[str, object]:
    """Alternate runs without and with the idle streams (a shared machine drifts), in
    alternating order from round to round."""
    quiet: list[dict[str, float]] = []
    busy: list[dict[str, float]] = []
    verify_rates: list[float] = []  # one-core Ed25519 verifications per s, each round
    verify_cpu_rates: list[float] = []  # ... per CPU second of this process
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "net"
        init_network(directory, TEMPLATES["small"](), seed="bench-ops")
        server = start_server(directory, args.port)
        try:
            url = endpoints(directory)["gov.peer"]
            cap = int(args.seconds * 1500)
            for round_no in range(args.rounds):
                wall_rate, cpu_rate = raw_verify_rates()
                verify_rates.append(wall_rate)
                verify_cpu_rates.append(cpu_rate)
                idle = idle_cpu_rate(server.pid)

                def run(tag: str, idle: float = idle, round_no: int = round_no) -> dict[str, float]:
                    time.sleep(3)  # the streams connect (or, without them, the same pause)
                    return asyncio.run(throughput(
                        url, presign(directory, cap, 1, f"{tag}{round_no}"), args.seconds,
                        args.clients, server.pid, args.rate, idle,
                    ))

                # odd rounds run the streams first: an A/A run (--streams 0) showed the
                # second half of a round costing ~10 % more per tx whatever it held
                for with_streams in ((False, True) if round_no % 2 == 0 else (True, False)):
                    if not with_streams:
                        quiet.append(run("q"))
                        continue
                    holder = subprocess.Popen(
                        [sys.executable, __file__, "_hold", url, str(directory),
                         str(args.streams)],
                        stdout=subprocess.DEVNULL,
                    )
                    try:
                        busy.append(run("b"))
                    finally:
                        holder.kill()
                        holder.wait(10)
        finally:
            stop_server(server)
    q = statistics.median(r["tx_per_s"] for r in quiet)
    b = statistics.median(r["tx_per_s"] for r in busy)
    verify = statistics.median(verify_rates)
    verify_cpu = statistics.median(verify_cpu_rates)
    q_cpu = statistics.median(r["server_cpu_s_per_1000_tx"] for r in quiet)
    b_cpu = statistics.median(r["server_cpu_s_per_1000_tx"] for r in busy)
    q_net = statistics.median(r["above_idle_cpu_s_per_1000_tx"] for r in quiet)
    b_net = statistics.median(r["above_idle_cpu_s_per_1000_tx"] for r in busy)
    paired = [  # round by round, in order
        (b["above_idle_cpu_s_per_1000_tx"] / q["above_idle_cpu_s_per_1000_tx"] - 1) * 100
        for q, b in zip(quiet, busy, strict=True)
    ]
    return {"without_streams": quiet, f"with_{args.streams}_idle_streams": busy,
            "median_tx_per_s": {"without": q, "with": b},
            "raw_verify_per_s": round(verify),
            "ratio_to_verify": {"without": round(q / verify, 4), "with": round(b / verify, 4)},
            "throughput_change_pct": round((b - q) / q * 100, 1),
            "median_server_cpu_s_per_1000_tx": {"without": q_cpu, "with": b_cpu},
            "raw_verify_per_cpu_s": round(verify_cpu),
            "cpu_ratio_to_verify": {  # committed txs per server CPU s / verifies per CPU s
                "without": round(1000 / q_cpu / verify_cpu, 4),
                "with": round(1000 / b_cpu / verify_cpu, 4),
            },
            "cpu_per_tx_change_pct": round((b_cpu - q_cpu) / q_cpu * 100, 1),
            "median_above_idle_cpu_s_per_1000_tx": {"without": q_net, "with": b_net},
            "above_idle_cpu_change_pct": round((b_net - q_net) / q_net * 100, 1),
            "paired_above_idle_cpu_change_pct": [round(p, 1) for p in paired]}


def rss(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "net"
        init_network(directory, TEMPLATES["small"](), seed="bench-ops-rss")
        bodies = presign(directory, args.txs, 500, "rss")
        server = start_server(directory, args.port)
        samples: list[tuple[int, float]] = []
        try:
            url = endpoints(directory)["gov.peer"]
            started = time.perf_counter()
            with httpx.Client(base_url=url, timeout=120) as http:
                samples.append((0, rss_mb(server.pid)))
                for i, body in enumerate(bodies, start=1):
                    response = http.post(
                        "/v1/transactions", content=body,
                        params={"wait": "commit", "timeout": "60"},
                        headers={"content-type": "application/json"},
                    )
                    response.raise_for_status()
                    if (i * 500) % 10_000 == 0:
                        samples.append((i * 500, rss_mb(server.pid)))
            elapsed = time.perf_counter() - started
        finally:
            stop_server(server)
        disk_mb = {
            str(path.relative_to(directory)): round(path.stat().st_size / 2**20, 1)
            for path in sorted(directory.rglob("*.db"))
        }
    warm = samples[1][1]  # after the first 10,000: caches (verifier, SQLite pages) filled
    growth = max(mb for _, mb in samples) - warm
    return {"txs": args.txs, "seconds": round(elapsed, 1),
            "rss_mb": [(n, round(mb, 1)) for n, mb in samples],
            "growth_after_warmup_mb": round(growth, 1), "bound_mb": args.bound_mb,
            "disk_mb": disk_mb,
            "within_bound": growth <= args.bound_mb}


def main() -> None:
    if sys.argv[1:2] == ["_hold"]:
        asyncio.run(hold_streams(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("streams")
    s.add_argument("--streams", type=int, default=200)
    s.add_argument("--seconds", type=float, default=10.0)
    s.add_argument("--clients", type=int, default=16)
    s.add_argument("--rounds", type=int, default=3)
    s.add_argument("--rate", type=float, default=0.0, help="offered tx/s (0: as fast as served)")
    s.add_argument("--port", type=int, default=18800)
    c = sub.add_parser("crash", help="SIGKILL serve under load; accepted/committed/lost")
    c.add_argument("--kills", type=int, default=10)
    c.add_argument("--seconds", type=float, default=3.0)
    c.add_argument("--clients", type=int, default=8)
    c.add_argument("--port", type=int, default=18820)
    d = sub.add_parser("diskfull", help="fill a tmpfs under load; accepted/committed/lost")
    d.add_argument("--seconds", type=float, default=5.0)
    d.add_argument("--clients", type=int, default=8)
    d.add_argument("--size", default="24m")
    d.add_argument("--port", type=int, default=18830)
    w = sub.add_parser("slow", help="half-sent request heads held open under load")
    w.add_argument("--connections", type=int, default=1124)
    w.add_argument("--seconds", type=float, default=15.0)
    w.add_argument("--clients", type=int, default=8)
    w.add_argument("--port", type=int, default=18840)
    r = sub.add_parser("rss")
    r.add_argument("--txs", type=int, default=50_000)
    r.add_argument("--bound-mb", type=float, default=40.0)
    r.add_argument("--port", type=int, default=18810)
    args = parser.parse_args()
    result: dict[str, object]
    if args.command == "streams":
        result = streams(args)
    elif args.command == "rss":
        result = rss(args)
    elif args.command == "crash":
        result = ops_faults.crash(args.port, args.kills, args.seconds, args.clients)
    elif args.command == "diskfull":
        result = ops_faults.diskfull(args.port, args.seconds, args.clients, args.size)
    else:
        result = ops_faults.slow(args.port, args.connections, args.seconds, args.clients)
    print(json.dumps(result, indent=2))
    if result.get("within_bound") is False:
        sys.exit(1)


if __name__ == "__main__":
    main()
