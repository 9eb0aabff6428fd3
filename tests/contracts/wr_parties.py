"""Who acts in the warehouse-receipt machines: the holders and the member acting for each,
the impostors and price oracles, the terminal receipt states, and the revoked members
added to the fixture orgs. Shared by the machine (test_warehouse_receipt_stateful.py), its
steering (wr_steering.py) and the machines built on it.
"""

from __future__ import annotations

import datetime as dt

from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.testing import OrgSpec, with_node_keys

COOPS = ("coop-a", "coop-b")
BANKS = ("bank-a", "bank-b")
HOLDERS = (*COOPS, "buyer", *BANKS)
ACTOR = {
    "coop-a": "coop-a.manager",
    "coop-b": "coop-b.manager",
    "buyer": "buyer.purchaser",
    "bank-a": "bank-a.loan",
    "bank-b": "bank-b.loan",
}
IMPOSTORS = ("coop-a.farmer", "coop-b.keeper", "buyer.purchaser", "bank-b.risk")
TERMINAL = {"SPLIT", "MERGED", "WITHDRAWN", "EXPIRED", "LOST"}
ORACLES = ("gov.prices", "valuer.appraiser")
NOT_ORACLES = ("bank-a.risk", "bank-b.loan", "coop-a.manager", "gov.pboc", "buyer.purchaser")
P = WarehouseReceiptParams()
MAX_AGE = dt.timedelta(days=P.price_max_age_days)


def with_old_members(orgs: tuple[OrgSpec, ...]) -> list[OrgSpec]:
    """The fixture orgs, each with its node key, and a loan officer at bank-a and a
    manager at coop-a who are revoked before the first rule (attackers only)."""
    old = {"bank-a": ("old", "loan_officer"), "coop-a": ("old", "manager")}
    return with_node_keys([
        OrgSpec(o.id, o.type, (*o.members, old[o.id])) if o.id in old else o for o in orgs
    ])
