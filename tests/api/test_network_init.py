"""``agriledger network init`` as a new user meets it: only into a new or empty directory,
typed ``--param``s and ``--enable``d contracts (each mistake one line naming it), each
member with its role and the commands to try next, member ids named as
``standard_orgs()`` names them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from contracts import Context, Contract, Params, Role, action
from contracts.base import Args
from contracts.registry import discover
from contracts.testing import standard_orgs
from nodes.exceptions import NetworkConfigError
from nodes.templates import TEMPLATES, template_contracts


def init(directory: Path, *options: str) -> Result:
    """``network init`` (the small template unless ``options`` name another)."""
    template = [] if "--template" in options else ["--template", "small"]
    return CliRunner().invoke(
        main, ["network", "init", str(directory), "--seed", "init", *template, *options],
        catch_exceptions=False,
    )


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def contract_params(directory: Path, name: str) -> dict[str, Any]:
    genesis = json.loads((directory / "genesis.json").read_text())
    params: dict[str, Any] = next(c for c in genesis["contracts"] if c["name"] == name)["params"]
    return params


def test_a_non_empty_directory_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    line = one_error_line(init(tmp_path))
    assert f"{tmp_path}: is not empty (notes.txt)" in line
    assert "new or empty directory" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_path_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    line = one_error_line(init(blocker / "net"))
    assert f"{blocker / 'net'}: cannot write the network there (Not a directory)" in line


def test_the_directory_ignores_itself_so_git_add_never_takes_the_keys(tmp_path: Path) -> None:
    assert init(tmp_path / "net").exit_code == 0
    assert (tmp_path / "net" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_params_are_typed_by_the_contract_model_and_dev_keeps_the_real_posting(
    tmp_path: Path,
) -> None:
    dev = tmp_path / "dev"
    made = init(dev, "--template", "lishui", "--dev", "--param", "claims.claim_publicity_days=5",
                "--param", 'claims.government_accounts={"county": "gov"}')
    assert made.exit_code == 0, made.output
    assert contract_params(dev, "claims") == {
        "claim_publicity_days": 5, "government_accounts": {"county": "gov"},
    }
    genesis = json.loads((dev / "genesis.json").read_text())
    assert genesis["dev_clock"] == {"roles": {"government": ["admin"]}}
    production = tmp_path / "production"
    assert init(production, "--template", "lishui").exit_code == 0
    assert "dev_clock" not in json.loads((production / "genesis.json").read_text())
    assert contract_params(production, "claims") == {
        "underwriting_publicity_days": 0, "claim_publicity_days": 0,
    }


@pytest.mark.parametrize(("option", "expected"), [
    ("claims.nope=1", "--param claims.nope: claims has no parameter 'nope' (its parameters: "),
    ("nope.days=1", "--param nope.days: no contract 'nope' is installed (installed: "),
    ("claims.claim_publicity_days=soon",
     "--param claims.claim_publicity_days: expected integer, got 'soon'"),
    ("claims.claim_publicity_days=1.5",
     "--param claims.claim_publicity_days: expected integer, got '1.5' (whole numbers only"),
    ("claims.claim_publicity_days=-1",
     "--param claims.claim_publicity_days: Input should be greater than or equal to 0"),
    ("claim_publicity_days=3", "expected CONTRACT.NAME=VALUE"),
])
def test_a_wrong_param_is_refused_naming_it_and_nothing_is_written(
    tmp_path: Path, option: str, expected: str
) -> None:
    line = one_error_line(init(tmp_path / "net", "--param", option))
    assert expected in line
    assert not (tmp_path / "net").exists()


def test_an_unknown_contract_to_enable_is_refused_naming_it(tmp_path: Path) -> None:
    line = one_error_line(init(tmp_path / "net", "--enable", "cold_chain"))
    assert line.startswith("error: --enable cold_chain: no such contract installed (installed: ")
    assert not (tmp_path / "net").exists()


class NeedsRate(Params):
    rate_bp: int


class RatedContract(Contract):
    """An installed plug-in whose parameter has no default: enabled only when asked."""

    name = "rated"
    readers = ()
    version = "1"
    Params = NeedsRate

    @action(Args, policy=Role("bank", "admin"))
    def touch(self, ctx: Context, args: Args) -> None:
        return None


def test_a_plugin_runs_only_when_enabled_and_its_params_are_checked() -> None:
    classes = {**discover(), "rated": RatedContract}
    template = TEMPLATES["small"]()
    assert "rated" not in [c.name for c in template_contracts(template, classes=classes)]
    with pytest.raises(NetworkConfigError, match=r"rated\.rate_bp: Field required"):
        template_contracts(template, enable=["rated"], classes=classes)
    with pytest.raises(NetworkConfigError, match="rated: not a contract this network runs "
                                                 r"\(add --enable rated\)"):
        template_contracts(template, params={"rated": {"rate_bp": 5}}, classes=classes)
    enabled = template_contracts(
        template, enable=["rated"], params={"rated": {"rate_bp": 5}}, classes=classes
    )
    assert next(c for c in enabled if c.name == "rated").params == {"rate_bp": 5}


def test_every_member_is_printed_with_its_role_and_the_commands_to_try(tmp_path: Path) -> None:
    made = init(tmp_path / "net", "--dev")
    assert made.exit_code == 0, made.output
    out = made.stdout
    assert "coop-a.keeper: warehouse_keeper" in out
    assert "insurer.adjuster: adjuster" in out
    assert "gov.pboc: central_bank" in out
    for command in ("agriledger serve", "agriledger contracts", "agriledger tx submit",
                    "agriledger query", "agriledger clock advance"):
        assert command in out, command


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_member_ids_are_named_as_standard_orgs_names_them(template: str) -> None:
    """Where a template and ``standard_orgs()`` staff the same org with a role, one of
    them holds the other's ids for it: never ``keeper`` in one and ``keeper-1`` in the
    other."""
    standard = {o.id: o for o in standard_orgs()}
    for org in TEMPLATES[template]().specs():
        if org.id not in standard:
            continue
        for role in {r for _, r in org.members} & {r for _, r in standard[org.id].members}:
            ours = {n for n, r in org.members if r == role}
            theirs = {n for n, r in standard[org.id].members if r == role}
            assert ours <= theirs or theirs <= ours, (template, org.id, role, ours, theirs)
