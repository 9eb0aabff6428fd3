"""A claim's per-household actions cost the same whatever the size of the group.

Each household's cover and assessment has its own state key, so assessing, signing or
paying one household writes that household's records and at most the fixed-size claim
head: never the whole policy or claim. With n households a claim writes O(n) bytes in
all, where one record per policy and claim made it O(n^2). Real harness, real
signatures.
"""

from __future__ import annotations

from test_claims_kit import EVIDENCE, MU, Flow, cover, evidence, harness, ok

from ledger.block import TxResult
from ledger.encoding import canonical

GROUP = 200
HOUSEHOLDS = [f"coop-q.h{i:03d}" for i in range(1, GROUP + 1)]
SMALL_WRITE = 1_024  # bytes: one household's record, a claim head, a book, a balance
DIGITS = 8


def write_sizes(result: TxResult) -> list[int]:
    """Canonical bytes of each value the tx wrote (what every peer encodes and hashes)."""
    return [len(canonical(value)) for _, value in result.writes if value is not None]


def group_claim() -> tuple[Flow, dict[str, dict[str, list[int]]]]:
    """A 200-household policy and one claim taken to PAID for every household; the sizes
    written by each household's assess, sign and pay tx."""
    flow = Flow(harness(farmers=GROUP))
    flow.enrol("village", [cover(h, 10) for h in HOUSEHOLDS])
    flow.activate("village")
    flow.ledger.advance(days=60)
    flow.report("c1", "village")
    ok(flow.submit("insurer.adjuster", "survey", claim_id="c1", evidence=evidence("c1")))
    sizes: dict[str, dict[str, list[int]]] = {"assess": {}, "sign": {}, "pay": {}}
    for h in HOUSEHOLDS:
        sizes["assess"][h] = write_sizes(ok(flow.submit(
            "insurer.adjuster", "assess_household", claim_id="c1", insured=h, loss_bp=5_000,
            damaged_area=8 * MU, stage="tillering", evidence=evidence("c1", h))))
    flow.verify_and_publicise("c1")
    flow.ledger.advance(days=3)
    for h in HOUSEHOLDS:
        sizes["sign"][h] = write_sizes(ok(flow.submit(h, "sign_agreement", claim_id="c1",
                                                      insured=h)))
    for h in HOUSEHOLDS:
        sizes["pay"][h] = write_sizes(ok(flow.submit("insurer.claims", "pay", claim_id="c1",
                                                     insured=h)))
    return flow, sizes


def test_bytes_written_per_household_do_not_grow_with_the_group() -> None:
    flow, sizes = group_claim()
    second, last = HOUSEHOLDS[1], HOUSEHOLDS[-1]
    for action, by_household in sizes.items():
        # a few bytes of slack: running totals (the book, balances) gain digits
        assert sum(by_household[last]) <= sum(by_household[second]) + DIGITS, (
            f"{action} of household {GROUP} wrote {sum(by_household[last])} bytes, "
            f"household 2 {sum(by_household[second])}"
        )
        largest = max(max(s) for s in by_household.values())
        assert largest < SMALL_WRITE, f"{action} wrote a {largest}-byte value"
    # The parent records stay small, and the views still show every household.
    for key in ("policy/village", "claim/c1"):
        assert len(canonical(flow.ledger.get("claims", key))) < SMALL_WRITE
    policy, claim = flow.policy("village"), flow.claim("c1")
    assert sorted(policy["covers"]) == HOUSEHOLDS
    assert sorted(claim["households"]) == HOUSEHOLDS
    assert all(h["state"] == "PAID" and h["paid"] == 1_600 * 100
               for h in claim["households"].values())
    flow.ledger.check_invariants()


def test_ids_that_extend_another_id_keep_their_households_apart() -> None:
    """Ids may contain '/', so 'v' and 'v/2' share a prefix; '~' ends the parent id in
    a household key and never occurs in an id, so their covers and claims stay apart."""
    h1, h2, outsider = HOUSEHOLDS[:3]  # outsider: insured on v/2 only, not on v
    flow = Flow(harness(farmers=3))
    flow.enrol("v", [cover(h1, 10), cover(h2, 10)])
    flow.enrol("v/2", [cover(outsider, 10)])
    flow.activate("v")
    flow.activate("v/2")
    assert sorted(flow.policy("v")["covers"]) == [h1, h2]
    assert list(flow.policy("v/2")["covers"]) == [outsider]
    report = {"peril": "flood", "occurred_at": flow.ledger.now}
    ok(flow.submit(outsider, "report_loss", claim_id="c/2", policy_id="v/2", **report))
    flow.report("c", "v")
    ok(flow.submit("insurer.adjuster", "survey", claim_id="c", evidence=EVIDENCE))
    assessed = flow.submit("insurer.adjuster", "assess_household", claim_id="c",
                           insured=outsider, loss_bp=5_000, damaged_area=8 * MU,
                           stage="tillering", evidence=EVIDENCE)
    assert assessed.code == "HOUSEHOLD_NOT_INSURED"
    flow.survey_and_assess("c/2", {outsider: (5_000, 8 * MU)})
    assert flow.claim("c")["households"] == {}
    assert list(flow.claim("c/2")["households"]) == [outsider]
    flow.ledger.check_invariants()
