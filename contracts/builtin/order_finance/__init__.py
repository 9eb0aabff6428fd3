from contracts.builtin.order_finance.contract import OrderFinanceContract

__all__ = ["OrderFinanceContract"]
