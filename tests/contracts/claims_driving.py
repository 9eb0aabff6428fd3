"""Driving for the claims machine: take the furthest live claim a few valid steps on.

The other rules are free to go astray, so without this random runs rarely reach a paid
household. ``ClaimDriving`` is mixed into ``ClaimsMachine``; every step goes through the
machine's own checked rules (its model, expected codes, attacks), so nothing is assumed.
"""

from __future__ import annotations

from claims_model import H1, H2, H3, P1_COVERS, any_open
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule


class ClaimDriving:
    """The ``drive`` rules, mixed into ``ClaimsMachine`` (whose rules they call)."""

    ORDER: tuple[str, ...] = (
        "REPORTED", "SURVEYED", "ASSESSED", "VERIFIED", "PUBLICISED", "TRIGGERED",
    )

    def _furthest(self) -> str | None:
        """The live claim furthest along the path (ties: the oldest)."""
        live = [(self.ORDER.index(c.state), k) for k, c in self.model.items()
                if c.state in self.ORDER and any_open(c)]
        return max(live, key=lambda x: x[0])[1] if live else None

    @precondition(lambda self: self._furthest() is not None)
    @rule(household=st.sampled_from([H1, H2, H3, H3]),
          loss=st.sampled_from([0, 2_999, 3_000, 5_000, 8_000]))
    def drive(self, household: str, loss: int) -> None:
        """Take the furthest live claim up to three valid steps further (the other rules
        are free to go astray, so without this runs rarely reach payment)."""
        for _ in range(3):
            claim = self._furthest()
            if claim is None or not self._step(claim, household, loss):
                return

    @precondition(lambda self: self._furthest() is not None)
    @rule(household=st.sampled_from([H3, H2]), loss=st.sampled_from([2_999, 6_999, 7_000]))
    def drive_more(self, household: str, loss: int) -> None:
        self.drive(household, loss)

    def _step(self, claim: str, household: str, loss: int) -> bool:
        c = self.model[claim]
        if c.state == "REPORTED":
            self.survey(claim, "insurer.adjuster")
        elif c.state == "SURVEYED" or (c.state == "ASSESSED" and any(
                h.state == "OBJECTED" for h in c.households.values())):
            todo = [k for k, h in c.households.items() if h.state == "OBJECTED"] or [household]
            if loss == 2_999 and self.evidence:  # first with another's evidence (C16)
                self.assess(claim, todo[0], loss, P1_COVERS[todo[0]][0], "insurer.adjuster",
                            reuse=True)
            self.assess(claim, todo[0], loss, P1_COVERS[todo[0]][0], "insurer.adjuster")
        elif c.state == "ASSESSED":
            self.verify(claim, True)
        elif c.state == "VERIFIED":
            self.publicise(claim)
        elif c.publicity_ends is not None and self.now < c.publicity_ends:
            if loss in (3_000, 8_000) and household not in self.revoked:
                self.object(claim, household)  # a household objects; reassessment follows
            else:  # signing or paying now is too early (C3); then the posting ends
                if household not in self.revoked:
                    self.sign(claim, household, True)
                self.pay(claim, household, "insurer.claims")
                self.ledger.clock = c.publicity_ends
        else:
            for name, h in c.households.items():
                if h.state == "ASSESSED" and name not in self.revoked:
                    self.sign(claim, name, True)
                    return True
                if h.state == "AGREED" and claim not in self.frozen:
                    self.pay(claim, name, "insurer.claims")
                    return True
            return False
        return True
