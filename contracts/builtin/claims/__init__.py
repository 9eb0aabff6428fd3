"""The built-in ``claims`` contract: disaster-loss agricultural insurance."""

from contracts.builtin.claims.contract import ClaimsContract

__all__ = ["ClaimsContract"]
