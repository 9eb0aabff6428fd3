"""The member CLI (``agriledger tx / query / contracts``) against real peers on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from ledger.tx import Envelope
from tests.api.conftest import Served

pytestmark = pytest.mark.integration

AGRILEDGER = str(Path(sys.executable).with_name("agriledger"))  # the installed entry point


def cli(*argv: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in argv], catch_exceptions=False)


def ok_json(*argv: str | Path) -> Any:
    result = cli(*argv, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_submit_with_key_value_args_commits_and_amounts_stay_integer_fen(served: Served) -> None:
    net = served.directory
    status = ok_json("tx", "submit", net, "--as", "gov.pboc", "settlement", "issue",
                     "account=coop-a.farmer-1", "amount=1_000_00", "--wait")
    assert status["status"] == "committed"
    assert status["events"] == [{"contract": "settlement", "type": "Issued", "data": {
        "account": "coop-a.farmer-1", "amount": 100_000, "memo": ""}}]
    block = ok_json("query", net, "--as", "gov.pboc", "block", str(status["height"]))
    envelope = next(t["envelope"] for t in block["txs"] if t["result"]["tx_id"] == status["tx_id"])
    assert envelope["tx"]["args"] == {"account": "coop-a.farmer-1", "amount": 100_000}
    human = cli("tx", "submit", net, "--as", "gov.pboc", "settlement", "issue",
                "account=coop-a.farmer-1", "amount=1", "--wait")
    assert human.exit_code == 0
    committed, event = human.stdout.splitlines()
    assert committed.startswith("committed ")
    assert event == "  event Issued account=coop-a.farmer-1 amount=1 memo="


def test_a_tx_rejected_in_its_block_exits_nonzero_with_the_code(served: Served) -> None:
    result = cli("tx", "submit", served.directory, "--as", "coop-a.farmer-8", "settlement",
                 "transfer", "source=coop-a.farmer-8", "target=coop-a.farmer-7",
                 "amount=999_999_999_99", "--wait")
    assert result.exit_code == 1
    assert result.stdout.startswith("rejected ")
    assert "INSUFFICIENT_FUNDS" in result.stdout


def test_sign_cosign_send_collects_two_signatures_from_two_key_files(
    served: Served, tmp_path: Path
) -> None:
    """farmer-2 asks to move farmer-1's money; only farmer-1's co-signature (on
    "another machine", holding nothing but its key file) makes the owner's policy hold."""
    net = served.directory
    ok_json("tx", "submit", net, "--as", "gov.pboc", "settlement", "issue",
            "account=coop-a.farmer-1", "amount=5000", "--wait")
    before = ok_json("query", net, "--as", "coop-a.farmer-2", "view", "settlement", "balance",
                     "account=coop-a.farmer-1")["balance"]
    machine_b = tmp_path / "machine-b"
    machine_b.mkdir()
    key = machine_b / "key.pem"
    shutil.copy(net / "orgs/coop-a/members/coop-a.farmer-1/key.pem", key)
    transfer = ("settlement", "transfer", "source=coop-a.farmer-1", "target=coop-a.farmer-2",
                "amount=300")

    alone = tmp_path / "alone.json"
    assert cli("tx", "sign", net, "--as", "coop-a.farmer-2", *transfer, "-o", alone).exit_code == 0
    refused = cli("tx", "send", net, alone, "--as", "coop-a.farmer-2", "--wait", "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["status"] == "rejected"

    paper = tmp_path / "pay.json"
    signed = cli("tx", "sign", net, "--as", "coop-a.farmer-2", *transfer, "-o", paper)
    assert signed.exit_code == 0, signed.stderr
    tx_id = Envelope.parse(json.loads(paper.read_text())).tx_id
    assert signed.stderr == f"signed {tx_id} as coop-a.farmer-2\n"
    cosigned = cli("tx", "cosign", paper, "--as", "coop-a.farmer-1", "--key", key)
    assert cosigned.exit_code == 0, cosigned.stderr
    assert "settlement.transfer(amount=300, source=coop-a.farmer-1" in cosigned.stderr
    assert [s["signer"] for s in json.loads(paper.read_text())["signatures"]] == [
        "coop-a.farmer-2", "coop-a.farmer-1",
    ]
    again = one_error_line(cli("tx", "cosign", paper, "--as", "coop-a.farmer-1", "--key", key))
    assert "has signed this envelope already" in again

    status = ok_json("tx", "send", net, paper, "--as", "coop-a.farmer-2", "--wait")
    assert status == {**status, "tx_id": tx_id, "status": "committed"}
    balance = ok_json("query", net, "--as", "coop-a.farmer-2", "view", "settlement", "balance",
                      "account=coop-a.farmer-1")
    assert balance["balance"] == before - 300


def test_submit_with_cosign_signs_once_per_member_from_the_network_directory(
    served: Served,
) -> None:
    net = served.directory
    ok_json("tx", "submit", net, "--as", "gov.pboc", "settlement", "issue",
            "account=coop-a.farmer-5", "amount=900", "--wait")
    transfer = ("settlement", "transfer", "source=coop-a.farmer-5", "target=coop-a.farmer-6",
                "amount=100", "--wait")
    alone = cli("tx", "submit", net, "--as", "coop-a.farmer-6", *transfer, "--json")
    assert alone.exit_code == 1
    assert json.loads(alone.stdout)["status"] == "rejected"
    both = ok_json("tx", "submit", net, "--as", "coop-a.farmer-6", "--cosign", "coop-a.farmer-5",
                   *transfer)
    assert both["status"] == "committed"
    block = ok_json("query", net, "--as", "coop-a.farmer-6", "block", str(both["height"]))
    envelope = next(t["envelope"] for t in block["txs"] if t["result"]["tx_id"] == both["tx_id"])
    assert [s["signer"] for s in envelope["signatures"]] == ["coop-a.farmer-6", "coop-a.farmer-5"]


def test_query_reads_head_block_tx_state_and_view(served: Served) -> None:
    net = served.directory
    status = ok_json("tx", "submit", net, "--as", "gov.pboc", "settlement", "issue",
                     "account=coop-a.farmer-3", "amount=42", "--wait")
    reader = ("query", net, "--as", "coop-a.manager")  # the credited account's org
    head = ok_json(*reader, "head")
    assert head["header"]["height"] >= status["height"]
    assert ok_json(*reader, "block", "0")["genesis"]["chain_id"] == "small"
    assert ok_json(*reader, "tx", status["tx_id"])["height"] == status["height"]
    assert ok_json(*reader, "state", "membership", "member/coop-a.farmer-3")["role"] == "farmer"
    view = ok_json(*reader, "view", "settlement", "balance", "account=coop-a.farmer-3")
    assert view["balance"] >= 42
    human = cli(*reader, "head")
    assert human.exit_code == 0
    assert head["hash"][:16] in human.stdout


def test_contracts_lists_who_may_act_the_argument_schemas_views_and_parameters(
    served: Served,
) -> None:
    catalogue = ok_json("contracts", served.directory, "--as", "gov.admin")
    by_name = {c["name"]: c for c in catalogue["contracts"]}
    issue = next(a for a in by_name["settlement"]["actions"] if a["name"] == "issue")
    assert set(issue["args_schema"]["required"]) == {"account", "amount"}
    assert "underwriting_publicity_days" in by_name["claims"]["params"]
    offline = ok_json("contracts", served.directory)  # from genesis.json, no peer asked
    assert offline == catalogue
    human = cli("contracts", served.directory, "--as", "gov.admin", "--contract", "settlement")
    assert human.exit_code == 0
    assert "action issue account=<string> amount=<integer>" in human.stdout
    assert "who: government/central_bank" in human.stdout
    assert "view   balance account=<string>" in human.stdout


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["tx", "submit", "{net}", "--as", "gov.nobody", "settlement", "issue", "amount=1"],
         "--as gov.nobody: no such member in {net} (members of gov: gov.admin, gov.agri, "
         "gov.finance, gov.pboc"),
        (["tx", "submit", "{net}", "--as", "gov.pboc", "--cosign", "gov.ghost", "settlement",
          "issue", "amount=1"],
         "--cosign gov.ghost: no such member in {net} (members of gov: "),
        (["tx", "submit", "{net}", "--as", "gov.pboc", "settlement", "mint", "amount=1"],
         "settlement.mint: no such action; actions of settlement: issue, transfer"),
        (["tx", "submit", "{net}", "--as", "gov.pboc", "settlment", "issue", "amount=1"],
         "settlment: no such contract on chain 'small'; contracts: "),
        (["tx", "submit", "{net}", "--as", "gov.pboc", "settlement", "issue",
          "account=coop-a.farmer-1", "amount=12.50"],
         "amount: expected integer, got '12.50' (whole numbers only: money is integer fen)"),
        (["tx", "submit", "{net}", "--as", "gov.pboc", "settlement", "issue",
          "account=coop-a.farmer-1", "amount=-5"],
         "422 INVALID_ARGUMENTS: "),
        (["query", "{net}", "--as", "gov.pboc", "view", "settlement", "nosuch"],
         "settlement.nosuch: no such view; views of settlement: balance"),
        (["query", "{net}", "--as", "gov.pboc", "state", "settlement", "account/nobody-here"],
         "404 STATE_NOT_FOUND: nothing at settlement/account/nobody-here that you may read"),
        (["query", "{net}", "--as", "gov.pboc", "tx", "f" * 64],
         "404 TX_NOT_FOUND: "),
        (["query", "{net}", "--as", "gov.pboc", "--url", "http://127.0.0.1:9", "head"],
         "cannot reach the peer (ConnectError: "),
        (["tx", "cosign", "{net}/genesis.json", "--as", "gov.pboc", "--net", "{net}"],
         "{net}/genesis.json: not a signed envelope: "),
    ],
)
def test_each_mistake_is_one_error_line_naming_what_is_wrong(
    served: Served, argv: list[str], expected: str
) -> None:
    net = str(served.directory)
    line = one_error_line(cli(*(a.replace("{net}", net) for a in argv)))
    assert line.startswith("error: " + expected.replace("{net}", net)), line


def test_the_installed_command_prints_no_traceback_for_a_wrong_member(
    served: Served, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [AGRILEDGER, "query", str(served.directory), "--as", "bank-a.ghost",
         "head"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: --as bank-a.ghost: no such member")
    assert len(proc.stderr.strip().splitlines()) == 1
    missing = subprocess.run(
        [AGRILEDGER, "query", str(tmp_path), "--as", "gov.pboc", "head"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0
    assert "Traceback" not in missing.stderr
