"""Running nats-server processes: one local JetStream server, or a cluster on loopback.

Used by ``agriledger network up`` (a local server when no URL is given), by the
tests and by the benchmark. Each server writes its log to ``<store>/nats.log``
and is ready once the log says so. Servers run in their own session so a
Ctrl-C in the terminal reaches only the parent, which stops them last.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

READY_LINE = "Server is ready"
SEARCH_PATH = ("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")


class NatsServerError(RuntimeError):
    """nats-server is missing, or did not start."""


def nats_server_binary() -> str:
    found = shutil.which("nats-server") or shutil.which(
        "nats-server", path=os.pathsep.join(SEARCH_PATH)
    )
    if found is None:
        raise NatsServerError("nats-server not found (Debian: apt-get install nats-server)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class NatsServer:
    name: str
    store: Path
    port: int
    cluster_port: int | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    auth: str = field(default="", repr=False)
    """An ``authorization`` block (``nodes.jetstream.auth``) appended to the config."""

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.store / "nats.log"

    def config_text(self, routes: list[int]) -> str:
        lines = [
            f'server_name: "{self.name}"',
            f"listen: 127.0.0.1:{self.port}",
            f'jetstream {{ store_dir: "{self.store / "js"}" }}',
        ]
        if self.cluster_port is not None:
            route_urls = ", ".join(f'"nats-route://127.0.0.1:{p}"' for p in routes)
            lines.append(
                f'cluster {{ name: "agriledger", listen: 127.0.0.1:{self.cluster_port}, '
                f"routes: [{route_urls}] }}"
            )
        return "\n".join(lines) + "\n" + self.auth

    def start(self, routes: list[int] | None = None) -> None:
        """Start (or restart) the process; returns at once (see ``wait_ready``)."""
        self.store.mkdir(parents=True, exist_ok=True)
        config = self.store / "nats.conf"
        config.write_text(self.config_text(routes or []))
        config.chmod(0o600)  # may hold the users' passwords
        with self.log_path.open("ab") as log:
            log.write(b"\n")
            offset = log.tell()
        self._ready_offset = offset
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [nats_server_binary(), "-c", str(config)],
                stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def wait_ready(self, timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NatsServerError(f"{self.name} exited: {self.log_tail()}")
            with self.log_path.open("rb") as log:
                log.seek(getattr(self, "_ready_offset", 0))
                if READY_LINE.encode() in log.read():
                    return
            time.sleep(0.05)
        raise NatsServerError(f"{self.name} not ready after {timeout_s}s: {self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM (a clean shutdown), then SIGKILL if it lingers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


def start_local(store: Path, port: int | None = None, name: str = "agriledger-nats",
                auth: str = "") -> NatsServer:
    """One JetStream server with file storage under ``store`` (``auth``: its users)."""
    server = NatsServer(name, store, port or free_port(), auth=auth)
    server.start()
    server.wait_ready()
    return server


def start_cluster(root: Path, size: int = 3) -> list[NatsServer]:
    """``size`` JetStream servers on loopback routed into one cluster (stores under ``root``)."""
    servers = [
        NatsServer(f"n{i}", root / f"n{i}", free_port(), free_port()) for i in range(1, size + 1)
    ]
    for server in servers:
        server.start([s.cluster_port for s in servers if s is not server and s.cluster_port])
    try:
        for server in servers:
            server.wait_ready()
    except NatsServerError:
        for server in servers:
            server.kill()
        raise
    return servers


def cluster_urls(servers: list[NatsServer]) -> str:
    return ",".join(s.url for s in servers)
