"""Which stories a season runs, from the scenario's populations and agent parameters."""

from __future__ import annotations

import random
from collections.abc import Iterator

from scenarios.agents import credit_lines, funding, government, insurance, orders, pledge
from scenarios.agents.base import AgentKit, Reader
from scenarios.engine import Story
from scenarios.world import World

PRODUCTS = (
    funding.stories,
    government.stories,
    pledge.stories,
    orders.stories,
    insurance.stories,
    credit_lines.stories,
)


def season_stories(
    world: World, rng: random.Random, read: Reader
) -> Iterator[tuple[float, str, Story]]:
    kit = AgentKit(world, rng, read)
    for product in PRODUCTS:
        yield from product(kit)
