"""The role catalogue: which roles each organisation type may hold.

Policies are checked against this catalogue when contracts are registered, so a
policy naming a role that no organisation can hold fails at start-up. A genesis
configuration may extend the catalogue (``roles`` per org type).
"""

from __future__ import annotations

from collections.abc import Mapping

ORG_TYPES = ("government", "bank", "insurer", "cooperative", "warehouse", "buyer", "appraiser")

DEFAULT_ROLES: Mapping[str, frozenset[str]] = {
    "government": frozenset(
        {
            "admin", "central_bank", "agriculture", "meteorology", "mediator", "finance",
            "registry", "price_bureau", "court",
        }
    ),
    "bank": frozenset({"admin", "loan_officer", "risk_officer", "teller"}),
    "insurer": frozenset({"admin", "underwriter", "adjuster", "claims_manager"}),
    "cooperative": frozenset({"admin", "manager", "warehouse_keeper", "farmer"}),
    "warehouse": frozenset({"admin", "warehouse_keeper"}),
    "buyer": frozenset({"admin", "purchaser", "treasurer"}),
    "appraiser": frozenset({"admin", "appraiser"}),
}


def all_roles(catalogue: Mapping[str, frozenset[str]] = DEFAULT_ROLES) -> frozenset[str]:
    return frozenset().union(*catalogue.values())
