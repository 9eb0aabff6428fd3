"""Which stories a season runs, from the scenario's populations and agent parameters."""

from __future__ import annotations

import random
from collections.abc import Iterator

from scenarios.engine import Story
from scenarios.world import World


def season_stories(world: World, rng: random.Random) -> Iterator[tuple[float, str, Story]]:
    yield from ()
