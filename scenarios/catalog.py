"""The built-in scenarios: YAML files shipped in ``scenarios/builtin/``, found by name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scenarios.check import problems
from scenarios.loader import read_model
from scenarios.schema import Scenario

BUILTIN_DIR = Path(__file__).parent / "builtin"
DEFAULT_SCENARIO = "season"


@dataclass(frozen=True)
class Entry:
    name: str
    description: str
    path: Path


def builtin() -> list[Entry]:
    entries = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        scenario = read_model(Scenario, path)
        entries.append(
            Entry(
                path.stem,
                scenario.description.strip().splitlines()[0] if scenario.description else "",
                path,
            )
        )
    return entries


def resolve(name_or_path: str) -> Path:
    """A path to a scenario file, or the file of a built-in scenario by name."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.suffix in (".yaml", ".yml"):
        raise FileNotFoundError(f"{name_or_path}: no such scenario file")
    candidate = BUILTIN_DIR / f"{name_or_path}.yaml"
    if candidate.exists():
        return candidate
    names = ", ".join(e.name for e in builtin())
    raise FileNotFoundError(
        f"no scenario file or built-in scenario named {name_or_path!r} (built-ins: {names})"
    )


def load(name_or_path: str) -> Scenario:
    """The scenario, with every name it uses resolved (``scenarios.check``) before it runs."""
    return read_model(Scenario, resolve(name_or_path), check=problems)
