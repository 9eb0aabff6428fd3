"""Who receives a tx's private side-car, and the check a peer makes before sharing it.

A client submits an envelope whose args carry salted hashes (``ledger.private``)
plus a side-car of sealed fields. The peer that takes it checks the side-car
(every salt and hash, every hash standing in the args under its field name),
gate-checks the envelope, works out the entitled organisations from the tx and
the identity registry, and hands a ``PrivateDelivery`` to its network's
``share`` hook before forwarding the envelope for ordering:

* in-process networks (``nodes.local.LocalNetwork``: ``serve``, the benchmark;
  ``nodes.sim``) put it straight into the private store of each peer of an
  entitled organisation;
* a peer ordered by JetStream publishes it on ``agl.<chain>.private.<org>`` for
  each entitled org; nats-server lets only that org's NATS user subscribe there
  (``nodes.jetstream.auth``, written by ``network init``).

The chain itself only ever holds the hashes. Entitlement is data
(``PRIVATE_ACTIONS``): the signer's organisation (the cooperative enrolling its
households), organisations named in the args (the insurer), and every
organisation of a type holding a member of a role (government ``agriculture``).
A purge is a transaction: a contract emits ``PrivateDataPurged`` with the hashes,
and every peer deletes them from its private store when it commits the block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.identity import MEMBERSHIP_NAMESPACE
from ledger.interfaces import StateReader
from ledger.private import PrivateDataRefused, PrivateField, bind_to_args, parse_fields
from ledger.tx import Envelope

PURGE_EVENT = "PrivateDataPurged"
"""A committed event of this type with a ``hashes`` list purges those hashes everywhere."""


@dataclass(frozen=True, slots=True)
class PrivateReaders:
    """Who may hold a side-car's plaintext, besides the signer's organisation."""

    arg_orgs: tuple[str, ...] = ()
    """Top-level args naming an organisation id."""
    roles: tuple[tuple[str, str], ...] = ()
    """(org type, role): every organisation of that type with an enrolled member of that role."""


PRIVATE_ACTIONS: Mapping[tuple[str, str], PrivateReaders] = {
    ("claims", "enrol"): PrivateReaders(
        arg_orgs=("insurer",), roles=(("government", "agriculture"),)
    ),
}
"""The actions that take a side-car, and who is entitled to it."""


@dataclass(frozen=True, slots=True)
class PrivateDelivery:
    """A side-car on its way to the private stores of ``readers``' peers."""

    tx_id: str
    fields: tuple[PrivateField, ...]
    readers: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"tx_id": self.tx_id, "readers": list(self.readers),
                "fields": [f.to_json() for f in self.fields]}

    @classmethod
    def from_json(cls, data: Any) -> PrivateDelivery:
        if not isinstance(data, dict) or set(data) != {"tx_id", "readers", "fields"}:
            raise PrivateDataRefused("$", "a delivery has exactly tx_id, readers, fields")
        readers = data["readers"]
        if not isinstance(readers, list) or not all(isinstance(r, str) for r in readers):
            raise PrivateDataRefused("$.readers", "must be an array of organisation ids")
        return cls(str(data["tx_id"]), tuple(parse_fields(data["fields"], "$.fields")),
                   tuple(readers))


Share = Callable[[PrivateDelivery], None]


def _org_types(state: StateReader) -> dict[str, str]:
    return {
        str(v["id"]): str(v["type"])
        for _, v in state.scan(f"{MEMBERSHIP_NAMESPACE}/org/")
        if isinstance(v, dict)
    }


def entitled_orgs(envelope: Envelope, state: StateReader) -> tuple[str, ...]:
    """The organisations whose peers may hold ``envelope``'s side-car (sorted), or
    PrivateDataRefused when its action takes none."""
    rule = PRIVATE_ACTIONS.get((envelope.contract, envelope.action))
    if rule is None:
        raise PrivateDataRefused(
            "$.envelope.tx.action",
            f"{envelope.contract}.{envelope.action} takes no private fields "
            f"(those that do: {', '.join(f'{c}.{a}' for c, a in sorted(PRIVATE_ACTIONS))})",
            "PRIVATE_NOT_ACCEPTED",
        )
    orgs: set[str] = set()
    signer = state.get(f"{MEMBERSHIP_NAMESPACE}/member/{envelope.signer}")
    if isinstance(signer, dict):
        orgs.add(str(signer["org"]))
    types = _org_types(state)
    for name in rule.arg_orgs:
        value = envelope.args.get(name)
        if isinstance(value, str) and value in types:
            orgs.add(value)
    if rule.roles:
        for _, member in state.scan(f"{MEMBERSHIP_NAMESPACE}/member/"):
            if not isinstance(member, dict) or member.get("revoked"):
                continue
            org = str(member["org"])
            if (types.get(org), member["role"]) in rule.roles:
                orgs.add(org)
    return tuple(sorted(orgs))


def prepare(envelope: Envelope, raw_fields: Any, state: StateReader) -> PrivateDelivery:
    """The checked side-car of ``envelope`` and who receives it (PrivateDataRefused names
    the first bad field)."""
    fields = parse_fields(raw_fields)
    bind_to_args(fields, envelope.args)
    return PrivateDelivery(envelope.tx_id, tuple(fields), entitled_orgs(envelope, state))


def purged_hashes(events: Sequence[Mapping[str, Any]]) -> list[str]:
    """The hashes named by ``PrivateDataPurged`` events of one committed tx."""
    out: list[str] = []
    for event in events:
        if event.get("type") == PURGE_EVENT:
            hashes = event.get("data", {}).get("hashes", [])
            out.extend(str(h) for h in hashes)
    return out
