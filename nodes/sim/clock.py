"""A discrete-event loop on a simulated clock in integer milliseconds.

Events run in (time, insertion order): two events at the same millisecond run in
the order they were scheduled, so a run is a pure function of its inputs and
the seeded random generator. Nothing here reads the wall clock.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

Action = Callable[[], None]


class EventLoop:
    def __init__(self) -> None:
        self.now = 0
        self._queue: list[tuple[int, int, Action]] = []
        self._order = itertools.count()
        self.processed = 0

    def at(self, time_ms: int, action: Action) -> None:
        """Run ``action`` at ``time_ms`` (now, if that is in the past)."""
        heapq.heappush(self._queue, (max(time_ms, self.now), next(self._order), action))

    def after(self, delay_ms: int, action: Action) -> None:
        self.at(self.now + delay_ms, action)

    def run(self, until_ms: int) -> None:
        """Process every event due at or before ``until_ms``; the clock ends at ``until_ms``."""
        while self._queue and self._queue[0][0] <= until_ms:
            time_ms, _, action = heapq.heappop(self._queue)
            self.now = time_ms
            action()
            self.processed += 1
        self.now = max(self.now, until_ms)
