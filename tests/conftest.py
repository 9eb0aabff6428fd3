"""Settings shared by every test tier.

Hypothesis profiles: ``quick`` is the local default; ``ci`` (selected when the
environment has ``CI=true``) runs more examples without a deadline. Pick one
explicitly with ``pytest --hypothesis-profile=ci``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# quick: a fast local signal. ci: the thorough run, at least 200 examples and, for the
# contract state machines, 30 steps each (issue 3's floor for the CI profile).
settings.register_profile("quick", max_examples=30, stateful_step_count=25, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "quick")


@contextlib.contextmanager
def local_constants_pinned() -> Iterator[None]:
    """Hypothesis also draws literal constants found in every local module imported so far,
    so a derandomized run's verdict depends on what ran before it in the same process (a
    test order or an xdist worker's share). This pins those constants to none, so fixed
    runs are the same in any order (hypothesis internals: re-check on upgrade;
    ``tests/test_hypothesis_isolation.py`` fails if the seam moves, and
    ``tests/order_check.py`` compares the runs after different imports and orders)."""
    from hypothesis.internal.conjecture import providers

    saved = providers._get_local_constants
    empty = providers.Constants()
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = saved
        providers.CONSTANTS_CACHE.cache.clear()


@pytest.fixture
def module_independent_draws() -> Iterator[None]:
    """``local_constants_pinned`` for one test (the deep-state tests use it)."""
    with local_constants_pinned():
        yield
