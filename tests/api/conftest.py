"""A real network served by real uvicorn servers on loopback ports, for the API tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from api.client import Client, load_member
from api.guard import ServeLimits
from api.server import serve_network
from contracts.genesis import ContractConfig
from ledger.identity import Credentials
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES


def free_base_port(count: int) -> int:
    """A port p such that p .. p+count-1 are free on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port range")


@dataclass
class Served:
    directory: Path
    urls: dict[str, str]
    loop: asyncio.AbstractEventLoop
    task: asyncio.Task[None]
    thread: threading.Thread
    members: dict[str, Credentials] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.urls["gov.peer"]

    def member(self, member_id: str) -> Credentials:
        if member_id not in self.members:
            self.members[member_id] = load_member(self.directory, member_id)
        return self.members[member_id]

    def client(self, member_id: str = "gov.admin", peer: str = "gov.peer") -> Client:
        return Client(self.urls[peer], self.member(member_id))

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(timeout=30)


def start_network(
    directory: Path, seed: str = "api-tests", template: str = "small", *,
    limits: ServeLimits | None = None, contracts: list[ContractConfig] | None = None,
) -> Served:
    chosen = TEMPLATES[template]()
    init_network(directory, chosen, seed=seed, contracts=contracts)
    ready = threading.Event()
    box: dict[str, object] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        def on_ready(urls: dict[str, str]) -> None:
            box["urls"] = urls
            ready.set()

        task = loop.create_task(
            serve_network(
                directory, "127.0.0.1", free_base_port(len(chosen.orgs)), ready=on_ready,
                limits=limits,
            )
        )
        box["loop"], box["task"] = loop, task
        try:
            loop.run_until_complete(task)
        except (asyncio.CancelledError, Exception) as exc:  # reported via box for the fixture
            box.setdefault("error", exc)
        finally:
            ready.set()
            loop.close()

    thread = threading.Thread(target=run, name="api-test-server", daemon=True)
    thread.start()
    if not ready.wait(30) or "urls" not in box:
        raise RuntimeError(f"server did not start: {box.get('error')!r}")
    return Served(
        directory,
        box["urls"],
        box["loop"],
        box["task"],
        thread,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_network(tmp_path_factory.mktemp("net") / "net")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def gov(served: Served) -> Iterator[Client]:
    with served.client("gov.pboc") as client:
        yield client
