"""The contract framework: plug-in contracts with typed actions, policies as data,
views, operations and declared invariants, executed deterministically by the runtime."""

from contracts.base import Args, Contract, Params, Query, action, invariant, operation, view
from contracts.context import Context, ReadContext
from contracts.exceptions import (
    AssetFrozen,
    ContractError,
    DomainError,
    InsufficientFunds,
    InvalidArguments,
    InvalidState,
    NotFound,
    RegistrationError,
    Unauthorized,
    UnknownAction,
    UnknownContract,
)
from contracts.policy import AllOf, AnyOf, OutOf, Party, Role, all_of, any_of, out_of
from contracts.readers import Readable
from contracts.records import Record
from contracts.runtime import ContractRuntime

__all__ = [
    "AllOf",
    "AnyOf",
    "Args",
    "AssetFrozen",
    "Context",
    "Contract",
    "ContractError",
    "ContractRuntime",
    "DomainError",
    "InsufficientFunds",
    "InvalidArguments",
    "InvalidState",
    "NotFound",
    "OutOf",
    "Params",
    "Party",
    "Query",
    "ReadContext",
    "Readable",
    "Record",
    "RegistrationError",
    "Role",
    "Unauthorized",
    "UnknownAction",
    "UnknownContract",
    "action",
    "all_of",
    "any_of",
    "invariant",
    "operation",
    "out_of",
    "view",
]
