"""A third-party agriledger contract: cold-chain temperature attestations."""

from agriledger_cold_chain.contract import ColdChainContract

__all__ = ["ColdChainContract"]
