"""The repository's docs stand on their own and name every rule the contracts cite.

A user of the repository has only what is tracked in it, so no tracked file may point
at material outside it (a sibling ``shared`` folder, or the design and domain briefs
that lived there); the project's own pages are docs/architecture.md and docs/domain.md.
Every rule code (A10, C7, ...) and source tag ([S13]) that the contracts, scenarios,
README or architecture page cite is defined in docs/domain.md, and every invariant a
built-in contract declares is listed there as ``<contract>.<code>``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from contracts.registry import discover

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "docs" / "domain.md"

OUTSIDE = re.compile(r"\.\./shared|(?<![\w/.-])(?:DOMAIN|DESIGN|STYLE)\.md|\bDOMAIN \d")
RULE = re.compile(r"\b[ABCDLTVX]\d{1,2}\b")
DEFINED_RULE = re.compile(r"\*\*([ABCDLTVX]\d{1,2})\*\*")
SOURCE = re.compile(r"\[S(\d{1,2}b?)\]")
CITING = ["contracts/**/*.py", "scenarios/builtin/*.yaml", "README.md", "docs/architecture.md"]


def tracked_files() -> list[Path]:
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of tracked files")
    return [ROOT / name for name in done.stdout.decode().split("\0") if name]


def citing_files() -> list[Path]:
    return sorted({path for pattern in CITING for path in ROOT.glob(pattern)})


def domain_text() -> str:
    return DOMAIN.read_text(encoding="utf-8")


def builtin_contracts() -> dict[str, Any]:
    return {
        name: cls for name, cls in discover().items()
        if cls.__module__.startswith("contracts.builtin.")
    }


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_pattern_catches_outside_references_and_spares_the_project_docs() -> None:
    assert OUTSIDE.search("see ../" + "shared/notes.txt")
    assert OUTSIDE.search("(DOMAIN" + ".md 3.4)")
    assert OUTSIDE.search("Departures from DESIGN" + ".md")
    assert OUTSIDE.search("Design choices (A, DOMAIN" + " 2.1)")
    assert not OUTSIDE.search("docs/domain.md 3.4 and docs/architecture.md")


def test_every_rule_code_the_project_cites_is_defined_in_docs_domain() -> None:
    defined = set(DEFINED_RULE.findall(domain_text()))
    missing = [
        f"{path.relative_to(ROOT)}: {code}"
        for path in citing_files()
        for code in sorted(set(RULE.findall(path.read_text(encoding="utf-8"))) - defined)
    ]
    assert not missing, "rule codes cited but not defined in docs/domain.md:\n" + "\n".join(
        missing
    )


def test_the_domain_page_defines_each_rule_family_in_full() -> None:
    defined = set(DEFINED_RULE.findall(domain_text()))
    families = {"A": 10, "B": 7, "C": 17, "D": 7, "L": 5, "T": 4, "V": 5, "X": 4}
    expected = {f"{letter}{n}" for letter, count in families.items() for n in range(1, count + 1)}
    assert expected <= defined, f"not defined: {sorted(expected - defined)}"


def test_every_source_tag_the_project_cites_is_listed_in_docs_domain() -> None:
    text = domain_text()
    listed = set(SOURCE.findall(text.split("\n## Sources", 1)[1]))
    cited = {tag for path in citing_files() for tag in SOURCE.findall(path.read_text("utf-8"))}
    cited |= set(SOURCE.findall(text))
    assert cited <= listed, f"source tags without an entry: {sorted(cited - listed)}"


def test_every_declared_invariant_of_a_builtin_contract_is_listed() -> None:
    text = domain_text()
    builtins = builtin_contracts()
    assert len(builtins) == 10
    missing = []
    for name, cls in sorted(builtins.items()):
        for code in cls.invariants:
            qualified = f"{name}.{code}"
            letters = code.rstrip("0123456789")
            span = re.search(
                rf"`{name}\.{letters}(\d+)` \.\.\. `{name}\.{letters}(\d+)`", text
            )
            in_span = span is not None and int(span[1]) <= int(code[len(letters):]) <= int(
                span[2]
            )
            if f"`{qualified}`" not in text and not in_span:
                missing.append(qualified)
    assert not missing, f"declared invariants missing from docs/domain.md: {missing}"


def test_every_contract_name_the_domain_page_uses_exists_with_its_stated_default() -> None:
    """``contract.param`` names a genesis parameter (or an action/view/operation), and a
    default given as ``contract.param` (N)`` or as a parameter-sheet row is the code's."""
    text = domain_text()
    contracts = builtin_contracts()
    unknown = []
    for name, member in sorted(set(re.findall(r"`([a-z_]+)\.([a-z_]+)`", text))):
        cls = contracts.get(name)
        if cls is None:
            continue  # a module path such as contracts.testing, not a contract
        known = {*cls.Params.model_fields, *cls.actions, *cls.views, *cls.operations}
        if member not in known:
            unknown.append(f"{name}.{member}")
    assert not unknown, f"not a parameter or entry point of that contract: {unknown}"

    stated = re.findall(r"`([a-z_]+)\.([a-z_]+)` \((\d+)[ ),=]", text)
    stated += re.findall(r"\| `([a-z_]+)\.([a-z_]+)` \| (\d+) \|", text)
    assert len(stated) >= 20
    wrong = []
    for name, param, default in stated:
        actual = contracts[name].Params.model_fields[param].default
        if actual != int(default):
            wrong.append(f"{name}.{param}: page says {default}, code has {actual}")
    assert not wrong, "\n".join(wrong)
