"""Real processes for the JetStream tests: peers run by ``agriledger serve``, polled over HTTP.

Every process started here is registered with a ``Processes`` registry whose
``close`` (run by a fixture finaliser, so also when a test fails) sends SIGTERM
and then SIGKILL. Waits are bounded; a timeout fails with the peers' state.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from api.client import ApiProblem, Client
from api.commands.network_up import agriledger_command
from api.commands.serve_nats import endpoint_path
from ledger.identity import Credentials
from ledger.tx import Envelope
from nodes.network_dir import NetworkDir

START_TIMEOUT_S = 60.0


class Processes:
    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def spawn(self, args: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            proc = subprocess.Popen(
                list(args), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


class PeerProcess:
    """``agriledger serve DIR --peer ID --orderer nats`` as a child process."""

    def __init__(self, procs: Processes, net: NetworkDir, peer_id: str, nats_url: str,
                 *, cutter: bool = False, replicas: int = 1) -> None:
        self.procs = procs
        self.net = net
        self.peer_id = peer_id
        self.nats_url = nats_url
        self.cutter = cutter
        self.replicas = replicas
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    @property
    def log(self) -> Path:
        return self.net.root / "peers" / self.peer_id / "serve.log"

    def start(self) -> PeerProcess:
        endpoint_path(self.net.root, self.peer_id).unlink(missing_ok=True)
        args = [
            *agriledger_command(), "serve", str(self.net.root), "--peer", self.peer_id,
            "--orderer", "nats", "--nats-url", self.nats_url, "--port", "0",
            "--replicas", str(self.replicas),
        ]
        if self.cutter:
            args.append("--cutter")
        self.proc = self.procs.spawn(args, self.log)
        return self

    def wait_serving(self) -> PeerProcess:
        path = endpoint_path(self.net.root, self.peer_id)
        wait_until(lambda: path.exists() or self.proc is None or self.proc.poll() is not None,
                   START_TIMEOUT_S, f"{self.peer_id} to serve")
        if not path.exists():
            raise AssertionError(f"{self.peer_id} exited:\n{self.log.read_text()[-3000:]}")
        self.url = str(json.loads(path.read_text())["url"])
        return self

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def terminate(self, timeout_s: float = 30.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout_s)


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str,
               describe: Callable[[], object] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            detail = f": {describe()}" if describe is not None else ""
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}{detail}")
        time.sleep(0.05)


def health(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(f"{url}/v1/health", timeout=5)
        return dict(response.json())
    except httpx.HTTPError as exc:
        return {"error": str(exc)}


def submit(url: str, envelopes: Sequence[Envelope]) -> list[str]:
    """POST envelopes; the tx_ids the peer accepted (202)."""
    body = [e.to_json() for e in envelopes]
    response = httpx.post(f"{url}/v1/transactions", json=body, timeout=60)
    assert response.status_code == 202, response.text
    return list(response.json()["tx_ids"])


def heads(urls: Sequence[str]) -> list[tuple[object, object]]:
    return [(h.get("height"), h.get("head_hash")) for h in map(health, urls)]


def wait_same_head(urls: Sequence[str], min_height: int, timeout_s: float = 60.0) -> str:
    """Wait until every peer has the same head at ``min_height`` or above; its hash."""
    def agreed() -> bool:
        seen = heads(urls)
        return len(set(seen)) == 1 and isinstance(seen[0][0], int) and seen[0][0] >= min_height

    wait_until(agreed, timeout_s, "the same head on every peer", lambda: heads(urls))
    return str(heads(urls)[0][1])


def tx_on_chain(client: Client, tx_id: str) -> bool:
    try:
        return client.tx(tx_id).status.value in ("committed", "rejected")
    except ApiProblem as exc:
        if exc.status == 404:
            return False
        raise


def wait_on_chain(url: str, member: Credentials, tx_ids: Sequence[str],
                  timeout_s: float = 60.0) -> None:
    with Client(url, member) as client:
        missing = list(tx_ids)

        def done() -> bool:
            missing[:] = [t for t in missing if not tx_on_chain(client, t)]
            return not missing

        wait_until(done, timeout_s, f"{len(tx_ids)} txs on {url}", lambda: len(missing))


def state_hash(url: str, member: Credentials) -> str:
    with Client(url, member) as client:
        return str(client.head()["header"]["state_hash"])
