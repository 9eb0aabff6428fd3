"""What a sweep varies: seed ranges, ``--vary`` values, and how a parameter name sets the spec.

A NAME is either a parameter the scenario declares in its ``sweep:`` block (a short
name mapped to a dotted path) or a dotted path into the scenario itself, e.g.
``agents.insurance.severity`` or ``agents.price_fall_pct.paddy``. The path must end
at a field that exists (or a key of a mapping field such as ``price_fall_pct``);
the scenario is then validated again, so a wrong type or range is refused with the
parameter's name in the message, before anything runs.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from scenarios.schema import Scenario

Value = float | int | str
MAPPING_LEAVES = ("price_fall_pct", "price_path", "commodities", "params", "policies", "crops")
"""Fields that are mappings: a path may name a new key under them."""


class SweepError(ValueError):
    """A sweep definition the scenario cannot take; ``parameter`` names the culprit."""

    def __init__(self, parameter: str, rule: str) -> None:
        super().__init__(f"{parameter}: {rule}")
        self.parameter = parameter
        self.rule = rule


@dataclass(frozen=True)
class Parameter:
    name: str
    path: str
    values: tuple[Value, ...]
    unit: str = ""


def parse_seeds(text: str) -> list[int]:
    """``1..200`` (inclusive) or ``1,2,5`` or a mix: ``1..3,10``."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if ".." in part:
                low, high = (int(x) for x in part.split("..", 1))
                if high < low:
                    raise SweepError("--seeds", f"{part}: the range ends before it starts")
                seeds.extend(range(low, high + 1))
            else:
                seeds.append(int(part))
        except ValueError as exc:
            if isinstance(exc, SweepError):
                raise
            raise SweepError("--seeds", f"{part!r} is not a seed or LOW..HIGH range") from None
    if not seeds:
        raise SweepError("--seeds", "no seeds")
    return sorted(set(seeds))


def _number(text: str) -> Value:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def parse_vary(text: str) -> tuple[str, tuple[Value, ...]]:
    """``NAME=V1,V2``, ``NAME=LOW..HIGH:STEPS`` (STEPS values, ends included) or
    ``NAME=LOW..HIGH`` with whole ends (every whole number between, as ``--seeds`` reads)."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name or not spec:
        raise SweepError(name or text, "expected NAME=V1,V2,... or NAME=LOW..HIGH:STEPS")
    if ".." in spec:
        span, _, steps_text = spec.partition(":")
        try:
            low, high = (float(x) for x in span.split("..", 1))
            steps = int(steps_text) if steps_text else int(high - low) + 1
        except ValueError:
            raise SweepError(name, f"{spec!r} is not LOW..HIGH:STEPS") from None
        if not steps_text and not (low.is_integer() and high.is_integer() and high > low):
            raise SweepError(name, f"{spec!r}: LOW..HIGH without :STEPS needs whole "
                             "numbers, LOW below HIGH (every whole number between is run)")
        if steps < 2:
            raise SweepError(name, "STEPS must be at least 2")
        values = [low + (high - low) * i / (steps - 1) for i in range(steps)]
        whole = all(v == int(v) for v in values)
        return name, tuple(int(v) if whole else round(v, 6) for v in values)
    return name, tuple(_number(v.strip()) for v in spec.split(",") if v.strip())


def set_path(data: dict[str, Any], path: str, value: Value, parameter: str) -> None:
    """Set ``value`` at a dotted ``path`` of the dumped scenario; unknown fields are refused."""
    keys = path.split(".")
    node: Any = data
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        parent_is_mapping = depth > 0 and keys[depth - 1] in MAPPING_LEAVES
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise SweepError(parameter, f"{'.'.join(keys[:depth + 1])}: no such list item")
            index = int(key)
            if last:
                node[index] = value
            else:
                node = node[index] = list(node[index]) if isinstance(node[index], tuple) \
                    else node[index]
            continue
        if not isinstance(node, dict) or (key not in node and not parent_is_mapping):
            raise SweepError(
                parameter, f"{'.'.join(keys[:depth + 1])} is not a field of the scenario"
            )
        if last:
            node[key] = value
        else:
            if node.get(key) is None:
                raise SweepError(parameter, f"{'.'.join(keys[:depth + 1])} is not set")
            node = node[key]


def apply(scenario: Scenario, params: dict[str, Parameter], values: dict[str, Value]) -> Scenario:
    """The scenario with each named parameter set; validated again (types and ranges)."""
    data = scenario.model_dump(mode="python", exclude={"sweep"})
    for name, value in values.items():
        set_path(data, params[name].path, value, name)
    try:
        return Scenario.model_validate({**data, "sweep": scenario.sweep})
    except ValidationError as exc:
        names = ", ".join(values)
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SweepError(names, f"{where}: {first['msg']}") from None


def resolve(scenario: Scenario, varies: list[tuple[str, tuple[Value, ...]]]) -> list[Parameter]:
    """The sweep's parameters: ``--vary`` ones if given, else the scenario's declared ones."""
    declared = {
        p.name: Parameter(p.name, p.path, tuple(p.values), p.unit)
        for p in (scenario.sweep.parameters if scenario.sweep else [])
    }
    if not varies:
        chosen = list(declared.values())
    else:
        chosen = []
        for name, values in varies:
            base = declared.get(name)
            path = base.path if base else name
            chosen.append(Parameter(name, path, values, base.unit if base else ""))
    seen: set[str] = set()
    for param in chosen:
        if param.name in seen:
            raise SweepError(param.name, "varied twice")
        seen.add(param.name)
        if not param.values:
            raise SweepError(param.name, "no values")
        for value in param.values:  # each value alone must make a valid scenario
            try:
                apply(scenario, {param.name: param}, {param.name: value})
            except SweepError as exc:
                if param.name in declared or "is not a field" not in exc.rule:
                    raise
                raise SweepError(param.name, exc.rule + _known(param.name, declared)) from None
    return chosen


def _known(name: str, declared: dict[str, Parameter]) -> str:
    """What the user could have meant: the closest declared name, then all of them."""
    if not declared:
        return ". This scenario declares no sweep parameters: use a dotted path of its fields"
    close = difflib.get_close_matches(name, list(declared), n=1)
    hint = f". Did you mean {close[0]}?" if close else "."
    return (f"{hint} Declared parameters: {', '.join(sorted(declared))}"
            " (or a dotted path of the scenario's fields)")


def combinations(params: list[Parameter]) -> list[dict[str, Value]]:
    """Every combination of the parameters' values, in a fixed order."""
    if not params:
        return [{}]
    return [
        dict(zip([p.name for p in params], combo, strict=True))
        for combo in itertools.product(*(p.values for p in params))
    ]
