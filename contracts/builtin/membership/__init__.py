from contracts.builtin.membership.contract import MembershipContract

__all__ = ["MembershipContract"]
