"""Contracts (actions, roles, argument schemas), state values and contract views."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.context import ApiContext
from api.exceptions import ContractNotFound, StateKeyNotFound, ViewNotFound
from api.routes.deps import READ_SECURITY, Ctx, Reader, Viewing, visibility
from api.routes.transactions import PROBLEMS
from api.schemas import (
    ActionInfo,
    ContractInfo,
    ContractsOut,
    PartyRequirement,
    RoleRequirement,
    StateOut,
    ViewInfo,
    ViewOut,
)
from contracts.base import Contract
from contracts.policy import Party, Role, policy_to_json, walk
from ledger.interfaces import ChainStoreAPI

router = APIRouter(prefix="/v1", tags=["state"])

NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def contract_info(contract: Contract) -> ContractInfo:
    actions = []
    for name, spec in sorted(contract.actions.items()):
        policy = contract.policy_for(name)
        nodes = list(walk(policy))
        roles = [
            RoleRequirement(org_type=n.org_type, role=n.role) for n in nodes if isinstance(n, Role)
        ]
        parties = [
            PartyRequirement(party=n.name, roles=list(n.roles))
            for n in nodes
            if isinstance(n, Party)
        ]
        actions.append(
            ActionInfo(
                name=name,
                doc=spec.doc,
                policy=policy_to_json(policy),
                roles=roles,
                parties=parties,
                args_schema=spec.model.model_json_schema(),
            )
        )
    views = [
        ViewInfo(name=name, doc=spec.doc, params_schema=spec.model.model_json_schema())
        for name, spec in sorted(contract.views.items())
    ]
    return ContractInfo(
        name=contract.name,
        version=contract.version,
        description=contract.description,
        actions=actions,
        views=views,
        params=contract.params.model_dump(mode="json"),
    )


def contract_named(ctx: ApiContext, name: str) -> Contract:
    contract = ctx.contracts.get(name)
    if contract is None:
        raise ContractNotFound(f"contract {name!r} is not enabled on this chain", contract=name)
    result: Contract = contract
    return result


@router.get(
    "/contracts",
    response_model=ContractsOut,
    summary="Every enabled contract: actions, required roles, args JSON schema; views",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def contracts(ctx: Ctx, _reader: Reader) -> JSONResponse:
    def listing() -> dict[str, Any]:
        return ContractsOut(
            chain_id=ctx.peer.chain_id,
            contracts=[contract_info(c) for _, c in sorted(ctx.contracts.items())],
        ).model_dump(mode="json")

    return JSONResponse(ctx.per_configuration("contracts", listing))


@router.get(
    "/state/{contract}/{key:path}",
    response_model=StateOut,
    summary="The value at a key in a contract's namespace, at the head, if the reader may "
    "read it (else 404, as absent)",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def state_value(
    ctx: Ctx,
    viewer: Viewing,
    contract: Annotated[str, Path(pattern=NAME)],
    key: Annotated[str, Path(min_length=1, description="may contain '/'")],
) -> StateOut:
    contract_named(ctx, contract)
    rules = visibility(ctx)

    def read(store: ChainStoreAPI) -> tuple[Any, int]:
        return rules.get(viewer, store, contract, key), store.height()

    value, height = await run_in_threadpool(ctx.peer.read_store, read)
    if value is None:  # a value the reader may not read is as absent (need to know)
        raise StateKeyNotFound(
            f"nothing at {contract}/{key} that you may read", contract=contract, key=key
        )
    return StateOut(contract=contract, key=key, value=value, height=height)


@router.get(
    "/views/{contract}/{view}",
    response_model=ViewOut,
    summary="Call a contract view on the state the reader may read; query parameters are "
    "its params (see GET /v1/contracts)",
    openapi_extra={"security": READ_SECURITY},
    responses=PROBLEMS,
)
async def call_view(
    request: Request,
    ctx: Ctx,
    viewer: Viewing,
    contract: Annotated[str, Path(pattern=NAME)],
    view: Annotated[str, Path(pattern=NAME)],
) -> ViewOut:
    spec = contract_named(ctx, contract).views.get(view)
    if spec is None:
        raise ViewNotFound(
            f"contract {contract!r} has no view {view!r}", contract=contract, view=view
        )
    params: dict[str, Any] = {}
    for name, value in request.query_params.multi_items():
        params[name] = (
            [*params[name], value]
            if isinstance(params.get(name), list)
            else ([params[name], value] if name in params else value)
        )

    rules = visibility(ctx)
    runtime = ctx.peer.runtime

    def run(store: ChainStoreAPI) -> tuple[Any, int]:
        return rules.view(viewer, store, runtime, contract, view, params), store.height()

    result, height = await run_in_threadpool(ctx.peer.read_store, run)
    return ViewOut(contract=contract, view=view, params=params, result=result, height=height)
