"""``agriledger contracts NET`` shows nested genesis parameters one leaf a line, not as one
long JSON line (read from NET/genesis.json, as a new user runs it before serving)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from api.cli import main


def test_nested_parameters_are_listed_one_leaf_a_line(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(main, ["network", "init", str(tmp_path / "net"), "--template", "small",
                                "--seed", "params"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    shown = runner.invoke(main, ["contracts", str(tmp_path / "net")], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    start = lines.index("  param  contract_debit_roles:")
    assert "           bank.warehouse_receipt = loan_officer" in lines[start:]
    assert "           insurer.claims = claims_manager, underwriter" in lines[start:]
    layers = lines.index("  param  consortium_layers:")
    assert lines[layers + 1].startswith('           [0] = {"up_to_bp": ')
    assert "  param  claim_publicity_days = 3" in lines
    assert max(len(line) for line in lines if "param" in line or line.startswith(" " * 11)) < 100
