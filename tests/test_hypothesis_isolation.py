"""The seam ``module_independent_draws`` (tests/conftest.py) patches in hypothesis."""

from __future__ import annotations

import pytest
from hypothesis.internal.conjecture import providers


def test_the_local_constants_seam_is_where_the_fixture_patches_it() -> None:
    assert callable(providers._get_local_constants)
    assert isinstance(providers._get_local_constants(), providers.Constants)
    assert hasattr(providers.CONSTANTS_CACHE, "cache")


@pytest.mark.usefixtures("module_independent_draws")
def test_under_the_fixture_no_module_constant_is_drawn() -> None:
    assert len(providers._get_local_constants()) == 0
