"""The OpenAPI document of a peer: routes, the envelope and problem types, and every
enabled action's argument schema as a component, so generated clients can type them.

Each action ``contract.action`` becomes ``components.schemas.<Contract><Action>Args``
(``settlement.issue`` -> ``SettlementIssueArgs``) and each view ``<Contract><View>Params``,
with ``x-agriledger`` naming the contract, the action or view and its authorisation
policy; models nested in an argument schema are hoisted beside it under the contract's
prefix (``ClaimsCoverArg``). ``TxBody.args`` stays an open object (its description
names the component to use): which schema applies depends on the action the body names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.schemas import EnvelopeModel, Problem
from contracts.base import Contract
from contracts.policy import policy_to_json

SECURITY_SCHEMES = {
    "HttpMessageSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Signature",
        "description": (
            "RFC 9421 HTTP Message Signature by a member's Ed25519 key, with a matching "
            "Signature-Input header (label sig1; components @method @path @query "
            "[content-digest]; params created, keyid = member id, nonce; optional "
            'expires and alg="ed25519").'
        ),
    }
}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def _relinked(value: Any, names: Mapping[str, str]) -> Any:
    """``value`` with every ``#/$defs/X`` reference pointing at ``#/components/schemas/...``."""
    if isinstance(value, dict):
        out = {k: _relinked(v, names) for k, v in value.items() if k != "$defs"}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/components/schemas/" + names[ref.removeprefix("#/$defs/")]
        return out
    if isinstance(value, list):
        return [_relinked(v, names) for v in value]
    return value


def _add(
    schemas: dict[str, Any], raw: dict[str, Any], name: str, doc: dict[str, Any], prefix: str
) -> None:
    """Put ``doc`` at ``name`` and its nested ``$defs`` beside it under ``prefix``.

    ``raw`` remembers each hoisted model as pydantic wrote it, so two different models
    of one name in a contract get distinct components (the second under ``name``).
    """
    defs: dict[str, Any] = doc.get("$defs", {})
    names = {}
    for def_name, sub in defs.items():
        wanted = prefix + def_name
        if raw.setdefault(wanted, sub) != sub:
            wanted = name + def_name
        names[def_name] = wanted
    for def_name, sub in defs.items():
        schemas[names[def_name]] = _relinked(sub, names)
    schemas[name] = _relinked(doc, names)


def contract_components(contracts: Mapping[str, Contract]) -> dict[str, Any]:
    """Every action's argument schema and every view's parameter schema, by component name."""
    schemas: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for contract_name, contract in sorted(contracts.items()):
        prefix = _camel(contract_name)
        for action_name, spec in sorted(contract.actions.items()):
            doc = spec.model.model_json_schema()
            doc["description"] = spec.doc or doc.get("description", "")
            doc["x-agriledger"] = {
                "contract": contract_name,
                "action": action_name,
                "policy": policy_to_json(contract.policy_for(action_name)),
            }
            _add(schemas, raw, f"{prefix}{_camel(action_name)}Args", doc, prefix)
        for view_name, view in sorted(contract.views.items()):
            doc = view.model.model_json_schema()
            doc["description"] = view.doc or doc.get("description", "")
            doc["x-agriledger"] = {"contract": contract_name, "view": view_name}
            _add(schemas, raw, f"{prefix}{_camel(view_name)}Params", doc, prefix)
    return schemas


def build_openapi(app: FastAPI, contracts: Mapping[str, Contract]) -> dict[str, Any]:
    """The document ``/openapi.json`` serves (computed once per app)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in (EnvelopeModel, Problem):
        doc = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in doc.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = doc
    actions = contract_components(contracts)
    schemas.update(actions)
    if "TxBody" in schemas:
        schemas["TxBody"]["properties"]["args"]["description"] = (
            "the named action's arguments, integers only: the component "
            "<Contract><Action>Args (settlement.issue -> SettlementIssueArgs)"
        )
    components["securitySchemes"] = SECURITY_SCHEMES
    app.openapi_schema = schema
    return schema
