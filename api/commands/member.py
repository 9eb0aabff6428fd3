"""What every member command shares: who is acting, which peer, output, one-line errors.

A member is named by ``--as MEMBER`` and its key is read from the network directory
(``NET/orgs/<org>/members/<member id>/key.pem``, as ``agriledger network init`` wrote
it), or from ``--key FILE`` when the key lives elsewhere (another machine, a token
export); the certificate then comes from beside the key or from ``NET/genesis.json``.
The peer is the first of ``NET/endpoints.json`` (written by ``agriledger serve``)
unless ``--peer`` or ``--url`` says otherwise.

Every failure a user can cause (unknown member, unreachable peer, a refused tx, a bad
argument) ends as one line ``error: ...`` on stderr and exit status 1: ``member_errors``
is the single place that turns exceptions into those lines.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
import httpx
from pydantic import ValidationError
from rich.console import Console

from api.client import ApiProblem, Client, endpoints, load_member
from contracts.genesis import GenesisConfig
from ledger.crypto import PrivateKey
from ledger.exceptions import LedgerError
from ledger.identity import (
    Credentials,
    certificate_from_pem,
    load_certificate,
    load_private_key,
    member_fields,
)

P = ParamSpec("P")
R = TypeVar("R")


class CliError(Exception):
    """A mistake the user can fix; its text is the whole error line."""


def member_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command so that every expected failure is one ``error:`` line and exit 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CliError as exc:
            message = str(exc)
        except ApiProblem as exc:
            message = problem_line(exc)
        except httpx.TransportError as exc:
            message = (
                f"cannot reach the peer ({exc.__class__.__name__}: {exc}); "
                "is `agriledger serve NET` running (see NET/endpoints.json)?"
            )
        except (LedgerError, OSError) as exc:
            message = str(exc)
        click.echo(f"error: {message}", err=True)
        sys.exit(1)

    return wrapper


def problem_line(exc: ApiProblem) -> str:
    """``422 INVALID_ARGUMENTS: detail ($.tx.args.amount: rule)`` from a problem body."""
    detail = str(exc.problem.get("detail") or exc.problem.get("title") or "")
    fields = exc.problem.get("errors") or []
    paths = "; ".join(
        f"{e.get('path')}: {e.get('rule')}" for e in fields[:3] if isinstance(e, dict)
    )
    where = f" ({paths})" if paths and paths not in detail else ""
    return f"{exc.status} {exc.code}: {detail}{where}"


def as_option(required: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]:
    return click.option(
        "--as", "member", required=required, metavar="MEMBER",
        help="Act as this member id (for example bank-a.officer-1).",
    )


def key_option(func: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--key", "key_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="The member's private key (PEM) instead of NET/orgs/.../key.pem.",
    )(func)


def peer_options(func: Callable[P, R]) -> Callable[P, R]:
    func = click.option("--url", default=None, help="Peer base URL (default: NET/endpoints.json).")(
        func
    )
    return click.option("--peer", default=None, help="Which peer of NET/endpoints.json to ask.")(
        func
    )


def json_option(func: Callable[P, R]) -> Callable[P, R]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def load_genesis(net: Path) -> GenesisConfig:
    path = net / "genesis.json"
    try:
        return GenesisConfig.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise CliError(f"{net}: not a network directory (no genesis.json)") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CliError(f"{path}: {where}: {first['msg']}") from None


def _member_ids(net: Path) -> list[str]:
    return sorted(p.name for p in net.glob("orgs/*/members/*") if p.is_dir())


def _certificate_of(member: str, net: Path | None, key_file: Path) -> Any:
    beside = key_file.parent / "cert.pem"
    if beside.is_file():
        return load_certificate(beside)
    if net is not None and (net / "genesis.json").is_file():
        for entry in load_genesis(net).members:
            cert = certificate_from_pem(entry.certificate)
            if member_fields(cert)[0] == member:
                return cert
    raise CliError(
        f"--key {key_file}: no cert.pem beside it and {member!r} is not in NET/genesis.json"
    )


def private_key(key_file: Path) -> PrivateKey:
    """The Ed25519 key in ``--key FILE``; all that co-signing an envelope needs."""
    if not key_file.is_file():
        raise CliError(f"--key {key_file}: no such file")
    try:
        return load_private_key(key_file)
    except (ValueError, TypeError, LedgerError) as exc:
        raise CliError(f"--key {key_file}: not an Ed25519 private key in PEM ({exc})") from None


def credentials(
    net: Path | None, member: str, key_file: Path | None, option: str = "--as"
) -> Credentials:
    """The member's key (and certificate) from ``--key`` or from the network directory.

    ``option`` is how the command line named the member, for the error message.
    """
    if key_file is not None:
        key = private_key(key_file)
        return Credentials(member, key, _certificate_of(member, net, key_file))
    if net is None:
        raise CliError(f"{option} {member}: give --net NET or --key FILE to find its key")
    try:
        return load_member(net, member)
    except FileNotFoundError:
        known = _member_ids(net)
        org = member.split(".", 1)[0]
        same_org = [m for m in known if m.startswith(org + ".")]
        hint = f"members of {org}: {', '.join(same_org)}" if same_org else (
            f"{len(known)} members, for example {', '.join(known[:4])}" if known
            else "it holds no member keys"
        )
        raise CliError(f"{option} {member}: no such member in {net} ({hint})") from None


def peer_url(net: Path, peer: str | None, url: str | None) -> str:
    if url is not None:
        return url.rstrip("/")
    try:
        urls = endpoints(net)
    except FileNotFoundError:
        raise CliError(
            f"{net}: no endpoints.json; start the peers with `agriledger serve {net}` "
            "or pass --url"
        ) from None
    if peer is None:
        return next(iter(urls.values()))
    if peer not in urls:
        raise CliError(f"--peer {peer}: not served; peers: {', '.join(urls)}")
    return urls[peer]


@dataclass(frozen=True)
class Target:
    """Where a command goes and as whom: the network directory, peer URL and credentials."""

    net: Path
    url: str
    member: Credentials

    @contextmanager
    def client(self) -> Iterator[Client]:
        with Client(self.url, self.member) as client:
            yield client


def target(
    net: Path, member: str, key_file: Path | None, peer: str | None, url: str | None
) -> Target:
    return Target(net, peer_url(net, peer, url), credentials(net, member, key_file))


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def console() -> Console:
    return Console(highlight=False, soft_wrap=True)


__all__ = [
    "CliError",
    "Target",
    "as_option",
    "console",
    "credentials",
    "emit_json",
    "json_option",
    "key_option",
    "load_genesis",
    "member_errors",
    "peer_options",
    "private_key",
    "problem_line",
    "target",
]
