"""Load on one peer's HTTP API: N concurrent clients submit signed txs for a fixed time.

Bounded and loopback only: a fresh network directory (template ``small``) in a
temporary folder, ``agriledger serve`` in a subprocess on 127.0.0.1, envelopes
pre-signed before the clock starts (at most ``--max-txs``), submission for
``--seconds``. Commit times come from the peer's own event stream (SSE), so
every accepted tx is accounted for: committed, rejected (with its code), or lost.

    .venv/bin/python bench/api_load.py --mode batch --seconds 10 --clients 8
    .venv/bin/python bench/api_load.py --mode single --seconds 10 --clients 32
    .venv/bin/python bench/api_load.py --clients 8 --seconds 5 --max-wait-ms 20 \\
        --rates 250,500,1000,1500,2000 --out out/api-rates

``--rates``: fixed-rate rounds, as Hyperledger Caliper runs them: for each offered rate
the clients send single envelopes (``--mode batch`` sends batches at that many requests
per second) on a fixed schedule: the round's sends are due at ``k / rate`` seconds, and
each client (one keep-alive connection, one request in flight) takes the next due send
as soon as its last request is answered. Latency runs from the due time to the commit,
so a server that falls behind is charged for the queue it causes (no coordinated
omission). Writes ``rounds.csv``, ``rounds.md`` and ``rounds.png`` (offered rate against
committed rate and p50/p99 latency) to ``--out``, with the machine's Ed25519 verify rate
measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.client import AsyncClient, TxBuilder, endpoints, load_member
from contracts.genesis import OrdererConfig
from nodes.bench import raw_verify_rates
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_server(
    directory: Path, port: int, peers: list[str], event_flush_ms: int = 0
) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "agriledger"
    command = [str(script), "serve", str(directory), "--port", str(port),
               "--event-flush-ms", str(event_flush_ms)]
    for peer in peers:
        command += ["--peer", peer]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not (directory / "endpoints.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"server failed: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        time.sleep(0.1)
    return proc


async def run(args: argparse.Namespace) -> list[dict[str, object]]:
    """One result per round: one unpaced round, or one per ``--rates`` entry, all against
    one server."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "net"
        orderer = None if args.max_wait_ms is None else OrdererConfig(max_wait_ms=args.max_wait_ms)
        init_network(directory, TEMPLATES["small"](), seed="api-load", orderer=orderer)
        peers = [] if args.all_peers else ["gov.peer"]
        proc = start_server(directory, args.port, peers, args.event_flush_ms)
        try:
            rates: list[float | None] = list(args.rates) or [None]
            results = []
            with progress_bar(len(rates)) as advance:
                for number, rate in enumerate(rates):
                    advance(f"offering {rate:,.0f} tx/s for {args.seconds:g} s" if rate else "")
                    results.append(await _load(args, directory, rate, f"r{number}"))
                advance("done")
            return results
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)


@contextlib.contextmanager
def progress_bar(rounds: int) -> Iterator[Callable[[str], None]]:
    """A rich progress bar over the rounds (nothing for a single unpaced round): call it
    with the next round's description before each round and once at the end."""
    if rounds < 2:
        yield lambda _description: None
        return
    with Progress(TextColumn("fixed-rate rounds"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(),
                  transient=True) as progress:
        task = progress.add_task("", total=rounds)
        started = False

        def step(description: str) -> None:
            nonlocal started
            progress.update(task, description=description, advance=1 if started else 0)
            started = True

        yield step


class RawConnection:
    """One keep-alive HTTP/1.1 connection with pre-encoded requests.

    The load generator shares this 2-core machine with the server; httpx spends
    about as much CPU per request as the server does, so by default the bench sends
    raw bytes and parses only the status line and Content-Length. ``--transport
    httpx`` uses httpx instead.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        payload = await self.reader.readexactly(length) if length else b""
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()


async def _load(
    args: argparse.Namespace, directory: Path, rate: float | None = None, tag: str = "load"
) -> dict[str, object]:
    url = endpoints(directory)["gov.peer"]
    pboc = load_member(directory, "gov.pboc")
    builder = TxBuilder("small", pboc)
    per_request = args.batch if args.mode == "batch" else 1
    bodies: list[tuple[list[str], bytes]] = []
    count = args.max_txs if rate is None else int(rate * per_request * args.seconds) + 1
    for i in range(0, count, per_request):
        envs = [
            builder.build(
                "settlement",
                "issue",
                {"account": f"coop-a.farmer-{1 + j % 8}", "amount": 1},
                nonce=f"{tag}-{i + j}",
            )
            for j in range(per_request)
        ]
        payload = [e.to_json() for e in envs] if args.mode == "batch" else envs[0].to_json()
        bodies.append(([e.tx_id for e in envs], json.dumps(payload).encode()))
    submitted_at: dict[str, float] = {}
    committed_at: dict[str, float] = {}
    outcome: dict[str, str] = {}
    accepted: list[str] = []
    refused = Counter[str]()
    async with AsyncClient(url, pboc, chain_id="small") as reader:
        start_height = (await reader.head())["header"]["height"] + 1

        async def follow() -> None:
            async for event in reader.events(from_height=start_height):
                if event.event == "tx":
                    committed_at[event.data["tx_id"]] = time.perf_counter()
                    outcome[event.data["tx_id"]] = event.data["code"] or event.data["status"]

        follower = asyncio.create_task(follow())
        queue = iter(bodies)
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
            t0 = time.perf_counter()
            stop_at = t0 + args.seconds

            host, port = url.removeprefix("http://").rsplit(":", 1)

            async def post(raw: RawConnection | None, body: bytes) -> tuple[int, bytes]:
                if raw is not None:
                    return await raw.post("/v1/transactions", body)
                response = await http.post(
                    "/v1/transactions", content=body,
                    headers={"content-type": "application/json"},
                )
                return response.status_code, response.content

            sends = iter(range(len(bodies)))

            async def client() -> None:
                raw = RawConnection(host, int(port)) if args.transport == "raw" else None
                try:
                    for tx_ids, body in queue:
                        if time.perf_counter() >= stop_at:
                            return
                        sent = time.perf_counter()
                        if rate is not None:  # the schedule, not the reply, sets the pace
                            sent = t0 + next(sends) / rate
                            if sent >= stop_at:
                                return
                            await asyncio.sleep(max(0.0, sent - time.perf_counter()))
                        status, payload = await post(raw, body)
                        if status == 202:
                            for tx_id in tx_ids:
                                submitted_at[tx_id] = sent
                            accepted.extend(tx_ids)
                        else:
                            refused[json.loads(payload).get("code", str(status))] += len(tx_ids)
                finally:
                    if raw is not None:
                        await raw.close()

            await asyncio.gather(*(client() for _ in range(args.clients)))
            t_submit = time.perf_counter() - t0
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and not all(t in committed_at for t in accepted):
            await asyncio.sleep(0.05)
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
    done = [t for t in accepted if t in committed_at]
    committed = [t for t in done if outcome[t] == "committed"]
    rejected = Counter(outcome[t] for t in done if outcome[t] != "committed")
    last_commit = max((committed_at[t] for t in done), default=t0)
    latencies = [committed_at[t] - submitted_at[t] for t in done]
    return {
        "mode": args.mode,
        "offered_tx_per_s": "unpaced" if rate is None else rate * per_request,
        "clients": args.clients,
        "envelopes_per_request": per_request,
        "seconds": round(t_submit, 2),
        "accepted": len(accepted),
        "refused": dict(refused),
        "accepted_tx_per_s": round(len(accepted) / t_submit, 1),
        "committed": len(committed),
        "rejected": dict(rejected),
        "errors": sum(refused.values()) + sum(rejected.values()),
        "committed_tx_per_s": round(len(committed) / (last_commit - t0), 1),
        "p50_submit_to_commit_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_submit_to_commit_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "lost": len(accepted) - len(done),
        "peers_in_process": "all (4)" if args.all_peers else "gov.peer only",
        "orderer_max_wait_ms": args.max_wait_ms or OrdererConfig().max_wait_ms,
        "load_transport": args.transport,
    }


def rates_list(text: str) -> list[float]:
    """``250,500,1000`` -> offered rates (requests per second), each above 0."""
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--rates {text!r}: expected numbers separated by commas, e.g. 250,500,1000"
        ) from None
    if not rates or any(rate <= 0 for rate in rates):
        raise argparse.ArgumentTypeError(f"--rates {text!r}: every rate must be above 0")
    return rates


ROUND_COLUMNS = ("offered_tx_per_s", "committed_tx_per_s", "p50_submit_to_commit_ms",
                 "p99_submit_to_commit_ms", "committed", "errors", "lost")
P99_TARGET_MS = 100.0


def p99_crossing(rows: list[dict[str, object]]) -> tuple[float | None, str]:
    """Where p99 first reaches ``P99_TARGET_MS``: (rate, by linear interpolation between
    the two rounds around it, or None) and one sentence saying so."""
    points = sorted((float(str(r["offered_tx_per_s"])), float(str(r["p99_submit_to_commit_ms"])))
                    for r in rows)
    target = P99_TARGET_MS
    for index, (rate, p99) in enumerate(points):
        if not p99 < target:  # NaN (nothing committed) counts as over
            if index == 0:
                return None, (
                    f"p99 is {p99:,.0f} ms (over {target:.0f} ms) already at the lowest offered "
                    f"rate, {rate:,.0f} tx/s (at low load the chain's batch timeout, "
                    f"--max-wait-ms, sets the floor)")
            low_rate, low_p99 = points[index - 1]
            share = (target - low_p99) / (p99 - low_p99) if p99 == p99 else 0.0
            at = low_rate + share * (rate - low_rate)
            return at, (
                f"p99 crosses {target:.0f} ms between {low_rate:,.0f} tx/s (p99 {low_p99:,.0f} ms) "
                f"and {rate:,.0f} tx/s (p99 {p99:,.0f} ms), at about {at:,.0f} tx/s "
                f"(linear between the two)")
    return None, f"p99 stays under {target:.0f} ms up to the highest offered rate, " \
                 f"{points[-1][0]:,.0f} tx/s"


def write_rounds(
    results: list[dict[str, object]], out: Path, verify_per_s: float
) -> tuple[list[Path], str]:
    """rounds.csv, rounds.md and rounds.png: offered rate against what the peer did; and
    the sentence saying where p99 crosses 100 ms."""
    import csv

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    out.mkdir(parents=True, exist_ok=True)
    rows = [{c: r[c] for c in ROUND_COLUMNS} for r in results]
    csv_path = out / "rounds.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*ROUND_COLUMNS, "verify_per_s"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "verify_per_s": round(verify_per_s)})
    crossing_at, crossing = p99_crossing(rows)
    md_path = out / "rounds.md"
    first = results[0]
    lines = [
        f"Fixed-rate rounds of {first['seconds']:.0f} s, {first['clients']} clients, single "
        f"envelopes, one peer, batch timeout {first['orderer_max_wait_ms']} ms; this machine "
        f"verifies {verify_per_s:,.0f} Ed25519 signatures/s on one core (same run). Latency "
        "runs from each envelope's scheduled send to its commit; errors are refused requests "
        "and rejected txs, lost are accepted txs never seen committed.",
        "",
        "| offered tx/s | committed tx/s | p50 ms | p99 ms | committed | errors | lost |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['offered_tx_per_s']:,.0f} | {r['committed_tx_per_s']:,.0f} | "
        f"{r['p50_submit_to_commit_ms']} | {r['p99_submit_to_commit_ms']} | "
        f"{r['committed']} | {r['errors']} | {r['lost']} |"
        for r in rows
    ]
    lines += ["", crossing + "."]
    md_path.write_text("\n".join(lines) + "\n")
    offered = [float(str(r["offered_tx_per_s"])) for r in rows]
    figure, throughput = plt.subplots(figsize=(8, 5.5))
    throughput.plot(offered, [float(str(r["committed_tx_per_s"])) for r in rows], "o-",
                    color="tab:blue", label="committed tx/s")
    throughput.plot(offered, offered, ":", color="grey", label="offered = committed")
    throughput.set_xlabel("offered load (tx/s)")
    throughput.set_ylabel("achieved: committed (tx/s)")
    latency = throughput.twinx()
    latency.plot(offered, [float(str(r["p50_submit_to_commit_ms"])) for r in rows], "s--",
                 color="tab:orange", label="p50 latency")
    latency.plot(offered, [float(str(r["p99_submit_to_commit_ms"])) for r in rows], "^--",
                 color="tab:red", label="p99 latency")
    latency.axhline(P99_TARGET_MS, color="tab:red", linewidth=0.8, alpha=0.4,
                    label=f"p99 target {P99_TARGET_MS:.0f} ms")
    if crossing_at is not None:
        latency.axvline(crossing_at, color="grey", linewidth=0.8, linestyle="-.",
                        label=f"p99 reaches {P99_TARGET_MS:.0f} ms (~{crossing_at:,.0f} tx/s)")
    p_values = [float(str(r[c])) for r in rows
                for c in ("p50_submit_to_commit_ms", "p99_submit_to_commit_ms")]
    if max(p_values) > 20 * max(min(p_values), 1.0):  # a queue: seconds beside tens of ms
        latency.set_yscale("log")
        latency.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda value, _pos: f"{value:,.0f}"))
        latency.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(  # 20, 50, 200, ...
            lambda value, _pos: f"{value:,.0f}" if f"{value:.0e}"[0] in "25" else ""))
    else:
        latency.set_ylim(bottom=0)
    throughput.set_ylim(bottom=0)
    latency.set_ylabel("scheduled send to commit, p50 and p99 (ms)")
    handles = throughput.get_legend_handles_labels()[0] + latency.get_legend_handles_labels()[0]
    throughput.legend(handles, [str(h.get_label()) for h in handles], loc="upper center",
                      bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize="small", frameon=False)
    throughput.set_title(f"One peer's HTTP API under fixed-rate load "
                         f"(verify rate {verify_per_s:,.0f}/s)")
    figure.tight_layout()
    png_path = out / "rounds.png"
    figure.savefig(png_path, dpi=120)
    plt.close(figure)
    return [csv_path, md_path, png_path], crossing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--mode", choices=["batch", "single"], default=None,
        help="envelopes per request: --batch of them, or one (default: batch; single "
             "with --rates)",
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch", type=int, default=200, help="envelopes per request (batch)")
    parser.add_argument("--max-txs", type=int, default=60_000, help="pre-signed envelopes, at most")
    parser.add_argument("--port", type=int, default=18700)
    parser.add_argument(
        "--transport", choices=["raw", "httpx"], default="raw",
        help="load generator's HTTP client (raw keep-alive bytes, or httpx)",
    )
    parser.add_argument(
        "--all-peers",
        action="store_true",
        help="run all 4 peers of the network in the server process",
    )
    parser.add_argument(
        "--rates", type=rates_list, default=[],
        help="fixed-rate rounds: offered requests per second, comma-separated (e.g. "
             "250,500,1000)",
    )
    parser.add_argument(
        "--max-wait-ms", type=int, default=None,
        help="the chain's orderer batch timeout (genesis; default 200): the latency floor "
             "at low load",
    )
    parser.add_argument(
        "--event-flush-ms", type=int, default=0,
        help="the server's event-stream coalescing (serve's default is 500): commits are "
             "timed from the event stream, so coalescing would add up to that much to "
             "each latency",
    )
    parser.add_argument("--out", type=Path, default=Path("out/api-rates"),
                        help="where --rates writes rounds.csv, rounds.md and rounds.png")
    args = parser.parse_args()
    if args.mode is None:  # fixed-rate rounds are of single envelopes unless asked
        args.mode = "single" if args.rates else "batch"
    args.seconds = min(args.seconds, 60.0)
    args.max_txs = min(args.max_txs, 200_000)
    verify_per_s = raw_verify_rates(1.0)[0] if args.rates else None
    results = asyncio.run(run(args))
    for result in results:
        for key, value in result.items():
            print(f"{key:>28}: {value}")
        print()
    if args.rates:
        assert verify_per_s is not None
        paths, crossing = write_rounds(results, args.out, verify_per_s)
        print(f"verify rate (one core, this run): {verify_per_s:,.0f}/s")
        print(crossing)
        for path in paths:
            print(f"wrote {path}")
    sys.exit(1 if any(result["lost"] for result in results) else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
