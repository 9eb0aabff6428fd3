"""Private fields on a served lishui network (real uvicorn, real SQLite files): a
cooperative enrols a household with its personal data as salted hashes; the plaintext
reaches only the cooperative's, the insurer's and the government's peers (private.db),
never a chain.db; a member of an entitled org reads it by hash, others get 404; the
cooperative purges it after the retention period and every chain still verifies."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import main
from api.client import ApiProblem
from api.schemas import TxState
from contracts.registry import discover
from ledger.private import PrivateField, field_hash
from ledger.timefmt import format_time
from nodes.templates import TEMPLATES, template_contracts
from tests.api.conftest import Served, start_network

FARMER = "coop-a.farmer-1"
ID_NUMBER = "330102199001011234"
PERSONAL = {"name": "Zhang San", "id_number": ID_NUMBER, "phone": "13800000017",
            "bank_card": "6222020200112233445", "plot_location": "Liandu 28.45N 119.92E plot 7"}
ENTITLED = ("coop-a", "insurer", "gov")
OTHERS = ("bank-a", "bank-b", "coop-b")

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lishui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    contracts = template_contracts(TEMPLATES["lishui"](), classes=discover(),
                                   params={"claims": {"personal_retention_days": 0}})
    server = start_network(tmp_path_factory.mktemp("private") / "net", template="lishui",
                           contracts=contracts)
    try:
        yield server
    finally:
        server.stop()


def days(n: int) -> str:
    return format_time(dt.datetime.now(dt.UTC) + dt.timedelta(days=n))


def enrol_args(policy_id: str, end_in_days: int, insured: str = FARMER,
               personal: dict[str, str] = PERSONAL) -> dict[str, Any]:
    return dict(
        policy_id=policy_id, insurer="insurer", book=f"book-{policy_id}", crop="rice",
        region="lishui", period_start=days(end_in_days - 100), period_end=days(end_in_days),
        perils=["typhoon"], sum_insured_per_mu=500_00, premium_per_mu=15_00,
        stage_caps={"tillering": 8_000}, province_share_bp=3_000, county_share_bp=1_500,
        covers=[{"insured": insured, "insured_area": 10_00, "planted_area": 10_00,
                 "personal": dict(personal)}],
    )


def peer_files(served: Served, org: str) -> list[Path]:
    return sorted((served.directory / "peers" / f"{org}.peer").iterdir())


def holds(path: Path, text: str) -> bool:
    return text.encode() in path.read_bytes()


@pytest.fixture(scope="module")
def enrolled(lishui: Served) -> dict[str, PrivateField]:
    """Policy ``ended`` (period over a day ago) enrolled with the household's personal data."""
    with lishui.client("coop-a.manager", "coop-a.peer") as client:
        status, fields = client.call_private("claims", "enrol", **enrol_args("ended", -1))
    assert status.status is TxState.COMMITTED, status
    return {f.field: f for f in fields}


def test_the_chain_holds_salted_hashes_and_only_entitled_peers_hold_the_plaintext(
    lishui: Served, enrolled: dict[str, PrivateField],
) -> None:
    with lishui.client("coop-a.manager", "coop-a.peer") as client:  # state holds the hash
        cover = client.view("claims", "policy", policy_id="ended")["covers"][FARMER]
    with lishui.client("bank-b.officer", "bank-b.peer") as client, \
            pytest.raises(ApiProblem) as hidden:  # and a bank reads no policy (need to know)
        client.view("claims", "policy", policy_id="ended")
    assert hidden.value.status == 404
    sealed = enrolled["id_number"]
    assert cover["personal"]["id_number"] == sealed.hash
    assert len(bytes.fromhex(sealed.salt)) == 16
    assert field_hash("id_number", ID_NUMBER, sealed.salt) == sealed.hash
    for org in OTHERS:  # every byte of a non-entitled org's files: chain, WAL, private store
        files = peer_files(lishui, org)
        assert any(p.name == "chain.db" for p in files)
        assert not [p.name for p in files if holds(p, ID_NUMBER)], org
    for org in ENTITLED:
        by_name = {p.name: p for p in peer_files(lishui, org)}
        assert holds(by_name["private.db"], ID_NUMBER), org
        assert not [n for n, p in by_name.items() if n != "private.db" and holds(p, ID_NUMBER)]


def test_an_entitled_member_reads_the_plaintext_and_others_get_404(
    lishui: Served, enrolled: dict[str, PrivateField],
) -> None:
    digest = enrolled["id_number"].hash
    for member, peer in (("gov.agri", "gov.peer"), ("insurer.adjuster", "insurer.peer"),
                         ("coop-a.manager", "coop-a.peer")):
        with lishui.client(member, peer) as client:
            got = client.private(digest)
        assert (got.field, got.value) == ("id_number", ID_NUMBER)
        assert got.matches()
    for member, peer in (("bank-a.officer", "bank-a.peer"), ("bank-a.officer", "gov.peer"),
                         ("coop-b.manager", "gov.peer")):
        with lishui.client(member, peer) as client, pytest.raises(ApiProblem) as refused:
            client.private(digest)
        assert refused.value.status == 404
        assert refused.value.code == "PRIVATE_NOT_FOUND"


def test_a_side_car_that_does_not_match_its_hash_is_refused_naming_the_field(
    lishui: Served,
) -> None:
    with lishui.client("coop-a.manager", "coop-a.peer") as client:
        args = enrol_args("forged", 200)
        forged = PrivateField("id_number", "999999999999999999", "00" * 16, "ab" * 32)
        args["covers"][0]["personal"] = {"id_number": forged.hash}
        envelope = client.builder().build("claims", "enrol", args)
        with pytest.raises(ApiProblem) as refused:
            client.submit_private(envelope, [forged], wait=True)
        assert refused.value.status == 422
        assert refused.value.code == "PRIVATE_DATA_INVALID"
        assert refused.value.problem["errors"][0]["path"] == "$.private[0].hash"
        with pytest.raises(ApiProblem):
            client.view("claims", "policy", policy_id="forged")
    assert not holds(lishui.directory / "peers" / "coop-a.peer" / "private.db", "9" * 18)


def test_the_side_car_of_a_tx_the_chain_rejects_is_dropped_by_every_peer(
    lishui: Served, enrolled: dict[str, PrivateField],
) -> None:
    again = enrol_args("ended", -1, "coop-a.farmer-4", {"id_number": "330102196606066666"})
    with lishui.client("coop-a.manager", "coop-a.peer") as client:
        status, _ = client.call_private("claims", "enrol", **again)
    assert (status.status, status.code) == (TxState.REJECTED, "ALREADY_EXISTS")
    for org in (*ENTITLED, *OTHERS):
        assert not holds(lishui.directory / "peers" / f"{org}.peer" / "private.db",
                         "330102196606066666"), org


def test_the_member_cli_seals_reads_and_purges_private_fields(
    lishui: Served, tmp_path: Path,
) -> None:
    net = lishui.directory
    args = enrol_args("cli", -1, "coop-a.farmer-3", {"id_number": "330102197707077777"})
    args_file = tmp_path / "enrol.json"
    args_file.write_text(json.dumps(args))

    def run(*argv: str) -> Any:
        return CliRunner().invoke(main, [str(a) for a in argv], catch_exceptions=False)

    submitted = run("tx", "submit", str(net), "--as", "coop-a.manager", "claims", "enrol",
                    "--args-file", str(args_file), "--private", "--wait", "--json")
    assert submitted.exit_code == 0, submitted.output
    out = json.loads(submitted.stdout)
    assert out["status"] == "committed"
    [sealed] = out["private"]
    block = run("query", str(net), "--as", "coop-a.manager", "block", str(out["height"]),
                "--json")  # the tx's own reader sees its body: the hash, not the plaintext
    assert "330102197707077777" not in block.stdout
    assert sealed["hash"] in block.stdout
    hidden = run("query", str(net), "--as", "bank-b.officer", "block", str(out["height"]),
                 "--json")  # a bank sees the header and result, not the body
    assert hidden.exit_code == 0, hidden.output
    assert sealed["hash"] not in hidden.stdout
    read = run("query", str(net), "--as", "gov.agri", "--peer", "gov.peer", "private",
               sealed["hash"], "--json")
    assert read.exit_code == 0, read.output
    assert json.loads(read.stdout)["value"] == "330102197707077777"
    refused = run("query", str(net), "--as", "bank-b.officer", "--peer", "gov.peer",
                  "private", sealed["hash"])
    assert refused.exit_code == 1
    assert refused.stderr.strip().startswith("error: ")
    assert "PRIVATE_NOT_FOUND" in refused.stderr
    purged = run("tx", "submit", str(net), "--as", "coop-a.manager", "claims", "purge_personal",
                 "policy_id=cli", "insured=coop-a.farmer-3", "--wait")
    assert purged.exit_code == 0, purged.output
    again = run("query", str(net), "--as", "gov.agri", "--peer", "gov.peer", "private",
                sealed["hash"])
    assert "PRIVATE_NOT_FOUND" in again.stderr


def test_purge_removes_the_plaintext_keeps_the_hashes_and_every_chain_verifies(
    lishui: Served, enrolled: dict[str, PrivateField],
) -> None:
    with lishui.client("coop-a.manager", "coop-a.peer") as client:
        other = {"name": "Li Si", "id_number": "330102198502023456"}
        status, _ = client.call_private(
            "claims", "enrol", **enrol_args("running", 100, "coop-a.farmer-2", other))
        assert status.status is TxState.COMMITTED
        early = client.call("claims", "purge_personal", policy_id="running",
                            insured="coop-a.farmer-2")
        assert (early.status, early.code) == (TxState.REJECTED, "RETENTION_NOT_OVER")
        purged = client.call("claims", "purge_personal", policy_id="ended", insured=FARMER)
        assert purged.status is TxState.COMMITTED, purged
        cover = client.view("claims", "policy", policy_id="ended")["covers"][FARMER]
    assert cover["personal"]["id_number"] == enrolled["id_number"].hash
    assert cover["personal"]["purged_at"] is not None
    for org in ENTITLED:
        private_db = lishui.directory / "peers" / f"{org}.peer" / "private.db"
        assert not holds(private_db, ID_NUMBER), org
        assert not holds(private_db, PERSONAL["bank_card"]), org
        assert holds(private_db, other["id_number"]), org  # still within its retention
    with lishui.client("gov.agri", "gov.peer") as client, pytest.raises(ApiProblem) as gone:
        client.private(enrolled["id_number"].hash)
    assert gone.value.status == 404
    for org in (*ENTITLED, *OTHERS):
        chain = str(lishui.directory / "peers" / f"{org}.peer" / "chain.db")
        result = CliRunner().invoke(main, ["verify", chain, "--replay"])
        assert result.exit_code == 0, (org, result.output)
