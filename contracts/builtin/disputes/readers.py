"""Who reads disputes: the claimant and the respondent, and the government's mediators
and courts. Whether an asset is frozen (``open/<asset>``) is a public notice, as an
attachment on a register is."""

from __future__ import annotations

from contracts.builtin.disputes.records import Dispute
from contracts.readers import Readable

READERS = (
    Readable("dispute/{dispute...}", Dispute, parties=("claimant", "respondent"),
             roles=(("government", "mediator"), ("government", "court"))),
    Readable("open/{asset...}", public=True),
)
