"""Agents with behaviour, written as stories (see scenarios.engine)."""

from scenarios.agents.season import season_stories

__all__ = ["season_stories"]
