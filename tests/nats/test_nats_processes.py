"""Peers as OS processes ordered by a real nats-server: agreement, crash, cluster failover."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from api.client import ApiProblem, Client
from api.commands.network_up import agriledger_command
from api.server import ENDPOINTS_FILE
from nodes.jetstream.connection import connect
from nodes.jetstream.natsd import NatsServer, cluster_urls
from nodes.jetstream.wire import ChainNames
from nodes.network_dir import NetworkDir
from tests.nats.kit import (
    PeerProcess,
    Processes,
    state_hash,
    submit,
    wait_on_chain,
    wait_same_head,
    wait_until,
)
from tests.nodes.nodes_kit import issues, transfers

pytestmark = [pytest.mark.nats, pytest.mark.integration]

GOV = "gov.pboc"


def test_four_peer_processes_agree_on_head_and_state_through_network_up(
    network: NetworkDir, processes: Processes, tmp_path: Path
) -> None:
    root = network.root
    up = processes.spawn(
        [*agriledger_command(), "network", "up", str(root), "--orderer", "nats", "--port", "0"],
        tmp_path / "up.log",
    )
    endpoints = root / ENDPOINTS_FILE
    wait_until(lambda: endpoints.exists() or up.poll() is not None, 90, "network up")
    assert endpoints.exists(), (tmp_path / "up.log").read_text()
    urls = json.loads(endpoints.read_text())["peers"]
    assert sorted(urls) == sorted(network.spec.peer_members())
    pids = [json.loads((root / "peers" / p / "endpoint.json").read_text())["pid"] for p in urls]

    spec = network.spec
    order = list(urls.values())
    accepted = submit(order[0], issues(spec, 16))
    wait_on_chain(order[0], spec.roster.member(GOV), accepted)
    for index, url in enumerate(order):  # every peer's API takes a share
        accepted += submit(url, transfers(spec, 6, start=100 + 10 * index))
    head = wait_same_head(order, min_height=2)
    member = spec.roster.member(GOV)
    for url in order:
        wait_on_chain(url, member, accepted)
    head = wait_same_head(order, min_height=2)
    assert len({state_hash(url, member) for url in order}) == 1
    assert head
    with Client(order[0], member) as client, pytest.raises(ApiProblem) as no_clock:
        client.advance_clock("1d")  # the cutter's wall clock is not this process's to move
    assert (no_clock.value.status, no_clock.value.code) == (409, "DEV_CLOCK_UNAVAILABLE")

    up.send_signal(signal.SIGTERM)
    assert up.wait(60) == 0
    for pid in pids:  # every peer process has exited (gone, or a zombie of network up's)
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text()


def test_sigkilled_peer_restarts_and_catches_up_from_its_own_height(
    network: NetworkDir, processes: Processes, nats_server: NatsServer
) -> None:
    spec = network.spec
    cutter = PeerProcess(processes, network, "gov.peer", nats_server.url, cutter=True).start()
    victim = PeerProcess(processes, network, "bank-a.peer", nats_server.url).start()
    cutter.wait_serving()
    victim.wait_serving()
    member = spec.roster.member(GOV)

    first = submit(victim.url, issues(spec, 20))
    wait_on_chain(victim.url, member, first)
    stop = threading.Event()
    accepted: list[str] = []

    def keep_submitting() -> None:
        start = 1000
        while not stop.is_set():
            accepted.extend(submit(cutter.url, transfers(spec, 10, start=start)))
            start += 10
            time.sleep(0.02)

    feeder = threading.Thread(target=keep_submitting)
    feeder.start()
    try:
        time.sleep(1.0)
        victim.kill()  # SIGKILL, mid-run
        time.sleep(1.0)
    finally:
        stop.set()
        feeder.join(30)
    assert accepted
    victim.start().wait_serving()
    wait_on_chain(cutter.url, member, accepted)
    wait_same_head([cutter.url, victim.url], min_height=3)
    wait_on_chain(victim.url, member, first + accepted)
    assert state_hash(cutter.url, member) == state_hash(victim.url, member)


async def _stream_leader(urls: str, chain_id: str) -> str:
    nc = await connect(urls, "test")
    try:
        info = await nc.jetstream().stream_info(ChainNames.for_chain(chain_id).stream)
        assert info.cluster is not None
        assert info.cluster.leader is not None
        assert len(info.cluster.replicas or []) == 2
        return info.cluster.leader
    finally:
        await nc.close()


def test_ordering_survives_the_loss_of_one_of_three_nats_servers(
    network: NetworkDir, processes: Processes, nats_cluster: list[NatsServer]
) -> None:
    spec = network.spec
    urls = cluster_urls(nats_cluster)
    a = PeerProcess(processes, network, "gov.peer", urls, cutter=True, replicas=3).start()
    b = PeerProcess(processes, network, "coop-a.peer", urls, replicas=3).start()
    a.wait_serving()
    b.wait_serving()
    member = spec.roster.member(GOV)
    accepted = submit(a.url, issues(spec, 20))
    wait_on_chain(b.url, member, accepted)

    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_submitting() -> None:
        start, peers = 5000, [a.url, b.url]
        try:
            while not stop.is_set():
                accepted.extend(submit(peers[start % 2], transfers(spec, 10, start=start)))
                start += 10
                time.sleep(0.02)
        except BaseException as exc:
            failures.append(exc)

    feeder = threading.Thread(target=keep_submitting)
    feeder.start()
    try:
        time.sleep(1.0)
        leader = asyncio.run(_stream_leader(urls, spec.config.chain_id))
        before = len(accepted)
        next(s for s in nats_cluster if s.name == leader).stop()
        wait_until(lambda: len(accepted) >= before + 50 or bool(failures), 60,
                   "submissions after the server stopped")
    finally:
        stop.set()
        feeder.join(60)
    assert not failures, failures
    wait_on_chain(a.url, member, accepted, timeout_s=90)
    wait_on_chain(b.url, member, accepted, timeout_s=90)
    wait_same_head([a.url, b.url], min_height=3)
    assert state_hash(a.url, member) == state_hash(b.url, member)


def test_serve_with_nats_needs_one_peer_and_a_url(network: NetworkDir) -> None:
    result = subprocess.run(
        [*agriledger_command(), "serve", str(network.root), "--orderer", "nats"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "exactly one --peer" in result.stderr
