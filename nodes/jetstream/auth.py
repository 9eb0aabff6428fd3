"""NATS users and subject permissions of a network, written by ``network init``.

Each organisation gets a NATS user (its name is the org id, a random password in
``orgs/<org>/nats.json``, mode 0600) and the operator an ``admin`` user
(``nats-admin.json``), which creates the chain's stream. ``nats-auth.conf`` is
the ``authorization`` block for nats-server; nats-server enforces it:

* an organisation's user may subscribe to ``agl.<chain>.private.<its org>`` and to
  no other organisation's private subject, so a side-car published there (the
  plaintext of private fields) reaches only that organisation's peers;
* it may publish to any organisation's private subject (a peer sends a side-car
  to every entitled org), to the chain's log and headers, and use the JetStream
  API of the chain's stream, but may not create, change or delete a stream (one
  that captured ``agl.<chain>.private.>`` would store every side-car for anyone).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nodes.jetstream.wire import ChainNames

AUTH_FILE = "nats-auth.conf"
ADMIN_FILE = "nats-admin.json"
ORG_FILE = "nats.json"
ADMIN_USER = "admin"


@dataclass(frozen=True, slots=True)
class NatsUser:
    user: str
    password: str

    def to_json(self) -> dict[str, str]:
        return {"user": self.user, "password": self.password}


def private_subject(chain_id: str, org: str) -> str:
    """Where the side-cars for ``org``'s peers are published."""
    return f"{ChainNames.for_chain(chain_id).root}.private.{org}"


def _quoted(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def org_permissions(chain_id: str, org: str) -> tuple[list[str], list[str], list[str]]:
    """(publish allow, publish deny, subscribe allow) of ``org``'s user."""
    names = ChainNames.for_chain(chain_id)
    publish = [f"{names.root}.log.>", names.headers, f"{names.root}.private.*",
               "$JS.API.INFO", f"$JS.API.STREAM.INFO.{names.stream}",
               f"$JS.API.STREAM.MSG.GET.{names.stream}", f"$JS.API.CONSUMER.*.{names.stream}",
               f"$JS.API.CONSUMER.*.{names.stream}.>",
               f"$JS.API.CONSUMER.MSG.NEXT.{names.stream}.>",
               f"$JS.API.DIRECT.GET.{names.stream}", f"$JS.API.DIRECT.GET.{names.stream}.>",
               "$JS.ACK.>", "$JS.FC.>", "_INBOX.>"]
    deny = ["$JS.API.STREAM.CREATE.>", "$JS.API.STREAM.UPDATE.>", "$JS.API.STREAM.DELETE.>"]
    subscribe = [f"{names.root}.log.>", names.headers, private_subject(chain_id, org),
                 "_INBOX.>"]
    return publish, deny, subscribe


def auth_config(chain_id: str, users: dict[str, NatsUser], admin: NatsUser) -> str:
    """The nats-server ``authorization`` block for ``users`` (org id -> user) and the admin."""
    lines = ["authorization {", "  users = ["]
    lines.append(f"    {{user: {json.dumps(admin.user)}, password: {json.dumps(admin.password)}}}")
    for org, user in sorted(users.items()):
        publish, deny, subscribe = org_permissions(chain_id, org)
        lines.append(
            f"    {{user: {json.dumps(user.user)}, password: {json.dumps(user.password)}, "
            f"permissions: {{publish: {{allow: {_quoted(publish)}, deny: {_quoted(deny)}}}, "
            f"subscribe: {{allow: {_quoted(subscribe)}}}}}}}"
        )
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def _write_secret(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def write_auth(root: Path, chain_id: str, orgs: list[str]) -> None:
    """Generate every org's NATS user and the admin; write their files and the config."""
    users = {org: NatsUser(org, secrets.token_urlsafe(24)) for org in orgs}
    admin = NatsUser(ADMIN_USER, secrets.token_urlsafe(24))
    for org, user in users.items():
        _write_secret(root / "orgs" / org / ORG_FILE, json.dumps(user.to_json()) + "\n")
    _write_secret(root / ADMIN_FILE, json.dumps(admin.to_json()) + "\n")
    _write_secret(root / AUTH_FILE, auth_config(chain_id, users, admin))


def _load(path: Path) -> NatsUser | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return NatsUser(str(data["user"]), str(data["password"]))


def org_user(root: Path, org: str) -> NatsUser | None:
    """``org``'s NATS user, or None for a network written before NATS users existed."""
    return _load(root / "orgs" / org / ORG_FILE)


def admin_user(root: Path) -> NatsUser | None:
    return _load(root / ADMIN_FILE)


def auth_text(root: Path) -> str:
    """The authorization block ``network init`` wrote, or "" (no authorization)."""
    path = root / AUTH_FILE
    return path.read_text() if path.exists() else ""
