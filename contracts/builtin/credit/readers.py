"""Who reads the credit contract's records. Ratings, villages and default records are
the shared credit-village register every lender prices from, so every member reads
them; a subsidy payment is read by its borrower and lender and the programme's
government treasury."""

from __future__ import annotations

from contracts.builtin.credit.records import (
    DefaultRecord,
    Household,
    Programme,
    SubsidyPayment,
    Village,
)
from contracts.readers import Readable

READERS = (
    Readable("village/{village...}", Village, public=True),
    Readable("household/{subject...}", Household, public=True),
    Readable("default/{borrower}/{loan_id...}", DefaultRecord, public=True),
    Readable("programme/{programme...}", Programme, public=True),
    Readable("payment/{programme...}/{seq}", SubsidyPayment, parties=("borrower", "lender"),
             via=("programme/{programme}",), roles=(("government", "finance"),)),
)
