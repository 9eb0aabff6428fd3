"""Checking a scenario's expectations against the finished run: expected against actual."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from api.visibility import MemberReads
from nodes.report import NetworkReport
from scenarios.schema import (
    Expectation,
    FlaggedPeers,
    HeadsEqual,
    MetricThreshold,
    StateFact,
    ViewFact,
)

OPS: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Verdict:
    description: str
    ok: bool
    expected: str
    actual: str

    def to_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "ok": self.ok,
            "expected": self.expected,
            "actual": self.actual,
        }


def dig(value: Any, dotted: str | None) -> Any:
    """Follow a dotted path (``a.b.0.c``) into nested dicts and lists; None if absent."""
    if not dotted:
        return value
    for part in dotted.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def check(
    expectations: Sequence[Expectation],
    *,
    report: NetworkReport,
    peer: MemberReads | None,
    metrics: Mapping[str, Any],
    peer_names: Mapping[str, str],
) -> list[Verdict]:
    """``peer_names`` maps peer member ids to the org ids a scenario file uses; ``peer``
    reads state and views as one member (the regulator) sees them."""
    verdicts: list[Verdict] = []
    for item in expectations:
        verdicts.append(_one(item, report, peer, metrics, peer_names))
    return verdicts


def _one(
    item: Expectation,
    report: NetworkReport,
    peer: MemberReads | None,
    metrics: Mapping[str, Any],
    peer_names: Mapping[str, str],
) -> Verdict:
    if isinstance(item, HeadsEqual):
        heads = {p.node_id: p.head_hash[:12] for p in report.honest()}
        ok = report.converged
        return Verdict(
            "all honest peers end with equal heads",
            ok,
            "one head, at the orderer's height",
            ", ".join(f"{peer_names.get(k, k)}={v}" for k, v in sorted(heads.items())),
        )
    if isinstance(item, FlaggedPeers):
        flagged = report.flagged()
        honest = {p.node_id for p in report.honest()}
        problems = []
        for org in item.peers:
            accused = next((k for k, v in peer_names.items() if v == org), org)
            accusers = set(flagged.get(accused, []))
            missing = honest - accusers - {accused}
            if missing:
                problems.append(
                    f"{org} not flagged by {sorted(peer_names.get(m, m) for m in missing)}"
                )
        actual = {
            peer_names.get(k, k): sorted(peer_names.get(a, a) for a in v)
            for k, v in flagged.items()
        }
        return Verdict(
            f"every honest peer flags {', '.join(item.peers)}",
            not problems,
            "flagged by all honest peers",
            str(actual) if not problems else "; ".join(problems),
        )
    if isinstance(item, MetricThreshold):
        actual_value = dig(metrics, item.name)
        number = isinstance(actual_value, int | float)
        if item.between is not None:
            low, high = item.between
            return Verdict(
                f"metric {item.name} in [{low:g}, {high:g}]",
                number and low <= actual_value <= high,
                f"{low:g} to {high:g}",
                repr(actual_value),
            )
        assert item.value is not None  # the schema admits value or between
        return Verdict(
            f"metric {item.name} {item.op} {item.value:g}",
            number and OPS[item.op](actual_value, item.value),
            f"{item.op} {item.value:g}",
            repr(actual_value),
        )
    if isinstance(item, StateFact):
        value = None if peer is None else peer.state_get(item.contract, item.key)
        return _fact(
            f"state {item.contract}/{item.key}", value, item.field, item.equals, item.exists
        )
    assert isinstance(item, ViewFact)
    try:
        value = None if peer is None else peer.view(item.contract, item.view, item.params)
    except Exception as exc:  # a view refusing its params is a failed expectation, not a crash
        return Verdict(
            f"view {item.contract}.{item.view}", False, repr(item.equals), f"error: {exc}"
        )
    return _fact(
        f"view {item.contract}.{item.view}({item.params})", value, item.field, item.equals, None
    )


def _fact(what: str, value: Any, field: str | None, equals: Any, exists: bool | None) -> Verdict:
    actual = dig(value, field)
    label = f"{what}{'.' + field if field else ''}"
    if exists is not None:
        present = value is not None
        return Verdict(f"{label} exists={exists}", present == exists, str(exists), str(present))
    return Verdict(label, actual == equals, repr(equals), repr(actual))
