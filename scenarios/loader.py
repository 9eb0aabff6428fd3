"""Reading scenario YAML so that every schema error names the file, the line and the field.

PyYAML's composer keeps the position of every node; we walk the node tree once,
building the plain Python value and a map from field path (a tuple of keys and
indexes, as pydantic reports it) to the line it started on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class ScenarioError(Exception):
    """A scenario file is unreadable or breaks the schema; ``problems`` lists each one."""

    def __init__(self, path: str, problems: Sequence[tuple[int | None, str, str]]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = [
            f"{path}:{line if line is not None else '?'}: {field}: {message}"
            for line, field, message in self.problems
        ]
        super().__init__("\n".join(lines))


def _construct(node: yaml.Node, loc: Loc, lines: dict[Loc, int], loader: yaml.SafeLoader) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            result[key] = _construct(value_node, (*loc, key), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_with_lines(text: str, path: str) -> tuple[Any, dict[Loc, int]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(path, [(line, "(yaml)", str(getattr(exc, "problem", exc)))]) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    if node is None:
        return {}, lines
    return _construct(node, (), lines, yaml.SafeLoader("")), lines


def _data_loc(loc: Loc, lines: dict[Loc, int]) -> Loc:
    """Drop the union tags pydantic adds to a location ('crash' in faults[0].crash.day)."""
    kept: Loc = ()
    for part in loc:
        if isinstance(part, str) and part in _TAGS and (*kept, part) not in lines:
            continue
        kept = (*kept, part)
    return kept


_TAGS = frozenset(
    {
        "crash",
        "partition",
        "slow_link",
        "byzantine",
        "heads_equal",
        "state",
        "view",
        "metric",
        "flagged",
    }
)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _field(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


Check = Callable[[M], Sequence[tuple[Loc, str]]]


def parse_model(model: type[M], text: str, path: str, check: Check[M] | None = None) -> M:
    """Validate YAML ``text`` against ``model``, then ``check`` the names it uses (a list of
    (field path, rule)); raise ScenarioError with ``file:line: field: rule`` for each."""
    data, lines = load_yaml_with_lines(text, path)
    try:
        value = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _data_loc(tuple(error["loc"]), lines)
            problems.append((_line_for(loc, lines), _field(loc), error["msg"]))
        raise ScenarioError(path, problems) from None
    found = check(value) if check is not None else []
    if found:
        located = [(_line_for(loc, lines), _field(loc), rule) for loc, rule in found]
        raise ScenarioError(path, located)
    return value


def read_model(model: type[M], path: Path, check: Check[M] | None = None) -> M:
    return parse_model(model, path.read_text(encoding="utf-8"), str(path), check)
