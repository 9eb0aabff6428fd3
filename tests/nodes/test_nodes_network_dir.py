from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from contracts.genesis import build_genesis
from contracts.registry import discover
from nodes.exceptions import NetworkDirError
from nodes.network_dir import load_network
from nodes.templates import PEER_ROLE, lishui


def test_network_init_writes_the_documented_layout_with_owner_only_keys(tmp_path: Path) -> None:
    root = tmp_path / "net"
    result = CliRunner().invoke(main, ["network", "init", str(root), "--template", "small"])
    assert result.exit_code == 0, result.output
    assert (root / "network.json").is_file()
    assert (root / "genesis.json").is_file()
    keys = sorted(root.glob("orgs/*/ca.key")) + sorted(root.glob("orgs/*/members/*/key.pem"))
    assert len(keys) >= 4 + 4
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    for directory in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0, directory
    for org in ("gov", "bank-a", "insurer", "coop-a"):
        assert (root / "orgs" / org / "ca.pem").is_file()
        assert (root / "orgs" / org / "members" / f"{org}.peer" / "cert.pem").is_file()


def test_network_init_refuses_to_overwrite_a_network(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["network", "init", str(tmp_path), "--template", "small"]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert "already holds a network" in again.output


def test_a_loaded_network_directory_builds_the_same_genesis_block(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["network", "init", str(tmp_path), "--template", "small", "--seed", "5"]
    assert runner.invoke(main, args).exit_code == 0
    net = load_network(tmp_path)
    block, _ = build_genesis(net.spec.config)
    again, _ = build_genesis(load_network(tmp_path).spec.config)
    assert block.hash == again.hash
    assert net.spec.peer_members() == ["gov.peer", "bank-a.peer", "insurer.peer", "coop-a.peer"]
    peer = net.spec.roster.member("bank-a.peer")
    assert peer.role == PEER_ROLE


def test_lishui_template_has_the_county_organisations_roles_and_every_builtin_contract() -> None:
    from nodes.templates import build_network

    spec = build_network(lishui(), seed=1)
    types = {o.id: o.type for o in spec.config.organisations}
    assert sorted(types.values()).count("bank") == 2
    assert sorted(types.values()).count("cooperative") == 2
    assert {"government", "insurer", "buyer"} <= set(types.values())
    roles = {(cred.org, cred.role) for cred in spec.roster.members().values()}
    for role in ("central_bank", "agriculture", "meteorology", "mediator"):
        assert ("gov", role) in roles
    assert ("insurer", "adjuster") in roles
    for coop in ("coop-a", "coop-b"):
        assert {(coop, "warehouse_keeper"), (coop, "farmer")} <= roles
    assert all((org, PEER_ROLE) in roles for org in types)
    builtins = sorted(
        n for n, c in discover().items() if c.__module__.startswith("contracts.builtin")
    )
    assert sorted(c.name for c in spec.config.contracts) == builtins
    build_genesis(spec.config)


def test_a_genesis_file_naming_a_key_twice_is_refused_naming_file_and_key(tmp_path: Path) -> None:
    """A hand edit that repeats a key would otherwise keep whichever copy the parser likes."""
    root = tmp_path / "net"
    init = CliRunner().invoke(main, ["network", "init", str(root), "--template", "small"])
    assert init.exit_code == 0
    genesis = root / "genesis.json"
    twice = '"chain_id": "small", "chain_id": "evil"'
    genesis.write_text(genesis.read_text().replace('"chain_id": "small"', twice, 1))
    with pytest.raises(NetworkDirError) as refused:
        load_network(root)
    assert str(refused.value) == f"{genesis}: $.chain_id: duplicate key 'chain_id' in one object"
