"""The one error table: every public exception is mapped, and paths come out as JSON paths."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

from api import errors
from api import exceptions as api_exc
from contracts import exceptions as contract_exc
from contracts.registry import discover
from ledger import exceptions as ledger_exc
from ledger.exceptions import FieldError
from nodes import exceptions as node_exc
from nodes.exceptions import GateRejected

MODULES = (ledger_exc, contract_exc, node_exc, api_exc)


def public_exceptions(module: ModuleType) -> list[type[BaseException]]:
    return [
        obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__ == module.__name__
        and not name.startswith("_")
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_public_exception_class_has_its_own_entry(module: ModuleType) -> None:
    missing = [cls.__name__ for cls in public_exceptions(module) if cls not in errors.ERROR_TABLE]
    assert not missing, f"unmapped in api/errors.py: {missing}"


def test_contract_specific_errors_map_to_4xx_through_their_ancestors() -> None:
    for contract in discover().values():
        module = inspect.getmodule(contract)
        assert module is not None
        package = module.__name__.rsplit(".", 1)[0]
        for cls in _domain_errors_under(package):
            status = errors.spec_for(cls.__new__(cls)).status
            assert 400 <= status < 500, f"{cls.__qualname__} maps to {status}"


def _domain_errors_under(package: str) -> list[type[contract_exc.DomainError]]:
    import sys

    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith(package) and module is not None:
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, contract_exc.DomainError):
                    found.append(obj)
    return found


def test_a_gate_refusal_answers_as_the_error_it_keeps() -> None:
    cause = ledger_exc.BadSignature.at("signatures[0].sig", "does not verify")
    status, body = errors.problem(GateRejected(cause, index=2), "/v1/x")
    assert status == 403
    assert body["code"] == "BAD_SIGNATURE"
    assert body["errors"] == [{"path": "$[2].signatures[0].sig", "rule": "does not verify"}]
    assert body["type"] == "urn:agriledger:problem:bad-signature"


def test_invalid_arguments_keep_one_error_per_field() -> None:
    fields: list[FieldError] = [
        {"path": "tx.args.amount", "rule": "Input should be greater than 0"},
        {"path": "tx.args.account", "rule": "Field required"},
    ]
    cause = contract_exc.InvalidArguments("two fields", fields)
    status, body = errors.problem(GateRejected(cause), "/v1/x", batch=False)
    assert status == 422
    assert [e["path"] for e in body["errors"]] == ["$.tx.args.amount", "$.tx.args.account"]


def test_field_errors_come_from_the_exception_never_from_its_message() -> None:
    """A message that looks like ``path: rule`` names no field unless the error does."""
    looks_like_a_field = contract_exc.Unauthorized("tx.args.amount: looks like a field")
    status, body = errors.problem(GateRejected(looks_like_a_field), "/v1/x")
    assert status == 403
    assert "errors" not in body
    assert body["detail"] == "tx.args.amount: looks like a field"
    subclass = type("RoleMissing", (contract_exc.Unauthorized,), {"code": "ROLE_MISSING"})
    status, body = errors.problem(GateRejected(subclass("no role")), "/v1/x")
    assert (status, body["code"]) == (403, "ROLE_MISSING")  # mapped on the type, own code


def test_an_unexpected_exception_is_500_without_its_details() -> None:
    status, body = errors.problem(KeyError("secret internals"), "/v1/x")
    assert status == 500
    assert "secret" not in body["detail"]
    assert body["code"] == "INTERNAL"


def test_every_code_is_stable_upper_snake_case() -> None:
    for cls in errors.ERROR_TABLE:
        if cls is GateRejected:  # carries the code of the ledger or contract error it wraps
            continue
        spec = errors.ERROR_TABLE[cls]
        code = getattr(cls, "code", None)
        code = code if isinstance(code, str) else spec.code
        assert code, cls
        assert code.replace("_", "").isalnum(), cls
        assert code.upper() == code, cls
