"""/openapi.json carries every action's argument schema; /docs and /redoc work offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.client import Client
from tests.api.conftest import Served

pytestmark = pytest.mark.integration


def refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "$ref" and isinstance(sub, str):
                yield sub
            else:
                yield from refs(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from refs(sub)


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


@pytest.fixture(scope="module")
def openapi(served: Served) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(served.url + "/openapi.json").json()
    return document


def test_every_enabled_action_and_view_is_a_component_with_its_schema(
    openapi: dict[str, Any], gov: Client
) -> None:
    schemas = openapi["components"]["schemas"]
    for contract in gov.contracts()["contracts"]:
        for action in contract["actions"]:
            name = f"{camel(contract['name'])}{camel(action['name'])}Args"
            component = schemas[name]
            assert component["x-agriledger"]["action"] == action["name"]
            assert component["x-agriledger"]["policy"] == action["policy"]
            assert set(component.get("properties", {})) == set(
                action["args_schema"].get("properties", {})
            )
            assert component.get("required", []) == action["args_schema"].get("required", [])
        for view in contract["views"]:
            assert f"{camel(contract['name'])}{camel(view['name'])}Params" in schemas
    issue = schemas["SettlementIssueArgs"]
    assert issue["properties"]["amount"]["type"] == "integer"
    assert {"EnvelopeModel", "Problem", "TxBody"} <= set(schemas)


def test_every_reference_in_the_document_resolves(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    found = set(refs(openapi))
    assert any(ref.startswith("#/components/schemas/Claims") for ref in found)
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_their_scripts_from_the_peer_itself(served: Served, page: str) -> None:
    html = httpx.get(served.url + page)
    assert html.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    scripts = [s for s in sources if s.endswith((".js", ".css"))]
    assert scripts
    for src in scripts:
        assert src.startswith("/"), f"{page} loads {src} from another host"
        asset = httpx.get(served.url + src)
        assert asset.status_code == 200, src
        assert len(asset.content) > 10_000, src
    assert "/openapi.json" in html.text
