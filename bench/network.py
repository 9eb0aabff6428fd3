"""Network benchmark as a script: ``python bench/network.py [--peers 4] [--txs 10000] ...``.

Same options and output as ``agriledger bench`` (see nodes/bench.py for what is measured).
"""

from __future__ import annotations

from api.commands.bench import bench_command
from ledger.gc_policy import apply_peer_gc_policy

if __name__ == "__main__":
    apply_peer_gc_policy()  # as the agriledger command does
    bench_command()
