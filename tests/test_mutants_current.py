"""Every planted bug of ``make mutants`` still finds its text, once: a refactor that
moves a rule must move its mutant too, or the mutation score silently shrinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "mutant", [m for ms in MUTANTS.values() for m in ms], ids=lambda m: m.slip
)
def test_each_mutant_applies_to_exactly_one_place(mutant: Mutant) -> None:
    source = (ROOT / mutant.path).read_text()
    assert source.count(mutant.old) == 1, f"{mutant.path}: {mutant.old!r}"
