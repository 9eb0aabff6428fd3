"""The private subjects are enforced by nats-server itself: a real server runs the users and
permissions ``network init`` wrote; a non-entitled organisation's user is refused a
subscription to another org's private subject (and cannot make a stream capture it),
while the entitled org's user receives what another org publishes there."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.api import StreamConfig

from api.client import Client
from api.commands.network_up import agriledger_command
from api.server import ENDPOINTS_FILE
from nodes.jetstream.auth import auth_text, org_user, private_subject
from nodes.jetstream.natsd import NatsServer, start_local
from nodes.network_dir import NetworkDir, init_network
from nodes.templates import lishui
from tests.nats.kit import Processes, wait_on_chain, wait_until

pytestmark = [pytest.mark.nats, pytest.mark.integration]

ID_NUMBER = "330102199001011234"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, NatsServer]]:
    root = tmp_path_factory.mktemp("nats-private") / "net"
    init_network(root, lishui(), seed=1)
    server = start_local(root / "nats", auth=auth_text(root))
    try:
        yield root, server
    finally:
        server.kill()


async def _connect(root: Path, server: NatsServer, org: str,
                   errors: list[str]) -> NATS:
    user = org_user(root, org)
    assert user is not None

    async def on_error(exc: Exception) -> None:
        errors.append(str(exc))

    return await nats.connect(server.url, user=user.user, password=user.password,
                              error_cb=on_error, allow_reconnect=False, connect_timeout=5)


def test_only_the_entitled_orgs_user_may_subscribe_to_its_private_subject(
    secured: tuple[Path, NatsServer],
) -> None:
    root, server = secured
    subject = private_subject("lishui", "coop-a")

    async def run() -> tuple[list[bytes], list[bytes], list[str], list[str]]:
        coop_errors: list[str] = []
        bank_errors: list[str] = []
        insurer_errors: list[str] = []
        coop = await _connect(root, server, "coop-a", coop_errors)
        bank = await _connect(root, server, "bank-b", bank_errors)
        insurer = await _connect(root, server, "insurer", insurer_errors)
        got_coop: list[bytes] = []
        got_bank: list[bytes] = []

        async def to_coop(msg: Msg) -> None:
            got_coop.append(msg.data)

        async def to_bank(msg: Msg) -> None:
            got_bank.append(msg.data)

        await coop.subscribe(subject, cb=to_coop)
        await bank.subscribe(subject, cb=to_bank)
        await bank.subscribe("agl.lishui.private.>", cb=to_bank)
        await coop.flush()
        await bank.flush()
        await asyncio.sleep(0.2)  # the server's -ERR for each refused SUB arrives async
        await insurer.publish(subject, b"side-car for coop-a")
        await insurer.flush()
        await asyncio.sleep(0.3)
        for client in (coop, bank, insurer):
            await client.close()
        return got_coop, got_bank, bank_errors, coop_errors + insurer_errors

    got_coop, got_bank, bank_errors, others = asyncio.run(run())
    assert got_coop == [b"side-car for coop-a"]
    assert got_bank == []
    refused = [e for e in bank_errors if "permissions violation for subscription" in e.lower()]
    assert any(subject in e for e in refused), bank_errors
    assert any("agl.lishui.private.>" in e for e in refused), bank_errors
    assert others == []


def test_an_orgs_user_cannot_create_a_stream_that_would_capture_private_subjects(
    secured: tuple[Path, NatsServer],
) -> None:
    root, server = secured

    async def run() -> str:
        errors: list[str] = []
        bank = await _connect(root, server, "bank-b", errors)
        try:
            await bank.jetstream(timeout=2.0).add_stream(
                StreamConfig(name="SNOOP", subjects=["agl.lishui.private.>"])
            )
        except Exception as exc:  # nats-py: a timeout or a permissions error, as it races
            return f"{type(exc).__name__}: {exc} {errors}"
        finally:
            await bank.close()
        return "created"

    outcome = asyncio.run(run())
    assert outcome != "created", outcome
    assert 'permissions violation for publish to "$js.api.stream.create.snoop"' in outcome.lower()


def test_network_up_delivers_a_side_car_over_nats_only_to_the_entitled_orgs_peers(
    network: NetworkDir, processes: Processes, tmp_path: Path,
) -> None:
    """``network up`` runs nats-server with the users ``network init`` wrote and every peer
    connects as its organisation's user; the plaintext reaches coop-a's, the insurer's and
    the government's private.db over their private subjects, and no byte of bank-a's files."""
    root = network.root
    up = processes.spawn(
        [*agriledger_command(), "network", "up", str(root), "--orderer", "nats", "--port", "0"],
        tmp_path / "up.log",
    )
    endpoints = root / ENDPOINTS_FILE
    wait_until(lambda: endpoints.exists() or up.poll() is not None, 90, "network up")
    assert endpoints.exists(), (tmp_path / "up.log").read_text()
    assert "authorization" in (root / "nats" / "nats.conf").read_text()
    urls = json.loads(endpoints.read_text())["peers"]
    manager = network.spec.roster.member("coop-a.manager")
    with Client(urls["coop-a.peer"], manager) as client:
        status, fields = client.call_private("claims", "enrol", wait=False, **{
            "policy_id": "p1", "insurer": "insurer", "book": "b1", "crop": "rice",
            "region": "lishui", "period_start": "2026-01-01T00:00:00Z",
            "period_end": "2026-06-30T00:00:00Z", "perils": ["typhoon"],
            "sum_insured_per_mu": 500_00, "premium_per_mu": 15_00,
            "stage_caps": {"tillering": 8_000}, "province_share_bp": 3_000,
            "county_share_bp": 1_500,
            "covers": [{"insured": "coop-a.farmer-1", "insured_area": 10_00,
                        "planted_area": 10_00, "personal": {"id_number": ID_NUMBER}}],
        })
    for url in urls.values():
        wait_on_chain(url, manager, [status.tx_id])
    [sealed] = fields

    def private_db(org: str) -> Path:
        return root / "peers" / f"{org}.peer" / "private.db"

    wait_until(lambda: all(private_db(o).exists() and ID_NUMBER.encode()
                           in private_db(o).read_bytes() for o in ("coop-a", "insurer", "gov")),
               30, "the side-car at the entitled peers")
    for path in (root / "peers" / "bank-a.peer").iterdir():
        assert ID_NUMBER.encode() not in path.read_bytes(), path.name
    for org in ("coop-a", "insurer", "gov"):
        chain = b"".join(p.read_bytes() for p in (root / "peers" / f"{org}.peer").iterdir()
                         if p.name.startswith("chain.db"))
        assert ID_NUMBER.encode() not in chain
        assert sealed.hash.encode() in chain
    up.send_signal(signal.SIGTERM)
    assert up.wait(60) == 0
