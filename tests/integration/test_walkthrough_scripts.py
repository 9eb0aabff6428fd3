"""The per-role walkthrough scripts (docs/walkthroughs/*.sh: curl and openssl only) run
against a real ``agriledger serve`` of a fresh lishui development network (the scripts
move its clock past the 3-day postings with a signed POST /v1/clock/advance), in the
order the pages give: cooperative then bank, government then insurer. Each script exits non-zero as
soon as a tx does not commit or a read is refused, so exit 0 means every signed write
and read was accepted; the final reads show the outcome."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.cli_kit import ServedNetwork, serving

pytestmark = pytest.mark.integration

SCRIPTS = Path(__file__).resolve().parents[2] / "docs" / "walkthroughs"
SCRIPT_TIMEOUT_S = 300


def _ed25519_raw_signing(tmp: Path) -> str | None:
    """Why the scripts cannot run here, or None: they need curl and an openssl that
    signs raw input with Ed25519 (``pkeyutl -sign -rawin``, OpenSSL 3.0 and later)."""
    for tool in ("curl", "openssl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    key, data = tmp / "probe.pem", tmp / "probe.txt"
    data.write_text("probe")
    for argv in (["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(key)],
                 ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", str(key), "-in", str(data)]):
        probe = subprocess.run(argv, capture_output=True, check=False)
        if probe.returncode != 0:
            version = subprocess.run(["openssl", "version"], capture_output=True, text=True,
                                     check=False).stdout.strip()
            return f"{version} cannot sign raw input with Ed25519: {probe.stderr.decode()[:200]}"
    return None


@pytest.fixture(scope="module")
def lishui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedNetwork]:
    reason = _ed25519_raw_signing(tmp_path_factory.mktemp("openssl"))
    if reason is not None:
        pytest.skip(f"the walkthrough scripts need curl and Ed25519 raw signing: {reason}")
    with serving(tmp_path_factory.mktemp("walk") / "net", "lishui", "--dev") as served:
        yield served


def run_script(name: str, *args: str | Path) -> str:
    proc = subprocess.run(
        ["bash", str(SCRIPTS / name), *(str(a) for a in args)],
        capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S, check=False,
    )
    assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert "BAD_SIGNATURE" not in proc.stdout
    return proc.stdout


def last_result(output: str) -> dict[str, object]:
    """The ``result`` of the last signed read a script printed."""
    reads = [json.loads(line) for line in output.splitlines() if line.startswith('{"contract"')]
    result = reads[-1]["result"]
    assert isinstance(result, dict)
    return result


def next_step_args(output: str, script: str) -> list[str]:
    """The arguments a script tells the user to pass to the next one."""
    found = re.search(rf"docs/walkthroughs/{script} (.+)$", output, re.MULTILINE)
    assert found, output
    return found.group(1).split()


def test_the_cooperative_pledges_a_receipt_and_the_bank_lends_against_it(
    lishui: ServedNetwork,
) -> None:
    coop = run_script("cooperative.sh", lishui.cli.net)
    receipt = last_result(coop)
    assert (receipt["state"], receipt["holder"], receipt["pledgee"]) == ("ACTIVE", "coop-a", None)
    assert receipt["custodian"] == "custodian"  # coop-a's own warehouse: co-signed (V5)
    net, loan_id = next_step_args(coop, "bank.sh")

    bank = run_script("bank.sh", net, loan_id)
    loan = last_result(bank)
    assert (loan["loan_id"], loan["state"], loan["closure"]) == (loan_id, "CLOSED", "REPAID")
    assert loan["principal_paid"] == 36_400_00
    assert loan["released"] == [receipt["receipt_id"]]


def test_the_government_pays_premium_shares_and_the_insurer_pays_the_claim(
    lishui: ServedNetwork,
) -> None:
    government = run_script("government.sh", lishui.cli.net)
    assert '"state":"ACTIVE"' in government
    net, policy_id, declaration_id = next_step_args(government, "insurer.sh")

    insurer = run_script("insurer.sh", net, policy_id, declaration_id)
    balance = last_result(insurer)
    assert balance == {"account": "coop-a.farmer-1", "balance": 2_000_00}
    claim = json.loads(insurer.splitlines()[-2])["result"]
    household = claim["households"]["coop-a.farmer-1"]
    assert (claim["policy_id"], household["state"], household["paid"]) == (
        policy_id, "PAID", 2_000_00,
    )
