from contracts.builtin.settlement.contract import SettlementContract

__all__ = ["SettlementContract"]
