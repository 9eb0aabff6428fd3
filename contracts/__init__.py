"""The contract framework: plug-in contracts with typed actions, policies as data,
views, typed operations and declared invariants, executed deterministically by the
runtime.

What a plug-in imports from here: ``Contract`` and the decorators (``action``,
``view``, ``operation``, ``invariant``); the model bases ``Args``, ``Query``,
``Params`` and ``Record`` (stored state); ``Context``/``ReadContext`` (``load``,
``require``, ``save``, ``emit``, ``invoke``, ``transfer``...); ``Operation`` (a typed
handle to another contract's operation); the policies; and the domain errors.
Field types (``Id``, ``Fen``, ``Timestamp``...) are in ``contracts.types``.
"""

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
from contracts.operations import Operation
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
    "Operation",
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
