"""A real ``agriledger serve`` process on loopback, started and stopped as a user would."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from api.commands.network_up import agriledger_command
from tests.api.conftest import free_base_port


def run_cli(*argv: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed ``agriledger`` command, as a separate process."""
    return subprocess.run(
        [*agriledger_command(), *(str(a) for a in argv)],
        capture_output=True, text=True, timeout=timeout, check=False,
    )


class ServeProcess:
    """``agriledger serve DIR --port P``; ``start`` waits for DIR/endpoints.json."""

    def __init__(self, directory: Path, peers: int, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_base_port(peers)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The first peer's base URL (peers listen on consecutive ports from ``port``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        path = self.directory / "serve.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> ServeProcess:
        (self.directory / "endpoints.json").unlink(missing_ok=True)
        with (self.directory / "serve.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [*agriledger_command(), "serve", str(self.directory), "--port", str(self.port)],
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while not (self.directory / "endpoints.json").exists():
            assert self.proc.poll() is None, self.log[-2000:]
            assert time.monotonic() < deadline, "serve did not start in 60 s"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C would: serve flushes and closes its stores."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL, as a crash would: nothing is flushed or closed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None
