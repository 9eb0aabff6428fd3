"""Governance: the consortium changes parameters, organisations and contract versions on chain."""

from contracts.builtin.governance.contract import GovernanceContract

__all__ = ["GovernanceContract"]
