"""Settlement workload: the central bank funds members, who then pay each other."""

from __future__ import annotations

from ledger.tx import Envelope
from nodes.workloads.base import WorkloadContext

FUNDING = 10**12  # fen per account: enough that no generated transfer runs dry


class SettlementWorkload:
    name: str = "settlement"
    contracts: tuple[str, ...] = ("settlement",)

    def _accounts(self, ctx: WorkloadContext) -> list[str]:
        return [m for m in ctx.members() if ctx.credentials(m).role not in ("peer", "central_bank")]

    def setup(self, ctx: WorkloadContext) -> list[Envelope]:
        issuer = ctx.members(role="central_bank")[0]
        return [
            ctx.sign(issuer, "settlement", "issue", {"account": a, "amount": FUNDING})
            for a in self._accounts(ctx)
        ]

    def generate(self, ctx: WorkloadContext, count: int) -> list[Envelope]:
        accounts = self._accounts(ctx)
        out = []
        for _ in range(count):
            source, target = ctx.rng.sample(accounts, 2)
            args = {"source": source, "target": target, "amount": ctx.rng.randint(1, 10_000_00)}
            out.append(ctx.sign(source, "settlement", "transfer", args))
        return out
