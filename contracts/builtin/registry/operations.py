"""The registry's operations as callers name them: lien arguments and typed handles."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo, field_validator

from contracts.base import Args
from contracts.exceptions import DomainError
from contracts.operations import NoneType, Operation


class InvalidLien(DomainError):
    """The calling contract passed an empty or non-string asset, pledgee or loan id."""

    code = "INVALID_LIEN"


def _require_id(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str) or not value:
        field = info.field_name
        raise InvalidLien(f"{field} must be a non-empty id, got {value!r}", field=field)
    return value


class FileLienArgs(Args):
    """Encumber ``asset`` to ``pledgee``, securing loan ``secures``."""

    asset: str
    pledgee: str
    secures: str

    _ids = field_validator("asset", "pledgee", "secures", mode="before")(_require_id)


class CloseLienArgs(Args):
    """Close the caller's lien on ``asset`` securing loan ``secures``."""

    asset: str
    secures: str

    _ids = field_validator("asset", "secures", mode="before")(_require_id)


FILE_LIEN = Operation("registry", "file_lien", FileLienArgs, NoneType)
CLOSE_LIEN = Operation("registry", "close_lien", CloseLienArgs, NoneType)
