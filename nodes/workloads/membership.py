"""Membership workload: org admins enrol new members, and later revoke some of them."""

from __future__ import annotations

import datetime as dt

from ledger.crypto import PrivateKey
from ledger.identity import certificate_to_pem, issue_member_certificate
from ledger.timefmt import parse_time
from ledger.tx import Envelope
from nodes.workloads.base import WorkloadContext

ROLE_FOR_TYPE = {
    "government": "agriculture", "bank": "teller", "insurer": "adjuster",
    "cooperative": "farmer", "warehouse": "warehouse_keeper", "buyer": "purchaser",
    "appraiser": "appraiser",
}


class MembershipWorkload:
    name: str = "membership"
    contracts: tuple[str, ...] = ("membership",)

    def setup(self, ctx: WorkloadContext) -> list[Envelope]:
        return []

    def generate(self, ctx: WorkloadContext, count: int) -> list[Envelope]:
        admins = [a for a in ctx.members(role="admin") if a.endswith(".admin")]
        not_before = parse_time(ctx.spec.config.time) - dt.timedelta(days=1)
        out: list[Envelope] = []
        enrolled: list[tuple[str, str]] = []
        while len(out) < count:
            if enrolled and ctx.rng.random() < 0.3:
                admin, member_id = enrolled.pop(ctx.rng.randrange(len(enrolled)))
                out.append(ctx.sign(admin, "membership", "revoke", {"member_id": member_id}))
                continue
            admin = ctx.rng.choice(admins)
            org = ctx.spec.roster.orgs[admin.split(".", 1)[0]]
            member_id = f"{org.id}.bench-{ctx.seed}-{len(out)}"
            key = PrivateKey.from_seed(f"bench/{ctx.seed}/{member_id}".encode())
            cert = issue_member_certificate(
                org.ca_certificate, org.ca_key, member_id, ROLE_FOR_TYPE[org.type],
                key.public_key(), not_before=not_before, serial=len(out) + 1,
            )
            args = {"certificate": certificate_to_pem(cert)}
            out.append(ctx.sign(admin, "membership", "enrol", args))
            enrolled.append((admin, member_id))
        return out
