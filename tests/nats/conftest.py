"""Fixtures for the JetStream tests: real nats-server processes on free loopback ports, temp stores.

Everything started here stops in the fixture's finaliser, also when a test fails.
nats-server must be installed (``make system-deps``); these tests never skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nodes.jetstream.natsd import NatsServer, start_cluster, start_local
from nodes.network_dir import NetworkDir, init_network
from nodes.templates import small
from tests.nats.kit import Processes

pytestmark = [pytest.mark.nats, pytest.mark.integration]


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = start_local(tmp_path / "nats")
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[list[NatsServer]]:
    servers = start_cluster(tmp_path / "cluster", 3)
    try:
        yield servers
    finally:
        for server in servers:
            server.kill()


@pytest.fixture
def processes() -> Iterator[Processes]:
    procs = Processes()
    try:
        yield procs
    finally:
        procs.close()


@pytest.fixture
def network(tmp_path: Path) -> NetworkDir:
    """The small template (gov, bank-a, insurer, coop-a: four peers) in a temp directory."""
    return init_network(tmp_path / "net", small(), seed="jetstream-tests")
