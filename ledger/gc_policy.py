"""The garbage-collector setting for processes that run peers.

A peer allocates several small dicts per tx (records, overlays, results) and keeps
a large, growing state of long-lived ones. CPython's default first-generation
threshold (700 allocations) then triggers a collection every few txs, and each
older-generation pass walks the whole state, although ledger values are plain
JSON and never form reference cycles. A larger first threshold keeps the same
cycle collection with far fewer passes: ``agriledger bench`` commits about 20 %
more tx/s with it (docs/architecture.md, "Performance").

It is a process-wide setting, so entry points (the ``agriledger`` command and the
benchmark's worker processes) apply it, never a library import.
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 20_000


def apply_peer_gc_policy() -> None:
    """Raise the first-generation threshold, keeping the older generations' ratios."""
    first, second, third = gc.get_threshold()
    gc.set_threshold(max(first, FIRST_GENERATION_THRESHOLD), second, third)
