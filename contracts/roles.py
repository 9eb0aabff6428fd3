"""The role catalogue: which roles each organisation type may hold, and which carry money authority.

Policies are checked against this catalogue when contracts are registered, so a
policy naming a role that no organisation can hold fails at start-up. A genesis
configuration may extend the catalogue (``roles`` per org type).

Money authority (segregation of duties, dual control) is data too: the
settlement contract's genesis parameters default to the mappings below and a
chain may override them (see ``contracts.builtin.settlement.authority``).
"""

from __future__ import annotations

from collections.abc import Mapping

ORG_TYPES = ("government", "bank", "insurer", "cooperative", "warehouse", "buyer", "appraiser")

NODE_ROLE = "peer"
"""The role of a node identity: it signs block headers and nothing else (see
``contracts.runtime``: a tx signed by a node key is refused at the gate and in the block)."""

TREASURER = "treasurer"

DEFAULT_ROLES: Mapping[str, frozenset[str]] = {
    "government": frozenset(
        {
            "admin", "central_bank", "agriculture", "meteorology", "mediator", "finance",
            "registry", "price_bureau", "court", TREASURER,
        }
    ),
    "bank": frozenset({"admin", "loan_officer", "risk_officer", "teller", TREASURER}),
    "insurer": frozenset({"admin", "underwriter", "adjuster", "claims_manager", TREASURER}),
    "cooperative": frozenset({"admin", "manager", "warehouse_keeper", "farmer", TREASURER}),
    "warehouse": frozenset({"admin", "warehouse_keeper", TREASURER}),
    "buyer": frozenset({"admin", "purchaser", TREASURER}),
    "appraiser": frozenset({"admin", "appraiser", "collateral_manager", TREASURER}),
}

TREASURY_ROLES: Mapping[str, frozenset[str]] = {
    org_type: frozenset({TREASURER}) for org_type in ORG_TYPES
}
"""T1: the roles whose members may debit their org's own account with a plain transfer."""

CONTRACT_DEBIT_ROLES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "government": {
        "credit": frozenset({"finance"}),  # funding interest-subsidy programmes
        "claims": frozenset({"finance"}),  # premium shares and loss-sharing books
    },
    "bank": {
        "warehouse_receipt": frozenset({"loan_officer"}),  # pledge-loan disbursement
        "credit_loans": frozenset({"loan_officer"}),
        "order_finance": frozenset({"loan_officer"}),
    },
    "insurer": {
        "claims": frozenset({"claims_manager", "underwriter"}),  # payouts; premium refunds
        "warehouse_receipt": frozenset({"claims_manager"}),  # stored-goods insurance payouts
    },
    "cooperative": {
        "warehouse_receipt": frozenset({"manager"}),  # repaying the coop's pledge loans
        "credit_loans": frozenset({"manager"}),
        "order_finance": frozenset({"manager"}),
        "claims": frozenset({"manager"}),  # the coop's premium share
    },
    "buyer": {
        "order_finance": frozenset({"purchaser"}),
        "warehouse_receipt": frozenset({"purchaser"}),  # buying pledged goods at a sale
    },
}
"""T4: operational roles that may have their org's account debited, but only through the
named contract's own actions (a bank's loan officer disburses a loan; a plain transfer of
the bank's money still needs a treasury role)."""

DUAL_CONTROL_FEN: Mapping[str, int] = {
    "government": 1_000_000_000,  # 10,000,000 CNY
    "bank": 100_000_000,  # 1,000,000 CNY
    "insurer": 100_000_000,
    "buyer": 500_000_000,  # 5,000,000 CNY: a buyer's order payments are its trade
    "cooperative": 100_000_000,
    "warehouse": 10_000_000,  # 100,000 CNY
    "appraiser": 10_000_000,
}
"""T2: an org account debit above this many fen needs two different authorised members."""


def all_roles(catalogue: Mapping[str, frozenset[str]] = DEFAULT_ROLES) -> frozenset[str]:
    return frozenset().union(*catalogue.values())
