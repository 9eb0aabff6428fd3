"""A network directory: the genesis configuration and every organisation's keys, on disk.

Layout (directories 0700, private keys 0600)::

    DIR/.gitignore                         "*": the directory is never committed
    DIR/network.json                       {"layout": 1, "template", "chain_id",
                                            "orgs": {org id: org type},
                                            "peers": [member id of each peer node]}
    DIR/genesis.json                       the GenesisConfig (chain_id, organisations with
                                           type and CA certificate, members' certificates,
                                           enabled contracts with params, orderer settings)
    DIR/orgs/<org>/ca.pem                  the organisation's CA certificate
    DIR/orgs/<org>/ca.key                  the CA's private key (PEM, PKCS#8)
    DIR/orgs/<org>/members/<member id>/cert.pem
    DIR/orgs/<org>/members/<member id>/key.pem
    DIR/peers/<member id>/chain.db         a peer's SQLite chain (created when it runs)

Every organisation has a ``<org>.peer`` member: the peer node's identity.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from contracts.genesis import ContractConfig, DevClockConfig, GenesisConfig, OrdererConfig
from ledger.encoding import decode
from ledger.exceptions import EncodingError, IdentityError
from ledger.roster import Roster
from nodes.exceptions import NetworkDirError
from nodes.jetstream.auth import write_auth
from nodes.templates import NetworkSpec, Template, build_network

LAYOUT_VERSION = 1
NETWORK_FILE = "network.json"
GENESIS_FILE = "genesis.json"


@dataclass(frozen=True)
class NetworkDir:
    root: Path
    template: str
    spec: NetworkSpec

    def peer_dir(self, member_id: str) -> Path:
        return self.root / "peers" / member_id


def init_network(
    root: Path,
    template: Template,
    *,
    seed: int | str,
    chain_id: str | None = None,
    dev_clock: DevClockConfig | None = None,
    contracts: list[ContractConfig] | None = None,
    orderer: OrdererConfig | None = None,
) -> NetworkDir:
    """Write a new network directory (see ``build_network`` for the arguments).

    Only into a missing or empty directory: the keys written are private, and a
    directory that holds anything may be shared or tracked. The directory gets a
    ``.gitignore`` of ``*`` (as ``python -m venv`` does), so ``git add .`` in a
    repository around it never picks the keys up.
    """
    _check_new_directory(root)
    spec = build_network(
        template, seed=seed, chain_id=chain_id, dev_clock=dev_clock, contracts=contracts,
        orderer=orderer,
    )
    try:
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        (root / ".gitignore").write_text(IGNORE_ALL)
        spec.roster.save(root)
        for directory in [root / "orgs", *(p for p in (root / "orgs").rglob("*") if p.is_dir())]:
            os.chmod(directory, 0o700)
        (root / GENESIS_FILE).write_text(
            json.dumps(spec.config.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
        )
        meta = {
            "layout": LAYOUT_VERSION,
            "template": template.name,
            "chain_id": spec.config.chain_id,
            "orgs": {o.id: o.type for o in spec.config.organisations},
            "peers": spec.peer_members(),
        }
        (root / NETWORK_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        write_auth(root, spec.config.chain_id, [o.id for o in spec.config.organisations])
    except OSError as exc:
        raise NetworkDirError(
            f"{root}: cannot write the network there ({exc.strerror or exc}); "
            "choose a directory you may create files in"
        ) from None
    return NetworkDir(root, template.name, spec)


IGNORE_ALL = "# private keys: never commit this directory (written by agriledger network init)\n*\n"


def _check_new_directory(root: Path) -> None:
    if (root / NETWORK_FILE).exists() or (root / GENESIS_FILE).exists():
        raise NetworkDirError(
            f"{root}: already holds a network; serve it with `agriledger serve {root}` "
            "or give a new directory"
        )
    if root.exists() and not root.is_dir():
        raise NetworkDirError(f"{root}: is a file, not a directory; give a new directory")
    try:
        entries = sorted(p.name for p in root.iterdir()) if root.is_dir() else []
    except OSError as exc:
        raise NetworkDirError(f"{root}: cannot read it ({exc.strerror or exc})") from None
    if entries:
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise NetworkDirError(
            f"{root}: is not empty ({shown}); network init writes private keys only into a "
            "new or empty directory: give another one"
        )


def _read_json(path: Path) -> tuple[bytes, object]:
    """A file's bytes and value, held to the wire format's JSON rules (no repeated key: a
    hand-edited genesis naming a parameter twice would otherwise keep the last copy)."""
    data = path.read_bytes()
    try:
        return data, decode(data)
    except EncodingError as exc:
        raise NetworkDirError(f"{path}: {exc}") from None


def load_network(root: Path) -> NetworkDir:
    try:
        _, meta_value = _read_json(root / NETWORK_FILE)
        meta = meta_value if isinstance(meta_value, dict) else {}
        genesis, _ = _read_json(root / GENESIS_FILE)
        config = GenesisConfig.model_validate_json(genesis)
        roster = Roster.load(root, {o.id: o.type for o in config.organisations})
    except FileNotFoundError as exc:
        raise NetworkDirError(f"{root}: missing {exc.filename}") from None
    except (ValueError, KeyError, ValidationError, IdentityError) as exc:
        raise NetworkDirError(f"{root}: unreadable network directory: {exc}") from None
    if meta.get("layout") != LAYOUT_VERSION:
        raise NetworkDirError(f"{root}: unknown layout {meta.get('layout')!r}")
    return NetworkDir(root, str(meta["template"]), NetworkSpec(config, roster))
