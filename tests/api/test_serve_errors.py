"""``agriledger serve`` and the member commands, given what a new user gets wrong: each
mistake is one ``error:`` line naming what is wrong and what to do, exit status 1, and
no traceback. Real processes on loopback; the port in use is a real listening socket."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from tests.api.conftest import Served, free_base_port
from tests.api.serve_kit import ServeProcess, run_cli

pytestmark = pytest.mark.integration


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def network(tmp_path: Path) -> Path:
    made = CliRunner().invoke(
        main, ["network", "init", str(tmp_path / "net"), "--template", "small", "--seed", "e"],
        catch_exceptions=False,
    )
    assert made.exit_code == 0, made.output
    return tmp_path / "net"


def test_a_port_in_use_is_one_line_naming_it_and_no_store_is_opened(network: Path) -> None:
    base = free_base_port(4)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", base + 2))
        taken.listen()
        line = one_error_line(run_cli("serve", network, "--port", base))
    assert line == (
        f"error: port {base + 2} on 127.0.0.1 is in use; this network needs ports "
        f"{base}-{base + 3} (one per peer): stop what uses it or pass --port N for another "
        "first port"
    )
    assert not (network / "peers").exists()


def test_a_served_directory_and_a_changed_genesis_are_refused_in_one_line(
    network: Path,
) -> None:
    serve = ServeProcess(network, peers=4).start()
    try:
        again = one_error_line(run_cli("serve", network, "--port", free_base_port(4)))
        assert again == (
            f"error: {network} is already being served by another `agriledger serve`; "
            "stop that one first (its peers' URLs are in endpoints.json)"
        )
    finally:
        serve.stop()
    genesis = json.loads((network / "genesis.json").read_text())
    genesis["orderer"]["batch_size"] = 7
    (network / "genesis.json").write_text(json.dumps(genesis))
    changed = one_error_line(run_cli("serve", network, "--port", free_base_port(4)))
    assert changed.startswith(f"error: {network / 'genesis.json'} changed since the chain was made")
    assert "restore the genesis.json the chain was made with" in changed


def test_an_unknown_peer_is_one_line_listing_the_peers(network: Path) -> None:
    line = one_error_line(run_cli("serve", network, "--peer", "bank-z.peer"))
    assert line == ("error: --peer bank-z.peer: not a peer of this network (peers: gov.peer, "
                    "bank-a.peer, insurer.peer, coop-a.peer)")


def test_a_refused_path_parameter_is_one_line_naming_it(served: Served) -> None:
    result = CliRunner().invoke(
        main, ["query", str(served.directory), "--as", "gov.pboc", "tx", "zz"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: 422 INVALID_REQUEST: path.tx_id: String should match pattern '^[0-9a-f]{64}$'"
    ]
