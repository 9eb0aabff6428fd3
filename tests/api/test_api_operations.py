"""``agriledger serve`` under crashes, a full disk and hostile or heavy clients (issue 21).

Real parts only: a real ``agriledger serve`` process killed with SIGKILL, a real
tmpfs that fills up, real sockets that send their request head slowly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.client import ApiProblem, Client, load_member
from api.guard import RateLimitFilter, ServeLimits
from api.schemas import TxState
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES
from tests.api.conftest import Served, start_network
from tests.api.serve_kit import ServeProcess

pytestmark = pytest.mark.integration

ISSUER = "gov.pboc"


def _issue(client: Client) -> dict[str, object]:
    envelope = client.builder().build(
        "settlement", "issue", {"account": "coop-a.farmer-1", "amount": 1}
    )
    return envelope.to_json()


def _final(client: Client, tx_ids: list[str], timeout: float = 30.0) -> dict[str, str]:
    """Each tx's status once none is pending (unknown: 'unknown'), polling up to ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        states = {}
        for tx_id in tx_ids:
            try:
                states[tx_id] = client.tx(tx_id).status.value
            except ApiProblem as problem:
                states[tx_id] = "unknown" if problem.status == 404 else f"error {problem.status}"
        if set(states.values()) <= {TxState.COMMITTED.value} or time.monotonic() > deadline:
            return states
        time.sleep(0.2)


# -- a killed server loses nothing it answered 202 for ------------------------------------


class _Load(threading.Thread):
    """Submits one envelope per request (each alone: each waits in the orderer) until told to
    stop; records every tx_id answered 202."""

    def __init__(self, url: str, directory: Path) -> None:
        super().__init__(daemon=True)
        self.client = Client(url, load_member(directory, ISSUER), timeout=5)
        self.accepted: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            body = _issue(self.client)
            try:
                response = self.client.http.post("/v1/transactions", json=body)
            except httpx.HTTPError:
                continue  # the server is being killed: this one was never answered
            if response.status_code == 202:
                self.accepted.extend(response.json()["tx_ids"])


@pytest.mark.slow
def test_every_tx_answered_202_is_committed_after_serve_is_killed(tmp_path: Path) -> None:
    directory = tmp_path / "net"
    init_network(directory, TEMPLATES["small"](), seed="ops-kill")
    serve = ServeProcess(directory, peers=4)
    accepted: list[str] = []
    try:
        for _round in range(3):
            serve.start()
            loads = [_Load(serve.url, directory) for _ in range(3)]
            for load in loads:
                load.start()
            time.sleep(1.5)
            serve.kill()  # mid-load: envelopes are waiting in the orderer, batches mid-apply
            for load in loads:
                load.stopped.set()
                load.join(10)
                accepted.extend(load.accepted)
                load.client.close()
        serve.start()
        with Client(serve.url, load_member(directory, ISSUER)) as client:
            states = _final(client, accepted)
    finally:
        serve.kill()
    lost = {tx_id: state for tx_id, state in states.items() if state != "committed"}
    print(f"accepted {len(accepted)}, committed {len(accepted) - len(lost)}, lost {len(lost)}")
    assert len(accepted) > 100, "the load did not get going"
    assert not lost, f"{len(lost)} of {len(accepted)} accepted txs not committed: {lost}"


# -- a full disk halts intake loudly and loses nothing -------------------------------------


@contextlib.contextmanager
def _tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True, check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(path: Path) -> Path:
    """Fill the filesystem of ``path`` to the last byte; return the filler file."""
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


def test_a_full_disk_halts_intake_with_503_and_resumes_with_nothing_lost(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "small-disk", "24m") as disk:
        served = start_network(disk / "net", seed="ops-disk")
        try:
            with served.client(ISSUER) as client:
                before = [client.submit(_issue(client)).tx_ids[0] for _ in range(5)]
                assert set(_final(client, before).values()) == {"committed"}
                filler = _fill(disk)
                accepted: list[str] = []
                refused: list[dict[str, object]] = []
                for _ in range(400):  # until intake halts (bounded)
                    response = client.http.post("/v1/transactions", json=_issue(client))
                    if response.status_code == 202:
                        accepted.extend(response.json()["tx_ids"])
                    else:
                        refused.append(response.json())
                        if len(refused) >= 3:
                            break
                    time.sleep(0.01)
                assert refused, "a full disk never stopped intake"
                assert all(p["status"] == 503 for p in refused), refused
                assert {p["code"] for p in refused} <= {"INTAKE_HALTED", "STORE_UNAVAILABLE"}
                health = client.http.get("/v1/health")
                metrics = client.http.get("/metrics").text
                assert health.status_code == 503, health.text
                assert health.json()["status"] == "halted"
                assert "full" in health.json()["fault"]
                assert "agriledger_intake_halted 1.0" in metrics

                filler.unlink()  # space freed: the peer resumes by itself
                deadline = time.monotonic() + 20
                while client.http.get("/v1/health").status_code != 200:
                    assert time.monotonic() < deadline, "intake did not resume after freeing"
                    time.sleep(0.2)
                states = _final(client, accepted)
                assert set(states.values()) <= {"committed"}, states
                after = client.submit(_issue(client)).tx_ids
                assert set(_final(client, after).values()) == {"committed"}
                assert "agriledger_intake_halted 0.0" in client.http.get("/metrics").text
        finally:
            served.stop()


# -- slow and too many clients -------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    limits = ServeLimits(header_timeout_s=1.0, max_connections=24)
    server = start_network(tmp_path_factory.mktemp("guard") / "net", "ops-guard", limits=limits)
    try:
        yield server
    finally:
        server.stop()


def _slow_client(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # never finishes its head
    return sock


def _closed_by_server(sock: socket.socket, within: float) -> bytes | None:
    """What the server sent before closing, or None if it still holds the connection open."""
    sock.settimeout(within)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return received


def test_a_connection_that_never_finishes_its_request_head_is_closed(guarded: Served) -> None:
    sock = _slow_client(guarded.url)
    try:
        assert _closed_by_server(sock, within=5.0) is not None
    finally:
        sock.close()


def test_connections_beyond_the_cap_get_503_and_health_answers_once_slow_ones_expire(
    guarded: Served,
) -> None:
    socks = [_slow_client(guarded.urls[peer]) for peer in guarded.urls for _ in range(8)]
    try:
        over = [s for s in socks[24:]]  # 32 opened, the process admits 24
        answers = [_closed_by_server(s, within=2.0) for s in over]
        assert all(a is not None and a.startswith(b"HTTP/1.1 503") for a in answers), answers
        assert all(b"TOO_MANY_CONNECTIONS" in (a or b"") for a in answers)
        time.sleep(1.5)  # the admitted slow heads time out
        assert httpx.get(guarded.url + "/v1/health", timeout=5).status_code == 200
    finally:
        for sock in socks:
            sock.close()


def test_repeated_identical_errors_are_logged_once_per_interval() -> None:
    logger = logging.getLogger("tests.ops.flood")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    def accept_failed() -> None:
        try:
            raise OSError(24, "Too many open files")
        except OSError:
            logger.exception("accept failed")

    handler = Keep()
    now = [0.0]
    limiter = RateLimitFilter(interval_s=10.0, clock=lambda: now[0])
    logger.addHandler(handler)
    logger.addFilter(limiter)
    logger.propagate = False
    try:
        for _ in range(10_000):  # 10,000 in 5 s, as from a failing accept loop
            accept_failed()
            now[0] += 0.0005
        logger.error("another message")
        now[0] += 10.0
        accept_failed()
    finally:
        logger.removeHandler(handler)
        logger.removeFilter(limiter)
    messages = [r.getMessage() for r in records]
    assert messages == [
        "accept failed", "another message", "accept failed [9999 similar suppressed]"
    ]


def test_each_block_is_encoded_once_however_many_streams_follow(guarded: Served) -> None:
    url = guarded.url

    def encoded() -> float:
        for line in httpx.get(url + "/metrics", timeout=5).text.splitlines():
            if line.startswith("agriledger_event_blocks_encoded_total"):
                return float(line.split()[1])
        raise AssertionError("no agriledger_event_blocks_encoded_total metric")

    with guarded.client(ISSUER) as client:
        start = int(client.health()["height"])
        followers = [guarded.client("gov.admin") for _ in range(6)]
        seen: list[list[int]] = [[] for _ in followers]
        target = start + 3

        def follow(i: int) -> None:
            for event in followers[i].events(from_height=start + 1):
                if event.event == "block":
                    seen[i].append(int(event.id or 0))
                    if int(event.id or 0) >= target:
                        return

        before = encoded()
        threads = [threading.Thread(target=follow, args=(i,), daemon=True) for i in range(6)]
        for thread in threads:
            thread.start()
        for _ in range(3):
            client.call("settlement", "issue", account="coop-a.farmer-2", amount=1)
        for thread in threads:
            thread.join(20)
        for follower in followers:
            follower.close()
    blocks = target - start
    assert all(s[-1:] == [target] for s in seen), seen
    assert encoded() - before <= blocks, "a block was encoded once per follower"
