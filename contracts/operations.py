"""Typed handles to operations: how one contract calls another within a tx.

The contract that offers an operation declares its argument model (and result model,
if it returns something) with ``@operation(ArgsModel, result=ResultModel)``; the
interface it offers to callers is an ``Operation`` handle naming the contract, the
operation and those two models::

    MOVE = Operation("settlement", "move", MoveArgs, NoneType)

    ctx.invoke(MOVE, MoveArgs(source=a, target=b, amount=5))   # -> None, type-checked

The runtime checks that the handle agrees with what the enabled contract declares,
that the arguments are an instance of its model (validated when built, like an
action's args), and that the result is an instance of the result model; a mismatch
is a contract bug (CONTRACT_FAULT), never a silent coercion.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import NoneType
from typing import Generic, TypeVar

from pydantic import BaseModel

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R")

__all__ = ["NoneType", "Operation"]


@dataclass(frozen=True, slots=True)
class Operation(Generic[A, R]):
    """Contract ``contract``'s operation ``name``: arguments ``args``, result ``result``
    (``NoneType`` for an operation that returns nothing)."""

    contract: str
    name: str
    args: type[A]
    result: type[R]
