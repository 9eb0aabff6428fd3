"""``agriledger gov``: proposals and votes through real peers on loopback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from tests.api.conftest import Served

pytestmark = pytest.mark.integration


def cli(*argv: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in argv], catch_exceptions=False)


def test_propose_approve_list_and_the_wrong_parties(served: Served) -> None:
    net = served.directory
    proposed = cli("gov", "propose", net, "--as", "bank-a.admin", "--id", "strict",
                   "--at", 5000, "set_params", "--contract", "governance",
                   "--param", "majority_bp=6000", "--reason", "two thirds")
    assert proposed.exit_code == 0, proposed.output
    assert "proposal is open" in proposed.stdout
    officer = cli("gov", "approve", net, "--as", "bank-a.officer", "strict")
    assert officer.exit_code == 1
    assert officer.stderr.strip().startswith("error: ")
    assert "UNAUTHORIZED" in officer.stderr
    for admin in ("gov.admin", "bank-a.admin", "insurer.admin"):
        assert cli("gov", "approve", net, "--as", admin, "strict").exit_code == 0
    twice = cli("gov", "approve", net, "--as", "bank-a.admin", "strict")
    assert twice.exit_code == 1
    assert "ALREADY_VOTED" in twice.output
    last = cli("gov", "approve", net, "--as", "coop-a.admin", "strict")
    assert "proposal is approved" in last.stdout
    listed = cli("gov", "list", net, "--as", "buyer.admin", "--json")
    [shown] = json.loads(listed.stdout)
    assert shown["status"] == "approved"
    assert sorted(shown["approvals"]) == ["bank-a", "coop-a", "gov", "insurer"]
    assert shown["change"]["params"]["majority_bp"] == 6000


def test_bad_params_and_withdrawal(served: Served) -> None:
    net = served.directory
    bad = cli("gov", "propose", net, "--as", "gov.admin", "--id", "bad", "--at", 5000,
              "set_params", "--contract", "governance", "--param", "majority_bp=10000")
    assert bad.exit_code == 1
    assert "INVALID_CHANGE" in bad.output
    assert "majority_bp" in bad.output
    missing = cli("gov", "propose", net, "--as", "gov.admin", "--id", "x", "--at", 5000,
                  "upgrade_contract", "--contract", "settlement")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "error: upgrade_contract needs --version"
    assert cli("gov", "propose", net, "--as", "insurer.admin", "--id", "w", "--in", 50,
               "remove_org", "--org", "buyer").exit_code == 0
    both = cli("gov", "propose", net, "--as", "insurer.admin", "--id", "y", "remove_org",
               "--org", "buyer")
    assert both.stderr.startswith("error: give the effective point as --at HEIGHT, --in")
    other = cli("gov", "withdraw", net, "--as", "bank-a.admin", "w")
    assert "NOT_PROPOSER" in other.output
    assert "proposal is withdrawn" in cli("gov", "withdraw", net, "--as", "insurer.admin",
                                          "w").stdout
    listed = cli("gov", "list", net, "--as", "gov.admin", "--status", "withdrawn")
    assert listed.stdout.startswith("w  withdrawn")


def test_a_peer_lists_the_new_params_once_a_change_takes_effect(served: Served) -> None:
    """The peer's contract list (and read rules) are rebuilt when governance changes the
    contracts, not kept from the first request (a user checking the change saw the old cap)."""
    net = served.directory

    def ltv_cap() -> int:
        shown = cli("contracts", net, "--as", "gov.admin", "--json")
        assert shown.exit_code == 0, shown.output
        [receipts] = [c for c in json.loads(shown.stdout)["contracts"]
                      if c["name"] == "warehouse_receipt"]
        return int(receipts["params"]["ltv_cap_bp"])

    before = ltv_cap()  # asked before the change, so a kept answer would be stale
    assert before != 6500
    assert cli("gov", "propose", net, "--as", "gov.admin", "--id", "ltv-65", "--in", 6,
               "set_params", "--contract", "warehouse_receipt",
               "--param", "ltv_cap_bp=6500").exit_code == 0
    for admin in ("gov.admin", "bank-a.admin", "insurer.admin", "coop-a.admin"):
        assert cli("gov", "approve", net, "--as", admin, "ltv-65").exit_code == 0
    nudges = 0
    while ltv_cap() == before and nudges < 6:  # blocks come only from txs
        nudges += 1
        assert cli("gov", "propose", net, "--as", "bank-a.admin", "--id", f"nudge-{nudges}",
                   "--in", 50, "remove_org", "--org", "buyer").exit_code == 0
    assert ltv_cap() == 6500


def test_a_change_on_a_date_and_what_an_open_proposal_still_needs(served: Served) -> None:
    net = served.directory
    proposed = cli("gov", "propose", net, "--as", "bank-a.admin", "--id", "season-2",
                   "--on", "2099-03-01T00:00:00Z", "set_params", "--contract", "governance",
                   "--param", "majority_bp=6000")
    assert proposed.exit_code == 0, proposed.output
    assert "needs 4 more approvals (0 of 6 organisations so far)" in proposed.stdout
    assert "one from a government organisation" in proposed.stdout
    voted = cli("gov", "approve", net, "--as", "bank-a.admin", "season-2")
    assert "needs 3 more approvals (1 of 6" in voted.stdout
    assert "not yet voted: buyer, coop-a, custodian, gov, insurer" in voted.stdout
    listed = cli("gov", "list", net, "--as", "gov.admin", "--status", "open")
    assert "season-2  open      set_params       at 2099-03-01T00:00:00Z" in listed.stdout
    assert "(governance: majority_bp=6000)" in listed.stdout  # what a voter is asked to change
    roster = cli("gov", "propose", net, "--as", "gov.admin", "--id", "drop", "--on",
                 "2099-03-01T00:00:00Z", "remove_org", "--org", "buyer")
    assert roster.exit_code == 1
    assert "args.effective_time" in roster.output
    bad = cli("gov", "propose", net, "--as", "gov.admin", "--id", "x", "--on", "1 March",
              "remove_org", "--org", "buyer")
    assert bad.stderr.strip() == ("error: --on '1 March': expected an RFC 3339 UTC time such "
                                  "as 2027-03-01T00:00:00Z")
