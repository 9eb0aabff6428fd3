"""The development clock against a real ``agriledger serve`` process on loopback: moving
block time forward passes a posting period, survives a restart, and is refused on a
production chain, to a role genesis does not name, and for anything but a forward
duration."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from api.cli import main
from api.client import ApiProblem, Client, load_member
from api.schemas import TxState
from ledger.timefmt import format_time, parse_time
from tests.api.conftest import Served
from tests.api.serve_kit import ServeProcess

pytestmark = pytest.mark.integration

DAY = dt.timedelta(days=1)


def cli(*argv: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in argv], catch_exceptions=False)


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def dev_net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    directory = tmp_path_factory.mktemp("devclock") / "net"
    made = cli("network", "init", directory, "--template", "lishui", "--dev", "--seed", "clock")
    assert made.exit_code == 0, made.output
    serve = ServeProcess(directory, peers=7).start()
    try:
        yield serve
    finally:
        serve.stop()


def client(serve: ServeProcess, member: str) -> Client:
    urls = json.loads((serve.directory / "endpoints.json").read_text())["peers"]
    return Client(urls["gov.peer"], load_member(serve.directory, member))


def commit(
    serve: ServeProcess, member: str, action: str, contract: str = "claims", **args: Any
) -> dict[str, Any]:
    """Commit one tx; the block it landed in."""
    with client(serve, member) as c:
        status = c.call(contract, action, **args)
        assert status.status is TxState.COMMITTED, f"{action}: {status.code} {status.message}"
        assert status.height is not None
        return c.block(status.height)


def refused(serve: ServeProcess, member: str, action: str, **args: Any) -> str:
    with client(serve, member) as c:
        status = c.call("claims", action, **args)
    assert status.status is TxState.REJECTED
    return str(status.code)


def enrol(serve: ServeProcess, policy_id: str) -> None:
    now = dt.datetime.now(dt.UTC)
    commit(serve, "coop-a.manager", "enrol", policy_id=policy_id, insurer="insurer",
           book=f"book-{policy_id}", crop="rice", region="lishui", period_start=format_time(now),
           period_end=format_time(now + 180 * DAY), perils=["typhoon"],
           sum_insured_per_mu=500_00, premium_per_mu=15_00, stage_caps={"tillering": 8_000},
           province_share_bp=3_000, county_share_bp=1_500,
           covers=[{"insured": "coop-a.farmer-1", "insured_area": 10_00,
                    "planted_area": 10_00}])


def block_time(block: dict[str, Any]) -> dt.datetime:
    return parse_time(block["header"]["time"])


def test_advancing_three_days_passes_the_underwriting_posting_and_survives_a_restart(
    dev_net: ServeProcess,
) -> None:
    """lishui --dev keeps the real 3-day posting of the insured list: publicising is refused
    until the clock moves 3 days, then the next block is 3 days later and it commits."""
    enrol(dev_net, "rice-clock")
    underwritten = commit(dev_net, "insurer.underwriter", "underwrite", policy_id="rice-clock")
    assert refused(dev_net, "insurer.underwriter", "publicise_underwriting",
                   policy_id="rice-clock") == "PUBLICITY_NOT_OVER"

    before = dt.datetime.now(dt.UTC)
    moved = cli("clock", "advance", dev_net.directory, "3d", "--json")
    assert moved.exit_code == 0, moved.output
    reading = json.loads(moved.stdout)
    assert reading["dev_chain"] is True
    assert reading["offset_ms"] >= 3 * 86_400_000
    publicised = commit(dev_net, "insurer.underwriter", "publicise_underwriting",
                        policy_id="rice-clock")
    assert block_time(publicised) >= before + 3 * DAY
    assert block_time(publicised) >= block_time(underwritten) + 3 * DAY

    dev_net.stop()
    dev_net.start()
    shown = cli("clock", "show", dev_net.directory, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["offset_ms"] == reading["offset_ms"]
    after_restart = commit(dev_net, "gov.pboc", "issue", contract="settlement",
                           account="coop-a", amount=1_000_00)
    assert block_time(after_restart) >= block_time(publicised)
    assert block_time(after_restart) >= dt.datetime.now(dt.UTC) + 3 * DAY - dt.timedelta(
        minutes=5
    )


def test_a_role_genesis_does_not_name_may_not_move_the_clock(dev_net: ServeProcess) -> None:
    with client(dev_net, "insurer.underwriter") as c:
        before = c.clock()["offset_ms"]
        with pytest.raises(ApiProblem) as refusal:
            c.advance_clock("30d")
        assert (refusal.value.status, refusal.value.code) == (403, "DEV_CLOCK_FORBIDDEN")
        assert "dev_clock.roles" in refusal.value.problem["detail"]
        assert c.clock()["offset_ms"] == before
    line = one_error_line(cli("clock", "advance", dev_net.directory, "1d", "--as", "gov.finance"))
    assert "DEV_CLOCK_FORBIDDEN" in line
    assert "government's finance" in line


@pytest.mark.parametrize("by", ["-3d", "0s", "3 days", "banana", "", "1.5d", "3000w", "3d-1h"])
def test_only_a_positive_duration_moves_the_clock_and_the_error_names_the_field(
    dev_net: ServeProcess, by: str
) -> None:
    with client(dev_net, "gov.admin") as c:
        before = c.clock()["offset_ms"]
        with pytest.raises(ApiProblem) as refusal:
            c.advance_clock(by)
        assert (refusal.value.status, refusal.value.code) == (422, "INVALID_REQUEST")
        assert refusal.value.problem["errors"][0]["path"] == "$.by"
        assert c.clock()["offset_ms"] == before
    line = one_error_line(cli("clock", "advance", dev_net.directory, by))
    assert line.startswith("error: DURATION: ")


def test_moving_the_clock_needs_a_signed_request(dev_net: ServeProcess) -> None:
    urls = json.loads((dev_net.directory / "endpoints.json").read_text())["peers"]
    answer = httpx.post(f"{urls['gov.peer']}/v1/clock/advance", json={"by": "1d"}, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_production_chain_refuses_the_route_and_the_command(served: Served) -> None:
    """The small template without --dev: genesis has no dev_clock."""
    with served.client("gov.admin") as c:
        assert c.clock()["dev_chain"] is False
        with pytest.raises(ApiProblem) as refusal:
            c.advance_clock("3d")
        assert (refusal.value.status, refusal.value.code) == (409, "NOT_A_DEV_CHAIN")
        assert refusal.value.problem["type"].endswith("not-a-dev-chain")
        assert c.clock()["offset_ms"] == 0
    line = one_error_line(cli("clock", "advance", served.directory, "3d"))
    assert "NOT_A_DEV_CHAIN" in line
    assert "network init DIR --dev" in line
