"""The fault runs of issue 21 against a real ``agriledger serve`` (loopback, bounded):
accepted, committed and lost counts for the closing note. Run through ``bench/ops.py``.

``crash``: ``--kills`` rounds of load from ``--clients`` connections, each ended by a
SIGKILL of ``serve`` after ``--seconds``; then one restart, and every tx answered 202 is
looked up: committed, rejected, or lost (unknown or still pending after a minute).

``diskfull``: the network on a small tmpfs; under load the disk is filled to the last
byte, submissions go on for ``--seconds`` (202s and 503s counted), the space is freed,
and every 202 tx is looked up as above. Needs root (mount); says so if it cannot mount.

``slow``: ``--connections`` sockets that send half a request head and stop (the
finding's 1,124), then ``--seconds`` of load and health probes while they are open:
health latency, accepted and committed txs, connections refused with 503, and the
size of serve's log afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from api.client import MemberAuth, TxBuilder, endpoints, load_member
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES

ISSUER = "gov.pboc"


def start_serve(directory: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``agriledger serve`` with its stderr appended to ``log``; waits for endpoints.json."""
    (directory / "endpoints.json").unlink(missing_ok=True)
    script = Path(sys.executable).parent / "agriledger"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(script), "serve", str(directory), "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=out, start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while not (directory / "endpoints.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"serve did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    return proc


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


class Submitter:
    """Single-envelope submissions from ``clients`` connections; keeps every 202 tx id."""

    def __init__(self, directory: Path, tag: str) -> None:
        self.builder = TxBuilder("small", load_member(directory, ISSUER))
        self.tag = tag
        self.count = 0
        self.accepted: list[str] = []
        self.refused: dict[str, int] = {}  # problem code (or transport error) -> count

    def body(self) -> bytes:
        self.count += 1
        envelope = self.builder.build(
            "settlement", "issue",
            {"account": f"coop-a.farmer-{1 + self.count % 8}", "amount": 1},
            nonce=f"{self.tag}-{self.count}",
        )
        return json.dumps(envelope.to_json()).encode()

    async def run(self, url: str, clients: int, seconds: float) -> None:
        stop_at = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(base_url=url, timeout=5, limits=limits) as http:

            async def worker() -> None:
                while time.monotonic() < stop_at:
                    try:
                        response = await http.post(
                            "/v1/transactions", content=self.body(),
                            headers={"content-type": "application/json"},
                        )
                    except httpx.HTTPError as exc:  # killed mid-request: never answered
                        self.refused[type(exc).__name__] = self.refused.get(
                            type(exc).__name__, 0) + 1
                        await asyncio.sleep(0.05)
                        continue
                    if response.status_code == 202:
                        self.accepted.extend(response.json()["tx_ids"])
                    else:
                        code = str(response.json().get("code", response.status_code))
                        self.refused[code] = self.refused.get(code, 0) + 1
                        await asyncio.sleep(0.02)

            await asyncio.gather(*(worker() for _ in range(clients)))


async def outcomes(
    url: str, directory: Path, tx_ids: list[str], wait_s: float = 60
) -> dict[str, int]:
    """committed / rejected / lost (unknown or pending once ``wait_s`` has passed)."""
    auth = MemberAuth(load_member(directory, ISSUER))
    states: dict[str, str] = {}
    deadline = time.monotonic() + wait_s
    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=30,
                                 limits=httpx.Limits(max_connections=8)) as http:
        todo = list(tx_ids)
        gate = asyncio.Semaphore(8)
        while todo:

            async def look(tx_id: str) -> None:
                async with gate:
                    response = await http.get(f"/v1/transactions/{tx_id}")
                states[tx_id] = (
                    "unknown" if response.status_code == 404 else response.json()["status"]
                )

            await asyncio.gather(*(look(t) for t in todo))
            todo = [t for t in todo if states[t] in ("pending", "unknown")]
            if not todo or time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
    counts = {"committed": 0, "rejected": 0, "lost": 0}
    for state in states.values():
        counts[state if state in ("committed", "rejected") else "lost"] += 1
    return counts


def crash(port: int, kills: int, seconds: float, clients: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "net"
        init_network(directory, TEMPLATES["small"](), seed="bench-ops-crash")
        log = Path(tmp) / "serve.log"
        submitter = Submitter(directory, "crash")
        per_kill = []
        for _ in range(kills):
            proc = start_serve(directory, port, log)
            before = len(submitter.accepted)
            url = endpoints(directory)["gov.peer"]

            async def load_then_kill(url: str = url, proc: subprocess.Popen[bytes] = proc) -> None:
                task = asyncio.ensure_future(submitter.run(url, clients, seconds + 2))
                await asyncio.sleep(seconds)
                proc.send_signal(signal.SIGKILL)  # mid-load
                await task

            asyncio.run(load_then_kill())
            proc.wait(10)
            per_kill.append(len(submitter.accepted) - before)
        proc = start_serve(directory, port, log)
        try:
            url = endpoints(directory)["gov.peer"]
            counts = asyncio.run(outcomes(url, directory, submitter.accepted))
        finally:
            stop(proc)
        stores = sorted(directory.rglob("chain.db"))
        verify_failed = [
            str(store.relative_to(directory)) for store in stores
            if subprocess.run(
                [str(Path(sys.executable).parent / "agriledger"), "verify", str(store)],
                capture_output=True, check=False,
            ).returncode != 0
        ]
    return {"kills": kills, "accepted": len(submitter.accepted), **counts,
            "accepted_per_kill": per_kill, "unanswered_or_refused": submitter.refused,
            "stores_verified": len(stores),
            "stores_failing_verify": verify_failed}


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        raise SystemExit(f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path) -> Path:
    filler = path / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for chunk in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * chunk)
    finally:
        os.close(fd)
    return filler


def diskfull(port: int, seconds: float, clients: int, size: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, tmpfs(Path(tmp) / "disk", size) as disk:
        directory = disk / "net"
        init_network(directory, TEMPLATES["small"](), seed="bench-ops-disk")
        log = Path(tmp) / "serve.log"
        proc = start_serve(directory, port, log)
        submitter = Submitter(directory, "disk")
        health: dict[str, Any] = {}
        try:
            url = endpoints(directory)["gov.peer"]

            async def run() -> None:
                task = asyncio.ensure_future(submitter.run(url, clients, seconds + 2))
                await asyncio.sleep(2)
                filler = await asyncio.to_thread(fill, disk)
                await asyncio.sleep(seconds)
                async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                    answer = await http.get("/v1/health")
                    health["while_full"] = {"http_status": answer.status_code, **answer.json()}
                    await task
                    filler.unlink()
                    deadline = time.monotonic() + 60
                    while (await http.get("/v1/health")).status_code != 200:
                        if time.monotonic() > deadline:
                            raise RuntimeError("intake did not resume after freeing space")
                        await asyncio.sleep(0.2)
                    health["after_freeing"] = (await http.get("/v1/health")).json()

            asyncio.run(run())
            counts = asyncio.run(outcomes(url, directory, submitter.accepted))
        finally:
            stop(proc)
    return {"tmpfs": size, "accepted": len(submitter.accepted), **counts,
            "refused": submitter.refused, "health": health}


def _half_head(host: str, port: int) -> socket.socket | None:
    try:
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # never finishes its head
        return sock
    except OSError:
        return None


def slow(port: int, connections: int, seconds: float, clients: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "net"
        init_network(directory, TEMPLATES["small"](), seed="bench-ops-slow")
        log = Path(tmp) / "serve.log"
        proc = start_serve(directory, port, log)
        socks: list[socket.socket] = []
        try:
            url = endpoints(directory)["gov.peer"]
            host, peer_port = url.removeprefix("http://").split(":")
            for _ in range(connections):
                sock = _half_head(host, int(peer_port))
                if sock is not None:
                    socks.append(sock)
            submitter = Submitter(directory, "slow")
            health_ms: list[float] = []
            health_codes: dict[int, int] = {}

            async def run() -> None:
                stop_at = time.monotonic() + seconds

                async def probe() -> None:
                    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                        while time.monotonic() < stop_at:
                            began = time.perf_counter()
                            try:
                                code = (await http.get("/v1/health")).status_code
                            except httpx.HTTPError:
                                code = 0
                            health_ms.append((time.perf_counter() - began) * 1000)
                            health_codes[code] = health_codes.get(code, 0) + 1
                            await asyncio.sleep(0.2)

                await asyncio.gather(probe(), submitter.run(url, clients, seconds))

            asyncio.run(run())
            refused_503 = sum(
                1 for sock in socks if _answered(sock).startswith(b"HTTP/1.1 503")
            )
            counts = asyncio.run(outcomes(url, directory, submitter.accepted))
        finally:
            for sock in socks:
                sock.close()
            stop(proc)
        log_bytes = log.stat().st_size
    return {"slow_connections": len(socks), "refused_with_503": refused_503,
            "health_p50_ms": round(statistics.median(health_ms), 1),
            "health_max_ms": round(max(health_ms), 1), "health_status_counts": health_codes,
            "accepted": len(submitter.accepted), **counts,
            "submissions_refused": submitter.refused, "serve_log_bytes": log_bytes}


def _answered(sock: socket.socket) -> bytes:
    """What the server sent on a slow connection (empty if it only closed it, or held it)."""
    sock.settimeout(0.01)
    try:
        return sock.recv(64)
    except OSError:
        return b""
