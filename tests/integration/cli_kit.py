"""A network as a user runs it: ``agriledger network init`` and ``agriledger serve`` as
real processes, and every step a member takes as one ``agriledger`` command whose
``--json`` output is parsed. Nothing here imports the ledger to act; it only reads the
network directory to learn who holds which role, as a user reads ``network init``'s
listing.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ledger.identity import certificate_from_pem, member_fields
from ledger.timefmt import format_time, parse_time
from tests.api.conftest import free_base_port

AGRILEDGER = str(Path(sys.executable).with_name("agriledger"))
START_TIMEOUT_S = 120
COMMAND_TIMEOUT_S = 120
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


class CommandFailed(AssertionError):
    """An ``agriledger`` command exited non-zero; the message is its command line and output."""


def arg_text(value: object) -> str:
    """How a shell user writes a value after ``NAME=``: JSON for lists and objects."""
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


@dataclass
class Cli:
    """The ``agriledger`` command against one served network directory."""

    net: Path
    log: list[str] = field(default_factory=list)

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        self.log.append(" ".join(argv))
        return subprocess.run(
            [AGRILEDGER, *argv], capture_output=True, text=True,
            timeout=COMMAND_TIMEOUT_S, check=False,
        )

    def json(self, *argv: str) -> Any:
        proc = self.run(*argv, "--json")
        if proc.returncode != 0:
            raise CommandFailed(
                f"agriledger {' '.join(argv)} exited {proc.returncode}\n"
                f"stdout: {proc.stdout}\nstderr: {proc.stderr}"
            )
        return json.loads(proc.stdout)

    def submit(
        self, member: str, contract: str, action: str, *, cosign: tuple[str, ...] = (),
        **args: object,
    ) -> dict[str, Any]:
        """``tx submit --wait``; the tx must commit. Returns its status (tx_id, height)."""
        argv = ["tx", "submit", str(self.net), "--as", member, contract, action,
                *(f"{k}={arg_text(v)}" for k, v in args.items()), "--wait"]
        for co_signer in cosign:
            argv += ["--cosign", co_signer]
        status: dict[str, Any] = self.json(*argv)
        assert status["status"] == "committed", f"{contract}.{action}: {status}"
        return status

    def view(self, member: str, contract: str, view: str, **params: object) -> Any:
        return self.json("query", str(self.net), "--as", member, "view", contract, view,
                         *(f"{k}={arg_text(v)}" for k, v in params.items()))

    def balance(self, member: str, account: str) -> int:
        return int(self.view(member, "settlement", "balance", account=account)["balance"])

    def chain_time(self, member: str) -> dt.datetime:
        """The head block's time: the chain's "now", which the dev clock may have moved."""
        head = self.json("query", str(self.net), "--as", member, "head")
        return parse_time(head["header"]["time"])

    def advance(self, member: str, duration: str) -> dt.datetime:
        """``clock advance`` on the dev chain; returns the clock's new time."""
        reading = self.json("clock", "advance", str(self.net), duration, "--as", member)
        return parse_time(reading["now"])


def later(moment: dt.datetime, days: float) -> str:
    return format_time(moment + dt.timedelta(days=days))


def local_year(moment: dt.datetime) -> int:
    """The fiscal year a budget programme must carry for a payment at ``moment``."""
    return moment.astimezone(LOCAL_ZONE).year


@dataclass(frozen=True)
class Roles:
    """Who holds which role in a network directory: ``roles.one("coop-a", "manager")``."""

    by_org_role: Mapping[tuple[str, str], tuple[str, ...]]

    @classmethod
    def of(cls, net: Path) -> Roles:
        genesis = json.loads((net / "genesis.json").read_text())
        found: dict[tuple[str, str], list[str]] = {}
        for entry in genesis["members"]:
            member, org, role = member_fields(certificate_from_pem(entry["certificate"]))
            found.setdefault((org, role), []).append(member)
        return cls({k: tuple(sorted(v)) for k, v in found.items()})

    def one(self, org: str, role: str) -> str:
        members = self.by_org_role.get((org, role))
        assert members, f"the template gives {org} no {role}"
        return members[0]

    def all(self, org: str, role: str) -> tuple[str, ...]:
        return self.by_org_role.get((org, role), ())


@dataclass
class ServedNetwork:
    """``agriledger serve`` running as a child process on loopback ports."""

    template: str
    cli: Cli
    roles: Roles
    process: subprocess.Popen[str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def init_and_serve(directory: Path, template: str, *extra_init: str) -> ServedNetwork:
    """``network init DIR --template T`` then ``serve DIR --port P`` until it has written
    its endpoints; raises with the server's output if it exits first."""
    cli = Cli(directory)
    init = cli.run("network", "init", str(directory), "--template", template,
                   "--seed", f"walk-{template}", *extra_init)
    if init.returncode != 0:
        raise CommandFailed(f"network init: {init.stdout}{init.stderr}")
    peers = json.loads((directory / "network.json").read_text())["peers"]
    port = free_base_port(len(peers))
    log = directory.with_name(f"{directory.name}-serve.log")
    with log.open("w") as out:
        process = subprocess.Popen(
            [AGRILEDGER, "serve", str(directory), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    served = ServedNetwork(template, cli, Roles.of(directory), process)
    try:
        _wait_for_endpoints(directory, process, log)
    except BaseException:
        served.stop()
        raise
    return served


def _wait_for_endpoints(directory: Path, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (directory / "endpoints.json").exists():
        if process.poll() is not None:
            raise CommandFailed(
                f"agriledger serve exited {process.returncode}: {log.read_text()}"
            )
        if time.monotonic() > deadline:
            raise CommandFailed(f"agriledger serve wrote no endpoints in {START_TIMEOUT_S} s")
        time.sleep(0.1)


@contextmanager
def serving(directory: Path, template: str, *extra_init: str) -> Iterator[ServedNetwork]:
    served = init_and_serve(directory, template, *extra_init)
    try:
        yield served
    finally:
        served.stop()
